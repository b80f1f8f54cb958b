"""Pages for activities, problems, clues, reports, feedback and the problem library."""

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.access import is_office_head_of, is_office_of
from xuncha.accounts.roles import Role
from xuncha.inspections.access import is_team_lead, is_team_leader, is_team_member
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.selectors import inspections_visible_to
from xuncha.lib.errors import DomainError, NotFound
from xuncha.lib.lookup import get_or_404
from xuncha.organizations.models import Cadre, Inspector, UnitKind
from xuncha.web.access import allow
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import docx_response

from . import documents, services
from . import selectors as sel
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
)
from .models import (
    ClueStatus,
    ProblemCategory,
    ProblemFile,
    ProblemStatus,
    ReportKind,
    ReportStatus,
)

CASE = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM)


def _inspection(request, pk) -> Inspection:
    return get_or_404(inspections_visible_to(user=request.user).select_related(
        "unit", "team__round__committee", "committee", "round__term"), pk)


def _back(inspection_pk: int) -> str:
    return reverse("inspections:inspection_detail", args=[inspection_pk])


# --- the panel on the inspection page ------------------------------------------------------


def inspection_section(request, inspection):
    user = request.user
    if user.role == Role.LIAISON:
        feedback = sel.feedback_visible_to(user=user).filter(inspection=inspection).first()
        return {"template": "findings/_liaison_section.html", "feedback": feedback}
    if user.role not in CASE:
        return None
    problems = list(inspection.problems.select_related("category").order_by("sequence"))
    return {
        "template": "findings/_inspection_section.html",
        "activities": inspection.activities.order_by("-held_on", "-pk")[:20],
        "activity_count": inspection.activities.count(),
        "problems": problems,
        "clues": sel.clues_visible_to(user=user).filter(inspection=inspection),
        "reports": inspection.reports.all(),
        "feedback": sel.feedback_visible_to(user=user).filter(inspection=inspection).first(),
        "is_member": is_team_member(user=user, inspection=inspection),
        "is_lead": is_team_lead(user=user, inspection=inspection),
        "can_feedback": (is_office_of(user=user, committee_id=inspection.committee_id)
                         or is_team_lead(user=user, inspection=inspection))
        and inspection.status == InspectionStatus.REPORTING
        and inspection.reports.filter(kind=ReportKind.MAIN,
                                      versions__status=ReportStatus.APPROVED).exists(),
        "on_site": inspection.status in services.ON_SITE,
        "has_main": inspection.reports.filter(kind=ReportKind.MAIN).exists(),
    }


# --- activities -------------------------------------------------------------------------


@allow(Role.TEAM)
@require_http_methods(["GET", "POST"])
def activity_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    cadres = Cadre.objects.filter(unit=inspection.unit, archived_at__isnull=True)
    inspectors = Inspector.objects.filter(memberships__team=inspection.team).select_related(
        "cadre")
    form = ActivityForm(request.POST or None, request.FILES or None, cadres=cadres,
                        inspectors=inspectors, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(actor=request.user, inspection=inspection,
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


@allow(*CASE)
def activity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(sel.activities_visible_to(user=request.user).select_related(
        "inspection__unit", "inspection__team", "interviewee", "created_by"), pk)
    return render(request, "findings/activity_detail.html", {
        "activity": activity, "interviewers": activity.interviewers.select_related("cadre"),
        "file_form": FileForm(),
        "is_member": is_team_member(user=request.user, inspection=activity.inspection)})


@allow(Role.TEAM)
@require_POST
def activity_record_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(sel.activities_visible_to(user=request.user), pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_attach_record(actor=request.user, activity=activity,
                                            signed_record=form.cleaned_data["file"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The signed record was uploaded."))
    return redirect("findings:activity_detail", pk=activity.pk)


@allow(*CASE)
def activity_record_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(sel.activities_visible_to(user=request.user), pk)
    if not activity.signed_record:
        raise NotFound()
    return FileResponse(activity.signed_record.open("rb"), as_attachment=True,
                        filename=activity.signed_record_name or "record")


# --- problems -----------------------------------------------------------------------------


def _problem_form(request, inspection, problem=None):
    categories = ProblemCategory.objects.filter(
        pk__in=[c.pk for c in services.categories_for(inspection.committee)])
    from xuncha.petitions.selectors import petitions_visible_to

    petitions = petitions_visible_to(user=request.user).filter(inspection=inspection)
    initial = ProblemForm.initial_for(problem) if problem else {
        "found_on": timezone.localdate()}
    return ProblemForm(request.POST or None, categories=categories,
                       cadres=Cadre.objects.filter(unit=inspection.unit),
                       activities=inspection.activities.all(),
                       inspectors=Inspector.objects.filter(memberships__team=inspection.team)
                       .select_related("cadre"), petitions=petitions, initial=initial)


def _evidence(form):
    return {"persons": form.cleaned_data["persons"],
            "activities": form.cleaned_data["activities"],
            "petitions": form.cleaned_data.get("petitions") or []}


@allow(Role.TEAM)
@require_http_methods(["GET", "POST"])
def problem_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = _problem_form(request, inspection)
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_draft(actor=request.user, inspection=inspection,
                                             data=form.cleaned_data, **_evidence(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Problem draft %(number)s saved.")
                             % {"number": problem.number})
            return redirect("findings:problem_detail", pk=problem.pk)
    return render(request, "findings/form.html", {
        "form": form, "title": _("New problem draft"), "back": _back(inspection.pk)})


@allow(Role.TEAM)
@require_http_methods(["GET", "POST"])
def problem_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_or_404(sel.problems_visible_to(user=request.user), pk)
    form = _problem_form(request, problem.inspection, problem)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(actor=request.user, problem=problem, data=form.cleaned_data,
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


@allow(*CASE, Role.LIAISON)
def problem_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_or_404(sel.problems_visible_to(user=request.user).select_related(
        "inspection__unit", "inspection__team", "category", "author", "signed_by",
        "found_by__cadre"), pk)
    user = request.user
    inspection = problem.inspection
    petitions = problem.petitions.all()
    return render(request, "findings/problem_detail.html", {
        "problem": problem, "persons": problem.persons.all(),
        "activities": problem.activities.all(), "petitions": petitions,
        "files": problem.files.all(), "liaison": user.role == Role.LIAISON,
        "is_member": is_team_member(user=user, inspection=inspection),
        "is_lead": is_team_lead(user=user, inspection=inspection),
        "is_leader": is_team_leader(user=user, inspection=inspection),
        "meeting_form": MeetingForm(initial={"meeting_on": timezone.localdate()}),
        "reason_form": ReasonForm(), "fixed_form": FixedForm(
            initial={"on": timezone.localdate()}), "file_form": FileForm(),
        "Status": ProblemStatus})


@allow(Role.TEAM, Role.LIAISON)
@require_POST
def problem_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = get_or_404(sel.problems_visible_to(user=request.user), pk)
    actor = request.user
    try:
        if action == "team-approve":
            form = MeetingForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the meeting date and opinion."))
            services.problem_team_approve(actor=actor, problem=problem,
                                          meeting_on=form.cleaned_data["meeting_on"],
                                          opinion=form.cleaned_data["opinion"])
        elif action == "sign":
            services.problem_sign(actor=actor, problem=problem)
        elif action == "withdraw":
            form = ReasonForm(request.POST)
            services.problem_withdraw(actor=actor, problem=problem,
                                      reason=form.data.get("reason", ""))
        elif action == "hand-over":
            services.problem_hand_over(actor=actor, problem=problem, on=timezone.localdate())
        elif action == "fixed":
            form = FixedForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the date and say how it was fixed."))
            services.problem_mark_fixed(actor=actor, problem=problem,
                                        on=form.cleaned_data["on"], note=form.cleaned_data["note"])
        elif action == "upload":
            form = FileForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(_("Choose a file."))
            _problem_file_add(actor, problem, form.cleaned_data["file"])
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("findings:problem_detail", pk=problem.pk)


def _problem_file_add(actor, problem, upload):
    from django.db import transaction

    from xuncha.audit.services import event_record

    if not is_team_member(user=actor, inspection=problem.inspection):
        raise DomainError(_("Only members of the inspection team may do this."))
    services._check_upload(upload)
    with transaction.atomic():
        row = ProblemFile.objects.create(problem=problem, file=upload, name=upload.name[:200],
                                         size=upload.size, uploaded_by=actor)
        event_record(actor=actor, action="problem.evidence_file", obj=problem,
                     params={"name": row.name, "size": row.size})


@allow(*CASE)
def problem_file_view(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    problem = get_or_404(sel.problems_visible_to(user=request.user), pk)
    row = get_or_404(problem.files.all(), file_pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@allow(Role.OFFICE, Role.LEADERSHIP)
def library_view(request: HttpRequest) -> HttpResponse:
    committee = request.user.committee
    categories = ProblemCategory.objects.filter(
        pk__in=[c.pk for c in services.categories_for(committee)])
    filters = LibraryFilter(request.GET or None, categories=categories)
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


@allow(Role.TEAM)
@require_http_methods(["GET", "POST"])
def clue_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = ClueForm(request.POST or None, cadres=Cadre.objects.filter(
        unit__committee__in=[inspection.committee_id, inspection.unit.committee_id]),
        problems=inspection.problems.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clue = services.clue_record(actor=request.user, inspection=inspection,
                                        subject=data["subject"],
                                        subject_name=data["subject_name"],
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


@allow(Role.OFFICE, Role.RECEIVER)
def clue_list_view(request: HttpRequest) -> HttpResponse:
    qs = sel.clues_visible_to(user=request.user).select_related(
        "inspection__unit", "receiver_committee").order_by("-created_at")
    status = request.GET.get("status", "")
    if status in ClueStatus.values:
        qs = qs.filter(status=status)
    return render(request, "findings/clue_list.html", {
        "page": paginate(request, qs), "statuses": ClueStatus.choices, "status": status,
        "today": timezone.localdate()})


@allow(Role.OFFICE, Role.TEAM, Role.RECEIVER)
def clue_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    clue = get_or_404(sel.clues_visible_to(user=request.user).select_related(
        "inspection__unit", "receiver_committee", "transferred_by"), pk)
    user = request.user
    return render(request, "findings/clue_detail.html", {
        "clue": clue, "can_read": services.can_read_clue(user, clue),
        "is_head": is_office_head_of(user=user, committee_id=clue.committee_id),
        "is_receiver": user.role == Role.RECEIVER,
        "transfer_form": ClueTransferForm(initial={"on": timezone.localdate()}),
        "handle_form": ClueHandleForm(initial={"handling": clue.handling or None}),
        "report_form": ClueReportForm(initial={"on": timezone.localdate(),
                                               "outcome": clue.outcome or None}),
        "receiving": services.receiving_committee(clue), "Status": ClueStatus,
        "today": timezone.localdate()})


@allow(Role.OFFICE, Role.TEAM, Role.RECEIVER, Role.LEADERSHIP)
@require_POST
def clue_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reading the sealed content is a POST: each reading is a deliberate, audited act."""
    from django.db.models import Q

    from .models import Clue

    # Existence is checked against the committee's clues so that a refused attempt by
    # someone who can see the record is audited; others get the usual 404.
    clue = get_or_404(Clue.objects.filter(
        Q(committee_id=request.user.committee_id)
        | Q(receiver_committee_id=request.user.committee_id)), pk)
    try:
        services.clue_open(actor=request.user, clue=clue)
    except DomainError as exc:
        return render(request, "errors/403.html", {"message": exc.message}, status=403)
    return render(request, "findings/clue_content.html", {"clue": clue})


@allow(Role.OFFICE, Role.RECEIVER)
@require_POST
def clue_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    clue = get_or_404(sel.clues_visible_to(user=request.user), pk)
    try:
        if action == "transfer":
            form = ClueTransferForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose the receiving body and the date."))
            services.clue_transfer(actor=request.user, clue=clue, body=form.cleaned_data["body"],
                                   on=form.cleaned_data["on"])
        elif action == "handle":
            form = ClueHandleForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose how the clue is handled."))
            services.clue_handle(actor=request.user, clue=clue,
                                 handling=form.cleaned_data["handling"])
        elif action == "report":
            form = ClueReportForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the outcome, a description and the date."))
            services.clue_report(actor=request.user, clue=clue,
                                 outcome=form.cleaned_data["outcome"],
                                 note=form.cleaned_data["note"], on=form.cleaned_data["on"],
                                 close=form.cleaned_data["close"])
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("findings:clue_detail", pk=clue.pk)


# --- reports ---------------------------------------------------------------------------------


@allow(Role.TEAM)
@require_POST
def report_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    kind = request.POST.get("kind", ReportKind.MAIN)
    try:
        report = services.report_start(actor=request.user, inspection=inspection, kind=kind)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(inspection.pk))
    return redirect("findings:report_detail", pk=report.pk)


@allow(*CASE)
def report_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_or_404(sel.reports_visible_to(user=request.user).select_related(
        "inspection__unit", "inspection__team", "inspection__committee"), pk)
    user = request.user
    inspection = report.inspection
    version = report.current()
    editable = version.status in (ReportStatus.DRAFT, ReportStatus.RETURNED,
                                  ReportStatus.APPROVED)
    form = ReportEditForm(problems=inspection.problems.exclude(
        status=ProblemStatus.WITHDRAWN).select_related("category"), initial={
        "summary": version.summary, "conclusion": version.conclusion,
        "none_found": version.none_found,
        "problems": list(version.problems.values_list("pk", flat=True))})
    return render(request, "findings/report_detail.html", {
        "report": report, "version": version,
        "versions": report.versions.select_related("approved_by").order_by("-number"),
        "problems": version.problems.select_related("category").order_by("sequence"),
        "comments": version.comments.select_related("author"),
        "issue": services.report_problems_issue(version),
        "is_lead": is_team_lead(user=user, inspection=inspection),
        "is_office": is_office_of(user=user, committee_id=inspection.committee_id),
        "is_leadership": user.role == Role.LEADERSHIP
        and user.committee_id == inspection.committee_id,
        "edit_form": form, "editable": editable, "comment_form": CommentForm(),
        "Status": ReportStatus,
        "feedback_given": inspection.reached(InspectionStatus.FEEDBACK)})


@allow(*CASE)
@require_POST
def report_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_or_404(sel.reports_visible_to(user=request.user).select_related(
        "inspection"), pk)
    actor = request.user
    try:
        if action == "edit":
            form = ReportEditForm(request.POST, problems=report.inspection.problems.all())
            if not form.is_valid():
                raise DomainError(_("Check the form."))
            data = form.cleaned_data
            services.report_edit(actor=actor, report=report, summary=data["summary"],
                                 conclusion=data["conclusion"], problems=data["problems"],
                                 none_found=data["none_found"])
        elif action == "submit":
            services.report_submit(actor=actor, report=report)
        elif action in ("accept", "return"):
            form = CommentForm(request.POST)
            form.is_valid()
            services.report_review(actor=actor, report=report,
                                   comment=form.cleaned_data.get("comment", ""),
                                   accept=action == "accept")
        elif action == "comment":
            form = CommentForm(request.POST)
            form.is_valid()
            services.report_comment(actor=actor, report=report,
                                    text=form.cleaned_data.get("comment", ""))
        elif action == "approve":
            services.report_approve(actor=actor, report=report)
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("findings:report_detail", pk=report.pk)


@allow(*CASE)
def report_docx_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    report = get_or_404(sel.reports_visible_to(user=request.user), pk)
    version = get_or_404(report.versions.all(), report.versions.filter(
        number=number).values_list("pk", flat=True).first() or 0)
    data = bytes(version.frozen_docx) if version.frozen_docx else documents.report_docx(version)
    return docx_response(data, f"report-{report.inspection.unit.code}-v{version.number}.docx")


# --- feedback ---------------------------------------------------------------------------------


@allow(Role.OFFICE, Role.TEAM)
@require_http_methods(["GET", "POST"])
def feedback_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    today = timezone.localdate()
    form = FeedbackForm(request.POST or None, initial={
        "principal_meeting_on": today, "team_meeting_on": today, "feedback_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.feedback_record(actor=request.user, inspection=inspection,
                                                data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            plan_due, report_due = services.rectification_due_dates(feedback.inspection)
            messages.success(request, _("Feedback recorded. The rectification plan is due on "
                                        "%(plan)s and the rectification report on %(report)s.")
                             % {"plan": plan_due, "report": report_due})
            return redirect("findings:feedback_detail", pk=feedback.pk)
    return render(request, "findings/form.html", {
        "form": form, "title": _("Record the feedback"), "back": _back(inspection.pk)})


@allow(*CASE, Role.LIAISON)
def feedback_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_or_404(sel.feedback_visible_to(user=request.user).select_related(
        "inspection__unit", "inspection__team", "inspection__committee", "recorded_by"), pk)
    plan_due, report_due = services.rectification_due_dates(feedback.inspection)
    return render(request, "findings/feedback_detail.html", {
        "feedback": feedback,
        "problems": feedback.problems.select_related("category").order_by("sequence"),
        "plan_due": plan_due, "report_due": report_due})


@allow(*CASE, Role.LIAISON)
def feedback_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_or_404(sel.feedback_visible_to(user=request.user).select_related(
        "inspection__unit", "inspection__team", "inspection__committee"), pk)
    return docx_response(documents.feedback_docx(feedback),
                         f"feedback-{feedback.inspection.unit.code}.docx")
