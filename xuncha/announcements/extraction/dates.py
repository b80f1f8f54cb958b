"""Dates as announcements write them, and the year a date without one may take.

A date is ``2023年5月20日``, ``二〇二三年五月二十日``, ``5月20日``, ``2023-05-20`` or ``2023.5.20``;
a range joins two with 至, 到, —, –, -, ~ (the second may omit year and month). Following
the conventions, a date without a year gets one only from the same expression (a range's
first date), an event on the same day that is dated, a year in the event's name
(``2024年第二轮巡察``) or a dateline printed with the article; never from anywhere else.
"""

import datetime
import re
from dataclasses import dataclass

from xuncha.lib.textnorm import chinese_numeral_to_int

_CN_YEAR = "〇○零Oo一二三四五六七八九"
_YEAR = rf"(?:\d{{4}}|[{_CN_YEAR}]{{4}})"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"

DATE_RE = re.compile(
    # 1月4至5日: the first day of a range may leave 日 to the second.
    rf"(?:(?P<y>{_YEAR})年)?(?P<m>{_MONTH})月(?P<d>{_DAY})(?:[日号]|(?=(?:至|到)(?:{_DAY})[日号]))"
    rf"|(?<![\d.])(?P<iy>\d{{4}})(?P<sep>[-/.])(?P<im>1[0-2]|0?[1-9])(?P=sep)(?P<id>3[01]|[12]\d|0?[1-9])(?!\d)"
    # Lost characters: 2025年1021日 (月 lost), 20251021日 (年 and 月 lost).
    rf"|(?<!\d)(?P<gy>\d{{4}})年?(?P<gm>1[0-2]|0[1-9])(?P<gd>3[01]|[12]\d|0[1-9])日")
# What may join the two dates of a range, and the second date when it omits parts.
RANGE_SEP = re.compile(r"(?:起|开始)?(?:至|到|—+|–|-|~|－|一)(?:次日)?")
SECOND_RE = re.compile(
    rf"(?:(?P<y>{_YEAR})年)?(?:(?P<m>{_MONTH})月)?(?P<d>{_DAY})[日号]"
    rf"|(?P<iy>\d{{4}})(?P<sep>[-/.])(?P<im>1[0-2]|0?[1-9])(?P=sep)(?P<id>3[01]|[12]\d|0?[1-9])(?!\d)")
# A year in an event's name: 2024年第二轮巡察, 2023年度巡察, 2022年县委第一轮巡察.
EVENT_YEAR_RE = re.compile(
    rf"(?P<y>{_YEAR})年(?![\d{_CN_YEAR}十]{{1,2}}月)(?:度)?(?:[^,，。;；\n]{{0,10}}?第[一二三四五六七八九十\d]+轮"
    r"|[^,，。;；\n]{0,8}?(?:巡视|巡察))")
# A dateline: a short meta line (发布时间, 来源…) or a line holding only a date.
_META = re.compile(r"发布|发表|更新|来源|作者|编辑|浏览|阅读|字号|点击|^\W*(?:时间|日期)[:：]")
_YEAR_MIN, _YEAR_MAX = 1990, 2100


@dataclass
class DateHit:
    start: int
    end: int
    year: int | None
    month: int
    day: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.month, self.day)


def _number(text: str | None) -> int | None:
    if not text:
        return None
    return chinese_numeral_to_int(text)


def _hit(match: re.Match, month_default: int | None = None) -> DateHit | None:
    year: int | None
    month: int | None
    day: int | None
    if match.group("iy"):
        year, month, day = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
    elif "gy" in match.re.groupindex and match.group("gy"):
        year, month, day = int(match.group("gy")), int(match.group("gm")), int(match.group("gd"))
    else:
        year = _number(match.group("y"))
        month = _number(match.group("m")) if match.group("m") else month_default
        day = _number(match.group("d"))
    if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None and not _YEAR_MIN <= year <= _YEAR_MAX:
        return None
    return DateHit(match.start(), match.end(), year, month, day)


def dates_in(text: str, start: int = 0, end: int | None = None) -> list[DateHit]:
    """Every date between ``start`` and ``end``, in order."""
    hits = []
    for match in DATE_RE.finditer(text, start, len(text) if end is None else end):
        hit = _hit(match)
        if hit is not None:
            hits.append(hit)
    return hits


def range_after(text: str, first: DateHit) -> DateHit | None:
    """The second date of a range starting with ``first``, if one follows it."""
    sep = RANGE_SEP.match(text, first.end)
    if sep is None or sep.end() == first.end:
        return None
    match = SECOND_RE.match(text, sep.end())
    if match is None:
        return None
    second = _hit(match, month_default=first.month)
    if second is None or (second.year is None and first.year is not None
                          and (second.month, second.day) == first.key):
        return None
    return second


def iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


class YearResolver:
    """Gives a year to a date written without one, by the conventions' four cases."""

    def __init__(self, text: str, body_start: int, body_end: int, title: str):
        self.dated: dict[tuple[int, int], int] = {}
        for hit in dates_in(text, body_start, body_end):
            if hit.year is not None:
                self.dated.setdefault(hit.key, hit.year)
        self.event_year = self._event_year(text, body_start, body_end, title)
        self.dateline = dateline(text)

    @staticmethod
    def _event_year(text: str, body_start: int, body_end: int, title: str) -> int | None:
        for source in (title, text[body_start:min(body_end, body_start + 400)]):
            match = EVENT_YEAR_RE.search(source)
            if match:
                year = _number(match.group("y"))
                if year is not None and _YEAR_MIN <= year <= _YEAR_MAX:
                    return year
        return None

    def year(self, hit: DateHit, partner: DateHit | None = None,
             partner_year: int | None = None) -> int | None:
        """The year of ``hit``; ``partner`` is the first date of its range."""
        if hit.year is not None:
            return hit.year
        if partner is not None and partner_year is not None:
            return partner_year + (1 if hit.key < partner.key else 0)
        if hit.key in self.dated:
            return self.dated[hit.key]
        if self.event_year is not None:
            return self.event_year
        if self.dateline is not None:
            # The year that puts the date nearest the dateline: a deadline in January
            # announced in November falls in the next year.
            line = self.dateline
            best = None
            for year in (line.year - 1, line.year, line.year + 1):
                try:
                    distance = abs((datetime.date(year, hit.month, hit.day) - line).days)
                except ValueError:
                    continue
                if best is None or distance < best[0]:
                    best = (distance, year)
            return best[1] if best else None
        return None


def dateline(text: str) -> datetime.date | None:
    """The date printed with the article: on a short meta line (发布时间:2020-05-20,
    来源… 2023年09月13日) or on a line of its own (a notice's closing date)."""
    for line_match in re.finditer(r"[^\n]+", text):
        line = line_match.group()
        if len(line) > 90:
            continue
        hits = dates_in(line)
        full = [h for h in hits if h.year is not None]
        if not full:
            continue
        hit = full[0]
        year = hit.year
        assert year is not None  # ``full`` keeps the hits that carry a year
        rest = (line[:hit.start] + line[hit.end:]).strip("()（）[]【】 :：|")
        rest = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?", "", rest)
        if _META.search(line[:hit.end + 12]) or len(rest) <= 2 or (
                len(rest) <= 12 and not re.search(r"[,，。;；]", rest)):
            try:
                return datetime.date(year, hit.month, hit.day)
            except ValueError:
                continue
    return None
