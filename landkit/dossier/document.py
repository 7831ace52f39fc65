"""A thin layer over python-docx for landkit's Word documents.

A4 portrait, 2.2 cm margins, 宋体 body and 黑体 headings (the East Asian font
set too, so Word shows Chinese in them), a red 草稿 mark in the page header,
Table Grid tables and centred pictures. python-docx is imported when a
document is made.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

__all__ = ["DocxWriter", "red_colour"]


class DocxWriter:
    """A thin layer over python-docx: A4, 宋体/黑体, headings, tables and pictures."""

    def __init__(self, *, header: str):
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        self.Cm, self.Pt, self.qn = Cm, Pt, qn
        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.2))
        for style_name, font in (("Normal", "宋体"), ("Title", "黑体"), ("Heading 1", "黑体"),
                                 ("Heading 2", "黑体")):  # fmt: skip
            style = self.doc.styles[style_name]
            style.font.name = font
            style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        self.doc.styles["Normal"].font.size = Pt(10.5)
        line = section.header.paragraphs[0]
        run = line.add_run("草稿　")
        run.bold, run.font.size = True, Pt(12)
        run.font.color.rgb = red_colour()
        line.add_run(header).font.size = Pt(9)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str = "", *, bold=False, size=None, centre=False, red=False, indent=False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = self.Pt(size)
        if red:
            run.font.color.rgb = red_colour()
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            paragraph.paragraph_format.first_line_indent = self.Pt(21)
        return paragraph

    def table(self, rows: Sequence[Sequence[str]], header: Sequence[str] | None = None, widths=None):
        table = self.doc.add_table(rows=0, cols=len(rows[0] if rows else header))
        table.style = "Table Grid"
        for number, values in enumerate([header, *rows] if header else rows):
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = str(value)
                if header and number == 0:
                    cell.paragraphs[0].runs[0].bold = True
        if widths:
            for column, width in zip(table.columns, widths, strict=True):
                for cell in column.cells:
                    cell.width = self.Cm(width)
        return table

    def picture(self, png: bytes, width_cm: float, caption: str | None = None) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.doc.add_picture(io.BytesIO(png), width=self.Cm(width_cm))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if caption:
            self.para(caption, size=9, centre=True)

    def chips(self, chips: Sequence[tuple[bytes, str]], per_row: int = 3) -> None:
        width = 16.4 / min(per_row, max(len(chips), 1)) - 0.3
        for start in range(0, len(chips), per_row):
            group = chips[start : start + per_row]
            table = self.doc.add_table(rows=2, cols=len(group))
            for column, (png, caption) in enumerate(group):
                run = table.cell(0, column).paragraphs[0].add_run()
                run.add_picture(io.BytesIO(png), width=self.Cm(width))
                table.cell(1, column).text = caption

    def page_break(self) -> None:
        self.doc.add_page_break()


def red_colour():
    from docx.shared import RGBColor

    return RGBColor(0xC0, 0x00, 0x00)
