"""The oversight dashboard: a committee's own figures, its lower committees side by side,
charts with their tables, drill-down to the lists behind the figures, and exports.

Scope: the office, the leading group and the oversight users of a committee read that
committee and every committee under it. Below their own committee they read statistics
and rectification measures only — never petitions, clues or reporters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.accounts.models import User
from xuncha.findings.access import can_open_clues, can_open_library
from xuncha.findings.models import ClueHandling, ClueStatus, FourForms
from xuncha.findings.selectors import categories_for
from xuncha.inspections.access import can_open_inspections, can_open_planning
from xuncha.inspections.models import InspectionStatus, RoundStatus
from xuncha.organizations.models import Committee
from xuncha.petitions.access import can_open_petitions
from xuncha.petitions.models import Channel, Discipline, Status, TransferCategory
from xuncha.rectification.models import MeasureStatus
from xuncha.web.access import allow_if
from xuncha.web.paging import paginate

from . import documents
from .access import (
    access_committee,
    access_measure,
    can_follow_figure,
    can_open_in_ledger,
    can_open_statistics,
    is_own_committee,
)
from .charts import Bar, bar_chart
from .figures import Figures, Filters, inspector_load, mark_seen, rollup
from .forms import MeasureFilter, StatsFilter
from .selectors import committee_ancestors, measures_listed

Link = Callable[[Any], str | None]


def _readable_committee(request: AuthedHttpRequest) -> Committee:
    return access_committee(user=request.user, pk=request.GET.get("committee"))


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


class Drill:
    """Where each figure leads: the real lists for the reader's own committee, as far as
    the reader may open them; the read-only measure list for committees below (statistics
    only otherwise)."""

    def __init__(self, *, user: User, committee: Committee, f: Filters):
        self.own = is_own_committee(user=user, committee_id=committee.pk)
        self.to_inspections = can_follow_figure(user=user, committee=committee,
                                                page=can_open_inspections)
        self.to_petitions = can_follow_figure(user=user, committee=committee,
                                              page=can_open_petitions)
        self.to_problems = can_follow_figure(user=user, committee=committee,
                                             page=can_open_library)
        self.to_clues = can_follow_figure(user=user, committee=committee, page=can_open_clues)
        self.to_coverage = can_follow_figure(user=user, committee=committee,
                                             page=can_open_planning)
        self.committee = committee
        self.f = f
        period = {"date_from": f.date_from, "date_to": f.date_to}
        self.period = {k: v.isoformat() for k, v in period.items() if v}

    def inspections(self, status: str) -> str | None:
        if self.to_inspections:
            return _url("inspections:inspection_list", status=status, kind=self.f.kind,
                        round=self.f.round)
        return None

    def petitions(self, **params: Any) -> str | None:
        if self.to_petitions:
            return _url("petitions:list", **params, **self.period)
        return None

    def problems(self, category_pk: int | None) -> str | None:
        if self.to_problems and category_pk:
            return _url("findings:library", category=category_pk, kind=self.f.kind)
        return None

    def clues(self, status: str) -> str | None:
        if self.to_clues:
            return _url("findings:clue_list", status=status)
        return None

    def coverage(self) -> str | None:
        if self.to_coverage:
            return _url("inspections:coverage", term=self.f.term)
        return None

    def measures(self, committee: Committee | None = None, *, subtree: bool = False,
                 **params: Any) -> str:
        return _url("stats:measure_list", committee=(committee or self.committee).pk,
                    subtree="1" if subtree else "", term=self.f.term, round=self.f.round,
                    kind=self.f.kind, **params, **self.period)


def _bars(counter: Mapping[str, int], choices: Iterable[tuple[str, Any]],
          link: Link | None = None) -> list[Bar]:
    labels = dict(choices)
    keys = [k for k in labels if counter.get(k)] + [k for k in counter if k not in labels]
    return [Bar(label=str(labels.get(k, k or "—")), value=counter[k],
                url=link(k) if link else None) for k in keys if counter.get(k)]


def _section(title: str, bars: list[Bar]) -> dict[str, Any]:
    return {"title": title, "bars": bars, "total": sum(b.value for b in bars),
            "chart": bar_chart(bars, title=title)}


def _sections(fig: Figures, drill: Drill, committee: Committee) -> list[dict[str, Any]]:
    categories = {c.name: c.pk for c in categories_for(committee)} if drill.own else {}
    petition_status = [*Status.choices]
    return [
        _section(gettext("Inspections by state"), _bars(
            fig.inspections, InspectionStatus.choices, drill.inspections)),
        _section(gettext("Rounds by state"), _bars(fig.rounds, RoundStatus.choices)),
        _section(gettext("Petitions by channel"), _bars(
            fig.petitions_channel, Channel.choices, lambda k: drill.petitions(channel=k))),
        _section(gettext("Petitions by category"), _bars(
            fig.petitions_category, [*Discipline.choices, *TransferCategory.choices],
            lambda k: drill.petitions(category=k))),
        _section(gettext("Petitions by triage outcome"), _bars(
            fig.petitions_status, petition_status, lambda k: drill.petitions(status=k))),
        _section(gettext("Problems by category"), [
            Bar(label=name or "—", value=n, url=drill.problems(categories.get(name)))
            for name, n in fig.problems_category.most_common()]),
        _section(gettext("Clues by state"), _bars(fig.clues_status, ClueStatus.choices,
                                             drill.clues)),
        _section(gettext("Clues by handling"), _bars(fig.clues_handling, ClueHandling.choices)),
        _section(gettext("Clue outcomes (four forms)"), _bars(fig.clues_outcome,
                                                         FourForms.choices)),
        _section(gettext("Measures by state"), _bars(
            fig.measures_status, MeasureStatus.choices, lambda k: drill.measures(status=k))),
    ]


def _context(request: AuthedHttpRequest) -> dict[str, Any]:
    user = request.user
    committee = _readable_committee(request)
    form = StatsFilter(request.GET or None, committee=committee)
    f = form.filters()
    data = rollup(committee, f, fresh=request.GET.get("fresh") == "1")
    mark_seen(committee.pk)
    drill = Drill(user=user, committee=committee, f=f)
    rows: list[dict[str, Any]] = [{"committee": c, "fig": fig,
             "dashboard": _url("stats:dashboard", committee=c.pk, **f.params()),
             "overdue": drill.measures(c, subtree=True, light="overdue"),
             "measures": drill.measures(c, subtree=True)} for c, fig in data.rows]
    return {"committee": committee, "filters": form, "f": f, "data": data, "own": data.own,
            "rows": rows, "drill": drill,
            "sections": _sections(data.own, drill, committee),
            "overdue_url": drill.measures(light="overdue"),
            "measures_url": drill.measures(),
            "coverage_url": drill.coverage(),
            "load": inspector_load(committee, f) if drill.own else [],
            "ancestors": committee_ancestors(user=user, committee=committee)
            if not drill.own else [],
            "rollup_chart": bar_chart(
                [Bar(label=r["committee"].short_name or r["committee"].name,
                     value=r["fig"].completion or 0, url=r["dashboard"],
                     note=f"{r['fig'].completion:.2f}%" if r["fig"].completion is not None
                     else "—") for r in rows],
                title=gettext("Completion of rectification by committee"), unit="%"),
            "query": urlencode(request.GET)}


@allow_if(can_open_statistics)
def dashboard_view(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "stats/dashboard.html", _context(request))


def _download(ctx: dict[str, Any], data: bytes, extension: str,
              content_type: str) -> HttpResponse:
    name = f"stats-{ctx['committee'].code}-{timezone.localdate():%Y%m%d}.{extension}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allow_if(can_open_statistics)
def export_xlsx_view(request: AuthedHttpRequest) -> HttpResponse:
    ctx = _context(request)
    return _download(ctx, documents.workbook(ctx), "xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@allow_if(can_open_statistics)
def export_docx_view(request: AuthedHttpRequest) -> HttpResponse:
    ctx = _context(request)
    return _download(ctx, documents.report(ctx), "docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@allow_if(can_open_statistics)
def measure_list_view(request: AuthedHttpRequest) -> HttpResponse:
    committee = _readable_committee(request)
    form = MeasureFilter(request.GET or None, committee=committee)
    c = form.cleaned()
    qs = measures_listed(user=request.user, committee=committee, subtree=bool(c.get("subtree")),
                         f=form.filters(), q=c.get("q", ""), status=c.get("status", ""),
                         light=c.get("light", ""))
    qs = qs.select_related("inspection__unit", "committee", "problem").order_by("deadline", "pk")
    template = "stats/_measure_rows.html" if request.htmx else "stats/measure_list.html"
    return render(request, template, {"committee": committee, "filters": form,
                                      "page": paginate(request, qs),
                                      "today": timezone.localdate()})


@allow_if(can_open_statistics)
def measure_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    measure = access_measure(user=request.user, pk=pk)
    return render(request, "stats/measure_detail.html", {
        "m": measure, "progress": measure.progress.select_related("author").order_by(
            "created_at"),
        "evidence": measure.evidence.order_by("uploaded_at"),
        "today": timezone.localdate(),
        "own": can_open_in_ledger(user=request.user, measure=measure)})
