"""Building .docx files that Word and LibreOffice open: a few helpers over python-docx with
the fonts Chinese official documents use (仿宋 body, 黑体 headings)."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .textnorm import printable

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"


def _set_font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


class Doc:
    def __init__(self):
        self.document = Document()
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(paragraph.add_run(printable(text)), TITLE_FONT, 22)

    def heading(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        _set_font(paragraph.add_run(printable(text)), HEADING_FONT, 16)

    def para(self, text: str, *, indent: bool = True, bold: bool = False,
             align: str | None = None, size: float = 16) -> None:
        paragraph = self.document.add_paragraph()
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        if align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(28)
        _set_font(paragraph.add_run(printable(text)), BODY_FONT, size, bold)

    def table(self, headers: list[str], rows: list[list[str]], widths: list[float] | None = None):
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _set_font(cell.paragraphs[0].add_run(printable(str(text))), HEADING_FONT, 11)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = ""
                _set_font(cell.paragraphs[0].add_run("" if text is None else printable(str(text))),
                          BODY_FONT, 11)
        if widths:
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=False):
                    cell.width = Cm(width)
        return table

    def image(self, data: bytes, width_cm: float) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(data), width=Cm(width_cm))

    def page_break(self) -> None:
        self.document.add_page_break()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
