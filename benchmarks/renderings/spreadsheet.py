"""A plan as a workbook (openpyxl), for LibreOffice Calc to print.

As an office keeps it in a spreadsheet: each cell's paragraphs as lines of one wrapped
cell, columns fitted to the page width, page header and footer in the sheet's page
setup. With one table per page each sector has its own sheet, whose print-title row
repeats the header on every page; otherwise all tables follow one another on one
sheet, the header printed once per table. A spreadsheet never breaks a row across pages.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from benchmarks.renderings.front_matter import cover_lines, prose_pages, running_header
from benchmarks.renderings.layout import (
    PADDING_PT,
    USABLE_WIDTH,
    blocks_to_column_widths,
    paragraphs_to_line_count,
)
from benchmarks.renderings.matrix import RenderSettings
from benchmarks.renderings.plan import Block, Plan

COLUMNS = "ABCDEFGH"
# printable width in millimetres (A4 less the margins)
PRINTABLE_MM = {True: 273.0, False: 186.0}
# a line of wrapped text in Calc, in font sizes, and the space above and below it
LINE_HEIGHT = 1.27
ROW_PADDING_PT = 4.0


def plan_to_xlsx(plan: Plan, settings: RenderSettings, path: Path) -> None:
    """Write the plan as an .xlsx workbook."""
    book = Workbook()
    first = book.active
    assert first is not None
    sheets: list[Worksheet] = []
    if settings.front_matter:
        first.title = "Premessa"
        _front_matter(first, plan, settings)
        sheets.append(first)
        sheet = book.create_sheet("Obiettivi")
    else:
        sheet = first
        sheet.title = "Obiettivi"
    sheets.append(sheet)
    widths = blocks_to_column_widths(
        plan.blocks, settings.font, settings.size, USABLE_WIDTH[settings.landscape] * 0.99
    )
    row = _title_block(sheet, plan, settings)
    for index, block in enumerate(plan.blocks):
        if settings.one_per_page and index > 0:
            sheet = book.create_sheet(block.heading[:28].replace("'", "").replace("/", "-"))
            sheets.append(sheet)
            row = 1
        row = _block(sheet, block, settings, widths, row)
    if settings.one_per_page:
        sheet = book.create_sheet("Rilevanza")
        sheets.append(sheet)
        row = 1
    _relevance(sheet, plan, settings, row)
    for sheet in sheets:
        _column_widths(sheet, widths)
        _page_setup(sheet, plan, settings)
    book.save(str(path))


def _font(settings: RenderSettings, bold: bool = False, size: float | None = None) -> Font:
    return Font(name=settings.font, size=size or settings.size, bold=bold)


def _border(settings: RenderSettings) -> Border:
    if not settings.ruled:
        return Border()
    side = Side(style="thin", color="000000")
    return Border(left=side, right=side, top=side, bottom=side)


def _column_widths(sheet: Worksheet, widths: list[float]) -> None:
    for letter, points in zip(COLUMNS, widths, strict=True):
        # a column unit is 7 pixels plus 5 of padding, at 96 dpi (0.75 pt per pixel)
        sheet.column_dimensions[letter].width = round((points / 0.75 - 5) / 7, 2)


def _row_height(
    cells: list[list[str]], widths: list[float], settings: RenderSettings, bold: bool = False
) -> float:
    lines = max(
        paragraphs_to_line_count(p, w - 2 * PADDING_PT - 2, settings.font, settings.size, bold)
        for p, w in zip(cells, widths, strict=True)
    )
    return round(lines * settings.size * LINE_HEIGHT + ROW_PADDING_PT, 1)


def _merged_text(
    sheet: Worksheet,
    row: int,
    text: str,
    font: Font,
    settings: RenderSettings,
    align: str = "center",
    chars_per_line: int = 0,
) -> None:
    sheet.merge_cells(f"A{row}:H{row}")
    cell = sheet[f"A{row}"]
    cell.value = text
    cell.font = font
    cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True)
    # Calc does not fit a merged cell's height to its text: give the lines it needs
    lines = math.ceil(len(text) / chars_per_line) if chars_per_line else 1
    sheet.row_dimensions[row].height = lines * (font.size or settings.size) * 1.35 + 2


def _front_matter(sheet: Worksheet, plan: Plan, settings: RenderSettings) -> None:
    width_chars = int(PRINTABLE_MM[settings.landscape] / 2.2)
    row = 1
    sheet.row_dimensions[row].height = 120
    row += 1
    for index, line in enumerate(cover_lines(plan)):
        size = 20 if index == 0 else 24 if index == 2 else 14
        _merged_text(sheet, row, line, _font(settings, index in (0, 2), size), settings)
        row += 1
    sheet.row_breaks.append(_break(row - 1))
    for heading, paragraphs in prose_pages(plan):
        _merged_text(sheet, row, heading, _font(settings, True, 14), settings, "left")
        row += 1
        for text in paragraphs:
            _merged_text(
                sheet, row, text, _font(settings, size=11), settings, "justify", width_chars
            )
            row += 1
        sheet.row_breaks.append(_break(row - 1))


def _break(row: int) -> object:
    from openpyxl.worksheet.pagebreak import Break

    return Break(id=row)


def _title_block(sheet: Worksheet, plan: Plan, settings: RenderSettings) -> int:
    row = 1
    for line in plan.title_lines:
        _merged_text(sheet, row, line, _font(settings, True, settings.size + 2), settings)
        row += 1
    return row + 1


def _block(
    sheet: Worksheet, block: Block, settings: RenderSettings, widths: list[float], row: int
) -> int:
    if settings.headings:
        _merged_text(
            sheet, row, block.heading, _font(settings, True, settings.size + 1), settings, "left"
        )
        row += 1
    border = _border(settings)
    fill = PatternFill("solid", fgColor="D9D9D9") if settings.ruled else PatternFill()
    for column, text in enumerate(block.header):
        cell = sheet.cell(row=row, column=column + 1, value=text)
        cell.font = _font(settings, True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = fill
    sheet.row_dimensions[row].height = _row_height(
        [[h] for h in block.header], widths, settings, bold=True
    )
    if settings.repeat_header:
        sheet.print_title_rows = f"{row}:{row}"
    row += 1
    vertical = "top" if settings.valign == "top" else "center"
    for objective in block.rows:
        for column, paragraphs in enumerate(objective.cells):
            value = "\n".join(paragraphs) if paragraphs else None
            cell = sheet.cell(row=row, column=column + 1, value=value)
            cell.data_type = "s"
            cell.font = _font(settings)
            horizontal = "center" if column in (0, 7) else "left"
            cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
            cell.border = border
        # Calc prints the height a row is given; an office fits it to the text
        sheet.row_dimensions[row].height = _row_height(
            [list(p) for p in objective.cells], widths, settings
        )
        row += 1
    return row + 1


def _relevance(sheet: Worksheet, plan: Plan, settings: RenderSettings, row: int) -> None:
    rel = plan.relevance
    size = settings.size + 1
    width_chars = int(PRINTABLE_MM[settings.landscape] / (size * 0.19))
    row += 1
    _merged_text(sheet, row, rel.heading, _font(settings, True, size + 2), settings, "left")
    row += 1
    for text in rel.text:
        _merged_text(sheet, row, text, _font(settings, size=size), settings, "left", width_chars)
        row += 1
    row += 1
    _merged_text(sheet, row, rel.caption, _font(settings, True, size), settings, "left")
    row += 1
    border = _border(settings)
    rows = [rel.header, *rel.rows, rel.total]
    for index, (label, value) in enumerate(rows):
        sheet.merge_cells(f"A{row}:D{row}")
        bold = index in (0, len(rows) - 1)
        left = sheet.cell(row=row, column=1, value=label)
        right = sheet.cell(row=row, column=5, value=value)
        for cell in (left, right):
            cell.font = _font(settings, bold, size)
            cell.data_type = "s"
        left.alignment = Alignment(horizontal="center" if index == 0 else "left")
        right.alignment = Alignment(horizontal="center" if index == 0 else "right")
        for column in range(1, 6):
            sheet.cell(row=row, column=column).border = border
        row += 1


def _page_setup(sheet: Worksheet, plan: Plan, settings: RenderSettings) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if settings.landscape else "portrait"
    # column units are a guess at Calc's own; fitting to the page width makes it exact
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_margins = PageMargins(
        left=0.47, right=0.47, top=0.87, bottom=0.79, header=0.35, footer=0.3
    )
    sheet.print_options.horizontalCentered = True
    if settings.front_matter:
        sheet.oddHeader.center.text = running_header(plan)
        sheet.oddHeader.center.size = 8
        sheet.oddHeader.center.font = settings.font
        sheet.oddFooter.center.text = "Pagina &P di &N"
        sheet.oddFooter.center.size = 8
        sheet.oddFooter.center.font = settings.font
    else:
        sheet.oddFooter.right.text = "&P"
        sheet.oddFooter.right.size = 8
