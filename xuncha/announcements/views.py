"""Pasting an announcement, reviewing the extraction beside the highlighted text, and
turning it into an inspection."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib.errors import DomainError
from xuncha.lib.textnorm import normalize
from xuncha.web.access import allow_if
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate

from .access import access_announcement, can_open_announcements
from .extract import Spans, extract_for_review
from .forms import LEVELS, ApplyForm, PasteForm, ReviewForm
from .models import Announcement
from .selectors import announcements_visible_to, apply_choices
from .services import announcement_apply, announcement_create, announcement_review, leader_differs


@allow_if(can_open_announcements)
def list_view(request: AuthedHttpRequest) -> HttpResponse:
    page = paginate(request, announcements_visible_to(user=request.user)
                    .select_related("created_by"))
    kinds = dict(ReviewForm.base_fields["kind"].choices)  # type: ignore[attr-defined]
    page.object_list = list(page.object_list)
    for announcement in page.object_list:
        announcement.kind_label = kinds.get(announcement.values.get("kind"), "—")
    return render(request, "announcements/list.html", {"page": page})


@allow_if(can_open_announcements)
@require_http_methods(["GET", "POST"])
def create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = PasteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = announcement_create(actor=request.user,
                                               text=form.cleaned_data["text"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("announcements:detail", pk=announcement.pk)
    return render(request, "announcements/create.html", {"form": form})


def highlighted(text: str, spans: Spans, labels: dict[str, str] | None = None) -> SafeString:
    """The text as HTML with every extracted value marked (escaped; no markup from input);
    each mark's tooltip is the field's label in the reader's language."""
    labels = labels or {}
    marks = sorted(((start, end, field) for field, items in spans.items()
                    for start, end in items), key=lambda m: (m[0], -m[1]))
    out: list[str] = []
    position = 0
    for start, end, field in marks:
        if start < position:
            continue  # overlapping: the first mark wins
        out.append(escape(text[position:start]))
        title = escape(labels.get(field, field))
        out.append(f'<mark class="f-{field}" title="{title}">{escape(text[start:end])}</mark>')
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece of input is escaped above)


def _apply_form(request: AuthedHttpRequest, announcement: Announcement,
                data: Any = None) -> ApplyForm:
    """The apply form, its target units preselected by the names the announcement gives."""
    choices = apply_choices(user=request.user)
    initial_units = []
    for target in announcement.values.get("targets") or []:
        name = normalize(target)
        initial_units += [u.pk for u in choices.units if normalize(u.name) == name
                          or normalize(u.name).endswith(name)]
    return ApplyForm(data, teams=choices.teams, units=choices.units,
                     inspections=choices.inspections, initial={"units": initial_units})


def _detail(request: AuthedHttpRequest, announcement: Announcement, *,
            form: ReviewForm | None = None, apply_form: ApplyForm | None = None,
            status: int = 200) -> HttpResponse:
    _values, spans, confidence = extract_for_review(announcement.text)
    if form is None:
        form = ReviewForm(initial=ReviewForm.initial_from(announcement.values,
                                                          announcement.title),
                          confidence=confidence)
    return render(request, "announcements/detail.html", {
        "announcement": announcement, "form": form,
        "apply_form": apply_form or _apply_form(request, announcement),
        "highlighted": highlighted(announcement.text, spans, {
            name: str(field.label) for name, field in form.fields.items()}),
        "confidence": [(form[name].label, verdict["level"], LEVELS[verdict["level"]])
                       for name, verdict in confidence.items() if name in form.fields],
        "linked": announcement.inspections.select_related("unit", "team")}, status=status)


@allow_if(can_open_announcements)
@require_http_methods(["GET", "POST"])
def detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    announcement = access_announcement(user=request.user, pk=pk)
    if request.method != "POST":
        return _detail(request, announcement)
    _values, _spans, confidence = extract_for_review(announcement.text)
    form = ReviewForm(request.POST, initial=ReviewForm.initial_from(announcement.values,
                                                                    announcement.title),
                      confidence=confidence)
    if form.is_valid():
        try:
            announcement_review(actor=request.user, announcement=announcement,
                                data=form.values())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The reviewed values were saved."))
            return redirect("announcements:detail", pk=announcement.pk)
    return _detail(request, announcement, form=form)


@allow_if(can_open_announcements)
@require_POST
def apply_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    announcement = access_announcement(user=request.user, pk=pk)
    form = _apply_form(request, announcement, request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the team, units or inspection."))
        return redirect("announcements:detail", pk=announcement.pk)
    data = form.cleaned_data
    team = data["team"]
    if team is not None and data["inspection"] is None and not data["leader_confirmed"]:
        actual = leader_differs(announcement.values, team)
        if actual is not None:
            # Nothing is created: the office confirms or picks another team first.
            form.add_error("leader_confirmed", _(
                "The text names %(named)s as 组长, but the leader of %(team)s is %(actual)s. "
                "Choose the right team, or tick the box to apply anyway.") % {
                "named": announcement.values.get("leader"),
                "team": f"{team.round.name}·{team.name}", "actual": actual})
            return _detail(request, announcement, apply_form=form, status=200)
    try:
        made = announcement_apply(actor=request.user, announcement=announcement,
                                  team=team, units=data["units"],
                                  inspection=data["inspection"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("announcements:detail", pk=announcement.pk)
    messages.success(request, _("%(n)d inspection(s) created or updated from the announcement.")
                     % {"n": len(made)})
    if len(made) == 1:
        return redirect("inspections:inspection_detail", pk=made[0].pk)
    return redirect("announcements:detail", pk=announcement.pk)
