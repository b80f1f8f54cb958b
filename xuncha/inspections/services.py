"""Planning rounds, forming teams, stationing inspections, and the inspection's transitions."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.access import can_manage_accounts_of, is_office_of
from xuncha.accounts.roles import Role
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.organizations.models import Committee, Inspector, Term, Unit
from xuncha.organizations.selectors import committee_subtree

from . import conflicts
from .access import can_manage_inspection_or_lead
from .models import (
    Channel,
    ChannelKind,
    ClockPolicy,
    Duty,
    Inspection,
    InspectionStatus,
    Round,
    RoundKind,
    RoundStatus,
    Team,
    TeamMember,
    TeamPosition,
    WorkdayOverride,
)

ROUND_FIELDS = ("term", "number", "kind", "topic", "planned_start", "planned_end", "note")
INSPECTION_FIELDS = ("period_start", "period_end", "stationed_on", "petition_deadline",
                     "notified_on", "scope_text")
CHANNEL_FIELDS = ("kind", "value", "hours", "note", "position")


# --- permissions ----------------------------------------------------------------------------


def _require_office(user, committee_id: int) -> None:
    if not is_office_of(user=user, committee_id=committee_id):
        raise Forbidden(_("Only the inspection office of this committee may do this."))


def _require_office_or_lead(user, inspection: Inspection) -> None:
    if not can_manage_inspection_or_lead(user=user, inspection=inspection):
        raise Forbidden(_("Only the inspection office or the team's leaders may do this."))


# --- rounds ---------------------------------------------------------------------------------


def _validate_round(r: Round) -> None:
    if r.planned_end < r.planned_start:
        raise DomainError(_("The round cannot end before it starts."), field="planned_end")
    term = r.term
    if term.committee_id != r.committee_id:
        raise DomainError(_("Choose a term of this committee."), field="term")
    if r.planned_start < term.starts_on or r.planned_end > term.ends_on:
        raise DomainError(_("The round must fall within the term (%(start)s – %(end)s).")
                          % {"start": term.starts_on, "end": term.ends_on}, field="planned_start")
    if r.kind == RoundKind.SPECIAL and not r.topic.strip():
        raise DomainError(_("A special round needs its topic."), field="topic")
    if r.kind != RoundKind.SPECIAL:
        r.topic = ""
    if r.kind not in RoundKind.values:
        raise DomainError(_("Unknown kind of round."), field="kind")
    clash = Round.objects.filter(committee_id=r.committee_id, term_id=r.term_id, number=r.number)
    if r.pk:
        clash = clash.exclude(pk=r.pk)
    if clash.exists():
        raise DomainError(_("Round %(n)d already exists in this term.") % {"n": r.number},
                          field="number")


@transaction.atomic
def round_create(*, actor, committee: Committee, data: dict[str, Any]) -> Round:
    _require_office(actor, committee.pk)
    term: Term = data["term"]
    number = data.get("number") or (Round.objects.filter(committee=committee, term=term)
                                    .aggregate(n=Max("number"))["n"] or 0) + 1
    r = Round(committee=committee, created_by=actor, number=number)
    for name in ROUND_FIELDS:
        if name in data and name != "number":
            setattr(r, name, data[name] if data[name] is not None else "")
    _validate_round(r)
    r.save()
    event_record(actor=actor, action="round.create", obj=r,
                 changes=diff({}, snapshot(r, ROUND_FIELDS)))
    return r


@transaction.atomic
def round_update(*, actor, round: Round, data: dict[str, Any]) -> Round:
    _require_office(actor, round.committee_id)
    if round.status not in (RoundStatus.DRAFT, RoundStatus.RETURNED):
        raise DomainError(_("An approved or submitted round cannot be changed; ask the leading "
                            "group to return it first."))
    before = snapshot(round, ROUND_FIELDS)
    for name in ROUND_FIELDS:
        if name in data and data[name] is not None:
            setattr(round, name, data[name])
    _validate_round(round)
    changes = diff(before, snapshot(round, ROUND_FIELDS))
    if changes:
        round.save()
        event_record(actor=actor, action="round.update", obj=round, changes=changes)
    return round


@transaction.atomic
def round_submit(*, actor, round: Round) -> Round:
    _require_office(actor, round.committee_id)
    if round.status not in (RoundStatus.DRAFT, RoundStatus.RETURNED):
        raise DomainError(_("Only a draft or returned round can be submitted."))
    round.status = RoundStatus.SUBMITTED
    round.save(update_fields=["status"])
    event_record(actor=actor, action="round.submit", obj=round)
    return round


def _require_leadership(actor, committee_id: int) -> None:
    if not (actor.role == Role.LEADERSHIP and actor.committee_id == committee_id):
        raise Forbidden(_("Only the leading group of this committee decides on rounds."))


@transaction.atomic
def round_approve(*, actor, round: Round, note: str = "") -> Round:
    _require_leadership(actor, round.committee_id)
    if round.status != RoundStatus.SUBMITTED:
        raise DomainError(_("Only a submitted round can be approved."))
    round.status = RoundStatus.APPROVED
    round.approved_by = actor
    round.approved_at = timezone.now()
    round.decision_note = note
    round.save(update_fields=["status", "approved_by", "approved_at", "decision_note"])
    event_record(actor=actor, action="round.approve", obj=round, params={"note": note})
    return round


@transaction.atomic
def round_return(*, actor, round: Round, note: str) -> Round:
    _require_leadership(actor, round.committee_id)
    if round.status != RoundStatus.SUBMITTED:
        raise DomainError(_("Only a submitted round can be returned."))
    if not note.strip():
        raise DomainError(_("Say what must change before the round can be approved."),
                          field="note")
    round.status = RoundStatus.RETURNED
    round.decision_note = note
    round.save(update_fields=["status", "decision_note"])
    event_record(actor=actor, action="round.return", obj=round, params={"note": note})
    return round


# --- teams -------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, round: Round, number: int | None = None) -> Team:
    _require_office(actor, round.committee_id)
    number = number or (round.teams.aggregate(n=Max("number"))["n"] or 0) + 1
    if round.teams.filter(number=number).exists():
        raise DomainError(_("Team %(n)d already exists in this round.") % {"n": number},
                          field="number")
    team = Team.objects.create(round=round, number=number)
    event_record(actor=actor, action="team.create", obj=team, params={"number": number})
    return team


def _pool_ok(inspector: Inspector, committee: Committee) -> bool:
    """Members come from the committee's pool or, for cross inspections, a lower one's."""
    return inspector.committee_id in set(committee_subtree(committee).values_list("pk",
                                                                                  flat=True))


def _clean_duties(duties) -> list[str]:
    duties = list(dict.fromkeys(duties or []))
    unknown = [d for d in duties if d not in Duty.values]
    if unknown:
        raise DomainError(_("Unknown duty: %(items)s") % {"items": ", ".join(unknown)},
                          field="duties")
    return duties


@transaction.atomic
def member_add(*, actor, team: Team, inspector: Inspector, position: str = TeamPosition.MEMBER,
               duties: list[str] | None = None,
               override_reason: str = "") -> tuple[TeamMember, list[conflicts.Finding]]:
    """Add a member after the avoidance and overlap checks. Returns the member and the
    rotation warnings to show. A conflict needs ``override_reason``; overlaps are refused."""
    committee = team.round.committee
    _require_office(actor, committee.pk)
    if inspector.archived_at is not None or not _pool_ok(inspector, committee):
        raise DomainError(_("Choose an active inspector from the committee's pool."),
                          field="inspector")
    if position not in TeamPosition.values:
        raise DomainError(_("Unknown team position."), field="position")
    if team.members.filter(inspector=inspector).exists():
        raise DomainError(_("%(name)s is already on this team.") % {"name": inspector.cadre.name},
                          field="inspector")
    if position == TeamPosition.LEADER and team.members.filter(
            position=TeamPosition.LEADER).exists():
        raise DomainError(_("The team already has a leader."), field="position")
    overlaps = conflicts.overlapping_assignments(inspector=inspector, team=team)
    if overlaps:
        raise DomainError(" ".join(f.message for f in overlaps), code="overlap",
                          field="inspector")
    units = [i.unit for i in team.inspections.select_related("unit__parent", "unit__committee")]
    found = conflicts.conflicts_for(inspector=inspector, units=units)
    override_reason = (override_reason or "").strip()
    if found and not override_reason:
        raise DomainError(
            _("Avoidance conflict: %(reasons)s A written reason is required to override.")
            % {"reasons": " ".join(f.message for f in found)}, code="conflict",
            field="override_reason")
    member = TeamMember.objects.create(
        team=team, inspector=inspector, position=position, duties=_clean_duties(duties),
        override_reason=override_reason if found else "",
        overridden_by=actor if found else None)
    event_record(actor=actor, action="team.member_add", obj=member, params={
        "inspector": inspector.pk, "position": position, "duties": member.duties})
    if found:
        event_record(actor=actor, action="team.conflict_override", obj=member, params={
            "conflicts": [f.message for f in found], "reason": override_reason})
    return member, conflicts.rotation_warnings(team=team)


@transaction.atomic
def member_update(*, actor, member: TeamMember, position: str, duties: list[str]) -> TeamMember:
    _require_office(actor, member.team.round.committee_id)
    if position not in TeamPosition.values:
        raise DomainError(_("Unknown team position."), field="position")
    if position == TeamPosition.LEADER and member.team.members.filter(
            position=TeamPosition.LEADER).exclude(pk=member.pk).exists():
        raise DomainError(_("The team already has a leader."), field="position")
    before = snapshot(member, ("position", "duties"))
    member.position = position
    member.duties = _clean_duties(duties)
    changes = diff(before, snapshot(member, ("position", "duties")))
    if changes:
        try:
            with transaction.atomic():
                member.save(update_fields=["position", "duties"])
        except IntegrityError as exc:
            raise DomainError(_("The team already has a leader."), field="position") from exc
        event_record(actor=actor, action="team.member_update", obj=member, changes=changes)
    return member


@transaction.atomic
def member_remove(*, actor, member: TeamMember) -> None:
    team = member.team
    _require_office(actor, team.round.committee_id)
    if team.inspections.exclude(status=InspectionStatus.PLANNED).exists():
        raise DomainError(_("The team is already stationed; members cannot be removed. Record "
                          "the change with the office instead."))
    label = str(member)
    event_record(actor=actor, action="team.member_remove", obj=member, object_repr=label,
                 params={"inspector": member.inspector_id})
    member.delete()


# --- inspections ---------------------------------------------------------------------------


def _validate_dates(data: dict[str, Any]) -> None:
    start, end = data.get("period_start"), data.get("period_end")
    stationed, deadline = data.get("stationed_on"), data.get("petition_deadline")
    if not all((start, end, stationed, deadline)):
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
def inspection_create(*, actor, team: Team, units: list[Unit], data: dict[str, Any],
                      revisit_of: Inspection | None = None) -> list[Inspection]:
    """Station ``team`` at one or more targets (一托N), each with its own copy of the dates;
    they can be changed per target afterwards."""
    round = team.round
    _require_office(actor, round.committee_id)
    if not units:
        raise DomainError(_("Choose at least one target unit."), field="units")
    _validate_dates(data)
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


def _locked(inspection: Inspection, version: int | None) -> Inspection:
    """Re-read the row for update; refuse if someone saved it since ``version`` was read."""
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if version is not None and current.version != version:
        raise Conflict()
    return current


@transaction.atomic
def inspection_update(*, actor, inspection: Inspection, data: dict[str, Any],
                      version: int | None = None) -> Inspection:
    """Change dates or scope; the clocks that depend on them move with them."""
    _require_office_or_lead(actor, inspection)
    inspection = _locked(inspection, version)
    if inspection.reached(InspectionStatus.REPORTING):
        raise DomainError(_("The on-site work is over; its dates can no longer change."))
    before = snapshot(inspection, INSPECTION_FIELDS)
    merged = before | {k: v for k, v in data.items() if k in INSPECTION_FIELDS}
    for key in ("period_start", "period_end", "stationed_on", "petition_deadline",
                "notified_on"):
        if isinstance(merged.get(key), str):
            merged[key] = datetime.date.fromisoformat(merged[key])
    _validate_dates(merged)
    for name in INSPECTION_FIELDS:
        if name in data:
            setattr(inspection, name, data[name] if data[name] is not None else (
                "" if name == "scope_text" else None))
    changes = diff(before, snapshot(inspection, INSPECTION_FIELDS))
    if changes:
        inspection.version += 1
        inspection.save()
        for member in inspection.team.members.select_related("inspector__cadre"):
            overlaps = conflicts.overlapping_assignments(inspector=member.inspector,
                                                         team=inspection.team)
            if overlaps:
                raise DomainError(" ".join(f.message for f in overlaps), code="overlap",
                                  field="period_start")
        event_record(actor=actor, action="inspection.update", obj=inspection, changes=changes)
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
def channel_add(*, actor, inspection: Inspection, data: dict[str, Any]) -> Channel:
    _require_office_or_lead(actor, inspection)
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
def channel_remove(*, actor, channel: Channel) -> None:
    inspection = channel.inspection
    _require_office_or_lead(actor, inspection)
    before = snapshot(channel, CHANNEL_FIELDS)
    event_record(actor=actor, action="inspection.channel_remove", obj=channel,
                 changes=diff(before, {}))
    channel.delete()


@transaction.atomic
def channels_copy(*, actor, source: Inspection, target: Inspection) -> int:
    """Copy the channels of one target to another of the same team (一托N often share)."""
    _require_office_or_lead(actor, target)
    if source.team_id != target.team_id:
        raise DomainError(_("Channels can be copied between targets of the same team only."))
    count = 0
    existing = set(target.channels.values_list("kind", "value"))
    for channel in source.channels.all():
        if (channel.kind, channel.value) in existing:
            continue
        Channel.objects.create(inspection=target, kind=channel.kind, value=channel.value,
                               hours=channel.hours, note=channel.note, position=channel.position)
        count += 1
    event_record(actor=actor, action="inspection.channels_copy", obj=target,
                 params={"from": source.pk, "count": count})
    return count


# --- transitions ----------------------------------------------------------------------------


def _move(*, actor, inspection: Inspection, to: str, action: str, params=None) -> Inspection:
    before = inspection.status
    inspection.status = to
    inspection.version += 1
    inspection.save(update_fields=["status", "version", "updated_at"])
    event_record(actor=actor, action=action, obj=inspection,
                 changes={"status": [before, to]}, params=params or {})
    return inspection


def station_problems(inspection: Inspection) -> list[str]:
    """What is missing before the team can be stationed (empty: ready)."""
    problems = []
    if inspection.round.status != RoundStatus.APPROVED:
        problems.append(_("the round is not approved by the leading group"))
    members = list(inspection.team.members.values_list("position", flat=True))
    if TeamPosition.LEADER not in members:
        problems.append(_("the team has no leader"))
    if len(members) < 3:
        problems.append(_("the team has fewer than three members"))
    if not inspection.scope_text.strip():
        problems.append(_("the petition scope is not written"))
    kinds = set(inspection.channels.values_list("kind", flat=True))
    if not kinds:
        problems.append(_("no contact channel is published"))
    elif not kinds & {ChannelKind.PHONE, ChannelKind.POSTAL, ChannelKind.ONLINE}:
        problems.append(_("publish at least a phone line, a postal box or online reporting"))
    unresolved = [m for m in inspection.team.members.select_related("inspector__cadre__unit")
                  if conflicts.conflicts_for(inspector=m.inspector, units=[inspection.unit])
                  and not m.override_reason]
    if unresolved:
        problems.append(_("avoidance conflicts are not resolved: %(names)s")
                        % {"names": "、".join(m.inspector.cadre.name for m in unresolved)})
    return problems


@transaction.atomic
def inspection_station(*, actor, inspection: Inspection, version: int | None = None,
                       mobilized_on: datetime.date | None = None) -> Inspection:
    """planned → stationed: the 动员会 is held and the channels are published."""
    _require_office_or_lead(actor, inspection)
    inspection = _locked(inspection, version)
    if inspection.status != InspectionStatus.PLANNED:
        raise DomainError(_("Only a planned inspection can be stationed."))
    problems = station_problems(inspection)
    if problems:
        raise DomainError(_("The team cannot be stationed yet: %(missing)s.")
                          % {"missing": "; ".join(str(p) for p in problems)}, code="precondition")
    params = {}
    if mobilized_on and mobilized_on != inspection.stationed_on:
        data = snapshot(inspection, INSPECTION_FIELDS) | {"stationed_on": mobilized_on}
        for key in ("period_start", "period_end", "petition_deadline", "notified_on"):
            if isinstance(data.get(key), str):
                data[key] = datetime.date.fromisoformat(data[key])
        _validate_dates(data)
        params["stationed_on"] = [str(inspection.stationed_on), str(mobilized_on)]
        inspection.stationed_on = mobilized_on
        inspection.save(update_fields=["stationed_on"])
    return _move(actor=actor, inspection=inspection, to=InspectionStatus.STATIONED,
                 action="inspection.station", params=params)


@transaction.atomic
def inspection_begin_onsite(*, actor, inspection: Inspection,
                            version: int | None = None) -> Inspection:
    """stationed → on site, from the stationing date."""
    _require_office_or_lead(actor, inspection)
    inspection = _locked(inspection, version)
    if inspection.status != InspectionStatus.STATIONED:
        raise DomainError(_("Only a stationed inspection can begin its on-site work."))
    if timezone.localdate() < inspection.stationed_on:
        raise DomainError(_("On-site work begins on the stationing date (%(day)s).")
                          % {"day": inspection.stationed_on}, code="precondition")
    return _move(actor=actor, inspection=inspection, to=InspectionStatus.ON_SITE,
                 action="inspection.begin_onsite")


@transaction.atomic
def inspection_begin_reporting(*, actor, inspection: Inspection,
                               version: int | None = None) -> Inspection:
    """on site → reporting, once petition intake has closed."""
    _require_office_or_lead(actor, inspection)
    inspection = _locked(inspection, version)
    if inspection.status != InspectionStatus.ON_SITE:
        raise DomainError(_("Only an inspection on site can move to reporting."))
    if timezone.localdate() <= inspection.petition_deadline:
        raise DomainError(_("Petition intake is open until %(day)s; reporting starts after it "
                            "closes.") % {"day": inspection.petition_deadline},
                          code="precondition")
    return _move(actor=actor, inspection=inspection, to=InspectionStatus.REPORTING,
                 action="inspection.begin_reporting")


def inspection_move(*, actor, inspection: Inspection, to: str, action: str,
                    params=None) -> Inspection:
    """For later stages (feedback, rectification, follow-up): the caller's service has
    checked its own preconditions inside its transaction."""
    return _move(actor=actor, inspection=inspection, to=to, action=action, params=params)


# --- calendar and clock settings --------------------------------------------------------------


@transaction.atomic
def workday_override_set(*, actor, committee: Committee | None, date: datetime.date,
                         is_workday: bool, note: str = "") -> WorkdayOverride:
    if committee is None:
        if not actor.is_superuser:
            raise Forbidden(_("Only the platform operator changes the calendar for everyone."))
    elif not can_manage_accounts_of(user=actor, committee_id=committee.pk):
        raise Forbidden(_("Only an office administrator changes the committee's calendar."))
    row, created = WorkdayOverride.objects.update_or_create(
        committee=committee, date=date, defaults={"is_workday": is_workday, "note": note})
    event_record(actor=actor, action="calendar.override_set", obj=row,
                 committee_id=committee.pk if committee else None,
                 params={"date": date, "is_workday": is_workday, "note": note,
                         "created": created})
    return row


@transaction.atomic
def workday_override_delete(*, actor, row: WorkdayOverride) -> None:
    committee = row.committee
    if committee is None and not actor.is_superuser:
        raise Forbidden()
    if committee is not None and not (actor.is_superuser or (
            is_office_of(user=actor, committee_id=committee.pk) and actor.is_office_admin)):
        raise Forbidden()
    event_record(actor=actor, action="calendar.override_delete", obj=row,
                 committee_id=committee.pk if committee else None,
                 params={"date": row.date, "is_workday": row.is_workday})
    row.delete()


POLICY_FIELDS = ("notice_workdays", "plan_workdays", "report_months", "clue_report_months",
                 "clue_close_months", "clue_close_max_months", "transfer_answer_workdays",
                 "measure_green_days", "measure_yellow_days")


@transaction.atomic
def clock_policy_update(*, actor, committee: Committee, data: dict[str, Any]) -> ClockPolicy:
    if not (is_office_of(user=actor, committee_id=committee.pk) and actor.is_office_admin):
        raise Forbidden(_("Only an office administrator changes the committee's clocks."))
    policy, _created = ClockPolicy.objects.get_or_create(committee=committee)
    before = snapshot(policy, POLICY_FIELDS)
    for name in POLICY_FIELDS:
        if name in data:
            setattr(policy, name, data[name])
    if policy.clue_close_months > policy.clue_close_max_months:
        raise DomainError(_("The usual closing time cannot exceed the latest closing time."),
                          field="clue_close_months")
    if policy.measure_yellow_days > policy.measure_green_days:
        raise DomainError(_("Yellow must come after green (fewer days left)."),
                          field="measure_yellow_days")
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        policy.save()
        event_record(actor=actor, action="clocks.update", obj=policy, changes=changes)
    return policy
