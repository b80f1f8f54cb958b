"""Progress updates from the ledger's usual column layout (see ``views.ledger_export``)."""

from typing import Any

from django.utils.translation import gettext as _

from xuncha.lib.importing import Column, Importer, Preview, RowError, RowProblem, parse_bool

from .measures import measure_progress
from .models import Measure, MeasureStatus

LEDGER_HEADERS = ["编号", "问题", "整改措施", "整改阶段", "责任领导", "责任部门", "完成时限",
                  "进展情况", "是否销号"]


class LedgerProgressImporter(Importer):
    """Each row adds a progress entry to the measure it names. 销号 cannot be imported:
    only a verifier closes measures."""

    title = "ledger"
    columns = (
        Column("code", ("编号", "code"), required=True),
        Column("problem", ("问题", "problem")),
        Column("measure", ("整改措施", "measure")),
        Column("phase", ("整改阶段", "phase")),
        Column("leader", ("责任领导", "responsible leader")),
        Column("department", ("责任部门", "responsible department")),
        Column("deadline", ("完成时限", "deadline")),
        Column("progress", ("进展情况", "progress"), required=True),
        Column("closed", ("是否销号", "closed")),
    )

    def __init__(self, *, actor, inspection):
        super().__init__(actor=actor)
        self.inspection = inspection

    def prepare(self, raw_rows):
        return {"measures": {m.code: m for m in Measure.objects.filter(
            inspection=self.inspection)}}

    def clean_row(self, raw, context) -> dict[str, Any]:
        measure = context["measures"].get(raw["code"].strip().upper())
        if measure is None:
            raise RowProblem("code", _("No measure %(code)s in this ledger.")
                             % {"code": raw["code"]})
        if measure.status == MeasureStatus.CLOSED:
            raise RowProblem("code", _("Measure %(code)s is closed; no more progress is "
                                       "recorded.") % {"code": measure.code})
        closed = parse_bool(raw.get("closed", ""))
        if closed is None:
            raise RowProblem("closed", _("Write 是 or 否."))
        if closed and measure.status != MeasureStatus.CLOSED:
            raise RowProblem("closed", _("销号 is done by a verifier, not by import."))
        if len(raw["progress"]) > 4000:
            raise RowProblem("progress", _("The progress text is too long."))
        return {"measure": measure, "progress": raw["progress"].strip()}

    def check_file(self, preview: Preview, context: dict) -> None:
        seen: dict[str, int] = {}
        for number, row in zip(preview.row_numbers, preview.rows, strict=True):
            code = row["raw"].get("code", "").strip().upper()
            if code in seen:
                preview.errors.append(RowError(number, "编号", _(
                    "Measure %(code)s appears twice (row %(row)d).")
                    % {"code": code, "row": seen[code]}))
                row["ok"] = False
            seen[code] = number

    def commit_rows(self, rows) -> int:
        for row in rows:
            measure_progress(actor=self.actor, measure=row["measure"], text=row["progress"])
        return len(rows)
