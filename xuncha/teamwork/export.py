"""An inspector's record of appraisals (综合鉴定) as a .docx in 公文格式, for the office's
file and the organization department (xuncha/lib/docx.py)."""

from collections.abc import Sequence

from xuncha.lib.dates import cn_date, today
from xuncha.lib.docx import Doc, cn_numeral
from xuncha.organizations.models import Inspector

from .models import Appraisal


def appraisals_docx(inspector: Inspector, records: Sequence[Appraisal]) -> bytes:
    doc = Doc()
    doc.title(f"巡察干部{inspector.cadre.name}综合鉴定")
    doc.para(f"{inspector.cadre.name}，{inspector.cadre.unit.name}{inspector.cadre.position}。"
             f"参加巡察工作{len(records)}次，鉴定情况如下。")
    for n, record in enumerate(records, start=1):
        team = record.team
        doc.heading(f"{cn_numeral(n)}、{team.round.name}{team.name}")
        doc.para(f"鉴定等次：{record.grade}。", indent=True)
        doc.paras(record.text)
        state = "已确认" if record.confirmed_at else "草稿"
        sent = "，已送组织部门" if record.sent_at else ""
        doc.para(f"（{state}{sent}）", indent=True)
    if not records:
        doc.para("暂无综合鉴定。")
    doc.signature(inspector.committee.name + "巡察工作领导小组办公室",
                  cn_date(today()))
    return doc.bytes()
