"""Where a person's name ends.

News texts run names straight into what follows (``组长张三作动员讲话``, ``李元忠主持召开``).
A name here is two to four characters (or two parts around a middle dot, 买买提·艾力),
followed by punctuation or by a word that follows names in this genre; it must not itself
contain such a word after its surname.
"""

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_DOTTED = re.compile(rf"[{_CJK}]{{1,6}}·[{_CJK}]{{1,8}}")
_STOP_CHARS = set("、,，。;；:：()（）[]【】“”\"' \n|!?！？")
# Words that follow a name: verbs of the meeting report, conjunctions, titles.
_AFTER = ("主持", "出席", "讲话", "传达", "作了", "作动员", "作表态", "作反馈", "作讲话", "作", "表示",
          "指出", "强调", "介绍", "带队", "同志", "一行", "率队", "率", "就", "在", "对", "宣读", "通报",
          "代表", "要求", "说", "参加", "反馈", "向", "围绕", "结合", "提出", "分别", "及", "和", "与",
          "等", "任", "担任", "为", "是", "同", "从", "主要", "通过", "以", "把", "将", "带领", "领导",
          "出", "到", "于", "进行", "听取", "任组长", "任副组长", "组长", "副组长", "部署", "并", "也",
          "做")
_AFTER_WORDS = tuple(word for word in _AFTER if len(word) >= 2)
# Words that never sit inside a name after its first two characters.
_INSIDE = ("主持", "出席", "讲话", "传达", "表示", "指出", "强调", "介绍", "带队", "同志", "一行",
           "率队", "宣读", "通报", "代表", "要求", "参加", "反馈", "分别", "担任", "作", "就", "在",
           "对", "向", "率", "等", "及", "与", "任", "为", "是", "将", "并", "副", "担", "做")
# Words that look like two-character names but are not (组长 of nobody named).
_NOT_NAMES = re.compile(r"(?:及其|全体|成员|同志|带队|以上|以下|分别|负责|主持|出席|一行|等人|人员|"
                        r"名单|职责|由|为|是|和|在|对|将|已|均|各|该|本|其|副组|组长|巡[视察]|"
                        r"单位|班子|领导|书记|主任|部长|局长|县长|市长|区长|镇长|乡长|主席|委员|"
                        r"党组|党委|干部|工作|情况|问题|有关|相关|同时|并|就|作|对此|授权|人选|任职|"
                        r"指出|强调|表示|介绍|通报|传达|宣读|提出|讲话|动员|分工)")


def _followed_ok(text: str, position: int) -> bool:
    if position >= len(text):
        return True
    if text[position] in _STOP_CHARS:
        return True
    return text.startswith(_AFTER, position)


def name_at(text: str, start: int) -> tuple[int, int] | None:
    """The name starting at ``start``, or None if none does."""
    dotted = _DOTTED.match(text, start)
    if dotted:
        dot = text.index("·", start)
        for end in range(dot + 2, dotted.end() + 1):
            if _followed_ok(text, end):
                return (start, end)
        return None
    if _NOT_NAMES.match(text, start):
        return None
    best = None
    for length in range(2, 5):
        end = start + length
        candidate = text[start:end]
        if len(candidate) < length or not re.fullmatch(rf"[{_CJK}]+", candidate):
            break
        if any(candidate.find(word, 2) != -1 for word in _INSIDE):
            break
        if length > 2 and best and text.startswith(_AFTER_WORDS, end - 1):
            break  # 刘骏指出: the last character begins the verb (指出), not the name
        if _followed_ok(text, end):
            best = (start, end)
    return best


def names_list(text: str, start: int, limit: int = 8) -> list[tuple[int, int]]:
    """Names from ``start`` on, joined by 、 , ， 和 及 (``殷玉谈、高显瑞``)."""
    found: list[tuple[int, int]] = []
    position = start
    while len(found) < limit:
        span = name_at(text, position)
        if span is None:
            break
        found.append(span)
        sep = re.compile(r"(?:同志)?(?:、|,|，|和|及|\|)").match(text, span[1])
        if sep is None:
            break
        position = sep.end()
    return found
