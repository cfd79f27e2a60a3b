"""A plan typeset with reportlab's platypus (LongTable), rows allowed to split across pages.

Text is drawn the way some PDF printer drivers write it: each word is its own text run
and words are set apart by moving the text position, with no space glyph at all, so a
reader has to infer every space from the gaps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from benchmarks.renderings.front_matter import (
    cover_lines,
    footer_text,
    prose_pages,
    running_header,
)
from benchmarks.renderings.layout import blocks_to_column_widths, register_font
from benchmarks.renderings.matrix import RenderSettings
from benchmarks.renderings.plan import Block, Plan

MARGINS = (22 * mm, 12 * mm, 20 * mm, 12 * mm)  # top, right, bottom, left


class WordRunText(PDFTextObject):
    """A text object that draws every word as its own run and moves over each space."""

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N803 (reportlab's name)
        words = text.split(" ")
        if len(words) == 1:
            super()._textOut(text, TStar)
            return
        # the space's advance in text space (thousandths of the font size), as a TJ kern
        space = pdfmetrics.stringWidth(" ", self._fontname, 1000.0)
        code = []
        for index, word in enumerate(words):
            if index:
                code.append(f"[{-space:.0f}] TJ")
            if word:
                code.append(self._formatText(word))
        self._code.append(" ".join(code) + (" T*" if TStar else ""))


class PlanCanvas(Canvas):
    """A canvas that draws words as separate runs and, once the page count is known,
    the running header and the "Pagina N di M" footer (or a bare page number)."""

    def __init__(self, *args: Any, furniture: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> PDFTextObject:  # noqa: N802
        return WordRunText(self, x, y, direction=direction)

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_furniture(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_furniture(self, number: int, total: int) -> None:
        width, height = self._pagesize
        font = self._furniture["font"]
        self.setFont(font, 8)
        if self._furniture["front_matter"]:
            self.drawCentredString(width / 2, height - 12 * mm, self._furniture["header"])
            self.drawCentredString(width / 2, 10 * mm, footer_text(number, total))
        else:
            self.drawRightString(width - MARGINS[1], 10 * mm, str(number))


def plan_to_reportlab_pdf(plan: Plan, settings: RenderSettings, path: Path) -> None:
    """Typeset the plan into a PDF file."""
    regular, bold = register_font(settings.font)
    pagesize = landscape(A4) if settings.landscape else A4
    top, right, bottom, left = MARGINS
    doc = BaseDocTemplate(
        str(path),
        pagesize=pagesize,
        topMargin=top,
        rightMargin=right,
        bottomMargin=bottom,
        leftMargin=left,
        title=plan.title,
        author=plan.municipality,
    )
    frame = Frame(left, bottom, pagesize[0] - left - right, pagesize[1] - top - bottom, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    styles = _styles(regular, bold, settings)
    story: list[Flowable] = []
    if settings.front_matter:
        story.append(Spacer(1, 45 * mm))
        for index, line in enumerate(cover_lines(plan)):
            style = styles["cover_title" if index == 2 else "cover_town" if index == 0 else "cover"]
            story.append(Paragraph(escape(line), style))
        for heading, paragraphs in prose_pages(plan):
            story.append(PageBreak())
            story.append(Paragraph(escape(heading), styles["prose_heading"]))
            story.extend(Paragraph(escape(p), styles["prose"]) for p in paragraphs)
        story.append(PageBreak())
    story.extend(Paragraph(escape(line), styles["title"]) for line in plan.title_lines)
    story.append(Spacer(1, 4 * mm))
    usable = pagesize[0] - left - right
    widths = blocks_to_column_widths(plan.blocks, settings.font, settings.size, usable)
    for index, block in enumerate(plan.blocks):
        if settings.one_per_page and index:
            story.append(PageBreak())
        story.extend(_block(block, settings, styles, widths))
    if settings.one_per_page:
        story.append(PageBreak())
    story.extend(_relevance(plan, settings, styles, usable))
    furniture = {
        "font": regular,
        "front_matter": settings.front_matter,
        "header": running_header(plan),
    }
    doc.build(story, canvasmaker=lambda *a, **k: PlanCanvas(*a, furniture=furniture, **k))


def _styles(regular: str, bold: str, settings: RenderSettings) -> dict[str, ParagraphStyle]:
    size = settings.size
    leading = size * 1.2
    return {
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=size, leading=leading),
        "cell_centre": ParagraphStyle(
            "cell_centre", fontName=regular, fontSize=size, leading=leading, alignment=TA_CENTER
        ),
        "head": ParagraphStyle(
            "head", fontName=bold, fontSize=size, leading=leading, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title",
            fontName=bold,
            fontSize=size + 2,
            leading=(size + 2) * 1.25,
            alignment=TA_CENTER,
        ),
        "sector": ParagraphStyle(
            "sector",
            fontName=bold,
            fontSize=size + 1,
            leading=(size + 1) * 1.2,
            spaceBefore=5 * mm,
            spaceAfter=1.5 * mm,
        ),
        "cover": ParagraphStyle(
            "cover",
            fontName=regular,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceAfter=4 * mm,
        ),
        "cover_town": ParagraphStyle(
            "cover_town",
            fontName=bold,
            fontSize=20,
            leading=24,
            alignment=TA_CENTER,
            spaceAfter=4 * mm,
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            fontName=bold,
            fontSize=24,
            leading=29,
            alignment=TA_CENTER,
            spaceBefore=25 * mm,
            spaceAfter=4 * mm,
        ),
        "prose_heading": ParagraphStyle(
            "prose_heading", fontName=bold, fontSize=14, leading=17, spaceAfter=6 * mm
        ),
        # left-aligned: justification stretches space glyphs, and these runs have none
        "prose": ParagraphStyle(
            "prose",
            fontName=regular,
            fontSize=11,
            leading=16.5,
            spaceAfter=4 * mm,
            alignment=TA_LEFT,
        ),
        "rel": ParagraphStyle(
            "rel", fontName=regular, fontSize=size + 1, leading=(size + 1) * 1.3, spaceAfter=3 * mm
        ),
        "rel_heading": ParagraphStyle(
            "rel_heading",
            fontName=bold,
            fontSize=size + 3,
            leading=(size + 3) * 1.2,
            spaceBefore=6 * mm,
            spaceAfter=3 * mm,
            keepWithNext=1,
        ),
        "rel_caption": ParagraphStyle(
            "rel_caption",
            fontName=bold,
            fontSize=size + 1,
            leading=(size + 1) * 1.3,
            spaceBefore=4 * mm,
            spaceAfter=2 * mm,
            keepWithNext=1,
        ),
        "rel_cell": ParagraphStyle(
            "rel_cell", fontName=regular, fontSize=size + 1, leading=(size + 1) * 1.2
        ),
        "rel_pct": ParagraphStyle(
            "rel_pct",
            fontName=regular,
            fontSize=size + 1,
            leading=(size + 1) * 1.2,
            alignment=TA_RIGHT,
        ),
        "rel_total": ParagraphStyle(
            "rel_total", fontName=bold, fontSize=size + 1, leading=(size + 1) * 1.2
        ),
        "rel_total_pct": ParagraphStyle(
            "rel_total_pct",
            fontName=bold,
            fontSize=size + 1,
            leading=(size + 1) * 1.2,
            alignment=TA_RIGHT,
        ),
    }


def _block(
    block: Block, settings: RenderSettings, styles: dict[str, ParagraphStyle], widths: list[float]
) -> list[Flowable]:
    flowables: list[Flowable] = []
    if settings.headings:
        # keepWithNext would move the whole table; a heading needs only room for a row
        flowables.append(CondPageBreak(30 * mm))
        flowables.append(Paragraph(escape(block.heading), styles["sector"]))
    else:
        flowables.append(Spacer(1, 3 * mm))
    data: list[list[Any]] = [[Paragraph(escape(h), styles["head"]) for h in block.header]]
    for row in block.rows:
        data.append(
            [
                [
                    Paragraph(escape(p), styles["cell_centre" if column in (0, 7) else "cell"])
                    for p in paragraphs
                ]
                for column, paragraphs in enumerate(row.cells)
            ]
        )
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), settings.valign.upper()),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if settings.ruled:
        commands += [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")),
        ]
    table = LongTable(
        data,
        colWidths=widths,
        repeatRows=1 if settings.repeat_header else 0,
        # with a repeated header reportlab may print the header again above a split row
        # in the middle of a page, which no office document does
        splitInRow=0 if settings.repeat_header else 1,
        style=TableStyle(commands),
    )
    flowables.append(table)
    return flowables


def _relevance(
    plan: Plan, settings: RenderSettings, styles: dict[str, ParagraphStyle], usable: float
) -> list[Flowable]:
    rel = plan.relevance
    flowables: list[Flowable] = [Paragraph(escape(rel.heading), styles["rel_heading"])]
    flowables.extend(Paragraph(escape(p), styles["rel"]) for p in rel.text)
    flowables.append(Paragraph(escape(rel.caption), styles["rel_caption"]))
    data = [[Paragraph(escape(h), styles["head"]) for h in rel.header]]
    data += [
        [Paragraph(escape(label), styles["rel_cell"]), Paragraph(escape(v), styles["rel_pct"])]
        for label, v in rel.rows
    ]
    label, value = rel.total
    data.append(
        [
            Paragraph(escape(label), styles["rel_total"]),
            Paragraph(escape(value), styles["rel_total_pct"]),
        ]
    )
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if settings.ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    flowables.append(
        Table(
            data,
            colWidths=[usable * 0.42, usable * 0.18],
            hAlign="LEFT",
            style=TableStyle(commands),
        )
    )
    return flowables
