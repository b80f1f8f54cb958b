"""Pages of rounds and teams: plan, submit and decide on rounds; staff teams; inspector load."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib.errors import DomainError
from xuncha.lib.lookup import get_or_404
from xuncha.teamwork.selectors import service_rows
from xuncha.web.access import allow_if
from xuncha.web.forms import add_domain_error

from .. import conflicts
from .. import selectors as sel
from ..access import (
    access_member,
    access_round,
    access_team,
    can_approve_round,
    can_change_round,
    can_manage_round,
    can_manage_team,
    can_open_office_forms,
    can_open_planning,
    can_open_rounds,
)
from ..forms import DecisionForm, MemberForm, MemberUpdateForm, RoundForm
from ..rounds import round_approve, round_create, round_return, round_submit, round_update
from ..teams import member_add, member_remove, member_update, team_create
from .common import form_errors, own_committee, step

# --- rounds ------------------------------------------------------------------------------------


@allow_if(can_open_rounds)
def round_list_view(request: AuthedHttpRequest) -> HttpResponse:
    rounds = (sel.rounds_visible_to(user=request.user)
              .select_related("committee", "term")
              .annotate(team_count=Count("teams", distinct=True),
                        target_count=Count("inspections", distinct=True))
              .order_by("-planned_start"))
    return render(request, "inspections/round_list.html", {
        "rounds": rounds, "can_plan": can_open_office_forms(user=request.user)})


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def round_create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, terms=sel.terms_for_planning(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            r = round_create(actor=request.user, committee=own_committee(request.user),
                             data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The round was planned."))
            return redirect("inspections:round_detail", pk=r.pk)
    return render(request, "inspections/form.html", {"form": form, "title": _("Plan a round"),
                                                      "back": reverse("inspections:round_list")})


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def round_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = access_round(user=request.user, pk=pk)
    form = RoundForm(request.POST or None, terms=sel.terms_for_planning(user=request.user),
                     instance=r)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(actor=request.user, round=r, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("inspections:round_detail", pk=r.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": r.name},
        "back": reverse("inspections:round_detail", args=[r.pk])})


@allow_if(can_open_rounds)
def round_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    r = get_or_404(sel.rounds_visible_to(user=user).select_related(
        "committee", "term", "approved_by"), pk)
    return render(request, "inspections/round_detail.html", {
        "round": r, "teams": sel.round_teams(user=user, round=r),
        "decision_form": DecisionForm(),
        "can_change": can_change_round(user=user, round=r),
        "can_add_team": can_manage_round(user=user, round=r),
        "can_decide": can_approve_round(user=user, round=r)})


@allow_if(can_open_planning)
@require_POST
def round_submit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = access_round(user=request.user, pk=pk)
    return step(request, lambda d: round_submit(actor=request.user, round=r),
                success=_("The round was submitted to the leading group."),
                back=reverse("inspections:round_detail", args=[r.pk]))


@allow_if(can_open_planning)
@require_POST
def round_approve_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = access_round(user=request.user, pk=pk)
    return step(request, lambda d: round_approve(actor=request.user, round=r, note=d["note"]),
                form=DecisionForm(request.POST), success=_("The round was approved."),
                back=reverse("inspections:round_detail", args=[r.pk]))


@allow_if(can_open_planning)
@require_POST
def round_return_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = access_round(user=request.user, pk=pk)
    return step(request, lambda d: round_return(actor=request.user, round=r, note=d["note"]),
                form=DecisionForm(request.POST), success=_("The round was returned to the office."),
                back=reverse("inspections:round_detail", args=[r.pk]))


@allow_if(can_open_planning)
@require_POST
def team_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    r = access_round(user=request.user, pk=pk)
    try:
        team = team_create(actor=request.user, round=r)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("inspections:round_detail", pk=r.pk)
    return redirect("inspections:team_detail", pk=team.pk)


# --- teams ---------------------------------------------------------------------------------------


@allow_if(can_open_rounds)
def team_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = get_or_404(sel.teams_visible_to(user=request.user).select_related(
        "round__committee", "round__term"), pk)
    inspections = sel.team_targets(team)
    units = [i.unit for i in inspections]
    rows = [{"member": member,
             "conflicts": conflicts.conflicts_for(inspector=member.inspector, units=units),
             "update_form": MemberUpdateForm(initial={"position": member.position,
                                                      "duties": member.duties})}
            for member in sel.team_members(team)]
    can_manage = can_manage_team(user=request.user, team=team)
    return render(request, "inspections/team_detail.html", {
        # 综合鉴定 on earlier teams of the pool, for forming this one (xuncha/teamwork)
        "service": service_rows(user=request.user, inspectors=sel.inspector_pool(team=team))
        if can_manage else [],
        "team": team, "rows": rows, "inspections": inspections,
        "window": conflicts.team_window(team), "warnings": conflicts.rotation_warnings(team=team),
        "member_form": MemberForm(inspectors=sel.inspector_pool(team=team))
        if can_manage else None,
        "can_manage": can_manage})


@allow_if(can_open_office_forms)
@require_POST
def member_add_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    form = MemberForm(request.POST, inspectors=sel.inspector_pool(team=team))
    if not form.is_valid():
        messages.error(request, _("Choose an inspector from the pool.") if "inspector" in form.errors
                       else form_errors(form))
        return redirect("inspections:team_detail", pk=team.pk)
    try:
        _member, warnings = member_add(
            actor=request.user, team=team, inspector=form.cleaned_data["inspector"],
            position=form.cleaned_data["position"], duties=form.cleaned_data["duties"],
            override_reason=form.cleaned_data["override_reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The member was added."))
        for warning in warnings:
            messages.warning(request, warning.message)
    return redirect("inspections:team_detail", pk=team.pk)


@allow_if(can_open_office_forms)
@require_POST
def member_update_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member = access_member(user=request.user, pk=pk)
    return step(request, lambda d: member_update(
        actor=request.user, member=member, position=d["position"], duties=d["duties"]),
        form=MemberUpdateForm(request.POST), success=_("The member was saved."),
        back=reverse("inspections:team_detail", args=[member.team_id]))


@allow_if(can_open_office_forms)
@require_POST
def member_remove_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member = access_member(user=request.user, pk=pk)
    return step(request, lambda d: member_remove(actor=request.user, member=member),
                success=_("The member was removed."),
                back=reverse("inspections:team_detail", args=[member.team_id]))


@allow_if(can_open_planning)
def inspector_load_view(request: AuthedHttpRequest) -> HttpResponse:
    """Each inspector's assignments by month over a year (load and availability)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    months, rows = sel.inspector_load(user=request.user, year=year)
    return render(request, "inspections/inspector_load.html", {
        "rows": rows, "months": months, "year": year})
