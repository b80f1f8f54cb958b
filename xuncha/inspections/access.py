"""Who may do what with rounds, teams and inspections, and who a person is towards one.

``access_*`` fetch and authorize (the same ``NotFound`` for missing and forbidden);
``is_*`` say who someone is towards an inspection; the other apps' ``access.py`` build
their ``can_*`` rules on them.
"""

from xuncha.accounts.access import has_role, is_office_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.lookup import get_or_404

from .models import Inspection, Round, Team, TeamPosition
from .selectors import inspections_visible_to, rounds_visible_to, teams_visible_to

LEADS = (TeamPosition.LEADER, TeamPosition.DEPUTY)


# --- who someone is towards a team or an inspection ---------------------------------------


def team_position_in(*, user: User, team: Team | None) -> str | None:
    """The user's position on ``team`` (leader, deputy, member), or None."""
    if team is None or user.role != Role.TEAM or not user.inspector_id:
        return None
    return (team.members.filter(inspector_id=user.inspector_id)
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


# --- rules -----------------------------------------------------------------------------------


def can_manage_round(*, user: User, round: Round) -> bool:
    """Plan, change and send rounds for approval: the committee's office."""
    return is_office_of(user=user, committee_id=round.committee_id)


def can_manage_inspection(*, user: User, inspection: Inspection) -> bool:
    """Dates, channels, notices and moves of an inspection: its office."""
    return is_office_of(user=user, committee_id=inspection.committee_id)


def can_manage_inspection_or_lead(*, user: User, inspection: Inspection) -> bool:
    """What the office or the team's leaders may change (channels, on-site steps)."""
    return (can_manage_inspection(user=user, inspection=inspection)
            or is_team_lead(user=user, inspection=inspection))


# --- fetch and authorize ----------------------------------------------------------------------


def access_inspection(*, user: User, pk: object) -> Inspection:
    return get_or_404(inspections_visible_to(user=user), pk)


def access_round(*, user: User, pk: object) -> Round:
    return get_or_404(rounds_visible_to(user=user), pk)


def access_team(*, user: User, pk: object) -> Team:
    return get_or_404(teams_visible_to(user=user), pk)


# --- pages ------------------------------------------------------------------------------------

CASE = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM)


def can_open_deadlines(*, user: User) -> bool:
    return bool(user.role)


def can_open_inspections(*, user: User) -> bool:
    return has_role(user, *CASE, Role.LIAISON)


def can_open_rounds(*, user: User) -> bool:
    return has_role(user, *CASE)


def can_open_planning(*, user: User) -> bool:
    """Coverage, timeline and inspector load: the committee's office and leading group."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP)


def can_open_calendar(*, user: User) -> bool:
    return user.is_superuser or has_role(user, Role.OFFICE)
