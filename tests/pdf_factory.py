"""Draw small plan-like PDFs for tests with reportlab's canvas, so each test controls
exactly what is printed: titles, ruled or borderless tables, a header on each page,
cells top-aligned or vertically centred, a row broken across a page, the relevance
table. Cell text is given as lists of printed lines; a header cell's lines are separated
by "|"."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

HEADER = [
    "n.",
    "Assegnatario obiettivo",
    "DUP",
    "OGGETTO",
    "DESCRIZIONE DEGLI OBIETTIVI ASSEGNATI",
    "INDICATORE PERFORMANCE",
    "RISULTATO ATTESO",
    "TEMPI STABILITI",
]
# the same header wrapped inside its cells, as a word processor sets it: without
# borders, text running past a cell's side would join two columns
WRAPPED_HEADER = [
    "n.",
    "Assegnatario|obiettivo",
    "DUP",
    "OGGETTO",
    "DESCRIZIONE DEGLI OBIETTIVI ASSEGNATI",
    "INDICATORE|PERFORMANCE",
    "RISULTATO ATTESO",
    "TEMPI|STABILITI",
]
WIDTHS = [22.0, 80.0, 40.0, 90.0, 250.0, 100.0, 120.0, 60.0]
FONT, SIZE, LEADING, PAD = "Helvetica", 7.0, 8.5, 3.0


@dataclass
class TableSpec:
    """One table on one page: header (None: no header row), rows of cells, each cell a
    list of printed lines; `ruled=False` draws only a rule under the header, and
    `header_rule=False` not even that; `pad` is the white space between a cell's text
    and its sides."""

    rows: list[list[list[str]]]
    header: list[str] | None = field(default_factory=lambda: list(HEADER))
    widths: list[float] = field(default_factory=lambda: list(WIDTHS))
    title: str | None = None
    valign: str = "middle"
    ruled: bool = True
    min_row_height: float = 0.0
    pad: float = PAD
    header_rule: bool = True
    open_top: bool = False  # no rule above the first row: the table goes on from a page
    open_bottom: bool = False  # no rule under the last row: the page cut the table


@dataclass
class PageSpec:
    """One page: tables top to bottom, title lines above them, and a footer printed at
    the bottom right (a page number)."""

    tables: list[TableSpec]
    lines_above: list[str] = field(default_factory=list)
    footer: str | None = None
    running_header: str | None = None  # printed small, centred at the very top


def cells(*texts: str) -> list[list[str]]:
    """Given cell texts with lines separated by "|", return a row of line lists."""
    return [t.split("|") if t else [] for t in texts]


def draw_table(canvas: Canvas, spec: TableSpec, x: float, y: float) -> float:
    """Draw one table with its top-left corner at (x, y) (PDF y upwards); return the y
    under it."""
    rows = ([[h.split("|") for h in spec.header]] if spec.header else []) + spec.rows
    xs = [x]
    for w in spec.widths:
        xs.append(xs[-1] + w)
    top = y
    for index, row in enumerate(rows):
        height = max(
            max((len(c) for c in row), default=1) * LEADING + 2 * spec.pad, spec.min_row_height
        )
        for col, lines in enumerate(row):
            block = len(lines) * LEADING
            start = top - spec.pad if spec.valign == "top" else top - (height - block) / 2
            for k, line in enumerate(lines):
                canvas.setFont(FONT, SIZE)
                canvas.drawString(xs[col] + spec.pad, start - (k + 1) * LEADING + 2, line)
        if (spec.ruled and not (index == 0 and spec.open_top)) or (
            index == 1 and spec.header and spec.header_rule
        ):
            canvas.line(xs[0], top, xs[-1], top)
        top -= height
    if spec.ruled:
        if not spec.open_bottom:
            canvas.line(xs[0], top, xs[-1], top)
        for xv in xs:
            canvas.line(xv, y, xv, top)
    return top


def plan_pdf(path: Path, pages: list[PageSpec]) -> Path:
    """Write the pages to a landscape A4 PDF at `path` and return the path."""
    width, height = landscape(A4)
    canvas = Canvas(str(path), pagesize=(width, height))
    for page in pages:
        if page.running_header:
            canvas.setFont(FONT, SIZE)
            canvas.drawCentredString(width / 2, height - 20, page.running_header)
        y = height - 40
        for line in page.lines_above:
            canvas.setFont("Helvetica-Bold", 11)
            canvas.drawString(30, y - 11, line)
            y -= 16
        for table in page.tables:
            if table.title:
                canvas.setFont("Helvetica-Bold", 10)
                canvas.drawString(30, y - 12, table.title)
                y -= 18
            y = draw_table(canvas, table, 30, y) - 14
        if page.footer:
            canvas.setFont(FONT, SIZE)
            canvas.drawRightString(width - 30, 30, page.footer)
        canvas.showPage()
    canvas.save()
    return path


def text_pdf(path: Path, lines: list[str]) -> Path:
    """Write a one-page PDF holding only the given lines of text (no table)."""
    canvas = Canvas(str(path), pagesize=landscape(A4))
    for k, line in enumerate(lines):
        canvas.setFont(FONT, 11)
        canvas.drawString(40, 500 - 16 * k, line)
    canvas.showPage()
    canvas.save()
    return path
