"""Importing announcements: extraction, a person's review, and turning the reviewed values
into an inspection with its targets and channels."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections import targets as inspection_services
from xuncha.inspections.models import Channel, ChannelKind, Inspection, Team
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Unit

from .access import can_import_announcement, can_review_announcement
from .extract import FIELDS, empty, extract, headline
from .models import Announcement
from .selectors import team_leader_name

MAX_TEXT = 2_000_000
LIST_FIELDS = ("targets", "deputy_leaders", "sms", "postal_boxes", "emails", "online_channels",
               "suggestion_boxes")
DATE_FIELDS = ("meeting_date", "period_start", "period_end", "petition_deadline")


def _require_importer(actor: User) -> None:
    if not can_import_announcement(user=actor):
        raise Forbidden(_("The inspection office imports announcements."))


def _require_reviewer(actor: User, announcement: Announcement) -> None:
    _require_importer(actor)
    if not can_review_announcement(user=actor, announcement=announcement):
        raise Forbidden()


@transaction.atomic
def announcement_create(*, actor: User, text: str) -> Announcement:
    _require_importer(actor)
    text = (text or "").replace("\x00", "")
    if not text.strip():
        raise DomainError(_("Paste the text of the announcement."), field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(_("The text is longer than 2 million characters; paste only the "
                            "article."), field="text")
    values = extract(text)
    # The article's headline, never a site menu (首页 | 工作动态 | …); the reviewer may edit it.
    title = headline(text)
    committee = actor.committee
    assert committee is not None  # can_import_announcement: the office of a committee
    announcement = Announcement.objects.create(committee=committee, title=title, text=text,
                                               extracted=values, created_by=actor)
    event_record(actor=actor, action="announcement.create", obj=announcement,
                 params={"kind": values["kind"], "length": len(text)})
    return announcement


def clean_values(data: dict[str, Any]) -> dict[str, Any]:
    """Reviewed values in the extraction's shape; refuses malformed dates."""
    values = empty()
    for name in FIELDS:
        if name in data:
            values[name] = data[name]
    for name in DATE_FIELDS:
        value = values.get(name)
        if value in ("", None):
            values[name] = None
            continue
        try:
            values[name] = datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise DomainError(_("%(field)s: write the date as 2024-03-11.") % {"field": name},
                              field=name) from None
    for name in LIST_FIELDS:
        values[name] = [str(v).strip() for v in values.get(name) or [] if str(v).strip()]
    values["phones"] = [{"number": str(p.get("number", "")).strip(),
                         "hours": (str(p.get("hours")).strip() or None) if p.get("hours") else None}
                        for p in values.get("phones") or [] if str(p.get("number", "")).strip()]
    for name in ("inspecting_body", "level", "special_topic", "leader", "scope_in"):
        values[name] = (str(values[name]).strip() or None) if values.get(name) else None
    if values["kind"] not in ("mobilization", "feedback", "other"):
        raise DomainError(_("Unknown kind."), field="kind")
    if values["level"] not in (None, "central", "provincial", "municipal", "county"):
        raise DomainError(_("Unknown level."), field="level")
    values["scope_out_transferred"] = bool(values.get("scope_out_transferred"))
    return values


TITLE_MAX = 200


@transaction.atomic
def announcement_review(*, actor: User, announcement: Announcement,
                        data: dict[str, Any]) -> Announcement:
    """Save the reviewed values (and the record's title, when given)."""
    _require_reviewer(actor, announcement)
    values = clean_values(data)
    before = announcement.values
    changed = {k: [before.get(k), values[k]] for k in FIELDS if before.get(k) != values[k]}
    fields = ["corrected", "reviewed_at"]
    if "title" in data:
        title = " ".join(str(data.get("title") or "").split())
        if not title:
            raise DomainError(_("Give the announcement a title."), field="title")
        if len(title) > TITLE_MAX:
            raise DomainError(_("The title is longer than 200 characters."), field="title")
        if title != announcement.title:
            changed["title"] = [announcement.title, title]
            announcement.title = title
            fields.append("title")
    announcement.corrected = values
    announcement.reviewed_at = timezone.now()
    announcement.save(update_fields=fields)
    event_record(actor=actor, action="announcement.review", obj=announcement, changes=changed)
    return announcement


def whole_scope(text: str, scope: str) -> str:
    """The scope as the announcement states it: the whole sentence of ``text`` that holds
    the reviewed ``scope`` (主要受理反映…的来信来电来访，重点是…), else ``scope`` itself."""
    scope = scope.strip()
    if not scope:
        return ""
    compact = "".join(text.split())
    at = compact.find("".join(scope.split()))
    if at == -1:
        return _("Petitions about %(scope)s are accepted.") % {"scope": scope}
    start = max(compact.rfind(c, 0, at) for c in "。；;") + 1
    ends = [p for p in (compact.find(c, at) for c in "。；;") if p != -1]
    end = min(ends) + 1 if ends else len(compact)
    return compact[start:end]


def leader_differs(values: dict[str, Any], team: Team) -> str | None:
    """The team's 组长 when it is not the one the announcement names (None when they agree
    or either is unknown)."""
    named = "".join(str(values.get("leader") or "").split())
    actual = team_leader_name(team=team)
    if not named or actual is None:
        return None
    return None if "".join(actual.split()) == named else actual


def _channels_from(values: dict[str, Any]) -> list[dict[str, str]]:
    channels = []
    phone_numbers = set()
    for phone in values.get("phones") or []:
        phone_numbers.add(phone["number"])
        channels.append({"kind": ChannelKind.PHONE, "value": phone["number"],
                         "hours": phone.get("hours") or ""})
    for number in values.get("sms") or []:
        note = "" if number in phone_numbers else _("SMS only")
        channels.append({"kind": ChannelKind.SMS, "value": number, "note": note})
    for box in values.get("postal_boxes") or []:
        channels.append({"kind": ChannelKind.POSTAL, "value": box})
    for email in values.get("emails") or []:
        channels.append({"kind": ChannelKind.EMAIL, "value": email})
    for label in values.get("online_channels") or []:
        channels.append({"kind": ChannelKind.ONLINE, "value": label})
    for place in values.get("suggestion_boxes") or []:
        channels.append({"kind": ChannelKind.SUGGESTION_BOX, "value": place})
    return channels


def _add_channels(actor: User, inspection: Inspection, values: dict[str, Any]) -> int:
    existing = set(Channel.objects.filter(inspection=inspection).values_list("kind", "value"))
    added = 0
    for data in _channels_from(values):
        if (data["kind"], data["value"]) in existing:
            continue
        try:
            inspection_services.channel_add(actor=actor, inspection=inspection, data=data)
        except DomainError:
            continue  # a value the channel rules refuse (e.g. a malformed number) is skipped
        existing.add((data["kind"], data["value"]))
        added += 1
    return added


def _date(values: dict[str, Any], name: str) -> datetime.date | None:
    return datetime.date.fromisoformat(values[name]) if values.get(name) else None


@transaction.atomic
def announcement_apply(*, actor: User, announcement: Announcement, team: Team | None = None,
                       units: Iterable[Unit] = (),
                       inspection: Inspection | None = None) -> list[Inspection]:
    """Create the inspection(s) of ``team`` at ``units`` from the reviewed values, or update
    ``inspection``: dates, scope and the published channels."""
    _require_reviewer(actor, announcement)
    values = clean_values(announcement.values)
    start, end = _date(values, "period_start"), _date(values, "period_end")
    stationed = _date(values, "meeting_date") or start
    deadline = _date(values, "petition_deadline")
    scope = whole_scope(announcement.text, values.get("scope_in") or "")
    if inspection is not None:
        data: dict[str, Any] = {"scope_text": scope} if scope else {}
        for key, value in (("period_start", start), ("period_end", end),
                           ("stationed_on", stationed), ("petition_deadline", deadline)):
            if value is not None:
                data[key] = value
        if data:
            inspection_services.inspection_update(
                actor=actor, inspection=inspection, data=data,
                reason=_("As published in the announcement %(title)s")
                % {"title": announcement.title or announcement.pk})
        added = _add_channels(actor, inspection, values)
        announcement.inspections.add(inspection)
        event_record(actor=actor, action="announcement.apply", obj=announcement,
                     params={"inspection": inspection.pk, "channels": added})
        return [inspection]
    if team is None or not units:
        raise DomainError(_("Choose the team and the target units."), field="team")
    missing = [label for label, value in ((_("period start"), start), (_("period end"), end),
                                          (_("petition deadline"), deadline)) if value is None]
    if missing:
        raise DomainError(_("To create the inspection, complete: %(fields)s.")
                          % {"fields": "、".join(str(m) for m in missing)}, code="incomplete")
    created = inspection_services.inspection_create(
        actor=actor, team=team, units=list(units),
        data={"period_start": start, "period_end": end, "stationed_on": stationed,
              "petition_deadline": deadline, "scope_text": scope})
    for item in created:
        _add_channels(actor, item, values)
        announcement.inspections.add(item)
    event_record(actor=actor, action="announcement.apply", obj=announcement,
                 params={"created": [i.pk for i in created]})
    return created
