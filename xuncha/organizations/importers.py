"""Imports of units and cadres from .xlsx/.csv (see xuncha.lib.importing)."""

from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from xuncha.audit.services import event_record
from xuncha.lib.importing import Column, Importer, Preview, RowError, RowProblem, parse_bool

from .access import can_add_cadre_to, can_add_unit_to, can_change_unit
from .models import Cadre, Committee, Gender, Rank, Unit, UnitKind
from .selectors import committee_ids_readable


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Accept a choice's key or its label in Chinese or English."""
    lookup: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[str(label).replace(" ", "").lower()] = value
    for value in choices.values:
        lookup[value.lower()] = value
    return lookup


def _choice(text: str, lookup: dict[str, str], column: str, what: str) -> str:
    value = lookup.get(text.replace(" ", "").lower())
    if value is None:
        raise RowProblem(column, _("Unknown %(what)s: %(text)s") % {"what": what, "text": text})
    return value


class UnitImporter(Importer):
    title = "units"
    columns = (
        Column("code", ("代码", "单位代码", "code"), required=True),
        Column("name", ("名称", "单位名称", "name"), required=True),
        Column("kind", ("类别", "单位类别", "kind"), required=True),
        Column("committee", ("管辖党委代码", "管辖党委", "committee"), required=True),
        Column("parent", ("上级单位代码", "上级单位", "parent")),
        Column("locality", ("所在地", "locality")),
    )

    def prepare(self, raw_rows):
        codes = {r.get("code", "") for r in raw_rows} | {r.get("parent", "") for r in raw_rows}
        codes.discard("")
        return {
            "kinds": choice_lookup(UnitKind),
            "committees": {c.code: c for c in Committee.objects.filter(
                pk__in=committee_ids_readable(user=self.actor))},
            "units": {u.code: u for u in Unit.objects.filter(code__in=codes)},
        }

    def clean_row(self, raw, context):
        committee = context["committees"].get(raw["committee"])
        if committee is None:
            raise RowProblem("committee", _("No committee with code %(code)s in your scope.")
                             % {"code": raw["committee"]})
        if not can_add_unit_to(user=self.actor, committee_id=committee.pk):
            raise RowProblem("committee", _("You may only import units of your own committee."))
        existing = context["units"].get(raw["code"])
        if existing is not None and not can_change_unit(user=self.actor, unit=existing):
            raise RowProblem("code", _("The unit code %(code)s belongs to another committee.")
                             % {"code": raw["code"]})
        if len(raw["code"]) > 40 or len(raw["name"]) > 100:
            raise RowProblem("name", _("The code or name is too long."))
        return {
            "code": raw["code"], "name": raw["name"],
            "kind": _choice(raw["kind"], context["kinds"], "kind", _("unit kind")),
            "committee": committee, "parent_code": raw.get("parent", ""),
            "locality": raw.get("locality", "")[:50], "existing": existing,
        }

    def check_file(self, preview: Preview, context: dict) -> None:
        seen: dict[str, int] = {}
        file_parents: dict[str, str] = {}
        for number, row in zip(preview.row_numbers, preview.rows, strict=True):
            code = row["raw"].get("code", "")
            if code in seen:
                preview.errors.append(RowError(number, self.column_label("code"), _(
                    "The code %(code)s appears twice in the file (row %(row)d).")
                    % {"code": code, "row": seen[code]}))
                row["ok"] = False
            seen[code] = number
            if row["cleaned"]:
                file_parents[code] = row["cleaned"]["parent_code"]
        for number, row in zip(preview.row_numbers, preview.rows, strict=True):
            parent = row["cleaned"].get("parent_code") if row["cleaned"] else ""
            if parent and parent not in seen and parent not in context["units"]:
                preview.errors.append(RowError(number, self.column_label("parent"), _(
                    "No unit with code %(code)s, in the system or in the file.")
                    % {"code": parent}))
                row["ok"] = False
        # Cycles: follow parents through the file, then through the database.
        db_parent = {u.code: (u.parent.code if u.parent is not None else "")
                     for u in Unit.objects.filter(code__in=list(context["units"]))
                     .select_related("parent")}
        for number, row in zip(preview.row_numbers, preview.rows, strict=True):
            code = row["raw"].get("code", "")
            node, steps = file_parents.get(code, ""), 0
            while node and steps < 1000:
                if node == code:
                    preview.errors.append(RowError(number, self.column_label("parent"), _(
                        "The parent chain of %(code)s loops back to itself.") % {"code": code}))
                    row["ok"] = False
                    break
                node = file_parents.get(node, db_parent.get(node, ""))
                steps += 1

    def commit_rows(self, rows: list[dict[str, Any]]) -> int:
        by_code: dict[str, Unit] = {}
        for row in rows:
            unit = row["existing"] or Unit(code=row["code"])
            unit.name, unit.kind = row["name"], row["kind"]
            unit.committee, unit.locality = row["committee"], row["locality"]
            unit.parent = None if not row["parent_code"] else unit.parent
            unit.save()
            by_code[unit.code] = unit
        parents = {u.code: u for u in Unit.objects.filter(
            code__in=[r["parent_code"] for r in rows if r["parent_code"]])}
        parents.update(by_code)
        for row in rows:
            if row["parent_code"]:
                unit = by_code[row["code"]]
                unit.parent = parents[row["parent_code"]]
                unit.save(update_fields=["parent"])
        committees = {r["committee"].pk for r in rows}
        for committee_id in committees:
            event_record(actor=self.actor, action="unit.import", committee_id=committee_id,
                         params={"rows": sum(1 for r in rows if r["committee"].pk == committee_id),
                                 "codes": [r["code"] for r in rows
                                           if r["committee"].pk == committee_id][:200]})
        return len(rows)


class CadreImporter(Importer):
    title = "cadres"
    columns = (
        Column("name", ("姓名", "name"), required=True),
        Column("unit", ("单位代码", "unit"), required=True),
        Column("position", ("职务", "position"), required=True),
        Column("rank", ("职级", "rank"), required=True),
        Column("principal", ("是否主要负责人", "主要负责人", "principal")),
        Column("managing", ("管理党委代码", "管理党委", "managing committee")),
        Column("gender", ("性别", "gender")),
        Column("native_place", ("籍贯", "native place")),
    )

    def prepare(self, raw_rows):
        codes = {r.get("unit", "") for r in raw_rows}
        return {
            "ranks": choice_lookup(Rank),
            "genders": choice_lookup(Gender) | {"男": "m", "女": "f"},
            "units": {u.code: u for u in Unit.objects.filter(code__in=codes)
                      .select_related("committee")},
            "committees": {c.code: c for c in Committee.objects.filter(
                pk__in=committee_ids_readable(user=self.actor))},
            "existing": set(Cadre.objects.filter(unit__code__in=codes, archived_at__isnull=True)
                            .values_list("name", "unit__code", "position")),
        }

    def clean_row(self, raw, context):
        unit = context["units"].get(raw["unit"])
        if unit is None:
            raise RowProblem("unit", _("No unit with code %(code)s.") % {"code": raw["unit"]})
        if not can_add_cadre_to(user=self.actor, unit=unit):
            raise RowProblem("unit", _("You may only import cadres of your own committee's "
                                       "units."))
        principal = parse_bool(raw.get("principal", ""))
        if principal is None:
            raise RowProblem("principal", _("Write 是 or 否."))
        managing = unit.committee
        if raw.get("managing"):
            managing = context["committees"].get(raw["managing"])
            if managing is None:
                raise RowProblem("managing", _("No committee with code %(code)s in your scope.")
                                 % {"code": raw["managing"]})
        gender = ""
        if raw.get("gender"):
            gender = _choice(raw["gender"], context["genders"], "gender", _("gender"))
        if (raw["name"], raw["unit"], raw["position"]) in context["existing"]:
            raise RowProblem("name", _("%(name)s already holds this position in this unit.")
                             % {"name": raw["name"]})
        if len(raw["name"]) > 32 or len(raw["position"]) > 100:
            raise RowProblem("name", _("The name or position is too long."))
        return {
            "name": raw["name"], "unit": unit, "position": raw["position"],
            "rank": _choice(raw["rank"], context["ranks"], "rank", _("rank")),
            "is_principal": principal, "managing_committee": managing, "gender": gender,
            "native_place": raw.get("native_place", "")[:50],
        }

    def check_file(self, preview: Preview, context: dict) -> None:
        seen: dict[tuple, int] = {}
        for number, row in zip(preview.row_numbers, preview.rows, strict=True):
            key = (row["raw"].get("name"), row["raw"].get("unit"), row["raw"].get("position"))
            if key in seen:
                preview.errors.append(RowError(number, self.column_label("name"), _(
                    "The same person and position appear twice in the file (row %(row)d).")
                    % {"row": seen[key]}))
                row["ok"] = False
            seen[key] = number

    def commit_rows(self, rows: list[dict[str, Any]]) -> int:
        Cadre.objects.bulk_create([Cadre(**row) for row in rows], batch_size=500)
        committees: dict[int, int] = {}
        for row in rows:
            committees[row["unit"].committee_id] = committees.get(row["unit"].committee_id, 0) + 1
        for committee_id, count in committees.items():
            event_record(actor=self.actor, action="cadre.import", committee_id=committee_id,
                         params={"rows": count})
        return len(rows)


IMPORTERS: dict[str, type[Importer]] = {"units": UnitImporter, "cadres": CadreImporter}
