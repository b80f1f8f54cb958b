"""Pages across inspections: my deadlines, the calendar and clocks, coverage and timeline."""

import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib.errors import DomainError
from xuncha.lib.workdays import official_years
from xuncha.web.access import allow_if
from xuncha.web.forms import add_domain_error

from .. import clocks
from .. import selectors as sel
from ..access import (
    access_workday_override,
    can_change_calendar,
    can_change_clocks,
    can_open_calendar,
    can_open_deadlines,
    can_open_office_forms,
    can_open_planning,
)
from ..calendar import clock_policy_update, workday_override_delete, workday_override_set
from ..coverage import term_coverage
from ..forms import ClockPolicyForm, OverrideForm
from ..models import TeamPosition
from .common import own_committee, step


def _today() -> datetime.date:
    return timezone.localdate()


@allow_if(can_open_deadlines)
def my_deadlines_view(request: AuthedHttpRequest) -> HttpResponse:
    today = _today()
    show_done = request.GET.get("done") == "1"
    items = clocks.deadlines_for(request.user, today, include_done=show_done)
    return render(request, "inspections/my_deadlines.html", {
        "deadlines": items, "today": today, "show_done": show_done})


@allow_if(can_open_calendar)
@require_http_methods(["GET", "POST"])
def calendar_view(request: AuthedHttpRequest) -> HttpResponse:
    """The calendar's overrides; its form adds one, a row's button (``delete``) removes it."""
    user = request.user
    committee = sel.calendar_committee(user=user)
    committee_id = committee.pk if committee else None
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            row = access_workday_override(user=user, pk=request.POST["delete"])
            try:
                workday_override_delete(actor=user, row=row)
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("inspections:calendar")
        if form.is_valid():
            try:
                workday_override_set(actor=user, committee=committee,
                                     date=form.cleaned_data["date"],
                                     is_workday=form.cleaned_data["is_workday"],
                                     note=form.cleaned_data["note"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The calendar was changed."))
                return redirect("inspections:calendar")
    today = _today()
    calendar = clocks.calendar_for(committee_id)
    policy_form = None
    if committee is not None and can_change_clocks(user=user, committee_id=committee_id):
        policy_form = ClockPolicyForm(instance=clocks.policy_for(committee))
    overrides = [{"row": o, "removable": can_change_calendar(user=user,
                                                             committee_id=o.committee_id)}
                 for o in sel.workday_overrides_shown_to(user=user).select_related("committee")]
    return render(request, "inspections/calendar.html", {
        "form": form, "overrides": overrides, "years": sorted(official_years()),
        "next_year_known": calendar.covers(today.year + 1),
        "this_year_known": calendar.covers(today.year), "today": today,
        "policy_form": policy_form,
        "can_edit": can_change_calendar(user=user, committee_id=committee_id)})


@allow_if(can_open_office_forms)
@require_POST
def clock_policy_view(request: AuthedHttpRequest) -> HttpResponse:
    committee = own_committee(request.user)
    return step(request, lambda d: clock_policy_update(
        actor=request.user, committee=committee, data=d),
        form=ClockPolicyForm(request.POST, instance=clocks.policy_for(committee)),
        back=reverse("inspections:calendar"), success=_("The clocks were saved."),
        failed=lambda form: _("Check the numbers: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(str(e) for e in v)}"
                                for k, v in form.errors.items())})


@allow_if(can_open_planning)
def coverage_view(request: AuthedHttpRequest) -> HttpResponse:
    term = sel.term_for_planning(user=request.user, wanted=request.GET.get("term"),
                                 today=_today())
    if term is None:
        return render(request, "inspections/coverage.html", {"coverage": None})
    data = term_coverage(term=term, today=_today())
    return render(request, "inspections/coverage.html", {
        "coverage": data, "terms": sel.terms_for_planning(user=request.user), "term": term})


@allow_if(can_open_planning)
def timeline_view(request: AuthedHttpRequest) -> HttpResponse:
    term = sel.term_for_planning(user=request.user, wanted=request.GET.get("term"),
                                 today=_today())
    rows: list[dict[str, object]] = []
    years = []
    today_left = None
    if term is not None:
        starts_on = term.starts_on
        span = max(1, (term.ends_on - starts_on).days)

        def bar(start: datetime.date, end: datetime.date) -> dict[str, str]:
            left = max(0.0, (start - starts_on).days / span * 100)
            width = max(0.6, min(100 - left, (end - start).days / span * 100))
            return {"left": f"{left:.2f}", "width": f"{width:.2f}"}

        for r in sel.timeline_rounds(term=term):
            rows.append({"kind": "round", "label": r.name, "bar": bar(r.planned_start,
                                                                        r.planned_end),
                         "obj": r})
            for team in r.teams.all():
                leader = next((m for m in team.members.all()
                               if m.position == TeamPosition.LEADER), None)
                rows.append({"kind": "team", "label": f"{team.name}"
                             + (f"（{leader.inspector.cadre.name}）" if leader else ""),
                             "obj": team, "bar": None})
                for inspection in team.inspections.all():
                    rows.append({"kind": "target", "label": inspection.unit.name,
                                 "obj": inspection,
                                 "bar": bar(inspection.period_start, inspection.period_end)})
        for year in range(starts_on.year + 1, term.ends_on.year + 1):
            left = (datetime.date(year, 1, 1) - starts_on).days / span * 100
            years.append({"year": year, "left": f"{left:.2f}"})
        today = _today()
        today_left = ((today - starts_on).days / span * 100
                      if starts_on <= today <= term.ends_on else None)
    return render(request, "inspections/timeline.html", {
        "term": term, "rows": rows, "years": years,
        "terms": sel.terms_for_planning(user=request.user),
        "today_left": f"{today_left:.2f}" if today_left is not None else None})
