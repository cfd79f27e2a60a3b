"""A plan as a word-processor document (python-docx), for LibreOffice Writer to print.

Tables are set as an office sets them in Word: fixed column widths, one paragraph per
transcribed paragraph inside a cell, rows allowed to break across pages, the header row
marked to repeat (`w:tblHeader`) or not, borders on every cell or none at all.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from benchmarks.renderings.front_matter import cover_lines, prose_pages, running_header
from benchmarks.renderings.layout import blocks_to_column_widths
from benchmarks.renderings.matrix import RenderSettings
from benchmarks.renderings.plan import Block, Plan

MARGINS_MM = (22.0, 12.0, 20.0, 12.0)  # top, right, bottom, left
HEADER_DISTANCE_MM = 9.0


def plan_to_docx(plan: Plan, settings: RenderSettings, path: Path) -> None:
    """Write the plan as a .docx file."""
    document = Document()
    section = document.sections[0]
    width, height = Mm(210), Mm(297)
    if settings.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    top, right, bottom, left = MARGINS_MM
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = section.footer_distance = Mm(HEADER_DISTANCE_MM)
    normal = document.styles["Normal"]
    normal.font.name = settings.font
    normal.font.size = Pt(settings.size)
    _set_east_asian_font(normal.element, settings.font)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _page_furniture(document, plan, settings)

    body = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    if settings.front_matter:
        lines = cover_lines(plan)
        body.paragraph_format.space_before = Mm(45)
        for index, line in enumerate(lines):
            paragraph = body if index == 0 else document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Mm(4)
            size = 20 if index == 0 else 24 if index == 2 else 14
            if index == 2:
                paragraph.paragraph_format.space_before = Mm(25)
            run = paragraph.add_run(line)
            run.font.size = Pt(size)
            run.bold = index in (0, 2)
        for heading, paragraphs in prose_pages(plan):
            title = document.add_paragraph()
            title.paragraph_format.page_break_before = True
            title.paragraph_format.space_after = Mm(6)
            run = title.add_run(heading)
            run.bold = True
            run.font.size = Pt(14)
            for text in paragraphs:
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                paragraph.paragraph_format.space_after = Mm(4)
                paragraph.paragraph_format.line_spacing = 1.5
                paragraph.add_run(text).font.size = Pt(11)
        body = document.add_paragraph()
        body.paragraph_format.page_break_before = True
    for index, line in enumerate(plan.title_lines):
        paragraph = body if index == 0 else document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold = True
        run.font.size = Pt(settings.size + 2)
    usable = Emu(int((width - Mm(left) - Mm(right)) * 0.999))
    widths = [
        Pt(w) for w in blocks_to_column_widths(plan.blocks, settings.font, settings.size, usable.pt)
    ]
    for index, block in enumerate(plan.blocks):
        _add_block(document, block, settings, widths, first=index == 0)
    _add_relevance(document, plan, settings, usable)
    document.save(str(path))


def _set_east_asian_font(style_element: object, font: str) -> None:
    # python-docx sets only w:ascii/w:hAnsi; without the others a reader may fall back
    rpr = style_element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), font)


def _page_furniture(document: object, plan: Plan, settings: RenderSettings) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    footer = section.footer.paragraphs[0]
    if settings.front_matter:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header.add_run(running_header(plan)).font.size = Pt(8)
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Pagina ").font.size = Pt(8)
        _add_field(footer, "PAGE")
        footer.add_run(" di ").font.size = Pt(8)
        _add_field(footer, "NUMPAGES")
    else:
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _add_field(footer, "PAGE")


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_block(
    document: object, block: Block, settings: RenderSettings, widths: list[int], first: bool
) -> None:
    new_page = settings.one_per_page and not first
    if settings.headings:
        heading = document.add_paragraph()  # type: ignore[attr-defined]
        heading.paragraph_format.space_before = Mm(5)
        heading.paragraph_format.space_after = Mm(1.5)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.page_break_before = new_page
        run = heading.add_run(block.heading)
        run.bold = True
        run.font.size = Pt(settings.size + 1)
    else:
        spacer = document.add_paragraph()  # type: ignore[attr-defined]
        if new_page:
            spacer.add_run().add_break(WD_BREAK.PAGE)
    rows = len(block.rows) + 1
    table = document.add_table(rows=rows, cols=8)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_borders(table, settings.ruled)
    _fixed_grid(table, widths)
    header = table.rows[0]
    if settings.repeat_header:
        trpr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
    for column, text in enumerate(block.header):
        cell = header.cells[column]
        _fill_cell(cell, [text], settings, bold=True, centred=True, width=widths[column])
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if settings.ruled:
            _shade(cell, "D9D9D9")
    for index, row in enumerate(block.rows, start=1):
        cells = table.rows[index].cells
        for column, paragraphs in enumerate(row.cells):
            _fill_cell(
                cells[column],
                list(paragraphs),
                settings,
                centred=column in (0, 7),
                width=widths[column],
            )


def _fixed_grid(table: Table, widths: list[int]) -> None:
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def _table_borders(table: Table, ruled: bool) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        if ruled:
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "000000")
        else:
            element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 40), ("left", 60), ("bottom", 40), ("right", 60)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr.append(margins)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _fill_cell(
    cell: _Cell,
    paragraphs: list[str],
    settings: RenderSettings,
    width: int,
    bold: bool = False,
    centred: bool = False,
) -> None:
    cell.width = width
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.TOP
        if settings.valign == "top"
        else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    )
    first = cell.paragraphs[0]
    for index, text in enumerate(paragraphs or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if text:
            run = paragraph.add_run(text)
            run.bold = bold


def _add_relevance(document: object, plan: Plan, settings: RenderSettings, usable: int) -> None:
    rel = plan.relevance
    heading = document.add_paragraph()  # type: ignore[attr-defined]
    heading.paragraph_format.page_break_before = settings.one_per_page
    heading.paragraph_format.space_before = Mm(6)
    heading.paragraph_format.space_after = Mm(3)
    heading.paragraph_format.keep_with_next = True
    run = heading.add_run(rel.heading)
    run.bold = True
    run.font.size = Pt(settings.size + 3)
    for text in rel.text:
        paragraph = document.add_paragraph()  # type: ignore[attr-defined]
        paragraph.paragraph_format.space_after = Mm(3)
        paragraph.add_run(text).font.size = Pt(settings.size + 1)
    caption = document.add_paragraph()  # type: ignore[attr-defined]
    caption.paragraph_format.space_before = Mm(4)
    caption.paragraph_format.keep_with_next = True
    run = caption.add_run(rel.caption)
    run.bold = True
    run.font.size = Pt(settings.size + 1)
    table = document.add_table(rows=len(rel.rows) + 2, cols=2)  # type: ignore[attr-defined]
    table.autofit = False
    _table_borders(table, settings.ruled)
    widths = [int(usable * 0.42), int(usable * 0.18)]
    _fixed_grid(table, widths)
    rows = [rel.header, *rel.rows, rel.total]
    for index, (label, value) in enumerate(rows):
        cells = table.rows[index].cells
        last = index == len(rows) - 1
        for column, text in enumerate((label, value)):
            cell = cells[column]
            cell.width = widths[column]
            paragraph = cell.paragraphs[0]
            if index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif column == 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(text)
            run.bold = index == 0 or last
            run.font.size = Pt(settings.size + 1)
