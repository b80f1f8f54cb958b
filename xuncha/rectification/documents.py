"""The rectification notice (整改进展情况的通报) as a .docx in 公文格式 (xuncha/lib/docx.py):
what the public notice page shows, for the unit to print, seal and post."""

from django.utils import translation

from xuncha.lib.dates import cn_date, local_date
from xuncha.lib.docx import Doc

from .models import PublicNotice


def _rate(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def notice_docx(notice: PublicNotice) -> bytes:
    inspection = notice.inspection
    with translation.override("zh-hans"):
        doc = Doc()
        doc.title(notice.title)
        doc.paras(notice.body)
        if notice.basis == "measures":
            summary = (f"公开整改情况的整改措施{notice.total}项，已完成{notice.done}项，"
                       f"整改完成率{notice.rate_text}（已销号整改措施数÷公开整改措施总数）。")
        else:
            summary = (f"巡察反馈问题中公开整改情况的{notice.total}个，已完成整改{notice.done}个，"
                       f"整改完成率{notice.rate_text}（已完成整改的问题数÷公开问题总数）。")
        doc.para(summary)
        items = [i for i in notice.items if isinstance(i, dict)]
        if items:
            doc.heading("一、问题整改情况")
            doc.table(["序号", "问题", "整改措施完成", "进展"],
                      [[str(n), str(i.get("problem", "")),
                        f"{i.get('closed', '')}/{i.get('measures', '')}" if "measures" in i
                        else str(i.get("measure", "")), str(i.get("status", ""))]
                       for n, i in enumerate(items, start=1)], widths=[1.2, 8, 3.5, 3.3])
        doc.blank()
        doc.para("欢迎广大干部群众对巡察整改落实情况进行监督。")
        doc.signature(inspection.unit.name, cn_date(notice.published_at))
        return doc.bytes()


def notice_filename(notice: PublicNotice) -> str:
    return f"notice-{notice.inspection.unit.code}-{local_date(notice.published_at)}.docx"
