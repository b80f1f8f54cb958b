"""When: the meeting, the on-site period and the petition deadline.

Each is looked for in the sentences that state it (动员会…召开, 巡察时间为…至…, 受理信访截止…)
and dated by the year rules in ``dates``. With several teams a value that differs between
them is null.
"""

import datetime
import re
from dataclasses import dataclass

from .dates import DateHit, YearResolver, dates_in, iso, range_after
from .document import Document, sentences

_MOBILIZATION_MEETING = re.compile(
    r"(?:动员会|动员大会|动员部署会|动员会议|见面会|进驻会|部署会)(?:议)?(?:[^,，。]{0,12})?(?:召开|举行)"
    r"|(?:召开|举行)(?:了)?[^。]{0,40}?(?:动员会|动员大会|动员部署会|动员会议|进驻会|见面会)")
_FEEDBACK_MEETING = re.compile(
    r"反馈会|反馈大会|反馈会议|反馈(?:了)?(?:巡视|巡察)?(?:情况|意见)|进行(?:了)?(?:集中)?反馈|作(?:了)?反馈|"
    r"(?:巡视|巡察)?(?:意见|情况)反馈|"
    r"集中反馈")
_EITHER_MEETING = re.compile(_MOBILIZATION_MEETING.pattern + "|" + _FEEDBACK_MEETING.pattern)
_PERIOD_CONTEXT = re.compile(r"巡[视察]|进驻|驻点|现场|工作时间|回头看|开展")
_INTAKE = re.compile(r"受理|信访|来信|来电|来访|举报|截止|截至|接听|电话")
_START_ONLY = re.compile(
    r"(?:于|从|自)(?P<date>[^,，。;；]{4,16}?)(?:起|开始)?(?:陆续|正式|分别)?(?:进驻|对|在|开始)"
    r"|进驻时间为(?P<date2>[^,，。;；]{4,16})")
_DEADLINE_CUE = re.compile(r"(?:截止|截至|结束)(?:时间|日期)?(?:为|是|到|至|于)?[:：]?"
                           r"|(?:即日|进驻之日|进驻当日|巡[视察]开始之日|公告之日)起?(?:至|到)")
_DEADLINE_AFTER = re.compile(r"(?:以)?后(?:不再|停止)受理")
_RELATIVE = re.compile(
    r"(?:(?:巡[视察]|进驻|现场)(?:工作)?)?结束前(?P<n>\d+|[一二三四五六七八九十]+)(?:个)?(?P<unit>工作日|天|日)")
_RANGE_INTAKE = re.compile(r"(?:受理|信访|来信|来访)[^。\n]{0,12}?时间(?:为|是)?[:：]?\s*(?:自|从)?$")


@dataclass
class Schedule:
    meeting: tuple[str, tuple[int, int]] | None = None
    start: tuple[str, tuple[int, int]] | None = None
    end: tuple[str, tuple[int, int]] | None = None
    deadline: tuple[str, tuple[int, int]] | None = None


def _team_in(text: str, start: int, end: int, team_spans: list[tuple[int, int, str]]) -> str | None:
    for a, _b, key in team_spans:
        if start <= a < end:
            return key
    return None


def _agreed(candidates: list[tuple[str | None, str, tuple[int, int]]],
            several_teams: bool) -> tuple[str, tuple[int, int]] | None:
    """The first candidate, unless several teams have candidates that differ."""
    if not candidates:
        return None
    if several_teams:
        by_team: dict[str | None, str] = {}
        for team, value, _span in candidates:
            by_team.setdefault(team, value)
        if len({v for t, v in by_team.items() if t is not None}) > 1:
            return None
    _team, value, span = candidates[0]
    return value, span


def find_schedule(doc: Document, kind: str, resolver: YearResolver,
                  team_spans: list[tuple[int, int, str]], several_teams: bool) -> Schedule:
    text = doc.text
    result = Schedule()
    spans = sentences(text, doc.body_start, doc.body_end)

    # The meeting: the first date of a sentence that reports it.
    meeting_re = {"feedback": _FEEDBACK_MEETING, "mobilization": _MOBILIZATION_MEETING}.get(
        kind, _EITHER_MEETING)  # a rectification report dates the feedback it answers
    meetings = []
    for start, end in spans:
        sentence = text[start:end]
        if not meeting_re.search(sentence) or "见面沟通会" in sentence and "动员" not in sentence:
            continue
        hits = dates_in(text, start, end)
        if not hits:
            continue
        hit = hits[0]
        second = range_after(text, hit)
        if second is not None and kind != "mobilization" and not re.search(
                r"反馈", re.split(r"[,，;；。]", text[second.end:end])[0]):
            continue  # 2022年9月13日至11月11日…进行了巡察: the period, not the meeting
            # (but 于2018年1月4至5日分别向…反馈: the meeting's days)
        value = iso(resolver.year(hit), hit.month, hit.day)
        if value:
            meetings.append((_team_in(text, start, end, team_spans), value, (hit.start, hit.end)))
        else:
            meetings.append((_team_in(text, start, end, team_spans), "", (hit.start, hit.end)))
    agreed = _agreed(meetings, several_teams)
    if agreed and agreed[0]:
        result.meeting = agreed

    # The period: a range in a sentence about the inspection, not about petitions.
    periods = []
    intake_ranges = []
    for start, end in spans:
        for hit in dates_in(text, start, end):
            second = range_after(text, hit)
            if second is None:
                continue
            left = text[max(doc.body_start, hit.start - 24):hit.start]
            clause_left = re.split(r"[,，;；。]", left)[-1]
            if _RANGE_INTAKE.search(left) or _INTAKE.search(clause_left):
                intake_ranges.append((hit, second))
                continue
            if not _PERIOD_CONTEXT.search(text[start:end]):
                continue
            if kind == "feedback" and re.search(
                    r"反馈", re.split(r"[,，;；。]", text[second.end:end])[0]):
                continue  # 于1月4至5日分别向…反馈: the days of the feedback, not the period
            year_a = resolver.year(hit)
            year_b = resolver.year(second, partner=hit, partner_year=year_a)
            value_a, value_b = iso(year_a, hit.month, hit.day), iso(year_b, second.month, second.day)
            team = _team_in(text, start, end, team_spans)
            periods.append((team, f"{value_a}|{value_b}", (hit.start, second.end),
                            (hit, second, value_a, value_b)))
    if periods:
        agreed_period = _agreed([(t, v, s) for t, v, s, _x in periods], several_teams)
        if agreed_period:
            hit, second, value_a, value_b = next(x for t, v, s, x in periods
                                                 if v == agreed_period[0])
            if value_a:
                result.start = (value_a, (hit.start, hit.end))
            if value_b:
                result.end = (value_b, (second.start, second.end))
    else:
        starts = []
        for match in _START_ONLY.finditer(text, doc.body_start, doc.body_end):
            group = "date" if match.group("date") else "date2"
            hits = dates_in(text, match.start(group), match.end(group))
            if not hits or hits[0].start != match.start(group):
                continue
            hit = hits[0]
            value = iso(resolver.year(hit), hit.month, hit.day)
            starts.append((_team_in(text, match.start(), match.end() + 30, team_spans),
                           value or "", (hit.start, hit.end)))
        agreed_start = _agreed(starts, several_teams)
        if agreed_start and agreed_start[0]:
            result.start = agreed_start

    result.deadline = _deadline(doc, resolver, spans, intake_ranges, result, team_spans,
                                several_teams)
    return result


def _deadline(doc: Document, resolver: YearResolver, spans: list[tuple[int, int]],
              intake_ranges: list[tuple[DateHit, DateHit]], result: Schedule,
              team_spans: list[tuple[int, int, str]], several_teams: bool,
              ) -> tuple[str, tuple[int, int]] | None:
    text = doc.text
    candidates: list[tuple[str | None, str, tuple[int, int]]] = []
    for start, end in spans:
        sentence = text[start:end]
        if not re.search(r"受理|信访|来信|举报", sentence):
            continue
        for cue in _DEADLINE_CUE.finditer(text, start, end):
            left = text[max(start, cue.start() - 30):cue.start()]
            if not re.search(r"受理|信访|来信|来电|举报", left + text[cue.start():cue.end() + 12]):
                continue
            team = _team_in(text, start, end, team_spans)
            hits = [h for h in dates_in(text, cue.end(), min(end, cue.end() + 16))]
            if hits and hits[0].start - cue.end() <= 4:
                hit = hits[0]
                candidates.append((team, iso(resolver.year(hit), hit.month, hit.day) or "",
                                   (hit.start, hit.end)))
                break
            relative = _RELATIVE.search(text, cue.end(), min(end, cue.end() + 24))
            if relative:
                candidates.append((team, _relative(relative, result) or "", relative.span()))
                break
        else:
            after = _DEADLINE_AFTER.search(sentence)
            if after:
                hits = dates_in(text, start, start + after.start())
                if hits:
                    hit = hits[-1]
                    candidates.append((_team_in(text, start, end, team_spans),
                                       iso(resolver.year(hit), hit.month, hit.day) or "",
                                       (hit.start, hit.end)))
                continue
            relative = _RELATIVE.search(sentence)
            if relative and re.search(r"受理|信访", sentence[:relative.start()]):
                span = (start + relative.start(), start + relative.end())
                candidates.append((_team_in(text, start, end, team_spans),
                                   _relative(relative, result) or "", span))
    for hit, second in intake_ranges:
        year_a = resolver.year(hit)
        year_b = resolver.year(second, partner=hit, partner_year=year_a)
        candidates.append((None, iso(year_b, second.month, second.day) or "",
                           (second.start, second.end)))
    agreed = _agreed(candidates, several_teams)
    if agreed and agreed[0]:
        return agreed
    return None


def _relative(match: re.Match, result: Schedule) -> str | None:
    """A deadline counted back from the stated end of the period (结束前5个工作日)."""
    if result.end is None:
        return None
    from xuncha.lib.textnorm import chinese_numeral_to_int

    count = chinese_numeral_to_int(match.group("n"))
    if count is None:
        return None
    end = datetime.date.fromisoformat(result.end[0])
    if match.group("unit") == "工作日":
        from xuncha.lib.workdays import DEFAULT

        return DEFAULT.add_workdays(end, -count).isoformat()
    return (end - datetime.timedelta(days=count)).isoformat()
