"""Pages: setting up an evaluation, codes and printed ballots, paper entry, results, and the
public voting page."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.roles import Role
from xuncha.lib import ratelimit
from xuncha.lib.errors import DomainError
from xuncha.lib.lookup import get_or_404
from xuncha.web.access import allow, public
from xuncha.web.forms import add_domain_error
from xuncha.web.responses import docx_response, xlsx_response

from . import documents, services
from .forms import BallotTypeForm, CodeForm, CodesForm, EvaluationForm, GradesForm, GroupForm
from .models import Evaluation, PaperSheet, SheetStatus, Status


def _evaluations(user):
    if user.role in (Role.OFFICE, Role.LEADERSHIP) and user.committee_id:
        return Evaluation.objects.filter(committee_id=user.committee_id)
    return Evaluation.objects.none()


def _marks_from(request, evaluation) -> dict[str, list[str]]:
    """Marks from the ballot form: ``obj-<id>`` → the grade codes ticked. Objects that are
    not in the session are passed on, so the validation refuses them."""
    return {key[4:]: values for key in request.POST if key.startswith("obj-")
            and (values := [v for v in request.POST.getlist(key) if v])}


@allow(Role.OFFICE, Role.LEADERSHIP)
def list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/list.html", {
        "evaluations": _evaluations(request.user), "is_office": request.user.role == Role.OFFICE})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime()
    form = EvaluationForm(request.POST or None, initial={
        "title": f"{now.year}年度基层党建工作述职评议", "meeting_date": now.date(),
        "closes_at": now.replace(hour=18, minute=0, second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["template"]:
                evaluation = services.evaluation_from_seed_template(
                    actor=request.user, meeting_date=data["meeting_date"],
                    closes_at=data["closes_at"])
                services.evaluation_settings(actor=request.user, evaluation=evaluation, data={
                    "title": data["title"], "unmarked_rule": data["unmarked_rule"]})
            else:
                evaluation = services.evaluation_create(
                    actor=request.user, title=data["title"], meeting_date=data["meeting_date"],
                    closes_at=data["closes_at"], unmarked_rule=data["unmarked_rule"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("evaluations:detail", pk=evaluation.pk)
    return render(request, "evaluations/form.html", {"form": form,
                                                     "title": _("New evaluation")})


@allow(Role.OFFICE, Role.LEADERSHIP)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_or_404(_evaluations(request.user), pk)
    groups = list(evaluation.groups.prefetch_related("members"))
    for group in groups:
        group.quota = services.group_quota(group)
    grades_text = "\n".join(f"{g.code} | {g.label} | {g.score}" for g in evaluation.grades.all())
    sheets = evaluation.sheets.select_related("ballot_type").prefetch_related("entries__clerk")
    return render(request, "evaluations/detail.html", {
        "evaluation": evaluation, "groups": groups, "grades": evaluation.grades.all(),
        "types": evaluation.ballot_types.all(),
        "codes": {t.code: (t.codes.count(), t.codes.filter(used=True).count())
                  for t in evaluation.ballot_types.all()},
        "is_office": request.user.role == Role.OFFICE, "Status": Status,
        "group_form": GroupForm(), "grades_form": GradesForm(initial={"grades": grades_text}),
        "type_form": BallotTypeForm(), "codes_form": CodesForm(initial={"count": 100}),
        "problems": services.setup_problems(evaluation) if evaluation.status == Status.DRAFT
        else [], "sheets": sheets, "SheetStatus": SheetStatus,
        "ballots": evaluation.ballots.count(),
        "vote_url": request.build_absolute_uri(reverse("public:vote"))})


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value not in ("", None) else None
    except InvalidOperation:
        raise DomainError(_("Write a number.")) from None


@allow(Role.OFFICE)
@require_POST
def action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    evaluation = get_or_404(_evaluations(request.user), pk)
    actor = request.user
    try:
        if action == "group":
            form = GroupForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(e for errs in form.errors.values() for e in errs))
            data = form.cleaned_data
            group = None
            if request.POST.get("group"):
                group = get_or_404(evaluation.groups.all(), request.POST["group"])
            services.group_save(actor=actor, evaluation=evaluation, name=data["name"],
                                quota_grade=data["quota_grade"], quota_ratio=data["quota_ratio"],
                                quota_max=data["quota_max"],
                                objects=data["objects"].splitlines(), group=group)
        elif action == "grades":
            grades = []
            for line in request.POST.get("grades", "").splitlines():
                parts = [p.strip() for p in line.split("|")]
                if len(parts) != 3:
                    if line.strip():
                        raise DomainError(_("Write each grade as code | label | score."))
                    continue
                grades.append((parts[0], parts[1], _decimal(parts[2])))
            services.grades_save(actor=actor, evaluation=evaluation, grades=grades)
        elif action == "ballot-type":
            form = BallotTypeForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(e for errs in form.errors.values() for e in errs))
            services.ballot_type_save(actor=actor, evaluation=evaluation, **form.cleaned_data)
        elif action == "open":
            services.evaluation_open(actor=actor, evaluation=evaluation)
        elif action == "close":
            services.evaluation_close(actor=actor, evaluation=evaluation)
        elif action == "codes":
            form = CodesForm(request.POST)
            ballot_type = get_or_404(evaluation.ballot_types.all(), request.POST.get("type"))
            if not form.is_valid():
                raise DomainError(_("Generate between 1 and 2000 codes at a time."))
            codes = services.codes_generate(actor=actor, evaluation=evaluation,
                                            ballot_type=ballot_type,
                                            count=form.cleaned_data["count"])
            data = documents.slips_docx(evaluation, ballot_type, codes,
                                        request.build_absolute_uri(reverse("public:vote")))
            return docx_response(data, f"codes-{evaluation.pk}-{ballot_type.code}.docx")
        else:
            raise DomainError(_("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("evaluations:detail", pk=evaluation.pk)


@allow(Role.OFFICE)
def ballot_docx_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    evaluation = get_or_404(_evaluations(request.user), pk)
    ballot_type = evaluation.ballot_types.filter(code=code).first()
    if ballot_type is None:
        raise DomainError(_("Unknown ballot type."))
    return docx_response(documents.ballot_docx(evaluation, ballot_type),
                         f"ballot-{evaluation.pk}-{ballot_type.code}.docx")


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def paper_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A clerk enters one paper ballot: one box per object and grade (several ticks allowed,
    as on paper)."""
    evaluation = get_or_404(_evaluations(request.user), pk)
    if request.method == "POST":
        ballot_type = get_or_404(evaluation.ballot_types.all(), request.POST.get("type"))
        try:
            number = int(request.POST.get("number", "0"))
            sheet = services.paper_enter(actor=request.user, evaluation=evaluation,
                                         ballot_type=ballot_type, number=number,
                                         marks=_marks_from(request, evaluation))
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Give the sheet number.")))
        else:
            messages.success(request, _("Sheet %(type)s-%(n)d: %(status)s") % {
                "type": ballot_type.code, "n": sheet.number, "status": sheet.get_status_display()})
        return redirect("evaluations:paper", pk=evaluation.pk)
    return render(request, "evaluations/paper.html", {
        "evaluation": evaluation, "groups": evaluation.groups.prefetch_related("members"),
        "grades": evaluation.grades.all(), "types": evaluation.ballot_types.all(),
        "multiple": True})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def resolve_view(request: HttpRequest, pk: int, sheet_pk: int) -> HttpResponse:
    evaluation = get_or_404(_evaluations(request.user), pk)
    sheet = get_or_404(PaperSheet.objects.filter(evaluation=evaluation), sheet_pk)
    if request.method == "POST":
        try:
            services.paper_resolve(actor=request.user, sheet=sheet,
                                   marks=_marks_from(request, evaluation))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The sheet was resolved."))
            return redirect("evaluations:detail", pk=evaluation.pk)
    names = {str(o.pk): o.name for g in evaluation.groups.all() for o in g.members.all()}
    labels = {g.code: g.label for g in evaluation.grades.all()}
    entries = []
    for entry in sheet.entries.select_related("clerk"):
        entries.append({"clerk": entry.clerk, "marks": {
            names.get(k, k): "、".join(labels.get(c, c) for c in v) for k, v in entry.marks.items()}})
    return render(request, "evaluations/resolve.html", {
        "evaluation": evaluation, "sheet": sheet, "entries": entries,
        "groups": evaluation.groups.prefetch_related("members"),
        "grades": evaluation.grades.all(), "multiple": True})


@allow(Role.OFFICE, Role.LEADERSHIP)
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_or_404(_evaluations(request.user), pk)
    result = services.results(evaluation)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return xlsx_response(documents.results_xlsx(result), f"results-{evaluation.pk}.xlsx")
    if fmt == "docx":
        return docx_response(documents.results_docx(result), f"results-{evaluation.pk}.docx")
    rows = sorted(result.rows, key=lambda r: (r.group.position, r.rank or 9999,
                                              r.object.position))
    return render(request, "evaluations/results.html", {"evaluation": evaluation,
                                                        "result": result, "rows": rows})


# --- the voter -------------------------------------------------------------------------------


@public
@never_cache
@require_http_methods(["GET", "POST"])
def vote_view(request: HttpRequest) -> HttpResponse:
    """Enter the code, then the ballot. The code travels in POST bodies only."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = request.META.get("REMOTE_ADDR", "")
        if not ratelimit.hit("vote-code", client, limit=60, window=600):
            form.add_error(None, _("Too many attempts. Please try again later."))
            return render(request, "evaluations/vote_code.html", {"form": form}, status=429)
        code = form.cleaned_data["code"]
        voting_code = services.code_lookup(None, code)
        if voting_code is None:
            form.add_error("code", _("This voting code is not valid."))
        elif voting_code.used:
            form.add_error("code", _("This voting code has already been used."))
        elif not voting_code.evaluation.is_open_now():
            form.add_error("code", _("Voting is not open."))
        elif request.POST.get("cast"):
            evaluation = voting_code.evaluation
            marks = _marks_from(request, evaluation)
            try:
                checked = services.vote_cast(code=code, marks=marks)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if checked.valid:
                    return render(request, "evaluations/vote_done.html",
                                  {"evaluation": evaluation})
                return _ballot_page(request, voting_code, code, marks, checked.reasons)
        else:
            return _ballot_page(request, voting_code, code, {}, [])
    return render(request, "evaluations/vote_code.html", {"form": form})


def _ballot_page(request, voting_code, code, marks, reasons):
    evaluation = voting_code.evaluation
    groups = list(evaluation.groups.prefetch_related("members"))
    for group in groups:
        group.quota = services.group_quota(group)
    return render(request, "evaluations/vote_ballot.html", {
        "evaluation": evaluation, "ballot_type": voting_code.ballot_type, "code": code,
        "groups": groups, "grades": evaluation.grades.all(), "marks": marks,
        "reasons": reasons, "multiple": False})
