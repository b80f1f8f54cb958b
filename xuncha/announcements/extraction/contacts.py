"""How to reach the team: phones with their hours, SMS numbers, postal boxes, e-mail,
online channels and suggestion boxes.

A number counts when a phone word labels it (值班电话, 手机, 举报电话…) or a table column
holds it, and no newspaper, website or footer word does. Each number reads its own clause:
the label before it and the words after it up to the next number or label decide whether
it takes calls, SMS or both, and what its hours are.
"""

import re
from dataclasses import dataclass, field

from .document import Document, inside_brackets
from .tables import Table

PHONE_RE = re.compile(
    r"(?<![\dA-Za-z@.\-_/])(?:"
    r"(?P<land>(?:\(0\d{2,3}\)|0\d{2,3})[-—– ]?\d{7,8}(?:转\d{1,5})?)"
    r"|(?P<mobile>1[3-9]\d[- ]?\d{4}[- ]?\d{4})"
    r"|(?P<service>400-?\d{3}-?\d{4}|12388)"
    r"|(?P<local>[2-9]\d{6,7})"
    r")(?![\dA-Za-z@_])")
_PHONE_WORD = re.compile(r"电话|手机|座机|热线|号码|短信|联系方式|tel|值班|举报|监督|联系|咨询|来电|拨打",
                         re.IGNORECASE)
_NOT_OURS = re.compile(r"报料|新闻|广告|投稿|网站|主办|承办|技术支持|版权|备案|ICP|传真|邮编|邮政编码|客服|"
                       r"订阅|发行|纠错|防汛|应急|救援|服务热线|编辑|记者|读者|招聘|办公室电话[^,，]{0,3}$",
                       re.IGNORECASE)
_LIST_JOIN = re.compile(r"^(?:[、,，/或和及]|\([^()]{0,30}\)[、,，/或和及]?)$")
# A number after another in the same sentence with a label of its own: 县委第二巡察组：…
_SHORT_LABEL = re.compile(r"^[,，、;；]?[^,，。;；]{1,16}[:：]$")
_CUT_LABEL = re.compile(r"[,，](?=(?:同时|并|还|另)?[\u4e00-\u9fff/]{1,10}[:：])")
_SMS_ONLY = re.compile(r"(?:只|仅)(?:能)?(?:接收|接受|收|限|发送?)短信|短信专用|专用短信|不接听|不接电话|"
                       r"不受理来电|不接受来电|只发短信|仅发短信|仅限短信")
_CALLS = re.compile(r"电话|来电|接听|通话|座机|语音")

_QUAL = (r"(?:每天|每日|工作日(?:期间)?|周一至周五|周一到周五|星期一至星期五|星期一到星期五|法定节假日除外|"
         r"节假日除外|节假日|双休日|全天|白天|上午|下午|中午|晚上|早上|早|晚)")
_CLOCK = r"\d{1,2}(?::\d{2}|点(?:\d{1,2}分?|半)?|时(?:\d{1,2}分)?)"
_SEGMENT = rf"(?:{_QUAL}的?)*{_CLOCK}(?:[-—–~至到]+|—{{1,2}}){_QUAL}?{_CLOCK}"
TIME_RE = re.compile(
    rf"{_SEGMENT}(?:[,，、和及]{_QUAL}{{0,2}}{_SEGMENT})*"
    r"(?:\((?:北京时间|节假日除外|法定节假日除外|节假日照常|含节假日|双休日除外)\))?"
    r"|(?:每天|每日|全天)?24小时(?!(?:接收|接受|收)短信)")
_TIME_MARKER = re.compile(r"(?:时间|时段)(?:为|是)?[:：]?")
_GLOBAL_HOURS = re.compile(
    r"(?:值班|接听|受理|联系|来电|电话|举报)[^,，。;；()]{0,8}?(?:时间|时段)(?:为|是)?[:：]?")

_POSTAL_LABEL = re.compile(
    r"(?:邮政专用信箱|专用邮政信箱|邮政信箱|信箱地址|来信请寄(?:至|往)?|来信寄(?:至|往)|来信邮寄(?:至|往)?|"
    r"寄信地址|邮寄地址|通信地址|通讯地址|来信地址|信件请寄(?:至)?|写信至|邮寄至|收信地址|邮寄信件至)"
    r"(?:为|是)?[:：]?")
_POSTAL_SHAPE = re.compile(r"[A-Za-z]?\d{1,6}号?(?:邮政专用信箱|邮政信箱|专用信箱|信箱)")
_POSTCODE = re.compile(r"[(（]?邮(?:政)?编(?:码)?[:：]?\d{6}[)）]?$|\d{6}$")
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}"
                      r"(?:\.[A-Za-z0-9\-]{1,63}){0,4}\.[A-Za-z]{2,12}(?![A-Za-z])")

_ONLINE_LABEL = re.compile(
    r"(?P<label>网上(?:邮箱|信箱|举报平台|举报网站|举报专区|举报|监督平台)|网络举报(?:平台|网站)?|举报网站|"
    r"举报平台|网上受理平台)(?:[:：]|\s*[(（])")
_ONLINE_NAMES = re.compile(r"码上巡|码上监督|码上举报|掌上巡察|巡察码|网上举报二维码")
_ONLINE_TYPE = re.compile(r"[^,，。;；“”]{0,8}?(?:微信公众号|公众号|小程序|二维码|APP|客户端|平台|专区)",
                          re.IGNORECASE)

_BOX = r"(?:意见箱|举报箱|举报信箱|联系信箱|意见信箱|信访箱|征求意见箱|意见反馈箱|巡[视察](?:意见|举报)?信?箱)"
_BOX_PATTERNS = [
    re.compile(rf"(?:在|于)(?P<x>[^,，。;；:：\n]{{2,120}}?)(?:分别|各|均)?(?:设置|设立|放置|安放|安装|悬挂|设有|设)"
               rf"(?:了)?的?(?:[0-9一二三四五六七八九十两]+个)?(?:固定|专门)?(?:巡[视察])?(?:专用)?{_BOX}"),
    re.compile(rf"{_BOX}(?:[0-9一二三四五六七八九十两]+个)?[,，:：]?(?:分别|各)?(?:设置|设立|放置|安放)?"
               r"(?:于|在|位于|设在|设于|放置在|安放在|设置在)[:：]?(?P<x>[^。;；\n]{2,300}?)"
               r"(?=设置|等处|等地|。|;|；|\n|$)"),
    re.compile(rf"{_BOX}[(（](?:设(?:在|于|置在|置于)|位于|在)?(?P<x>[^)）]{{2,80}})[)）]"),
    re.compile(rf"(?:设置|设立)(?:了)?(?:[0-9一二三四五六七八九十两]+个)?(?:专用)?{_BOX}[,，](?:分别)?(?:位于|设在|在)"
               r"[:：]?(?P<x>[^。;；\n]{2,400}?)(?=。|;|；|\n|$)"),
    re.compile(rf"(?<![邮政电子网上]){_BOX}(?:设置|设立)?(?:地点|位置|地址)?[:：](?:分别)?(?:设在|设于|位于|在)?(?P<x>[^。;；\n]{{2,200}}?)"
               r"(?=设置|。|;|；|\n|$)"),
]
_BOX_LEAD = re.compile(r"(?:分别|均|各|在|于|位于|设在|设于|设置在|:|：)+")
_BOX_TRAIL = re.compile(r"(?:分别|均|设置|设立|等处|等地|等|(?<![墙侧口门旁])处)+$")
_BOX_BAD = re.compile(r"^(?:电话|邮箱|信箱|手机|邮政|地址)|@|\d{7}|信箱$|^[^\u4e00-\u9fff]*$")
_PLACE_END = re.compile(r"(?:门口|门前|大厅|大门|楼|层|院内|院|处|侧|口|馆|店|室|中心|广场|厅|站|内|外|旁|前|部|"
                        r"单位|宾馆|酒店|村|社区|镇|乡|街道)$")


@dataclass
class Phone:
    start: int
    end: int
    number: str
    hours: str | None = None
    hours_span: tuple[int, int] | None = None
    calls: bool = True
    sms: bool = False
    group: int = 0  # numbers listed together share hours written once after them


@dataclass
class Contacts:
    phones: list[Phone] = field(default_factory=list)
    postal: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    emails: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    online: list[tuple[str, tuple[int, int]]] = field(default_factory=list)
    boxes: list[tuple[str, tuple[int, int]]] = field(default_factory=list)


MAX_ITEMS = 60  # no announcement lists more; a bound on work for pasted junk


def _clause_start(text: str, position: int, floor: int) -> int:
    floor = max(floor, position - 200)
    return max(floor, max(text.rfind(c, floor, position) for c in ",，;；。\n") + 1)


def _after(text: str, end: int, limit: int) -> str:
    """What is said of a number after it: up to the next sentence, label or number."""
    stop = min(limit, end + 80)
    for char in "。;；\n":
        found = text.find(char, end, stop)
        if found != -1:
            stop = found
    after = text[end:stop]
    for cut in _CUT_LABEL.finditer(after):
        label = after[cut.end():after.find(":", cut.end()) if ":" in after[cut.end():] else None]
        if not re.search(r"时间|时段", label or ""):
            return after[:cut.start()]
    return after


def _hours(doc: Document, start: int, stop: int) -> tuple[str, tuple[int, int]] | None:
    """The first time expression between two positions, after 时间为 if that is written."""
    text = doc.text
    marker = _TIME_MARKER.search(text, start, stop)
    search_from = marker.end() if marker else start
    match = TIME_RE.search(text, search_from, stop)
    if match is None and marker is not None:
        match = TIME_RE.search(text, start, stop)
    if match is None or not re.search(r"\d", match.group()):
        return None
    return doc.value(*match.span()), match.span()


def find_phones(doc: Document, tables: list[Table]) -> list[Phone]:
    text = doc.text
    phone_cells = [cell for table in tables for cell in table.cells(r"电话|手机|短信|联系方式")]
    matches = []
    for match in PHONE_RE.finditer(text, doc.body_start, doc.body_end):
        matches.append(match)
        if len(matches) >= MAX_ITEMS * 3:
            break
    phones: list[Phone] = []
    previous_end = doc.body_start
    previous_accepted: Phone | None = None
    for index, match in enumerate(matches):
        start, end = match.span()
        in_table = any(a <= start < b for a, b in phone_cells)
        clause_start = max(_clause_start(text, start, doc.body_start), previous_end)
        label = text[clause_start:start]
        between = text[previous_end:start] if previous_accepted else ""
        listed = previous_accepted is not None and bool(_LIST_JOIN.match(between))
        labelled_in_turn = (previous_accepted is not None and "。" not in between
                            and "\n" not in between and bool(_SHORT_LABEL.match(label)))
        previous_end = end
        if _NOT_OURS.search(label) or _NOT_OURS.search(text[max(doc.body_start, start - 12):start]):
            previous_accepted = None
            continue
        line_start, line_end = doc.line_at(start)
        if re.search(r"版权|ICP|备案号|主办单位|技术支持", text[line_start:line_end]):
            previous_accepted = None
            continue
        near_label = text[max(doc.body_start, start - 10):start]
        if match.group("local") and not (in_table or re.search(r"电话|手机|号码|座机", near_label)
                                        or listed):
            previous_accepted = None
            continue
        if not (in_table or listed or labelled_in_turn or _PHONE_WORD.search(label)
                or _PHONE_WORD.search(text[max(doc.body_start, start - 16):start])):
            previous_accepted = None
            continue
        next_start = matches[index + 1].start() if index + 1 < len(matches) else doc.body_end
        after = _after(text, end, next_start)
        own_label = label if not listed or previous_accepted is None else (label + text[_clause_start(
            text, previous_accepted.start, doc.body_start):previous_accepted.start])
        phone = Phone(start, end, doc.value(start, end))
        sms_words = own_label + after
        if _SMS_ONLY.search(after) or (
                "短信" in own_label and not _CALLS.search(own_label.replace("短信", "", 1))
                and not _CALLS.search(after)):
            phone.calls, phone.sms = False, True
        elif "短信" in sms_words:
            phone.sms = True
        if phone.calls:
            hours = _hours(doc, end, end + len(after))
            if hours is None and not listed:
                hours = _hours(doc, clause_start, start)
            if hours:
                phone.hours, phone.hours_span = hours
        phone.group = previous_accepted.group if listed and previous_accepted else index
        phones.append(phone)
        previous_accepted = phone
    _share_hours(doc, phones)
    unique: dict[str, Phone] = {}
    for phone in phones:
        known = unique.get(phone.number)
        if known is None:
            unique[phone.number] = phone
        else:
            known.sms = known.sms or phone.sms
            known.calls = known.calls or phone.calls
            known.hours = known.hours or phone.hours
    return list(unique.values())


def _share_hours(doc: Document, phones: list[Phone]) -> None:
    """Hours written once for a list of numbers (``0736-7321404、13607364404，值班时间：…``)
    go to each; hours in a clause of their own (``接听时间为工作日…``) go to every number
    that has none."""
    groups: dict[int, list[Phone]] = {}
    for phone in phones:
        groups.setdefault(phone.group, []).append(phone)
    for members in groups.values():
        found = [p for p in members if p.hours]
        if found:
            for phone in members:
                if phone.calls and not phone.hours:
                    phone.hours, phone.hours_span = found[-1].hours, found[-1].hours_span
    text = doc.text
    shared = []
    for marker in _GLOBAL_HOURS.finditer(text, doc.body_start, doc.body_end):
        clause = text[_clause_start(text, marker.start(), doc.body_start):marker.start()]
        if "短信" in clause or inside_brackets(text, marker.start(), max(doc.body_start,
                                                                        marker.start() - 40)):
            continue
        match = TIME_RE.match(text, marker.end())
        if match and re.search(r"\d", match.group()):
            sentence = _sentence(text, marker.start(), doc)
            shared.append((doc.value(*match.span()), match.span(), sentence))
    # Hours in a sentence with numbers are those numbers'; in a sentence of their own
    # (值班电话受理时间为…) they are every number's.
    for value, span, (lo, hi) in shared:
        in_sentence = [p for p in phones if lo <= p.start < hi]
        for phone in in_sentence:
            if phone.calls and not phone.hours:
                phone.hours, phone.hours_span = value, span
    standalone = [(v, s) for v, s, (lo, hi) in shared
                  if not any(lo <= p.start < hi for p in phones)]
    if len({v for v, _s in standalone}) == 1:
        for phone in phones:
            if phone.calls and not phone.hours:
                phone.hours, phone.hours_span = standalone[0]


def _sentence(text: str, position: int, doc: Document) -> tuple[int, int]:
    lo, hi = max(doc.body_start, position - 300), min(doc.body_end, position + 300)
    start = max(lo, max(text.rfind(c, lo, position) for c in "。\n") + 1)
    ends = [p for p in (text.find(c, position, hi) for c in "。\n") if p != -1]
    return start, (min(ends) if ends else hi)


def find_postal(doc: Document) -> list[tuple[str, tuple[int, int]]]:
    text = doc.text
    spans: list[tuple[int, int]] = []
    for label in _POSTAL_LABEL.finditer(text, doc.body_start, doc.body_end):
        if len(spans) >= MAX_ITEMS:
            break
        start = label.end()
        stop = start
        limit = min(doc.body_end, start + 60)
        while stop < limit and text[stop] not in ",，。;；\n":
            if text.startswith(("(邮编", "（邮编", "邮编", "邮政编码", "(邮政编码"), stop):
                break
            stop += 1
        value = text[start:stop]
        if re.match(r"[、和及与或]", value) or re.search(r"电子(?:邮|信)箱|平台|附表|受理", value):
            continue  # a list of channels (邮政信箱、电子邮箱、“码上巡”…), not an address
        if (len(value) < 3 or "@" in value or re.search(r"http|www|登录|点击|网站|扫描|关注", value)
                or not re.search(r"信箱|号|路|街|室|楼|院|组|办|箱", value)):
            continue
        spans.append((start, stop))
    for match in _POSTAL_SHAPE.finditer(text, doc.body_start, doc.body_end):
        if len(spans) >= 2 * MAX_ITEMS:
            break
        if any(a <= match.start() < b for a, b in spans):
            continue
        start = match.start()
        while start > max(doc.body_start, match.start() - 16) and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        lead = re.match(r".*(?:寄|到|向|至|通过|地址|为|设|设立|专门|的|:|：)", text[start:match.start()])
        if lead:
            start += lead.end()
        value = text[start:match.end()]
        if re.search(r"电子|网上|网络|举报信箱|意见", text[max(0, start - 4):match.end()]):
            continue
        spans.append((start, match.end()))
    values: list[tuple[str, tuple[int, int]]] = []
    for start, stop in sorted(spans):
        value = doc.value(start, stop).rstrip(",，、")
        simple = text[start:stop]
        code = _POSTCODE.search(simple)
        if code:
            stop = start + code.start()
            value = doc.value(start, stop).rstrip(",，、(（")
        if not value:
            continue
        if any(value == v or value in v for v, _s in values):
            continue
        values = [(v, s) for v, s in values if v not in value]
        values.append((value, (start, stop)))
    return values


def find_emails(doc: Document) -> list[tuple[str, tuple[int, int]]]:
    text = doc.text
    values: list[tuple[str, tuple[int, int]]] = []
    for match in EMAIL_RE.finditer(text, doc.body_start, doc.body_end):
        if len(values) >= MAX_ITEMS:
            break
        before = text[_clause_start(text, match.start(), doc.body_start):match.start()]
        if _NOT_OURS.search(before):
            continue
        values.append((doc.value(*match.span()), match.span()))
    return _unique(values)


def find_online(doc: Document) -> list[tuple[str, tuple[int, int]]]:
    text = doc.text
    found: list[tuple[str, tuple[int, int]]] = []
    labelled_clauses: list[tuple[int, int]] = []
    for match in _ONLINE_LABEL.finditer(text, doc.body_start, doc.body_end):
        span = match.span("label")
        found.append((doc.value(*span), span))
        hi = min(doc.body_end, match.end() + 200)
        clause_end = min((p for p in (text.find(c, match.end(), hi) for c in "。;；\n") if p != -1),
                         default=hi)
        labelled_clauses.append((match.end(), clause_end))
    for match in re.finditer(r"“(?P<name>[^“”\n]{2,12})”", text[doc.body_start:doc.body_end]):
        start, end = doc.body_start + match.start("name"), doc.body_start + match.end("name")
        if any(a <= start < b for a, b in labelled_clauses):
            continue
        if re.search(r"点击|栏目|专题|按钮", text[max(0, start - 4):start] + text[end + 1:end + 4]):
            continue
        name = text[start:end]
        if _ONLINE_NAMES.fullmatch(name) or _ONLINE_TYPE.match(text, end + 1):
            found.append((doc.value(start, end), (start, end)))
            if len(found) >= MAX_ITEMS:
                break
    covered = {span[0] for _v, span in found}
    for match in _ONLINE_NAMES.finditer(text, doc.body_start, doc.body_end):
        if len(found) >= MAX_ITEMS:
            break
        if match.group() == "网上举报二维码" and text[match.start() - 1:match.start()] == "”":
            continue  # “码上巡”网上举报二维码: the channel's name came first
        if match.start() not in covered:
            found.append((doc.value(*match.span()), match.span()))
    found.sort(key=lambda item: item[1])
    return _unique(found)


def find_boxes(doc: Document) -> list[tuple[str, tuple[int, int]]]:
    text = doc.text
    spans: list[tuple[int, int]] = []
    for pattern in _BOX_PATTERNS:
        for match in pattern.finditer(text, doc.body_start, doc.body_end):
            spans.extend(_split_places(text, *match.span("x")))
            if len(spans) >= MAX_ITEMS:
                break
    values: list[tuple[str, tuple[int, int]]] = []
    for start, stop in sorted(set(spans)):
        lead = _BOX_LEAD.match(text, start, stop)
        if lead:
            start = lead.end()
        trail = _BOX_TRAIL.search(text[start:stop])
        if trail:
            stop = start + trail.start()
        value = text[start:stop]
        if len(value) < 2 or _BOX_BAD.search(value) or re.search(r"巡[视察]组$|设置|受理", value):
            continue
        if any(a <= start < b or start <= a < stop for _v, (a, b) in values):
            continue
        values.append((doc.value(start, stop), (start, stop)))
    return _unique(values)


def _split_places(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Places of an enumeration; 和/及 split only after a place (大厅和…)."""
    parts = []
    position = start
    for match in re.finditer(r"、|,|，|;|；|和|及", text[start:end]):
        at = start + match.start()
        if inside_brackets(text, at, start):
            continue
        if match.group() in ("和", "及") and not _PLACE_END.search(text[position:at]):
            continue
        parts.append((position, at))
        position = start + match.end()
    parts.append((position, end))
    return [(a, b) for a, b in parts if b > a]


def _unique(items: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    seen: set[str] = set()
    out = []
    for value, span in items:
        if value and value not in seen:
            seen.add(value)
            out.append((value, span))
    return out


def find_contacts(doc: Document, tables: list[Table]) -> Contacts:
    return Contacts(phones=find_phones(doc, tables), postal=find_postal(doc),
                    emails=find_emails(doc), online=find_online(doc), boxes=find_boxes(doc))
