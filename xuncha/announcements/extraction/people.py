"""The team's 组长 and 副组长.

A 组长 counts when the words before it name an inspection team (``省委第十巡视组组长``,
``巡察组（组长：…``) or the sentence is about one; the 组长 of a leading group (领导小组),
of a steering or working group, the meeting's host and the unit's secretary never do.
"""

import re

from .document import Document
from .names import name_at, names_list
from .tables import Table

_OTHER_GROUP = re.compile(r"(?:领导小组|小组|督导组|指导组|工作组|调研组|考核组|检查组|专班|评估组|验收组|"
                          r"宣讲组|联络组|协调组|专家组|整改组|纪检组|纪检监察组|监察组|审计组)(?:[^,，。;；]{0,4})$")
_TEAM_BEFORE = re.compile(r"(?:巡[视察]组|第[一二三四五六七八九十\d]+组|机动组|巡[视察][一二三四五六七八九十\d]+组)"
                          r"[^,，。;；组]{0,3}$")
_LEADER = re.compile(r"(?<!副)组长(?:[:：|]|为|是)?")
# A rank or title between 组长 and the name: 组长、一级巡视员王某; 组长由省政协原副主席王某担任.
_TITLE = re.compile(r"[、,，]?[^,，。;；、]{0,18}?(?:巡视员|督察员|调研员|主任|副主任|主席|书记|部长|厅长|局长|"
                    r"处长|院长|检察长|委员|秘书长|(?:正|副)?(?:厅|处|局|科)级(?:干部)?)")
_DEPUTY = re.compile(r"副组长(?:[:：|]|为|是)?")
_APPOINTED = re.compile(r"(?:由)?(?P<names>[\u4e00-\u9fff·、,，]{2,40}?)(?:同志)?(?:任|担任)(?P<role>副?组长)")


def _team_context(text: str, position: int, body_start: int) -> bool:
    before = text[max(body_start, position - 14):position]
    if _OTHER_GROUP.search(before):
        return False
    if _TEAM_BEFORE.search(before):
        return True
    # Otherwise the team must be named shortly before, in the same paragraph.
    line_start = text.rfind("\n", max(body_start, position - 100), position) + 1
    recent = text[max(line_start, position - 100):position]
    return bool(re.search(r"巡[视察]组", recent)) and not re.search(
        r"领导小组|督导组|指导组|工作组", recent[-20:])


def find_people(doc: Document, tables: list[Table],
                ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of the leaders' and the deputies' names, in order of appearance."""
    text = doc.text
    leaders: list[tuple[int, int]] = []
    deputies: list[tuple[int, int]] = []
    for match in _LEADER.finditer(text, doc.body_start, doc.body_end):
        if not _team_context(text, match.start(), doc.body_start):
            continue
        span = name_at(text, match.end())
        if span is None:
            title = _TITLE.match(text, match.end())
            if title and title.end() - match.end() <= 20:
                span = name_at(text, title.end())
        if span:
            # 第一、第二巡察组组长金苗、吴剑平: one 组长 per team, so no single leader.
            leaders.extend(names_list(text, span[0]) or [span])
    for match in _DEPUTY.finditer(text, doc.body_start, doc.body_end):
        if not _team_context(text, match.start(), doc.body_start):
            continue
        deputies.extend(names_list(text, match.end()))
    for match in _APPOINTED.finditer(text, doc.body_start, doc.body_end):
        role = match.start("role")
        if _OTHER_GROUP.search(text[max(doc.body_start, role - 30):role]) or "巡" not in text[
                max(doc.body_start, role - 60):role]:
            continue
        names_start = match.start("names")
        # The names right before 任: walk back over the enumeration, then over a title.
        chunk = match.group("names")
        cut = max(chunk.rfind(c) for c in "由,，")
        position = names_start + cut + 1
        title = _TITLE.match(text, position)
        if title and name_at(text, position) is None:
            position = title.end()
        spans = names_list(text, position)
        spans = [s for s in spans if s[1] <= match.start("role")]
        (deputies if match.group("role") == "副组长" else leaders).extend(spans)
    for table in tables:
        for a, b in table.cells(r"^组长$"):
            span = name_at(text + "\n", a)
            if span and span[1] == b:
                leaders.append(span)
        for a, b in table.cells(r"^副组长$"):
            for span in names_list(text + "\n", a):
                if span[1] <= b:
                    deputies.append(span)
    return sorted(set(leaders)), sorted(set(deputies))
