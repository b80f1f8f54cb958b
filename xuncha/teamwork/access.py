"""Who may sign and record pledges, and who reads and handles reports about a team.

A report about a team is the office's (it receives, transfers or concludes it) and, once
transferred, the discipline body's (it concludes it); accountability against the inspector
follows a substantiated report and is the office's to record. No rule here ever answers yes
for a team account on a report: the team reported on must not learn of it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from xuncha.accounts.access import (
    has_role,
    is_discipline_of,
    is_office_admin_of,
    is_office_of,
)
from xuncha.accounts.models import User
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.inspections.access import is_liaison_of, team_inspector_id
from xuncha.inspections.models import (
    STATUS_ORDER,
    Inspection,
    InspectionStatus,
    Team,
    TeamMember,
    TeamPosition,
)
from xuncha.lib.lookup import get_or_404
from xuncha.organizations.models import Inspector

from .models import (
    Appraisal,
    AppraisalStatus,
    Branch,
    ConductReport,
    InspectorAccountability,
    ReportStatus,
    SelfCheck,
    SelfFoundProblem,
)
from .selectors import (
    appraisal_inspectors_visible_to,
    conduct_reports_visible_to,
    self_check_inspections_visible_to,
)


def _own_office(user: User) -> int | None:
    """The committee whose office the user belongs to, or None."""
    committee_id = user.committee_id
    return committee_id if is_office_of(user=user, committee_id=committee_id) else None


# --- pledges ------------------------------------------------------------------------------


def _awaits_stationing(team: Team) -> bool:
    return team.inspections.filter(status=InspectionStatus.PLANNED).exists()


def _planned_inspection() -> Exists:
    return Exists(Inspection.objects.filter(team_id=OuterRef("team_id"),
                                            status=InspectionStatus.PLANNED))


def can_sign_pledge(*, user: User, member: TeamMember) -> bool:
    """The member signs their own pledge, once. Query form: ``members_signable_by``."""
    return team_inspector_id(user) == member.inspector_id and not hasattr(member, "pledge")


def members_signable_by(*, user: User) -> QuerySet[TeamMember]:
    inspector_id = team_inspector_id(user)
    if inspector_id is None:
        return TeamMember.objects.none()
    return TeamMember.objects.filter(inspector_id=inspector_id, pledge__isnull=True)


def is_pledge_awaited(*, user: User, member: TeamMember) -> bool:
    """The member's pledge waits on them: unsigned while the team has a target to be
    stationed at (their to-do). Query form: ``members_awaiting_pledge``."""
    return can_sign_pledge(user=user, member=member) and _awaits_stationing(member.team)


def members_awaiting_pledge(*, user: User) -> QuerySet[TeamMember]:
    return members_signable_by(user=user).filter(_planned_inspection())


def can_record_paper_pledge(*, user: User, member: TeamMember) -> bool:
    """The office records a pledge signed on paper (a member without an account), once.
    Query form: ``members_awaiting_paper_pledge``."""
    return (is_office_of(user=user, committee_id=member.team.round.committee_id)
            and not hasattr(member, "pledge"))


def members_awaiting_paper_pledge(*, user: User) -> QuerySet[TeamMember]:
    committee_id = _own_office(user)
    if committee_id is None:
        return TeamMember.objects.none()
    return TeamMember.objects.filter(team__round__committee_id=committee_id,
                                     pledge__isnull=True)


def can_change_pledge_text(*, user: User, committee_id: int | None) -> bool:
    """The committee's pledge text and supervision phone: its office administrators."""
    return is_office_admin_of(user=user, committee_id=committee_id)


# --- reports about a team -----------------------------------------------------------------


def can_report_on_team(*, user: User, committee_id: int | None) -> bool:
    """Record a report about a team received by phone, letter or in person: the office."""
    return is_office_of(user=user, committee_id=committee_id)


def can_transfer_conduct_report(*, user: User, report: ConductReport) -> bool:
    """Transfer a received report to the discipline body: the office. Query form:
    ``conduct_reports_awaiting_handling`` (the same reports the office may conclude)."""
    return (report.status == ReportStatus.RECEIVED
            and is_office_of(user=user, committee_id=report.committee_id))


def can_conclude_conduct_report(*, user: User, report: ConductReport) -> bool:
    """Conclude (substantiated or not): the office while it holds the report, the discipline
    body once transferred. Query form: ``conduct_reports_awaiting_handling``."""
    if report.status == ReportStatus.RECEIVED:
        return is_office_of(user=user, committee_id=report.committee_id)
    if report.status == ReportStatus.TRANSFERRED:
        return is_discipline_of(user=user, committee_id=report.committee_id)
    return False


def conduct_reports_awaiting_handling(*, user: User) -> QuerySet[ConductReport]:
    committee_id = user.committee_id
    if committee_id is None:
        return ConductReport.objects.none()
    if is_office_of(user=user, committee_id=committee_id):
        return ConductReport.objects.filter(committee_id=committee_id,
                                            status=ReportStatus.RECEIVED)
    if is_discipline_of(user=user, committee_id=committee_id):
        return ConductReport.objects.filter(committee_id=committee_id,
                                            status=ReportStatus.TRANSFERRED)
    return ConductReport.objects.none()


def conduct_reports_transferable_by(*, user: User) -> QuerySet[ConductReport]:
    """Query form of ``can_transfer_conduct_report``."""
    committee_id = _own_office(user)
    if committee_id is None:
        return ConductReport.objects.none()
    return ConductReport.objects.filter(committee_id=committee_id,
                                        status=ReportStatus.RECEIVED)


def can_record_inspector_accountability(*, user: User, report: ConductReport) -> bool:
    """Record 问责 against the inspector of a substantiated report: the office, once.
    Query form: ``conduct_reports_awaiting_accountability``."""
    return (report.status == ReportStatus.SUBSTANTIATED and report.inspector_id is not None
            and is_office_of(user=user, committee_id=report.committee_id)
            and not report.accountabilities.exists())


def conduct_reports_awaiting_accountability(*, user: User) -> QuerySet[ConductReport]:
    committee_id = _own_office(user)
    if committee_id is None:
        return ConductReport.objects.none()
    return ConductReport.objects.filter(
        committee_id=committee_id, status=ReportStatus.SUBSTANTIATED,
        inspector__isnull=False).exclude(
        Exists(InspectorAccountability.objects.filter(report_id=OuterRef("pk"))))


def can_see_reporter_masks(*, user: User, report: ConductReport) -> bool:
    """The masked identity (never the identity itself): whoever reads the report."""
    return conduct_reports_visible_to(user=user).filter(pk=report.pk).exists()


# --- the unit's self-check (自查, 即知即改) -----------------------------------------------

#: The self-check is submitted once the unit is notified and before on-site work begins.
SELF_CHECK_OPEN = (InspectionStatus.PLANNED, InspectionStatus.STATIONED)


def can_submit_self_check(*, user: User, inspection: Inspection) -> bool:
    """The unit's liaison submits its self-check report, once, after the notice and before
    the on-site work begins. Query form: ``inspections_awaiting_self_check``."""
    return (is_liaison_of(user=user, inspection=inspection)
            and inspection.notified_on is not None and inspection.status in SELF_CHECK_OPEN
            and not SelfCheck.objects.filter(inspection=inspection).exists())


def inspections_awaiting_self_check(*, user: User) -> QuerySet[Inspection]:
    if user.role != Role.LIAISON or not user.unit_id:
        return Inspection.objects.none()
    return Inspection.objects.filter(unit_id=user.unit_id, notified_on__isnull=False,
                                     status__in=SELF_CHECK_OPEN, self_check__isnull=True)


def can_mark_self_found_fixed(*, user: User, problem: SelfFoundProblem) -> bool:
    """Record the fix of a problem the unit found itself: its liaison, until the inspection
    is closed. Query form: ``self_found_awaiting_fix``."""
    return (problem.fixed_on is None and is_liaison_of(user=user, inspection=problem.inspection)
            and problem.inspection.status != InspectionStatus.CLOSED)


def self_found_awaiting_fix(*, user: User) -> QuerySet[SelfFoundProblem]:
    if user.role != Role.LIAISON or not user.unit_id:
        return SelfFoundProblem.objects.none()
    return SelfFoundProblem.objects.filter(inspection__unit_id=user.unit_id,
                                           fixed_on__isnull=True).exclude(
        inspection__status=InspectionStatus.CLOSED)


# --- fetch and authorize ------------------------------------------------------------------


def access_conduct_report(*, user: User, pk: object) -> ConductReport:
    return get_or_404(conduct_reports_visible_to(user=user), pk)


def access_self_check_inspection(*, user: User, pk: object) -> Inspection:
    """An inspection whose self-check the user may read (the liaison from the notice on)."""
    return get_or_404(self_check_inspections_visible_to(user=user), pk)


def access_self_found(*, user: User, pk: object) -> SelfFoundProblem:
    return get_or_404(SelfFoundProblem.objects.filter(
        inspection__in=self_check_inspections_visible_to(user=user)).select_related(
        "inspection"), pk)


# --- pages --------------------------------------------------------------------------------


def can_open_conduct_reports(*, user: User) -> bool:
    """The reports about teams: the office and the discipline body (never a team)."""
    return has_role(user, Role.OFFICE) or (has_role(user, Role.RECEIVER)
                                           and user.receiver_body == ReceiverBody.DISCIPLINE)


def can_open_pledges(*, user: User) -> bool:
    """A team's pledges: the office and the teams."""
    return has_role(user, Role.OFFICE, Role.TEAM)


def can_open_self_check(*, user: User) -> bool:
    """The self-check pages: the unit's liaison, the office, the leading group, the teams."""
    return has_role(user, Role.LIAISON, Role.OFFICE, Role.LEADERSHIP, Role.TEAM)


def can_open_conduct_settings(*, user: User) -> bool:
    return has_role(user, Role.OFFICE) and user.is_office_admin


# --- appraisals (综合鉴定) -------------------------------------------------------------------

#: A team's work ends with the feedback of its last target: then its members are appraised
#: and its temporary branch is dissolved.
TEAM_WORKING = STATUS_ORDER[:STATUS_ORDER.index(InspectionStatus.FEEDBACK)]


def team_has_ended(team: Team) -> bool:
    """Every inspection of the team has reached the feedback (and there is one)."""
    statuses = set(team.inspections.values_list("status", flat=True))
    return bool(statuses) and not statuses & set(TEAM_WORKING)


def _ended_teams() -> QuerySet[Team]:
    return Team.objects.filter(inspections__isnull=False).exclude(
        inspections__status__in=TEAM_WORKING).distinct()


def _leader_teams(user: User) -> QuerySet[Team]:
    inspector_id = team_inspector_id(user)
    if inspector_id is None:
        return Team.objects.none()
    return Team.objects.filter(members__inspector_id=inspector_id,
                               members__position=TeamPosition.LEADER)


def can_draft_appraisal(*, user: User, member: TeamMember) -> bool:
    """Draft (or redraft, until the office confirms) a member's appraisal once the team's
    work has ended: the team's leader for the others, the office for anyone (the leader's
    own). Query form: ``members_appraisable_by``."""
    appraisal = getattr(member, "appraisal", None)
    if appraisal is not None and appraisal.status != AppraisalStatus.DRAFT:
        return False
    if not team_has_ended(member.team):
        return False
    if is_office_of(user=user, committee_id=member.team.round.committee_id):
        return True
    return (member.inspector_id != team_inspector_id(user)
            and _leader_teams(user).filter(pk=member.team_id).exists())


def members_appraisable_by(*, user: User) -> QuerySet[TeamMember]:
    open_ = Q(appraisal__isnull=True) | Q(appraisal__status=AppraisalStatus.DRAFT)
    committee_id = _own_office(user)
    if committee_id is not None:
        teams = _ended_teams().filter(round__committee_id=committee_id)
        return TeamMember.objects.filter(open_, team__in=teams)
    inspector_id = team_inspector_id(user)
    if inspector_id is None:
        return TeamMember.objects.none()
    return TeamMember.objects.filter(open_, team__in=_ended_teams().filter(
        pk__in=_leader_teams(user).values("pk"))).exclude(inspector_id=inspector_id)


def members_awaiting_appraisal(*, user: User) -> QuerySet[TeamMember]:
    """The leader's to-do: members of ended teams not yet appraised at all."""
    return members_appraisable_by(user=user).filter(appraisal__isnull=True)


def can_confirm_appraisal(*, user: User, appraisal: Appraisal) -> bool:
    """Confirm a drafted appraisal into the inspector's record: the office. Query form:
    ``appraisals_awaiting_confirmation``."""
    return (appraisal.status == AppraisalStatus.DRAFT
            and is_office_of(user=user, committee_id=appraisal.committee_id))


def appraisals_awaiting_confirmation(*, user: User) -> QuerySet[Appraisal]:
    committee_id = _own_office(user)
    if committee_id is None:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(committee_id=committee_id, status=AppraisalStatus.DRAFT)


def can_send_appraisal(*, user: User, appraisal: Appraisal) -> bool:
    """Send a confirmed appraisal to the organization department: the office, once. Query
    form: ``appraisals_sendable_by``."""
    return (appraisal.status == AppraisalStatus.CONFIRMED and appraisal.sent_at is None
            and is_office_of(user=user, committee_id=appraisal.committee_id))


def appraisals_sendable_by(*, user: User) -> QuerySet[Appraisal]:
    committee_id = _own_office(user)
    if committee_id is None:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(committee_id=committee_id,
                                    status=AppraisalStatus.CONFIRMED, sent_at__isnull=True)


def access_appraisal_inspector(*, user: User, pk: object) -> Inspector:
    return get_or_404(appraisal_inspectors_visible_to(user=user), pk)


def can_open_appraisals(*, user: User) -> bool:
    """Appraisal pages: the office, the teams (a leader drafts), the organization
    department (what the office sent)."""
    return has_role(user, Role.OFFICE, Role.TEAM) or (
        has_role(user, Role.RECEIVER) and user.receiver_body == ReceiverBody.ORGANIZATION)


# --- the temporary party branch (临时党支部) ------------------------------------------------


def can_manage_branch(*, user: User, branch: Branch) -> bool:
    """Name the secretary: the office, while the branch exists."""
    return (branch.dissolved_at is None
            and is_office_of(user=user, committee_id=branch.team.round.committee_id))


def can_record_meeting(*, user: User, branch: Branch) -> bool:
    """Record the branch's organisational life: its secretary, the team's leaders, or the
    office, until the branch is dissolved."""
    if branch.dissolved_at is not None:
        return False
    if is_office_of(user=user, committee_id=branch.team.round.committee_id):
        return True
    inspector_id = team_inspector_id(user)
    if inspector_id is None:
        return False
    return inspector_id == branch.secretary_id or branch.team.members.filter(
        inspector_id=inspector_id, position__in=(TeamPosition.LEADER,
                                                 TeamPosition.DEPUTY)).exists()


def can_open_branch(*, user: User) -> bool:
    """The branch of a team: the office and the teams (its members read it)."""
    return has_role(user, Role.OFFICE, Role.TEAM)
