"""Stationing a team at its targets (一托N): the inspection records, their dates and scope,
and the contact channels published for each."""

import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.organizations.models import Unit
from xuncha.organizations.selectors import committee_subtree

from . import conflicts
from .access import can_change_inspection, can_manage_inspection_or_lead, can_manage_team
from .models import Channel, ChannelKind, Inspection, InspectionStatus, Round, RoundKind, Team
from .rounds import office_only

INSPECTION_FIELDS = ("period_start", "period_end", "stationed_on", "petition_deadline",
                     "notified_on", "scope_text")
CHANNEL_FIELDS = ("kind", "value", "hours", "note", "position")


def require_office_or_lead(actor: User, inspection: Inspection) -> None:
    """Refuse unless the actor is the inspection's office or one of the team's leaders."""
    if not can_manage_inspection_or_lead(user=actor, inspection=inspection):
        raise Forbidden(_("Only the inspection office or the team's leaders may do this."))


def validate_dates(data: dict[str, Any]) -> None:
    start, end = data.get("period_start"), data.get("period_end")
    stationed, deadline = data.get("stationed_on"), data.get("petition_deadline")
    if not (start and end and stationed and deadline):
        raise DomainError(_("Give the on-site period, the stationing date and the petition "
                            "deadline."), field="period_start")
    if end < start:
        raise DomainError(_("The on-site period ends before it starts."), field="period_end")
    if not start <= stationed <= end:
        raise DomainError(_("The stationing date must fall within the on-site period."),
                          field="stationed_on")
    if deadline < stationed:
        raise DomainError(_("The petition deadline is before the stationing date."),
                          field="petition_deadline")
    if deadline > end:
        raise DomainError(_("The petition deadline is after the team leaves."),
                          field="petition_deadline")
    notified = data.get("notified_on")
    if notified and notified > stationed:
        raise DomainError(_("The target must be notified before stationing."),
                          field="notified_on")


def _check_target(*, round: Round, unit: Unit) -> bool:
    """True when the target is escalated (a lower committee's unit); refuses units that
    are not the committee's unless the round is escalated or cross."""
    if unit.archived_at is not None:
        raise DomainError(_("%(unit)s is archived.") % {"unit": unit.name}, field="units")
    if unit.committee_id == round.committee_id:
        return False
    lower = set(committee_subtree(round.committee).values_list("pk", flat=True))
    if unit.committee_id in lower and round.kind in (RoundKind.ESCALATED, RoundKind.CROSS):
        return True
    raise DomainError(
        _("%(unit)s is not under this committee's jurisdiction. Units of lower committees can "
          "only be targets of escalated (提级) or cross (交叉) rounds.") % {"unit": unit.name},
        code="jurisdiction", field="units")


@transaction.atomic
def inspection_create(*, actor: User, team: Team, units: list[Unit], data: dict[str, Any],
                      revisit_of: Inspection | None = None) -> list[Inspection]:
    """Station ``team`` at one or more targets (一托N), each with its own copy of the dates;
    they can be changed per target afterwards."""
    round = team.round
    if not can_manage_team(user=actor, team=team):
        raise office_only()
    if not units:
        raise DomainError(_("Choose at least one target unit."), field="units")
    validate_dates(data)
    if round.kind == RoundKind.REVISIT:
        if revisit_of is None:
            raise DomainError(_("A revisit (回头看) names the earlier inspection it follows up."),
                              field="revisit_of")
        if len(units) != 1 or revisit_of.unit_id != units[0].pk:
            raise DomainError(_("A revisit inspects the same unit as the earlier inspection."),
                              field="revisit_of")
        if revisit_of.period_end >= data["period_start"]:
            raise DomainError(_("The earlier inspection must end before the revisit starts."),
                              field="revisit_of")
    members = list(team.members.select_related("inspector__cadre__unit",
                                                "inspector__committee"))
    created = []
    for unit in units:
        escalated = _check_target(round=round, unit=unit)
        if Inspection.objects.filter(round=round, unit=unit).exists():
            raise DomainError(_("%(unit)s is already a target of this round.")
                              % {"unit": unit.name}, field="units")
        for member in members:
            found = conflicts.conflicts_for(inspector=member.inspector, units=[unit])
            if found and not member.override_reason:
                raise DomainError(
                    _("Avoidance conflict for %(unit)s: %(reasons)s Replace the member or "
                      "record an override first.")
                    % {"unit": unit.name, "reasons": " ".join(f.message for f in found)},
                    code="conflict", field="units")
        inspection = Inspection(team=team, round=round, committee=round.committee, unit=unit,
                                escalated=escalated, revisit_of=revisit_of)
        for name in INSPECTION_FIELDS:
            if name in data:
                setattr(inspection, name, data[name] if data[name] is not None else (
                    "" if name == "scope_text" else None))
        inspection.save()
        event_record(actor=actor, action="inspection.create", obj=inspection,
                     changes=diff({}, snapshot(inspection, INSPECTION_FIELDS)),
                     params={"unit": unit.pk, "team": team.pk, "escalated": escalated})
        created.append(inspection)
    # Overlap of members with other teams may have changed with the new dates.
    for member in members:
        overlaps = conflicts.overlapping_assignments(inspector=member.inspector, team=team)
        if overlaps:
            raise DomainError(" ".join(f.message for f in overlaps), code="overlap",
                              field="period_start")
    return created


def locked(inspection: Inspection, version: int | None) -> Inspection:
    """Re-read the row for update; refuse if someone saved it since ``version`` was read."""
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if version is not None and current.version != version:
        raise Conflict()
    return current


#: The schedule of an inspection: once the team is stationed, changing it needs a reason.
SCHEDULE_FIELDS = ("period_start", "period_end", "stationed_on", "petition_deadline")
REASON_MAX = 500


def schedule_needs_reason(inspection: Inspection) -> bool:
    """After stationing the dates are public (notice, reporting page) and the clocks run:
    a change says why, and the reason goes into the audit trail."""
    return inspection.reached(InspectionStatus.STATIONED)


@transaction.atomic
def inspection_update(*, actor: User, inspection: Inspection, data: dict[str, Any],
                      version: int | None = None, reason: str = "") -> Inspection:
    """Change dates or scope; the clocks that depend on them move with them. After
    stationing a change of the dates needs ``reason`` (kept in the audit event)."""
    require_office_or_lead(actor, inspection)
    inspection = locked(inspection, version)
    if not can_change_inspection(user=actor, inspection=inspection):
        raise DomainError(_("The on-site work is over; its dates can no longer change."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX},
                          field="reason")
    before = snapshot(inspection, INSPECTION_FIELDS)
    merged = before | {k: v for k, v in data.items() if k in INSPECTION_FIELDS}
    for key in ("period_start", "period_end", "stationed_on", "petition_deadline",
                "notified_on"):
        if isinstance(merged.get(key), str):
            merged[key] = datetime.date.fromisoformat(merged[key])
    validate_dates(merged)
    for name in INSPECTION_FIELDS:
        if name in data:
            setattr(inspection, name, data[name] if data[name] is not None else (
                "" if name == "scope_text" else None))
    changes = diff(before, snapshot(inspection, INSPECTION_FIELDS))
    rescheduled = [name for name in SCHEDULE_FIELDS if name in changes]
    if rescheduled and schedule_needs_reason(inspection) and not reason:
        raise DomainError(_("The team is stationed: the dates are public and the clocks run. "
                            "Say why they change."), code="reason_required", field="reason")
    if changes:
        inspection.version += 1
        inspection.save()
        for member in inspection.team.members.select_related("inspector__cadre"):
            overlaps = conflicts.overlapping_assignments(inspector=member.inspector,
                                                         team=inspection.team)
            if overlaps:
                raise DomainError(" ".join(f.message for f in overlaps), code="overlap",
                                  field="period_start")
        event_record(actor=actor, action="inspection.update", obj=inspection, changes=changes,
                     params={"reason": reason} if reason else None)
    return inspection


def _validate_channel(channel: Channel) -> None:
    if channel.kind not in ChannelKind.values:
        raise DomainError(_("Unknown kind of channel."), field="kind")
    if not channel.value.strip() and channel.kind != ChannelKind.ONLINE:
        raise DomainError(_("Give the number, address or place."), field="value")
    if channel.kind == ChannelKind.EMAIL and "@" not in channel.value:
        raise DomainError(_("This is not an e-mail address."), field="value")
    if channel.kind in (ChannelKind.PHONE, ChannelKind.SMS):
        digits = [c for c in channel.value if c.isdigit()]
        if len(digits) < 5 or any(not (c.isdigit() or c in "-—– ()（）+转") for c in
                                   channel.value):
            raise DomainError(_("This is not a phone number."), field="value")


@transaction.atomic
def channel_add(*, actor: User, inspection: Inspection, data: dict[str, Any]) -> Channel:
    require_office_or_lead(actor, inspection)
    channel = Channel(inspection=inspection)
    for name in CHANNEL_FIELDS:
        if name in data and data[name] is not None:
            setattr(channel, name, data[name])
    if channel.kind == ChannelKind.ONLINE and not channel.value.strip():
        channel.value = "网上举报（扫码或打开本公告中的链接）"
    _validate_channel(channel)
    if not channel.position:
        channel.position = (inspection.channels.aggregate(p=Max("position"))["p"] or 0) + 1
    channel.save()
    event_record(actor=actor, action="inspection.channel_add", obj=channel,
                 changes=diff({}, snapshot(channel, CHANNEL_FIELDS)))
    return channel


@transaction.atomic
def channel_remove(*, actor: User, channel: Channel) -> None:
    inspection = channel.inspection
    require_office_or_lead(actor, inspection)
    before = snapshot(channel, CHANNEL_FIELDS)
    event_record(actor=actor, action="inspection.channel_remove", obj=channel,
                 changes=diff(before, {}))
    channel.delete()


#: Channels that belong to one target and are never copied to another: its own online
#: reporting link (the QR code), and the places at the target (意见箱, reception room).
TARGET_SPECIFIC_KINDS = (ChannelKind.ONLINE, ChannelKind.SUGGESTION_BOX, ChannelKind.VISIT)


class ChannelsCopied(NamedTuple):
    copied: int
    #: the source's channels left out because they belong to the source target
    skipped: int


def is_target_specific(channel: Channel) -> bool:
    """The channel names its own target: its online link, a place at the target, or a text
    carrying the target's public code (a link typed into the value or the note)."""
    code = channel.inspection.public_code
    return channel.kind in TARGET_SPECIFIC_KINDS or (
        bool(code) and (code in channel.value or code in channel.note))


@transaction.atomic
def channels_copy(*, actor: User, source: Inspection, target: Inspection) -> ChannelsCopied:
    """Copy the team's shared channels (phone, SMS, postal box, e-mail) of one target to
    another of the same team (一托N often share them). Never another target's link or its
    places: each target keeps its own online link, 意见箱 and reception room."""
    require_office_or_lead(actor, target)
    if source.team_id != target.team_id:
        raise DomainError(_("Channels can be copied between targets of the same team only."))
    if source.pk == target.pk:
        raise DomainError(_("Choose another target of the team to copy from."), field="source")
    copied = skipped = 0
    existing = set(target.channels.values_list("kind", "value"))
    for channel in source.channels.select_related("inspection"):
        if is_target_specific(channel):
            skipped += 1
            continue
        if (channel.kind, channel.value) in existing:
            continue
        Channel.objects.create(inspection=target, kind=channel.kind, value=channel.value,
                               hours=channel.hours, note=channel.note, position=channel.position)
        copied += 1
    event_record(actor=actor, action="inspection.channels_copy", obj=target,
                 params={"from": source.pk, "count": copied, "skipped": skipped})
    return ChannelsCopied(copied, skipped)
