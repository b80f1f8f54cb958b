"""Forming teams: the office adds teams to a round and staffs them after the avoidance and
overlap checks."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import DomainError
from xuncha.organizations.models import Committee, Inspector
from xuncha.organizations.selectors import committee_subtree
from xuncha.teamwork.branches import branch_create

from . import conflicts
from .access import can_manage_round, can_manage_team, can_remove_member
from .models import Duty, Round, Team, TeamMember, TeamPosition
from .rounds import office_only


@transaction.atomic
def team_create(*, actor: User, round: Round, number: int | None = None) -> Team:
    if not can_manage_round(user=actor, round=round):
        raise office_only()
    number = number or (round.teams.aggregate(n=Max("number"))["n"] or 0) + 1
    if round.teams.filter(number=number).exists():
        raise DomainError(_("Team %(n)d already exists in this round.") % {"n": number},
                          field="number")
    team = Team.objects.create(round=round, number=number)
    event_record(actor=actor, action="team.create", obj=team, params={"number": number})
    branch_create(actor=actor, team=team)  # 把党支部建在巡察组上 (xuncha/teamwork)
    return team


def _pool_ok(inspector: Inspector, committee: Committee) -> bool:
    """Members come from the committee's pool or, for cross inspections, a lower one's."""
    return inspector.committee_id in set(committee_subtree(committee).values_list("pk",
                                                                                  flat=True))


def _clean_duties(duties: list[str] | None) -> list[str]:
    duties = list(dict.fromkeys(duties or []))
    unknown = [d for d in duties if d not in Duty.values]
    if unknown:
        raise DomainError(_("Unknown duty: %(items)s") % {"items": ", ".join(unknown)},
                          field="duties")
    return duties


@transaction.atomic
def member_add(*, actor: User, team: Team, inspector: Inspector,
               position: str = TeamPosition.MEMBER, duties: list[str] | None = None,
               override_reason: str = "") -> tuple[TeamMember, list[conflicts.Finding]]:
    """Add a member after the avoidance and overlap checks. Returns the member and the
    rotation warnings to show. A conflict needs ``override_reason``; overlaps are refused."""
    committee = team.round.committee
    if not can_manage_team(user=actor, team=team):
        raise office_only()
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
def member_update(*, actor: User, member: TeamMember, position: str,
                  duties: list[str]) -> TeamMember:
    if not can_manage_team(user=actor, team=member.team):
        raise office_only()
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
def member_remove(*, actor: User, member: TeamMember) -> None:
    if not can_manage_team(user=actor, team=member.team):
        raise office_only()
    if not can_remove_member(user=actor, member=member):
        raise DomainError(_("The team is already stationed; members cannot be removed. Record "
                          "the change with the office instead."))
    label = str(member)
    event_record(actor=actor, action="team.member_remove", obj=member, object_repr=label,
                 params={"inspector": member.inspector_id})
    member.delete()
