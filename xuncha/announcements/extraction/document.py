"""The text as the rules see it, and the way back to the text as written.

``Document.text`` is the input with converter pinyin removed, NFKC-folded, in simplified
script and without spaces (a name typeset as ``郭  健`` reads ``郭健``); newlines stay, and
the wide gaps between the cells of a table row become ``|``. ``Document.origin`` maps each
of its characters to the index in the original input, so a value is copied from the
original (script kept) and every match is a span into the original for highlighting.

The document also knows where the article is: the headline, where site menus end and
where footers, "related news" and copyright lines begin.
"""

import re
from dataclasses import dataclass, field

from xuncha.lib.textnorm import normalize_with_offsets, strip_pinyin_artifacts

# Past this many characters only a window around the first team mention is read:
# announcements are a few thousand characters, pasted pages rarely 100,000.
MAX_CHARS = 120_000
WINDOW_BEFORE = 20_000

_INSPECTION = re.compile(r"巡[视察視]")
_TEAM_HINT = re.compile(r"巡[视察視][組组]|巡[视察視]第|第[一二三四五六七八九十\d]+巡[视察視]")
_SPACES = re.compile(r"[^\S\n]+")
_WIDE_GAP = re.compile(r"\t|[^\S\n]{2,}")

MENU_LINE = re.compile(r"当前位置|所在位置|您的位置|首页\s*[>》/]|>>|[>》]\s*正文|网站首页|设为首页|"
                       r"加入收藏|无障碍|登录|注册|繁体|简体版|English")
META_LINE = re.compile(r"发布时间|发布日期|发表时间|更新时间|来源[:：]|作者[:：]|浏览(?:次数|量)?[:：]|"
                       r"阅读[:：]|点击[:：]|字号|【字体|打印|分享到|时间[:：]|日期[:：]")
_TITLE_WORDS = re.compile(r"巡视|巡察|公告|通告|动员|反馈|进驻|讲话|会议|召开")
_FOOTER = re.compile(
    r"^(?:相关新闻|相关阅读|相关链接|相关文章|延伸阅读|推荐阅读|热点推荐|热门推荐|猜你喜欢|"
    r"责任编辑|【?打印|打印本页|【关闭|关闭窗口|上一篇|下一篇|版权所有|Copyright|©|主办单位|"
    r"主办[:：]|承办|协办|网站标识码|技术支持|关于我们|联系我们|网站地图|分享到|扫一扫|"
    r"\(?(?:责任|值班)?编辑[:：]|\(?编审[:：]|\(?审核[:：]|\(?校对[:：])", re.IGNORECASE)
_FOOTER_ANYWHERE = re.compile(r"版权所有|ICP备|ICP证|公网安备|网站标识码|Copyright|©|技术支持[:：]",
                              re.IGNORECASE)


@dataclass
class Document:
    """The prepared text; positions are indexes into ``text`` unless named original."""

    original: str
    text: str
    origin: list[int]
    base: int = 0  # where ``original`` starts in the caller's input (a window of it)
    title_start: int = 0
    title_end: int = 0
    headline: bool = True  # False when the "title" is the first sentence of a paragraph
    body_start: int = 0
    body_end: int = 0
    lines: list[tuple[int, int]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.text[self.title_start:self.title_end]

    @property
    def body(self) -> str:
        return self.text[self.body_start:self.body_end]

    def value(self, start: int, end: int) -> str:
        """The text as written between two positions: original script, without converter
        pinyin and without whitespace."""
        if start >= end:
            return ""
        raw = self.original[self.origin[start]:self.origin[end - 1] + 1]
        return _SPACES.sub("", strip_pinyin_artifacts(raw)).replace("\n", "")

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the caller's input that the positions cover."""
        if start >= end:
            return (self.base, self.base)
        return (self.base + self.origin[start], self.base + self.origin[end - 1] + 1)

    def line_at(self, position: int, limit: int = 300) -> tuple[int, int]:
        """The line around ``position``, at most ``limit`` characters to each side."""
        lo = max(0, position - limit)
        start = max(lo, self.text.rfind("\n", lo, position) + 1)
        end = self.text.find("\n", position, position + limit)
        return start, (min(len(self.text), position + limit) if end == -1 else end)


def window(text: str) -> tuple[str, int]:
    """The part of a long input worth reading and where it starts: around the first team
    mention (or the first mention of 巡视/巡察), at most ``MAX_CHARS`` characters."""
    if len(text) <= MAX_CHARS:
        return text, 0
    hint = _TEAM_HINT.search(text)
    if hint is None:
        hint = _INSPECTION.search(text)
    anchor = hint.start() if hint else 0
    start = max(0, anchor - WINDOW_BEFORE)
    return text[start:start + MAX_CHARS], start


def prepare(text: str, base: int = 0) -> Document:
    """Normalise ``text`` and find its headline, body and footer."""
    normal, offsets = normalize_with_offsets(text)
    normal = normal.replace("∶", ":")  # the ratio sign typeset for a colon in 8∶00 (same length)
    kept: list[str] = []
    origin: list[int] = []
    for line_match in re.finditer(r"[^\n]*\n?", normal):
        line, line_start = line_match.group(), line_match.start()
        if not line:
            break
        body = line.rstrip("\n")
        # Two or more spaces or a tab between the cells of a line without sentence
        # punctuation is a table gap and becomes "|"; any other whitespace goes.
        tableish = len(_WIDE_GAP.findall(body.strip())) >= 2 and not re.search(r"[，。,;；]", body)
        position = 0
        for gap in _SPACES.finditer(line):
            kept.append(line[position:gap.start()])
            origin.extend(offsets[line_start + position:line_start + gap.start()])
            if (tableish and _WIDE_GAP.fullmatch(gap.group()) and gap.start() > 0
                    and gap.end() < len(body) and not _single_char_around(line, gap)):
                kept.append("|")
                origin.append(offsets[line_start + gap.start()])
            elif (0 < gap.start() and gap.end() < len(body) and line[gap.start() - 1].isascii()
                  and line[gap.start() - 1].isalnum() and line[gap.end()].isascii()
                  and line[gap.end()].isalnum()):
                # Between Latin letters or digits a space separates (2023-05-20 09:30).
                kept.append(" ")
                origin.append(offsets[line_start + gap.start()])
            position = gap.end()
        kept.append(line[position:])
        origin.extend(offsets[line_start + position:line_match.end()])
    compact = "".join(kept)
    doc = Document(original=text, text=compact, origin=origin, base=base)
    _layout(doc)
    return doc


def _single_char_around(line: str, gap: re.Match) -> bool:
    """Whether the gap has a lone character on each side: ``郭  健`` is one name padded to
    the width of three characters, not two table cells."""
    def cjk(position: int) -> bool:
        return 0 <= position < len(line) and "\u3400" <= line[position] <= "\u9fff"

    before, after = gap.start(), gap.end()
    return (cjk(before - 1) and not cjk(before - 2)) and (cjk(after) and not cjk(after + 1))


def _layout(doc: Document) -> None:
    text = doc.text
    lines = []
    position = 0
    for line in text.split("\n"):
        lines.append((position, position + len(line)))
        position += len(line) + 1
    doc.lines = lines
    doc.body_end = len(text)

    title = None
    for start, end in lines[:25]:
        line = text[start:end]
        if len(line) < 6 or MENU_LINE.search(line) or line.count("|") >= 3:
            continue
        if META_LINE.search(line) and re.search(r"\d{4}", line):
            continue
        # A headline names the inspection early; a paragraph (a text without a headline)
        # may name it later, and is read from its start.
        if _TITLE_WORDS.search(line[:80]) or (len(line) > 90 and _TITLE_WORDS.search(line)):
            title = (start, end)
            break
    if title is None:
        for start, end in lines[:25]:
            line = text[start:end]
            if len(line) >= 6 and not MENU_LINE.search(line) and line.count("|") < 3:
                title = (start, end)
                break
    if title is None:
        title = (0, 0)
    start, end = title
    # A text that starts straight with a paragraph: its first sentence is the headline.
    sentence_end = re.search(r"[。!?！？]", text[start:end])
    if end - start > 90 and sentence_end:
        end = start + sentence_end.end()
        doc.headline = False
    doc.title_start, doc.title_end = start, end
    doc.body_start = start

    for line_start, line_end in lines:
        if line_start < doc.title_end + (40 if doc.headline else 1):
            continue
        line = text[line_start:line_end]
        if _FOOTER.match(line) or (_FOOTER_ANYWHERE.search(line) and len(line) < 200):
            doc.body_end = line_start
            break


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans between ``start`` and ``end`` (split at 。!? and line ends)."""
    spans = []
    position = start
    for match in re.finditer(r"[。!?！？\n]", text[start:end]):
        stop = start + match.end()
        if stop - position > 1:
            spans.append((position, stop))
        position = stop
    if position < end:
        spans.append((position, end))
    return spans


def clause_bounds(text: str, position: int, stops: str = "。;；\n", limit: int = 200,
                  ) -> tuple[int, int]:
    """The clause around ``position``: up to the nearest stop characters on each side."""
    lo = max(0, position - limit)
    start = max((text.rfind(c, lo, position) for c in stops), default=-1) + 1
    start = max(start, lo)
    end = min((p for p in (text.find(c, position, position + limit) for c in stops) if p != -1),
              default=min(len(text), position + limit))
    return start, end


def inside_brackets(text: str, position: int, start: int = 0) -> bool:
    """Whether ``position`` lies inside a bracket opened after ``start``."""
    depth = 0
    for char in text[start:position]:
        if char in "(（[【":
            depth += 1
        elif char in ")）]】" and depth:
            depth -= 1
    return depth > 0
