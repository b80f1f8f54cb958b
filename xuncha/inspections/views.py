"""Pages for rounds, teams, inspections, channels, the notice, clocks, coverage and timeline."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.access import is_office_of
from xuncha.accounts.roles import Role
from xuncha.inspections.access import can_manage_inspection_or_lead
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.lookup import get_or_404
from xuncha.lib.workdays import official_years
from xuncha.organizations.models import Inspector, Term, Unit
from xuncha.organizations.selectors import committee_subtree
from xuncha.web import registry
from xuncha.web.access import allow, public
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import docx_response

from . import clocks, conflicts, documents, services
from . import selectors as sel
from .coverage import term_coverage
from .forms import (
    ChannelForm,
    ClockPolicyForm,
    DecisionForm,
    InspectionCreateForm,
    InspectionFilter,
    InspectionForm,
    MemberForm,
    MemberUpdateForm,
    OverrideForm,
    RoundForm,
)
from .models import (
    Channel,
    Inspection,
    InspectionStatus,
    Round,
    RoundKind,
    RoundStatus,
    TeamMember,
    TeamPosition,
    WorkdayOverride,
)

PLANNERS = (Role.OFFICE, Role.LEADERSHIP)
CASE_ROLES = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM)


def _today():
    return timezone.localdate()


def public_report_url(request: HttpRequest, inspection: Inspection) -> str:
    """Absolute link to the target's online reporting page (what the QR code opens)."""
    path = reverse("public:report", args=[inspection.public_code])
    base = getattr(settings, "XUNCHA_PUBLIC_BASE_URL", "")
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


# --- rounds ------------------------------------------------------------------------------------


@allow(*CASE_ROLES)
def round_list_view(request: HttpRequest) -> HttpResponse:
    rounds = (sel.rounds_visible_to(user=request.user)
              .select_related("committee", "term")
              .annotate(team_count=Count("teams", distinct=True),
                        target_count=Count("inspections", distinct=True))
              .order_by("-planned_start"))
    return render(request, "inspections/round_list.html", {
        "rounds": rounds, "can_plan": request.user.role == Role.OFFICE})


def _terms(user):
    return Term.objects.filter(committee_id=user.committee_id).order_by("-starts_on")


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def round_create_view(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, terms=_terms(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            r = services.round_create(actor=request.user, committee=request.user.committee,
                                      data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The round was planned."))
            return redirect("inspections:round_detail", pk=r.pk)
    return render(request, "inspections/form.html", {"form": form, "title": _("Plan a round"),
                                                      "back": reverse("inspections:round_list")})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def round_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_or_404(sel.rounds_visible_to(user=request.user), pk)
    form = RoundForm(request.POST or None, terms=_terms(request.user), instance=r)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(actor=request.user, round=r, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("inspections:round_detail", pk=r.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": r.name},
        "back": reverse("inspections:round_detail", args=[r.pk])})


@allow(*CASE_ROLES)
def round_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_or_404(sel.rounds_visible_to(user=request.user).select_related(
        "committee", "term", "approved_by"), pk)
    teams = (sel.teams_visible_to(user=request.user).filter(round=r)
             .prefetch_related(Prefetch("members", queryset=sel.members_in_order(
                 TeamMember.objects.select_related("inspector__cadre__unit"))),
                 Prefetch("inspections", queryset=Inspection.objects.select_related("unit"))))
    user = request.user
    return render(request, "inspections/round_detail.html", {
        "round": r, "teams": teams, "decision_form": DecisionForm(),
        "is_office": is_office_of(user=user, committee_id=r.committee_id),
        "is_leadership": user.role == Role.LEADERSHIP and user.committee_id == r.committee_id,
        "RoundStatus": RoundStatus})


@allow(Role.OFFICE, Role.LEADERSHIP)
@require_POST
def round_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    r = get_or_404(sel.rounds_visible_to(user=request.user), pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "submit":
            services.round_submit(actor=request.user, round=r)
            messages.success(request, _("The round was submitted to the leading group."))
        elif action == "approve":
            services.round_approve(actor=request.user, round=r, note=note)
            messages.success(request, _("The round was approved."))
        elif action == "return":
            services.round_return(actor=request.user, round=r, note=note)
            messages.success(request, _("The round was returned to the office."))
        elif action == "add-team":
            team = services.team_create(actor=request.user, round=r)
            return redirect("inspections:team_detail", pk=team.pk)
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:round_detail", pk=r.pk)


# --- teams ---------------------------------------------------------------------------------------


def _pool(user, team):
    committee_ids = committee_subtree(team.round.committee).values("pk")
    return (Inspector.objects.filter(committee__in=committee_ids, archived_at__isnull=True)
            .exclude(memberships__team=team).select_related("cadre__unit")
            .order_by("committee__path", "cadre__name"))


@allow(*CASE_ROLES)
def team_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_or_404(sel.teams_visible_to(user=request.user).select_related(
        "round__committee", "round__term"), pk)
    members = list(sel.members_in_order(team.members.select_related("inspector__cadre__unit",
                                                                    "overridden_by")))
    inspections = list(team.inspections.select_related("unit__parent", "unit__committee"))
    units = [i.unit for i in inspections]
    rows = []
    for member in members:
        rows.append({"member": member,
                     "conflicts": conflicts.conflicts_for(inspector=member.inspector, units=units),
                     "update_form": MemberUpdateForm(initial={"position": member.position,
                                                              "duties": member.duties})})
    is_office = is_office_of(user=request.user, committee_id=team.round.committee_id)
    start, end = conflicts.team_window(team)
    return render(request, "inspections/team_detail.html", {
        "team": team, "rows": rows, "inspections": inspections, "window": (start, end),
        "warnings": conflicts.rotation_warnings(team=team),
        "member_form": MemberForm(inspectors=_pool(request.user, team)) if is_office else None,
        "is_office": is_office})


@allow(Role.OFFICE)
@require_POST
def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_or_404(sel.teams_visible_to(user=request.user), pk)
    form = MemberForm(request.POST, inspectors=_pool(request.user, team))
    if form.is_valid():
        try:
            _member, warnings = services.member_add(
                actor=request.user, team=team, inspector=form.cleaned_data["inspector"],
                position=form.cleaned_data["position"], duties=form.cleaned_data["duties"],
                override_reason=form.cleaned_data["override_reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The member was added."))
            for warning in warnings:
                messages.warning(request, warning.message)
    else:
        messages.error(request, _("Choose an inspector from the pool."))
    return redirect("inspections:team_detail", pk=team.pk)


@allow(Role.OFFICE)
@require_POST
def member_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    member = get_or_404(TeamMember.objects.filter(
        team__in=sel.teams_visible_to(user=request.user)), pk)
    try:
        if action == "remove":
            services.member_remove(actor=request.user, member=member)
            messages.success(request, _("The member was removed."))
        elif action == "update":
            form = MemberUpdateForm(request.POST)
            if form.is_valid():
                services.member_update(actor=request.user, member=member,
                                       position=form.cleaned_data["position"],
                                       duties=form.cleaned_data["duties"])
                messages.success(request, _("The member was saved."))
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:team_detail", pk=member.team_id)


@allow(*PLANNERS)
def inspector_load_view(request: HttpRequest) -> HttpResponse:
    """Each inspector's assignments by month over a year (load and availability)."""
    try:
        year = int(request.GET.get("year", _today().year))
    except ValueError:
        year = _today().year
    year = min(max(year, 2000), 2100)
    pool = list(Inspector.objects.filter(committee_id=request.user.committee_id,
                                         archived_at__isnull=True)
                .select_related("cadre__unit").order_by("cadre__name"))
    memberships = (TeamMember.objects.filter(inspector__in=pool)
                   .select_related("team__round__committee", "team__round__term"))
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    load: dict[int, list[list[str]]] = {i.pk: [[] for _m in months] for i in pool}
    totals: dict[int, int] = {i.pk: 0 for i in pool}
    spans: dict[int, tuple] = {}
    team_ids = {m.team_id for m in memberships}
    for team_id, start, end in Inspection.objects.filter(team_id__in=team_ids).values_list(
            "team_id", "period_start", "period_end"):
        old = spans.get(team_id)
        spans[team_id] = (min(start, old[0]), max(end, old[1])) if old else (start, end)
    for member in memberships:
        team = member.team
        start, end = spans.get(team.pk, (team.round.planned_start, team.round.planned_end))
        for index, month in enumerate(months):
            month_end = (months[index + 1] if index < 11 else datetime.date(year + 1, 1, 1)) - (
                datetime.timedelta(days=1))
            if start <= month_end and end >= month:
                load[member.inspector_id][index].append(f"{team.round.name} {team.name}")
        if start.year <= year <= end.year:
            totals[member.inspector_id] += 1
    rows = [{"inspector": i, "months": load[i.pk], "total": totals[i.pk]} for i in pool]
    return render(request, "inspections/inspector_load.html", {
        "rows": rows, "months": months, "year": year})


# --- inspections ------------------------------------------------------------------------------


@allow(*CASE_ROLES, Role.LIAISON)
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    rounds = sel.rounds_visible_to(user=request.user).select_related("term", "committee")
    filters = InspectionFilter(request.GET or None, rounds=rounds)
    criteria = filters.cleaned()
    if "round" in criteria:
        criteria["round"] = criteria["round"].pk
    qs = sel.inspections_filter(sel.inspections_visible_to(user=request.user),
                                **criteria).select_related(
        "unit", "team__round__committee", "round__term", "round__committee", "committee").order_by(
        "-period_start", "pk")
    template = "inspections/_inspection_rows.html" if request.htmx else (
        "inspections/inspection_list.html")
    return render(request, template, {"filters": filters, "page": paginate(request, qs),
                                      "today": _today()})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def inspection_create_view(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = get_or_404(sel.teams_visible_to(user=request.user).select_related(
        "round__committee"), team_pk)
    committee = team.round.committee
    if team.round.kind in (RoundKind.ESCALATED, RoundKind.CROSS):
        units = Unit.objects.filter(committee__in=committee_subtree(committee).values("pk"))
    else:
        units = Unit.objects.filter(committee=committee)
    units = units.filter(archived_at__isnull=True).select_related("committee").order_by(
        "committee__path", "code")
    earlier = sel.inspections_visible_to(user=request.user).filter(
        status__in=[s for s in InspectionStatus.values if s != InspectionStatus.PLANNED]
    ).select_related("unit", "team__round__committee", "round__term")
    initial = {"period_start": team.round.planned_start, "period_end": team.round.planned_end,
               "stationed_on": team.round.planned_start}
    form = InspectionCreateForm(request.POST or None, units=units, earlier=earlier,
                                initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.inspection_create(
                actor=request.user, team=team, units=list(data["units"]), data=data,
                revisit_of=data.get("revisit_of"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(count)d target(s) added to %(team)s.")
                             % {"count": len(created), "team": team.name})
            if len(created) == 1:
                return redirect("inspections:inspection_detail", pk=created[0].pk)
            return redirect("inspections:team_detail", pk=team.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": _("Station %(team)s at targets") % {"team": team.name},
        "back": reverse("inspections:team_detail", args=[team.pk])})


def _inspection_clocks(inspection: Inspection, today: datetime.date) -> list[clocks.Deadline]:
    calendar = clocks.calendar_for(inspection.committee_id)
    policy = clocks.policy_for(inspection.committee)
    items = [
        clocks.Deadline(key="notice", label=clocks.NOTICE_LABEL,
                        due=clocks.notice_due(inspection, calendar=calendar, policy=policy),
                        done=inspection.notified_on is not None
                        or inspection.reached(InspectionStatus.STATIONED),
                        starts=_("stationing date %(day)s") % {"day": inspection.stationed_on}),
        clocks.Deadline(key="intake", label=clocks.INTAKE_LABEL,
                        due=inspection.petition_deadline,
                        done=inspection.reached(InspectionStatus.REPORTING),
                        starts=_("stationing date %(day)s") % {"day": inspection.stationed_on}),
    ]
    for provider in INSPECTION_CLOCKS:
        items.extend(provider(inspection, calendar, policy))
    return [clocks.finish(d, today=today, calendar=calendar) for d in items]


#: Later apps add the inspection's further clocks (plan, report, …): f(inspection, cal, policy).
INSPECTION_CLOCKS: list = []
#: Later apps add panels to the inspection page: f(request, inspection) -> dict | None with
#: "template" and context.


@allow(*CASE_ROLES, Role.LIAISON)
def inspection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_or_404(sel.inspections_visible_to(user=request.user).select_related(
        "unit__committee", "team__round__committee", "round__term", "committee",
        "revisit_of__unit"), pk)
    user = request.user
    today = _today()
    can_edit = can_manage_inspection_or_lead(user=user, inspection=inspection)
    siblings = list(inspection.team.inspections.exclude(pk=inspection.pk).select_related("unit"))
    sections = [s for s in (f(request, inspection) for f in registry.inspection_sections()) if s]
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "channels": inspection.channels.all(),
        "members": sel.members_in_order(inspection.team.members.select_related(
            "inspector__cadre__unit")),
        "clocks": _inspection_clocks(inspection, today),
        "can_edit": can_edit and user.role != Role.LIAISON,
        "station_problems": services.station_problems(inspection)
        if inspection.status == InspectionStatus.PLANNED else [],
        "channel_form": ChannelForm(), "siblings": siblings, "today": today,
        "report_url": public_report_url(request, inspection), "sections": sections,
        "Status": InspectionStatus, "is_liaison": user.role == Role.LIAISON})


@allow(Role.OFFICE, Role.TEAM)
@require_http_methods(["GET", "POST"])
def inspection_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_or_404(sel.inspections_visible_to(user=request.user), pk)
    initial = {f: getattr(inspection, f) for f in services.INSPECTION_FIELDS} | {
        "version": inspection.version}
    form = InspectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.inspection_update(actor=request.user, inspection=inspection, data=data,
                                       version=form.cleaned_data["version"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved. The clocks follow the new dates."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": _("Dates and scope of %(name)s") % {"name": inspection},
        "back": reverse("inspections:inspection_detail", args=[inspection.pk])})


@allow(Role.OFFICE, Role.TEAM)
@require_POST
def inspection_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inspection = get_or_404(sel.inspections_visible_to(user=request.user), pk)
    version = request.POST.get("version")
    version = int(version) if version and version.isdigit() else None
    try:
        if action == "station":
            services.inspection_station(actor=request.user, inspection=inspection,
                                        version=version)
            messages.success(request, _("Stationed: the notice and the reporting page are "
                                        "public now."))
        elif action == "begin-onsite":
            services.inspection_begin_onsite(actor=request.user, inspection=inspection,
                                             version=version)
            messages.success(request, _("On-site work has begun."))
        elif action == "begin-reporting":
            services.inspection_begin_reporting(actor=request.user, inspection=inspection,
                                                version=version)
            messages.success(request, _("The inspection moved to reporting."))
        elif action == "add-channel":
            form = ChannelForm(request.POST)
            if form.is_valid():
                services.channel_add(actor=request.user, inspection=inspection,
                                     data=form.cleaned_data)
                messages.success(request, _("The channel was added."))
            else:
                messages.error(request, _("Choose the kind of channel."))
        elif action == "copy-channels":
            source = get_or_404(inspection.team.inspections.all(),
                                    request.POST.get("source"))
            count = services.channels_copy(actor=request.user, source=source,
                                           target=inspection)
            messages.success(request, _("%(count)d channel(s) copied.") % {"count": count})
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@allow(Role.OFFICE, Role.TEAM)
@require_POST
def channel_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_or_404(Channel.objects.filter(
        inspection__in=sel.inspections_visible_to(user=request.user)), pk)
    try:
        services.channel_remove(actor=request.user, channel=channel)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:inspection_detail", pk=channel.inspection_id)


@allow(Role.OFFICE, Role.TEAM)
def notice_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_or_404(sel.inspections_visible_to(user=request.user).select_related(
        "unit", "team__round__committee", "committee"), pk)
    data = documents.notice_docx(inspection, report_url=public_report_url(request, inspection))
    return docx_response(data, documents.notice_filename(inspection))


# --- the public notice ---------------------------------------------------------------------


@public
def public_notice_view(request: HttpRequest, code: str) -> HttpResponse:
    inspection = sel.inspection_by_public_code(code)
    report_url = public_report_url(request, inspection)
    return render(request, "inspections/public_notice.html", {
        "inspection": inspection, "title": documents.notice_title(inspection),
        "channels": inspection.channels.all(), "report_url": report_url,
        "qr_svg": documents.qr_svg(report_url),
        "intake_open": inspection.intake_open_on(_today())})


@public
def public_qr_view(request: HttpRequest, code: str) -> HttpResponse:
    inspection = sel.inspection_by_public_code(code)
    response = HttpResponse(documents.qr_png(public_report_url(request, inspection)),
                            content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- deadlines, calendar, coverage, timeline ------------------------------------------------


@allow(*Role.values)
def my_deadlines_view(request: HttpRequest) -> HttpResponse:
    today = _today()
    show_done = request.GET.get("done") == "1"
    items = clocks.deadlines_for(request.user, today, include_done=show_done)
    return render(request, "inspections/my_deadlines.html", {
        "deadlines": items, "today": today, "show_done": show_done})


@allow(Role.OFFICE, platform=True)
@require_http_methods(["GET", "POST"])
def calendar_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    committee = None if user.is_superuser else user.committee
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("delete"):
            row = get_or_404(WorkdayOverride.objects.filter(committee=committee),
                                 request.POST["delete"])
            try:
                services.workday_override_delete(actor=user, row=row)
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("inspections:calendar")
        if form.is_valid():
            try:
                services.workday_override_set(actor=user, committee=committee,
                                              date=form.cleaned_data["date"],
                                              is_workday=form.cleaned_data["is_workday"],
                                              note=form.cleaned_data["note"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The calendar was changed."))
                return redirect("inspections:calendar")
    overrides = WorkdayOverride.objects.filter(Q(committee=committee) | Q(committee__isnull=True))
    today = _today()
    years = sorted(official_years())
    calendar = clocks.calendar_for(committee.pk if committee else None)
    policy_form = None
    if committee is not None and user.is_office_admin:
        policy_form = ClockPolicyForm(instance=clocks.policy_for(committee))
    return render(request, "inspections/calendar.html", {
        "form": form, "overrides": overrides.order_by("-date"), "years": years,
        "next_year_known": calendar.covers(today.year + 1),
        "this_year_known": calendar.covers(today.year), "today": today,
        "policy_form": policy_form, "can_edit": user.is_superuser or user.is_office_admin})


@allow(Role.OFFICE)
@require_POST
def clock_policy_view(request: HttpRequest) -> HttpResponse:
    policy = clocks.policy_for(request.user.committee)
    form = ClockPolicyForm(request.POST, instance=policy)
    if form.is_valid():
        try:
            services.clock_policy_update(actor=request.user, committee=request.user.committee,
                                         data=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The clocks were saved."))
    else:
        messages.error(request, _("Check the numbers: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
    return redirect("inspections:calendar")


def _term_for(request) -> Term:
    terms = Term.objects.filter(committee_id=request.user.committee_id).order_by("-starts_on")
    wanted = request.GET.get("term")
    if wanted:
        term = terms.filter(pk=wanted if str(wanted).isdigit() else 0).first()
        if term is None:
            raise Forbidden()
        return term
    today = _today()
    return terms.filter(starts_on__lte=today, ends_on__gte=today).first() or terms.first()


@allow(*PLANNERS)
def coverage_view(request: HttpRequest) -> HttpResponse:
    term = _term_for(request)
    if term is None:
        return render(request, "inspections/coverage.html", {"coverage": None})
    data = term_coverage(term=term, today=_today())
    return render(request, "inspections/coverage.html", {
        "coverage": data, "terms": Term.objects.filter(committee_id=request.user.committee_id),
        "term": term})


@allow(*PLANNERS)
def timeline_view(request: HttpRequest) -> HttpResponse:
    term = _term_for(request)
    rows = []
    if term is not None:
        span = max(1, (term.ends_on - term.starts_on).days)

        def bar(start, end):
            left = max(0.0, (start - term.starts_on).days / span * 100)
            width = max(0.6, min(100 - left, (end - start).days / span * 100))
            return {"left": f"{left:.2f}", "width": f"{width:.2f}"}

        rounds = (Round.objects.filter(term=term).select_related("committee", "term")
                  .prefetch_related(Prefetch("teams__inspections",
                                             queryset=Inspection.objects.select_related("unit")),
                                    "teams__members__inspector__cadre")
                  .order_by("planned_start"))
        for r in rounds:
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
    years = []
    if term is not None:
        span = max(1, (term.ends_on - term.starts_on).days)
        for year in range(term.starts_on.year + 1, term.ends_on.year + 1):
            left = (datetime.date(year, 1, 1) - term.starts_on).days / span * 100
            years.append({"year": year, "left": f"{left:.2f}"})
        today = _today()
        today_left = ((today - term.starts_on).days / span * 100
                      if term.starts_on <= today <= term.ends_on else None)
    else:
        today_left = None
    return render(request, "inspections/timeline.html", {
        "term": term, "rows": rows, "years": years,
        "terms": Term.objects.filter(committee_id=request.user.committee_id),
        "today_left": f"{today_left:.2f}" if today_left is not None else None})
