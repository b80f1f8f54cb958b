"""Staff pages for petitions, and the citizen's reporting and receipt pages."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.inspections import clocks
from xuncha.inspections.selectors import inspection_by_public_code, inspections_visible_to
from xuncha.lib.errors import DomainError, Forbidden, NotFound
from xuncha.lib.importing import discard_staged, load_staged, stage_upload, staged_cancel
from xuncha.lib.tabular import read_table, write_xlsx
from xuncha.web.access import allow_if, public, signed_in
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import keyset_paginate
from xuncha.web.responses import xlsx_response

from . import assignment, duplicates, identity, intake, openings, receipts, triage
from . import files as petition_files
from . import public as guard
from . import selectors as sel
from .access import (
    access_attachment,
    access_own_reveal_request,
    access_petition,
    access_petition_page,
    access_reveal_request_to_decide,
    assignment_choices,
    can_answer_transfer,
    can_assign_petition,
    can_decide_reveal_request,
    can_handle,
    can_open_petitions,
    can_open_reveal_decisions,
    can_triage,
    intake_choices,
    is_identity_custodian,
    petitions_handled_by,
    takes_in_by_inspection,
)
from .forms import (
    AcceptForm,
    AddInfoForm,
    AnswerForm,
    AssignForm,
    DecisionForm,
    DuplicateForm,
    FileForm,
    ImportUploadForm,
    IntakeForm,
    PetitionFilter,
    PublicReportForm,
    ReasonForm,
    ReceiptForm,
    TextForm,
    TransferForm,
    subject_formset,
)
from .importers import PetitionImporter
from .models import Discipline, Petition, RevealStatus, Route, Status, TransferCategory

IMPORT_SESSION_KEY = "xuncha_petition_import"
R = TypeVar("R", bound=HttpResponseBase)
T = TypeVar("T")


def _no_store(response: R) -> R:
    response["Cache-Control"] = "no-store"
    return response


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", None))  # set by django_htmx's middleware


def _first_error(form: forms.Form) -> str:
    return str(next(iter(form.errors.values()))[0])


# --- staff: list, intake ------------------------------------------------------------------------


@allow_if(can_open_petitions)
def petition_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """Filters, search and keyset pages (newest first; cheap at any depth)."""
    inspections = inspections_visible_to(user=request.user).select_related(
        "unit", "team__round__committee")
    filters = PetitionFilter(request.GET or None, inspections=inspections)
    qs = sel.petitions_filter(sel.petitions_visible_to(user=request.user), **filters.criteria())
    page = keyset_paginate(request, qs.select_related("inspection__unit", "unit"),
                           time_field="received_at")
    template = "petitions/_rows.html" if _is_htmx(request) else "petitions/list.html"
    return render(request, template, {"filters": filters, "page": page, "flagged": (
        sel.rows_with_visible_duplicates((p for p in page if p.status == Status.NEW),
                                         user=request.user))})


@allow_if(can_open_petitions)
@require_http_methods(["GET", "POST"])
def intake_view(request: AuthedHttpRequest) -> HttpResponse:
    """Record a petition from the phone line, SMS, a letter, a visit, e-mail or a box."""
    user = request.user
    inspections, units = intake_choices(user=user)
    initial: dict[str, Any] = {"received_at": timezone.localtime().replace(second=0,
                                                                           microsecond=0)}
    chosen = request.GET.get("inspection", "")
    if chosen.isdigit():
        initial["inspection"] = inspections.filter(pk=int(chosen)).first()
    elif takes_in_by_inspection(user=user):
        initial["inspection"] = inspections.filter(status__in=intake.OPEN_FOR_INTAKE).first()
    form = IntakeForm(request.POST or None, request.FILES or None, inspections=inspections,
                      units=units, initial=initial)
    subjects = subject_formset(request.POST or None, units=units)
    if request.method == "POST" and all([form.is_valid(), subjects.is_valid()]):
        data = form.cleaned_data
        try:
            cleaned = petition_files.clean_uploads(data["attachments"])
            petition = intake.petition_intake(
                actor=user, committee=user.committee, channel=data["channel"],
                content=data["content"], unit=data["unit"], inspection=data["inspection"],
                subjects=subjects.subjects(), reporter=form.reporter(),
                box_location=data["box_location"], received_at=data["received_at"],
                files=cleaned)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if not can_handle(user=user, petition=petition):
                # A team member's petition that left the team's queue (received after the
                # deadline): say where it went, on a page they may open.
                messages.warning(request, _left_the_queue(petition))
                return redirect("petitions:list")
            messages.success(request, _("Petition #%(n)d recorded: %(route)s.")
                             % {"n": petition.pk, "route": petition.get_route_display()})
            resembles = sel.visible_duplicate_candidates(petition, user=user)
            if resembles:
                messages.warning(request, _("It resembles %(n)d earlier petition(s): see "
                                            "“Possible duplicates” on its page.")
                                 % {"n": len(resembles)})
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/intake.html", {"form": form, "subjects": subjects})


def _left_the_queue(petition: Petition) -> str:
    """Where a petition its recorder no longer sees went, and why."""
    received = timezone.localtime(petition.received_at).date()
    if petition.route == Route.LATE and petition.inspection is not None:
        return _("Petition #%(n)d was recorded, but it is no longer in your queue: it was "
                 "received on %(received)s, after the intake deadline of %(inspection)s "
                 "(%(deadline)s), so it went to the regular petition office's queue "
                 "(%(route)s). The inspection office follows it up; ask the office if the "
                 "team should see it.") % {
            "n": petition.pk, "received": received.isoformat(),
            "inspection": petition.inspection,
            "deadline": petition.inspection.petition_deadline.isoformat(),
            "route": petition.get_route_display()}
    return _("Petition #%(n)d was recorded, but it is no longer in your queue: it went to "
             "%(route)s. Ask the inspection office if the team should see it.") % {
        "n": petition.pk, "route": petition.get_route_display()}


# --- staff: one petition -----------------------------------------------------------------------


def _possible_duplicates(request: AuthedHttpRequest, petition: Petition
                         ) -> list[tuple[Petition, float]]:
    """Found at intake, and looked up again in triage (later arrivals count too)."""
    found = {d["id"]: d["ratio"] for d in petition.possible_duplicates}
    if petition.status == Status.NEW:
        for d in duplicates.find_duplicates(petition):
            found.setdefault(d["id"], d["ratio"])
    found.pop(petition.duplicate_of_id, None)
    if not found:
        return []
    rows = sel.petitions_visible_to(user=request.user).filter(pk__in=found).exclude(
        duplicate_of=petition).select_related("inspection__unit")
    return sorted(((p, found[p.pk]) for p in rows), key=lambda pair: (-pair[1], pair[0].pk))


def _detail_page(request: AuthedHttpRequest, petition: Petition, *,
                 bound: dict[str, forms.Form] | None = None, status: int = 200) -> HttpResponse:
    """The petition's page; ``bound`` replaces the named action forms by the ones just
    posted, which show their errors (then with ``status`` 400)."""
    user = request.user
    handles = can_handle(user=user, petition=petition)
    suggestion = triage.suggestion_for(petition)
    transfer = getattr(petition, "transfer", None)
    today = timezone.localdate()
    transfer_light = None
    if transfer is not None:
        transfer_light = clocks.light(due=transfer.due_on, today=today,
                                      done=transfer.answered_on is not None,
                                      calendar=clocks.calendar_for(petition.committee_id))
    labels = dict(Discipline.choices) | dict(TransferCategory.choices)
    version = {"version": petition.version}
    is_new = petition.status == Status.NEW
    suggested = suggestion.get("category") or ""
    visible = sel.petitions_visible_to(user=user)
    # One page, several forms: distinct element ids (auto_id), the same field names.
    action_forms: dict[str, forms.Form] = {
        "accept_form": AcceptForm(auto_id="accept-%s", initial=version | {
            "category": suggested if suggestion.get("kind") == "discipline" else None}),
        "transfer_form": TransferForm(auto_id="transfer-%s", initial=version | {
            "transfer_category": suggested if suggestion.get("kind") == "transfer" else None}),
        "file_form": FileForm(auto_id="file-%s", initial=version),
        "duplicate_form": DuplicateForm(auto_id="duplicate-%s", initial=version),
        "ask_form": TextForm(auto_id="ask-%s"), "reason_form": ReasonForm(auto_id="reveal-%s"),
        "answer_form": AnswerForm(auto_id="answer-%s", initial={"answered_on": today}),
    } | (bound or {})
    can_assign = can_assign_petition(user=user, petition=petition)
    if can_assign and "assign_form" not in action_forms:
        action_forms["assign_form"] = AssignForm(
            auto_id="assign-%s", inspections=assignment_choices(user=user, petition=petition),
            initial=version | {"inspection": petition.inspection_id})
    return render(request, "petitions/detail.html", {
        "petition": petition,
        "subjects": petition.subjects.select_related("unit"),
        "thread": petition.messages.select_related("author").prefetch_related(
            "attachments"),
        "attachments": petition.attachments.filter(message__isnull=True),
        "original": visible.filter(pk=petition.duplicate_of_id).first()
        if petition.duplicate_of_id else None,
        "duplicates": visible.filter(duplicate_of=petition).order_by("received_at", "pk"),
        "possible": _possible_duplicates(request, petition) if handles or not is_new else [],
        "suggestion": suggestion, "suggestion_label": labels.get(suggested, ""),
        "transfer": transfer, "transfer_light": transfer_light,
        "can_handle": handles, "is_new": is_new, "can_assign": can_assign,
        "can_triage": can_triage(user=user, petition=petition),
        "can_answer_transfer": can_answer_transfer(user=user, petition=petition),
        "late_needed": is_new and triage.received_after_deadline(petition)
        and not petition.late,
        **action_forms,
        "my_reveals": sel.reveal_requests_by(user=user).filter(petition=petition),
        "now": timezone.now(), "Status": Status, "RevealStatus": RevealStatus}, status=status)


@signed_in
def petition_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Everything about one petition, and what the handler can do with it. Anyone but the
    committee's office and the inspection's team gets the 404 of a missing petition."""
    petition = access_petition_page(user=request.user, pk=pk)
    openings.petition_opened(actor=request.user, petition=petition, via="page")
    return _detail_page(request, petition)


def _step(request: AuthedHttpRequest, petition: Petition, call: Callable[[dict[str, Any]], T],
          *, success: str | Callable[[T], str], **posted: forms.Form) -> HttpResponse:
    """One step on a petition, posted from its page.

    The step's form, ``posted`` under its name in the page's context, must be valid: else
    the petition's page comes back (400) with it, showing its errors, and nothing changes.
    ``call``, one service, gets the cleaned data; its refusal, or ``success`` (a text, or
    one made from what the service returned), is the message on the petition's page, or on
    the list when the petition left the user's queue.
    """
    data: dict[str, Any] = {}
    for form in posted.values():  # the one form of the step, when it has one
        if not form.is_valid():
            page = access_petition_page(user=request.user, pk=petition.pk)
            return _detail_page(request, page, bound=posted, status=400)
        data = form.cleaned_data
    try:
        result = call(data)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, success if isinstance(success, str) else success(result))
    if petitions_handled_by(user=request.user).filter(pk=petition.pk).exists():
        return redirect("petitions:detail", pk=petition.pk)
    return redirect("petitions:list")


@signed_in
@require_POST
def petition_accept_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: triage.petition_accept(
        actor=request.user, petition=petition, category=d["category"], note=d["note"],
        version=d["version"]),
        success=_("Accepted."), accept_form=AcceptForm(request.POST, auto_id="accept-%s"))


@signed_in
@require_POST
def petition_transfer_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: triage.petition_transfer(
        actor=request.user, petition=petition, category=d["transfer_category"],
        department=d["department"], note=d["note"], version=d["version"]),
        success=lambda transferred: _("Transferred to %(dept)s; the answer is due on %(due)s.")
        % {"dept": transferred.transfer.department, "due": transferred.transfer.due_on},
        transfer_form=TransferForm(request.POST, auto_id="transfer-%s"))


@signed_in
@require_POST
def petition_file_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: triage.petition_file(
        actor=request.user, petition=petition, note=d["note"], version=d["version"]),
        success=_("Filed."), file_form=FileForm(request.POST, auto_id="file-%s"))


@signed_in
@require_POST
def petition_duplicate_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: duplicates.petition_mark_duplicate(
        actor=request.user, petition=petition,
        original=access_petition(user=request.user, pk=d["original"]), note=d["note"],
        version=d["version"]),
        success=lambda linked: _("Linked as a duplicate of #%(n)d.")
        % {"n": linked.duplicate_of_id},
        duplicate_form=DuplicateForm(request.POST, auto_id="duplicate-%s"))


@signed_in
@require_POST
def petition_assign_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The office puts a petition in an inspection's queue (or moves it to another's)."""
    petition = access_petition(user=request.user, pk=pk)
    if not can_assign_petition(user=request.user, petition=petition):
        raise Forbidden(_("Only the inspection office assigns petitions to inspections."))
    return _step(request, petition, lambda d: assignment.petition_assign(
        actor=request.user, petition=petition, inspection=d["inspection"], reason=d["reason"],
        version=d["version"]),
        success=lambda assigned: _("Assigned: the petition is now in %(route)s of %(name)s.")
        % {"route": assigned.get_route_display(), "name": assigned.inspection},
        assign_form=AssignForm(request.POST, auto_id="assign-%s", inspections=(
            assignment_choices(user=request.user, petition=petition))))


@signed_in
@require_POST
def petition_mark_late_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: triage.petition_mark_late(
        actor=request.user, petition=petition),
        success=_("Marked late: it is now in the regular petition office's queue."))


@signed_in
@require_POST
def petition_ask_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: triage.petition_ask(
        actor=request.user, petition=petition, text=d["text"]),
        success=_("The reporter will see the question when they check with their receipt."),
        ask_form=TextForm(request.POST, auto_id="ask-%s"))


@signed_in
@require_POST
def transfer_answer_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: triage.transfer_answer(
        actor=request.user, petition=petition, answer=d["answer"],
        answered_on=d["answered_on"]),
        success=_("The department's answer was recorded."),
        answer_form=AnswerForm(request.POST, auto_id="answer-%s"))


@signed_in
@require_POST
def reveal_request_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    petition = access_petition(user=request.user, pk=pk)
    return _step(request, petition, lambda d: identity.reveal_request(
        actor=request.user, petition=petition, reason=d["reason"]),
        success=_("Your request goes to an identity custodian."),
        reason_form=ReasonForm(request.POST, auto_id="reveal-%s"))


@signed_in
def attachment_view(request: AuthedHttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """Downloads only through here, for those who see the petition (MEDIA is not served)."""
    row = access_attachment(user=request.user, pk=pk, file_pk=file_pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    openings.attachment_opened(actor=request.user, attachment=row, via="page")
    response = FileResponse(handle, as_attachment=True, filename=row.name,
                            content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


# --- identity reveal ------------------------------------------------------------------------------


def _reveal_list_page(request: AuthedHttpRequest, status: int = 200) -> HttpResponse:
    user = request.user
    requests = (sel.reveal_requests_for(user=user)
                .select_related("petition", "requested_by", "decided_by")
                .order_by("-created_at"))
    pending = list(requests.filter(status=RevealStatus.PENDING)[:200])
    decided = list(requests.exclude(status=RevealStatus.PENDING)[:100])
    return render(request, "petitions/reveal_list.html", {
        "pending": pending, "decided": decided, "decision_form": DecisionForm(),
        "decides_requests": is_identity_custodian(user=user),
        "decidable": {r.pk for r in pending if can_decide_reveal_request(user=user, reveal=r)},
        "now": timezone.now()}, status=status)


@allow_if(can_open_petitions)
def reveal_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """Custodians: the committee's requests, pending first, to decide. Others: their own."""
    return _reveal_list_page(request)


def _decide(request: AuthedHttpRequest, call: Callable[[dict[str, Any]], object], *,
            decision_form: DecisionForm) -> HttpResponse:
    """A custodian's decision on a reveal request, posted from the requests page and
    answered there: an invalid form brings the page back (400) with its first error as the
    message; else ``call``, one service, gets the note, and its refusal or "recorded" is the
    message."""
    if not decision_form.is_valid():
        messages.error(request, _first_error(decision_form))
        return _reveal_list_page(request, status=400)
    try:
        call(decision_form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("petitions:reveal_list")


@allow_if(can_open_reveal_decisions)
@require_POST
def reveal_approve_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reveal = access_reveal_request_to_decide(user=request.user, pk=pk)
    return _decide(request, lambda d: identity.reveal_decide(
        actor=request.user, request=reveal, approve=True, note=d["note"]),
        decision_form=DecisionForm(request.POST))


@allow_if(can_open_reveal_decisions)
@require_POST
def reveal_refuse_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reveal = access_reveal_request_to_decide(user=request.user, pk=pk)
    return _decide(request, lambda d: identity.reveal_decide(
        actor=request.user, request=reveal, approve=False, note=d["note"]),
        decision_form=DecisionForm(request.POST))


@allow_if(can_open_petitions)
@require_POST
def reveal_show_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The identity, decrypted for the requester of an approved request (an audit event
    each time; a POST so that no prefetch or history reload shows it by accident)."""
    reveal = access_own_reveal_request(user=request.user, pk=pk)
    try:
        reporter = identity.reveal_identity(actor=request.user, request=reveal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("petitions:reveal_list")
    return _no_store(render(request, "petitions/identity.html", {
        "reveal": reveal, "identity": reporter}))


# --- batch entry ------------------------------------------------------------------------------------


@allow_if(can_open_petitions)
@require_http_methods(["GET", "POST"])
def import_view(request: AuthedHttpRequest) -> HttpResponse:
    """Upload → preview with row errors → confirm: all rows recorded, or none."""
    importer = PetitionImporter(actor=request.user)
    form = ImportUploadForm()
    preview = None
    user_id = request.user.pk
    if request.method == "POST" and request.POST.get("step") == "cancel":
        staged_cancel(session=request.session, key=IMPORT_SESSION_KEY, user_id=user_id)
        messages.success(request, _("The upload was discarded; nothing was imported."))
        return redirect("petitions:import")
    if request.method == "POST" and request.POST.get("step") == "commit":
        token = request.session.get(IMPORT_SESSION_KEY, "")
        try:
            count = importer.commit(load_staged(user_id=user_id, token=token))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            discard_staged(user_id=user_id, token=token)
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(request, _("%(count)d petition(s) recorded.") % {"count": count})
            return redirect("petitions:list")
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
                old = request.session.get(IMPORT_SESSION_KEY)
                if old:
                    discard_staged(user_id=user_id, token=old)
                request.session[IMPORT_SESSION_KEY] = stage_upload(
                    user_id=user_id, name=upload.name, data=data)
    return render(request, "petitions/import.html", {"form": form, "preview": preview,
                                                     "columns": importer.columns})


@allow_if(can_open_petitions)
def import_template_view(request: AuthedHttpRequest) -> HttpResponse:
    headers = [c.labels[0] for c in PetitionImporter.columns]
    example = [["来信", "2026-11-02 09:30", "JZ-LJ-DH-JYJ", "", "张某某", "科长", "东湖区教育局",
                "反映其在学校食堂承包中收受供应商好处费，并为亲属经营的公司提供便利。", "否", "", ""],
               ["意见箱", "2026-11-03", "JZ-LJ-DH-JYJ", "教育局一楼大厅", "", "", "",
                "反映局机关个别干部上班时间长期脱岗，群众办事推诿扯皮。", "是", "李某", "13900000000"]]
    return xlsx_response(write_xlsx(title=_("Petitions"), headers=headers, rows=example),
                         "xuncha-petitions-template.xlsx")


# --- the public: report, receipt ------------------------------------------------------------------


def _pretty(receipt: str) -> str:
    return " ".join(receipt[i:i + 4] for i in range(0, 16, 4))


@public
@never_cache
@require_http_methods(["GET", "POST"])
def public_report_view(request: HttpRequest, code: str) -> HttpResponse:
    """The target's reporting page, opened from the QR code on its notice. Anonymous by
    default; on success the 16-digit receipt is shown once and never again."""
    inspection = inspection_by_public_code(code)
    form = PublicReportForm(request.POST or None, request.FILES or None)
    subjects = subject_formset(request.POST or None, public=True)
    status = 200
    if request.method == "POST" and all([form.is_valid(), subjects.is_valid()]):
        data = form.cleaned_data
        try:
            cleaned = petition_files.clean_uploads(data["attachments"])
            _petition, receipt = intake.petition_submit_public(
                inspection=inspection, content=data["content"], subjects=subjects.subjects(),
                reporter=None if data["anonymous"] else form.reporter(), files=cleaned,
                admit=lambda: guard.admit(request, target=inspection.public_code,
                                          challenge=data.get("pow_challenge", ""),
                                          nonce=data.get("pow_nonce", "")))
        except DomainError as exc:
            add_domain_error(form, exc)
            if exc.code in ("rate_limited", "pow_required"):
                status = 429
        else:
            return _no_store(render(request, "petitions/public_receipt.html", {
                "inspection": inspection, "receipt": receipt,
                "receipt_pretty": _pretty(receipt)}))
    elif request.method == "POST":
        status = 400
    return render(request, "petitions/public_report.html", {
        "inspection": inspection, "form": form, "subjects": subjects,
        "intake_state": inspection.intake_state(timezone.localdate()),
        "challenge": guard.challenge_for(request, inspection.public_code),
        "challenge_url": reverse("api:public_challenge") + f"?target={inspection.public_code}"},
        status=status)


def _status_page(request: HttpRequest, petition: Petition, receipt: str,
                 add_form: AddInfoForm | None = None, status: int = 200) -> HttpResponse:
    return _no_store(render(request, "petitions/public_status.html", {
        "petition": petition, "status": receipts.public_status(petition),
        "thread": receipts.public_thread(petition),
        "add_form": add_form or AddInfoForm(initial={"receipt": receipt})}, status=status))


def _lookup_page(request: HttpRequest, form: ReceiptForm, status: int = 200,
                 error: str = "") -> HttpResponse:
    return _no_store(render(request, "petitions/public_lookup.html", {"form": form,
                                                                       "error": error},
                            status=status))


def _miss() -> str:
    """The one answer for a wrong, malformed or unknown receipt."""
    return _("No report matches this receipt number. A receipt has 16 digits; check it and "
             "try again.")


@public
@never_cache
@require_http_methods(["GET", "POST"])
def public_receipt_view(request: HttpRequest) -> HttpResponse:
    """Look a report up by its receipt. The receipt travels only in POST bodies."""
    if request.method != "POST":
        return _lookup_page(request, ReceiptForm())
    form = ReceiptForm(request.POST)
    if not form.is_valid():  # longer than anything sensible: the same answer as a miss
        return _lookup_page(request, ReceiptForm(), status=404, error=_miss())
    try:
        guard.admit_lookup(request)
    except DomainError as exc:
        return _lookup_page(request, ReceiptForm(), status=429, error=exc.message)
    petition = receipts.petition_by_receipt(form.cleaned_data["receipt"])
    if petition is None:
        # The typed value is not echoed: every miss renders the same page.
        return _lookup_page(request, ReceiptForm(), status=404, error=_miss())
    return _status_page(request, petition, receipts.normalize_receipt(
        form.cleaned_data["receipt"]) or "")


@public
@never_cache
@require_POST
def public_add_view(request: HttpRequest) -> HttpResponse:
    """The reporter adds information or answers a question (receipt in the POST body)."""
    form = AddInfoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _lookup_page(request, ReceiptForm(), status=400, error=_miss())
    try:
        guard.admit_lookup(request)
    except DomainError as exc:
        return _lookup_page(request, ReceiptForm(), status=429, error=exc.message)
    receipt = form.cleaned_data["receipt"]
    petition = receipts.petition_by_receipt(receipt)
    if petition is None:
        return _lookup_page(request, ReceiptForm(), status=404, error=_miss())
    try:
        cleaned = petition_files.clean_uploads(form.cleaned_data["attachments"])
        intake.reporter_add(petition=petition, text=form.cleaned_data["text"], files=cleaned)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _status_page(request, petition, receipt, add_form=form, status=400)
    return _status_page(request, petition, receipt)
