"""After the ledger: the rectification report and its acceptance, the public notice
(整改公开), follow-up (回访 / 回头看), accountability (问责) and closing the inspection."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.access import is_office_of
from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.findings.models import FOUR_FORMS_VALUES
from xuncha.inspections.access import can_manage_inspection
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.moves import inspection_move
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_withdraw_notice, is_reviewer_of, is_verifier_of, require_liaison
from .disclosure import notice_figures
from .measures import measure_return
from .models import (
    Accountability,
    FollowUp,
    FollowUpKind,
    Grade,
    Measure,
    MeasureStatus,
    PlanStatus,
    PublicNotice,
    RectificationReport,
    ReportState,
)
from .selectors import plan_of


@transaction.atomic
def report_submit(*, actor: User, inspection: Inspection, text: str,
                  principal_text: str) -> RectificationReport:
    require_liaison(user=actor, inspection=inspection)
    if inspection.status != InspectionStatus.RECTIFYING:
        raise DomainError(_("The rectification report follows the approved plan."))
    plan = plan_of(inspection)
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
def report_review(*, actor: User, report: RectificationReport, accept: bool, grade: str = "",
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


@transaction.atomic
def notice_publish(*, actor: User, inspection: Inspection, title: str, body: str) -> PublicNotice:
    """整改公开, over the measures the office marked for publication: the rate follows the
    committee's stated definition (problems or measures, ``disclosure.rate_basis``), and each
    problem is named by its approved public wording — never its internal title."""
    if not is_office_of(user=actor, committee_id=inspection.committee_id):
        raise Forbidden(_("The office publishes rectification notices."))
    if not inspection.reached(InspectionStatus.RECTIFICATION_REPORTED):
        raise DomainError(_("Publish after the rectification report has been accepted."),
                          code="precondition")
    if not title.strip() or not body.strip():
        raise DomainError(_("Give the notice a title and a text."), field="title")
    figures = notice_figures(inspection)
    if figures.unworded:
        raise DomainError(_("These problems have no approved public wording yet: %(numbers)s. "
                            "The notice never shows the internal titles.")
                          % {"numbers": "、".join(figures.unworded)}, code="precondition")
    notice = PublicNotice.objects.create(
        inspection=inspection, committee=inspection.committee, title=title.strip()[:200],
        body=body.strip(), total=figures.total, done=figures.done, withheld=figures.withheld,
        basis=figures.basis, items=figures.items, published_by=actor)
    event_record(actor=actor, action="notice.publish", obj=notice,
                 params={"total": figures.total, "done": figures.done, "basis": figures.basis,
                         "withheld": figures.withheld})
    return notice


@transaction.atomic
def notice_withdraw(*, actor: User, notice: PublicNotice) -> PublicNotice:
    if not can_withdraw_notice(user=actor, notice=notice):
        raise Forbidden()
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at"])
    event_record(actor=actor, action="notice.withdraw", obj=notice)
    return notice


@transaction.atomic
def follow_up_record(*, actor: User, inspection: Inspection, kind: str, held_on: datetime.date,
                     findings: str, conclusion: str = "", reopen: Iterable[Measure] = (),
                     reopen_note: str = "") -> FollowUp:
    """回访 / 回头看: verify closed measures and reopen those that did not hold."""
    if not is_reviewer_of(user=actor, inspection=inspection):
        raise Forbidden(_("The office and the supervising sides record follow-ups."))
    if not inspection.reached(InspectionStatus.RECTIFICATION_REPORTED):
        raise DomainError(_("Follow-up comes after the rectification report."))
    if kind not in FollowUpKind.values:
        raise DomainError(_("Unknown kind of follow-up."), field="kind")
    if not findings.strip():
        raise DomainError(_("Record what was found."), field="findings")
    if held_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="held_on")
    reopen = list(reopen)
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
def accountability_record(*, actor: User, inspection: Inspection, data: dict[str, Any],
                          measures: Iterable[Measure] = (),
                          follow_up: FollowUp | None = None) -> Accountability:
    if not is_verifier_of(user=actor, inspection=inspection):
        raise Forbidden(_("The office or the discipline commission records accountability."))
    if not inspection.reached(InspectionStatus.FEEDBACK):
        raise DomainError(_("Accountability for rectification follows the feedback."))
    person = data.get("person")
    name = data.get("person_name") or (person.name if person is not None else "")
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
        inspection=inspection, follow_up=follow_up, person=person,
        person_name=name.strip()[:64], form=data["form"],
        action_taken=data["action_taken"].strip(),
        decided_on=data.get("decided_on") or timezone.localdate(), recorded_by=actor)
    record.measures.set(measures)
    event_record(actor=actor, action="accountability.record", obj=record,
                 params={"form": record.form, "measures": [m.pk for m in measures]})
    return record


@transaction.atomic
def inspection_close(*, actor: User, inspection: Inspection) -> Inspection:
    """Close the inspection once every measure is closed (销号) and nothing is reopened."""
    if not can_manage_inspection(user=actor, inspection=inspection):
        raise Forbidden(_("The inspection office closes inspections."))
    if inspection.status != InspectionStatus.FOLLOW_UP:
        raise DomainError(_("An inspection is closed after its follow-up."))
    open_count = inspection.measures.exclude(status=MeasureStatus.CLOSED).count()
    if open_count:
        raise DomainError(_("%(n)d measure(s) are not closed yet.") % {"n": open_count},
                          code="precondition")
    return inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.CLOSED,
                           action="inspection.close")
