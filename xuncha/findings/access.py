"""Who may record, read and decide on activities, problems, clues, reports and feedback.

``access_*`` fetch and authorize (the same ``NotFound`` for missing and forbidden). ``can_*``
answer whether someone may take an action; services, views (through the flags they pass to
templates), the inspection page panel and the clocks all ask them. A rule that names only
*who* (``can_lead_problems``) is asked by the service before its preconditions; a rule that
also depends on the object's state (``can_sign_problem``) is the one pages show buttons by.

A state-dependent rule that a to-do list would show ("waits on this person") also has its
query form: ``problems_awaiting_signature(user=u)`` holds exactly the problems for which
``can_sign_problem(user=u, problem=p)`` is true (a test checks that the pairs agree over
the test world's personas).
"""

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from xuncha.accounts.access import (
    has_role,
    is_leadership_of,
    is_office_head_of,
    is_office_of,
    is_receiver_of,
)
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.access import (
    CASE,
    LEADS,
    can_manage_inspection_or_lead,
    inspections_managed_or_led_by,
    is_liaison_of,
    is_team_lead,
    is_team_leader,
    is_team_member,
    team_inspector_id,
)
from xuncha.inspections.models import Inspection, InspectionStatus, TeamPosition
from xuncha.lib.errors import DomainError, Forbidden, NotFound
from xuncha.lib.lookup import get_or_404

from .models import (
    Activity,
    Clue,
    ClueStatus,
    Feedback,
    Problem,
    ProblemFile,
    ProblemStatus,
    Report,
    ReportKind,
    ReportStatus,
    ReportVersion,
)
from .selectors import (
    activities_visible_to,
    approved_main_version,
    clues_openable_by,
    clues_visible_to,
    feedback_visible_to,
    problems_visible_to,
    reports_visible_to,
)

#: The stages in which the team records its working files.
ON_SITE = (InspectionStatus.STATIONED, InspectionStatus.ON_SITE, InspectionStatus.REPORTING)
#: Where a transferred clue stands while its receiver still works on it.
CLUE_OPEN = (ClueStatus.TRANSFERRED, ClueStatus.HANDLING, ClueStatus.REPORTED)
#: A report the team can still change and submit.
REPORT_WITH_TEAM = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# --- pages ------------------------------------------------------------------------------------


def can_open_library(*, user: User) -> bool:
    """The committee's problem library."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP)


def can_open_clues(*, user: User) -> bool:
    """The clue list and the clue's steps: the office (its head transfers) and the
    receiving bodies (they handle and report)."""
    return has_role(user, Role.OFFICE, Role.RECEIVER)


def can_open_team_forms(*, user: User) -> bool:
    """The team's forms: activities, problem drafts, clues, reports."""
    return has_role(user, Role.TEAM)


def can_open_case_files(*, user: User) -> bool:
    """Activities, evidence files and reports: the office, the leading group, the teams."""
    return has_role(user, *CASE)


def can_open_problems(*, user: User) -> bool:
    """Problems and the feedback opinion: the case roles, and the liaison of the unit they
    were fed back to."""
    return has_role(user, *CASE, Role.LIAISON)


def can_open_problem_steps(*, user: User) -> bool:
    """A problem's steps: the team's, and the unit's report of a fix."""
    return has_role(user, Role.TEAM, Role.LIAISON)


def can_open_clue_records(*, user: User) -> bool:
    """A clue's record (number, dates, status; not its content)."""
    return has_role(user, Role.OFFICE, Role.TEAM, Role.RECEIVER)


def can_open_sealed_clues(*, user: User) -> bool:
    """Asking to read a sealed clue (each attempt, a refused one too, is audited)."""
    return has_role(user, Role.OFFICE, Role.TEAM, Role.RECEIVER, Role.LEADERSHIP)


def can_open_feedback_form(*, user: User) -> bool:
    """Recording the feedback: the office and the teams (their leaders)."""
    return has_role(user, Role.OFFICE, Role.TEAM)


# --- activities, problem drafts, evidence, clues: the team's working files ----------------------


def is_on_site(inspection: Inspection) -> bool:
    """The team is stationed, on site or reporting: when working files are recorded."""
    return inspection.status in ON_SITE


def can_write_findings(*, user: User, inspection: Inspection) -> bool:
    """Record activities, problem drafts, evidence files and clues: the team's members."""
    return is_team_member(user=user, inspection=inspection)


def can_record_findings(*, user: User, inspection: Inspection) -> bool:
    """``can_write_findings`` while the team is on site (new activities, drafts, clues)."""
    return is_on_site(inspection) and can_write_findings(user=user, inspection=inspection)


def check_write_findings(*, user: User, inspection: Inspection) -> None:
    """Refuse (``Forbidden``) anyone ``can_write_findings`` leaves out."""
    if not can_write_findings(user=user, inspection=inspection):
        raise Forbidden(_("Only members of the inspection team may do this."))


def check_record_findings(*, user: User, inspection: Inspection) -> None:
    """Refuse anyone but the team's members (``Forbidden``), and anything once the team
    has left (``DomainError``): ``can_record_findings`` with its reasons."""
    check_write_findings(user=user, inspection=inspection)
    check_on_site(inspection)


def check_on_site(inspection: Inspection) -> None:
    """Refuse (``DomainError``) what the team does only on site, once it has left."""
    if not is_on_site(inspection):
        raise DomainError(_("This can only be done while the team is stationed or reporting."))


def can_read_working_file(*, user: User) -> bool:
    """The working file behind a problem (basis, evidence, authors): the case roles; the
    liaison reads the problem as it was fed back, nothing more."""
    return has_role(user, *CASE)


# --- problems -----------------------------------------------------------------------------------


def can_edit_problem(*, user: User, problem: Problem) -> bool:
    """Change a draft: the team's members, while it is a draft."""
    return (problem.status == ProblemStatus.DRAFT
            and can_write_findings(user=user, inspection=problem.inspection))


def can_lead_problems(*, user: User, inspection: Inspection) -> bool:
    """Record the team meeting's decision, hand over for immediate rectification, withdraw:
    the team's leader or a deputy."""
    return is_team_lead(user=user, inspection=inspection)


def can_approve_problem(*, user: User, problem: Problem) -> bool:
    """Record that the team meeting approved a draft: the leader or a deputy, on a draft."""
    return (problem.status == ProblemStatus.DRAFT
            and can_lead_problems(user=user, inspection=problem.inspection))


def can_sign_problems(*, user: User, inspection: Inspection) -> bool:
    """Sign problem drafts: the team leader (组长) alone."""
    return is_team_leader(user=user, inspection=inspection)


def can_sign_problem(*, user: User, problem: Problem) -> bool:
    """Sign a draft the team meeting approved. Query form: ``problems_awaiting_signature``."""
    return (problem.status == ProblemStatus.TEAM_APPROVED
            and can_sign_problems(user=user, inspection=problem.inspection))


def problems_awaiting_signature(*, user: User) -> QuerySet[Problem]:
    inspector_id = team_inspector_id(user)
    if inspector_id is None:
        return Problem.objects.none()
    # One filter() call: the same membership row is the user's and the leader's.
    return Problem.objects.filter(status=ProblemStatus.TEAM_APPROVED,
                                  inspection__team__members__inspector_id=inspector_id,
                                  inspection__team__members__position=TeamPosition.LEADER)


def can_mark_problem_fixed(*, user: User, problem: Problem) -> bool:
    """Record that a problem handed over at once was fixed: the team or the unit."""
    inspection = problem.inspection
    return (is_team_member(user=user, inspection=inspection)
            or is_liaison_of(user=user, inspection=inspection))


def can_report_fix(*, user: User, problem: Problem) -> bool:
    """The unit's own report of a fix (the team marks it from its next-step panel)."""
    return is_liaison_of(user=user, inspection=problem.inspection)


# --- clues --------------------------------------------------------------------------------------


def can_read_clue(*, user: User, clue: Clue) -> bool:
    """Read a clue's sealed content: the office head of the committee that found it, and,
    once transferred, the receiving body."""
    if is_office_head_of(user=user, committee_id=clue.committee_id):
        return True
    return clue.status != ClueStatus.SEALED and is_receiver_of_clue(user=user, clue=clue)


def can_route_clue(*, user: User, clue: Clue) -> bool:
    """Decide where a clue goes: the office head of the committee that found it."""
    return is_office_head_of(user=user, committee_id=clue.committee_id)


def can_transfer_clue(*, user: User, clue: Clue) -> bool:
    """Transfer a sealed clue. Query form: ``clues_awaiting_transfer``."""
    return clue.status == ClueStatus.SEALED and can_route_clue(user=user, clue=clue)


def clues_awaiting_transfer(*, user: User) -> QuerySet[Clue]:
    committee_id = user.committee_id
    if committee_id is None or not is_office_head_of(user=user, committee_id=committee_id):
        return Clue.objects.none()
    return Clue.objects.filter(committee_id=committee_id, status=ClueStatus.SEALED)


def is_receiver_of_clue(*, user: User, clue: Clue) -> bool:
    """The body the clue was transferred to (纪委监委 or 组织部 of the receiving committee)."""
    return is_receiver_of(user=user, committee_id=clue.receiver_committee_id,
                          body=clue.receiver_body)


def _received(user: User) -> QuerySet[Clue]:
    """The clues transferred to the user's body (none for anyone but a receiver)."""
    if not is_receiver_of(user=user, committee_id=user.committee_id):
        return Clue.objects.none()
    return Clue.objects.filter(receiver_committee_id=user.committee_id,
                               receiver_body=user.receiver_body)


def can_handle_clue(*, user: User, clue: Clue) -> bool:
    """Record how a transferred clue is handled: its receiver, until it is closed."""
    return clue.status in CLUE_OPEN and is_receiver_of_clue(user=user, clue=clue)


def can_report_clue(*, user: User, clue: Clue) -> bool:
    """Report the outcome back (and close): the receiver, once the handling is recorded."""
    return (clue.status in (ClueStatus.HANDLING, ClueStatus.REPORTED)
            and is_receiver_of_clue(user=user, clue=clue))


def clue_awaits_receipt(*, user: User, clue: Clue) -> bool:
    """Transferred to this receiver, who has not yet said how it is handled. Query form:
    ``clues_awaiting_receipt``."""
    return clue.status == ClueStatus.TRANSFERRED and is_receiver_of_clue(user=user, clue=clue)


def clues_awaiting_receipt(*, user: User) -> QuerySet[Clue]:
    return _received(user).filter(status=ClueStatus.TRANSFERRED)


def clue_awaits_report(*, user: User, clue: Clue) -> bool:
    """Being handled by this receiver, who has not yet reported back. Query form:
    ``clues_awaiting_report``."""
    return clue.status == ClueStatus.HANDLING and is_receiver_of_clue(user=user, clue=clue)


def clues_awaiting_report(*, user: User) -> QuerySet[Clue]:
    return _received(user).filter(status=ClueStatus.HANDLING)


def clue_awaits_closure(*, user: User, clue: Clue) -> bool:
    """Reported back by this receiver and not yet closed. Query form:
    ``clues_awaiting_closure``."""
    return clue.status == ClueStatus.REPORTED and is_receiver_of_clue(user=user, clue=clue)


def clues_awaiting_closure(*, user: User) -> QuerySet[Clue]:
    return _received(user).filter(status=ClueStatus.REPORTED)


def can_watch_clue_clocks(*, user: User) -> bool:
    """The clocks of transferred clues: the receiving bodies and the office head."""
    return (has_role(user, Role.RECEIVER)
            or is_office_head_of(user=user, committee_id=user.committee_id))


# --- reports ------------------------------------------------------------------------------------


def _current_status(report: Report) -> str | None:
    return report.versions.order_by("-number").values_list("status", flat=True).first()


def _reports_at(*, committee_id: int, status: str) -> QuerySet[Report]:
    """The committee's reports whose current (latest) version has ``status``."""
    latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
    return Report.objects.filter(inspection__committee_id=committee_id).annotate(
        current_status=Subquery(latest.values("status")[:1])).filter(current_status=status)


def can_draft_reports(*, user: User, inspection: Inspection) -> bool:
    """Start, edit and submit the reports: the team's leader or a deputy."""
    return is_team_lead(user=user, inspection=inspection)


def _led_by(user: User) -> QuerySet[Inspection]:
    """The inspections whose team the user leads or deputizes (none for anyone else)."""
    inspector_id = team_inspector_id(user)
    if inspector_id is None:
        return Inspection.objects.none()
    # One filter() call: the same membership row is the user's and a lead's.
    return Inspection.objects.filter(team__members__inspector_id=inspector_id,
                                     team__members__position__in=LEADS)


def can_start_main_report(*, user: User, inspection: Inspection) -> bool:
    """Start the main report: the team's leads, from the stationing until the feedback, while
    the inspection has none. ``reports.report_start`` asks it for the main report."""
    return (inspection.reached(InspectionStatus.STATIONED)
            and not inspection.reached(InspectionStatus.FEEDBACK)
            and can_draft_reports(user=user, inspection=inspection)
            and not inspection.reports.filter(kind=ReportKind.MAIN).exists())


def awaits_main_report(*, user: User, inspection: Inspection) -> bool:
    """Once the on-site work ended (reporting), an inspection without its main report waits
    on the team's leads. Query form: ``inspections_awaiting_main_report``."""
    return (inspection.status == InspectionStatus.REPORTING
            and can_start_main_report(user=user, inspection=inspection))


def inspections_awaiting_main_report(*, user: User) -> QuerySet[Inspection]:
    main = Report.objects.filter(inspection=OuterRef("pk"), kind=ReportKind.MAIN)
    return _led_by(user).filter(status=InspectionStatus.REPORTING).filter(~Exists(main))


def can_submit_report(*, user: User, report: Report) -> bool:
    """Submit a draft (or a returned one) to the office."""
    return (_current_status(report) in REPORT_WITH_TEAM
            and can_draft_reports(user=user, inspection=report.inspection))


def awaits_redraft(*, user: User, report: Report) -> bool:
    """A report the office returned waits on the team's leads (to change and resubmit it).
    Query form: ``reports_awaiting_redraft``."""
    return (_current_status(report) == ReportStatus.RETURNED
            and can_submit_report(user=user, report=report))


def reports_awaiting_redraft(*, user: User) -> QuerySet[Report]:
    latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
    return Report.objects.filter(inspection__in=_led_by(user)).annotate(
        current_status=Subquery(latest.values("status")[:1])).filter(
        current_status=ReportStatus.RETURNED)


def can_review_reports(*, user: User, inspection: Inspection) -> bool:
    """Review the reports of an inspection: the committee's inspection office."""
    return is_office_of(user=user, committee_id=inspection.committee_id)


def can_review_report(*, user: User, report: Report) -> bool:
    """Review a submitted report (accept it for the leading group or return it). Query
    form: ``reports_awaiting_review``."""
    return (_current_status(report) == ReportStatus.SUBMITTED
            and can_review_reports(user=user, inspection=report.inspection))


def reports_awaiting_review(*, user: User) -> QuerySet[Report]:
    committee_id = user.committee_id
    if committee_id is None or not is_office_of(user=user, committee_id=committee_id):
        return Report.objects.none()
    return _reports_at(committee_id=committee_id, status=ReportStatus.SUBMITTED)


def can_approve_reports(*, user: User, inspection: Inspection) -> bool:
    """Approve the reports of an inspection: the committee's leading group."""
    return is_leadership_of(user=user, committee_id=inspection.committee_id)


def can_approve_report(*, user: User, report: Report) -> bool:
    """Approve a report the office reviewed. Query form: ``reports_awaiting_approval``."""
    return (_current_status(report) == ReportStatus.REVIEWED
            and can_approve_reports(user=user, inspection=report.inspection))


def reports_awaiting_approval(*, user: User) -> QuerySet[Report]:
    committee_id = user.committee_id
    if committee_id is None or not is_leadership_of(user=user, committee_id=committee_id):
        return Report.objects.none()
    return _reports_at(committee_id=committee_id, status=ReportStatus.REVIEWED)


def can_comment_report(*, user: User, report: Report) -> bool:
    """Comment on a report: the office, the team and the leading group."""
    inspection = report.inspection
    return (is_office_of(user=user, committee_id=inspection.committee_id)
            or is_team_member(user=user, inspection=inspection)
            or is_leadership_of(user=user, committee_id=inspection.committee_id))


# --- feedback -----------------------------------------------------------------------------------


def can_give_feedback(*, user: User, inspection: Inspection) -> bool:
    """Record the feedback to the unit: the office or the team's leaders."""
    return can_manage_inspection_or_lead(user=user, inspection=inspection)


def can_record_feedback(*, user: User, inspection: Inspection) -> bool:
    """Record the feedback now: in the reporting stage, once the leading group approved the
    main report. Query form: ``inspections_awaiting_feedback``."""
    return (inspection.status == InspectionStatus.REPORTING
            and approved_main_version(inspection) is not None
            and can_give_feedback(user=user, inspection=inspection))


def inspections_awaiting_feedback(*, user: User) -> QuerySet[Inspection]:
    return inspections_managed_or_led_by(user=user).filter(
        status=InspectionStatus.REPORTING, reports__kind=ReportKind.MAIN,
        reports__versions__status=ReportStatus.APPROVED).distinct()


# --- fetch and authorize ------------------------------------------------------------------------


def access_activity(*, user: User, pk: object) -> Activity:
    return get_or_404(activities_visible_to(user=user).select_related(
        "inspection__unit", "inspection__team", "interviewee", "created_by"), pk)


def access_problem(*, user: User, pk: object) -> Problem:
    return get_or_404(problems_visible_to(user=user).select_related(
        "inspection__unit", "inspection__team", "category", "author", "signed_by",
        "found_by__cadre"), pk)


def access_problem_file(*, user: User, pk: object, file_pk: object) -> ProblemFile:
    """An evidence file of a problem the user may read."""
    problem = get_or_404(problems_visible_to(user=user), pk)
    return get_or_404(ProblemFile.objects.filter(problem=problem), file_pk)


def access_clue(*, user: User, pk: object) -> Clue:
    """A clue's record (not its content: see ``clues.clue_open``)."""
    return get_or_404(clues_visible_to(user=user).select_related(
        "inspection__unit", "receiver_committee", "transferred_by"), pk)


def access_clue_to_open(*, user: User, pk: object) -> Clue:
    """A clue whose sealed content the user may ask to read; the asking is audited, and
    refused unless ``can_read_clue``. Others' clues are not found."""
    return get_or_404(clues_openable_by(user=user), pk)


def access_report(*, user: User, pk: object) -> Report:
    return get_or_404(reports_visible_to(user=user).select_related(
        "inspection__unit", "inspection__team", "inspection__committee"), pk)


def access_report_version(*, user: User, pk: object, number: int) -> ReportVersion:
    """Version ``number`` of a report the user may read."""
    report = get_or_404(reports_visible_to(user=user), pk)
    version = report.versions.filter(number=number).select_related(
        "report__inspection__unit").first()
    if version is None:
        raise NotFound()
    return version


def access_feedback(*, user: User, pk: object) -> Feedback:
    return get_or_404(feedback_visible_to(user=user).select_related(
        "inspection__unit", "inspection__team", "inspection__committee", "recorded_by"), pk)
