"""The stationing notice (巡察公告) as a printable .docx, and the per-target QR code."""

import io

import segno
from django.utils.translation import gettext as _

from xuncha.lib.docx import Doc

from .models import ChannelKind, Inspection


def qr_png(url: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str, scale: int = 6) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111827")


def notice_title(inspection: Inspection) -> str:
    committee = inspection.committee
    word = "巡视" if committee.is_inspection_level_xunshi else "巡察"
    return f"{committee.short_name}{inspection.team.name}{word}{inspection.unit.name}公告"


def channel_lines(inspection: Inspection) -> list[str]:
    labels: dict[str, str] = {
        ChannelKind.PHONE: "值班电话", ChannelKind.SMS: "短信", ChannelKind.POSTAL: "邮政信箱",
        ChannelKind.EMAIL: "电子邮箱", ChannelKind.ONLINE: "网上举报",
        ChannelKind.SUGGESTION_BOX: "意见箱", ChannelKind.VISIT: "来访接待",
    }
    lines = []
    for channel in inspection.channels.all():
        text = f"{labels.get(channel.kind, channel.kind)}：{channel.value}"
        if channel.hours:
            text += f"（{channel.hours}）"
        if channel.note:
            text += f"，{channel.note}"
        lines.append(text)
    return lines


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_docx(inspection: Inspection, *, report_url: str) -> bytes:
    """The notice as published: period, deadline, scope, channels and the QR code."""
    committee = inspection.committee
    word = "巡视" if committee.is_inspection_level_xunshi else "巡察"
    doc = Doc()
    doc.title(notice_title(inspection))
    doc.para(
        f"根据{committee.short_name}统一部署，{committee.short_name}{inspection.team.name}于"
        f"{_cn_date(inspection.stationed_on)}起对{inspection.unit.name}开展{word}，"
        f"{word}时间为{_cn_date(inspection.period_start)}至{_cn_date(inspection.period_end)}，"
        f"受理信访截止时间为{_cn_date(inspection.petition_deadline)}。")
    if inspection.scope_text:
        doc.para(inspection.scope_text)
    doc.para(f"为便于干部群众反映情况，{word}组设立以下联系方式：")
    for line in channel_lines(inspection):
        doc.para(line)
    doc.para("扫描下方二维码，可在线反映问题（可匿名）：")
    doc.image(qr_png(report_url), 4.5)
    doc.para(report_url, indent=False, align="center", size=10)
    doc.para(f"{committee.short_name}{inspection.team.name}", indent=False, align="right")
    doc.para(_cn_date(inspection.stationed_on), indent=False, align="right")
    return doc.bytes()


def notice_filename(inspection: Inspection) -> str:
    return _("notice") + f"-{inspection.unit.code}-{inspection.stationed_on}.docx"
