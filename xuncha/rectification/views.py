"""Pages of the rectification loop, for both sides, and the public notices.

Each step of the loop is posted to a view of its own (``inspection/<pk>/do/<step>/``,
``measures/<pk>/do/<step>/``): it validates its form — an invalid form re-renders the page
with the form's errors (400) and changes nothing — calls one service and goes back to the
page, with the service's refusal, if any, as a message.
"""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.inspections import clocks
from xuncha.inspections.access import is_liaison_of
from xuncha.inspections.clocks import rectification_due_dates
from xuncha.inspections.models import ClockPolicy, Inspection
from xuncha.lib.errors import DomainError
from xuncha.lib.importing import discard_staged, load_staged, stage_upload, staged_cancel
from xuncha.lib.lookup import get_or_404
from xuncha.lib.tabular import read_table, write_xlsx
from xuncha.teamwork.selectors import self_found_counts
from xuncha.web.access import allow_if, public, signed_in
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import docx_response, xlsx_response

from . import access, disclosure, documents
from . import selectors as sel
from .access import can_open_measures, can_open_rectification_steps, can_open_unit_desk
from .forms import (
    AccountabilityForm,
    DecisionForm,
    EvidenceForm,
    FollowUpForm,
    ImportUploadForm,
    MeasureFilter,
    MeasureForm,
    NoticeForm,
    PlanForm,
    PlanReviewForm,
    ProgressForm,
    RectReportForm,
    RectReviewForm,
    VerifyForm,
    WordingForm,
)
from .importers import LEDGER_HEADERS, LedgerProgressImporter
from .measures import (
    measure_add,
    measure_close,
    measure_evidence_add,
    measure_mark_done,
    measure_progress,
    measure_return,
    measure_set_publish,
    measure_update,
)
from .models import Measure, MeasureStatus, Phase, PlanStatus, ReportState
from .notifications import notifications_mark_read
from .plans import plan_decide, plan_review, plan_submit
from .reports import (
    accountability_record,
    follow_up_record,
    inspection_close,
    notice_publish,
    report_review,
    report_submit,
)

T = TypeVar("T")


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version")
    return int(value) if value and value.isascii() and value.isdigit() else None


def _errors(form: forms.Form) -> str:
    """A form's errors in one line, for the message above the page."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _ledger_rows(inspection: Inspection, today: datetime.date,
                 policy: ClockPolicy) -> list[Measure]:
    rows: list[Measure] = list(
        inspection.measures.select_related("problem", "done_by", "closed_by")
        .annotate(evidence_count=Count("evidence")).order_by("number"))
    for m in rows:
        m.light = clocks.measure_light(  # type: ignore[attr-defined]  # the ledger's column
            due=m.deadline, today=today, done=m.status in (MeasureStatus.CLOSED,),
            green_days=policy.measure_green_days, yellow_days=policy.measure_yellow_days)
    return rows


# --- the overview and its steps --------------------------------------------------------------


def _overview(request: AuthedHttpRequest, inspection: Inspection, *, status: int = 200,
              **bound: forms.Form) -> HttpResponse:
    """The overview page; a step whose form was invalid passes it in ``bound``."""
    user = request.user
    today = timezone.localdate()
    policy = clocks.policy_for(inspection.committee)
    plan = sel.plan_of(inspection)
    history = sel.plan_history(plan)
    versions = [entry.version for entry in history]
    plan_due, report_due = rectification_due_dates(inspection)
    problems = inspection.feedback.problems.select_related("category").order_by("sequence")
    reports = list(inspection.rectification_reports.select_related("reviewed_by"))
    total, done = sel.completion(inspection)
    current = versions[0] if versions else None
    closed = inspection.measures.filter(status=MeasureStatus.CLOSED)
    context: dict[str, object] = {
        "inspection": inspection, "plan": plan, "versions": versions, "current": current,
        "history": history,
        "plan_due": plan_due, "report_due": report_due, "problems": problems,
        "measures": _ledger_rows(inspection, today, policy), "reports": reports,
        "total": total, "done": done, "rate": round(100 * done / total, 2) if total else None,
        "is_liaison": is_liaison_of(user=user, inspection=inspection),
        "side": access.review_side(user=user, inspection=inspection),
        "can_submit_plan": access.can_submit_plan(user=user, inspection=inspection),
        "can_review": plan is not None and access.can_review_plan(user=user, plan=plan),
        "can_decide": plan is not None and access.can_decide_plan(user=user, plan=plan),
        "can_add_measure": access.can_add_measure(user=user, inspection=inspection),
        "can_submit_report": access.can_submit_report(user=user, inspection=inspection),
        "can_review_report": bool(reports) and access.can_review_report(user=user,
                                                                        report=reports[0]),
        "can_publish_notice": access.can_publish_notice(user=user, inspection=inspection),
        "can_follow_up": access.can_record_follow_up(user=user, inspection=inspection),
        "can_record_accountability": access.can_record_accountability(user=user,
                                                                      inspection=inspection),
        "can_close": access.can_close_inspection(user=user, inspection=inspection),
        "plan_form": PlanForm(initial={"principal_name": plan.principal_name if plan else "",
                                       "principal_email": plan.principal_email if plan else "",
                                       "text": current.text if current else ""}),
        "review_form": PlanReviewForm(), "decision_form": DecisionForm(),
        "measure_form": MeasureForm(problems=problems, initial={"deadline": report_due}),
        "report_form": RectReportForm(), "rect_review_form": RectReviewForm(),
        "notice_form": NoticeForm(initial={
            "title": _("Rectification of %(unit)s: progress made public")
            % {"unit": inspection.unit.name}}),
        "follow_up_form": FollowUpForm(closed=closed, initial={"held_on": today}),
        "accountability_form": AccountabilityForm(measures=inspection.measures.all(),
                                                  initial={"decided_on": today}),
        "follow_ups": inspection.follow_ups.select_related("recorded_by"),
        "accountabilities": inspection.accountabilities.prefetch_related("measures"),
        "notices": inspection.public_notices.all(), "today": today,
        "wordings": _wording_rows(user, inspection, problems),
        "can_write_wording": access.can_write_public_wording(user=user, inspection=inspection),
        "wording_form": WordingForm(),
        "figures": disclosure.notice_figures(inspection)
        if access.can_publish_notice(user=user, inspection=inspection) else None,
        "PlanStatus": PlanStatus,
        "plan_overdue": (not plan or plan.status == PlanStatus.DRAFT) and today > plan_due,
        "report_light": clocks.light(due=report_due, today=today, done=any(
            r.state == ReportState.ACCEPTED for r in reports)),
        "plan_light": clocks.light(due=plan_due, today=today, done=bool(versions)),
    }
    context.update(bound)
    return render(request, "rectification/overview.html", context, status=status)


def _to_overview(inspection: Inspection) -> HttpResponse:
    return redirect("rectification:overview", pk=inspection.pk)


def _refused(request: AuthedHttpRequest, inspection: Inspection, message: str) -> HttpResponse:
    messages.error(request, message)
    return _to_overview(inspection)


def _wording_rows(user: Any, inspection: Inspection, problems: Any) -> list[dict[str, Any]]:
    """Each problem fed back with its public wording and whether the user may approve it."""
    rows = []
    for problem in problems.select_related("public_wording", "public_wording__written_by",
                                           "public_wording__approved_by"):
        wording = getattr(problem, "public_wording", None)
        rows.append({"problem": problem, "wording": wording, "can_approve": wording is not None
                     and access.can_approve_public_wording(user=user, wording=wording)})
    return rows


def _step(request: AuthedHttpRequest, obj: Inspection | Measure,
          call: Callable[[dict[str, Any]], T], *, success: str | Callable[[T], str],
          failed: str | None = None, **posted: forms.Form) -> HttpResponse:
    """One step of the loop, posted from ``obj``'s page (an inspection's overview or a
    measure's page) and answered there.

    The step's form, ``posted`` under its name in the page's context, must be valid: else
    the page comes back (400) with it and ``failed`` (by default the form's errors) as the
    message, and nothing changes. ``call``, one service, gets the cleaned data; its refusal,
    or ``success`` (a text, or one made from what the service returned), is the message.
    """
    data: dict[str, Any] = {}
    for form in posted.values():  # the one form of the step, when it has one
        if not form.is_valid():
            messages.error(request, _errors(form) if failed is None else failed)
            if isinstance(obj, Inspection):
                return _overview(request, obj, status=400, **posted)
            return _measure_page(request, obj, status=400, **posted)
        data = form.cleaned_data
    try:
        result = call(data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success if isinstance(success, str) else success(result))
    if isinstance(obj, Inspection):
        return _to_overview(obj)
    return _to_measure(obj)


@allow_if(can_open_measures)
def overview_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Everything of one inspected unit's rectification on one page."""
    return _overview(request, access.access_rectification(user=request.user, pk=pk))


@allow_if(can_open_rectification_steps)
@require_POST
def plan_submit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    return _step(request, inspection, lambda d: plan_submit(
        actor=request.user, inspection=inspection, text=d["text"],
        principal_name=d["principal_name"], principal_email=d["principal_email"],
        file=d.get("file")),
        success=_("The plan was submitted for review."), failed=_("Write the plan."),
        plan_form=PlanForm(request.POST, request.FILES))


@allow_if(can_open_rectification_steps)
@require_POST
def plan_review_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    plan = sel.plan_of(inspection)
    if plan is None:
        return _refused(request, inspection, _("There is no plan yet."))
    return _step(request, inspection, lambda d: plan_review(
        actor=request.user, plan=plan, complete=d["complete"], feasible=d["feasible"],
        comment=d["comment"]),
        success=_("Your review was recorded."), review_form=PlanReviewForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def plan_approve_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    plan = sel.plan_of(inspection)
    if plan is None:
        return _refused(request, inspection, _("There is no plan yet."))
    return _step(request, inspection, lambda d: plan_decide(
        actor=request.user, plan=plan, approve=True, note=d["note"]),
        success=_("The plan was approved."), decision_form=DecisionForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def plan_return_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    plan = sel.plan_of(inspection)
    if plan is None:
        return _refused(request, inspection, _("There is no plan yet."))
    return _step(request, inspection, lambda d: plan_decide(
        actor=request.user, plan=plan, approve=False, note=d["note"]),
        success=_("The plan was returned to the unit."),
        decision_form=DecisionForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_add_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    return _step(request, inspection, lambda d: measure_add(
        actor=request.user, inspection=inspection, problem=d["problem"], data=d),
        success=_("The measure was added to the ledger."),
        measure_form=MeasureForm(request.POST, problems=inspection.feedback.problems.all()))


@allow_if(can_open_rectification_steps)
@require_POST
def report_submit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    return _step(request, inspection, lambda d: report_submit(
        actor=request.user, inspection=inspection, text=d["text"],
        principal_text=d["principal_text"]),
        success=_("The rectification report was submitted."),
        failed=_("Both reports are required."), report_form=RectReportForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def report_accept_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    report = inspection.rectification_reports.order_by("-number").first()
    if report is None:
        return _refused(request, inspection, _("No report was submitted."))
    return _step(request, inspection, lambda d: report_review(
        actor=request.user, report=report, accept=True, **d),
        success=_("The review was recorded."), failed=_("Answer both review questions."),
        rect_review_form=RectReviewForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def report_return_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    report = inspection.rectification_reports.order_by("-number").first()
    if report is None:
        return _refused(request, inspection, _("No report was submitted."))
    return _step(request, inspection, lambda d: report_review(
        actor=request.user, report=report, accept=False, **d),
        success=_("The review was recorded."), failed=_("Answer both review questions."),
        rect_review_form=RectReviewForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def notice_publish_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    return _step(request, inspection, lambda d: notice_publish(
        actor=request.user, inspection=inspection, title=d["title"], body=d["body"]),
        success=lambda notice: _("Published: %(rate)s (%(definition)s).") % {
            "rate": notice.rate_text, "definition": disclosure.definition(notice.basis)},
        failed=_("Give the notice a title and a text."), notice_form=NoticeForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def wording_write_view(request: AuthedHttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    """Write (or rewrite) how a problem fed back is named in public."""
    inspection = access.access_rectification(user=request.user, pk=pk)
    problem = get_or_404(inspection.feedback.problems.all(), problem_pk)
    return _step(request, inspection, lambda d: disclosure.wording_write(
        actor=request.user, problem=problem, text=d["text"]),
        success=_("The public wording was saved; it awaits the office's approval."),
        wording_form=WordingForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def wording_approve_view(request: AuthedHttpRequest, pk: int, problem_pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    problem = get_or_404(inspection.feedback.problems.select_related("public_wording"),
                         problem_pk)
    wording = getattr(problem, "public_wording", None)
    if wording is None:
        return _refused(request, inspection, _("Write the public wording first."))
    return _step(request, inspection, lambda d: disclosure.wording_approve(
        actor=request.user, wording=wording), success=_("The public wording was approved."))


@allow_if(can_open_rectification_steps)
@require_POST
def follow_up_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    closed = inspection.measures.filter(status=MeasureStatus.CLOSED)
    return _step(request, inspection, lambda d: follow_up_record(
        actor=request.user, inspection=inspection, kind=d["kind"], held_on=d["held_on"],
        findings=d["findings"], conclusion=d["conclusion"], reopen=d["reopen"],
        reopen_note=d["reopen_note"]),
        success=_("The follow-up was recorded."),
        follow_up_form=FollowUpForm(request.POST, closed=closed))


@allow_if(can_open_rectification_steps)
@require_POST
def accountability_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    return _step(request, inspection, lambda d: accountability_record(
        actor=request.user, inspection=inspection, data=d, measures=d["measures"]),
        success=_("Accountability was recorded."),
        accountability_form=AccountabilityForm(request.POST,
                                               measures=inspection.measures.all()))


@allow_if(can_open_rectification_steps)
@require_POST
def inspection_close_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    return _step(request, inspection, lambda d: inspection_close(
        actor=request.user, inspection=inspection),
        success=_("The inspection is closed."))


@allow_if(can_open_measures)
def plan_file_view(request: AuthedHttpRequest, pk: int) -> FileResponse:
    version = access.access_plan_version(user=request.user, pk=pk)
    if not version.file:
        raise Http404
    return FileResponse(version.file.open("rb"), as_attachment=True,
                        filename=version.file_name or "plan")


# --- measures ----------------------------------------------------------------------------------


def _measure_page(request: AuthedHttpRequest, measure: Measure, *, status: int = 200,
                  **bound: forms.Form) -> HttpResponse:
    """The measure's page; a step whose form was invalid passes it in ``bound``."""
    user = request.user
    policy = clocks.policy_for(measure.inspection.committee)
    context: dict[str, object] = {
        "measure": measure, "progress": measure.progress.select_related("author"),
        "evidence": measure.evidence.select_related("uploaded_by"),
        "alerts": measure.alerts.order_by("sent_at"),
        "accountabilities": measure.accountabilities.all(),
        "light": clocks.measure_light(due=measure.deadline, today=timezone.localdate(),
                                      done=measure.status == MeasureStatus.CLOSED,
                                      green_days=policy.measure_green_days,
                                      yellow_days=policy.measure_yellow_days),
        "can_edit": access.can_edit_measure(user=user, measure=measure),
        "can_report_progress": access.can_report_progress(user=user, measure=measure),
        "can_choose_published": access.can_choose_published(user=user, measure=measure),
        "can_close": access.can_close_measure(user=user, measure=measure),
        "can_return": access.can_return_measure(user=user, measure=measure),
        "progress_form": ProgressForm(initial={"version": measure.version}),
        "verify_form": VerifyForm(initial={"version": measure.version}),
        "evidence_form": EvidenceForm(), "Status": MeasureStatus}
    context.update(bound)
    return render(request, "rectification/measure_detail.html", context, status=status)


def _to_measure(measure: Measure) -> HttpResponse:
    return redirect("rectification:measure_detail", pk=measure.pk)


@allow_if(can_open_measures)
def measure_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _measure_page(request, access.access_measure(user=request.user, pk=pk))


@allow_if(can_open_unit_desk)
@require_http_methods(["GET", "POST"])
def measure_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    form = MeasureForm(request.POST or None, problems=measure.inspection.feedback.problems.all(),
                       initial=MeasureForm.initial_for(measure))
    if request.method == "POST" and form.is_valid():
        try:
            measure_update(actor=request.user, measure=measure, data=form.cleaned_data,
                           version=form.cleaned_data.get("version"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The measure was saved."))
            return _to_measure(measure)
    return render(request, "rectification/form.html", {
        "form": form, "title": _("Edit measure %(n)d") % {"n": measure.number},
        "back": reverse("rectification:measure_detail", args=[measure.pk])})


@allow_if(can_open_rectification_steps)
@require_POST
def measure_progress_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_progress(
        actor=request.user, measure=measure, text=d["text"], version=d["version"]),
        success=_("Done."), failed=_("Describe the progress."),
        progress_form=ProgressForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_evidence_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_evidence_add(
        actor=request.user, measure=measure, upload=d["file"]),
        success=_("Done."), failed=_("Choose a file."),
        evidence_form=EvidenceForm(request.POST, request.FILES))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_done_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_mark_done(
        actor=request.user, measure=measure, version=_version(request)),
        success=_("Done."))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_close_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_close(
        actor=request.user, measure=measure, note=d["note"], version=d["version"]),
        success=_("Done."), verify_form=VerifyForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_return_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_return(
        actor=request.user, measure=measure, note=d["note"], version=d["version"]),
        success=_("Done."), verify_form=VerifyForm(request.POST))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_publish_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_set_publish(
        actor=request.user, measure=measure, publish=True),
        success=_("Done."))


@allow_if(can_open_rectification_steps)
@require_POST
def measure_withhold_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access.access_measure(user=request.user, pk=pk)
    return _step(request, measure, lambda d: measure_set_publish(
        actor=request.user, measure=measure, publish=False),
        success=_("Done."))


@allow_if(can_open_measures)
def evidence_view(request: AuthedHttpRequest, pk: int, file_pk: int) -> FileResponse:
    row = access.access_evidence(user=request.user, measure_pk=pk, pk=file_pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@allow_if(can_open_measures)
def measure_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """All measures in scope, filterable (e.g. every overdue measure): the dashboard drills
    down here."""
    filters = MeasureFilter(request.GET or None)
    criteria = filters.cleaned()
    qs = sel.measures_filter(sel.measures_visible_to(user=request.user), **criteria)
    qs = sel.measures_of_committee(qs, user=request.user,
                                   committee=request.GET.get("committee", ""))
    qs = qs.select_related("inspection__unit", "problem").order_by("deadline", "pk")
    htmx = request.headers.get("HX-Request") == "true"
    template = "rectification/_measure_rows.html" if htmx else "rectification/measure_list.html"
    return render(request, template, {"filters": filters, "page": paginate(request, qs),
                                      "today": timezone.localdate()})


# --- the ledger in Excel ---------------------------------------------------------------------


@allow_if(can_open_measures)
def ledger_export_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    phases = dict(Phase.choices)
    rows = []
    for m in inspection.measures.select_related("problem").order_by("number"):
        last = m.progress.order_by("-created_at").values_list("text", flat=True).first() or ""
        rows.append([m.code, m.problem.title, m.text, str(phases.get(m.phase, m.phase)),
                     m.responsible_leader, m.responsible_department, m.deadline, last,
                     "是" if m.status == MeasureStatus.CLOSED else "否"])
    data = write_xlsx(title="整改台账", headers=LEDGER_HEADERS, rows=rows,
                      widths=[8, 30, 40, 12, 12, 16, 12, 40, 9])
    return xlsx_response(data, f"ledger-{inspection.unit.code}-{timezone.localdate()}.xlsx")


@allow_if(can_open_unit_desk)
@require_http_methods(["GET", "POST"])
def ledger_import_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_rectification(user=request.user, pk=pk)
    importer = LedgerProgressImporter(actor=request.user, inspection=inspection)
    key = f"xuncha_ledger_import_{inspection.pk}"
    user_id = request.user.pk
    form = ImportUploadForm()
    preview = None
    if request.method == "POST" and request.POST.get("step") == "cancel":
        staged_cancel(session=request.session, key=key, user_id=user_id)
        messages.success(request, _("The upload was discarded; nothing was imported."))
        return redirect("rectification:ledger_import", pk=inspection.pk)
    if request.method == "POST" and request.POST.get("step") == "commit":
        token = request.session.get(key, "")
        try:
            count = importer.commit(load_staged(user_id=user_id, token=token))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            discard_staged(user_id=user_id, token=token)
            request.session.pop(key, None)
            messages.success(request, _("%(count)d progress update(s) recorded.")
                             % {"count": count})
            return redirect("rectification:overview", pk=inspection.pk)
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                preview = importer.validate(read_table(upload.name, data))
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                old = request.session.get(key)
                if old:
                    discard_staged(user_id=user_id, token=old)
                request.session[key] = stage_upload(user_id=user_id, name=upload.name,
                                                    data=data)
    return render(request, "rectification/import.html", {
        "form": form, "preview": preview, "inspection": inspection,
        "columns": importer.columns})


# --- notifications ------------------------------------------------------------------------


@signed_in
def notifications_view(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "rectification/notifications.html", {
        "page": paginate(request, sel.notifications_of(user=request.user).order_by(
            "-created_at"))})


@signed_in
@require_POST
def notifications_read_view(request: AuthedHttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("rectification:notifications")


# --- public notices ---------------------------------------------------------------------------


@public
def public_notice_list_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    qs = sel.notices_published().select_related("inspection__unit", "committee")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(inspection__unit__name__icontains=q)
                       | Q(committee__short_name__icontains=q))
    return render(request, "rectification/public_notice_list.html", {
        "page": paginate(request, qs.order_by("-published_at")), "q": q})


@public
def public_notice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_or_404(sel.notices_published().select_related("inspection__unit",
                                                                "committee"), pk)
    return render(request, "rectification/public_notice_detail.html", {
        "notice": notice, "self_found": self_found_counts(notice.inspection)})


@public
def public_notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The published notice as a .docx in 公文格式, for the unit to print and post."""
    notice = get_or_404(sel.notices_published().select_related("inspection__unit",
                                                                "committee"), pk)
    return docx_response(documents.notice_docx(notice), documents.notice_filename(notice))
