"""Official documents as .docx, in 党政机关公文格式 (GB/T 9704-2012), over python-docx.

The page (§5): A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so 26 mm right and 35 mm
bottom); 22 lines of 28 characters: the section's line grid (``w:docGrid``, pitch
225 mm / 22, what Word's 页面设置 shows as 22 行) and exact line spacing at that pitch, and
3号 runs tracked 0.25 pt tighter so that 28 characters fill the 156 mm line, in Word and in
LibreOffice alike.

The type (§7): title 2号小标宋 (22 pt, centred); 主送机关 and body 3号仿宋 (16 pt), first
lines indented two characters; first-level headings ("一、") 黑体, second-level ("（一）")
楷体, third-level ("1.") 仿宋; the issuing body (发文机关署名) centred over the date
(成文日期), the date four characters from the right (§7.3.5.1, the sealed form); the
attachment note (附件说明) after the body and each attachment on its own page headed "附件"
in 黑体; the copy list (抄送) at the foot of the last page in 4号仿宋 between rules (版记,
§7.4). Page numbers (§7.5): "— 1 —" in 4号半角宋体, odd pages right and even pages left,
one character in from the edge of the type area.

No 发文字号 is printed: the number is given by the office's own document register when the
document is signed and issued (签发), with everything else the body issues; a counter here
would hand out numbers that collide with that register. What Xuncha writes is the 正文 that
goes into that process; the register adds the 版头 (红头) and the number.

The runs name the official fonts (``仿宋_GB2312``, ``方正小标宋简体``, ``黑体``,
``楷体_GB2312``, ``宋体``), so an office's Word, which has them, uses them. Where they are
missing (Debian, the render test) the font table's ``w:altName`` names a fallback, and
:func:`fontconfig_aliases` writes a fontconfig file that maps each official name to the
fallbacks in ``settings.XUNCHA_DOCUMENT_FONT_FALLBACKS`` (Noto CJK, AR PL), for LibreOffice.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from html import escape

from django.conf import settings
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from .textnorm import printable

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
OFFICIAL_FONTS = (BODY_FONT, TITLE_FONT, HEADING_FONT, HEADING2_FONT, PAGE_NUMBER_FONT)

#: Used when ``settings.XUNCHA_DOCUMENT_FONT_FALLBACKS`` is not set: fonts Debian ships
#: (fonts-noto-cjk, fonts-arphic-ukai, fonts-arphic-uming), closest shape first.
DEFAULT_FALLBACKS: dict[str, list[str]] = {
    BODY_FONT: ["FangSong", "仿宋", "AR PL UMing CN", "Noto Serif CJK SC"],
    TITLE_FONT: ["方正小标宋_GBK", "Noto Serif CJK SC", "AR PL UMing CN"],
    HEADING_FONT: ["SimHei", "Noto Sans CJK SC"],
    HEADING2_FONT: ["KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC"],
    PAGE_NUMBER_FONT: ["SimSun", "AR PL UMing CN", "Noto Serif CJK SC"],
}

# Sizes (号): 2号 22 pt, 3号 16 pt, 4号 14 pt.
TITLE_SIZE = 22.0
BODY_SIZE = 16.0
SMALL_SIZE = 14.0

# The page and the type area (GB/T 9704-2012 §5.2).
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, LEFT = Mm(37), Mm(28)
AREA_WIDTH, AREA_HEIGHT = Mm(156), Mm(225)
LINES, CHARS = 22, 28
LINE_PITCH = Emu(AREA_HEIGHT // LINES)  # 10.23 mm, 28.99 pt
# The page number's rule sits 7 mm under the type area (§7.5): the footer's line box
# (4号, about 5.5 mm) starts there.
FOOTER_DISTANCE = Mm(297 - 37 - 225 - 7 - 6)
#: Character spacing of 3号 runs, in twentieths of a point (28 × 15.75 pt ≤ 156 mm).
BODY_TRACKING = -5

EM_DASH = "\u2014"  # 一字线


_DIGITS = "一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """一 … 九十九, for headings ("十一、", "（十二）"); larger numbers as Arabic digits."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units - 1]
    head = "" if tens == 1 else _DIGITS[tens - 1]
    return f"{head}十{_DIGITS[units - 1] if units else ''}"


def fallbacks() -> dict[str, list[str]]:
    configured = getattr(settings, "XUNCHA_DOCUMENT_FONT_FALLBACKS", None) or {}
    return {name: list(configured.get(name) or DEFAULT_FALLBACKS[name])
            for name in OFFICIAL_FONTS}


def fontconfig_aliases(include: str = "/etc/fonts/fonts.conf") -> str:
    """A fontconfig file (``FONTCONFIG_FILE``) that includes the system's configuration
    and maps each official font name to its fallbacks, for rendering where the official
    fonts are not installed."""
    parts = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
             "<fontconfig>", f"  <include ignore_missing=\"yes\">{escape(include)}</include>"]
    for name, names in fallbacks().items():
        prefer = "".join(f"<family>{escape(n)}</family>" for n in names)
        parts.append(f'  <alias binding="same"><family>{escape(name)}</family>'
                     f"<prefer>{prefer}</prefer></alias>")
    parts.append("</fontconfig>")
    return "\n".join(parts) + "\n"


def text_width(text: str) -> float:
    """Width in characters: half-width (ASCII) ones count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _set_font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")
    if size == BODY_SIZE:
        # 28 characters of 3号 on a 156 mm line: 0.25 pt less than the em each.
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(BODY_TRACKING))
        rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)


_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                      "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
                      "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish",
                      "w:oMath")
_PPR_AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                      "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                      "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                      "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                      "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                      "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                      "w:pPrChange")
_PPR_AFTER_OVERFLOW = _PPR_AFTER_BORDERS[_PPR_AFTER_BORDERS.index("w:overflowPunct") + 1:]
_PPR_AFTER_SNAP = _PPR_AFTER_BORDERS[_PPR_AFTER_BORDERS.index("w:snapToGrid") + 1:]


def _no_grid(paragraph) -> None:
    """Keep a paragraph off the line grid (its own exact spacing rules): LibreOffice puts a
    line taller than the pitch on two grid lines, Word does not."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    paragraph._element.get_or_add_pPr().insert_element_before(snap, *_PPR_AFTER_SNAP)


def _exact(paragraph, pitch=LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.widow_control = False
    # 标点溢出边界 stated as Word's default (on), because LibreOffice (7.4) reads the element
    # the other way round: with it absent or off, LibreOffice hangs a closing mark into the
    # margin and, on a justified full line, drops it from the page (the render test saw
    # "来访，重点" print as "来访重点"). Stated on, Word behaves as it always does and
    # LibreOffice keeps every mark inside the 156 mm.
    overflow = OxmlElement("w:overflowPunct")
    overflow.set(qn("w:val"), "1")
    paragraph._element.get_or_add_pPr().insert_element_before(overflow, *_PPR_AFTER_OVERFLOW)


_ALIGN = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT}


def _chars(n: float) -> Emu:
    return Emu(int(Pt(BODY_SIZE + BODY_TRACKING / 20) * n))


class Doc:
    """One official document. Build it in reading order; :meth:`bytes` gives the file."""

    def __init__(self) -> None:
        self.document = Document()
        self._setup_defaults()
        section = self.document.sections[0]
        self._setup_section(section)
        self.document.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(section)
        self._font_table()

    # --- page, grid, defaults -------------------------------------------------------------
    def _setup_defaults(self) -> None:
        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), BODY_FONT)
        for tag in ("w:sz", "w:szCs"):
            rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE * 2)))
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        normal = self.document.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(BODY_SIZE)

    def _setup_section(self, section) -> None:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.left_margin = TOP, LEFT
        section.right_margin = Emu(PAGE_WIDTH - LEFT - AREA_WIDTH)
        section.bottom_margin = Emu(PAGE_HEIGHT - TOP - AREA_HEIGHT)
        section.header_distance = Mm(15)
        section.footer_distance = FOOTER_DISTANCE
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        # A line grid (22 lines); the 28 characters come from the body's tracking, which
        # Word and LibreOffice both honour (LibreOffice's character grid puts a character
        # wider than the pitch on two cells, so a compressing ``charSpace`` cannot be used).
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))  # twips

    def _page_numbers(self, section) -> None:
        section.footer.is_linked_to_previous = False
        for footer, right in ((section.footer, True), (section.even_page_footer, False)):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
            fmt = paragraph.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            if right:
                fmt.right_indent = Pt(SMALL_SIZE)
            else:
                fmt.left_indent = Pt(SMALL_SIZE)
            _set_font(paragraph.add_run(EM_DASH + " "), PAGE_NUMBER_FONT, SMALL_SIZE)
            for kind, text in (("begin", None), (None, " PAGE "), ("separate", None),
                               (None, "1"), ("end", None)):
                run = paragraph.add_run()
                _set_font(run, PAGE_NUMBER_FONT, SMALL_SIZE)
                if kind:
                    char = OxmlElement("w:fldChar")
                    char.set(qn("w:fldCharType"), kind)
                    run._element.append(char)
                elif text == " PAGE ":
                    instr = OxmlElement("w:instrText")
                    instr.set(qn("xml:space"), "preserve")
                    instr.text = text
                    run._element.append(instr)
                else:
                    run.text = text
            _set_font(paragraph.add_run(" " + EM_DASH), PAGE_NUMBER_FONT, SMALL_SIZE)

    def _font_table(self) -> None:
        part = self.document.part.font_table_part if hasattr(
            self.document.part, "font_table_part") else None
        if part is None:
            for rel in self.document.part.rels.values():
                if rel.reltype.endswith("/fontTable"):
                    part = rel.target_part
                    break
        if part is None:  # pragma: no cover - python-docx's template has one
            return
        from lxml import etree

        root = etree.fromstring(part.blob)
        alternates = fallbacks()
        for name in OFFICIAL_FONTS:
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), alternates[name][0])
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")  # GB2312
            family = etree.SubElement(font, qn("w:family"))
            family.set(qn("w:val"), "modern" if name == HEADING_FONT else "roman")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    standalone=True)

    # --- blocks --------------------------------------------------------------------------
    def _paragraph(self, text: str, font: str, size: float, *, indent: float = 0,
                   align: str | None = None, bold: bool = False, pitch=LINE_PITCH,
                   right: float = 0, left: float = 0, keep_next: bool = False):
        paragraph = self.document.add_paragraph()
        _exact(paragraph, pitch)
        fmt = paragraph.paragraph_format
        if keep_next:  # a heading stays with what it heads
            fmt.keep_with_next = True
        if indent:
            fmt.first_line_indent = _chars(indent)
        if right:
            fmt.right_indent = _chars(right)
        if left:
            fmt.left_indent = _chars(left)
        paragraph.alignment = _ALIGN.get(align or "justify", WD_ALIGN_PARAGRAPH.JUSTIFY)
        if text:
            _set_font(paragraph.add_run(printable(text)), font, size, bold)
        return paragraph

    def title(self, text: str) -> None:
        """公文标题: 2号小标宋, centred; followed by a blank line (§7.3.1, §7.3.2)."""
        for line in printable(text).splitlines() or [""]:
            _no_grid(self._paragraph(line, TITLE_FONT, TITLE_SIZE, align="center"))
        self.blank()

    def subtitle(self, text: str) -> None:
        """A line under the title (a period, a note), 3号楷体 centred."""
        self._paragraph(text, HEADING2_FONT, BODY_SIZE, align="center")

    def addressee(self, text: str) -> None:
        """主送机关: flush left, ending with a full-width colon (§7.3.2)."""
        text = text.rstrip("：:")
        self._paragraph(f"{text}：", BODY_FONT, BODY_SIZE)

    def heading(self, text: str) -> None:
        """First level ("一、"): 3号黑体, indented two characters."""
        self._paragraph(text, HEADING_FONT, BODY_SIZE, indent=2, keep_next=True)

    def heading2(self, text: str) -> None:
        """Second level ("（一）"): 3号楷体."""
        self._paragraph(text, HEADING2_FONT, BODY_SIZE, indent=2, keep_next=True)

    def heading3(self, text: str) -> None:
        """Third level ("1."): 3号仿宋, bold as offices usually set it."""
        self._paragraph(text, BODY_FONT, BODY_SIZE, indent=2, bold=True, keep_next=True)

    def para(self, text: str, *, indent: bool = True, bold: bool = False,
             align: str | None = None, size: float = BODY_SIZE) -> None:
        """A body paragraph: 3号仿宋, the first line indented two characters."""
        self._paragraph(text, BODY_FONT, size, indent=2 if indent else 0, align=align,
                        bold=bold)

    def paras(self, text: str) -> None:
        """Each non-empty line of ``text`` as a body paragraph."""
        for line in (text or "").splitlines():
            if line.strip():
                self.para(line.strip())

    def slip(self, lines: Sequence[str], *, cut: str) -> None:
        """A slip to cut off: its lines flush left in 4号 (kept on one page) and a cutting
        line under them."""
        for line in lines:
            self._paragraph(line, BODY_FONT, SMALL_SIZE, align="left", keep_next=True)
        rule = "- " * 14
        self._paragraph(f"{rule}{cut} {rule}".strip(), BODY_FONT, 10.5, align="center")

    def blank(self) -> None:
        self._paragraph("", BODY_FONT, BODY_SIZE)

    def attachment_note(self, names: Sequence[str]) -> None:
        """附件说明 (§7.3.4): under the body after a blank line, two characters in;
        several are numbered, the later ones aligned with the first name."""
        names = [n for n in names if n]
        if not names:
            return
        self.blank()
        if len(names) == 1:
            self._paragraph(f"附件：{names[0]}", BODY_FONT, BODY_SIZE, indent=2)
            return
        for i, name in enumerate(names, start=1):
            prefix = "附件：" if i == 1 else ""
            self._paragraph(f"{prefix}{i}. {name}", BODY_FONT, BODY_SIZE,
                            left=2 + (0 if i == 1 else 3))

    def signature(self, body: str, date_text: str) -> None:
        """发文机关署名 and 成文日期 (§7.3.5.1, the form that is sealed): after a blank
        line, the date four characters from the right and the body centred over it."""
        self.blank()
        date_width, body_width = text_width(date_text), text_width(body)
        body_right = max(4 + (date_width - body_width) / 2, 0)
        self._paragraph(body, BODY_FONT, BODY_SIZE, align="right", right=body_right)
        self._paragraph(date_text, BODY_FONT, BODY_SIZE, align="right", right=4)

    def copy_to(self, names: Iterable[str]) -> None:
        """抄送 in the 版记 (§7.4): 4号仿宋 between rules, one character in."""
        names = [n for n in names if n]
        if not names:
            return
        self.blank()
        paragraph = self._paragraph("抄送：" + "，".join(names) + "。", BODY_FONT, SMALL_SIZE,
                                    left=1, right=1, align="justify")
        ppr = paragraph._element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        for side, width in (("top", "8"), ("bottom", "8")):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), width)
            edge.set(qn("w:space"), "1")
            edge.set(qn("w:color"), "000000")
            borders.append(edge)
        ppr.insert_element_before(borders, *_PPR_AFTER_BORDERS)

    def attachment(self, title: str, *, number: int | None = None) -> None:
        """An attachment's first page: "附件" (3号黑体, top left) and its title (§8)."""
        self.page_break()
        label = "附件" if number is None else f"附件{number}"
        self._paragraph(label, HEADING_FONT, BODY_SIZE)
        self.blank()
        self.title(title)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]],
              widths: Sequence[float] | None = None, *, size: float = 12.0):
        """A table in the type area: headers in 黑体, cells in 仿宋 (``size`` pt)."""
        rows = list(rows)
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        pitch = Pt(size * 1.5)

        def fill(cell, text: object, font: str) -> None:
            paragraph = cell.paragraphs[0]
            _exact(paragraph, pitch)
            _no_grid(paragraph)
            _set_font(paragraph.add_run("" if text is None else printable(str(text))),
                      font, size)

        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            fill(cell, header, HEADING_FONT)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                fill(cell, value, BODY_FONT)
        if widths:
            total = sum(widths)
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=False):
                column.width = Emu(int(AREA_WIDTH * width / total))
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=False):
                    cell.width = Emu(int(AREA_WIDTH * width / total))
        return table

    def image_beside(self, data: bytes, width_mm: float, lines: Sequence[str]) -> None:
        """A picture with text to its right (a QR code beside the channel it opens): a
        borderless two-column table."""
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (Emu(Mm(width_mm + 6)), Emu(AREA_WIDTH - Mm(width_mm + 6)))
        for column, cell, width in zip(table.columns, table.rows[0].cells, widths,
                                       strict=True):
            column.width = cell.width = width
        left, right = table.rows[0].cells
        picture = left.paragraphs[0]
        picture.paragraph_format.space_after = Pt(0)
        picture.add_run().add_picture(io.BytesIO(data), width=Mm(width_mm))
        first = True
        for line in lines:
            paragraph = right.paragraphs[0] if first else right.add_paragraph()
            first = False
            _exact(paragraph)
            _set_font(paragraph.add_run(printable(line)), BODY_FONT, BODY_SIZE)

    def page_break(self) -> None:
        self.document.add_page_break()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
