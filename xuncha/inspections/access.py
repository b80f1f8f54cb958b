"""Who may do what with rounds, teams and inspections, and who a person is towards one.

``access_*`` fetch and authorize (the same ``NotFound`` for missing and forbidden);
``is_*`` say who someone is towards an inspection; ``can_*`` answer whether someone may
take an action (services, views, templates through the flags views compute, the menu and
the to-do all ask them); the other apps' ``access.py`` build their rules on them.

A rule that depends on the state of its object, and that a to-do list would show ("waits on
this person"), also has its query form: ``rounds_awaiting_approval(user=u)`` holds exactly
the rounds for which ``can_approve_round(user=u, round=r)`` is true (a test checks the
pairs agree over the test world's personas).
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from xuncha.accounts.access import (
    can_manage_accounts_of,
    has_role,
    is_leadership_of,
    is_office_of,
)
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.lookup import get_or_404

from .models import (
    STATUS_ORDER,
    Channel,
    Inspection,
    InspectionStatus,
    Round,
    RoundStatus,
    Team,
    TeamMember,
    TeamPosition,
    WorkdayOverride,
)
from .selectors import (
    channels_visible_to,
    inspections_visible_to,
    members_visible_to,
    rounds_visible_to,
    teams_visible_to,
    workday_overrides_editable_by,
)

LEADS = (TeamPosition.LEADER, TeamPosition.DEPUTY)
#: A round can be changed and submitted while the office holds it.
ROUND_CHANGEABLE = (RoundStatus.DRAFT, RoundStatus.RETURNED)
#: Dates, scope and channels can change until reporting begins.
INSPECTION_CHANGEABLE = STATUS_ORDER[:STATUS_ORDER.index(InspectionStatus.REPORTING)]


# --- who someone is towards a team or an inspection ---------------------------------------


def team_inspector_id(user: User) -> int | None:
    """The inspector behind a team account (the key of its memberships), or None."""
    if user.role != Role.TEAM or not user.inspector_id:
        return None
    return user.inspector_id


def team_position_in(*, user: User, team: Team | None) -> str | None:
    """The user's position on ``team`` (leader, deputy, member), or None."""
    inspector_id = team_inspector_id(user)
    if team is None or inspector_id is None:
        return None
    return (team.members.filter(inspector_id=inspector_id)
            .values_list("position", flat=True).first())


def team_position(*, user: User, inspection: Inspection) -> str | None:
    """The user's position on the inspection's team, or None."""
    return team_position_in(user=user, team=inspection.team)


def is_team_member(*, user: User, inspection: Inspection) -> bool:
    return team_position(user=user, inspection=inspection) is not None


def is_team_lead(*, user: User, inspection: Inspection) -> bool:
    """The team's leader or a deputy."""
    return team_position(user=user, inspection=inspection) in LEADS


def is_team_leader(*, user: User, inspection: Inspection) -> bool:
    """The team's leader (组长) alone."""
    return team_position(user=user, inspection=inspection) == TeamPosition.LEADER


def is_lead_of_team(*, user: User, team: Team) -> bool:
    """The leader or a deputy of ``team``."""
    return team_position_in(user=user, team=team) in LEADS


def is_liaison_of(*, user: User, inspection: Inspection) -> bool:
    """The inspected unit's liaison."""
    return user.role == Role.LIAISON and user.unit_id == inspection.unit_id


def _own_office(user: User) -> int | None:
    """The committee whose office the user belongs to, or None."""
    return user.committee_id if is_office_of(user=user, committee_id=user.committee_id) else None


def _own_leadership(user: User) -> int | None:
    """The committee whose leading group the user belongs to, or None."""
    return (user.committee_id if is_leadership_of(user=user, committee_id=user.committee_id)
            else None)


# --- rounds and teams ---------------------------------------------------------------------


def can_plan_rounds_for(*, user: User, committee_id: int) -> bool:
    """Plan a new round of the committee: its office."""
    return is_office_of(user=user, committee_id=committee_id)


def can_manage_round(*, user: User, round: Round) -> bool:
    """Plan, change and send rounds for approval, form its teams: the committee's office."""
    return is_office_of(user=user, committee_id=round.committee_id)


def can_change_round(*, user: User, round: Round) -> bool:
    """Change the plan or submit it: the office, while it holds the round (draft or
    returned). Query form: ``rounds_changeable_by``."""
    return round.status in ROUND_CHANGEABLE and can_manage_round(user=user, round=round)


def rounds_changeable_by(*, user: User) -> QuerySet[Round]:
    committee_id = _own_office(user)
    if committee_id is None:
        return Round.objects.none()
    return Round.objects.filter(committee_id=committee_id, status__in=ROUND_CHANGEABLE)


def can_rework_round(*, user: User, round: Round) -> bool:
    """A round the leading group returned, waiting on the office to revise and resubmit it.
    Query form: ``rounds_awaiting_rework``."""
    return round.status == RoundStatus.RETURNED and can_manage_round(user=user, round=round)


def rounds_awaiting_rework(*, user: User) -> QuerySet[Round]:
    return rounds_changeable_by(user=user).filter(status=RoundStatus.RETURNED)


def can_decide_round(*, user: User, round: Round) -> bool:
    """Decide on the rounds of the committee (approve or return): its leading group."""
    return is_leadership_of(user=user, committee_id=round.committee_id)


def can_approve_round(*, user: User, round: Round) -> bool:
    """Approve or return a round: the leading group, once the office has submitted it.
    Query form: ``rounds_awaiting_approval``."""
    return round.status == RoundStatus.SUBMITTED and can_decide_round(user=user, round=round)


def rounds_awaiting_approval(*, user: User) -> QuerySet[Round]:
    committee_id = _own_leadership(user)
    if committee_id is None:
        return Round.objects.none()
    return Round.objects.filter(committee_id=committee_id, status=RoundStatus.SUBMITTED)


def can_manage_team(*, user: User, team: Team) -> bool:
    """Staff a team and station it at targets: the office of the round's committee."""
    return can_manage_round(user=user, round=team.round)


def can_remove_member(*, user: User, member: TeamMember) -> bool:
    """Take a member off the team: the office, until the team is stationed anywhere."""
    team = member.team
    return (can_manage_team(user=user, team=team)
            and not team.inspections.exclude(status=InspectionStatus.PLANNED).exists())


# --- inspections --------------------------------------------------------------------------


def can_manage_inspection(*, user: User, inspection: Inspection) -> bool:
    """Dates, channels, notices and moves of an inspection: its office."""
    return is_office_of(user=user, committee_id=inspection.committee_id)


def can_manage_inspection_or_lead(*, user: User, inspection: Inspection) -> bool:
    """What the office or the team's leaders may change (dates, channels, on-site steps).
    Query form: ``inspections_managed_or_led_by``."""
    return (can_manage_inspection(user=user, inspection=inspection)
            or is_team_lead(user=user, inspection=inspection))


def inspections_managed_or_led_by(*, user: User) -> QuerySet[Inspection]:
    committee_id = _own_office(user)
    if committee_id is not None:
        return Inspection.objects.filter(committee_id=committee_id)
    inspector_id = team_inspector_id(user)
    if inspector_id is not None:
        # One filter() call: the same membership row is the user's and a lead's.
        return Inspection.objects.filter(team__members__inspector_id=inspector_id,
                                         team__members__position__in=LEADS)
    return Inspection.objects.none()


def can_change_inspection(*, user: User, inspection: Inspection) -> bool:
    """Change dates and scope, add channels: the office or the team's leaders, until the
    on-site work is over. Query form: ``inspections_changeable_by``."""
    return (inspection.status in INSPECTION_CHANGEABLE
            and can_manage_inspection_or_lead(user=user, inspection=inspection))


def inspections_changeable_by(*, user: User) -> QuerySet[Inspection]:
    return inspections_managed_or_led_by(user=user).filter(status__in=INSPECTION_CHANGEABLE)


def can_notify_target(*, user: User, inspection: Inspection) -> bool:
    """Notify the target before stationing (and record the day): the office or the team's
    leaders, while the inspection is planned and nobody has. Query form:
    ``inspections_awaiting_notification``."""
    return (inspection.status == InspectionStatus.PLANNED and inspection.notified_on is None
            and can_manage_inspection_or_lead(user=user, inspection=inspection))


def inspections_awaiting_notification(*, user: User) -> QuerySet[Inspection]:
    return inspections_managed_or_led_by(user=user).filter(status=InspectionStatus.PLANNED,
                                                           notified_on__isnull=True)


def can_station_inspection(*, user: User, inspection: Inspection) -> bool:
    """Hold the mobilization meeting and station the team (the readiness checks are the
    service's ``station_problems``). Query form: ``inspections_awaiting_stationing``."""
    return (inspection.status == InspectionStatus.PLANNED
            and can_manage_inspection_or_lead(user=user, inspection=inspection))


def inspections_awaiting_stationing(*, user: User) -> QuerySet[Inspection]:
    return inspections_managed_or_led_by(user=user).filter(status=InspectionStatus.PLANNED)


def _today() -> datetime.date:
    return timezone.localdate()


def can_begin_onsite(*, user: User, inspection: Inspection) -> bool:
    """Begin the on-site work: a stationed inspection, from its stationing date. Query form:
    ``inspections_ready_for_onsite``."""
    return (inspection.status == InspectionStatus.STATIONED
            and _today() >= inspection.stationed_on
            and can_manage_inspection_or_lead(user=user, inspection=inspection))


def inspections_ready_for_onsite(*, user: User) -> QuerySet[Inspection]:
    return inspections_managed_or_led_by(user=user).filter(
        status=InspectionStatus.STATIONED, stationed_on__lte=_today())


def can_begin_reporting(*, user: User, inspection: Inspection) -> bool:
    """Move to reporting: an inspection on site, once petition intake has closed. Query
    form: ``inspections_ready_for_reporting``."""
    return (inspection.status == InspectionStatus.ON_SITE
            and _today() > inspection.petition_deadline
            and can_manage_inspection_or_lead(user=user, inspection=inspection))


def inspections_ready_for_reporting(*, user: User) -> QuerySet[Inspection]:
    return inspections_managed_or_led_by(user=user).filter(
        status=InspectionStatus.ON_SITE, petition_deadline__lt=_today())


# --- calendar and clocks ------------------------------------------------------------------


def can_change_calendar(*, user: User, committee_id: int | None) -> bool:
    """Overrides of the working-day calendar: for everyone (``committee_id`` None) the
    platform operator; for a committee its office administrators (or the operator)."""
    if committee_id is None:
        return user.is_superuser
    return can_manage_accounts_of(user=user, committee_id=committee_id)


def can_change_clocks(*, user: User, committee_id: int | None) -> bool:
    """The committee's own clock lengths: its office administrators."""
    return is_office_of(user=user, committee_id=committee_id) and user.is_office_admin


# --- fetch and authorize ----------------------------------------------------------------------


def access_inspection(*, user: User, pk: object) -> Inspection:
    return get_or_404(inspections_visible_to(user=user), pk)


def access_round(*, user: User, pk: object) -> Round:
    return get_or_404(rounds_visible_to(user=user), pk)


def access_team(*, user: User, pk: object) -> Team:
    return get_or_404(teams_visible_to(user=user), pk)


def access_member(*, user: User, pk: object) -> TeamMember:
    return get_or_404(members_visible_to(user=user), pk)


def access_channel(*, user: User, pk: object) -> Channel:
    return get_or_404(channels_visible_to(user=user), pk)


def access_workday_override(*, user: User, pk: object) -> WorkdayOverride:
    """An override the user's calendar page lists as its own (the committee's, or for the
    platform operator the ones for everyone)."""
    return get_or_404(workday_overrides_editable_by(user=user), pk)


# --- pages ------------------------------------------------------------------------------------

CASE = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM)


def can_open_deadlines(*, user: User) -> bool:
    return bool(user.role)


def can_open_inspections(*, user: User) -> bool:
    return has_role(user, *CASE, Role.LIAISON)


def can_open_rounds(*, user: User) -> bool:
    return has_role(user, *CASE)


def can_watch_inspection_clocks(*, user: User) -> bool:
    """The notice and intake clocks of inspections one works on: the case roles."""
    return has_role(user, *CASE)


def can_open_planning(*, user: User) -> bool:
    """Coverage, timeline and inspector load, decisions on rounds: the committee's office and
    leading group."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP)


def can_open_office_forms(*, user: User) -> bool:
    """The office's forms: planning rounds, staffing teams, adding targets, clock settings."""
    return has_role(user, Role.OFFICE)


def can_open_inspection_forms(*, user: User) -> bool:
    """An inspection's dates, channels, moves and notice: the office and the teams (each
    form's service then asks who on the team may)."""
    return has_role(user, Role.OFFICE, Role.TEAM)


def can_open_calendar(*, user: User) -> bool:
    return user.is_superuser or has_role(user, Role.OFFICE)
