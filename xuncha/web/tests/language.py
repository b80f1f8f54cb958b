"""What a person reads on a page or in an exported file, and what is wrong with its language.

``read_html(html)`` returns the text a person reads (visible text and the attributes read
aloud or shown: ``title``, ``placeholder``, ``aria-label``, ``alt``, button values, the
``data-confirm`` question, ``<optgroup label>``) and the inline code the CSP refuses
(``style=`` attributes, ``<style>`` elements, inline ``<script>``, ``on…=`` handlers,
``javascript:`` links). ``read_file(content_type, data)`` does the same for the downloads
(.xlsx cells and sheet names, .docx paragraphs, tables, headers and footers, .csv).

Two markers say "not a label" in the page itself, both from the HTML standard:

- ``translate="no"``: a machine value shown on purpose (an API token's secret, an event's
  hash); its text is not read on either side;
- ``lang="…"`` on an element in another language than the page (the language switcher
  names each language in itself; the Chinese column names of an import file): its text is
  not held against the page's language (``Reading.texts`` carries each text's ``lang``).

``latin_words(text)`` are the Latin words of a zh-hans text outside the allow-list;
``cjk_runs(text)`` the runs of Chinese characters of an English text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Latin words a Chinese page may carry, each for its reason:
ALLOWED_LATIN = frozenset({
    "API", "IP",  # 接口 and IP 地址 are written so in Chinese too
    "PDF", "Word", "Excel", "JPEG", "PNG", "Markdown",  # file formats, named as the files are
    "MB", "KB", "GB",  # units of size
    "Ctrl", "Mac",  # the key's name as printed on it, the computer where ⌘ stands for it
    "JavaScript",  # the browser setting a person must switch on, named as the browser names it
})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "aria-description", "alt",
                   "data-confirm")
SKIPPED = ("script", "style", "template", "textarea")

URL = re.compile(r"(?:https?|mailto|ftp)://\S+|www\.\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PATH = re.compile(r"(?<![\w/])/[\w./?=&%#-]+")  # /p/r/abc/, /api/v1/ …
EXTENSIONS = r"(?:xlsx|docx|csv|pdf|png|jpg|jpeg|zip|txt|json|svg)\b"
FILENAME = re.compile(r"[\w\-\u3400-\u9fff]*\." + EXTENSIONS, re.I)  # 台账.xlsx, .docx
#: Codes of the registers (JZ-LJ-DH, A-JYJ): identifiers an office chooses, not words.
CODE = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
#: A Chinese term glossed after its English name, "To do (待整改)": kept on purpose.
GLOSS = re.compile(r"(?:(?<=[A-Za-z] )|(?<=[A-Za-z]))\((?:[A-Za-z]+ )?[\u3400-\u9fff、]+[A-Za-z0-9]*\)")
WORD = re.compile(r"[A-Za-z0-9_]*[A-Za-z]{2,}[A-Za-z0-9_]*")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


@dataclass
class Reading:
    #: ``(text, lang)``: ``lang`` is that of the nearest element inside ``<html>`` that says
    #: its language (``""`` when none does).
    texts: list[tuple[str, str]] = field(default_factory=list)
    #: What the CSP refuses, as short descriptions.
    inline: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reading = Reading()
        # One entry per open element: (tag, skipped, language)
        self.stack: list[tuple[str, bool, str]] = []

    @property
    def skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    @property
    def language(self) -> str:
        return self.stack[-1][2] if self.stack else ""

    def _csp(self, tag: str, attrs: dict[str, str | None]) -> None:
        if "style" in attrs:
            self.reading.inline.append(f"<{tag} style=…>")
        for name in attrs:
            if name.startswith("on"):
                self.reading.inline.append(f"<{tag} {name}=…>")
        for name in ("href", "src", "action", "formaction"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.reading.inline.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not attrs.get("src") and (
                attrs.get("type") or "text/javascript") not in ("application/json",
                                                                "application/ld+json"):
            self.reading.inline.append("<script> without src")
        if tag == "style":
            self.reading.inline.append("<style> element")

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        self._csp(tag, attrs)
        skipped = tag in SKIPPED or (tag == "input" and (attrs.get("type") or "text") == "hidden")
        if attrs.get("translate") == "no":
            skipped = True
        elif attrs.get("translate") != "yes":  # translate="yes" reads again inside "no"
            skipped = skipped or self.skipped
        text_lang = str(attrs["lang"] or "") if "lang" in attrs and tag != "html" else self.language
        if not skipped:
            for name in READ_ATTRIBUTES:
                if attrs.get(name):
                    self.reading.texts.append((str(attrs[name]), text_lang))
            if tag == "optgroup" and attrs.get("label"):
                self.reading.texts.append((str(attrs["label"]), text_lang))
            if tag == "input" and (attrs.get("type") or "") in ("submit", "button", "reset") and (
                    attrs.get("value")):
                self.reading.texts.append((str(attrs["value"]), text_lang))
        if tag not in VOID:
            self.stack.append((tag, skipped, text_lang))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self.skipped:
            self.reading.texts.append((data, self.language))


def read_html(html: str) -> Reading:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.reading


def _docx_texts(data: bytes) -> list[str]:
    """Paragraphs of the body, its tables (nested too), headers and footers."""
    from docx import Document

    document = Document(io.BytesIO(data))

    def paragraphs(container) -> Iterator[str]:
        for paragraph in container.paragraphs:
            yield paragraph.text
        for table in getattr(container, "tables", ()):
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    texts = list(paragraphs(document))
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):
            texts.extend(paragraphs(part))
    return [t for t in texts if t.strip()]


def _xlsx_texts(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    texts = []
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            texts.extend(str(v) for v in row if isinstance(v, str) and v.strip())
    return texts


def read_file(content_type: str, data: bytes) -> list[str] | None:
    """The texts of a download, or None when it is not a document people read."""
    if "spreadsheetml" in content_type:
        return _xlsx_texts(data)
    if "wordprocessingml" in content_type:
        return _docx_texts(data)
    if content_type.startswith("text/csv"):
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return [cell for row in rows for cell in row if cell.strip()]
    return None


def latin_words(text: str, data_words: frozenset[str] = frozenset()) -> list[str]:
    """Latin words of a Chinese text, without URLs, e-mail addresses, paths, file names,
    the allow-list and ``data_words`` (identifiers of the data: codes, user names)."""
    text = CODE.sub(" ", FILENAME.sub(" ", PATH.sub(" ", URL.sub(" ", text))))
    return [w for w in WORD.findall(text) if w not in ALLOWED_LATIN and w not in data_words]


def _is_data(run: str, data: str, values: frozenset[str]) -> bool:
    """A part of one stored text, or stored texts put side by side (东湖区委 + 第一巡察组)."""
    if run in data:
        return True
    ends = {0}
    for i in range(len(run)):
        if i in ends:
            ends.update(j for j in range(i + 1, len(run) + 1) if run[i:j] in values)
    return len(run) in ends


def cjk_runs(text: str, data: str = "", values: frozenset[str] = frozenset()) -> list[str]:
    """Runs of Chinese characters of an English text that are neither data (a part of one
    text of ``data``, or whole ``values`` side by side) nor a gloss after an English term."""
    text = GLOSS.sub(" ", text)
    return [run for run in CJK.findall(text) if not _is_data(run, data, values)]


def context(text: str, word: str, width: int = 30) -> str:
    i = text.find(word)
    return " ".join(text[max(0, i - width):i + len(word) + width].split())
