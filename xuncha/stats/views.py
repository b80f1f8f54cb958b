"""The oversight dashboard: a committee's own figures, its lower committees side by side,
charts with their tables, drill-down to the lists behind the figures, and exports.

Scope: the office, the leading group and the oversight users of a committee read that
committee and every committee under it. Below their own committee they read statistics
and rectification measures only — never petitions, clues or reporters.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.findings.models import ClueHandling, ClueStatus, FourForms
from xuncha.findings.services import categories_for
from xuncha.inspections.models import InspectionStatus, Round, RoundStatus
from xuncha.lib.lookup import get_or_404
from xuncha.organizations.models import Committee, Term, UnitKind
from xuncha.petitions.models import Channel, Discipline, Status, TransferCategory
from xuncha.rectification.models import MeasureStatus
from xuncha.rectification.selectors import measures_filter
from xuncha.web.access import allow
from xuncha.web.forms import DateInput, FilterForm
from xuncha.web.paging import paginate

from . import documents
from .charts import Bar, bar_chart
from .figures import (
    Figures,
    Filters,
    _range,
    _via_inspection,
    inspector_load,
    mark_seen,
    rollup,
)
from .selectors import measures_readable, readable_committee

READERS = (Role.OFFICE, Role.LEADERSHIP, Role.OVERSIGHT)


class StatsFilter(FilterForm):
    committee = forms.IntegerField(widget=forms.HiddenInput, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False,
                                  empty_label=_("All"))
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(),
                                   required=False, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Unit kind"), required=False,
                             choices=[("", _("All kinds")), *UnitKind.choices])

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.filter(committee=committee)
        self.fields["round"].queryset = Round.objects.filter(committee=committee).select_related(
            "term", "committee").order_by("-planned_start")

    def filters(self) -> Filters:
        c = self.cleaned()
        date_from, date_to = c.get("date_from"), c.get("date_to")
        if c.get("year") and not (date_from or date_to):
            date_from = datetime.date(c["year"], 1, 1)
            date_to = datetime.date(c["year"], 12, 31)
        return Filters(date_from=date_from, date_to=date_to,
                       term=c["term"].pk if c.get("term") else None,
                       round=c["round"].pk if c.get("round") else None, kind=c.get("kind", ""))


def _readable_committee(request: HttpRequest) -> Committee:
    return readable_committee(user=request.user, committee_id=request.GET.get("committee"))


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


class Drill:
    """Where each figure leads: the real lists for the reader's own committee and role; the
    read-only measure list for committees below (statistics only otherwise)."""

    def __init__(self, *, user, committee: Committee, f: Filters):
        self.own = committee.pk == user.committee_id
        self.role = user.role
        self.committee = committee
        self.f = f
        period = {"date_from": f.date_from, "date_to": f.date_to}
        self.period = {k: v.isoformat() for k, v in period.items() if v}

    def inspections(self, status: str) -> str | None:
        if self.own and self.role in (Role.OFFICE, Role.LEADERSHIP):
            return _url("inspections:inspection_list", status=status, kind=self.f.kind,
                        round=self.f.round)
        return None

    def petitions(self, **params) -> str | None:
        if self.own and self.role == Role.OFFICE:
            return _url("petitions:list", **params, **self.period)
        return None

    def problems(self, category_pk: int | None) -> str | None:
        if self.own and self.role in (Role.OFFICE, Role.LEADERSHIP) and category_pk:
            return _url("findings:library", category=category_pk, kind=self.f.kind)
        return None

    def clues(self, status: str) -> str | None:
        if self.own and self.role == Role.OFFICE:
            return _url("findings:clue_list", status=status)
        return None

    def measures(self, committee: Committee | None = None, *, subtree: bool = False,
                 **params) -> str:
        return _url("stats:measure_list", committee=(committee or self.committee).pk,
                    subtree="1" if subtree else "", term=self.f.term, round=self.f.round,
                    kind=self.f.kind, **params, **self.period)


def _bars(counter, choices, link=None) -> list[Bar]:
    labels = dict(choices)
    keys = [k for k in labels if counter.get(k)] + [k for k in counter if k not in labels]
    return [Bar(label=str(labels.get(k, k or "—")), value=counter[k],
                url=link(k) if link else None) for k in keys if counter.get(k)]


def _sections(fig: Figures, drill: Drill, committee: Committee) -> list[dict]:
    categories = {c.name: c.pk for c in categories_for(committee)} if drill.own else {}
    petition_status = [*Status.choices]
    sections = [
        {"title": _g("Inspections by state"), "bars": _bars(
            fig.inspections, InspectionStatus.choices, drill.inspections)},
        {"title": _g("Rounds by state"), "bars": _bars(fig.rounds, RoundStatus.choices)},
        {"title": _g("Petitions by channel"), "bars": _bars(
            fig.petitions_channel, Channel.choices, lambda k: drill.petitions(channel=k))},
        {"title": _g("Petitions by category"), "bars": _bars(
            fig.petitions_category, [*Discipline.choices, *TransferCategory.choices],
            lambda k: drill.petitions(category=k))},
        {"title": _g("Petitions by triage outcome"), "bars": _bars(
            fig.petitions_status, petition_status, lambda k: drill.petitions(status=k))},
        {"title": _g("Problems by category"), "bars": [
            Bar(label=name or "—", value=n, url=drill.problems(categories.get(name)))
            for name, n in fig.problems_category.most_common()]},
        {"title": _g("Clues by state"), "bars": _bars(fig.clues_status, ClueStatus.choices,
                                                      drill.clues)},
        {"title": _g("Clues by handling"), "bars": _bars(fig.clues_handling,
                                                         ClueHandling.choices)},
        {"title": _g("Clue outcomes (four forms)"), "bars": _bars(fig.clues_outcome,
                                                                  FourForms.choices)},
        {"title": _g("Measures by state"), "bars": _bars(
            fig.measures_status, MeasureStatus.choices,
            lambda k: drill.measures(status=k))},
    ]
    for section in sections:
        section["total"] = sum(b.value for b in section["bars"])
        section["chart"] = bar_chart(section["bars"], title=section["title"])
    return sections


def _context(request: HttpRequest) -> dict:
    committee = _readable_committee(request)
    form = StatsFilter(request.GET or None, committee=committee)
    f = form.filters()
    data = rollup(committee, f, fresh=request.GET.get("fresh") == "1")
    mark_seen(committee.pk)
    drill = Drill(user=request.user, committee=committee, f=f)
    rows = [{"committee": c, "fig": fig,
             "dashboard": _url("stats:dashboard", committee=c.pk, **f.params()),
             "overdue": drill.measures(c, subtree=True, light="overdue"),
             "measures": drill.measures(c, subtree=True)} for c, fig in data.rows]
    return {"committee": committee, "filters": form, "f": f, "data": data, "own": data.own,
            "rows": rows, "drill": drill,
            "sections": _sections(data.own, drill, committee),
            "overdue_url": drill.measures(light="overdue"),
            "measures_url": drill.measures(),
            "coverage_url": (_url("inspections:coverage", term=f.term)
                             if drill.own and request.user.role in (Role.OFFICE,
                                                                     Role.LEADERSHIP) else None),
            "load": inspector_load(committee, f) if drill.own else [],
            "ancestors": Committee.objects.filter(
                pk__in=committee.ancestor_ids()).filter(
                path__startswith=request.user.committee.path).order_by("path")
            if committee.pk != request.user.committee_id else [],
            "rollup_chart": bar_chart(
                [Bar(label=r["committee"].short_name or r["committee"].name,
                     value=r["fig"].completion or 0, url=r["dashboard"],
                     note=f"{r['fig'].completion:.2f}%" if r["fig"].completion is not None
                     else "—") for r in rows],
                title=_g("Completion of rectification by committee"), unit="%"),
            "query": urlencode(request.GET)}


@allow(*READERS)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/dashboard.html", _context(request))


def _download(ctx, data: bytes, extension: str, content_type: str) -> HttpResponse:
    name = f"stats-{ctx['committee'].code}-{timezone.localdate():%Y%m%d}.{extension}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allow(*READERS)
def export_xlsx_view(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    return _download(ctx, documents.workbook(ctx), "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@allow(*READERS)
def export_docx_view(request: HttpRequest) -> HttpResponse:
    ctx = _context(request)
    return _download(ctx, documents.report(ctx), "docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


class MeasureFilter(StatsFilter):
    subtree = forms.CharField(widget=forms.HiddenInput, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *MeasureStatus.choices])
    light = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("All")), ("overdue", _("Overdue")), ("due_soon", _("Due within 20 days"))])


def _measures_in_scope(request: HttpRequest):
    committee = _readable_committee(request)
    form = MeasureFilter(request.GET or None, committee=committee)
    f = form.filters()
    c = form.cleaned()
    qs = measures_readable(user=request.user)
    if c.get("subtree"):
        qs = qs.filter(committee__path__startswith=committee.path)
    else:
        qs = qs.filter(committee=committee)
    qs = qs.filter(_range("deadline", f), _via_inspection("inspection__", f))
    qs = measures_filter(qs, q=c.get("q", ""), status=c.get("status", ""),
                         light=c.get("light", ""), kind=f.kind)
    return committee, form, qs


@allow(*READERS)
def measure_list_view(request: HttpRequest) -> HttpResponse:
    committee, form, qs = _measures_in_scope(request)
    qs = qs.select_related("inspection__unit", "committee", "problem").order_by("deadline", "pk")
    template = "stats/_measure_rows.html" if request.htmx else "stats/measure_list.html"
    return render(request, template, {"committee": committee, "filters": form,
                                      "page": paginate(request, qs),
                                      "today": timezone.localdate()})


@allow(*READERS)
def measure_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    qs = measures_readable(user=request.user).select_related(
        "inspection__unit", "inspection__team__round", "committee", "problem")
    measure = get_or_404(qs, pk)
    return render(request, "stats/measure_detail.html", {
        "m": measure, "progress": measure.progress.select_related("author").order_by(
            "created_at"),
        "evidence": measure.evidence.order_by("uploaded_at"),
        "today": timezone.localdate(),
        "own": measure.committee_id == request.user.committee_id})
