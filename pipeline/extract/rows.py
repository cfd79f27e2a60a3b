"""The row assembler: tables found on each page → logical rows of the plan.

Given the tables of every page (from any grid finder), it recognises headers (and drops
the header repeated on each page), groups tables into sector blocks, rebuilds each cell's
text from its lines, and rejoins rows the renderer broke across a page. Every logical
row keeps the pages and cell boxes it was read from.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import pandas as pd
from rapidfuzz import fuzz

from pipeline.core.contract import OBJECTIVE_FIELDS, Severity, block_seq_to_objective_id
from pipeline.core.errors import ExtractionError, TableHeaderError
from pipeline.core.quality import Finding
from pipeline.core.settings import Settings, setting
from pipeline.core.text import fold
from pipeline.extract.grid.model import Table
from pipeline.extract.header import (
    IDENTITY_FIELDS,
    OWNER_FIELDS,
    REQUIRED_FIELDS,
    HeaderMap,
    HeaderSettings,
    as_int,
    cells_to_header,
    header_by_elimination,
    is_relevance_header,
)
from pipeline.extract.lines import (
    HyphenForms,
    Line,
    cell_words_to_lines,
    join_next_line,
    line_to_summary,
    lines_to_text,
    resolve_hyphen_joins,
    words_to_lines,
)
from pipeline.extract.page import LOST_GLYPH, Page, Word

# cells written as sentences, which tell a continued text from a new one
PROSE_FIELDS = ("subject", "description")
DEFAULT_TITLE_MAX_GAP = 30.0  # points between a block title's bottom and its table's top
DEFAULT_TITLE_ALIGN = 12.0  # a block title starts within this many points of the table
DEFAULT_SAME_ASSIGNEE = 60.0  # rapidfuzz ratio above which two assignees are the same office


# a table with fewer columns cannot hold a plan row; one without a header is left out
PLAN_TABLE_MIN_COLUMNS = len(REQUIRED_FIELDS)
DEFAULT_MIN_ROW_CONFIDENCE = 0.95  # a row read with less gets a finding in the quality log
# a scanned cell Tesseract reads with a lower mean confidence (0-100, weighted by length)
# gets a warning: cells it reads right score 85-96, those it garbles mostly under 60
DEFAULT_MIN_OCR_CONFIDENCE = 60.0
# one table's grid on two pages: column edges this close (share of the table's width, and
# at least so many points) are the same
GRID_TOLERANCE = 0.02
GRID_MIN_TOLERANCE = 4.0
# tables kept, before any plan header is read, in case a header later names them
MAX_PENDING_TABLES = 4
NO_FORMS = HyphenForms()

_LOWER_START = re.compile(r"^[^\W\d_A-Z]")


@dataclass(frozen=True)
class RowSettings(Settings):
    """Thresholds of the row assembler (params.yaml `extract: rows:`)."""

    title_max_gap: float = setting(DEFAULT_TITLE_MAX_GAP, low=0)
    title_align: float = setting(DEFAULT_TITLE_ALIGN, low=0)
    same_assignee: float = setting(DEFAULT_SAME_ASSIGNEE, low=0, high=100)
    min_row_confidence: float = setting(DEFAULT_MIN_ROW_CONFIDENCE, low=0, high=1)
    min_ocr_confidence: float = setting(DEFAULT_MIN_OCR_CONFIDENCE, low=0, high=100)


@dataclass
class CellPart:
    """The part of one logical cell printed on one page: its box, its text, and its first
    and last lines in summary (`line_to_summary`), which is what joining it to the parts
    on the pages before and after needs; no other word is kept, so a long document's
    rows stay small. A scanned cell read by Tesseract keeps its OCR confidence (0–100)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    first: Line | None
    last: Line | None
    ocr_confidence: float | None = None

    @classmethod
    def from_lines(
        cls,
        page: int,
        x0: float,
        top: float,
        x1: float,
        bottom: float,
        lines: list[Line],
        ocr_confidence: float | None = None,
    ) -> CellPart:
        """Given a cell's page, box, lines and OCR confidence, return its part."""
        if not lines:
            return cls(page, x0, top, x1, bottom, "", None, None, ocr_confidence)
        return cls(
            page,
            x0,
            top,
            x1,
            bottom,
            lines_to_text(lines),
            line_to_summary(lines[0]),
            line_to_summary(lines[-1]),
            ocr_confidence,
        )


def parts_to_text(parts: list[CellPart]) -> str:
    """Given the parts of one logical cell in reading order, return its text, joined
    across parts as if their lines were one cell's (see `lines_to_text`)."""
    text, last = "", None
    for part in parts:
        if part.first is None:
            continue
        text = part.text if last is None else join_next_line(text, last, part.first, part.text)
        last = part.last
    return text


@dataclass
class LogicalRow:
    """One objective as printed: its cells (one part per page it spans), block, title."""

    block: int
    block_title: str | None
    cells: dict[str, list[CellPart]] = field(default_factory=dict)
    extra: dict[str, list[CellPart]] = field(default_factory=dict)
    confidence: float = 1.0

    @property
    def pages(self) -> list[int]:
        return sorted({p.page for parts in self.cells.values() for p in parts})

    def text(self, name: str) -> str:
        """Return the text of cell `name` over all its parts ("" when empty)."""
        return parts_to_text(self.cells.get(name, []))

    def extra_text(self, name: str) -> str:
        """Return the text of the unknown column `name` over all its parts."""
        return parts_to_text(self.extra.get(name, []))


@dataclass
class RelevanceRow:
    label_raw: str
    value_raw: str
    page: int


@dataclass
class AssembledPlan:
    """What the assembler read: logical rows, the relevance table, the text outside the
    tables (title, captions), and findings about the reading."""

    rows: list[LogicalRow]
    relevance: list[RelevanceRow]
    outside_lines: list[tuple[int, str]]
    findings: list[Finding]
    hyphen_forms: HyphenForms = field(default_factory=HyphenForms)


def table_row_texts(table: Table, row: int) -> dict[int, str]:
    """Given a table and a row index, return each cell's text by column index (a word
    broken at its hyphen rejoined, as `resolve_hyphen_joins` does without evidence)."""
    return {
        c.col: resolve_hyphen_joins(
            lines_to_text(cell_words_to_lines(c.words, c.x0, c.x1)), NO_FORMS
        )[0]
        for c in table.row_cells(row)
    }


def words_outside(page: Page, tables: list[Table]) -> list[Word]:
    """Given a page and its tables, return the words lying in no table."""

    def inside(w: Word) -> bool:
        return any(t.x0 <= w.x_mid <= t.x1 and t.top <= w.y_mid <= t.bottom for t in tables)

    return [w for w in page.words if not inside(w)]


@dataclass(frozen=True)
class OutsideLine:
    """A line of text outside every table: its page, text and box."""

    page: int
    text: str
    x0: float
    top: float
    bottom: float


def page_to_outside_lines(page: Page, tables: list[Table]) -> list[OutsideLine]:
    """Given a page and its tables, return the lines of the words lying in no table."""
    return [
        OutsideLine(
            page.number,
            " ".join(w.text for w in line),
            line[0].x0,
            min(w.top for w in line),
            max(w.bottom for w in line),
        )
        for line in words_to_lines(words_outside(page, tables))
    ]


def line_key(line: OutsideLine) -> tuple[str, int]:
    """Given a line outside the tables, return what repeats from page to page on a running
    header or footer: its text without digits ("Pagina 3 di 19") and its height on the
    page, to the nearest 2 points."""
    return re.sub(r"\d+", "#", fold(line.text)), round(line.top / 2)


def lines_to_running_keys(lines: list[OutsideLine], pages: int) -> set[tuple[str, int]]:
    """Given every line outside the tables and the number of pages, return the keys
    (`line_key`) of running headers and footers: lines printed at the same height on at
    least two pages and on at least half of them."""
    seen: dict[tuple[str, int], set[int]] = {}
    for line in lines:
        seen.setdefault(line_key(line), set()).add(line.page)
    needed = max(2, math.ceil(pages / 2))
    return {key for key, on in seen.items() if len(on) >= needed}


@dataclass
class TableRows:
    """The objective rows one table holds, read on its page, and what placing them in
    blocks takes once the whole document is read: the table's page, left edge and top,
    whether it comes first on its page, the lines printed above it, and the titles
    printed inside it (a full-width cell before the rows it heads: row index → title)."""

    page: int
    x0: float
    top: float
    first_on_page: bool
    above: list[OutsideLine]
    rows: list[LogicalRow]
    titles: dict[int, str] = field(default_factory=dict)


def block_title(
    table: TableRows, running: set[tuple[str, int]], settings: RowSettings
) -> str | None:
    """Given a table, the keys of running lines and the settings, return the title
    printed just above the table at its left edge, if any (a running header is none)."""
    lines = [line for line in table.above if line_key(line) not in running]
    if not lines:
        return None
    last = lines[-1]
    gap = table.top - last.bottom
    if gap > settings.title_max_gap or abs(last.x0 - table.x0) > settings.title_align:
        return None
    return last.text


def title_row_text(table: Table, row: int) -> str | None:
    """Given a ruled table and a row index, return the row's text when it is a title
    printed inside the table (one filled cell across at least half its columns, such as
    a sector's name in a merged row), else None."""
    filled = [c for c in table.row_cells(row) if c.words]
    columns = 1 + max((c.col_end for c in table.cells), default=0)
    if len(filled) != 1 or filled[0].col_end - filled[0].col + 1 < max(2, columns / 2):
        return None
    cell = filled[0]
    return " ".join(lines_to_text(cell_words_to_lines(cell.words, cell.x0, cell.x1)).split())


@dataclass(frozen=True)
class HeaderState:
    """The plan header read last, which names the columns of the tables after it: its
    mapping, its table's column edges and the page it was read on."""

    header: HeaderMap
    edges: list[float]
    page: int


@dataclass
class PendingTable:
    """A plan-sized table read before any plan header, kept until one is read: its page,
    the table, its first row's texts (a damaged header, or none) and its place."""

    page: int
    table: Table
    first_texts: dict[int, str]
    damaged_header: bool
    first_on_page: bool
    above: list[OutsideLine]


def grids_match(edges: list[float], other: list[float]) -> bool:
    """Given two tables' column edges, return True when they are one grid: as many
    columns, each edge within GRID_TOLERANCE of the table's width of its twin (the same
    table on another page)."""
    if len(edges) != len(other) or len(edges) < 2:
        return False
    tolerance = max(GRID_MIN_TOLERANCE, GRID_TOLERANCE * (edges[-1] - edges[0]))
    return all(abs(a - b) <= tolerance for a, b in zip(edges, other, strict=True))


class RowAssembler:
    """Reads the tables of each page as they come, naming their columns by the last plan
    header, and places the rows in blocks once every page is read (running headers and
    footers, which only the whole document shows, are no titles)."""

    def __init__(self, source: str, settings: RowSettings, header: HeaderSettings) -> None:
        self.source, self.settings, self.header_settings = source, settings, header
        self.header: HeaderState | None = None
        self.items: list[TableRows | PendingTable] = []
        self.relevance: list[RelevanceRow] = []
        self.outside: list[OutsideLine] = []
        self.findings: list[Finding] = []
        self.problems: list[TableHeaderError] = []
        self.forms = HyphenForms()
        self.pages = 0

    def add_page(self, page: Page, tables: list[Table]) -> None:
        """Given a page and the tables found on it, read their rows."""
        lines = page_to_outside_lines(page, tables)
        self.outside += lines
        self.pages += 1
        above_from, first = 0.0, True
        for table in sorted(tables, key=lambda t: t.top):
            above = [ln for ln in lines if above_from <= (ln.top + ln.bottom) / 2 <= table.top]
            above_from = table.bottom
            first_texts = table_row_texts(table, 0)
            if is_relevance_header(first_texts):
                self.relevance += relevance_rows(table)
                continue
            item = self.read_table(page.number, table, first_texts, first, above)
            if item is not None:
                self.items.append(item)
                first = False

    def read_table(
        self,
        page: int,
        table: Table,
        first_texts: dict[int, str],
        first_on_page: bool,
        above: list[OutsideLine],
    ) -> TableRows | PendingTable | None:
        """Given a table and its place, return its rows named by its own header or the
        last one, a table kept until a header is read, or None (left out)."""
        found = cells_to_header(first_texts, self.header_settings)
        if found is not None and self.header is None:
            # the document's first header has no earlier one to carry over when OCR
            # damaged a cell past reading
            found = header_by_elimination(found)
        if found is not None:
            found, named = header_with_number_column(found, table)
            if named is not None:
                self.findings.append(number_column_finding(page, named))
        same_grid = self.header is not None and grids_match(table.column_edges, self.header.edges)
        if found is not None and same_grid and self.header is not None:
            read, known = set(found.fields.items()), set(self.header.header.fields.items())
            if read < known:  # the same header, damaged (OCR): its columns carry on
                self.findings.append(carried_header_finding(page, self.header.page, found))
                return self.table_to_rows(page, table, self.header.header, 1, first_on_page, above)
        if found is not None and not found.missing():
            self.header = HeaderState(found, table.column_edges, page)
            self.findings += header_to_extra_column_findings(found, page)
            self.findings += header_to_guess_findings(found, page)
            self.items = [self.resolve_pending(i) for i in self.items]
            return self.table_to_rows(page, table, found, 1, first_on_page, above)
        if same_grid and self.header is not None:
            self.findings.append(carried_header_finding(page, self.header.page, found))
            start = 0 if found is None else 1
            return self.table_to_rows(page, table, self.header.header, start, first_on_page, above)
        if len(first_texts) < PLAN_TABLE_MIN_COLUMNS:
            self.findings.append(table_without_header_finding(first_texts, page))
            return None
        if self.header is None:
            pending = [i for i in self.items if isinstance(i, PendingTable)]
            if len(pending) < MAX_PENDING_TABLES:
                return PendingTable(
                    page, table, first_texts, found is not None, first_on_page, above
                )
        self.problems.append(
            unnamed_table_error(first_texts, found, self.header, self.source, page)
        )
        return None

    def resolve_pending(self, item: TableRows | PendingTable) -> TableRows | PendingTable:
        """Given an item read before the first plan header, return its rows named by that
        header when its grid matches (a damaged header on the first page of a scan)."""
        if not isinstance(item, PendingTable) or self.header is None:
            return item
        if not grids_match(item.table.column_edges, self.header.edges):
            return item
        self.findings.append(
            carried_header_finding(
                item.page, self.header.page, None if not item.damaged_header else self.header.header
            )
        )
        start = 1 if item.damaged_header else 0
        return self.table_to_rows(
            item.page, item.table, self.header.header, start, item.first_on_page, item.above
        )

    def table_to_rows(
        self,
        page: int,
        table: Table,
        header: HeaderMap,
        start: int,
        first_on_page: bool,
        above: list[OutsideLine],
    ) -> TableRows:
        """Given a table, the header naming its columns and its first data row, return
        its objective rows; a header printed again inside it is no row, and a title row
        (`title_row_text`) heads the rows after it."""
        rows: list[LogicalRow] = []
        titles: dict[int, str] = {}
        for r in range(start, table.n_rows):
            if cells_to_header(table_row_texts(table, r), self.header_settings) is not None:
                continue
            title = title_row_text(table, r) if table.finder != "text" else None
            if title is not None:
                titles[len(rows)] = title
                continue
            row = table_row_to_row(table, r, header, self.forms)
            if any(row.text(f) for f in OBJECTIVE_FIELDS):
                rows.append(row)
        return TableRows(page, table.x0, table.top, first_on_page, above, rows, titles)

    def to_plan(self) -> AssembledPlan:
        """Return the plan: rows placed in blocks, rows broken by a page rejoined; raise
        ExtractionError when no plan header was read anywhere (no plan), TableHeaderError
        when one was and a table after it still cannot be named."""
        if self.header is None:
            # a header that names too few columns is the plan's own, only damaged
            damaged = [i for i in self.items if isinstance(i, PendingTable) and i.damaged_header]
            if damaged:
                first = damaged[0]
                found = cells_to_header(first.first_texts, self.header_settings)
                raise unnamed_table_error(first.first_texts, found, None, self.source, first.page)
            raise ExtractionError(
                "no table with a plan header (n., Assegnatario, OGGETTO, "
                "DESCRIZIONE, RISULTATO …) was found",
                file=self.source,
            )
        if self.problems:
            raise self.problems[0]
        running = lines_to_running_keys(self.outside, self.pages)
        rows: list[LogicalRow] = []
        block, name = 0, None
        for item in self.items:
            if isinstance(item, PendingTable):
                self.findings.append(table_without_header_finding(item.first_texts, item.page))
                continue
            title = block_title(item, running, self.settings)
            data, titles = list(item.rows), dict(item.titles)
            # the first rows read on this page (a table above may have held none)
            page_top = title is None and bool(rows) and rows[-1].pages[-1] < item.page
            if (
                page_top
                and data
                and 0 not in titles
                and rows[-1].pages[-1] == item.page - 1
                and is_continuation(data[0], rows[-1])
            ):
                merge_rows(rows[-1], data.pop(0))
                titles = {k - 1: t for k, t in titles.items()}
            opened = True
            if title is not None and not (page_top and title == name):
                block, name = block + 1, title
            elif (
                not rows
                or not page_top
                or (data and 0 not in titles and starts_new_block(data[0], rows[-1], self.settings))
            ):
                block, name = block + 1, None
            else:
                opened = False
            for k, row in enumerate(data):
                if k in titles:
                    if not (opened and k == 0 and name is None):
                        block += 1
                    name, opened = titles[k], False
                row.block, row.block_title = block, name
            rows += data
        # a title read above a table that held no row opened a block of none: number the
        # blocks that hold objectives, in order
        dense = {b: k for k, b in enumerate(dict.fromkeys(r.block for r in rows), start=1)}
        for row in rows:
            row.block = dense[row.block]
        self.findings += rows_to_doubt_findings(rows, self.settings.min_row_confidence)
        self.findings += rows_to_hyphen_findings(rows, self.forms)
        self.findings += rows_to_ocr_findings(rows, self.settings.min_ocr_confidence)
        self.findings += rows_to_unmapped_findings(rows)
        inside = [ln for ln in self.outside if line_key(ln) not in running]
        running_lines = [ln for ln in self.outside if line_key(ln) in running]
        return AssembledPlan(
            rows,
            self.relevance,
            [(ln.page, ln.text) for ln in inside + running_lines],
            self.findings,
            self.forms,
        )


def tables_to_plan(
    pages: Iterable[tuple[Page, list[Table]]],
    source: str,
    settings: RowSettings | None = None,
    header_settings: HeaderSettings | None = None,
) -> AssembledPlan:
    """Given each page with the tables found on it, in page order, return the plan's
    logical rows, relevance table, the text outside the tables (running headers and
    footers last) and findings; raise ExtractionError when no table has a plan header,
    TableHeaderError when a plan table after one cannot be named."""
    assembler = RowAssembler(source, settings or RowSettings(), header_settings or HeaderSettings())
    for page, tables in pages:
        assembler.add_page(page, tables)
    return assembler.to_plan()


def header_to_guess_findings(header: HeaderMap, page: int) -> list[Finding]:
    """Given a plan header and its page, return a warning per column named by
    elimination (its header cell names no field)."""
    return [
        Finding(
            field=name,
            rule="header_field_by_elimination",
            severity="warning",
            raw_value=header.printed.get(col, ""),
            normalised_value=name,
            page=page,
            message=f"page {page}: the header cell over column {col + 1} "
            f"({header.printed.get(col, '')!r}) names no field; it stands where {name} is "
            "printed and is the only column left, so it is read as that",
        )
        for col, name in header.guessed.items()
    ]


def header_to_extra_column_findings(header: HeaderMap, page: int) -> list[Finding]:
    """Given a plan header and its page, return a warning per column naming no field."""
    return [
        Finding(
            field=f"column {col + 1}",
            rule="extra_column",
            severity="warning",
            raw_value=text,
            normalised_value=None,
            page=page,
            message=f"column {text!r} names no known field; kept in `extra`",
        )
        for col, text in header.unknown.items()
    ]


# share of a column's filled body cells that must read as numbers for it to be n.
NUMBER_COLUMN_SHARE = 0.8


def header_with_number_column(header: HeaderMap, table: Table) -> tuple[HeaderMap, int | None]:
    """Given a header that names no n. column and its table, return it with the column
    named n. whose header cell reads nothing (a scan's "n." too small for OCR) while its
    body cells, two or more, nearly all read as numbers; and that column, or None."""
    if "number" in header.fields.values():
        return header, None
    for col in sorted(set(header.printed) - set(header.fields) - set(header.unknown)):
        texts = [t for r in range(1, table.n_rows) if (t := table_row_texts(table, r).get(col))]
        numbers = sum(1 for t in texts if as_int(t) is not None)
        if len(texts) >= 2 and numbers >= NUMBER_COLUMN_SHARE * len(texts):
            return replace(header, fields={**header.fields, col: "number"}), col
    return header, None


def number_column_finding(page: int, col: int) -> Finding:
    """Given a page and the column named n. by its numbers, return the finding saying so."""
    return Finding(
        field="table",
        rule="number_column_by_content",
        severity="info",
        raw_value=None,
        normalised_value=str(col + 1),
        page=page,
        message=f"page {page}: the header cell over column {col + 1} reads nothing, and the "
        "column holds the rows' numbers: it is read as the n. column",
    )


def carried_header_finding(page: int, header_page: int, damaged: HeaderMap | None) -> Finding:
    """Given a table's page, the page of the header naming its columns and the header its
    first row reads as (None: it has no header row), return the finding saying so."""
    severity: Severity
    if damaged is None:
        rule, severity = "header_carried_over", "info"
        what = "a table without a header row"
    else:
        rule, severity = "header_unreadable", "warning"
        what = "a table whose header row names too few columns"
    return Finding(
        field="table",
        rule=rule,
        severity=severity,
        raw_value=None,
        normalised_value=str(header_page),
        page=page,
        message=f"page {page}: {what} has the grid of the header on page {header_page}; "
        "its columns are read as that header names them",
    )


def table_without_header_finding(first_texts: dict[int, str], page: int) -> Finding:
    """Given the first row of a table that is left out and its page, return the
    warning saying so."""
    return Finding(
        field="table",
        rule="table_without_header",
        severity="warning",
        raw_value=" | ".join(t for t in first_texts.values() if t)[:200],
        normalised_value=None,
        page=page,
        message="a table whose first row is no plan header was left out",
    )


def unnamed_table_error(
    first_texts: dict[int, str],
    found: HeaderMap | None,
    header: HeaderState | None,
    source: str,
    page: int,
) -> TableHeaderError:
    """Given the first row of a plan-sized table whose columns cannot be named, what it
    reads as (a header lacking columns, or None), the header read before it, the file
    and the page, return the error saying why."""
    shown = " | ".join(" ".join(t.split()) for t in first_texts.values() if t.strip())
    if found is not None:
        grid = "" if header is None else f" and its grid is not the header's on page {header.page}"
        return TableHeaderError(
            f"the table header has no column for {', '.join(found.missing())}{grid} "
            f"(header: {shown[:80]})",
            file=source,
            page=page,
        )
    why = (
        "no plan header was read before it"
        if header is None
        else (f"its grid is not that of the header on page {header.page}")
    )
    return TableHeaderError(
        f"a table has no header row and {why}, so its columns cannot be named",
        file=source,
        page=page,
        value=shown[:80],
    )


def starts_new_block(first: LogicalRow, previous: LogicalRow, settings: RowSettings) -> bool:
    """Given the first row of an untitled table at a page top and the last row read,
    return True when the table starts a new block: numbering restarts at 1, or numbering
    does not simply continue and the assignee is a different office."""
    number, last_number = as_int(first.text("number")), as_int(previous.text("number"))
    if number == 1:
        return True
    if number is not None and last_number is not None and number in (last_number, last_number + 1):
        return False
    a, b = fold(first.text("assignee_raw")), fold(previous.text("assignee_raw"))
    return bool(a and b) and fuzz.ratio(a, b) < settings.same_assignee


def continues_sentence(text: str, next_text: str) -> bool:
    """Given a cell's text before a page break and the same cell's text after it, return
    True when the second goes on with the first's sentence: it starts in lower case and
    the first does not end with a full stop."""
    text = text.rstrip()
    return (
        bool(text)
        and not text.endswith((".", "!", "?"))
        and bool(_LOWER_START.match(next_text.lstrip()))
    )


def is_continuation(fragment: LogicalRow, previous: LogicalRow) -> bool:
    """Given the first row of a page-top table and the last row of the previous page,
    return True when they are one row broken by the page: one of the two parts has none
    of the short identity cells (n., DUP, deadline) that every objective prints once;
    or, where a borderless table set some centred short cells on the second part, that
    part has no n. and no assignee and its OGGETTO, DESCRIZIONE or a deadline written in
    words ("Rispetto tempistica" / "prevista dalla normativa") goes on with the sentence
    the first part left open."""

    def bare(row: LogicalRow) -> bool:
        return not any(row.text(f).strip() for f in IDENTITY_FIELDS)

    if bare(fragment) or bare(previous):
        return True
    if any(fragment.text(f).strip() for f in OWNER_FIELDS):
        return False
    return any(
        continues_sentence(previous.text(f), fragment.text(f))
        for f in (*PROSE_FIELDS, "deadline_raw")
    )


def table_row_to_row(
    table: Table, row: int, header: HeaderMap, forms: HyphenForms | None = None
) -> LogicalRow:
    """Given a table row and the header mapping its columns, return it as a LogicalRow
    (its block is set when the row is placed), adding the hyphenated forms its cells
    print to `forms`."""
    logical = LogicalRow(block=0, block_title=None, confidence=table.row_confidence.get(row, 1.0))
    for cell in table.row_cells(row):
        lines = cell_words_to_lines(cell.words, cell.x0, cell.x1)
        if forms is not None:
            forms.add_lines(lines)
        part = CellPart.from_lines(
            table.page, cell.x0, cell.top, cell.x1, cell.bottom, lines, cell.ocr_confidence
        )
        name = header.fields.get(cell.col)
        if name is not None:
            logical.cells.setdefault(name, []).append(part)
        else:
            label = header.unknown.get(cell.col) or f"column {cell.col + 1}"
            logical.extra.setdefault(label, []).append(part)
    return logical


def merge_rows(previous: LogicalRow, fragment: LogicalRow) -> None:
    """Given a row and its continuation on the next page, append the continuation's
    cell parts to the row, in place."""
    for name, parts in fragment.cells.items():
        previous.cells.setdefault(name, []).extend(parts)
    for name, parts in fragment.extra.items():
        previous.extra.setdefault(name, []).extend(parts)
    previous.confidence = min(previous.confidence, fragment.confidence)


def numbered_rows(rows: list[LogicalRow]) -> Iterator[tuple[int, LogicalRow]]:
    """Given the logical rows in document order, yield each with its 1-based number in
    its block (the rows frame's `seq`)."""
    seq_in_block: dict[int, int] = {}
    for row in rows:
        seq = seq_in_block[row.block] = seq_in_block.get(row.block, 0) + 1
        yield seq, row


def rows_to_doubt_findings(rows: list[LogicalRow], threshold: float) -> list[Finding]:
    """Given the logical rows in document order and a confidence threshold, return one
    warning per row the grid finder read with less confidence, naming its block and
    row as the rows frame numbers them (`row_confidence` carries the value itself)."""
    findings = []
    for seq, row in numbered_rows(rows):
        if row.confidence < threshold:
            number = row.text("number")
            findings.append(
                Finding(
                    field="row",
                    rule="low_row_confidence",
                    severity="warning",
                    raw_value=f"{row.confidence:.3f}",
                    normalised_value=None,
                    page=row.pages[0],
                    message=f"block {row.block} row {seq} "
                    f"({f'n. {number}' if number else 'no number'}): its words fell into "
                    f"cells with confidence {row.confidence:.2f}, below "
                    f"{threshold:.2f}; check the row against the PDF",
                )
            )
    return findings


def rows_to_cell_parts(rows: list[LogicalRow]) -> Iterator[tuple[str, str, CellPart]]:
    """Given the logical rows in document order, yield each cell part with its row's
    objective_id and its field."""
    for seq, row in numbered_rows(rows):
        objective_id = block_seq_to_objective_id(row.block, seq)
        for name, parts in row.cells.items():
            for part in parts:
                yield objective_id, name, part


def rows_to_unmapped_findings(rows: list[LogicalRow]) -> list[Finding]:
    """Given the logical rows in document order, return one warning per cell part whose
    text holds a glyph its font maps to no letter (U+FFFD, as the readers give it): the
    PDF's text layer lost that letter, which only the page shows."""
    return [
        Finding(
            field=name,
            rule="unmapped_glyph",
            severity="warning",
            raw_value=part.text,
            normalised_value=None,
            objective_id=objective_id,
            page=part.page,
            message=f"the {name} cell on page {part.page} prints "
            f"{part.text.count(LOST_GLYPH)} letter(s) the PDF's text layer maps to none "
            "(shown as �); read them on the page",
        )
        for objective_id, name, part in rows_to_cell_parts(rows)
        if LOST_GLYPH in part.text
    ]


def rows_to_ocr_findings(rows: list[LogicalRow], threshold: float) -> list[Finding]:
    """Given the logical rows in document order and an OCR confidence threshold, return
    one warning per scanned cell part holding text that Tesseract read with a lower
    confidence (cells.parquet's `ocr_confidence` carries the value itself)."""
    return [
        Finding(
            field=name,
            rule="low_ocr_confidence",
            severity="warning",
            raw_value=part.text,
            normalised_value=None,
            objective_id=objective_id,
            page=part.page,
            message=f"the {name} cell on page {part.page} was read by OCR with "
            f"confidence {part.ocr_confidence:.0f}, below {threshold:.0f}; check it "
            "against the scan",
        )
        for objective_id, name, part in rows_to_cell_parts(rows)
        if part.ocr_confidence is not None and part.ocr_confidence < threshold and part.text.strip()
    ]


def rows_to_hyphen_findings(rows: list[LogicalRow], forms: HyphenForms) -> list[Finding]:
    """Given the placed rows and the document's hyphenated forms, return an info finding
    for each word broken at its hyphen at a line end that nothing else in the document
    shows whole or suspended ("A-W" was kept)."""
    findings = []
    for seq, row in numbered_rows(rows):
        for name in row.cells:
            for word in resolve_hyphen_joins(row.text(name), forms)[1]:
                findings.append(
                    Finding(
                        field=name,
                        rule="hyphen_join_guessed",
                        severity="info",
                        raw_value=word,
                        normalised_value=word,
                        objective_id=block_seq_to_objective_id(row.block, seq),
                        page=row.pages[0],
                        message=f"{word!r} is broken at its hyphen at a line end and the "
                        "document prints it nowhere else; read as one hyphenated word",
                    )
                )
    return findings


def relevance_rows(table: Table) -> list[RelevanceRow]:
    """Given the relevance table, return its label/value rows (header dropped)."""
    out = []
    for r in range(1, table.n_rows):
        texts = [t for _, t in sorted(table_row_texts(table, r).items())]
        texts = [" ".join(t.split()) for t in texts if t.strip()]
        if len(texts) >= 2:
            out.append(RelevanceRow(texts[0], texts[-1], table.page))
    return out


def plan_to_frames(plan: AssembledPlan) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Given an assembled plan, return (rows, cells, relevance) frames.

    rows: block, seq, block_title, page_first, page_last, the eight printed fields,
    extra (JSON of unknown columns), row_confidence. cells: block, seq, field, page,
    x0, top, x1, bottom, ocr_confidence (NaN for a cell not read by OCR). relevance:
    label_raw, value_raw, page.
    """
    records, boxes = [], []
    for seq, row in numbered_rows(plan.rows):
        record: dict[str, object] = {
            "block": row.block,
            "seq": seq,
            "block_title": row.block_title,
            "page_first": row.pages[0],
            "page_last": row.pages[-1],
        }
        for name in OBJECTIVE_FIELDS:
            record[name] = resolve_hyphen_joins(row.text(name), plan.hyphen_forms)[0]
        record["extra"] = (
            json.dumps(
                {
                    k: resolve_hyphen_joins(row.extra_text(k), plan.hyphen_forms)[0]
                    for k in row.extra
                },
                ensure_ascii=False,
            )
            if row.extra
            else None
        )
        record["row_confidence"] = row.confidence
        records.append(record)
        for name, parts in row.cells.items():
            for part in parts:
                boxes.append(
                    {
                        "block": row.block,
                        "seq": seq,
                        "field": name,
                        "page": part.page,
                        "x0": part.x0,
                        "top": part.top,
                        "x1": part.x1,
                        "bottom": part.bottom,
                        "ocr_confidence": part.ocr_confidence,
                    }
                )
    rows = pd.DataFrame(records)
    for col in ("block", "seq", "page_first", "page_last"):
        rows[col] = rows[col].astype("int64")
    for col in ("block_title", *OBJECTIVE_FIELDS, "extra"):
        rows[col] = rows[col].astype("string")
    cells = pd.DataFrame(
        boxes,
        columns=["block", "seq", "field", "page", "x0", "top", "x1", "bottom", "ocr_confidence"],
    )
    cells["ocr_confidence"] = cells["ocr_confidence"].astype("float64")
    relevance = pd.DataFrame(
        [vars(r) for r in plan.relevance], columns=["label_raw", "value_raw", "page"]
    )
    return rows, cells, relevance
