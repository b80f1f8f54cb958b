"""Pages for activities, problems, clues, reports, feedback and the problem library.

One view per step: it validates its form, calls one service and answers. A form posted from
an object's page that does not validate brings that page back (400) with the form's errors;
a service's refusal comes back as a message on the object's page.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.forms import Form
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.inspections import clocks
from xuncha.inspections.access import access_inspection
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.lib.errors import DomainError, NotFound
from xuncha.organizations.models import UnitKind
from xuncha.petitions.selectors import petitions_visible_to
from xuncha.web.access import allow_if
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import docx_response

from . import activities, clues, documents, feedback, problems, reports
from . import selectors as sel
from .access import (
    access_activity,
    access_clue,
    access_clue_to_open,
    access_feedback,
    access_problem,
    access_problem_file,
    access_report,
    access_report_version,
    can_approve_problem,
    can_approve_report,
    can_draft_reports,
    can_handle_clue,
    can_lead_problems,
    can_open_case_files,
    can_open_clue_records,
    can_open_clues,
    can_open_feedback_form,
    can_open_library,
    can_open_problem_steps,
    can_open_problems,
    can_open_sealed_clues,
    can_open_team_forms,
    can_read_clue,
    can_read_working_file,
    can_report_clue,
    can_report_fix,
    can_review_report,
    can_sign_problem,
    can_submit_report,
    can_transfer_clue,
    can_write_findings,
)
from .forms import (
    ActivityForm,
    ClueForm,
    ClueHandleForm,
    ClueReportForm,
    ClueTransferForm,
    CommentForm,
    FeedbackForm,
    FileForm,
    FixedForm,
    LibraryFilter,
    MeetingForm,
    ProblemForm,
    ReasonForm,
    ReportEditForm,
    ReportStartForm,
)
from .models import (
    Activity,
    Clue,
    ClueStatus,
    Problem,
    ProblemStatus,
    Report,
    ReportKind,
    ReportStatus,
)


def _back(inspection_pk: int) -> str:
    return reverse("inspections:inspection_detail", args=[inspection_pk])


def _page(obj: Activity | Problem | Clue | Report) -> tuple[Callable[..., HttpResponse], str]:
    """The page a step on ``obj`` is posted from, and its route."""
    if isinstance(obj, Activity):
        return _activity_page, "findings:activity_detail"
    if isinstance(obj, Problem):
        return _problem_page, "findings:problem_detail"
    if isinstance(obj, Clue):
        return _clue_page, "findings:clue_detail"
    return _report_page, "findings:report_detail"


def _step(request: AuthedHttpRequest, obj: Activity | Problem | Clue | Report,
          call: Callable[[dict[str, Any]], object], *, success: str,
          **posted: Form) -> HttpResponse:
    """One step on ``obj``, posted from its page and answered there.

    The step's form, ``posted`` under its name in the page's context, must be valid: else
    the page comes back (400) with it, showing its errors, and nothing changes. ``call``, one
    service, gets the cleaned data; its refusal or ``success`` is the message on the page.
    """
    page, route = _page(obj)
    data: dict[str, Any] = {}
    for form in posted.values():  # the one form of the step, when it has one
        if not form.is_valid():
            return page(request, obj, status=400, **posted)
        data = form.cleaned_data
    try:
        call(data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(route, pk=obj.pk)


# --- activities -------------------------------------------------------------------------


@allow_if(can_open_team_forms)
@require_http_methods(["GET", "POST"])
def activity_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    form = ActivityForm(request.POST or None, request.FILES or None,
                        cadres=sel.unit_cadres(inspection, current_only=True),
                        inspectors=sel.team_inspectors(inspection),
                        initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            activities.activity_record(actor=request.user, inspection=inspection,
                                       data=form.cleaned_data,
                                       interviewers=list(form.cleaned_data["interviewers"]),
                                       signed_record=form.cleaned_data.get("signed_record"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect(_back(inspection.pk))
    return render(request, "findings/form.html", {
        "form": form, "title": _("Record an activity"), "back": _back(inspection.pk),
        "multipart": True})


def _activity_page(request: AuthedHttpRequest, activity: Activity, *, status: int = 200,
                   **forms: Any) -> HttpResponse:
    """The activity's page; ``forms`` replace its empty upload form (a posted one, with its
    errors)."""
    return render(request, "findings/activity_detail.html", {
        "activity": activity, "interviewers": activity.interviewers.select_related("cadre"),
        "file_form": FileForm(),
        "can_write": can_write_findings(user=request.user, inspection=activity.inspection)}
        | forms, status=status)


@allow_if(can_open_case_files)
def activity_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _activity_page(request, access_activity(user=request.user, pk=pk))


@allow_if(can_open_team_forms)
@require_POST
def activity_record_upload_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(user=request.user, pk=pk)
    return _step(request, activity, lambda d: activities.activity_attach_record(
        actor=request.user, activity=activity, signed_record=d["file"]),
        success=_("The signed record was uploaded."),
        file_form=FileForm(request.POST, request.FILES))


@allow_if(can_open_case_files)
def activity_record_download_view(request: AuthedHttpRequest, pk: int) -> FileResponse:
    activity = access_activity(user=request.user, pk=pk)
    if not activity.signed_record:
        raise NotFound()
    return FileResponse(activity.signed_record.open("rb"), as_attachment=True,
                        filename=activity.signed_record_name or "record")


# --- problems -----------------------------------------------------------------------------


def _problem_form(request: AuthedHttpRequest, inspection: Inspection,
                  problem: Problem | None = None) -> ProblemForm:
    initial = ProblemForm.initial_for(problem) if problem else {
        "found_on": timezone.localdate()}
    return ProblemForm(request.POST or None,
                       categories=sel.category_choices(inspection.committee),
                       cadres=sel.unit_cadres(inspection),
                       activities=inspection.activities.all(),
                       inspectors=sel.team_inspectors(inspection),
                       petitions=petitions_visible_to(user=request.user).filter(
                           inspection=inspection),
                       initial=initial)


def _evidence(form: ProblemForm) -> dict[str, Any]:
    return {"persons": form.cleaned_data["persons"],
            "activities": form.cleaned_data["activities"],
            "petitions": form.cleaned_data.get("petitions") or []}


@allow_if(can_open_team_forms)
@require_http_methods(["GET", "POST"])
def problem_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    form = _problem_form(request, inspection)
    if request.method == "POST" and form.is_valid():
        try:
            problem = problems.problem_draft(actor=request.user, inspection=inspection,
                                             data=form.cleaned_data, **_evidence(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Problem draft %(number)s saved.")
                             % {"number": problem.number})
            return redirect("findings:problem_detail", pk=problem.pk)
    return render(request, "findings/form.html", {
        "form": form, "title": _("New problem draft"), "back": _back(inspection.pk)})


@allow_if(can_open_team_forms)
@require_http_methods(["GET", "POST"])
def problem_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    form = _problem_form(request, problem.inspection, problem)
    if request.method == "POST" and form.is_valid():
        try:
            problems.problem_update(actor=request.user, problem=problem, data=form.cleaned_data,
                                    version=form.cleaned_data.get("version"),
                                    **_evidence(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("findings:problem_detail", pk=problem.pk)
    return render(request, "findings/form.html", {
        "form": form, "title": _("Edit %(number)s") % {"number": problem.number},
        "back": reverse("findings:problem_detail", args=[problem.pk])})


def _problem_page(request: AuthedHttpRequest, problem: Problem, *, status: int = 200,
                  **forms: Any) -> HttpResponse:
    """The problem's page; ``forms`` replace its empty step forms (a posted one, with its
    errors)."""
    user = request.user
    inspection = problem.inspection
    today = timezone.localdate()
    context = {
        "problem": problem, "persons": problem.persons.all(),
        "activities": problem.activities.all(), "petitions": problem.petitions.all(),
        "files": problem.files.all(),
        "working_file": can_read_working_file(user=user),
        "can_write": can_write_findings(user=user, inspection=inspection),
        "can_approve": can_approve_problem(user=user, problem=problem),
        "can_sign": can_sign_problem(user=user, problem=problem),
        "can_lead": can_lead_problems(user=user, inspection=inspection),
        "can_report_fix": can_report_fix(user=user, problem=problem),
        "meeting_form": MeetingForm(initial={"meeting_on": today}),
        "reason_form": ReasonForm(), "fixed_form": FixedForm(initial={"on": today}),
        "file_form": FileForm(), "Status": ProblemStatus,
    }
    return render(request, "findings/problem_detail.html", context | forms, status=status)


@allow_if(can_open_problems)
def problem_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _problem_page(request, access_problem(user=request.user, pk=pk))


@allow_if(can_open_problem_steps)
@require_POST
def problem_team_approve_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    return _step(request, problem, lambda d: problems.problem_team_approve(
        actor=request.user, problem=problem, meeting_on=d["meeting_on"], opinion=d["opinion"]),
        success=_("Done."), meeting_form=MeetingForm(request.POST))


@allow_if(can_open_problem_steps)
@require_POST
def problem_sign_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    return _step(request, problem, lambda d: problems.problem_sign(
        actor=request.user, problem=problem),
        success=_("Done."))


@allow_if(can_open_problem_steps)
@require_POST
def problem_withdraw_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    return _step(request, problem, lambda d: problems.problem_withdraw(
        actor=request.user, problem=problem, reason=d["reason"]),
        success=_("Done."), reason_form=ReasonForm(request.POST))


@allow_if(can_open_problem_steps)
@require_POST
def problem_hand_over_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    return _step(request, problem, lambda d: problems.problem_hand_over(
        actor=request.user, problem=problem, on=timezone.localdate()),
        success=_("Done."))


@allow_if(can_open_problem_steps)
@require_POST
def problem_fixed_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    return _step(request, problem, lambda d: problems.problem_mark_fixed(
        actor=request.user, problem=problem, on=d["on"], note=d["note"]),
        success=_("Done."), fixed_form=FixedForm(request.POST))


@allow_if(can_open_problem_steps)
@require_POST
def problem_upload_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(user=request.user, pk=pk)
    return _step(request, problem, lambda d: problems.problem_file_add(
        actor=request.user, problem=problem, upload=d["file"]),
        success=_("Done."), file_form=FileForm(request.POST, request.FILES))


@allow_if(can_open_case_files)
def problem_file_view(request: AuthedHttpRequest, pk: int, file_pk: int) -> FileResponse:
    row = access_problem_file(user=request.user, pk=pk, file_pk=file_pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@allow_if(can_open_library)
def library_view(request: AuthedHttpRequest) -> HttpResponse:
    filters = LibraryFilter(request.GET or None,
                            categories=sel.category_choices(request.user.committee))
    criteria = filters.cleaned()
    if "category" in criteria:
        criteria["category"] = criteria["category"].pk
    base = sel.problem_library(user=request.user)
    qs = sel.problems_search(base, **criteria).select_related(
        "inspection__unit", "category", "inspection__team__round__term")
    kinds = dict(UnitKind.choices)
    by_category = base.values("category__name").annotate(n=Count("pk")).order_by("-n")
    by_kind = [(str(kinds.get(r["inspection__unit__kind"], r["inspection__unit__kind"])),
                r["n"]) for r in base.values("inspection__unit__kind").annotate(
        n=Count("pk")).order_by("-n")]
    by_year = base.values("found_on__year").annotate(n=Count("pk")).order_by("found_on__year")
    template = "findings/_library_rows.html" if request.htmx else "findings/library.html"
    return render(request, template, {
        "filters": filters, "page": paginate(request, qs.order_by("-found_on", "-pk")),
        "by_category": by_category, "by_kind": by_kind, "by_year": by_year})


# --- clues -------------------------------------------------------------------------------------


@allow_if(can_open_team_forms)
@require_http_methods(["GET", "POST"])
def clue_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    form = ClueForm(request.POST or None, cadres=sel.clue_subjects(inspection),
                    problems=inspection.problems.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clue = clues.clue_record(actor=request.user, inspection=inspection,
                                     subject=data["subject"], subject_name=data["subject_name"],
                                     content=data["content"], problem=data["problem"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Clue %(number)s was sealed. Only the office head and "
                                        "the receiving body can read it now.")
                             % {"number": clue.number})
            return redirect(_back(inspection.pk))
    return render(request, "findings/form.html", {
        "form": form, "title": _("Record a clue (sealed on saving)"),
        "back": _back(inspection.pk)})


@allow_if(can_open_clues)
def clue_list_view(request: AuthedHttpRequest) -> HttpResponse:
    qs = sel.clues_visible_to(user=request.user).select_related(
        "inspection__unit", "receiver_committee").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in ClueStatus.values:
        qs = qs.filter(status=status)
    return render(request, "findings/clue_list.html", {
        "page": paginate(request, qs), "statuses": ClueStatus.choices, "status": status,
        "today": timezone.localdate()})


def _clue_page(request: AuthedHttpRequest, clue: Clue, *, status: int = 200,
               **forms: Any) -> HttpResponse:
    """The clue's record; ``forms`` replace its empty step forms (a posted one, with its
    errors)."""
    user = request.user
    today = timezone.localdate()
    context = {
        "clue": clue, "can_read": can_read_clue(user=user, clue=clue),
        "can_transfer": can_transfer_clue(user=user, clue=clue),
        "can_handle": can_handle_clue(user=user, clue=clue),
        "can_report": can_report_clue(user=user, clue=clue),
        "transfer_form": ClueTransferForm(initial={"on": today}),
        "handle_form": ClueHandleForm(initial={"handling": clue.handling or None}),
        "report_form": ClueReportForm(initial={"on": today, "outcome": clue.outcome or None}),
        "receiving": clues.receiving_committee(clue),
        "receiving_body": sel.receiving_body(clue), "Status": ClueStatus, "today": today,
    }
    return render(request, "findings/clue_detail.html", context | forms, status=status)


@allow_if(can_open_clue_records)
def clue_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _clue_page(request, access_clue(user=request.user, pk=pk))


@allow_if(can_open_sealed_clues)
@require_POST
def clue_open_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Reading the sealed content is a POST: each reading is a deliberate, audited act."""
    clue = access_clue_to_open(user=request.user, pk=pk)
    try:
        clues.clue_open(actor=request.user, clue=clue)
    except DomainError as exc:
        return render(request, "errors/403.html", {"message": exc.message}, status=403)
    return render(request, "findings/clue_content.html", {"clue": clue})


@allow_if(can_open_clues)
@require_POST
def clue_transfer_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    clue = access_clue(user=request.user, pk=pk)
    return _step(request, clue, lambda d: clues.clue_transfer(
        actor=request.user, clue=clue, body=d["body"], on=d["on"]),
        success=_("Done."), transfer_form=ClueTransferForm(request.POST))


@allow_if(can_open_clues)
@require_POST
def clue_handle_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    clue = access_clue(user=request.user, pk=pk)
    return _step(request, clue, lambda d: clues.clue_handle(
        actor=request.user, clue=clue, handling=d["handling"]),
        success=_("Done."), handle_form=ClueHandleForm(request.POST))


@allow_if(can_open_clues)
@require_POST
def clue_report_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    clue = access_clue(user=request.user, pk=pk)
    return _step(request, clue, lambda d: clues.clue_report(
        actor=request.user, clue=clue, outcome=d["outcome"], note=d["note"],
        on=d["on"], close=d["close"]),
        success=_("Done."), report_form=ClueReportForm(request.POST))


# --- reports ---------------------------------------------------------------------------------


@allow_if(can_open_team_forms)
@require_POST
def report_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    form = ReportStartForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_back(inspection.pk))
    try:
        report = reports.report_start(actor=request.user, inspection=inspection,
                                      kind=form.cleaned_data["kind"] or ReportKind.MAIN)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(inspection.pk))
    return redirect("findings:report_detail", pk=report.pk)


def _report_page(request: AuthedHttpRequest, report: Report, *, status: int = 200,
                 **forms: Any) -> HttpResponse:
    """The report's page; ``forms`` replace its forms (a posted one, with its errors)."""
    user = request.user
    inspection = report.inspection
    version = report.current()
    editable = version.status in (ReportStatus.DRAFT, ReportStatus.RETURNED,
                                  ReportStatus.APPROVED)
    edit_form = ReportEditForm(problems=inspection.problems.exclude(
        status=ProblemStatus.WITHDRAWN).select_related("category"), initial={
        "summary": version.summary, "conclusion": version.conclusion,
        "none_found": version.none_found,
        "problems": list(version.problems.values_list("pk", flat=True))})
    context = {
        "report": report, "version": version,
        "history": sel.report_history(report),
        "problems": version.problems.select_related("category").order_by("sequence"),
        "comments": sel.report_comments(report),
        "issue": reports.report_problems_issue(version),
        "can_draft": can_draft_reports(user=user, inspection=inspection),
        "can_submit": can_submit_report(user=user, report=report),
        "can_review": can_review_report(user=user, report=report),
        "can_approve": can_approve_report(user=user, report=report),
        "edit_form": edit_form, "editable": editable, "review_form": CommentForm(),
        "comment_form": CommentForm(), "Status": ReportStatus,
        "feedback_given": inspection.reached(InspectionStatus.FEEDBACK)}
    return render(request, "findings/report_detail.html", context | forms, status=status)


@allow_if(can_open_case_files)
def report_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, access_report(user=request.user, pk=pk))


@allow_if(can_open_case_files)
@require_POST
def report_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access_report(user=request.user, pk=pk)
    return _step(request, report, lambda d: reports.report_edit(
        actor=request.user, report=report, summary=d["summary"], conclusion=d["conclusion"],
        problems=d["problems"], none_found=d["none_found"]),
        success=_("Done."),
        edit_form=ReportEditForm(request.POST, problems=report.inspection.problems.all()))


@allow_if(can_open_case_files)
@require_POST
def report_submit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access_report(user=request.user, pk=pk)
    return _step(request, report, lambda d: reports.report_submit(
        actor=request.user, report=report),
        success=_("Done."))


@allow_if(can_open_case_files)
@require_POST
def report_accept_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The office's review: accepted for the leading group."""
    report = access_report(user=request.user, pk=pk)
    return _step(request, report, lambda d: reports.report_review(
        actor=request.user, report=report, comment=d["comment"], accept=True),
        success=_("Done."), review_form=CommentForm(request.POST))


@allow_if(can_open_case_files)
@require_POST
def report_return_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The office's review: returned to the team with what must change."""
    report = access_report(user=request.user, pk=pk)
    return _step(request, report, lambda d: reports.report_review(
        actor=request.user, report=report, comment=d["comment"], accept=False),
        success=_("Done."), review_form=CommentForm(request.POST))


@allow_if(can_open_case_files)
@require_POST
def report_comment_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access_report(user=request.user, pk=pk)
    return _step(request, report, lambda d: reports.report_comment(
        actor=request.user, report=report, text=d["comment"]),
        success=_("Done."), comment_form=CommentForm(request.POST))


@allow_if(can_open_case_files)
@require_POST
def report_approve_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access_report(user=request.user, pk=pk)
    return _step(request, report, lambda d: reports.report_approve(
        actor=request.user, report=report),
        success=_("Done."))


@allow_if(can_open_case_files)
def report_docx_view(request: AuthedHttpRequest, pk: int, number: int) -> HttpResponse:
    version = access_report_version(user=request.user, pk=pk, number=number)
    data = bytes(version.frozen_docx) if version.frozen_docx else documents.report_docx(version)
    unit = version.report.inspection.unit
    return docx_response(data, f"report-{unit.code}-v{version.number}.docx")


# --- feedback ---------------------------------------------------------------------------------


@allow_if(can_open_feedback_form)
@require_http_methods(["GET", "POST"])
def feedback_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    today = timezone.localdate()
    form = FeedbackForm(request.POST or None, initial={
        "principal_meeting_on": today, "team_meeting_on": today, "feedback_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            recorded = feedback.feedback_record(actor=request.user, inspection=inspection,
                                                data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            plan_due, report_due = clocks.rectification_due_dates(recorded.inspection)
            messages.success(request, _("Feedback recorded. The rectification plan is due on "
                                        "%(plan)s and the rectification report on %(report)s.")
                             % {"plan": plan_due, "report": report_due})
            return redirect("findings:feedback_detail", pk=recorded.pk)
    return render(request, "findings/form.html", {
        "form": form, "title": _("Record the feedback"), "back": _back(inspection.pk)})


@allow_if(can_open_problems)
def feedback_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    record = access_feedback(user=request.user, pk=pk)
    plan_due, report_due = clocks.rectification_due_dates(record.inspection)
    return render(request, "findings/feedback_detail.html", {
        "feedback": record,
        "problems": record.problems.select_related("category").order_by("sequence"),
        "plan_due": plan_due, "report_due": report_due})


@allow_if(can_open_problems)
def feedback_docx_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    record = access_feedback(user=request.user, pk=pk)
    return docx_response(documents.feedback_docx(record),
                         f"feedback-{record.inspection.unit.code}.docx")
