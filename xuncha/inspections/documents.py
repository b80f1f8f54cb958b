"""The stationing notice (巡察公告) as a printable .docx, and the per-target QR code."""

import io

import segno
from django.utils import translation
from django.utils.translation import gettext as _

from xuncha.lib.dates import cn_date, cn_period
from xuncha.lib.docx import Doc

from .models import Channel, ChannelKind, Inspection


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


CHANNEL_LABELS: dict[str, str] = {
    ChannelKind.PHONE: "值班电话", ChannelKind.SMS: "短信", ChannelKind.POSTAL: "邮政信箱",
    ChannelKind.EMAIL: "电子邮箱", ChannelKind.ONLINE: "网上举报",
    ChannelKind.SUGGESTION_BOX: "意见箱", ChannelKind.VISIT: "来访接待",
}


def _channel_text(channel: Channel, value: str) -> str:
    label = CHANNEL_LABELS.get(channel.kind) or channel.get_kind_display()
    text = f"{label}：{value}"
    if channel.hours:
        text += f"（{channel.hours}）"
    if channel.note:
        text += f"，{channel.note}"
    return text


def notice_docx(inspection: Inspection, *, report_url: str) -> bytes:
    """The notice as published: period, deadline, scope, channels, and the QR code beside
    the online channel (or after the channels when there is none)."""
    committee = inspection.committee
    word = "巡视" if committee.is_inspection_level_xunshi else "巡察"
    signed_by = f"{committee.short_name}{inspection.team.name}"
    with translation.override("zh-hans"):
        doc = Doc()
        doc.title(notice_title(inspection))
        doc.para(
            f"根据{committee.short_name}统一部署，{signed_by}于"
            f"{cn_date(inspection.stationed_on)}起对{inspection.unit.name}开展{word}，"
            f"{word}时间为{cn_period(inspection.period_start, inspection.period_end)}，"
            f"受理信访截止时间为{cn_date(inspection.petition_deadline)}。")
        doc.paras(inspection.scope_text)
        doc.para(f"为便于干部群众反映情况，{word}组设立以下联系方式：")
        channels = list(inspection.channels.all())
        online = [c for c in channels if c.kind == ChannelKind.ONLINE]
        for channel in channels:
            if channel.kind != ChannelKind.ONLINE:
                doc.para(_channel_text(channel, channel.value))
        lines = [_channel_text(online[0], report_url) if online else f"网上举报：{report_url}",
                 "扫描左侧二维码或访问上述网址，可在线反映问题（可匿名）。"]
        doc.image_beside(qr_png(report_url), 32, lines)
        doc.signature(signed_by, cn_date(inspection.stationed_on))
        return doc.bytes()


def notice_filename(inspection: Inspection) -> str:
    return _("notice") + f"-{inspection.unit.code}-{inspection.stationed_on}.docx"
