"""What the team takes in, and what happens to the rest.

``scope_in`` is X in "主要受理反映X(问题)的来信…" without the trailing 问题/的问题/的来信, or
the text of a numbered 受理对象 section. ``scope_out_transferred`` is true only when
out-of-scope petitions are passed to others (转交, 移交, 交有关部门处理), not for
按有关规定处理 or 不予受理, and not when the sentence is cut off before saying.
"""

import re

from .document import Document

_SECTION = re.compile(
    r"(?:^|\n|。)[(（]?[一二三四五六七八九十\d]+[)）、.．]?\s*受理对象[)）]?[:：]?(?P<rest>[^\n]*)")
_MAIN = re.compile(r"(?:主要|重点)?受理(?:干部群众|群众|广大干部群众)?(?:反映|涉及)(?:关于|有关)?"
                   r"|主要受理(?=被巡)")
_STOP = re.compile(r"的问题|问题的|问题以及|问题和|问题及|问题[,，;；。]|问题$|的来信|的信访|的举报|"
                   r"方面的来信|的意见建议|等问题")
_OUT_CUE = re.compile(r"其他|其它|其余|不属于|无直接关系|无关|以外|之外|范围外|个人诉求|涉法涉诉|征地拆迁|"
                      r"非巡[视察]")
_TRANSFER = re.compile(r"转交|移交|转送|转给|转办|转至|转到|转往|转(?:有关|相关|被巡|所在|属地|主管|职能)|"
                       r"交由|交给|交(?:有关|相关|被巡|所在|属地|主管|职能)|由(?:有关|相关|被巡|所在|属地|主管|职能)"
                       r"[^。]{0,12}(?:处理|办理|负责)|归口办理")
_CLUES = re.compile(r"问题线索|线索")


def scope_in(doc: Document) -> tuple[str, tuple[int, int]] | None:
    text = doc.text
    body = (doc.body_start, doc.body_end)
    section = None
    for candidate in _SECTION.finditer(text, *body):
        if candidate.group("rest").strip() or not _SECTION.match(text, candidate.end()):
            section = candidate
            break
    if section:
        start = section.start("rest")
        rest = section.group("rest")
        if not rest.strip():
            next_line = text.find("\n", section.end())
            if next_line != -1:
                start = next_line + 1
                end_line = text.find("\n", start)
                rest = text[start:end_line if end_line != -1 else doc.body_end]
        main = _MAIN.search(rest)
        if main:
            found = _main_scope(doc, start + main.end())
            if found:
                return found
        end = start + len(rest)
        sentence_end = text.find("。", start, end)
        if sentence_end != -1:
            end = sentence_end
        while end > start and text[end - 1] in ",，;；。 ":
            end -= 1
        if end - start >= 4:
            return doc.value(start, end), (start, end)
    for main in _MAIN.finditer(text, *body):
        if text[main.start():main.start() + 2] == "重点" and _MAIN.search(
                text, main.end(), min(doc.body_end, main.end() + 3000)):
            continue  # prefer the 主要受理 sentence when there is one
        found = _main_scope(doc, main.end())
        if found:
            return found
    return None


def _main_scope(doc: Document, start: int) -> tuple[str, tuple[int, int]] | None:
    text = doc.text
    limit = min(doc.body_end, start + 300)
    sentence_end = text.find("。", start, limit)
    if sentence_end != -1:
        limit = sentence_end + 1
    stop = _STOP.search(text, start, limit)
    if stop is None:
        return None
    end = stop.start()
    while end > start and text[end - 1] in ",，、;；":
        end -= 1
    if end - start < 2:
        return None
    return doc.value(start, end), (start, end)


def scope_out_transferred(doc: Document) -> tuple[int, int] | None:
    """The span of the transfer verb when out-of-scope petitions are passed on."""
    text = doc.text
    for sentence in re.finditer(r"[^。\n]+[。]?", text[doc.body_start:doc.body_end]):
        chunk = sentence.group()
        if not _OUT_CUE.search(chunk) or not re.search(r"信访|来信|反映|问题|诉求|事项|举报", chunk):
            continue
        verb = _TRANSFER.search(chunk)
        if verb is None:
            continue
        if _CLUES.search(chunk[:verb.start()]) and not re.search(r"受理范围|无直接关系|个人诉求",
                                                                  chunk):
            continue  # clues handed to the discipline commission are not petitions
        start = doc.body_start + sentence.start() + verb.start()
        return (start, start + len(verb.group()))
    return None
