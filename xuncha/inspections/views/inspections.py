"""Pages of inspections: the list, adding targets, an inspection with its dates, channels and
moves, the notice, and the public notice and QR code."""

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib.errors import DomainError
from xuncha.lib.lookup import get_or_404
from xuncha.lib.workdays import Calendar
from xuncha.teamwork.selectors import supervision_for
from xuncha.web import registry
from xuncha.web.access import allow_if, public
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import docx_response

from .. import clocks, documents
from .. import selectors as sel
from ..access import (
    access_channel,
    access_inspection,
    can_change_inspection,
    can_manage_inspection_or_lead,
    can_open_inspection_forms,
    can_open_inspections,
    can_open_office_forms,
    is_liaison_of,
)
from ..forms import (
    ChannelCopyForm,
    ChannelForm,
    InspectionCreateForm,
    InspectionFilter,
    InspectionForm,
    MoveForm,
)
from ..models import ClockPolicy, Inspection, InspectionStatus
from ..moves import (
    inspection_begin_onsite,
    inspection_begin_reporting,
    inspection_station,
    station_problems,
)
from ..targets import (
    INSPECTION_FIELDS,
    ChannelsCopied,
    channel_add,
    channel_remove,
    channels_copy,
    inspection_create,
    inspection_update,
)
from .common import form_errors, public_report_url, step


def _today() -> datetime.date:
    return timezone.localdate()


def _detail(inspection_pk: int) -> str:
    return reverse("inspections:inspection_detail", args=[inspection_pk])


@allow_if(can_open_inspections)
def inspection_list_view(request: AuthedHttpRequest) -> HttpResponse:
    rounds = sel.rounds_visible_to(user=request.user).select_related("term", "committee")
    filters = InspectionFilter(request.GET or None, rounds=rounds)
    criteria = filters.cleaned()
    if "round" in criteria:
        criteria["round"] = criteria["round"].pk
    qs = sel.inspections_filter(sel.inspections_visible_to(user=request.user),
                                **criteria).select_related(
        "unit", "team__round__committee", "round__term", "round__committee", "committee").order_by(
        "-period_start", "pk")
    template = "inspections/_inspection_rows.html" if HtmxDetails(request) else (
        "inspections/inspection_list.html")
    return render(request, template, {"filters": filters, "page": paginate(request, qs),
                                      "today": _today()})


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def inspection_create_view(request: AuthedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_or_404(sel.teams_visible_to(user=request.user).select_related(
        "round__committee"), team_pk)
    initial = {"period_start": team.round.planned_start, "period_end": team.round.planned_end,
               "stationed_on": team.round.planned_start}
    form = InspectionCreateForm(request.POST or None, units=sel.target_units(team=team),
                                earlier=sel.earlier_inspections(user=request.user),
                                initial=initial)
    elsewhere: list[Inspection] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        elsewhere = sel.active_inspections_elsewhere(
            user=request.user, round=team.round, units=list(data["units"]),
            revisit_of=data.get("revisit_of"))
        if elsewhere and not data.get("confirm_active"):
            # Warn first (which inspection, which round); the form comes back to confirm.
            confirmed = request.POST.copy()
            confirmed["confirm_active"] = "on"
            form.data = confirmed
            return render(request, "inspections/form.html", {
                "form": form, "title": _("Station %(team)s at targets") % {"team": team.name},
                "back": reverse("inspections:team_detail", args=[team.pk]),
                "elsewhere": elsewhere})
        try:
            created = inspection_create(actor=request.user, team=team, units=list(data["units"]),
                                        data=data, revisit_of=data.get("revisit_of"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(count)d target(s) added to %(team)s.")
                             % {"count": len(created), "team": team.name})
            for other in elsewhere:
                messages.warning(request, _active_elsewhere(other))
            if len(created) == 1:
                return redirect("inspections:inspection_detail", pk=created[0].pk)
            return redirect("inspections:team_detail", pk=team.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": _("Station %(team)s at targets") % {"team": team.name},
        "back": reverse("inspections:team_detail", args=[team.pk])})


def _active_elsewhere(other: Inspection) -> str:
    return _("%(unit)s is still under an inspection of another round: %(team)s, %(round)s "
             "(%(status)s).") % {"unit": other.unit.name, "team": other.team.name,
                                 "round": other.round, "status": other.get_status_display()}


#: Later apps add the inspection's further clocks (plan, report, …): f(inspection, cal, policy).
INSPECTION_CLOCKS: list[Callable[[Inspection, Calendar, ClockPolicy], list[clocks.Deadline]]] = []


def _inspection_clocks(inspection: Inspection, today: datetime.date) -> list[clocks.Deadline]:
    calendar = clocks.calendar_for(inspection.committee_id)
    policy = clocks.policy_for(inspection.committee)
    items = [
        clocks.Deadline(key="notice", label=clocks.NOTICE_LABEL,
                        due=clocks.notice_due(inspection, calendar=calendar, policy=policy),
                        done=inspection.notified_on is not None
                        or inspection.reached(InspectionStatus.STATIONED),
                        done_on=inspection.notified_on,
                        starts=_("stationing date %(day)s") % {"day": inspection.stationed_on}),
        clocks.Deadline(key="intake", label=clocks.INTAKE_LABEL,
                        due=inspection.petition_deadline,
                        done=inspection.reached(InspectionStatus.REPORTING),
                        starts=_("stationing date %(day)s") % {"day": inspection.stationed_on}),
    ]
    for provider in INSPECTION_CLOCKS:
        items.extend(provider(inspection, calendar, policy))
    return [clocks.finish(d, today=today, calendar=calendar) for d in items]


@allow_if(can_open_inspections)
def inspection_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_or_404(sel.inspections_visible_to(user=request.user).select_related(
        "unit__committee", "team__round__committee", "round__term", "committee",
        "revisit_of__unit"), pk)
    user = request.user
    today = _today()
    can_edit = can_manage_inspection_or_lead(user=user, inspection=inspection)
    sections = [s for s in (f(request, inspection) for f in registry.inspection_sections()) if s]
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "channels": inspection.channels.all(),
        "members": sel.inspection_members(inspection),
        "clocks": _inspection_clocks(inspection, today),
        "can_edit": can_edit,
        "can_change": can_edit and can_change_inspection(user=user, inspection=inspection),
        "station_problems": station_problems(inspection)
        if inspection.status == InspectionStatus.PLANNED else [],
        "channel_form": ChannelForm(), "siblings": sel.inspection_siblings(inspection),
        "today": today, "report_url": public_report_url(request, inspection),
        "sections": sections, "Status": InspectionStatus,
        "is_liaison": is_liaison_of(user=user, inspection=inspection)})


@allow_if(can_open_inspection_forms)
@require_http_methods(["GET", "POST"])
def inspection_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    initial = {f: getattr(inspection, f) for f in INSPECTION_FIELDS} | {
        "version": inspection.version}
    form = InspectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
        try:
            inspection_update(actor=request.user, inspection=inspection, data=data,
                              version=form.cleaned_data["version"],
                              reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved. The clocks follow the new dates."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/form.html", {
        "form": form, "title": _("Dates and scope of %(name)s") % {"name": inspection},
        "back": reverse("inspections:inspection_detail", args=[inspection.pk])})


# --- moves -------------------------------------------------------------------------------------
# A move posts the version the page showed (MoveForm): a page gone stale is refused.


@allow_if(can_open_inspection_forms)
@require_POST
def inspection_station_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    return step(request, lambda d: inspection_station(
        actor=request.user, inspection=inspection, version=d["version"]),
        form=MoveForm(request.POST), back=_detail(inspection.pk),
        success=_("Stationed: the notice and the reporting page are public now."))


@allow_if(can_open_inspection_forms)
@require_POST
def inspection_begin_onsite_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    return step(request, lambda d: inspection_begin_onsite(
        actor=request.user, inspection=inspection, version=d["version"]),
        form=MoveForm(request.POST), back=_detail(inspection.pk),
        success=_("On-site work has begun."))


@allow_if(can_open_inspection_forms)
@require_POST
def inspection_begin_reporting_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    return step(request, lambda d: inspection_begin_reporting(
        actor=request.user, inspection=inspection, version=d["version"]),
        form=MoveForm(request.POST), back=_detail(inspection.pk),
        success=_("The inspection moved to reporting."))


# --- channels ----------------------------------------------------------------------------------


@allow_if(can_open_inspection_forms)
@require_POST
def channel_add_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    return step(request, lambda d: channel_add(
        actor=request.user, inspection=inspection, data=d),
        form=ChannelForm(request.POST), back=_detail(inspection.pk),
        success=_("The channel was added."),
        failed=lambda form: _("Choose the kind of channel.") if "kind" in form.errors
        else form_errors(form))


@allow_if(can_open_inspection_forms)
@require_POST
def channels_copy_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(user=request.user, pk=pk)
    return step(request, lambda d: channels_copy(
        actor=request.user, source=d["source"], target=inspection),
        form=ChannelCopyForm(request.POST, sources=sel.team_inspections(inspection)),
        back=_detail(inspection.pk),
        success=_copied_message)


def _copied_message(result: ChannelsCopied) -> str:
    text = _("%(count)d channel(s) copied.") % {"count": result.copied}
    if result.skipped:
        text += " " + _("Not copied: the other target's online reporting link, suggestion "
                        "boxes and reception rooms (%(count)d), which belong to that target; "
                        "this target keeps its own.") % {"count": result.skipped}
    return text


@allow_if(can_open_inspection_forms)
@require_POST
def channel_remove_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    channel = access_channel(user=request.user, pk=pk)
    return step(request, lambda d: channel_remove(actor=request.user, channel=channel),
                back=_detail(channel.inspection_id), success=None)


@allow_if(can_open_inspection_forms)
def notice_docx_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_or_404(sel.inspections_visible_to(user=request.user).select_related(
        "unit", "team__round__committee", "committee"), pk)
    data = documents.notice_docx(inspection, report_url=public_report_url(request, inspection))
    return docx_response(data, documents.notice_filename(inspection))


# --- the public notice ---------------------------------------------------------------------


def _public_notice_title(inspection: Inspection) -> str:
    """The notice's title in the reader's language (the .docx keeps the official one)."""
    committee = inspection.committee
    params = {"team": f"{committee.short_name}{inspection.team.name}",
              "unit": inspection.unit.name}
    if committee.is_inspection_level_xunshi:
        return _("Notice of the tour inspection of %(unit)s by %(team)s") % params
    return _("Notice of the inspection of %(unit)s by %(team)s") % params


@public
def public_notice_view(request: HttpRequest, code: str) -> HttpResponse:
    inspection = sel.inspection_by_public_code(code)
    report_url = public_report_url(request, inspection)
    return render(request, "inspections/public_notice.html", {
        "inspection": inspection, "title": _public_notice_title(inspection),
        "channels": inspection.channels.all(), "report_url": report_url,
        "qr_svg": documents.qr_svg(report_url),
        "supervision": supervision_for(inspection),  # reports about the team itself
        "intake_state": inspection.intake_state(_today())})


@public
def public_qr_view(request: HttpRequest, code: str) -> HttpResponse:
    inspection = sel.inspection_by_public_code(code)
    response = HttpResponse(documents.qr_png(public_report_url(request, inspection)),
                            content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
