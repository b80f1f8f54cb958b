"""Pages of the rectification loop, for both sides, and the public notices."""

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.access import is_office_of
from xuncha.accounts.roles import Role
from xuncha.findings.services import rectification_due_dates
from xuncha.inspections import clocks
from xuncha.inspections.access import is_liaison_of
from xuncha.inspections.models import InspectionStatus
from xuncha.lib.errors import DomainError
from xuncha.lib.importing import discard_staged, load_staged, stage_upload
from xuncha.lib.lookup import get_or_404
from xuncha.lib.tabular import read_table, write_xlsx
from xuncha.web.access import allow, public, signed_in
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import xlsx_response

from . import selectors as sel
from . import services
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
)
from .importers import LEDGER_HEADERS, LedgerProgressImporter
from .models import (
    MeasureStatus,
    Notification,
    Phase,
    Plan,
    PlanStatus,
    PlanVersion,
    ReportState,
)

READERS = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.LIAISON, Role.RECEIVER)


def _inspection(request, pk):
    return get_or_404(sel.rectification_inspections(user=request.user).select_related(
        "unit", "team__round__committee", "committee", "feedback"), pk)


def _version(request) -> int | None:
    value = request.POST.get("version")
    return int(value) if value and value.isdigit() else None


def _ledger_rows(inspection, today, policy):
    measures = list(inspection.measures.select_related("problem", "done_by", "closed_by")
                    .annotate(evidence_count=Count("evidence")).order_by("number"))
    for m in measures:
        m.light = clocks.measure_light(due=m.deadline, today=today,
                                       done=m.status in (MeasureStatus.CLOSED,),
                                       green_days=policy.measure_green_days,
                                       yellow_days=policy.measure_yellow_days)
    return measures


@allow(*READERS)
def overview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything of one inspected unit's rectification on one page."""
    inspection = _inspection(request, pk)
    user = request.user
    today = timezone.localdate()
    policy = clocks.policy_for(inspection.committee)
    plan = Plan.objects.filter(inspection=inspection).first()
    versions = list(plan.versions.prefetch_related(
        Prefetch("reviews")).order_by("-number")) if plan else []
    plan_due, report_due = rectification_due_dates(inspection)
    problems = inspection.feedback.problems.select_related("category").order_by("sequence")
    measures = _ledger_rows(inspection, today, policy)
    reports = list(inspection.rectification_reports.select_related("reviewed_by"))
    total, done = services.completion(inspection)
    side = services.review_side(user, inspection)
    current = versions[0] if versions else None
    reviewed_sides = {r.side for r in current.reviews.all()} if current else set()
    is_liaison = is_liaison_of(user=user, inspection=inspection)
    closed = inspection.measures.filter(status=MeasureStatus.CLOSED)
    return render(request, "rectification/overview.html", {
        "inspection": inspection, "plan": plan, "versions": versions, "current": current,
        "plan_due": plan_due, "report_due": report_due, "problems": problems,
        "measures": measures, "reports": reports, "total": total, "done": done,
        "rate": round(100 * done / total, 2) if total else None,
        "is_liaison": is_liaison, "is_office": is_office_of(user=user, committee_id=inspection.committee_id),
        "side": side, "can_review": side is not None and plan is not None
        and plan.status == PlanStatus.SUBMITTED and side not in reviewed_sides,
        "can_verify": services.can_verify(user, inspection),
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
        "PlanStatus": PlanStatus, "Status": InspectionStatus, "ReportState": ReportState,
        "plan_overdue": (not plan or plan.status == PlanStatus.DRAFT) and today > plan_due,
        "report_light": clocks.light(due=report_due, today=today, done=any(
            r.state == ReportState.ACCEPTED for r in reports)),
        "plan_light": clocks.light(due=plan_due, today=today, done=bool(versions)),
    })


@allow(Role.LIAISON, Role.OFFICE, Role.RECEIVER)
@require_POST
def action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inspection = _inspection(request, pk)
    actor = request.user
    plan = Plan.objects.filter(inspection=inspection).first()
    try:
        if action == "plan-submit":
            form = PlanForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(_("Write the plan."))
            data = form.cleaned_data
            services.plan_submit(actor=actor, inspection=inspection, text=data["text"],
                                 principal_name=data["principal_name"],
                                 principal_email=data["principal_email"],
                                 file=data.get("file"))
            messages.success(request, _("The plan was submitted for review."))
        elif action == "plan-review":
            if plan is None:
                raise DomainError(_("There is no plan yet."))
            form = PlanReviewForm(request.POST)
            form.is_valid()
            services.plan_review(actor=actor, plan=plan, complete=form.cleaned_data["complete"],
                                 feasible=form.cleaned_data["feasible"],
                                 comment=form.cleaned_data["comment"])
            messages.success(request, _("Your review was recorded."))
        elif action in ("plan-approve", "plan-return"):
            if plan is None:
                raise DomainError(_("There is no plan yet."))
            form = DecisionForm(request.POST)
            form.is_valid()
            services.plan_decide(actor=actor, plan=plan, approve=action == "plan-approve",
                                 note=form.cleaned_data["note"])
            messages.success(request, _("The plan was approved.") if action == "plan-approve"
                             else _("The plan was returned to the unit."))
        elif action == "measure-add":
            form = MeasureForm(request.POST, problems=inspection.feedback.problems.all())
            if not form.is_valid():
                raise DomainError(" ".join(e for errs in form.errors.values() for e in errs))
            services.measure_add(actor=actor, inspection=inspection,
                                 problem=form.cleaned_data["problem"], data=form.cleaned_data)
            messages.success(request, _("The measure was added to the ledger."))
        elif action == "report-submit":
            form = RectReportForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Both reports are required."))
            services.report_submit(actor=actor, inspection=inspection,
                                   text=form.cleaned_data["text"],
                                   principal_text=form.cleaned_data["principal_text"])
            messages.success(request, _("The rectification report was submitted."))
        elif action in ("report-accept", "report-return"):
            report = inspection.rectification_reports.order_by("-number").first()
            if report is None:
                raise DomainError(_("No report was submitted."))
            form = RectReviewForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Answer both review questions."))
            services.report_review(
                actor=actor, report=report, accept=action == "report-accept",
                grade=form.cleaned_data["grade"],
                main_problems_solved=form.cleaned_data["main_problems_solved"],
                transfers_handled=form.cleaned_data["transfers_handled"],
                note=form.cleaned_data["note"])
            messages.success(request, _("The review was recorded."))
        elif action == "notice":
            form = NoticeForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Give the notice a title and a text."))
            notice = services.notice_publish(actor=actor, inspection=inspection,
                                             title=form.cleaned_data["title"],
                                             body=form.cleaned_data["body"])
            messages.success(request, _("Published: %(done)d of %(total)d done (%(rate)s%%).")
                             % {"done": notice.done, "total": notice.total,
                                "rate": f"{notice.rate:.2f}"})
        elif action == "follow-up":
            form = FollowUpForm(request.POST, closed=inspection.measures.filter(
                status=MeasureStatus.CLOSED))
            if not form.is_valid():
                raise DomainError(" ".join(e for errs in form.errors.values() for e in errs))
            data = form.cleaned_data
            services.follow_up_record(actor=actor, inspection=inspection, kind=data["kind"],
                                      held_on=data["held_on"], findings=data["findings"],
                                      conclusion=data["conclusion"], reopen=data["reopen"],
                                      reopen_note=data["reopen_note"])
            messages.success(request, _("The follow-up was recorded."))
        elif action == "accountability":
            form = AccountabilityForm(request.POST, measures=inspection.measures.all())
            if not form.is_valid():
                raise DomainError(" ".join(e for errs in form.errors.values() for e in errs))
            services.accountability_record(actor=actor, inspection=inspection,
                                           data=form.cleaned_data,
                                           measures=form.cleaned_data["measures"])
            messages.success(request, _("Accountability was recorded."))
        elif action == "close":
            services.inspection_close(actor=actor, inspection=inspection)
            messages.success(request, _("The inspection is closed."))
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("rectification:overview", pk=inspection.pk)


@allow(*READERS)
def plan_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_or_404(PlanVersion.objects.filter(
        plan__in=sel.plans_visible_to(user=request.user)), pk)
    if not version.file:
        raise Http404
    return FileResponse(version.file.open("rb"), as_attachment=True,
                        filename=version.file_name or "plan")


# --- measures ----------------------------------------------------------------------------------


@allow(*READERS)
def measure_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_or_404(sel.measures_visible_to(user=request.user).select_related(
        "inspection__unit", "inspection__committee", "problem", "done_by", "closed_by"), pk)
    user = request.user
    inspection = measure.inspection
    policy = clocks.policy_for(inspection.committee)
    today = timezone.localdate()
    return render(request, "rectification/measure_detail.html", {
        "measure": measure, "progress": measure.progress.select_related("author"),
        "evidence": measure.evidence.select_related("uploaded_by"),
        "alerts": measure.alerts.order_by("sent_at"),
        "accountabilities": measure.accountabilities.all(),
        "light": clocks.measure_light(due=measure.deadline, today=today,
                                      done=measure.status == MeasureStatus.CLOSED,
                                      green_days=policy.measure_green_days,
                                      yellow_days=policy.measure_yellow_days),
        "is_liaison": is_liaison_of(user=user, inspection=inspection),
        "can_verify": services.can_verify(user, inspection) and measure.done_by_id != user.pk,
        "is_office": is_office_of(user=user, committee_id=inspection.committee_id),
        "progress_form": ProgressForm(initial={"version": measure.version}),
        "verify_form": VerifyForm(initial={"version": measure.version}),
        "evidence_form": EvidenceForm(), "Status": MeasureStatus})


@allow(Role.LIAISON)
@require_http_methods(["GET", "POST"])
def measure_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_or_404(sel.measures_visible_to(user=request.user), pk)
    form = MeasureForm(request.POST or None, problems=measure.inspection.feedback.problems.all(),
                       initial=MeasureForm.initial_for(measure))
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(actor=request.user, measure=measure, data=form.cleaned_data,
                                    version=form.cleaned_data.get("version"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect("rectification:measure_detail", pk=measure.pk)
    return render(request, "rectification/form.html", {
        "form": form, "title": _("Edit measure %(n)d") % {"n": measure.number},
        "back": reverse("rectification:measure_detail", args=[measure.pk])})


@allow(Role.LIAISON, Role.OFFICE, Role.RECEIVER)
@require_POST
def measure_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    measure = get_or_404(sel.measures_visible_to(user=request.user), pk)
    actor = request.user
    version = _version(request)
    try:
        if action == "progress":
            form = ProgressForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Describe the progress."))
            services.measure_progress(actor=actor, measure=measure,
                                      text=form.cleaned_data["text"], version=version)
        elif action == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(_("Choose a file."))
            services.measure_evidence_add(actor=actor, measure=measure,
                                          upload=form.cleaned_data["file"])
        elif action == "done":
            services.measure_mark_done(actor=actor, measure=measure, version=version)
        elif action in ("close", "return"):
            form = VerifyForm(request.POST)
            note = form.data.get("note", "")
            if action == "close":
                services.measure_close(actor=actor, measure=measure, note=note, version=version)
            else:
                services.measure_return(actor=actor, measure=measure, note=note, version=version)
        elif action in ("publish", "withhold"):
            services.measure_set_publish(actor=actor, measure=measure,
                                         publish=action == "publish")
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("rectification:measure_detail", pk=measure.pk)


@allow(*READERS)
def evidence_view(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    measure = get_or_404(sel.measures_visible_to(user=request.user), pk)
    row = get_or_404(measure.evidence.all(), file_pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@allow(Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER, Role.LIAISON, Role.TEAM)
def measure_list_view(request: HttpRequest) -> HttpResponse:
    """All measures in scope, filterable (e.g. every overdue measure): the dashboard drills
    down here."""
    filters = MeasureFilter(request.GET or None)
    criteria = filters.cleaned()
    qs = sel.measures_filter(sel.measures_visible_to(user=request.user), **criteria)
    if request.GET.get("committee", "").isdigit() and request.user.role == Role.OFFICE:
        qs = qs.filter(committee_id=int(request.GET["committee"]))
    qs = qs.select_related("inspection__unit", "problem").order_by("deadline", "pk")
    template = "rectification/_measure_rows.html" if request.htmx else (
        "rectification/measure_list.html")
    return render(request, template, {"filters": filters, "page": paginate(request, qs),
                                      "today": timezone.localdate()})


# --- the ledger in Excel ---------------------------------------------------------------------


@allow(*READERS)
def ledger_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
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


@allow(Role.LIAISON)
@require_http_methods(["GET", "POST"])
def ledger_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    importer = LedgerProgressImporter(actor=request.user, inspection=inspection)
    key = f"xuncha_ledger_import_{inspection.pk}"
    form = ImportUploadForm()
    preview = None
    if request.method == "POST" and request.POST.get("step") == "commit":
        token = request.session.get(key, "")
        try:
            count = importer.commit(load_staged(user_id=request.user.pk, token=token))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            discard_staged(user_id=request.user.pk, token=token)
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
                request.session[key] = stage_upload(user_id=request.user.pk, name=upload.name,
                                                    data=data)
    return render(request, "rectification/import.html", {
        "form": form, "preview": preview, "inspection": inspection,
        "columns": importer.columns})


# --- notifications ------------------------------------------------------------------------


@signed_in
def notifications_view(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=request.user)
    return render(request, "rectification/notifications.html", {
        "page": paginate(request, items.order_by("-created_at"))})


@signed_in
@require_POST
def notifications_read_view(request: HttpRequest) -> HttpResponse:
    sel.unread_notifications(user=request.user).update(read_at=timezone.now())
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
    return render(request, "rectification/public_notice_detail.html", {"notice": notice})
