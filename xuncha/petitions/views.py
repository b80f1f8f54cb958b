"""Staff pages for petitions, and the citizen's reporting and receipt pages."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.roles import Role
from xuncha.inspections import clocks
from xuncha.inspections.selectors import inspection_by_public_code, inspections_visible_to
from xuncha.lib.errors import DomainError
from xuncha.lib.importing import discard_staged, load_staged, stage_upload
from xuncha.lib.lookup import get_or_404
from xuncha.lib.tabular import read_table, write_xlsx
from xuncha.organizations.models import Unit
from xuncha.web.access import allow, public, signed_in
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import keyset_paginate
from xuncha.web.responses import xlsx_response

from . import files as petition_files
from . import public as guard
from . import selectors as sel
from . import services
from .forms import (
    AcceptForm,
    AddInfoForm,
    AnswerForm,
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
from .models import (
    Discipline,
    Petition,
    PetitionAttachment,
    PetitionMessage,
    RevealRequest,
    RevealStatus,
    Route,
    Status,
    TransferCategory,
)

HANDLERS = (Role.OFFICE, Role.TEAM)
IMPORT_SESSION_KEY = "xuncha_petition_import"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- staff: list, intake ------------------------------------------------------------------------


@allow(*HANDLERS)
def petition_list_view(request: HttpRequest) -> HttpResponse:
    """Filters, search and keyset pages (newest first; cheap at any depth)."""
    inspections = inspections_visible_to(user=request.user).select_related(
        "unit", "team__round__committee")
    filters = PetitionFilter(request.GET or None, inspections=inspections)
    qs = sel.petitions_filter(sel.petitions_visible_to(user=request.user), **filters.criteria())
    page = keyset_paginate(request, qs.select_related("inspection__unit", "unit"),
                           time_field="received_at")
    template = "petitions/_rows.html" if request.htmx else "petitions/list.html"
    return render(request, template, {"filters": filters, "page": page})


def _intake_choices(user):
    inspections = inspections_visible_to(user=user).select_related(
        "unit", "team__round__committee").order_by("-stationed_on", "pk")
    units = Unit.objects.filter(committee_id=user.committee_id,
                                archived_at__isnull=True).order_by("code")
    if user.role == Role.TEAM:
        units = units.filter(pk__in=inspections.values("unit_id"))
    return inspections, units


@allow(*HANDLERS)
@require_http_methods(["GET", "POST"])
def intake_view(request: HttpRequest) -> HttpResponse:
    """Record a petition from the phone line, SMS, a letter, a visit, e-mail or a box."""
    user = request.user
    inspections, units = _intake_choices(user)
    initial = {"received_at": timezone.localtime().replace(second=0, microsecond=0)}
    chosen = request.GET.get("inspection", "")
    if chosen.isdigit():
        initial["inspection"] = inspections.filter(pk=int(chosen)).first()
    elif user.role == Role.TEAM:
        initial["inspection"] = inspections.filter(
            status__in=services.OPEN_FOR_INTAKE).first()
    form = IntakeForm(request.POST or None, request.FILES or None, inspections=inspections,
                      units=units, initial=initial)
    subjects = subject_formset(request.POST or None, units=units)
    if request.method == "POST" and all([form.is_valid(), subjects.is_valid()]):
        data = form.cleaned_data
        try:
            cleaned = petition_files.clean_uploads(data["attachments"])
            petition = services.petition_intake(
                actor=user, committee=user.committee, channel=data["channel"],
                content=data["content"], unit=data["unit"], inspection=data["inspection"],
                subjects=subjects.subjects(), reporter=form.reporter(),
                box_location=data["box_location"], received_at=data["received_at"],
                files=cleaned)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Petition #%(n)d recorded: %(route)s.")
                             % {"n": petition.pk, "route": petition.get_route_display()})
            if petition.possible_duplicates:
                messages.warning(request, _("It resembles %(n)d earlier petition(s): see "
                                            "“Possible duplicates” on its page.")
                                 % {"n": len(petition.possible_duplicates)})
            if not sel.petitions_visible_to(user=user).filter(pk=petition.pk).exists():
                # e.g. a team member's late petition went to the regular petition office
                return redirect("petitions:list")
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/intake.html", {"form": form, "subjects": subjects})


# --- staff: one petition -----------------------------------------------------------------------


def _possible_duplicates(user, petition: Petition) -> list[tuple[Petition, float]]:
    """Found at intake, and looked up again in triage (later arrivals count too)."""
    found = {d["id"]: d["ratio"] for d in petition.possible_duplicates}
    if petition.status == Status.NEW:
        for d in services.find_duplicates(petition):
            found.setdefault(d["id"], d["ratio"])
    found.pop(petition.duplicate_of_id, None)
    if not found:
        return []
    rows = sel.petitions_visible_to(user=user).filter(pk__in=found).exclude(
        duplicate_of=petition).select_related("inspection__unit")
    return sorted(((p, found[p.pk]) for p in rows), key=lambda pair: (-pair[1], pair[0].pk))


@signed_in
def petition_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one petition, and what the handler can do with it. Anyone but the
    committee's office and the inspection's team gets the 404 of a missing petition."""
    user = request.user
    petition = sel.petition_for(user=user, pk=pk)
    can_handle = services.can_handle(user, petition)
    suggestion = services.suggestion_for(petition)
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
    return render(request, "petitions/detail.html", {
        "petition": petition,
        "subjects": petition.subjects.select_related("unit"),
        "thread": petition.messages.select_related("author").prefetch_related(
            "attachments"),
        "attachments": petition.attachments.filter(message__isnull=True),
        "original": visible.filter(pk=petition.duplicate_of_id).first()
        if petition.duplicate_of_id else None,
        "duplicates": visible.filter(duplicate_of=petition).order_by("received_at", "pk"),
        "possible": _possible_duplicates(user, petition) if can_handle or not is_new else [],
        "suggestion": suggestion, "suggestion_label": labels.get(suggested, ""),
        "transfer": transfer, "transfer_light": transfer_light,
        "can_handle": can_handle, "is_new": is_new,
        "late_needed": is_new and services.received_after_deadline(petition)
        and not petition.late,
        # One page, several forms: distinct element ids (auto_id), the same field names.
        "accept_form": AcceptForm(auto_id="accept-%s", initial=version | {
            "category": suggested if suggestion.get("kind") == "discipline" else None}),
        "transfer_form": TransferForm(auto_id="transfer-%s", initial=version | {
            "transfer_category": suggested if suggestion.get("kind") == "transfer" else None}),
        "file_form": FileForm(auto_id="file-%s", initial=version),
        "duplicate_form": DuplicateForm(auto_id="duplicate-%s", initial=version),
        "ask_form": TextForm(auto_id="ask-%s"), "reason_form": ReasonForm(auto_id="reveal-%s"),
        "answer_form": AnswerForm(auto_id="answer-%s", initial={"answered_on": today}),
        "my_reveals": RevealRequest.objects.filter(petition=petition, requested_by=user),
        "now": timezone.now(), "Status": Status, "RevealStatus": RevealStatus})


def _act(request: HttpRequest, petition: Petition, action: str) -> str:
    """Run one action from the detail page; returns the success message."""
    actor, post = request.user, request.POST

    def valid(form):
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            raise DomainError(first)
        return form.cleaned_data

    if action == "accept":
        data = valid(AcceptForm(post))
        services.petition_accept(actor=actor, petition=petition, category=data["category"],
                                 note=data["note"], version=data["version"])
        return _("Accepted.")
    if action == "transfer":
        data = valid(TransferForm(post))
        petition = services.petition_transfer(
            actor=actor, petition=petition, category=data["transfer_category"],
            department=data["department"], note=data["note"], version=data["version"])
        return _("Transferred to %(dept)s; the answer is due on %(due)s.") % {
            "dept": petition.transfer.department, "due": petition.transfer.due_on}
    if action == "file":
        data = valid(FileForm(post))
        services.petition_file(actor=actor, petition=petition, note=data["note"],
                               version=data["version"])
        return _("Filed.")
    if action == "duplicate":
        data = valid(DuplicateForm(post))
        original = get_or_404(sel.petitions_visible_to(user=actor), data["original"])
        petition = services.petition_mark_duplicate(actor=actor, petition=petition,
                                                    original=original, note=data["note"],
                                                    version=data["version"])
        return _("Linked as a duplicate of #%(n)d.") % {"n": petition.duplicate_of_id}
    if action == "late":
        services.petition_mark_late(actor=actor, petition=petition)
        return _("Marked late: it is now in the regular petition office's queue.")
    if action == "ask":
        data = valid(TextForm(post))
        services.petition_ask(actor=actor, petition=petition, text=data["text"])
        return _("The reporter will see the question when they check with their receipt.")
    if action == "answer":
        data = valid(AnswerForm(post))
        services.transfer_answer(actor=actor, petition=petition, answer=data["answer"],
                                 answered_on=data["answered_on"])
        return _("The department's answer was recorded.")
    if action == "reveal":
        data = valid(ReasonForm(post))
        services.reveal_request(actor=actor, petition=petition, reason=data["reason"])
        return _("Your request goes to an identity custodian.")
    raise DomainError(_("Unknown action."))


@signed_in
@require_POST
def petition_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    petition = get_or_404(sel.petitions_visible_to(user=request.user), pk)
    try:
        message = _act(request, petition, action)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    if sel.petitions_visible_to(user=request.user).filter(pk=petition.pk).exists():
        return redirect("petitions:detail", pk=petition.pk)
    return redirect("petitions:list")


@signed_in
def attachment_view(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """Downloads only through here, for those who see the petition (MEDIA is not served)."""
    petition = get_or_404(sel.petitions_visible_to(user=request.user), pk)
    row = get_or_404(PetitionAttachment.objects.filter(petition=petition), file_pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        from xuncha.lib.errors import NotFound

        raise NotFound() from None
    response = FileResponse(handle, as_attachment=True, filename=row.name,
                            content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


# --- identity reveal ------------------------------------------------------------------------------


@allow(*HANDLERS)
def reveal_list_view(request: HttpRequest) -> HttpResponse:
    """Custodians: the committee's requests, pending first, to decide. Others: their own."""
    user = request.user
    requests = (sel.reveal_requests_for(user=user)
                .select_related("petition", "requested_by", "decided_by")
                .order_by("-created_at"))
    pending = [r for r in requests.filter(status=RevealStatus.PENDING)[:200]]
    decided = list(requests.exclude(status=RevealStatus.PENDING)[:100])
    return render(request, "petitions/reveal_list.html", {
        "pending": pending, "decided": decided, "decision_form": DecisionForm(),
        "is_custodian": user.role == Role.OFFICE and user.is_custodian,
        "now": timezone.now()})


@allow(Role.OFFICE)
@require_POST
def reveal_decide_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    reveal = get_or_404(sel.reveal_requests_for_custodian(user=request.user), pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    if decision not in ("approve", "refuse"):
        messages.error(request, _("Unknown action."))
        return redirect("petitions:reveal_list")
    try:
        services.reveal_decide(actor=request.user, request=reveal,
                               approve=decision == "approve", note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("petitions:reveal_list")


@allow(*HANDLERS)
@require_POST
def reveal_show_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The identity, decrypted for the requester of an approved request (an audit event
    each time; a POST so that no prefetch or history reload shows it by accident)."""
    reveal = get_or_404(RevealRequest.objects.filter(requested_by=request.user), pk)
    try:
        identity = services.reveal_identity(actor=request.user, request=reveal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("petitions:reveal_list")
    return _no_store(render(request, "petitions/identity.html", {
        "reveal": reveal, "identity": identity}))


# --- batch entry ------------------------------------------------------------------------------------


@allow(*HANDLERS)
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload → preview with row errors → confirm: all rows recorded, or none."""
    importer = PetitionImporter(actor=request.user)
    form = ImportUploadForm()
    preview = None
    user_id = request.user.pk
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


@allow(*HANDLERS)
def import_template_view(request: HttpRequest) -> HttpResponse:
    headers = [c.labels[0] for c in PetitionImporter.columns]
    example = [["来信", "2026-11-02 09:30", "DH-JYJ", "", "张某某", "科长", "东湖区教育局",
                "反映其在学校食堂承包中收受供应商好处费，并为亲属经营的公司提供便利。", "否", "", ""],
               ["意见箱", "2026-11-03", "DH-JYJ", "教育局一楼大厅", "", "", "",
                "反映局机关个别干部上班时间长期脱岗，群众办事推诿扯皮。", "是", "李某", "13900000000"]]
    return xlsx_response(write_xlsx(title="petitions", headers=headers, rows=example),
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
            _petition, receipt = services.petition_submit_public(
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
        "intake_open": inspection.intake_open_on(timezone.localdate()),
        "challenge": guard.challenge_for(request, inspection.public_code),
        "challenge_url": reverse("api:public_challenge") + f"?target={inspection.public_code}"},
        status=status)


def _status_page(request: HttpRequest, petition: Petition, receipt: str, add_form=None,
                 status: int = 200) -> HttpResponse:
    return _no_store(render(request, "petitions/public_status.html", {
        "petition": petition, "status": public_status(petition),
        "thread": PetitionMessage.objects.filter(petition=petition).prefetch_related(
            Prefetch("attachments", queryset=PetitionAttachment.objects.only(
                "pk", "name", "message_id"))).order_by("created_at", "pk"),
        "add_form": add_form or AddInfoForm(initial={"receipt": receipt})}, status=status))


def _lookup_page(request: HttpRequest, form, status: int = 200, error: str = "") -> HttpResponse:
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
    petition = services.petition_by_receipt(form.cleaned_data["receipt"])
    if petition is None:
        # The typed value is not echoed: every miss renders the same page.
        return _lookup_page(request, ReceiptForm(), status=404, error=_miss())
    return _status_page(request, petition, services.normalize_receipt(
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
    petition = services.petition_by_receipt(receipt)
    if petition is None:
        return _lookup_page(request, ReceiptForm(), status=404, error=_miss())
    try:
        cleaned = petition_files.clean_uploads(form.cleaned_data["attachments"])
        services.reporter_add(petition=petition, text=form.cleaned_data["text"], files=cleaned)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _status_page(request, petition, receipt, add_form=form, status=400)
    return _status_page(request, petition, receipt)


def public_status(petition: Petition) -> str:
    """What the reporter is told: received / being handled / passed on / concluded. Never
    who handles it inside, never the note."""
    if petition.status == Status.NEW:
        if petition.route == Route.LATE:
            return _("Received after the team's intake deadline; passed to the regular "
                     "petition office.")
        return _("Received; waiting to be handled.")
    if petition.status == Status.ACCEPTED:
        return _("Accepted and being handled.")
    if petition.status == Status.TRANSFERRED:
        transfer = getattr(petition, "transfer", None)
        if transfer is not None:
            return _("Passed to the responsible department (%(dept)s) under the principle of "
                     "graded responsibility.") % {"dept": transfer.department}
        return _("Passed to the responsible department.")
    if petition.status == Status.DUPLICATE:
        return _("Merged with an earlier report of the same matter, which is being handled.")
    return _("Handled and kept on file.")
