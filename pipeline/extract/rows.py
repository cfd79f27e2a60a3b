"""The row assembler: tables found on each page → logical rows of the plan.

Given the tables of every page (from any grid finder), it recognises headers (and drops
the header repeated on each page), groups tables into sector blocks, rebuilds each cell's
text from its lines, and rejoins rows the renderer broke across a page. Every logical
row keeps the pages and cell boxes it was read from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

from pipeline.core.contract import OBJECTIVE_FIELDS
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
    is_relevance_header,
)
from pipeline.extract.lines import (
    Line,
    cell_words_to_lines,
    join_next_line,
    line_to_summary,
    lines_to_text,
    words_to_lines,
)
from pipeline.extract.page import Page, Word

# cells written as sentences, which tell a continued text from a new one
PROSE_FIELDS = ("subject", "description")
DEFAULT_TITLE_MAX_GAP = 30.0  # points between a block title's bottom and its table's top
DEFAULT_TITLE_ALIGN = 12.0  # a block title starts within this many points of the table
DEFAULT_SAME_ASSIGNEE = 60.0  # rapidfuzz ratio above which two assignees are the same office


# a table with fewer columns cannot hold a plan row; one without a header is left out
PLAN_TABLE_MIN_COLUMNS = len(REQUIRED_FIELDS)
DEFAULT_MIN_ROW_CONFIDENCE = 0.95  # a row read with less gets a finding in the quality log

_LOWER_START = re.compile(r"^[^\W\d_A-Z]")


@dataclass(frozen=True)
class RowSettings(Settings):
    """Thresholds of the row assembler (params.yaml `extract: rows:`)."""

    title_max_gap: float = setting(DEFAULT_TITLE_MAX_GAP, low=0)
    title_align: float = setting(DEFAULT_TITLE_ALIGN, low=0)
    same_assignee: float = setting(DEFAULT_SAME_ASSIGNEE, low=0, high=100)
    min_row_confidence: float = setting(DEFAULT_MIN_ROW_CONFIDENCE, low=0, high=1)


@dataclass
class CellPart:
    """The part of one logical cell printed on one page: its box, its text, and its first
    and last lines in summary (`line_to_summary`), which is what joining it to the parts
    on the pages before and after needs; no other word is kept, so a long document's
    rows stay small."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    first: Line | None
    last: Line | None

    @classmethod
    def from_lines(
        cls, page: int, x0: float, top: float, x1: float, bottom: float, lines: list[Line]
    ) -> CellPart:
        """Given a cell's page, box and lines, return its part."""
        if not lines:
            return cls(page, x0, top, x1, bottom, "", None, None)
        return cls(
            page,
            x0,
            top,
            x1,
            bottom,
            lines_to_text(lines),
            line_to_summary(lines[0]),
            line_to_summary(lines[-1]),
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


def table_row_texts(table: Table, row: int) -> dict[int, str]:
    """Given a table and a row index, return each cell's text by column index."""
    return {
        c.col: lines_to_text(cell_words_to_lines(c.words, c.x0, c.x1)) for c in table.row_cells(row)
    }


def words_outside(page: Page, tables: list[Table]) -> list[Word]:
    """Given a page and its tables, return the words lying in no table."""

    def inside(w: Word) -> bool:
        return any(t.x0 <= w.x_mid <= t.x1 and t.top <= w.y_mid <= t.bottom for t in tables)

    return [w for w in page.words if not inside(w)]


def lines_between(words: list[Word], top: float, bottom: float) -> list[list[Word]]:
    """Given words, return the visual lines whose middle lies between top and bottom."""
    return words_to_lines([w for w in words if top <= w.y_mid <= bottom])


def block_title(
    table: Table, outside: list[Word], above: float, settings: RowSettings
) -> str | None:
    """Given a table, the words outside tables and where the space above it starts,
    return the title printed just above the table at its left edge, if any."""
    lines = lines_between(outside, above, table.top)
    if not lines:
        return None
    last = lines[-1]
    gap = table.top - max(w.bottom for w in last)
    if gap > settings.title_max_gap or abs(last[0].x0 - table.x0) > settings.title_align:
        return None
    return " ".join(w.text for w in last)


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
    part has no n. and no assignee and its OGGETTO or DESCRIZIONE goes on with the
    sentence the first part left open."""

    def bare(row: LogicalRow) -> bool:
        return not any(row.text(f).strip() for f in IDENTITY_FIELDS)

    if bare(fragment) or bare(previous):
        return True
    if any(fragment.text(f).strip() for f in OWNER_FIELDS):
        return False
    return any(continues_sentence(previous.text(f), fragment.text(f)) for f in PROSE_FIELDS)


def table_row_to_row(
    table: Table, row: int, header: HeaderMap, block: int, title: str | None
) -> LogicalRow:
    """Given a table row and the header mapping its columns, return it as a LogicalRow."""
    logical = LogicalRow(
        block=block, block_title=title, confidence=table.row_confidence.get(row, 1.0)
    )
    for cell in table.row_cells(row):
        part = CellPart.from_lines(
            table.page,
            cell.x0,
            cell.top,
            cell.x1,
            cell.bottom,
            cell_words_to_lines(cell.words, cell.x0, cell.x1),
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


def tables_to_plan(
    pages: Iterable[tuple[Page, list[Table]]],
    source: str,
    settings: RowSettings | None = None,
    header_settings: HeaderSettings | None = None,
) -> AssembledPlan:
    """Given each page with the tables found on it, in page order, return the plan's
    logical rows, relevance table, outside text and findings; raise TableHeaderError
    when a plan table's columns cannot be named, ExtractionError when no table has a
    plan header."""
    settings = settings or RowSettings()
    rows: list[LogicalRow] = []
    relevance: list[RelevanceRow] = []
    outside_lines: list[tuple[int, str]] = []
    findings: list[Finding] = []
    header: HeaderMap | None = None
    block = 0
    n_cols = 0
    for page, tables in pages:
        outside = words_outside(page, tables)
        outside_lines += [
            (page.number, " ".join(w.text for w in ln)) for ln in words_to_lines(outside)
        ]
        above = 0.0
        for index, table in enumerate(sorted(tables, key=lambda t: t.top)):
            title = block_title(table, outside, above, settings)
            above = table.bottom
            first_texts = table_row_texts(table, 0)
            if is_relevance_header(first_texts):
                relevance += relevance_rows(table)
                continue
            found = cells_to_header(first_texts, header_settings)
            start = 1
            if found is not None:
                missing = found.missing()
                if missing:
                    raise TableHeaderError(
                        f"the table header has no column for {', '.join(missing)} "
                        f"(header: {' | '.join(t for t in first_texts.values() if t)})",
                        file=source,
                        page=page.number,
                    )
                header, n_cols = found, len(first_texts)
                for col, text in found.unknown.items():
                    findings.append(
                        Finding(
                            field=f"column {col + 1}",
                            rule="extra_column",
                            severity="warning",
                            raw_value=text,
                            normalised_value=None,
                            page=page.number,
                            message=f"column {text!r} names no known field; kept in `extra`",
                        )
                    )
            elif header is None or len(first_texts) != n_cols:
                if len(first_texts) >= PLAN_TABLE_MIN_COLUMNS:
                    raise headerless_table_error(
                        first_texts, n_cols if header else None, source, page.number
                    )
                findings.append(
                    Finding(
                        field="table",
                        rule="table_without_header",
                        severity="warning",
                        raw_value=" | ".join(t for t in first_texts.values() if t)[:200],
                        normalised_value=None,
                        page=page.number,
                        message="a table whose first row is no plan header was left out",
                    )
                )
                continue
            else:
                start = 0
            # a header printed again inside the table (a renderer's repeat) is no row
            data = [
                table_row_to_row(table, r, header, block, title)
                for r in range(start, table.n_rows)
                if cells_to_header(table_row_texts(table, r), header_settings) is None
            ]
            data = [r for r in data if any(r.text(f) for f in OBJECTIVE_FIELDS)]
            if not data:
                continue
            page_top = index == 0 and title is None and rows
            if (
                page_top
                and is_continuation(data[0], rows[-1])
                and rows[-1].pages[-1] == page.number - 1
            ):
                merge_rows(rows[-1], data.pop(0))
            if (
                title is not None
                or not rows
                or not page_top
                or (data and starts_new_block(data[0], rows[-1], settings))
            ):
                block += 1
                block_name = title
            else:
                block_name = rows[-1].block_title
            for r in data:
                r.block, r.block_title = block, block_name
            rows += data
    if header is None:
        raise ExtractionError(
            "no table with a plan header (n., Assegnatario, OGGETTO, "
            "DESCRIZIONE, RISULTATO …) was found",
            file=source,
        )
    findings += rows_to_doubt_findings(rows, settings.min_row_confidence)
    return AssembledPlan(rows, relevance, outside_lines, findings)


def headerless_table_error(
    first_texts: dict[int, str], header_columns: int | None, source: str, page: int
) -> TableHeaderError:
    """Given the first row of a plan-sized table that is no header, the column count of
    the header read before (None when none was), the file and the page, return the
    error saying why its columns cannot be named."""
    if header_columns is None:
        why = "no plan header was read before it"
    else:
        why = f"it has {len(first_texts)} columns where the last header had {header_columns}"
    first = " | ".join(" ".join(t.split()) for t in first_texts.values() if t.strip())
    return TableHeaderError(
        f"a table has no header row and {why}, so its columns cannot be named",
        file=source,
        page=page,
        value=first[:80],
    )


def rows_to_doubt_findings(rows: list[LogicalRow], threshold: float) -> list[Finding]:
    """Given the logical rows in document order and a confidence threshold, return one
    warning per row the grid finder read with less confidence, naming its block and
    row as the rows frame numbers them (`row_confidence` carries the value itself)."""
    findings = []
    seq_in_block: dict[int, int] = {}
    for row in rows:
        seq = seq_in_block[row.block] = seq_in_block.get(row.block, 0) + 1
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
    x0, top, x1, bottom. relevance: label_raw, value_raw, page.
    """
    records, boxes = [], []
    seq_in_block: dict[int, int] = {}
    for row in plan.rows:
        seq = seq_in_block[row.block] = seq_in_block.get(row.block, 0) + 1
        record: dict[str, object] = {
            "block": row.block,
            "seq": seq,
            "block_title": row.block_title,
            "page_first": row.pages[0],
            "page_last": row.pages[-1],
        }
        for name in OBJECTIVE_FIELDS:
            record[name] = row.text(name)
        record["extra"] = (
            json.dumps({k: row.extra_text(k) for k in row.extra}, ensure_ascii=False)
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
                    }
                )
    rows = pd.DataFrame(records)
    for col in ("block", "seq", "page_first", "page_last"):
        rows[col] = rows[col].astype("int64")
    for col in ("block_title", *OBJECTIVE_FIELDS, "extra"):
        rows[col] = rows[col].astype("string")
    cells = pd.DataFrame(
        boxes, columns=["block", "seq", "field", "page", "x0", "top", "x1", "bottom"]
    )
    relevance = pd.DataFrame(
        [vars(r) for r in plan.relevance], columns=["label_raw", "value_raw", "page"]
    )
    return rows, cells, relevance
