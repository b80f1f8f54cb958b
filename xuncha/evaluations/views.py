"""Pages: setting up an evaluation, codes and printed ballots, paper entry, results, and the
public voting page."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib import ratelimit
from xuncha.lib.errors import DomainError, NotFound
from xuncha.lib.links import public_url
from xuncha.lib.lookup import get_or_404
from xuncha.web.access import allow_if, public
from xuncha.web.forms import add_domain_error
from xuncha.web.responses import docx_response, xlsx_response

from . import documents
from .access import (
    access_session,
    access_sheet,
    can_close_session,
    can_create_session,
    can_enter_paper,
    can_issue_codes,
    can_manage_session,
    can_open_evaluation_office,
    can_open_evaluations,
    can_open_session,
    can_read_results,
    can_resolve_sheet,
    can_set_up_session,
)
from .ballots import code_lookup, codes_generate, paper_enter, paper_resolve, vote_cast
from .forms import (
    BallotTypeForm,
    CodeForm,
    CodesForm,
    EvaluationForm,
    GradesForm,
    GroupForm,
    SheetForm,
)
from .models import Evaluation, SheetStatus, Status, VotingCode
from .results import evaluation_results, turnout
from .selectors import evaluations_visible_to
from .sessions import (
    ballot_type_save,
    evaluation_close,
    evaluation_open,
    evaluation_start,
    grades_save,
    group_quota,
    group_save,
    setup_problems,
)


def _marks_from(request: HttpRequest) -> dict[str, list[str]]:
    """Marks from the ballot form: ``obj-<id>`` → the grade codes ticked. Objects that are
    not in the session are passed on, so the validation refuses them."""
    return {key[4:]: values for key in request.POST if key.startswith("obj-")
            and (values := [v for v in request.POST.getlist(key) if v])}


def _errors(form: forms.Form) -> str:
    """A form's errors as one message (the setup forms answer with a message on the
    session's page)."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _refused(request: HttpRequest, evaluation: Evaluation, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("evaluations:detail", pk=evaluation.pk)


@allow_if(can_open_evaluations)
def list_view(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "evaluations/list.html", {
        "evaluations": evaluations_visible_to(user=request.user),
        "can_create": can_create_session(user=request.user)})


@allow_if(can_open_evaluation_office)
@require_http_methods(["GET", "POST"])
def create_view(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.localtime()
    form = EvaluationForm(request.POST or None, initial={
        "title": f"{now.year}年度基层党建工作述职评议", "meeting_date": now.date(),
        "closes_at": now.replace(hour=18, minute=0, second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = evaluation_start(
                actor=request.user, title=data["title"], meeting_date=data["meeting_date"],
                closes_at=data["closes_at"], unmarked_rule=data["unmarked_rule"],
                template=data["template"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("evaluations:detail", pk=evaluation.pk)
    return render(request, "evaluations/form.html", {"form": form,
                                                     "title": _("New evaluation")})


@allow_if(can_open_evaluations)
def detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    user = request.user
    groups = list(evaluation.groups.prefetch_related("members"))
    for group in groups:
        group.quota = group_quota(group)  # type: ignore[attr-defined]  # shown beside the group
    grades_text = "\n".join(f"{g.label} | {g.score}" for g in evaluation.grades.all())
    sheets = evaluation.sheets.select_related("ballot_type").prefetch_related("entries__clerk")
    return render(request, "evaluations/detail.html", {
        "evaluation": evaluation, "groups": groups, "grades": evaluation.grades.all(),
        "types": evaluation.ballot_types.all(),
        "codes": {t.code: (t.codes.count(), t.codes.filter(used=True).count())
                  for t in evaluation.ballot_types.all()},
        "can_manage": can_manage_session(user=user, evaluation=evaluation),
        "can_set_up": can_set_up_session(user=user, evaluation=evaluation),
        "can_open": can_open_session(user=user, evaluation=evaluation),
        "can_close": can_close_session(user=user, evaluation=evaluation),
        "can_enter_paper": can_enter_paper(user=user, evaluation=evaluation),
        "can_issue_codes": can_issue_codes(user=user, evaluation=evaluation),
        "group_form": GroupForm(grades=list(evaluation.grades.all())),
        "grades_form": GradesForm(initial={"grades": grades_text}),
        "type_form": BallotTypeForm(), "codes_form": CodesForm(initial={"count": 100}),
        "problems": setup_problems(evaluation) if evaluation.status == Status.DRAFT
        else [], "sheets": sheets, "SheetStatus": SheetStatus,
        "ballots": evaluation.ballots.count(),
        "vote_url": public_url(reverse("public:vote"), request)})


# --- the office's actions on a session (one view each; all answer on the session's page) ---


def _step(request: AuthedHttpRequest, evaluation: Evaluation,
          call: Callable[[dict[str, Any]], object], *, success: str,
          form: forms.Form | None = None) -> HttpResponse:
    """One of the office's actions on a session, answered on the session's page. The
    action's ``form``, if it has one, must be valid, or its errors are the message and
    nothing changes; ``call``, one service, gets the cleaned data, and its refusal or
    ``success`` is the message."""
    if form is not None and not form.is_valid():
        return _refused(request, evaluation, _errors(form))
    try:
        call({} if form is None else form.cleaned_data)
    except DomainError as exc:
        return _refused(request, evaluation, exc.message)
    messages.success(request, success)
    return redirect("evaluations:detail", pk=evaluation.pk)


@allow_if(can_open_evaluation_office)
@require_POST
def group_save_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    changed = request.POST.get("group")  # a group being changed rather than added
    return _step(request, evaluation, lambda d: group_save(
        actor=request.user, evaluation=evaluation, name=d["name"],
        quota_grade=d["quota_grade"], quota_ratio=d["quota_ratio"], quota_max=d["quota_max"],
        objects=d["objects"].splitlines(),
        group=get_or_404(evaluation.groups.all(), changed) if changed else None),
        success=_("Done."), form=GroupForm(request.POST, grades=list(evaluation.grades.all())))


@allow_if(can_open_evaluation_office)
@require_POST
def grades_save_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    return _step(request, evaluation, lambda d: grades_save(
        actor=request.user, evaluation=evaluation, grades=d["grades"]),
        success=_("Done."), form=GradesForm(request.POST, codes=[
            (g.code, g.label) for g in evaluation.grades.all()]))


@allow_if(can_open_evaluation_office)
@require_POST
def ballot_type_save_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    return _step(request, evaluation, lambda d: ballot_type_save(
        actor=request.user, evaluation=evaluation, **d),
        success=_("Done."), form=BallotTypeForm(request.POST))


@allow_if(can_open_evaluation_office)
@require_POST
def voting_open_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    return _step(request, evaluation, lambda d: evaluation_open(
        actor=request.user, evaluation=evaluation),
        success=_("Done."))


@allow_if(can_open_evaluation_office)
@require_POST
def voting_close_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    return _step(request, evaluation, lambda d: evaluation_close(
        actor=request.user, evaluation=evaluation),
        success=_("Done."))


@allow_if(can_open_evaluation_office)
@require_POST
def codes_generate_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """New codes for one ballot type, answered as the printed slips (.docx)."""
    evaluation = access_session(user=request.user, pk=pk)
    form = CodesForm(request.POST)
    try:
        ballot_type = get_or_404(evaluation.ballot_types.all(), request.POST.get("type"))
    except NotFound as exc:
        return _refused(request, evaluation, exc.message)
    if not form.is_valid():
        return _refused(request, evaluation, _("Generate between 1 and 2000 codes at a time."))
    try:
        codes = codes_generate(actor=request.user, evaluation=evaluation,
                               ballot_type=ballot_type, count=form.cleaned_data["count"])
    except DomainError as exc:
        return _refused(request, evaluation, exc.message)
    data = documents.slips_docx(evaluation, ballot_type, codes,
                                public_url(reverse("public:vote"), request))
    return docx_response(data, f"codes-{evaluation.pk}-{ballot_type.code}.docx")


@allow_if(can_open_evaluation_office)
def ballot_docx_view(request: AuthedHttpRequest, pk: int, code: str) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    ballot_type = evaluation.ballot_types.filter(code=code).first()
    if ballot_type is None:
        raise DomainError(_("Unknown ballot type."))
    return docx_response(documents.ballot_docx(evaluation, ballot_type),
                         f"ballot-{evaluation.pk}-{ballot_type.code}.docx")


@allow_if(can_open_evaluation_office)
@require_http_methods(["GET", "POST"])
def paper_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A clerk enters one paper ballot: one box per object and grade (several ticks allowed,
    as on paper)."""
    evaluation = access_session(user=request.user, pk=pk)
    if request.method == "POST":
        ballot_type = get_or_404(evaluation.ballot_types.all(), request.POST.get("type"))
        form = SheetForm(request.POST)
        if not form.is_valid():
            messages.error(request, _errors(form))
            return redirect("evaluations:paper", pk=evaluation.pk)
        try:
            sheet = paper_enter(actor=request.user, evaluation=evaluation,
                                ballot_type=ballot_type, number=form.cleaned_data["number"],
                                marks=_marks_from(request))
        except DomainError as exc:
            disputed = (evaluation.sheets.filter(ballot_type=ballot_type,
                                                 number=form.cleaned_data["number"]).first()
                        if exc.code == "disputed" else None)
            if disputed is not None and can_resolve_sheet(user=request.user, sheet=disputed):
                # Not an entry: the third clerk is taken to settle the dispute instead.
                messages.info(request, exc.message)
                return redirect("evaluations:resolve", pk=evaluation.pk, sheet_pk=disputed.pk)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Sheet %(type)s-%(n)d: %(status)s") % {
                "type": ballot_type.code, "n": sheet.number, "status": sheet.get_status_display()})
        return redirect("evaluations:paper", pk=evaluation.pk)
    return render(request, "evaluations/paper.html", {
        "evaluation": evaluation, "groups": evaluation.groups.prefetch_related("members"),
        "grades": evaluation.grades.all(), "types": evaluation.ballot_types.all(),
        "multiple": True})


@allow_if(can_open_evaluation_office)
@require_http_methods(["GET", "POST"])
def resolve_view(request: AuthedHttpRequest, pk: int, sheet_pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    sheet = access_sheet(user=request.user, evaluation=evaluation, pk=sheet_pk)
    if request.method == "POST":
        try:
            paper_resolve(actor=request.user, sheet=sheet, marks=_marks_from(request))
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


@allow_if(can_open_evaluations)
def results_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evaluation = access_session(user=request.user, pk=pk)
    if not can_read_results(user=request.user, evaluation=evaluation):
        # Sealed until voting closes: the turnout only, and no export (whatever ?format).
        return render(request, "evaluations/results_sealed.html", {
            "evaluation": evaluation, "turnout": turnout(evaluation)})
    result = evaluation_results(evaluation)
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
        voting_code = code_lookup(None, code)
        if voting_code is None:
            form.add_error("code", _("This voting code is not valid."))
        elif voting_code.used:
            form.add_error("code", _("This voting code has already been used."))
        elif not voting_code.evaluation.is_open_now():
            form.add_error("code", _("Voting is not open."))
        elif request.POST.get("cast"):
            evaluation = voting_code.evaluation
            marks = _marks_from(request)
            try:
                checked = vote_cast(code=code, marks=marks)
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


def _ballot_page(request: HttpRequest, voting_code: VotingCode, code: str,
                 marks: dict[str, list[str]], reasons: list[str]) -> HttpResponse:
    evaluation = voting_code.evaluation
    groups = list(evaluation.groups.prefetch_related("members"))
    for group in groups:
        group.quota = group_quota(group)  # type: ignore[attr-defined]  # shown beside the group
    return render(request, "evaluations/vote_ballot.html", {
        "evaluation": evaluation, "ballot_type": voting_code.ballot_type, "code": code,
        "groups": groups, "grades": evaluation.grades.all(), "marks": marks,
        "reasons": reasons, "multiple": False})
