"""How sure the extraction is of each field, for the person who reviews an import.

Each field gets ``high``, ``medium`` or ``low`` and, unless high, the reason code of the
doubt; the import page words the codes in the reader's language and flags every field that
is not ``high``:

* ``several`` — the text names several candidates (teams, 组长) and the value is their
  collective form, or null because they differ;
* ``inferred_year`` — a date written without its year, given one by the year rules;
* ``count`` — the text counts more (or fewer) targets than were found by name;
* ``city_level`` — a 市委 team whose city may be county-level (县级市);
* ``kind`` — no headline said what the text is; the kind was judged from its body;
* ``missing`` — nothing was found although the text has words that usually come with
  the field (组长, 信箱, 截止…);
* ``cut`` — the text stops mid-sentence and the field may have been in the lost part.

The rules are the extraction's own signals, checked on the real-page corpus (see
``docs/announcements.md``): fields left high were right far more often than flagged ones.
"""

import re
from typing import Any

from .document import Document
from .teams import TeamMention

HIGH, MEDIUM, LOW = "high", "medium", "low"
Confidence = dict[str, dict[str, str]]

# Words that usually come with a field: a field empty although its cue is in the text may
# have been missed.
_CUES = {
    "inspecting_body": r"巡[视察]组",
    "leader": r"(?<!副)组长(?!、|和|及)",
    "petition_deadline": r"截止|截至|停止受理",
    "phones": r"电话|手机",
    "postal_boxes": r"邮政(?:专用)?信箱|来信请寄|通信地址|邮寄",
    "emails": r"@|电子邮箱|电子信箱",
    "suggestion_boxes": r"意见箱|举报箱|联系信箱|意见信箱",
    "scope_in": r"主要受理",
    "targets": r"对[^。]{2,60}?(?:开展|进行)[^。]{0,10}?巡[视察]|进驻|巡[视察][^。]{2,30}?动员会",
    "period_start": r"巡[视察]时间|巡[视察]期间[(（]|至[^。]{0,8}[日号]",
}
_DATE_FIELDS = ("meeting_date", "period_start", "period_end", "petition_deadline")
_STATED_COUNT = re.compile(r"(?:等|对|共)(?P<n>[0-9]{1,3}|[一二三四五六七八九十两]{1,3})(?:个|家|所)"
                           r"(?:单位|部门|党组织|乡镇|村|县|市|区|地区|旗县|高校|企业)")


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.get(text[1:], 0)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return digits.get(tens, 0) * 10 + digits.get(ones, 0)
    return digits.get(text)


def assess(doc: Document, values: dict[str, Any], spans: dict[str, list[tuple[int, int]]],
           *, kind_from_headline: bool, mentions: list[TeamMention],
           leader_candidates: int) -> Confidence:
    """The confidence of every field of ``values`` (see the module's docstring)."""
    result: Confidence = {name: {"level": HIGH} for name in values}
    text, original = doc.text, doc.original
    body = text[doc.body_start:doc.body_end]

    def flag(name: str, level: str, reason: str) -> None:
        if result[name]["level"] == LOW and level == MEDIUM:
            return
        result[name] = {"level": level, "reason": reason}

    if values["kind"] != "other" and not kind_from_headline:
        flag("kind", MEDIUM, "kind")
    if values["kind"] == "other" and re.search(r"巡[视察]组", body):
        flag("kind", MEDIUM, "kind")

    keys = {m.key for m in mentions if m.numbered}
    if len(keys) > 1 or any(m.group or m.counted for m in mentions):
        flag("inspecting_body", MEDIUM, "several")
    if values["level"] == "municipal" and any(
            m.com_text == "市委" and m.prefix is None for m in mentions):
        flag("level", MEDIUM, "city_level")
    if values["leader"] is None and leader_candidates > 1:
        flag("leader", LOW, "several")

    for name in _DATE_FIELDS:
        found = spans.get(name)
        if values[name] and found:
            a, b = found[0]
            written = original[max(0, a - doc.base):max(0, b - doc.base)]
            if not re.search(r"\d{4}|[〇○零一二三四五六七八九]{4}年", written) and name != "period_end":
                flag(name, MEDIUM, "inferred_year")

    stated = [_number(m.group("n")) for m in _STATED_COUNT.finditer(body)]
    total = sum(n for n in stated if n)
    if values["targets"] and total and total != len(values["targets"]):
        flag("targets", MEDIUM if abs(total - len(values["targets"])) <= 2 else LOW, "count")

    for name, cue in _CUES.items():
        value = values.get(name)
        if value in (None, [], False) and re.search(cue, body):
            flag(name, MEDIUM, "missing")

    stripped = body.rstrip()
    if stripped and stripped[-1] not in "。!?！？”)）|" and len(stripped) > 80:
        # The text was cut: the fields usually stated last may be lost or partial.
        for name in ("phones", "postal_boxes", "emails", "suggestion_boxes", "scope_in",
                     "scope_out_transferred", "petition_deadline"):
            if result[name]["level"] == HIGH:
                flag(name, MEDIUM, "cut")
    return result
