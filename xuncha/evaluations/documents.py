"""Printed matter of an evaluation: the paper ballot per type, the code slips, the results,
in 公文格式 (xuncha/lib/docx.py) and in Chinese whatever the reader's language."""

from django.utils import translation

from xuncha.lib.dates import cn_date
from xuncha.lib.docx import Doc, cn_numeral
from xuncha.lib.tabular import write_xlsx

from .models import BallotType, Evaluation, UnmarkedRule
from .results import Results
from .sessions import group_quota


def ballot_docx(evaluation: Evaluation, ballot_type: BallotType) -> bytes:
    with translation.override("zh-hans"):
        return _ballot(evaluation, ballot_type)


def _ballot(evaluation: Evaluation, ballot_type: BallotType) -> bytes:
    grades = list(evaluation.grades.all())
    groups = list(evaluation.groups.prefetch_related("members"))
    doc = Doc()
    doc.title(f"{evaluation.title}评议票")
    doc.subtitle(f"（{ballot_type.name}）")
    doc.para(f"编号：________　　适用于：{ballot_type.voters}", indent=False, size=14)
    rules = []
    for group in groups:
        quota = group_quota(group)
        grade = next((g.label for g in grades if g.code == group.quota_grade), "")
        if quota is not None and grade:
            rules.append(f"“{group.name}”评价为“{grade}”的不超过{quota}个")
    doc.para("说明：评价等次分" + "、".join(f"“{g.label}”" for g in grades)
             + "，选择哪一档，就在对应的栏目里划“√”，每个评议对象只能选一档，不得多选"
             + ("；" + "；".join(rules) if rules else "") + "。多选或超过限额的为废票。"
             + ("漏评的为废票。" if evaluation.unmarked_rule == UnmarkedRule.VOID else ""),
             size=14)
    for number, group in enumerate(groups, start=1):
        doc.heading(f"{cn_numeral(number)}、{group.name}")
        doc.table(["评议对象", *[g.label for g in grades]],
                  [[o.name, *["" for _g in grades]] for o in group.members.all()],
                  widths=[7.0] + [2.0] * len(grades))
    doc.signature(evaluation.committee.short_name, cn_date(evaluation.meeting_date))
    return doc.bytes()


def slips_docx(evaluation: Evaluation, ballot_type: BallotType, codes: list[str],
               vote_url: str) -> bytes:
    with translation.override("zh-hans"):
        doc = Doc()
        doc.title(f"{evaluation.title}网上评议码")
        doc.subtitle(f"（{ballot_type.name}）")
        for index, code in enumerate(codes, start=1):
            doc.slip([f"{index}. 评议码：{code}",
                      f"请访问 {vote_url} 输入评议码投票，每码限用一次。"],
                     cut="沿此线裁开")
        return doc.bytes()


def _table(result: Results) -> tuple[list[str], list[list[object]]]:
    headers = ["评议类别", "评议对象"]
    for t in result.types:
        headers += [f"{t.name}{g.label}" for g in result.grades] + [f"{t.name}弃评",
                                                                    f"{t.name}平均分"]
    headers += ["综合得分", "类别内排名"]
    rows: list[list[object]] = []
    for row in sorted(result.rows, key=lambda r: (r.group.position, r.rank or 9999,
                                                  r.object.position)):
        line: list[object] = [row.group.name, row.object.name]
        for t in result.types:
            line += [row.counts[t.code][g.code] for g in result.grades]
            line += [row.blanks[t.code], row.means[t.code]]
        line += [row.combined, row.rank]
        rows.append(line)
    return headers, rows


def results_xlsx(result: Results) -> bytes:
    headers, rows = _table(result)
    summary = [[f"{t.name}有效票", result.valid[t.code]] for t in result.types] + [
        [f"{t.name}废票", result.void[t.code]] for t in result.types]
    return write_xlsx(title="评议结果", headers=headers, rows=rows + [[]] + summary)


def results_docx(result: Results) -> bytes:
    with translation.override("zh-hans"):
        return _results(result)


def _results(result: Results) -> bytes:
    evaluation = result.evaluation
    doc = Doc()
    doc.title(f"{evaluation.title}结果")
    parts = [f"{t.name}有效票{result.valid[t.code]}张、废票{result.void[t.code]}张（权重{t.weight}）"
             for t in result.types]
    doc.para("；".join(parts) + "。综合得分为各类评议票平均分按权重加权。")
    ordered = sorted(result.rows, key=lambda r: (r.group.position, r.rank or 9999,
                                                 r.object.position))
    groups: dict[int, list] = {}
    for row in ordered:
        groups.setdefault(row.group.pk, []).append(row)

    def dash(value) -> str:
        return "—" if value is None else str(value)

    doc.heading("一、综合得分和排名")
    for number, rows in enumerate(groups.values(), start=1):
        doc.heading2(f"（{cn_numeral(number)}）{rows[0].group.name}")
        doc.table(["排名", "评议对象", "综合得分"],
                  [[dash(r.rank), r.object.name, dash(r.combined)] for r in rows],
                  widths=[1.5, 10, 3])
    doc.heading("二、分项统计")
    for number, kind in enumerate(result.types, start=1):
        doc.heading2(f"（{cn_numeral(number)}）{kind.name}")
        for count, rows in enumerate(groups.values(), start=1):
            doc.heading3(f"{count}. {rows[0].group.name}")
            doc.table(["评议对象", *[g.label for g in result.grades], "弃评", "平均分"],
                      [[r.object.name, *[str(r.counts[kind.code][g.code]) for g in result.grades],
                        str(r.blanks[kind.code]), dash(r.means[kind.code])] for r in rows],
                      widths=[6, *[1.5] * len(result.grades), 1.5, 2], size=10.5)
    doc.signature(evaluation.committee.short_name, cn_date(evaluation.meeting_date))
    return doc.bytes()
