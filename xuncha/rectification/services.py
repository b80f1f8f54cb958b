"""The rectification loop between the inspected unit and the office (two-sided)."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.access import is_office_of
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.findings.services import FOUR_FORMS_VALUES, rectification_due_dates
from xuncha.inspections.access import is_liaison_of
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.services import inspection_move
from xuncha.lib.errors import Conflict, DomainError, Forbidden

from .models import (
    OPEN_MEASURE,
    Accountability,
    FollowUp,
    FollowUpKind,
    Grade,
    Measure,
    MeasureEvidence,
    MeasureProgress,
    MeasureStatus,
    Phase,
    Plan,
    PlanReview,
    PlanStatus,
    PlanVersion,
    PublicNotice,
    RectificationReport,
    ReportState,
    ReviewSide,
)

MEASURE_FIELDS = ("goal", "text", "phase", "responsible_leader", "leader_email",
                  "responsible_department", "handler", "handler_email", "deadline",
                  "deadline_reason", "intended_result")
RECTIFYING = (InspectionStatus.FEEDBACK, InspectionStatus.RECTIFYING,
              InspectionStatus.RECTIFICATION_REPORTED, InspectionStatus.FOLLOW_UP)


# --- who is who ---------------------------------------------------------------------------


def review_side(user, inspection: Inspection) -> str | None:
    """Which reviewing side the user speaks for on this inspection, if any."""
    if is_office_of(user=user, committee_id=inspection.committee_id):
        return ReviewSide.OFFICE
    if user.role == Role.RECEIVER and user.committee_id == inspection.committee_id:
        return {ReceiverBody.DISCIPLINE: ReviewSide.DISCIPLINE,
                ReceiverBody.ORGANIZATION: ReviewSide.ORGANIZATION}.get(user.receiver_body)
    return None


def can_verify(user, inspection: Inspection) -> bool:
    """Verifiers close measures: the office, or the discipline side."""
    return review_side(user, inspection) in (ReviewSide.OFFICE, ReviewSide.DISCIPLINE)


def _require_liaison(user, inspection: Inspection) -> None:
    if not is_liaison_of(user=user, inspection=inspection):
        raise Forbidden(_("Only the inspected unit's liaison may do this."))


def _require_rectifying(inspection: Inspection) -> None:
    if inspection.status not in RECTIFYING:
        raise DomainError(_("Rectification starts with the feedback."))


# --- the plan --------------------------------------------------------------------------------


@transaction.atomic
def plan_submit(*, actor, inspection: Inspection, text: str, principal_name: str = "",
                principal_email: str = "", file=None) -> PlanVersion:
    """Submit (or resubmit after a return) the plan; every version is kept."""
    _require_liaison(actor, inspection)
    _require_rectifying(inspection)
    if not text.strip():
        raise DomainError(_("Write the plan: problems, tasks, measures and who is responsible."),
                          field="text")
    plan, _created = Plan.objects.select_for_update().get_or_create(inspection=inspection)
    if plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
        raise DomainError(_("The plan is under review or already approved."))
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion(plan=plan, number=number, text=text.strip(), submitted_by=actor)
    if file is not None:
        from xuncha.findings.services import _check_upload

        _check_upload(file)
        version.file, version.file_name = file, file.name[:200]
    version.save()
    plan.status = PlanStatus.SUBMITTED
    plan.principal_name = principal_name or plan.principal_name
    plan.principal_email = principal_email or plan.principal_email
    plan.save()
    event_record(actor=actor, action="plan.submit", obj=plan, params={"version": number})
    if inspection.status == InspectionStatus.FEEDBACK:
        inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.RECTIFYING,
                        action="inspection.rectifying")
    return version


@transaction.atomic
def plan_review(*, actor, plan: Plan, complete: bool, feasible: bool,
                comment: str = "") -> PlanReview:
    plan = Plan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    side = review_side(actor, plan.inspection)
    if side is None:
        raise Forbidden(_("The office and the discipline and organization reviewers review "
                          "plans."))
    if plan.status != PlanStatus.SUBMITTED:
        raise DomainError(_("Only a submitted plan is reviewed."))
    if not (complete and feasible) and not comment.strip():
        raise DomainError(_("Say what is missing or not feasible."), field="comment")
    version = plan.current()
    try:
        with transaction.atomic():
            review = PlanReview.objects.create(version=version, side=side, reviewer=actor,
                                               complete=complete, feasible=feasible,
                                               comment=comment.strip())
    except IntegrityError as exc:
        raise DomainError(_("Your side has already reviewed this version.")) from exc
    event_record(actor=actor, action="plan.review", obj=plan, params={
        "version": version.number, "side": side, "complete": complete, "feasible": feasible})
    return review


@transaction.atomic
def plan_decide(*, actor, plan: Plan, approve: bool, note: str = "") -> Plan:
    """The office approves once all three sides found the version complete and feasible,
    or returns it (退回重来) with comments."""
    plan = Plan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if not is_office_of(user=actor, committee_id=plan.inspection.committee_id):
        raise Forbidden(_("The inspection office decides on plans."))
    if plan.status != PlanStatus.SUBMITTED:
        raise DomainError(_("Only a submitted plan can be approved or returned."))
    version = plan.current()
    reviews = {r.side: r for r in version.reviews.all()}
    if approve:
        missing = [str(label) for value, label in ReviewSide.choices if value not in reviews]
        if missing:
            raise DomainError(_("Reviews still missing: %(sides)s.") % {"sides": "、".join(missing)},
                              code="precondition")
        inadequate = [str(ReviewSide(r.side).label) for r in reviews.values() if not r.adequate]
        if inadequate:
            raise DomainError(_("Found inadequate by: %(sides)s. Return the plan instead.")
                              % {"sides": "、".join(inadequate)}, code="precondition")
    elif not note.strip():
        raise DomainError(_("Say why the plan goes back."), field="note")
    version.decision = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    version.decision_note = note
    version.save(update_fields=["decision", "decision_note"])
    plan.status = version.decision
    if approve:
        plan.approved_at, plan.approved_by = timezone.now(), actor
    plan.save()
    event_record(actor=actor, action="plan.approve" if approve else "plan.return", obj=plan,
                 params={"version": version.number, "note": note})
    return plan


# --- measures ------------------------------------------------------------------------------


def _validate_measure(measure: Measure, inspection: Inspection) -> None:
    if not measure.text.strip():
        raise DomainError(_("Describe the measure."), field="text")
    if not measure.responsible_leader.strip() or not measure.responsible_department.strip():
        raise DomainError(_("Name the responsible leader and department."),
                          field="responsible_leader")
    if measure.phase not in Phase.values:
        raise DomainError(_("Unknown phase."), field="phase")
    if measure.deadline < inspection.feedback_on:
        raise DomainError(_("The deadline is before the feedback."), field="deadline")
    _plan_due, report_due = rectification_due_dates(inspection)
    if measure.deadline > report_due and not measure.deadline_reason.strip():
        raise DomainError(_("The deadline is after the rectification report is due (%(day)s); "
                            "give the reason (e.g. a long-term measure).") % {"day": report_due},
                          code="late_deadline", field="deadline_reason")


@transaction.atomic
def measure_add(*, actor, inspection: Inspection, problem, data: dict[str, Any]) -> Measure:
    _require_liaison(actor, inspection)
    _require_rectifying(inspection)
    if not inspection.feedback.problems.filter(pk=problem.pk).exists():
        raise DomainError(_("Measures answer problems of the feedback."), field="problem")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    number = (Measure.objects.filter(inspection=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    measure = Measure(inspection=inspection, committee=inspection.committee, problem=problem,
                      number=number)
    for name in MEASURE_FIELDS:
        if name in data and data[name] is not None:
            setattr(measure, name, data[name])
    _validate_measure(measure, inspection)
    measure.save()
    event_record(actor=actor, action="measure.add", obj=measure,
                 changes=diff({}, snapshot(measure, MEASURE_FIELDS)))
    return measure


def _locked_measure(measure: Measure, version: int | None) -> Measure:
    current = Measure.objects.select_for_update().select_related("inspection").get(pk=measure.pk)
    if version is not None and current.version != version:
        raise Conflict()
    return current


@transaction.atomic
def measure_update(*, actor, measure: Measure, data: dict[str, Any],
                   version: int | None = None) -> Measure:
    _require_liaison(actor, measure.inspection)
    measure = _locked_measure(measure, version)
    if measure.status in (MeasureStatus.CLOSED, MeasureStatus.DONE):
        raise DomainError(_("A measure awaiting verification or closed cannot be changed."))
    before = snapshot(measure, MEASURE_FIELDS)
    for name in MEASURE_FIELDS:
        if name in data and data[name] is not None:
            setattr(measure, name, data[name])
    _validate_measure(measure, measure.inspection)
    changes = diff(before, snapshot(measure, MEASURE_FIELDS))
    if changes:
        measure.version += 1
        measure.save()
        event_record(actor=actor, action="measure.update", obj=measure, changes=changes)
    return measure


@transaction.atomic
def measure_progress(*, actor, measure: Measure, text: str,
                     version: int | None = None) -> MeasureProgress:
    _require_liaison(actor, measure.inspection)
    measure = _locked_measure(measure, version)
    if not text.strip():
        raise DomainError(_("Describe the progress."), field="text")
    if measure.status == MeasureStatus.CLOSED:
        raise DomainError(_("The measure is closed."))
    entry = MeasureProgress.objects.create(measure=measure, text=text.strip(), author=actor)
    if measure.status in (MeasureStatus.TODO, MeasureStatus.RETURNED):
        measure.status = MeasureStatus.IN_PROGRESS
    measure.version += 1
    measure.save(update_fields=["status", "version", "updated_at"])
    event_record(actor=actor, action="measure.progress", obj=measure, params={"text": text[:200]})
    return entry


EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".txt",
                  ".zip"}


@transaction.atomic
def measure_evidence_add(*, actor, measure: Measure, upload) -> MeasureEvidence:
    _require_liaison(actor, measure.inspection)
    if measure.status == MeasureStatus.CLOSED:
        raise DomainError(_("The measure is closed."))
    name = (upload.name or "").lower()
    if not any(name.endswith(ext) for ext in EVIDENCE_TYPES):
        raise DomainError(_("Upload a PDF, image, Office document, text or zip file."),
                          field="file")
    if upload.size > 20 * 1024 * 1024:
        raise DomainError(_("The file is larger than 20 MB."), field="file")
    row = MeasureEvidence.objects.create(measure=measure, file=upload, name=upload.name[:200],
                                         size=upload.size, uploaded_by=actor)
    event_record(actor=actor, action="measure.evidence", obj=measure,
                 params={"name": row.name, "size": row.size})
    return row


@transaction.atomic
def measure_mark_done(*, actor, measure: Measure, version: int | None = None) -> Measure:
    """The unit says the measure is done; a verifier must close it."""
    _require_liaison(actor, measure.inspection)
    measure = _locked_measure(measure, version)
    if measure.status not in OPEN_MEASURE:
        raise DomainError(_("Only an open measure can be marked done."))
    if not measure.evidence.exists():
        raise DomainError(_("Upload evidence before marking the measure done."),
                          code="no_evidence")
    before = measure.status
    measure.status, measure.done_by, measure.done_at = MeasureStatus.DONE, actor, timezone.now()
    measure.version += 1
    measure.save()
    event_record(actor=actor, action="measure.done", obj=measure,
                 changes={"status": [before, MeasureStatus.DONE]})
    return measure


@transaction.atomic
def measure_close(*, actor, measure: Measure, note: str, version: int | None = None) -> Measure:
    """销号: a verifier on the office or discipline side, who is not the submitter, closes
    the measure after checking the evidence."""
    measure = _locked_measure(measure, version)
    if not can_verify(actor, measure.inspection):
        raise Forbidden(_("Only a verifier of the office or the discipline commission closes "
                          "measures."))
    if measure.done_by_id == actor.pk:
        raise Forbidden(_("The person who marked the measure done cannot also close it."))
    if measure.status != MeasureStatus.DONE:
        raise DomainError(_("The unit has not marked this measure done."))
    if not measure.evidence.exists():
        raise DomainError(_("A measure cannot be closed without evidence."), code="no_evidence")
    if not note.strip():
        raise DomainError(_("Write the verification note."), field="note")
    measure.status, measure.closed_by, measure.closed_at = (MeasureStatus.CLOSED, actor,
                                                            timezone.now())
    measure.verification_note = note.strip()
    measure.version += 1
    measure.save()
    event_record(actor=actor, action="measure.close", obj=measure,
                 changes={"status": [MeasureStatus.DONE, MeasureStatus.CLOSED]},
                 params={"note": note})
    return measure


@transaction.atomic
def measure_return(*, actor, measure: Measure, note: str, version: int | None = None) -> Measure:
    """Send a done (or, at follow-up, a closed) measure back for rework."""
    measure = _locked_measure(measure, version)
    if not can_verify(actor, measure.inspection):
        raise Forbidden(_("Only a verifier of the office or the discipline commission returns "
                          "measures."))
    if measure.status not in (MeasureStatus.DONE, MeasureStatus.CLOSED):
        raise DomainError(_("Only a done or closed measure can be returned."))
    if not note.strip():
        raise DomainError(_("Say what must be reworked."), field="note")
    before = measure.status
    measure.status = MeasureStatus.RETURNED
    measure.closed_by, measure.closed_at = None, None
    measure.verification_note = note.strip()
    measure.version += 1
    measure.save()
    event_record(actor=actor, action="measure.reopen" if before == MeasureStatus.CLOSED
                 else "measure.return", obj=measure,
                 changes={"status": [before, MeasureStatus.RETURNED]}, params={"note": note})
    return measure


@transaction.atomic
def measure_set_publish(*, actor, measure: Measure, publish: bool) -> Measure:
    if not is_office_of(user=actor, committee_id=measure.inspection.committee_id):
        raise Forbidden(_("The office decides what is published."))
    if measure.publish != publish:
        measure.publish = publish
        measure.save(update_fields=["publish", "updated_at"])
        event_record(actor=actor, action="measure.publish", obj=measure,
                     changes={"publish": [not publish, publish]})
    return measure


# --- the rectification report, the public notice -------------------------------------------


@transaction.atomic
def report_submit(*, actor, inspection: Inspection, text: str,
                  principal_text: str) -> RectificationReport:
    _require_liaison(actor, inspection)
    if inspection.status != InspectionStatus.RECTIFYING:
        raise DomainError(_("The rectification report follows the approved plan."))
    plan = Plan.objects.filter(inspection=inspection).first()
    if plan is None or plan.status != PlanStatus.APPROVED:
        raise DomainError(_("The rectification plan must be approved first."),
                          code="precondition")
    if not text.strip() or not principal_text.strip():
        raise DomainError(_("Both the report and the principal leader's report are required."),
                          field="text")
    last = inspection.rectification_reports.order_by("-number").first()
    if last is not None and last.state != ReportState.RETURNED:
        raise DomainError(_("A report is already under review or accepted."))
    report = RectificationReport.objects.create(
        inspection=inspection, number=(last.number + 1) if last else 1, text=text.strip(),
        principal_text=principal_text.strip(), submitted_by=actor)
    event_record(actor=actor, action="rectification_report.submit", obj=report,
                 params={"number": report.number})
    return report


@transaction.atomic
def report_review(*, actor, report: RectificationReport, accept: bool, grade: str = "",
                  main_problems_solved: bool | None = None, transfers_handled: bool | None = None,
                  note: str = "") -> RectificationReport:
    """Reviewed for whether the main problems were solved and transferred items handled;
    accepted with a grade, or returned for more work (补课)."""
    inspection = report.inspection
    if not is_office_of(user=actor, committee_id=inspection.committee_id):
        raise Forbidden(_("The inspection office reviews rectification reports."))
    if report.state != ReportState.SUBMITTED:
        raise DomainError(_("Only a report under review can be decided."))
    if main_problems_solved is None or transfers_handled is None:
        raise DomainError(_("Answer both review questions."), field="main_problems_solved")
    if accept:
        if grade not in Grade.values:
            raise DomainError(_("Give a grade."), field="grade")
        if not (main_problems_solved and transfers_handled):
            raise DomainError(_("A report whose main problems are unsolved or whose transferred "
                                "items are unhandled goes back."), field="main_problems_solved")
    elif not note.strip():
        raise DomainError(_("Say what more must be done."), field="note")
    report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
    report.grade = grade if accept else ""
    report.main_problems_solved, report.transfers_handled = main_problems_solved, transfers_handled
    report.review_note, report.reviewed_by, report.reviewed_at = note, actor, timezone.now()
    report.save()
    event_record(actor=actor, action="rectification_report.accept" if accept
                 else "rectification_report.return", obj=report,
                 params={"grade": report.grade, "note": note})
    if accept:
        inspection_move(actor=actor, inspection=inspection,
                        to=InspectionStatus.RECTIFICATION_REPORTED,
                        action="inspection.rectification_reported", params={"grade": grade})
    return report


def completion(inspection: Inspection, *, published_only: bool = False) -> tuple[int, int]:
    """(total, done) where done means closed (销号) — the figures of the public notice."""
    qs = inspection.measures.all()
    if published_only:
        qs = qs.filter(publish=True)
    problems = {}
    for problem_id, status in qs.values_list("problem_id", "status"):
        problems.setdefault(problem_id, []).append(status)
    total = len(problems)
    done = sum(1 for statuses in problems.values()
               if all(s == MeasureStatus.CLOSED for s in statuses))
    return total, done


@transaction.atomic
def notice_publish(*, actor, inspection: Inspection, title: str, body: str) -> PublicNotice:
    """整改公开: counted per problem (a problem is done when all its measures are closed),
    leaving out the measures the office marked as not for publication."""
    if not is_office_of(user=actor, committee_id=inspection.committee_id):
        raise Forbidden(_("The office publishes rectification notices."))
    if not inspection.reached(InspectionStatus.RECTIFICATION_REPORTED):
        raise DomainError(_("Publish after the rectification report has been accepted."),
                          code="precondition")
    if not title.strip() or not body.strip():
        raise DomainError(_("Give the notice a title and a text."), field="title")
    total, done = completion(inspection, published_only=True)
    all_total, _all_done = completion(inspection)
    published = inspection.measures.filter(publish=True).select_related("problem").order_by(
        "number")
    items = [{"problem": m.problem.title, "measure": m.text[:300],
              "status": str(MeasureStatus(m.status).label)} for m in published]
    notice = PublicNotice.objects.create(
        inspection=inspection, committee=inspection.committee, title=title.strip()[:200],
        body=body.strip(), total=total, done=done, withheld=all_total - total, items=items,
        published_by=actor)
    event_record(actor=actor, action="notice.publish", obj=notice,
                 params={"total": total, "done": done, "withheld": all_total - total})
    return notice


@transaction.atomic
def notice_withdraw(*, actor, notice: PublicNotice) -> PublicNotice:
    if not (actor.role == Role.OFFICE and actor.committee_id == notice.committee_id):
        raise Forbidden()
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at"])
    event_record(actor=actor, action="notice.withdraw", obj=notice)
    return notice


# --- follow-up and accountability -----------------------------------------------------------


@transaction.atomic
def follow_up_record(*, actor, inspection: Inspection, kind: str, held_on: datetime.date,
                     findings: str, conclusion: str = "", reopen=(),
                     reopen_note: str = "") -> FollowUp:
    """回访 / 回头看: verify closed measures and reopen those that did not hold."""
    if (not is_office_of(user=actor, committee_id=inspection.committee_id)
            and review_side(actor, inspection) is None):
        raise Forbidden(_("The office and the supervising sides record follow-ups."))
    if not inspection.reached(InspectionStatus.RECTIFICATION_REPORTED):
        raise DomainError(_("Follow-up comes after the rectification report."))
    if kind not in FollowUpKind.values:
        raise DomainError(_("Unknown kind of follow-up."), field="kind")
    if not findings.strip():
        raise DomainError(_("Record what was found."), field="findings")
    if held_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="held_on")
    follow_up = FollowUp.objects.create(inspection=inspection, kind=kind, held_on=held_on,
                                        findings=findings.strip(), conclusion=conclusion.strip(),
                                        recorded_by=actor)
    event_record(actor=actor, action="follow_up.record", obj=follow_up,
                 params={"kind": kind, "reopen": [m.pk for m in reopen]})
    for measure in reopen:
        if measure.inspection_id != inspection.pk:
            raise DomainError(_("The measure belongs to another inspection."))
        measure_return(actor=actor, measure=measure,
                       note=reopen_note or _("Reopened at the follow-up of %(day)s.")
                       % {"day": held_on})
    if inspection.status == InspectionStatus.RECTIFICATION_REPORTED:
        inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.FOLLOW_UP,
                        action="inspection.follow_up")
    return follow_up


@transaction.atomic
def accountability_record(*, actor, inspection: Inspection, data: dict[str, Any],
                          measures=(), follow_up: FollowUp | None = None) -> Accountability:
    if not is_office_of(user=actor, committee_id=inspection.committee_id) and review_side(
            actor, inspection) != (
            ReviewSide.DISCIPLINE):
        raise Forbidden(_("The office or the discipline commission records accountability."))
    if not inspection.reached(InspectionStatus.FEEDBACK):
        raise DomainError(_("Accountability for rectification follows the feedback."))
    name = (data.get("person_name") or (data.get("person").name if data.get("person") else ""))
    if not name.strip():
        raise DomainError(_("Name the person held accountable."), field="person_name")
    if data.get("form") not in FOUR_FORMS_VALUES:
        raise DomainError(_("Choose the form (four forms)."), field="form")
    if not (data.get("action_taken") or "").strip():
        raise DomainError(_("Describe the measure taken."), field="action_taken")
    measures = list(measures)
    if any(m.inspection_id != inspection.pk for m in measures):
        raise DomainError(_("The measure belongs to another inspection."), field="measures")
    record = Accountability.objects.create(
        inspection=inspection, follow_up=follow_up, person=data.get("person"),
        person_name=name.strip()[:64], form=data["form"],
        action_taken=data["action_taken"].strip(),
        decided_on=data.get("decided_on") or timezone.localdate(), recorded_by=actor)
    record.measures.set(measures)
    event_record(actor=actor, action="accountability.record", obj=record,
                 params={"form": record.form, "measures": [m.pk for m in measures]})
    return record


@transaction.atomic
def inspection_close(*, actor, inspection: Inspection) -> Inspection:
    """Close the inspection once every measure is closed (销号) and nothing is reopened."""
    if not is_office_of(user=actor, committee_id=inspection.committee_id):
        raise Forbidden(_("The inspection office closes inspections."))
    if inspection.status != InspectionStatus.FOLLOW_UP:
        raise DomainError(_("An inspection is closed after its follow-up."))
    open_count = inspection.measures.exclude(status=MeasureStatus.CLOSED).count()
    if open_count:
        raise DomainError(_("%(n)d measure(s) are not closed yet.") % {"n": open_count},
                          code="precondition")
    return inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.CLOSED,
                           action="inspection.close")
