"""Batch entry of petitions from .xlsx/.csv (letters, calls and visits logged elsewhere).

The office enters petitions about any unit of its committee (routed as at the intake
form); a team member enters petitions for the targets of their own inspections. Every row
is validated for the preview (errors in the user's language, by row and column); the
commit validates again and records every row or none.
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.inspections.selectors import inspections_visible_to
from xuncha.lib.errors import DomainError
from xuncha.lib.importing import Column, Importer, RowProblem, parse_bool
from xuncha.organizations.importers import choice_lookup
from xuncha.organizations.models import Unit

from . import intake
from .access import takes_in_by_inspection
from .identity import Reporter
from .models import Channel

CHANNEL_WORDS = {"来信": Channel.LETTER, "信件": Channel.LETTER, "信访": Channel.LETTER,
                 "电话": Channel.PHONE, "来电": Channel.PHONE, "值班电话": Channel.PHONE,
                 "短信": Channel.SMS, "来访": Channel.VISIT, "走访": Channel.VISIT,
                 "电子邮件": Channel.EMAIL, "邮件": Channel.EMAIL, "邮箱": Channel.EMAIL,
                 "意见箱": Channel.BOX, "意见箱来信": Channel.BOX}


def _parse_time(text: str) -> datetime.datetime | None:
    text = text.strip().replace("/", "-").replace("T", " ").replace(".", "-")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y年%m月%d日 %H:%M",
                    "%Y年%m月%d日"):
        try:
            moment = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    return None


class PetitionImporter(Importer):
    title = "petitions"
    columns = (
        Column("channel", ("渠道", "channel"), required=True),
        Column("received", ("收件时间", "received"), required=True),
        Column("unit", ("被反映单位代码", "unit code")),
        Column("box", ("意见箱位置", "box location")),
        Column("subject", ("被反映人", "person reported")),
        Column("position", ("职务", "position")),
        Column("subject_unit", ("被反映人单位", "unit of the person")),
        Column("content", ("内容", "content"), required=True),
        Column("named", ("是否署名", "named")),
        Column("name", ("反映人姓名", "reporter name")),
        Column("phone", ("反映人电话", "reporter phone")),
    )

    def prepare(self, raw_rows: list[dict[str, str]]) -> dict[str, Any]:
        codes = {r.get("unit", "") for r in raw_rows} - {""}
        context: dict[str, Any] = {
            "units": {u.code: u for u in Unit.objects.filter(
                code__in=codes, committee_id=self.actor.committee_id)},
            "channels": choice_lookup(Channel) | CHANNEL_WORDS}
        if takes_in_by_inspection(user=self.actor):
            # A team member's rows go to the inspection of the unit, among their own.
            context["inspections"] = {
                i.unit.code: i for i in inspections_visible_to(user=self.actor)
                .select_related("unit", "team").order_by("stationed_on")}
        return context

    def clean_row(self, raw: dict[str, str], context: dict[str, Any]) -> dict[str, Any]:
        channel = context["channels"].get(raw["channel"].replace(" ", "").lower())
        if channel is None or channel == Channel.ONLINE:
            raise RowProblem("channel", _("Unknown channel: %(text)s (write 来信, 来电, 短信, "
                                          "来访, 电子邮件 or 意见箱)") % {"text": raw["channel"]})
        received = _parse_time(raw["received"])
        if received is None:
            raise RowProblem("received", _("Write the time as 2026-11-02 09:30."))
        if received > timezone.now():
            raise RowProblem("received", _("The time is in the future."))
        unit = inspection = None
        if raw.get("unit"):
            unit = context["units"].get(raw["unit"])
            if unit is None:
                raise RowProblem("unit", _("No unit with code %(code)s in your committee.")
                                 % {"code": raw["unit"]})
        if "inspections" in context:
            inspection = context["inspections"].get(raw.get("unit", ""))
            if inspection is None:
                raise RowProblem("unit", _("Give the unit code of one of your team's targets."))
            unit = None
        if channel == Channel.BOX and not raw.get("box"):
            raise RowProblem("box", _("Say which suggestion box."))
        try:
            content = intake.clean_content(raw["content"])
        except DomainError as exc:
            raise RowProblem("content", exc.message) from None
        named = parse_bool(raw.get("named", ""))
        if named is None:
            raise RowProblem("named", _("Write 是 or 否."))
        if named and not (raw.get("name") or raw.get("phone")):
            raise RowProblem("name", _("A named petition needs the reporter's name or phone."))
        return {"channel": channel, "received_at": received, "unit": unit,
                "inspection": inspection, "box_location": raw.get("box", ""),
                "content": content,
                "subjects": [{"name": raw["subject"], "position": raw.get("position", ""),
                              "unit_name": raw.get("subject_unit", "")}]
                if raw.get("subject") else [],
                "reporter": Reporter(name=raw.get("name", ""),
                                     phone=raw.get("phone", "")) if named else None}

    def commit_rows(self, rows: list[dict[str, Any]]) -> int:
        for number, row in enumerate(rows, start=1):
            try:
                intake.petition_intake(actor=self.actor, committee=self.actor.committee,
                                       **row)
            except DomainError as exc:
                # The surrounding transaction rolls back every row recorded before this one.
                raise DomainError(_("Data row %(n)d: %(message)s Nothing was imported.")
                                  % {"n": number, "message": exc.message},
                                  code=exc.code) from exc
        return len(rows)
