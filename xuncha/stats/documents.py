"""The dashboard as files: an .xlsx workbook (one sheet per table) and a .docx statistical
report for the chosen period in 公文格式 (xuncha/lib/docx.py), both built from the same
figures as the page and written in the reader's language (Chinese first)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from xuncha.lib import dates
from xuncha.lib.docx import Doc, cn_numeral
from xuncha.lib.tabular import write_xlsx_sheets

from .figures import Figures


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _day(value) -> str:
    """A date as the reader writes it: "2026年12月4日", or ISO in English."""
    day = dates.local_date(value)
    if day is None:
        return ""
    return dates.cn_date(day) if _chinese() else day.isoformat()


def _moment(value) -> str:
    if _chinese():
        return dates.cn_datetime(value)
    return dates.iso_local(value)


def _heading(number: int, title: str) -> str:
    """"二、…" in Chinese (GB/T 9704 first-level headings), "2. …" otherwise."""
    if _chinese():
        return f"{cn_numeral(number)}、{title}"
    return f"{number}. {title}"


def _summary_rows(fig: Figures) -> list[list]:
    return [
        [_("Units under the committee"), fig.units],
        [_("Units inspected in the term"), fig.covered],
        [_("Coverage"), _pct(fig.coverage)],
        [_("Inspections"), fig.inspections_total],
        [_("Petitions"), fig.petitions_total],
        [_("of which after the deadline"), fig.petitions_late],
        [_("Problems (approved)"), fig.problems_total],
        [_("of which rectified at once (立行立改)"), fig.problems_immediate],
        [_("Clues"), fig.clues_total],
        [_("Measures"), fig.measures_total],
        [_("Measures closed (销号)"), fig.measures_closed],
        [_("Completion"), _pct(fig.completion)],
        [_("Measures overdue"), fig.measures_overdue],
        [_("Inspectors on active inspections"), fig.inspectors_active],
    ]


def _rollup_headers() -> list[str]:
    return [_("Committee"), _("Coverage"), _("Inspections"), _("Petitions"), _("Problems"),
            _("Clues"), _("Measures"), _("Closed"), _("Completion"), _("Overdue")]


def _rollup_rows(ctx) -> list[list]:
    rows = []
    for row in ctx["rows"]:
        fig = row["fig"]
        rows.append([row["committee"].name, _pct(fig.coverage), fig.inspections_total,
                     fig.petitions_total, fig.problems_total, fig.clues_total,
                     fig.measures_total, fig.measures_closed, _pct(fig.completion),
                     fig.measures_overdue])
    if ctx["rows"]:
        total = ctx["data"].total
        rows.append([_("Total (with the committee's own)"), _pct(total.coverage),
                     total.inspections_total, total.petitions_total, total.problems_total,
                     total.clues_total, total.measures_total, total.measures_closed,
                     _pct(total.completion), total.measures_overdue])
    return rows


def _period(ctx) -> str:
    f = ctx["f"]
    if f.date_from or f.date_to:
        return _("%(start)s to %(end)s") % {
            "start": _day(f.date_from) if f.date_from else "…",
            "end": _day(f.date_to) if f.date_to else "…"}
    return _("all dates")


def issuing_body(committee) -> str:
    """The office that reports the figures (巡察办 / 巡视办 of the committee)."""
    if committee.is_inspection_level_xunshi:
        return _("%(committee)s inspection tour office") % {"committee": committee.short_name}
    return _("%(committee)s inspection office") % {"committee": committee.short_name}


def workbook(ctx) -> bytes:
    sheets = [(_("Summary"), [_("Figure"), _("Value")],
               [[_("Committee"), ctx["committee"].name], [_("Period"), _period(ctx)],
                [_("Computed at"), _moment(ctx["data"].computed_at)],
                *_summary_rows(ctx["own"])])]
    for section in ctx["sections"]:
        sheets.append((section["title"], [_("Item"), _("Count")],
                       [[b.label, b.value] for b in section["bars"]]))
    if ctx["rows"]:
        sheets.append((_("Lower committees"), _rollup_headers(), _rollup_rows(ctx)))
    if ctx["load"]:
        sheets.append((_("Inspector load"), [_("Inspector"), _("Teams"), _("Inspections")],
                       [[r["inspector__cadre__name"], r["teams"], r["inspections"]]
                        for r in ctx["load"]]))
    return write_xlsx_sheets(sheets)


def report(ctx) -> bytes:
    doc = Doc()
    committee = ctx["committee"]
    doc.title(_("Statistical report on inspection work"))
    doc.subtitle(f"（{committee.name}　{_period(ctx)}）" if _chinese()
                 else f"({committee.name}, {_period(ctx)})")
    doc.heading(_heading(1, _("Overview of the period")))
    fig = ctx["own"]
    doc.para(_("In the period the committee carried %(inspections)d inspections, received "
               "%(petitions)d petitions, approved %(problems)d problems and recorded "
               "%(clues)d clues. Of %(measures)d rectification measures, %(closed)d are "
               "closed (%(rate)s) and %(overdue)d are overdue.") % {
        "inspections": fig.inspections_total, "petitions": fig.petitions_total,
        "problems": fig.problems_total, "clues": fig.clues_total,
        "measures": fig.measures_total, "closed": fig.measures_closed,
        "rate": _pct(fig.completion), "overdue": fig.measures_overdue})
    doc.table([_("Figure"), _("Value")], [[str(a), str(b)] for a, b in _summary_rows(fig)],
              widths=[10, 5])
    number = 2
    for section in ctx["sections"]:
        if not section["bars"]:
            continue
        doc.heading(_heading(number, section["title"]))
        total = section["total"] or 1
        doc.table([_("Item"), _("Count"), _("Share")],
                  [[b.label, str(int(b.value)), f"{b.value * 100 / total:.1f}%"]
                   for b in section["bars"]], widths=[8, 3, 3])
        number += 1
    if ctx["rows"]:
        doc.heading(_heading(number, _("Lower committees")))
        doc.table(_rollup_headers(), [[str(v) for v in r] for r in _rollup_rows(ctx)],
                  size=10.5)
    doc.blank()
    doc.para(_("Computed at %(time)s from the records in Xuncha.") % {
        "time": _moment(ctx["data"].computed_at)})
    doc.signature(issuing_body(committee), _day(ctx["data"].computed_at))
    return doc.bytes()
