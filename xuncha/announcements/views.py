"""Pasting an announcement, reviewing the extraction beside the highlighted text, and
turning it into an inspection."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection, Team
from xuncha.lib.errors import DomainError
from xuncha.lib.lookup import get_or_404
from xuncha.lib.textnorm import normalize
from xuncha.organizations.models import Unit
from xuncha.organizations.selectors import committee_subtree
from xuncha.web.access import allow
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate

from . import services
from .extract import extract_with_spans
from .forms import ApplyForm, PasteForm, ReviewForm
from .models import Announcement


def _announcements(user):
    return Announcement.objects.filter(committee_id=user.committee_id)


@allow(Role.OFFICE)
def list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "announcements/list.html", {
        "page": paginate(request, _announcements(request.user).select_related("created_by"))})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def create_view(request: HttpRequest) -> HttpResponse:
    form = PasteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.announcement_create(actor=request.user,
                                                        text=form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("announcements:detail", pk=announcement.pk)
    return render(request, "announcements/create.html", {"form": form})


def highlighted(text: str, spans: dict) -> str:
    """The text as HTML with every extracted value marked (escaped; no markup from input)."""
    marks = sorted(((start, end, field) for field, items in spans.items()
                    for start, end in items), key=lambda m: (m[0], -m[1]))
    out, position = [], 0
    for start, end, field in marks:
        if start < position:
            continue  # overlapping: the first mark wins
        out.append(escape(text[position:start]))
        out.append(f'<mark class="f-{field}" title="{field}">{escape(text[start:end])}</mark>')
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece of input is escaped above)


def _apply_form(request, announcement, data=None):
    committee = request.user.committee
    teams = Team.objects.filter(round__committee=committee).select_related(
        "round__term", "round__committee").order_by("-round__planned_start", "number")
    units = Unit.objects.filter(committee__in=committee_subtree(committee).values("pk"),
                                archived_at__isnull=True).order_by("code")
    inspections = Inspection.objects.filter(committee=committee).select_related(
        "unit", "team").order_by("-period_start")[:300]
    initial_units = []
    for target in announcement.values.get("targets") or []:
        name = normalize(target)
        initial_units += [u.pk for u in units if normalize(u.name) == name
                          or normalize(u.name).endswith(name)]
    return ApplyForm(data, teams=teams, units=units,
                     inspections=Inspection.objects.filter(pk__in=[i.pk for i in inspections]),
                     initial={"units": initial_units})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_or_404(_announcements(request.user), pk)
    form = ReviewForm(request.POST or None,
                      initial=ReviewForm.initial_from(announcement.values))
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_review(actor=request.user, announcement=announcement,
                                         data=form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The reviewed values were saved."))
            return redirect("announcements:detail", pk=announcement.pk)
    _values, spans = extract_with_spans(announcement.text)
    return render(request, "announcements/detail.html", {
        "announcement": announcement, "form": form, "apply_form": _apply_form(
            request, announcement), "highlighted": highlighted(announcement.text, spans),
        "linked": announcement.inspections.select_related("unit", "team")})


@allow(Role.OFFICE)
@require_POST
def apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_or_404(_announcements(request.user), pk)
    form = _apply_form(request, announcement, request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the team, units or inspection."))
        return redirect("announcements:detail", pk=announcement.pk)
    data = form.cleaned_data
    try:
        made = services.announcement_apply(actor=request.user, announcement=announcement,
                                           team=data["team"], units=data["units"],
                                           inspection=data["inspection"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("announcements:detail", pk=announcement.pk)
    messages.success(request, _("%(n)d inspection(s) created or updated from the announcement.")
                     % {"n": len(made)})
    if len(made) == 1:
        return redirect("inspections:inspection_detail", pk=made[0].pk)
    return redirect("announcements:detail", pk=announcement.pk)
