"""Printed matter of an evaluation: the paper ballot per type, the code slips, the results."""

from xuncha.lib.docx import Doc
from xuncha.lib.tabular import write_xlsx

from .models import BallotType, Evaluation, UnmarkedRule
from .results import Results
from .sessions import group_quota


def ballot_docx(evaluation: Evaluation, ballot_type: BallotType) -> bytes:
    grades = list(evaluation.grades.all())
    doc = Doc()
    doc.title(f"{evaluation.title}评议票（{ballot_type.name}）")
    doc.para(f"编号：________    适用于：{ballot_type.voters}", indent=False, size=12)
    rules = []
    for group in evaluation.groups.prefetch_related("members"):
        quota = group_quota(group)
        grade = next((g.label for g in grades if g.code == group.quota_grade), group.quota_grade)
        if quota is not None:
            rules.append(f"“{group.name}”评价为“{grade}”的不超过{quota}个")
    doc.para("说明：评价等次分" + "、".join(f"“{g.label}”" for g in grades)
             + "，选择哪一档，就在对应的栏目里划“√”，每个评议对象只能选一档，不得多选；"
             + "；".join(rules) + "。多选或超过限额的为废票。"
             + ("漏评的为废票。" if evaluation.unmarked_rule == UnmarkedRule.VOID else ""),
             size=12)
    for group in evaluation.groups.prefetch_related("members"):
        doc.heading(group.name)
        doc.table(["评议对象", *[g.label for g in grades]],
                  [[o.name, *["" for _g in grades]] for o in group.members.all()],
                  widths=[7.0] + [2.0] * len(grades))
    return doc.bytes()


def slips_docx(evaluation: Evaluation, ballot_type: BallotType, codes: list[str],
               vote_url: str) -> bytes:
    doc = Doc()
    doc.title(f"{evaluation.title} 网上评议码（{ballot_type.name}）")
    for index, code in enumerate(codes, start=1):
        doc.para(f"{index}. 评议码：{code}    请访问 {vote_url} 输入评议码投票，每码限用一次。",
                 indent=False, size=12)
        doc.para("- - - - - - - - - - - - - - - - - - - - 沿此线裁开 - - - - - - - - - - - - - - - - - - - -",
                 indent=False, size=9, align="center")
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
    evaluation = result.evaluation
    doc = Doc()
    doc.title(f"{evaluation.title}结果")
    parts = [f"{t.name}有效票{result.valid[t.code]}张、废票{result.void[t.code]}张（权重{t.weight}）"
             for t in result.types]
    doc.para("；".join(parts) + "。综合得分为各类评议票平均分按权重加权。")
    headers, rows = _table(result)
    short_headers = ["评议类别", "评议对象", "综合得分", "排名"]
    doc.table(short_headers, [[str(r[0]), str(r[1]), str(r[-2]) if r[-2] is not None else "—",
                               str(r[-1]) if r[-1] is not None else "—"] for r in rows],
              widths=[4.5, 6.5, 2.5, 1.5])
    doc.heading("分项统计")
    doc.table(headers, [["" if v is None else str(v) for v in r] for r in rows])
    return doc.bytes()
