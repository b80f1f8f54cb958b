"""What the text is: a mobilization (动员会, 进驻, a 公告 of period and channels), a
feedback (反馈, 集中反馈会), or anything else (speeches, work meetings, rectification
reports, unrelated news)."""

import re

from .document import Document

_SPEECH_TITLE = re.compile(r"讲话稿|讲话范文|范文|发言稿|心得体会|学习体会|述职报告|工作总结|工作要点|"
                           r"(?:会议?|会上)上?的(?:讲话|发言|报告|主持词)|^在.{2,40}(?:讲话|发言)$|主持词|"
                           r"合编|汇编")
_FEEDBACK_TITLE = re.compile(r"反馈")
_MOBILIZATION_TITLE = re.compile(r"动员|进驻|入驻|进场|见面会|公告|通告|开展(?!了)[^,，。]{0,20}巡[视察]|"
                                 r"巡[视察][^,，。]{0,30}(?:工作)?(?:启动|开始)|联系方式")
# Meetings and documents about inspection work that are neither: a work conference, a
# rectification meeting or report, training, a leading group's session.
_OTHER_TITLE = re.compile(r"整改(?:工作)?(?:推进会|部署会|会议|专题民主生活会|动员会)|民主生活会|"
                          r"整改(?:进展|落实|工作)?情况的?(?:通报|报告)|整改方案|整改(?:专项)?督查|"
                          r"巡[视察](?:工作)?(?:培训|业务培训)|巡[视察]干部|领导小组(?:会议|第)|"
                          r"巡[视察]工作(?:会议|推进会|座谈会)(?!暨)|述职|工作要点|年度计划|规划")
_FEEDBACK_BODY = re.compile(r"反馈会|反馈大会|集中反馈|反馈(?:了)?(?:巡[视察])?(?:情况|意见)|进行(?:了)?反馈|"
                            r"作(?:了)?反馈|反馈讲话")
_MOBILIZATION_BODY = re.compile(
    r"动员会|动员大会|动员部署会|进驻|值班电话|受理信访|信访受理|受理(?:来信|反映)|邮政(?:专用)?信箱|意见箱|"
    r"举报箱|联系电话|举报电话|巡[视察]期间")
_ANNOUNCED = re.compile(r"(?:将|拟)对[^。]{2,600}?开展[^,，。]{0,8}巡[视察]")
_TEAM = re.compile(r"巡[视察]组|巡[视察]第?[一二三四五六七八九十\d]+组")


def is_speech(doc: Document) -> bool:
    """A speech, a model text or a compilation: no inspection record at all."""
    head = doc.text[:max(doc.title_end, 0) + 300]
    return bool(_SPEECH_TITLE.search(doc.title) or re.search(r"讲话稿|范文|同志们[:：]", head))


def classify(doc: Document) -> str:
    """``mobilization``, ``feedback`` or ``other``."""
    return classify_detail(doc)[0]


def classify_detail(doc: Document) -> tuple[str, bool]:
    """The kind, and whether a headline decided it (else the body's words did)."""
    text = doc.text
    if not re.search(r"巡[视察]", text):
        return "other", False
    title = doc.title
    feedback_hits = len(_FEEDBACK_BODY.findall(text, doc.body_start, doc.body_end))
    mobilization_hits = len(_MOBILIZATION_BODY.findall(text, doc.body_start, doc.body_end))
    if is_speech(doc):
        return "other", True
    if _OTHER_TITLE.search(title) and not re.search(r"动员会|进驻|公告|反馈会", title):
        return "other", True
    if not doc.headline:
        title = ""  # the first sentence of a text without a headline: judged by its body
    if _FEEDBACK_TITLE.search(title) and not re.search(r"动员", title):
        return ("feedback" if feedback_hits else "other"), True
    if _MOBILIZATION_TITLE.search(title) and (mobilization_hits or _TEAM.search(text)):
        return "mobilization", True
    if not _TEAM.search(text) and not re.search(r"巡[视察]工作", text):
        # A round announced without its teams: 第七轮巡视将对…30个旗县…开展常规巡视.
        if _ANNOUNCED.search(text, doc.body_start, doc.body_end):
            return "mobilization", False
        return "other", False
    if feedback_hits > mobilization_hits:
        return "feedback", False
    if mobilization_hits:
        return "mobilization", False
    if feedback_hits:
        return "feedback", False
    return "other", False
