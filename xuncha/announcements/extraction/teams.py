"""Who inspects whom: the team's name, the level of its committee, the special topic and
the targets.

Team names are rebuilt from the committee and the team without 届/轮 prefixes or 中共
(``十四届区委第十二轮巡察第三巡察组`` → ``区委第三巡察组``), each part copied as written.
"""

import re
from dataclasses import dataclass

from .document import Document, inside_brackets
from .places import COUNTY_LEVEL_CITIES
from .tables import Table

_NUM = r"[一二三四五六七八九十\d]+"
COMMITTEE = (r"(?:中央|省委|自治区党委|兵团党委|市委|区委|县委|州委|地委|盟委|旗委|特区党委|林区党委|林区委|"
             r"集团公司党委|集团党委|公司党委|校党委|学校党委|党委|集团)")
# The kind of team between its number and 巡察组: 第十三交叉巡察组, 第五提级(交叉)巡察组.
_TEAM_TYPE = r"(?:机动|专项|交叉|提级交叉|提级[(（]交叉[)）]|提级|联动)?"
TEAM_RE = re.compile(
    rf"(?P<com>{COMMITTEE})"
    rf"(?P<round>(?:\d{{4}}年度?)?(?:第{_NUM}轮)(?:巡视|巡察)?(?:“?回头看”?)?)?"
    # A count or 各 before a collective name: 县委5个巡察组, 市委各巡察组 (dropped from the name).
    rf"(?P<count>(?:{_NUM}|两)个|各)?"
    # Several numbered teams named together: 市委第三、四巡察组, 校党委第一、第二巡察组.
    rf"(?P<core>第{_NUM}(?:[、和]第?{_NUM})+{_TEAM_TYPE}(?:巡视|巡察)组"
    rf"|第{_NUM}至第?{_NUM}{_TEAM_TYPE}(?:巡视|巡察)组"
    rf"|第{_NUM}{_TEAM_TYPE}(?:巡视|巡察)组|(?:巡视|巡察)第?{_NUM}组"
    r"|(?:巡视|巡察)机动组|机动(?:巡视|巡察)组|(?:巡视|巡察)组)(?![织长])")
# A committee's round without a team: 2024年县委第二轮巡察, 十二届市委第七轮巡察.
ROUND_RE = re.compile(rf"(?P<com>{COMMITTEE})(?:\d{{4}}年度?)?(?:第{_NUM}轮)?(?:巡视|巡察)(?![组办])")
_PREFIX_CUT = re.compile(
    r".*(?:届|中共|据悉|近日|日前|会上|会前|同时|此外|其中|根据|按照|本报讯|讯|上午|下午|"
    r"接到|收到|配合|协助|支持|陪同|听取|参加|召开|督促|组织|派出|成立|组建|委托|邀请|迎接|接受|"
    r"针对|通过|作为|同|随着|随著|随|着|著|"
    r"在|对|向|由|与|和|及|经|的|了|是|为|将|各|并|还|已|于|以)")

_COM_LEVEL = {"中央": "central", "省委": "provincial", "自治区党委": "provincial",
              "兵团党委": "provincial",
              "区委": "county", "县委": "county", "旗委": "county", "特区党委": "county",
              "林区党委": "county", "林区委": "county",
              "州委": "municipal", "地委": "municipal", "盟委": "municipal"}


@dataclass
class TeamMention:
    start: int  # of the committee (or of the place before it)
    end: int
    com: tuple[int, int]
    core: tuple[int, int]
    prefix: tuple[int, int] | None
    com_text: str
    core_text: str
    numbered: bool
    group: bool = False  # several numbered teams in one name (第三、四巡察组)
    counted: bool = False  # a collective name with a count or 各 (县委5个巡察组)

    @property
    def key(self) -> tuple[str, str]:
        return (self.com_text, re.sub(r"巡视|巡察", "", self.core_text) + self.word)

    @property
    def word(self) -> str:
        return "巡视" if "巡视" in self.core_text else "巡察"


def _prefix(text: str, com_start: int) -> tuple[int, int] | None:
    """The place written before a committee (``义乌``市委), if any."""
    start = com_start
    while start > max(0, com_start - 12) and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    run = text[start:com_start]
    cut = _PREFIX_CUT.match(run)
    if cut:
        start += cut.end()
    if com_start - start < 2 or com_start - start > 8:
        return None
    return (start, com_start)


def team_mentions(doc: Document) -> list[TeamMention]:
    text = doc.text
    mentions: list[TeamMention] = []
    for match in TEAM_RE.finditer(text, doc.body_start, doc.body_end):
        if len(mentions) >= 200:
            break
        prefix = _prefix(text, match.start("com"))
        core = match.group("core")
        mentions.append(TeamMention(
            start=prefix[0] if prefix else match.start(), end=match.end(),
            com=match.span("com"), core=match.span("core"), prefix=prefix,
            com_text=match.group("com"), core_text=core,
            numbered=bool(re.search(rf"{_NUM}|机动", core)),
            group=bool(re.search(rf"{_NUM}(?:[、和]|至)第?{_NUM}", core)),
            counted=bool(match.group("count"))))
    return mentions


@dataclass
class Teams:
    name: str | None
    level: str | None
    chosen: list[TeamMention]
    keys: set[tuple[str, str]]


def find_teams(doc: Document, tables: list[Table]) -> Teams:
    """The inspecting team(s): the most prominent numbered team and the other numbered
    teams of the same committee (a notice of a round lists several), else the collective
    name (市委巡察组)."""
    mentions = team_mentions(doc)
    title_end = doc.title_end
    numbered = [m for m in mentions if m.numbered]
    chosen_keys: list[tuple[str, str]] = []
    if numbered:
        scores: dict[tuple[str, str], int] = {}
        for m in numbered:
            scores[m.key] = scores.get(m.key, 0) + (3 if m.start < title_end else 1)
        top = max(scores, key=lambda k: scores[k])
        for m in numbered:
            if m.key in chosen_keys or m.key[0] != top[0] or m.word != _word(top):
                continue
            chosen_keys.append(m.key)
        if len(chosen_keys) > 1 and scores[top] >= 4:
            # One team reported at length; others of its committee only cited in passing.
            chosen_keys = [k for k in chosen_keys if k == top or scores[k] >= 2]
        teams_named = sum(2 if any(m.group for m in numbered if m.key == k) else 1
                          for k in chosen_keys)
        first_numbered = min(m.start for m in numbered)
        counted = [m for m in mentions if not m.numbered and m.key[0] == top[0]
                   and (m.counted or m.start < first_numbered)]
        if counted and teams_named >= 2:
            # Several teams, and the text's collective form for them: 市委各巡察组, or
            # 区委巡察组 named before the teams one by one.
            chosen_keys = [counted[0].key]
        groups = [m for m in numbered if m.group and m.key in chosen_keys]
        if groups:
            # 第一巡察组 is one of 第一、第二巡察组 named together: the group stands for both.
            chosen_keys = [k for k in chosen_keys if any(m.key == k for m in groups) or not any(
                k[0] == g.key[0] and _team_number(k[1]) in _team_numbers(g.core_text) for g in groups)]
    else:
        collective = [m for m in mentions if not m.numbered]
        if collective:
            scores = {}
            for m in collective:
                scores[m.key] = scores.get(m.key, 0) + (3 if m.start < title_end else 1)
            chosen_keys = [max(scores, key=lambda k: scores[k])]
    if not chosen_keys:
        return Teams(None, _round_level(doc), [], set())
    chosen = [m for m in mentions if m.key in chosen_keys]
    names = []
    for key in chosen_keys:
        names.append(_display(doc, [m for m in chosen if m.key == key]))
    first = chosen[0]
    return Teams("、".join(names), _level(doc, first), chosen, set(chosen_keys))


def _team_number(core: str) -> str:
    match = re.search(_NUM, core)
    return match.group() if match else ""


def _team_numbers(core: str) -> set[str]:
    return set(re.findall(_NUM, core))


def _word(key: tuple[str, str]) -> str:
    return "巡视" if key[1].endswith("巡视") else "巡察"


def _display(doc: Document, mentions: list[TeamMention]) -> str:
    """The team's name as written, without the place before the committee if the text
    ever writes it without one."""
    bare = [m for m in mentions if m.prefix is None]
    best = bare[0] if bare else mentions[0]
    name = doc.value(*best.com) + doc.value(*best.core)
    if best.prefix is not None:
        name = doc.value(*best.prefix) + name
    return name


def _level(doc: Document, mention: TeamMention) -> str | None:
    com = mention.com_text
    if com in _COM_LEVEL:
        return _COM_LEVEL[com]
    if com != "市委":
        return None
    if mention.word == "巡视":
        return "provincial"  # only the four municipalities' 市委 run 巡视
    return "county" if _county_level_city(doc, mention) else "municipal"


def _county_level_city(doc: Document, mention: TeamMention) -> bool:
    text = doc.text
    if mention.prefix is not None:
        place = text[mention.prefix[0]:mention.prefix[1]].removesuffix("市")
        return place in COUNTY_LEVEL_CITIES or any(
            place.endswith(c) and len(c) >= 2 for c in COUNTY_LEVEL_CITIES if len(place) > len(c))
    if "县级市" in text:
        return True
    # The city named with its own committee elsewhere: 中共义乌市委巡察办, 义乌市委巡察组.
    for match in re.finditer(r"([\u4e00-\u9fff]{2,6}?)市委(?=巡察|第|[^,，。]{0,6}巡察)", text):
        if match.group(1) in COUNTY_LEVEL_CITIES:
            return True
    return False


_DECIDED_RE = re.compile(r"(?P<com>中央|省委|自治区党委|市委|区委|县委|州委|地委|盟委|旗委)"
                         r"(?:巡[视察]工作(?:领导小组)?)?(?:统一|的统一)?(?:批准|部署|安排|决定)")


def _round_level(doc: Document) -> str | None:
    """The level from a committee's round when no team is named (2024年县委第二轮巡察), or
    from the committee that decided it (经自治区党委批准)."""
    match = None
    for candidate in ROUND_RE.finditer(doc.text, doc.body_start, doc.body_end):
        if candidate.group("com") in _COM_LEVEL or candidate.group("com") == "市委":
            match = candidate
            break
    if match is None:
        match = _DECIDED_RE.search(doc.text, doc.body_start, doc.body_end)
    if match is None:
        return None
    com = match.group("com")
    if com == "市委":
        word = "巡视" if "巡视" in match.group() else "巡察"
        return "provincial" if word == "巡视" else "municipal"
    return _COM_LEVEL.get(com)


# --- special topic ------------------------------------------------------------------------

_TOPIC_CUT = re.compile(r".*(?:开展|进行|实施|组织|聚焦|围绕|启动|[组的轮次]|对[^,，。]{0,30}?(?=开展))")
_TOPIC_BAD = re.compile(r"巡视|巡察|^(?:本|此|这|一|该|首|本次|此次|这次|一次|为期)$|^第|党组织$|工作$|"
                        r"第[一二三四五六七八九十\d]+$|^集团|贯彻|落实|配合|支持|做好|推进|保障|确保|迎接|接受|^[^“]*”")


def special_topic(doc: Document) -> tuple[str, tuple[int, int]] | None:
    """The topic named before 专项巡视/巡察 (``不作为不担当问题``), or None for regular rounds
    and 回头看."""
    text = doc.text
    for match in re.finditer(r"专项巡[视察]", text[doc.body_start:doc.body_end]):
        stop = doc.body_start + match.start()
        if text[stop - 1:stop] == "的" and re.search(r"方面|领域|问题|工作$", text[max(0, stop - 6):stop - 1]):
            stop -= 1  # 脱贫攻坚和乡村振兴两方面的专项巡察
        lo = stop
        while lo > max(doc.body_start, stop - 40) and text[lo - 1] not in ",，。;；:：、\n|()（）":
            lo -= 1
        before = text[lo:stop]
        cut = _TOPIC_CUT.match(before)
        start = lo + (cut.end() if cut else 0)
        filler = re.match(r"(?:了|为期[^的]{0,8}的|一次|本次|此次|这次)?", text[start:stop])
        start += len(filler.group()) if filler else 0  # the optional pattern always matches
        topic = text[start:stop]
        if len(topic) < 2 or _TOPIC_BAD.search(topic):
            continue
        lo = max(doc.body_start, start - 200)
        sentence_start = max(lo, max(text.rfind(c, lo, start) for c in "。\n") + 1)
        around = re.sub(r"暨[^,，。]{0,8}回头看", "", text[sentence_start:stop + 40])
        if "回头看" in around:
            continue  # 专项巡察“回头看”; but 专项巡察暨巡察“回头看” is both
        return doc.value(start, stop), (start, stop)
    return None


# --- targets ---------------------------------------------------------------------------------

_X = r"(?P<x>[^,，。;；:：!?\n|巡]{2,80}?)"
# An enumeration, which may run long and group its items with commas (张家口市宣化区、沽源县，
# 承德市…): no sentence end inside.
_LIST = r"(?P<x>(?:[^。;；:：!?\n|巡]|(?<=被)巡){2,700}?)"
_COUNT = r"(?:[0-9一二三四五六七八九十两]+(?:个|家|所))"
_TARGET_PATTERNS = [
    re.compile(r"(?:提级|机动|专项)?巡[视察](?:整改)?(?:“?回头看”?)?" + _X +
               r"(?:党组织)?(?:“?回头看”?)?(?:工作)?(?:进驻)?"
               r"(?:动员会|动员大会|动员部署会|见面会|进驻会|情况反馈会|反馈会|工作会)"),
    re.compile(r"开展对" + _LIST + r"(?:党组织)?的?(?:常规|专项|机动|提级|交叉|联动)?巡[视察]"),
    re.compile(r"(?<!针)对" + _LIST + r"(?:党组织|党的建设)?(?:开展|进行|实施)(?:了)?(?:为期[^,，。]{1,10}?的?)?"
               r"[^,，。;；\n]{0,24}?巡[视察]"),
    re.compile(r"(?<!针)对" + _LIST + r"的(?:巡[视察]|进驻)"),
    re.compile(r"进驻" + _X + r"(?=开展|进行|[,，。\n]|$)"),
    re.compile(r"进驻" + _LIST + r"(?=[,，]?(?:开展|进行)|[。\n]|$)"),
    re.compile(r"(?<![在对])向" + _LIST + r"(?:党组织|领导班子|主要负责同志)?(?:集中)?"
               r"(?:进行|作)?(?:了)?(?:巡[视察])?(?:意见|情况)?反馈"),
    re.compile(r"巡[视察]" + _X + r"期间"),
    re.compile(r"在" + _X + r"巡[视察]期间"),
    re.compile(r"分别(?:是|为)[:：]?" + _LIST + r"(?=[。;；]|$)"),
    # The units named in a bracket after a count: （其中红星村、南阳村等15个村级党组织为直接巡察）
    re.compile(r"[(（]其中" + _LIST + r"(?:等" + _COUNT + r"[^()（）]{0,12})?为[^()（）]{0,6}巡[视察][)）]"),
    # A round's teams listed one by one: 县委第一巡察组（组长：…）巡察县发展和改革局党组、…；
    re.compile(r"巡[视察](?:第?[一二三四五六七八九十\d]+)?组(?:[(（][^()（）]{0,40}[)）])?(?:提级|机动|专项)?"
               r"巡[视察]" + _X + r"(?=[;；。]|$)"),
]
UNIT_END = re.compile(
    r"(?:省|自治区|市|区|县|旗|盟|州|乡|镇|街道|村|社区|嘎查|苏木|局|委|办|厅|部|署|院|校|大学|学院|"
    r"中学|小学|公司|集团|中心|所|站|馆|队|会|社|党组|党委|党工委|党总支|党支部|管委会|开发区|园区|"
    r"银行|医院|法院|检察院|林场|农场|场|行|台|团|机关|中专|职高|完小|幼|联|处|科|组|连|厂|矿|室|街|园|[一二三四五六七八九十\d]中)$")
_TARGET_BAD = re.compile(
    r"巡视|巡察|被巡|^各|全体|所有|有关|相关|上述|以上|其他|其它|本级|下一级|下属|所属|领导班子|(?<!老)干部|"
    r"群众|问题|情况|书记|同志|召开|会议|部门|单位$|^[一二三四五六七八九十两\d]+(?:个|地|家|所|名)|"
    r"[一二三四五六七八九十两\d]+个|^[一二三四五六七八九十两\d][县区市镇乡村地]|^我|^该|^本|^其|期间|党中央|中央$|省委$|^市委$|^县委$|^区委$|"
    r"动员|部署会|反馈会|座谈会|见面会|联系方式|^地区$|^部分|^全(?:市|省|县|区|旗)")
_LEAD = re.compile(r"(?:了|对|同时|还|分别|并|上述|即|以及|及|该[镇乡县区市村]?|组?进驻)+")
# A count closing an enumeration: 新安集镇5个乡镇所辖部分行政村, 额济纳旗等30个旗县（市、区）.
_COUNT_TAIL = re.compile(r"等?[0-9一二三四五六七八九十两]+(?:个|家|所)"
                         r"(?:[^、,，()（）]|[(（][^()（）]*[)）]){0,24}$")
_SUB_TAIL = re.compile(r"(?:及其?|和)?(?:所辖的?|下辖的?)?$")
_TRAIL = re.compile(r"(?:等?[0-9一二三四五六七八九十两]+个[\u4e00-\u9fff]{0,5}|党组织|领导班子|等单位|等)$")
_SUB = re.compile(r".*(?:所辖的?|下辖的?|辖区内的?|所属的?)")
_ORGAN = re.compile(r"(?:党委|党组|党工委|党总支|党支部|党组织|委员会|委)$")
_LIST_SEP = re.compile(r"、|,|，|;|；|以及|及|和")
_PLACE_TAIL = re.compile(r"(?:省|市|州|县|区|盟|旗|镇|乡|街道|村|社区|局|委|办|院|校|中心|公司|集团|党组|"
                         r"党委|党工委|党支部|党总支|馆|所|站|队|厅|部|机关|联|室)$")


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Items of an enumeration; 和/及 split only after a whole unit (住房和城乡建设局 stays)."""
    parts = []
    position = start
    for match in _LIST_SEP.finditer(text, start, end):
        if inside_brackets(text, match.start(), start):
            continue
        if match.group() in ("和", "及", "以及") and not _PLACE_TAIL.search(text[position:match.start()]):
            continue
        parts.append((position, match.start()))
        position = match.end()
    parts.append((position, end))
    return [(a, b) for a, b in parts if b > a]


def _bracketed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The units a bracket enumerates after a generic item (``部分学校（彭泽四中、博吾学校）``),
    else the item itself."""
    match = re.search(r"[(（]([^()（）]*、[^()（）]*)[)）]$", text[start:end])
    if match is None or not re.search(r"部分|所属|下属|^各|有关|相关|其中|^[0-9一二三四五六七八九十两]+(?:个|所|家)",
                                      text[start:start + match.start()]):
        return [(start, end)]  # 月湖县等7个县（市、区）: a count, not a bracketed list
    inner = start + match.start(1)
    return _split(text, inner, inner + len(match.group(1)))


def _clean_target(text: str, start: int, end: int, in_list: bool = False,
                  ) -> tuple[int, int] | None:
    count = _COUNT_TAIL.search(text, start, end) if in_list else None
    if count and count.start() > start + 1:
        end = count.start()  # the count of the whole list, not part of the last unit
        tail = _SUB_TAIL.search(text[start:end])  # an optional pattern: always matches
        end -= len(tail.group()) if tail else 0
    sub = _SUB.match(text, start, end)
    if sub:
        start = sub.end()
    lead = _LEAD.match(text, start, end)
    if lead:
        start = lead.end()
    trail = _TRAIL.search(text[start:end])
    if trail:
        if re.match(r"等?[0-9一二三四五六七八九十两]+个", trail.group()) and not in_list:
            return None  # 吉安县12个乡镇: a count of places inside the county, not the county
        end = start + trail.start()
    value = text[start:end]
    # A unit's other name in brackets: 党校（行政学院）, 省人民防空办公室（省民防局）.
    named = re.sub(r"[(（][^()（）]{1,30}[)）]$", "", value)
    if not 2 <= len(named) <= 40 or _TARGET_BAD.search(named) or not UNIT_END.search(named):
        return None
    return (start, end)


def find_targets(doc: Document, tables: list[Table]) -> list[tuple[str, tuple[int, int]]]:
    """Units inspected, named individually, as written; the shared prefix of an enumeration
    is not repeated (张家口市宣化区、沽源县)."""
    text = doc.text
    found: list[tuple[int, int]] = []
    for pattern in _TARGET_PATTERNS:
        for match in pattern.finditer(text, doc.body_start, doc.body_end):
            if len(found) >= 100:
                break
            items = _split(text, *match.span("x"))
            items = [part for a, b in items for part in _bracketed(text, a, b)]
            for a, b in items:
                cleaned = _clean_target(text, a, b, in_list=len(items) > 1)
                if cleaned:
                    found.append(cleaned)
    for table in tables:
        for a, b in table.cells(r"被巡|对象|单位"):
            cleaned = _clean_target(text, a, b)
            if cleaned:
                found.append(cleaned)
    found.sort()
    simple = [text[a:b] for a, b in found]
    keep: list[int] = []
    for i, value in enumerate(simple):
        if value in (simple[j] for j in keep):
            continue
        if any(_same_unit_longer(value, other) for other in simple if other != value):
            continue
        keep.append(i)
    # The spans of every mention of a kept target, for highlighting.
    result = []
    for i in keep:
        value = doc.value(*found[i])
        result.append((value, found[i]))
    return result


def _same_unit_longer(value: str, other: str) -> bool:
    """Whether ``value`` yields to ``other`` as the name of the same unit: ``西青区委`` to
    ``西青区`` (organ suffix), ``即墨区`` to ``青岛市即墨区`` (place prefix), ``县城管局`` to
    ``县城市管理局`` (abbreviation)."""
    if value.startswith(other) and _ORGAN.fullmatch(value[len(other):]):
        return True
    if value != other and other.endswith(value) and re.search(r"[省市州县区盟旗]$", other[:-len(value)]):
        return True
    if (len(value) < len(other) <= 8 and value[0] == other[0] and value[-1] == other[-1]
            and not other.startswith(value) and _subsequence(value, other)):
        return True
    return False


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(char in it for char in short)
