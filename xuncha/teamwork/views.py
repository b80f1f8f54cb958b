"""Pages: a team's integrity pledges (sign, record a paper copy), the committee's pledge text
and supervision phone, reports about teams (the office's and the discipline body's list,
detail and steps), and the public supervision form behind the notice."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.inspections.access import access_member, access_team
from xuncha.inspections.models import Team
from xuncha.inspections.selectors import inspection_by_public_code
from xuncha.inspections.views.common import step
from xuncha.lib.errors import DomainError
from xuncha.organizations.models import Inspector
from xuncha.organizations.selectors import inspectors_visible_to
from xuncha.petitions import public as guard
from xuncha.web.access import allow_if, public
from xuncha.web.forms import add_domain_error

from . import access, pledges, reports, selfcheck
from . import selectors as sel
from .forms import (
    AccountabilityForm,
    ConcludeForm,
    PledgeTextForm,
    PublicConductForm,
    RecordReportForm,
    SelfCheckForm,
    SelfFixedForm,
    SelfFoundFormSet,
    SignForm,
    SupervisionForm,
    TransferForm,
)
from .models import DEFAULT_PLEDGE, ConductReport

# --- pledges ------------------------------------------------------------------------------


def _pledge_text(team: Team) -> tuple[int, str]:
    """The version and text a member signs now (0: the default, stored at first signing)."""
    current = sel.current_pledge_text(team.round.committee_id)
    return (current.version, current.text) if current else (1, DEFAULT_PLEDGE)


@allow_if(access.can_open_pledges)
def team_pledges_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    user = request.user
    version, text = _pledge_text(team)
    rows = [{"member": m, "pledge": getattr(m, "pledge", None),
             "can_sign": access.can_sign_pledge(user=user, member=m),
             "can_record": access.can_record_paper_pledge(user=user, member=m)}
            for m in sel.team_members_with_pledges(team)]
    return render(request, "teamwork/team_pledges.html", {
        "team": team, "rows": rows, "text": text, "version": version,
        "sign_form": SignForm(initial={"text_version": version}),
        "all_signed": all(r["pledge"] for r in rows)})


@allow_if(access.can_open_pledges)
@require_POST
def pledge_sign_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member = access_member(user=request.user, pk=pk)
    return step(request, lambda d: pledges.pledge_sign(
        actor=request.user, member=member, text_version=d["text_version"]),
        back=reverse("teamwork:team_pledges", args=[member.team_id]),
        success=_("Your integrity pledge is signed."), form=SignForm(request.POST))


@allow_if(access.can_open_conduct_settings)
@require_POST
def pledge_record_paper_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member = access_member(user=request.user, pk=pk)
    return step(request, lambda d: pledges.pledge_record_paper(actor=request.user, member=member),
                back=reverse("teamwork:team_pledges", args=[member.team_id]),
                success=_("The paper pledge is recorded."))


@allow_if(access.can_open_conduct_settings)
def settings_view(request: AuthedHttpRequest) -> HttpResponse:
    committee = request.user.committee
    assert committee is not None
    current = sel.current_pledge_text(committee.pk)
    policy = sel.conduct_policy_of(committee)
    return render(request, "teamwork/settings.html", {
        "texts": sel.pledge_texts_of(committee.pk),
        "text_form": PledgeTextForm(initial={"text": current.text if current else DEFAULT_PLEDGE}),
        "supervision_form": SupervisionForm(initial={
            "supervision_phone": policy.supervision_phone if policy else "",
            "supervision_note": policy.supervision_note if policy else ""})})


@allow_if(access.can_open_conduct_settings)
@require_POST
def pledge_text_view(request: AuthedHttpRequest) -> HttpResponse:
    committee = request.user.committee
    assert committee is not None
    return step(request, lambda d: pledges.pledge_text_set(
        actor=request.user, committee=committee, text=d["text"]),
        back=reverse("teamwork:settings"), form=PledgeTextForm(request.POST),
        success=lambda t: _("Version %(n)d of the pledge text is in force.") % {"n": t.version})


@allow_if(access.can_open_conduct_settings)
@require_POST
def supervision_view(request: AuthedHttpRequest) -> HttpResponse:
    committee = request.user.committee
    assert committee is not None
    return step(request, lambda d: pledges.supervision_set(
        actor=request.user, committee=committee, phone=d["supervision_phone"],
        note=d["supervision_note"]),
        back=reverse("teamwork:settings"), form=SupervisionForm(request.POST),
        success=_("The supervision phone is saved."))


# --- reports about teams ------------------------------------------------------------------


@allow_if(access.can_open_conduct_reports)
def report_list_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    qs = sel.conduct_reports_visible_to(user=user)
    if status:
        qs = qs.filter(status=status)
    return render(request, "teamwork/report_list.html", {
        "reports": qs[:200], "status": status,
        "can_record": access.can_report_on_team(user=user, committee_id=user.committee_id)})


def _record_form(request: AuthedHttpRequest, data=None) -> RecordReportForm:
    committee_id = request.user.committee_id or 0
    teams = sel.teams_of_committee(committee_id)
    return RecordReportForm(data, teams=teams, inspectors=inspectors_visible_to(
        user=request.user).select_related("cadre"))


@allow_if(access.can_open_conduct_reports)
@require_http_methods(["GET", "POST"])
def report_record_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_report_on_team(user=user, committee_id=user.committee_id):
        return redirect("teamwork:report_list")
    form = _record_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = reports.conduct_report_record(
                actor=user, team=data["team"], content=data["content"], source=data["source"],
                inspector=data["inspector"], reporter=form.reporter())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("teamwork:report_detail", pk=report.pk)
    return render(request, "teamwork/report_record.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _inspectors_of(report: ConductReport) -> QuerySet[Inspector]:
    return sel.inspectors_of_team(report.team)


@allow_if(access.can_open_conduct_reports)
def report_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = access.access_conduct_report(user=user, pk=pk)
    inspectors = _inspectors_of(report)
    return render(request, "teamwork/report_detail.html", {
        "report": report, "accountabilities": sel.accountabilities_visible_to(user=user).filter(
            report=report),
        "can_transfer": access.can_transfer_conduct_report(user=user, report=report),
        "can_conclude": access.can_conclude_conduct_report(user=user, report=report),
        "can_account": access.can_record_inspector_accountability(user=user, report=report),
        "transfer_form": TransferForm(inspectors=inspectors, initial={
            "inspector": report.inspector_id}),
        "conclude_form": ConcludeForm(inspectors=inspectors, initial={
            "inspector": report.inspector_id}),
        "accountability_form": AccountabilityForm()})


@allow_if(access.can_open_conduct_reports)
@require_POST
def report_transfer_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access.access_conduct_report(user=request.user, pk=pk)
    return step(request, lambda d: reports.conduct_report_transfer(
        actor=request.user, report=report, note=d["note"], inspector=d["inspector"]),
        back=reverse("teamwork:report_detail", args=[pk]),
        form=TransferForm(request.POST, inspectors=_inspectors_of(report)),
        success=_("The report is transferred to the discipline body."))


@allow_if(access.can_open_conduct_reports)
@require_POST
def report_conclude_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access.access_conduct_report(user=request.user, pk=pk)
    return step(request, lambda d: reports.conduct_report_conclude(
        actor=request.user, report=report, substantiated=d["substantiated"],
        conclusion=d["conclusion"], inspector=d["inspector"]),
        back=reverse("teamwork:report_detail", args=[pk]),
        form=ConcludeForm(request.POST, inspectors=_inspectors_of(report)),
        success=_("The report is concluded."))


@allow_if(access.can_open_conduct_reports)
@require_POST
def report_accountability_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = access.access_conduct_report(user=request.user, pk=pk)
    return step(request, lambda d: reports.inspector_accountability_record(
        actor=request.user, report=report, kind=d["kind"], text=d["text"],
        decided_on=d["decided_on"]),
        back=reverse("teamwork:report_detail", args=[pk]), form=AccountabilityForm(request.POST),
        success=_("Accountability is recorded against the inspector."))


# --- the unit's self-check --------------------------------------------------------------


def _self_check_page(request: AuthedHttpRequest, inspection, form=None, formset=None,
                     status: int = 200) -> HttpResponse:
    user = request.user
    check = getattr(inspection, "self_check", None)
    problems = list(sel.self_found_of(inspection)) if check else []
    return render(request, "teamwork/self_check.html", {
        "inspection": inspection, "check": check,
        "problems": [{"problem": p, "can_fix": access.can_mark_self_found_fixed(
            user=user, problem=p)} for p in problems],
        "fixed": sum(1 for p in problems if p.fixed), "fix_form": SelfFixedForm(),
        "can_submit": access.can_submit_self_check(user=user, inspection=inspection),
        "form": form or SelfCheckForm(), "formset": formset or SelfFoundFormSet()},
        status=status)


@allow_if(access.can_open_self_check)
def self_check_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_self_check_inspection(user=request.user, pk=pk)
    return _self_check_page(request, inspection)


@allow_if(access.can_open_self_check)
@require_POST
def self_check_submit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_self_check_inspection(user=request.user, pk=pk)
    form, formset = SelfCheckForm(request.POST), SelfFoundFormSet(request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            selfcheck.self_check_submit(
                actor=request.user, inspection=inspection, summary=form.cleaned_data["summary"],
                problems=[f.cleaned_data for f in formset.forms if f.cleaned_data])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The self-check report is submitted."))
            return redirect("teamwork:self_check", pk=inspection.pk)
    return _self_check_page(request, inspection, form, formset, status=400)


@allow_if(access.can_open_self_check)
@require_POST
def self_found_fixed_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access.access_self_found(user=request.user, pk=pk)
    return step(request, lambda d: selfcheck.self_found_fixed(
        actor=request.user, problem=problem, on=d["on"], note=d["note"]),
        back=reverse("teamwork:self_check", args=[problem.inspection_id]),
        form=SelfFixedForm(request.POST), success=_("The fix is recorded."))


# --- the public supervision form ------------------------------------------------------------


@public
@never_cache
@require_http_methods(["GET", "POST"])
def public_supervise_view(request: HttpRequest, code: str) -> HttpResponse:
    """Report the team itself (监督巡察组): reaches the committee's office, never the team."""
    inspection = inspection_by_public_code(code)
    form = PublicConductForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reports.conduct_report_submit_public(
                inspection=inspection, content=data["content"],
                reporter=None if data["anonymous"] else form.reporter(),
                admit=lambda: guard.admit(request, target=inspection.public_code,
                                          challenge=data.get("pow_challenge", ""),
                                          nonce=data.get("pow_nonce", "")))
        except DomainError as exc:
            add_domain_error(form, exc)
            status = 429 if exc.code in ("rate_limited", "pow_required") else 400
        else:
            return render(request, "teamwork/public_supervise_done.html",
                          {"inspection": inspection})
    elif request.method == "POST":
        status = 400
    return render(request, "teamwork/public_supervise.html", {
        "inspection": inspection, "form": form,
        "supervision": sel.supervision_for(inspection),
        "challenge": guard.challenge_for(request, inspection.public_code),
        "challenge_url": reverse("api:public_challenge") + f"?target={inspection.public_code}"},
        status=status)
