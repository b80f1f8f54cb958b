"""Who may work on plans, measures, evidence, reports, notices and follow-up.

The loop has two sides. The inspected unit's liaison submits the plan, keeps the ledger
(measures, progress, evidence, "done") and submits the report. The reviewing bodies of the
inspection's committee — the inspection office (巡察办), the discipline commission (纪委监委)
and the organization department (组织部) — each review the plan; the office decides on it;
the office and the discipline side verify measures (销号) and record accountability; the
office accepts reports and publishes notices; any of the three follows up.

- ``review_side``, ``is_reviewer_of``, ``is_verifier_of``, ``require_liaison``: who someone
  is towards an inspection, built on the facts of ``accounts.access`` and
  ``inspections.access``. Services check these first and refuse with ``Forbidden`` (saying
  who may), then check the state with their own messages.
- ``can_<step>(*, user, <thing>)``: may the user take the step *now* (who and the state).
  The views compute the templates' flags with these.
- ``<things>_awaiting_<step>(*, user)``: the query form of each rule that a to-do list shows
  (what waits on this person); ``tests/test_access.py`` checks that each agrees with its
  predicate.
- ``access_<thing>(*, user, pk)``: fetch and authorize (the same ``NotFound`` for missing
  and forbidden).
- ``can_open_*``: who opens the pages (the menu and ``@allow_if`` on the views).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from xuncha.accounts.access import has_role, is_discipline_of, is_office_of, is_organization_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.access import can_manage_inspection, is_liaison_of
from xuncha.inspections.models import STATUS_ORDER, Inspection, InspectionStatus
from xuncha.lib.errors import Forbidden
from xuncha.lib.lookup import get_or_404

from . import selectors as sel
from .models import (
    OPEN_MEASURE,
    RECTIFYING,
    Measure,
    MeasureEvidence,
    MeasureStatus,
    Plan,
    PlanReview,
    PlanStatus,
    PlanVersion,
    PublicNotice,
    PublicWording,
    RectificationReport,
    ReportState,
    ReviewSide,
    WordingStatus,
)

#: The sides that verify measures (销号) and record accountability.
VERIFIERS = (ReviewSide.OFFICE, ReviewSide.DISCIPLINE)


def _reached(status: str) -> list[str]:
    """The inspection states from ``status`` on (the query form of ``Inspection.reached``)."""
    return STATUS_ORDER[STATUS_ORDER.index(status):]


# --- who someone is towards an inspection -------------------------------------------------


def _side(*, user: User, committee_id: int | None) -> str | None:
    if is_office_of(user=user, committee_id=committee_id):
        return ReviewSide.OFFICE
    if is_discipline_of(user=user, committee_id=committee_id):
        return ReviewSide.DISCIPLINE
    if is_organization_of(user=user, committee_id=committee_id):
        return ReviewSide.ORGANIZATION
    return None


def review_side(*, user: User, inspection: Inspection) -> str | None:
    """Which reviewing body (a ``ReviewSide``) the user speaks for on this inspection."""
    return _side(user=user, committee_id=inspection.committee_id)


def is_reviewer_of(*, user: User, inspection: Inspection) -> bool:
    """One of the three bodies: reviews the plan and follows up."""
    return review_side(user=user, inspection=inspection) is not None


def is_verifier_of(*, user: User, inspection: Inspection) -> bool:
    """The office or the discipline side: verifies measures (closes, returns, reopens them)
    and records accountability."""
    return review_side(user=user, inspection=inspection) in VERIFIERS


def require_liaison(*, user: User, inspection: Inspection) -> None:
    """The unit's steps (plan, ledger, report) are its liaison's."""
    if not is_liaison_of(user=user, inspection=inspection):
        raise Forbidden(_("Only the inspected unit's liaison may do this."))


def _own_side(user: User) -> tuple[str, int] | None:
    """The body the user speaks for in their own committee (the only one they can speak
    for), and that committee."""
    side = _side(user=user, committee_id=user.committee_id)
    return None if side is None or user.committee_id is None else (side, user.committee_id)


def _own_office(user: User) -> int | None:
    """The committee whose office the user works in, if any."""
    return user.committee_id if is_office_of(user=user, committee_id=user.committee_id) else None


def _liaison_unit(user: User) -> int | None:
    """The unit the user is the liaison of, if any."""
    return user.unit_id if has_role(user, Role.LIAISON) else None


# --- the plan ----------------------------------------------------------------------------


def can_submit_plan(*, user: User, inspection: Inspection) -> bool:
    """Submit the plan, or resubmit it after a return: the liaison, while no version is
    under review or approved."""
    if inspection.status not in RECTIFYING or not is_liaison_of(user=user, inspection=inspection):
        return False
    plan = sel.plan_of(inspection)
    return plan is None or plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


def awaits_first_plan(*, user: User, inspection: Inspection) -> bool:
    """After the feedback, a unit with no submitted plan waits on its liaison's first
    submission (a returned plan is ``can_resubmit_plan``'s). Query form:
    ``inspections_awaiting_plan``."""
    if not can_submit_plan(user=user, inspection=inspection):
        return False
    plan = sel.plan_of(inspection)
    return plan is None or plan.status == PlanStatus.DRAFT


def inspections_awaiting_plan(*, user: User) -> QuerySet[Inspection]:
    unit_id = _liaison_unit(user)
    if unit_id is None:
        return Inspection.objects.none()
    submitted = Plan.objects.filter(inspection=OuterRef("pk")).exclude(status=PlanStatus.DRAFT)
    return Inspection.objects.filter(unit_id=unit_id, status__in=RECTIFYING).filter(
        ~Exists(submitted))


def can_resubmit_plan(*, user: User, plan: Plan) -> bool:
    """A returned plan (退回重来) waits on the liaison's next version."""
    return (plan.status == PlanStatus.RETURNED and plan.inspection.status in RECTIFYING
            and is_liaison_of(user=user, inspection=plan.inspection))


def plans_awaiting_resubmission(*, user: User) -> QuerySet[Plan]:
    unit_id = _liaison_unit(user)
    if unit_id is None:
        return Plan.objects.none()
    return Plan.objects.filter(inspection__unit_id=unit_id, inspection__status__in=RECTIFYING,
                               status=PlanStatus.RETURNED)


def can_review_plan(*, user: User, plan: Plan) -> bool:
    """Review the version under review: each body once per version."""
    side = review_side(user=user, inspection=plan.inspection)
    if side is None or plan.status != PlanStatus.SUBMITTED:
        return False
    return not PlanReview.objects.filter(version=plan.current(), side=side).exists()


def plans_awaiting_review(*, user: User) -> QuerySet[Plan]:
    own = _own_side(user)
    if own is None:
        return Plan.objects.none()
    side, committee_id = own
    current = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("pk")
    reviewed = PlanReview.objects.filter(version_id=OuterRef("current_version"), side=side)
    return (Plan.objects.filter(inspection__committee_id=committee_id,
                                status=PlanStatus.SUBMITTED)
            .annotate(current_version=Subquery(current[:1])).filter(~Exists(reviewed)))


def can_decide_plan(*, user: User, plan: Plan) -> bool:
    """Approve or return the plan under review: the office."""
    return (plan.status == PlanStatus.SUBMITTED
            and is_office_of(user=user, committee_id=plan.inspection.committee_id))


def plans_awaiting_decision(*, user: User) -> QuerySet[Plan]:
    committee_id = _own_office(user)
    if committee_id is None:
        return Plan.objects.none()
    return Plan.objects.filter(inspection__committee_id=committee_id,
                               status=PlanStatus.SUBMITTED)


# --- the ledger -----------------------------------------------------------------------------


def can_add_measure(*, user: User, inspection: Inspection) -> bool:
    """The ledger's form is offered to the liaison until the report has been accepted."""
    return (not inspection.reached(InspectionStatus.RECTIFICATION_REPORTED)
            and is_liaison_of(user=user, inspection=inspection))


def can_edit_measure(*, user: User, measure: Measure) -> bool:
    """Change an open measure, or mark it done: the liaison."""
    return measure.is_open and is_liaison_of(user=user, inspection=measure.inspection)


def can_report_progress(*, user: User, measure: Measure) -> bool:
    """Progress entries and evidence files: the liaison, until the measure is closed."""
    return (measure.status != MeasureStatus.CLOSED
            and is_liaison_of(user=user, inspection=measure.inspection))


def awaits_evidence(*, user: User, measure: Measure) -> bool:
    """An open measure without evidence waits on the liaison (it cannot be marked done)."""
    return can_edit_measure(user=user, measure=measure) and not measure.evidence.exists()


def measures_awaiting_evidence(*, user: User) -> QuerySet[Measure]:
    unit_id = _liaison_unit(user)
    if unit_id is None:
        return Measure.objects.none()
    return Measure.objects.filter(inspection__unit_id=unit_id, status__in=OPEN_MEASURE).filter(
        ~Exists(MeasureEvidence.objects.filter(measure=OuterRef("pk"))))


def awaits_rework(*, user: User, measure: Measure) -> bool:
    """A measure returned by a verifier, or reopened at a follow-up, waits on the liaison."""
    return (measure.status == MeasureStatus.RETURNED
            and is_liaison_of(user=user, inspection=measure.inspection))


def measures_awaiting_rework(*, user: User) -> QuerySet[Measure]:
    unit_id = _liaison_unit(user)
    if unit_id is None:
        return Measure.objects.none()
    return Measure.objects.filter(inspection__unit_id=unit_id, status=MeasureStatus.RETURNED)


def can_close_measure(*, user: User, measure: Measure) -> bool:
    """销号 of a measure marked done: a verifier other than the person who marked it."""
    return (measure.status == MeasureStatus.DONE and measure.done_by_id != user.pk
            and is_verifier_of(user=user, inspection=measure.inspection))


def measures_awaiting_verification(*, user: User) -> QuerySet[Measure]:
    own = _own_side(user)
    if own is None or own[0] not in VERIFIERS:
        return Measure.objects.none()
    return (Measure.objects.filter(inspection__committee_id=own[1], status=MeasureStatus.DONE)
            .exclude(done_by=user))


def can_return_measure(*, user: User, measure: Measure) -> bool:
    """Send a done measure back for rework, or reopen a closed one: a verifier."""
    return (measure.status in (MeasureStatus.DONE, MeasureStatus.CLOSED)
            and is_verifier_of(user=user, inspection=measure.inspection))


def can_choose_published(*, user: User, measure: Measure) -> bool:
    """Whether a measure is shown in the public notice: the office decides."""
    return is_office_of(user=user, committee_id=measure.inspection.committee_id)


# --- the report, the notice, follow-up, accountability, closing ---------------------------


def can_submit_report(*, user: User, inspection: Inspection) -> bool:
    """The rectification report follows the approved plan: the liaison, again after a
    return (补课)."""
    if (inspection.status != InspectionStatus.RECTIFYING
            or not is_liaison_of(user=user, inspection=inspection)):
        return False
    plan = sel.plan_of(inspection)
    if plan is None or plan.status != PlanStatus.APPROVED:
        return False
    last = inspection.rectification_reports.order_by("-number").first()
    return last is None or last.state == ReportState.RETURNED


def inspections_awaiting_report(*, user: User) -> QuerySet[Inspection]:
    """The query form of ``can_submit_report``: the liaison's unit rectifying under an
    approved plan, with no report yet or its last one returned."""
    unit_id = _liaison_unit(user)
    if unit_id is None:
        return Inspection.objects.none()
    approved = Plan.objects.filter(inspection=OuterRef("pk"), status=PlanStatus.APPROVED)
    last = RectificationReport.objects.filter(inspection=OuterRef("pk")).order_by("-number")
    return (Inspection.objects.filter(unit_id=unit_id, status=InspectionStatus.RECTIFYING)
            .filter(Exists(approved))
            .annotate(last_report_state=Subquery(last.values("state")[:1]))
            .filter(Q(last_report_state__isnull=True)
                    | Q(last_report_state=ReportState.RETURNED)))


def can_review_report(*, user: User, report: RectificationReport) -> bool:
    """Accept (with a grade) or return the report under review: the office."""
    return (report.state == ReportState.SUBMITTED
            and is_office_of(user=user, committee_id=report.inspection.committee_id))


def reports_awaiting_acceptance(*, user: User) -> QuerySet[RectificationReport]:
    committee_id = _own_office(user)
    if committee_id is None:
        return RectificationReport.objects.none()
    return RectificationReport.objects.filter(inspection__committee_id=committee_id,
                                              state=ReportState.SUBMITTED)


def can_publish_notice(*, user: User, inspection: Inspection) -> bool:
    """整改公开, once the report has been accepted: the office."""
    return (inspection.reached(InspectionStatus.RECTIFICATION_REPORTED)
            and is_office_of(user=user, committee_id=inspection.committee_id))


def awaits_notice(*, user: User, inspection: Inspection) -> bool:
    """An accepted rectification with no notice standing waits on the office."""
    return (can_publish_notice(user=user, inspection=inspection)
            and not inspection.public_notices.filter(withdrawn_at__isnull=True).exists())


def inspections_awaiting_notice(*, user: User) -> QuerySet[Inspection]:
    committee_id = _own_office(user)
    if committee_id is None:
        return Inspection.objects.none()
    standing = PublicNotice.objects.filter(inspection=OuterRef("pk"), withdrawn_at__isnull=True)
    return Inspection.objects.filter(
        committee_id=committee_id,
        status__in=_reached(InspectionStatus.RECTIFICATION_REPORTED)).filter(~Exists(standing))


# --- the public wording of each problem (整改公开) -------------------------------------------
# The notice never shows a problem's internal title: each problem fed back is named in public
# by a wording written and approved separately. As with the plan, the unit writes and the
# office decides: the unit's liaison (or the office) writes it, from the feedback on; the
# office approves it, never the person who wrote it (a second look). Rewriting an approved
# wording sends it back to be approved.


def can_write_public_wording(*, user: User, inspection: Inspection) -> bool:
    """Write or rewrite the public wording of the inspection's problems fed back: the
    unit's liaison or the office, once the feedback was given."""
    return inspection.reached(InspectionStatus.FEEDBACK) and (
        is_liaison_of(user=user, inspection=inspection)
        or is_office_of(user=user, committee_id=inspection.committee_id))


def can_approve_public_wording(*, user: User, wording: PublicWording) -> bool:
    """Approve a wording for publication: the inspection's office, not its writer, while it
    awaits approval (query form: ``wordings_awaiting_approval``)."""
    inspection = wording.problem.inspection
    return (wording.status == WordingStatus.DRAFT and wording.written_by_id != user.pk
            and is_office_of(user=user, committee_id=inspection.committee_id))


def wordings_awaiting_approval(*, user: User) -> QuerySet[PublicWording]:
    """The query form of ``can_approve_public_wording``."""
    committee_id = _own_office(user)
    if committee_id is None:
        return PublicWording.objects.none()
    return PublicWording.objects.filter(
        problem__inspection__committee_id=committee_id, status=WordingStatus.DRAFT).exclude(
        written_by=user)


def can_withdraw_notice(*, user: User, notice: PublicNotice) -> bool:
    return is_office_of(user=user, committee_id=notice.committee_id)


def can_record_follow_up(*, user: User, inspection: Inspection) -> bool:
    """回访 / 回头看 after the report's acceptance: any of the three bodies."""
    return (inspection.reached(InspectionStatus.RECTIFICATION_REPORTED)
            and is_reviewer_of(user=user, inspection=inspection))


def awaits_follow_up(*, user: User, inspection: Inspection) -> bool:
    """An accepted report waits on the first follow-up (which moves the inspection on)."""
    return (inspection.status == InspectionStatus.RECTIFICATION_REPORTED
            and is_reviewer_of(user=user, inspection=inspection))


def inspections_awaiting_follow_up(*, user: User) -> QuerySet[Inspection]:
    own = _own_side(user)
    if own is None:
        return Inspection.objects.none()
    return Inspection.objects.filter(committee_id=own[1],
                                     status=InspectionStatus.RECTIFICATION_REPORTED)


def can_record_accountability(*, user: User, inspection: Inspection) -> bool:
    """问责 for poor rectification, from the feedback on: the office or the discipline side."""
    return (inspection.reached(InspectionStatus.FEEDBACK)
            and is_verifier_of(user=user, inspection=inspection))


def can_close_inspection(*, user: User, inspection: Inspection) -> bool:
    """Closing follows the follow-up, once every measure is closed (销号): the office."""
    return (inspection.status == InspectionStatus.FOLLOW_UP
            and can_manage_inspection(user=user, inspection=inspection)
            and not inspection.measures.exclude(status=MeasureStatus.CLOSED).exists())


def inspections_awaiting_closing(*, user: User) -> QuerySet[Inspection]:
    """The query form of ``can_close_inspection``: the office's inspections followed up
    whose measures are all closed."""
    committee_id = _own_office(user)
    if committee_id is None:
        return Inspection.objects.none()
    return (Inspection.objects.filter(committee_id=committee_id,
                                      status=InspectionStatus.FOLLOW_UP)
            .exclude(measures__in=Measure.objects.exclude(status=MeasureStatus.CLOSED)))


# --- fetch and authorize ----------------------------------------------------------------------


def access_rectification(*, user: User, pk: object) -> Inspection:
    """An inspection in rectification (fed back), with what its pages show."""
    return get_or_404(sel.rectification_inspections(user=user).select_related(
        "unit", "team__round__committee", "committee", "feedback"), pk)


def access_plan(*, user: User, pk: object) -> Plan:
    return get_or_404(sel.plans_visible_to(user=user).select_related("inspection"), pk)


def access_plan_version(*, user: User, pk: object) -> PlanVersion:
    return get_or_404(sel.plan_versions_visible_to(user=user), pk)


def access_measure(*, user: User, pk: object) -> Measure:
    return get_or_404(sel.measures_visible_to(user=user).select_related(
        "inspection__unit", "inspection__committee", "problem", "done_by", "closed_by"), pk)


def access_evidence(*, user: User, measure_pk: object, pk: object) -> MeasureEvidence:
    """An evidence file of the measure ``measure_pk``."""
    measure = access_measure(user=user, pk=measure_pk)
    return get_or_404(measure.evidence.all(), pk)


# --- pages ----------------------------------------------------------------------------------


def can_open_measures(*, user: User) -> bool:
    """The rectification pages (overview, ledger, measures and their files): the office,
    the leading group, the receiving bodies, the unit's liaison and the team."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER, Role.LIAISON, Role.TEAM)


def can_open_rectification_steps(*, user: User) -> bool:
    """Where the loop's steps are posted: the liaison and the reviewing bodies (each step's
    own rule is checked by its service)."""
    return has_role(user, Role.LIAISON, Role.OFFICE, Role.RECEIVER)


def can_open_unit_desk(*, user: User) -> bool:
    """The unit's own pages: its home panel, its measures' clocks, editing measures and
    importing the ledger's progress: liaisons."""
    return has_role(user, Role.LIAISON)


def can_see_rectification_clocks(*, user: User) -> bool:
    """The plan and report clocks of "my deadlines": the liaison, the office, the team."""
    return has_role(user, Role.LIAISON, Role.OFFICE, Role.TEAM)


def can_open_notifications(*, user: User) -> bool:
    return bool(user.role)
