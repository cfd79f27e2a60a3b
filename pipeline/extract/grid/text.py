"""Find tables from where the words sit, for pages whose tables have no usable ruling
(borders switched off, at most a rule under the header).

The chain: page words → vertical bands → header bands, recognised by meaning → for each
header, the body printed under it (down to a wide empty strip after which nothing reads
as rows of its columns; a title or page number left out) → columns from the gutters
that run down header and body (a gutter over no header cell ignored, a column holding
two header cells split where the fewest words cross) → per column, visual lines → runs
(the lines of one cell, closer to each other than to the next row's) → rows as groups
of runs that overlap vertically (a short cell, centred or not, overlaps the tall cell
of its own row and no other) → groups holding two numbers split between them, where
the table's vertical alignment says a row ends → middle fragments with no identity
cell joined to the row they are closest to → a Table with the words placed and a
confidence per row (words crossing a column separator, cuts and joins in doubt).

Every distance is a multiple of the page's median word height, so the reader does not
depend on one renderer's font size or padding.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from pipeline.core.settings import Settings, setting
from pipeline.extract.grid.model import Cell, Table, VAlign
from pipeline.extract.header import (
    IDENTITY_FIELDS,
    OWNER_FIELDS,
    HeaderMap,
    HeaderSettings,
    as_int,
    cells_to_header,
    is_relevance_header,
)
from pipeline.extract.lines import SPACE_WIDTH_RATIO, words_to_lines
from pipeline.extract.page import Page, Ruling, Word

DEFAULT_BAND_GAP = 0.5  # × word height: lines closer than this form one band (a header)
DEFAULT_HEADER_CELL_GAP = 1.0  # × word height: header words further apart are two cells
DEFAULT_MIN_GUTTER = 0.6  # × word height: narrowest white space that separates columns
# × word height: the narrower white space taken where the first leaves a named column
# empty (a browser pads cells by about half a word height; a space is a quarter of one)
DEFAULT_NARROW_GUTTER = 0.45
DEFAULT_LINE_GAP_SLACK = 0.5  # × word height a row gap exceeds the usual gap between lines
DEFAULT_MAX_ROW_GAP = 1.5  # × word height: a wider empty strip ends the table ...
DEFAULT_ROW_GAP_RATIO = 2.0  # ... when also this many times the usual gap between rows
DEFAULT_MIN_COLUMNS = 2
DEFAULT_SPLIT_CONFIDENCE = 0.8  # a row the n. column had to split off, or a rejoined fragment
SINGLE_SPACED_LINE_GAP = 0.2  # × word height between the lines of a cell, single-spaced
MAX_LINE_GAP = 0.6  # × word height: wider is padding between rows, not line spacing
MIN_RULE_SPAN = 0.5  # a rule under the header spans at least this fraction of it
ROW_MIN_COLUMNS = 3  # a band past a wide gap fills as many columns to read as a row
CODE_WORD = re.compile(r"\d+(?:[./]\d+)+\.?$|\d+(?:[.,]\d+)?%$")  # a date, DUP code, share
NUMBER_WORD = re.compile(r"\d{1,3}\.?$")  # an objective's number
MAX_CLOSED_GUTTERS = 2  # gutters a row's overflowing words may close (prose closes most)
MAX_HEADER_LINES = 10  # a header's cells wrap to fewer lines: a taller band holds rows too
MAX_TITLE_LINES = 3  # lines of a title set close above a header, left out of it
MARGIN_SHARE = 0.15  # the top and bottom of a page where running headers and footers sit
HEADING_RATIO = 1.25  # × a table's word height: a band set larger is a heading
MAX_CROSSING_SHARE = 0.05  # of a band's words: more crossing the columns, and it is no row
CLEAN_CUT_MARGIN = 0.1  # × word height a cut between rows exceeds the gap between lines
HEADER_LINE_SLACK = 0.25  # × word height a header cell's next line may lie further down


# a page number as printed in a footer: "11", "- 11 -", "Pag. 11", "11 di 21", "11/21"
PAGE_NUMBER = re.compile(
    r"^\W*(?:pag(?:ina|\.)?\s*)?\d{1,4}(?:\s*(?:/|di|of)\s*\d{1,4})?\W*$", re.IGNORECASE
)


# the short cells every objective prints once (in these plans vertically centred)
SHORT_FIELDS = (*OWNER_FIELDS, *IDENTITY_FIELDS)


@dataclass(frozen=True)
class TextSettings(Settings):
    """Distances (multiples of the median word height) of the text-layout finder
    (params.yaml `extract: text_grid:`)."""

    band_gap: float = setting(DEFAULT_BAND_GAP, above=0)
    header_cell_gap: float = setting(DEFAULT_HEADER_CELL_GAP, above=0)
    min_gutter: float = setting(DEFAULT_MIN_GUTTER, above=0)
    narrow_gutter: float = setting(DEFAULT_NARROW_GUTTER, above=0)
    line_gap_slack: float = setting(DEFAULT_LINE_GAP_SLACK, above=0)
    max_row_gap: float = setting(DEFAULT_MAX_ROW_GAP, above=0)
    row_gap_ratio: float = setting(DEFAULT_ROW_GAP_RATIO, low=1)
    min_columns: int = setting(DEFAULT_MIN_COLUMNS, low=2)
    split_confidence: float = setting(DEFAULT_SPLIT_CONFIDENCE, above=0, high=1)

    RELATIONS = (("line_gap_slack", "<", "max_row_gap"),)


@dataclass(frozen=True)
class HeaderBand:
    """A header recognised on the page: its words, its top and bottom, and the rule
    printed under it (or None)."""

    words: tuple[Word, ...]
    top: float
    bottom: float
    rule: Ruling | None


@dataclass(frozen=True)
class Run:
    """The lines of one column that sit closer to each other than a row gap: one cell's
    text, or (when rows are set tight) the cells of several rows."""

    col: int
    lines: tuple[tuple[Word, ...], ...]

    @property
    def top(self) -> float:
        return min(w.top for w in self.lines[0])

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.lines[-1])


@dataclass
class RowGroup:
    """The lines of one printed row, by column, and how sure the reader is of it."""

    lines: dict[int, list[tuple[Word, ...]]]
    confidence: float = 1.0

    @property
    def top(self) -> float:
        return min(w.top for ls in self.lines.values() for ln in ls for w in ln)

    @property
    def bottom(self) -> float:
        return max(w.bottom for ls in self.lines.values() for ln in ls for w in ln)


def line_box(line: tuple[Word, ...]) -> tuple[float, float]:
    """Given a visual line, return its (top, bottom)."""
    return min(w.top for w in line), max(w.bottom for w in line)


def words_to_word_height(words: list[Word]) -> float:
    """Given the words of a page, return their median height (the unit of every distance
    here), 1.0 when there are none."""
    return statistics.median(w.bottom - w.top for w in words) if words else 1.0


def rule_between(
    rulings: list[Ruling], top: float, bottom: float, x0: float, x1: float
) -> Ruling | None:
    """Given rulings and a strip (top..bottom, x0..x1), return the horizontal ruling lying
    in the strip and spanning at least half its width, if any."""
    for r in rulings:
        if r.orientation != "h" or not top <= r.top <= bottom:
            continue
        overlap = min(r.x1, x1) - max(r.x0, x0)
        if overlap >= MIN_RULE_SPAN * (x1 - x0):
            return r
    return None


def words_to_bands(words: list[Word], rulings: list[Ruling], gap: float) -> list[list[Word]]:
    """Given words and the page rulings, return vertical bands: words whose boxes lie
    within `gap` points of each other, top to bottom, a horizontal ruling between two
    words' middles always starting a new band (text set with no padding may touch it)."""
    bands: list[list[Word]] = []
    bottom = middle = float("-inf")
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        ruled = any(
            r.orientation == "h" and middle <= r.top <= word.y_mid and r.x0 <= word.x_mid <= r.x1
            for r in rulings
        )
        if bands and word.top <= bottom + gap and not ruled:
            bands[-1].append(word)
            bottom, middle = max(bottom, word.bottom), max(middle, word.y_mid)
        else:
            bands.append([word])
            bottom, middle = word.bottom, word.y_mid
    return bands


def words_to_x_groups(words: list[Word] | tuple[Word, ...], gap: float) -> list[list[Word]]:
    """Given words, return them grouped left to right wherever more than `gap` points of
    white space run between them from top to bottom."""
    groups: list[list[Word]] = []
    right = float("-inf")
    for word in sorted(words, key=lambda w: w.x0):
        if groups and word.x0 <= right + gap:
            groups[-1].append(word)
            right = max(right, word.x1)
        else:
            groups.append([word])
            right = word.x1
    return groups


def words_to_text(words: list[Word] | tuple[Word, ...]) -> str:
    """Given the words of one cell, return them as text, line by line."""
    return " ".join(w.text for line in words_to_lines(words) for w in line)


def header_field_count(
    words: list[Word], cell_gap: float, min_columns: int, header: HeaderSettings
) -> int:
    """Given the words of a band, return how many plan fields its cells (words apart by
    more than `cell_gap`) name: 0 when it is no header, 2 for the relevance table's."""
    cells = words_to_x_groups(words, cell_gap)
    if len(cells) < min_columns:
        return 0
    texts = {i: words_to_text(c) for i, c in enumerate(cells)}
    found = cells_to_header(texts, header)
    if found is not None:
        return len(found.fields)
    return 2 if is_relevance_header(texts) else 0


def band_to_header_words(
    band: list[Word], cell_gap: float, min_columns: int, header: HeaderSettings, line_gap: float
) -> list[Word]:
    """Given a band of words, the gap that parts cells across, the header settings and
    the widest gap between two lines of one cell, return the words of the header the
    band starts with ([] when it names no fields): the fewest leading lines naming the
    most fields, each of their cells followed down its column as long as its lines go on
    (a cell wrapped to more lines than the others), so that the first row's cells may
    touch the header (no padding, no rule) without joining it."""
    lines = words_to_lines(band)
    first, best, best_count = 0, 0, 0
    # a title set close above the header, across its cells, joins them into one: a band
    # that names nothing from its first line may start its header a line or two down,
    # under lines set across the cells of the line below
    for start in range(min(len(lines), MAX_TITLE_LINES + 1)):
        if start and (
            best_count or not line_across_cells(lines[start - 1], lines[start], cell_gap)
        ):
            break
        for k in range(1, min(len(lines) - start, MAX_HEADER_LINES) + 1):
            window = [w for ln in lines[start : start + k] for w in ln]
            count = header_field_count(window, cell_gap, min_columns, header)
            if count > best_count:
                first, best, best_count = start, k, count
    if not best:
        return []
    lines = lines[first:]
    cells = words_to_x_groups([w for ln in lines[:best] for w in ln], cell_gap)
    unit = words_to_word_height([w for c in cells for w in c])
    own = header_line_gaps(cells)
    bottoms = [max(w.bottom for w in c) for c in cells]
    spans = [
        (min(w.x0 for w in c) - cell_gap / 2, max(w.x1 for w in c) + cell_gap / 2) for c in cells
    ]
    for n, line in enumerate(lines[best:], start=best):
        columns = [
            (next((k for k, (x0, x1) in enumerate(spans) if x0 <= w.x_mid <= x1), None), w)
            for w in line
        ]
        if any(starts_row(w, -1 if k is None else k) for k, w in columns):
            break
        # the header's own gap between a cell's lines, once it shows one, and a little more
        limit = min(line_gap, max(own) + HEADER_LINE_SLACK * unit) if own else line_gap
        taken = [(k, w) for k, w in columns if k is not None and w.top - bottoms[k] <= limit]
        if not taken:
            continue
        if len(taken) < sum(k is not None for k, _ in columns):
            break  # a word under a header cell that ended higher up: a row's first line
        below = [sorted(ln, key=lambda w: w.x0) for ln in lines[n + 1 :]]
        if any(flush_with_body(w, cells[k], spans[k], below, unit) for k, w in taken):
            break  # set flush left as the rows below are, under a header set off the edge
        grown = [list(c) for c in cells]
        for k, word in taken:
            grown[k].append(word)
        # the first row touching the header would go down its columns too: it names no field
        if (
            header_field_count([w for c in grown for w in c], cell_gap, min_columns, header)
            < best_count
        ):
            break
        cells = grown
        own += [word.top - bottoms[k] for k, word in taken]
        for k, word in taken:
            bottoms[k] = max(bottoms[k], word.bottom)
    return [w for c in cells for w in c]


def line_across_cells(line: list[Word], below: list[Word], cell_gap: float) -> bool:
    """Given a line, the line under it and the gap that parts cells, return True when the
    line is one cell lying across two or more cells of the line below (a title over a
    header), not a cell's line over its own column."""
    if len(words_to_x_groups(line, cell_gap)) != 1:
        return False
    x0, x1 = min(w.x0 for w in line), max(w.x1 for w in line)
    under = [
        g
        for g in words_to_x_groups(below, cell_gap)
        if min(w.x0 for w in g) < x1 and max(w.x1 for w in g) > x0
    ]
    return len(under) >= 2


def flush_with_body(
    word: Word,
    cell: list[Word],
    span: tuple[float, float],
    below: list[list[Word]],
    unit: float,
) -> bool:
    """Given a word under a header cell, the cell's words and span, the lines further
    down and the unit height, return True when the word starts at the left edge the
    column's text below is set flush against (lines starting there end ragged), while
    the header cell's own lines all start right of that edge (a centred header): a
    row's line set against the header, as a page that breaks a row may leave it."""
    parts = [[w for w in ln if span[0] <= w.x_mid <= span[1]] for ln in below]
    starts = [(part[0].x0, part[-1].x1) for part in parts if part]
    if not starts:
        return False
    slack = HEADER_LINE_SLACK * unit
    edge = min(x0 for x0, _ in starts)
    ends = [x1 for x0, x1 in starts if x0 - edge <= slack]
    flush = len(ends) >= 2 and max(ends) - min(ends) > unit
    return flush and abs(word.x0 - edge) <= slack and min(w.x0 for w in cell) > edge + slack


def header_line_gaps(cells: list[list[Word]]) -> list[float]:
    """Given a header's cells, return the gaps between the lines of each cell that wraps.
    A header cell's next line lies no further down than these (with
    `HEADER_LINE_SLACK` × word height to spare): a first row set close under the header
    (centred cells leave its tall cells' first lines higher than the rest) does."""
    return [
        line_box(tuple(b))[0] - line_box(tuple(a))[1]
        for cell in cells
        for a, b in itertools.pairwise(words_to_lines(cell))
    ]


def starts_row(word: Word, cell: int) -> bool:
    """Given a word below a header and the index of the header cell above it, return True
    when no header prints it: a row's number under the first cell, or a date, a code or
    a share ("31/12/2021", "01.05.01", "4%") anywhere."""
    return bool(CODE_WORD.match(word.text)) or (cell == 0 and bool(NUMBER_WORD.match(word.text)))


def line_inside_one_cell(line: tuple[Word, ...], below: list[Word], cell_gap: float) -> bool:
    """Given a line above a header and the header's words below it, return True when the
    line lies within the span of one of the header's cells (a cell's first line: "DESCRIZIONE
    DEGLI" over "OBIETTIVI ASSEGNATI"), not across them as a title does."""
    x0, x1 = min(w.x0 for w in line), max(w.x1 for w in line)
    for cell in words_to_x_groups(below, cell_gap):
        if (
            min(w.x0 for w in cell) - cell_gap / 2 <= x0
            and x1 <= max(w.x1 for w in cell) + cell_gap / 2
        ):
            return True
    return False


def band_to_header(
    band: list[Word],
    rulings: list[Ruling],
    cell_gap: float,
    min_columns: int,
    header: HeaderSettings | None = None,
    line_gap: float = 0.0,
) -> HeaderBand | None:
    """Given one band of words and the page rulings, return the header the band starts
    with as a HeaderBand (`band_to_header_words`) when its cells name the plan's fields
    or the relevance table's, leading lines that name nothing more (a title set close
    above the header) left out; else None."""
    header = header or HeaderSettings()
    found = band_to_header_words(band, cell_gap, min_columns, header, line_gap)
    if not found:
        return None
    lines = words_to_lines(found)
    best = header_field_count(found, cell_gap, min_columns, header)
    for _ in range(MAX_TITLE_LINES):
        rest = [w for line in lines[1:] for w in line]
        if len(lines) < 2 or header_field_count(rest, cell_gap, min_columns, header) < best:
            break
        if line_inside_one_cell(tuple(lines[0]), rest, cell_gap):
            break  # the first line of a header cell wrapped higher than the others
        lines = lines[1:]
    words = tuple(w for line in lines for w in line)
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    x0, x1 = min(w.x0 for w in words), max(w.x1 for w in words)
    rule = rule_between(rulings, bottom, bottom + 2 * (bottom - top), x0, x1)
    return HeaderBand(words, top, bottom, rule)


def page_to_header_bands(
    page: Page, height: float, settings: TextSettings, header: HeaderSettings
) -> list[HeaderBand]:
    """Given a page and its unit height, return the header bands printed on it, top to
    bottom."""
    bands = words_to_bands(page.words, page.rulings, settings.band_gap * height)
    found = [
        band_to_header(
            b,
            page.rulings,
            settings.header_cell_gap * height,
            settings.min_columns,
            header,
            settings.band_gap * height,
        )
        for b in bands
    ]
    return [h for h in found if h is not None]


def body_words(
    page: Page, header: HeaderBand, limit: float, height: float, settings: TextSettings
) -> list[Word]:
    """Given a page, a header, where the next header starts and the unit height, return
    the words of the table body: the bands under the header down to an empty strip
    wider than both `max_row_gap` and `row_gap_ratio` × the usual gap between the bands
    above it (rows of a minimum height stand evenly apart; a footer or the text after
    the table stands further), unless what follows still reads as rows of the table's
    columns (an empty row, a row part the renderer set apart), and never past a band set
    larger than the table's text (a heading); leaving out a last line that reads as a
    page number and a last band that sits closer to the next header than to the body
    (its title)."""
    start = header.rule.top if header.rule is not None else header.bottom
    in_header = set(header.words)
    candidates = [w for w in page.words if start <= w.y_mid < limit and w not in in_header]
    kept: list[list[Word]] = []
    gaps: list[float] = []
    above = start
    resumed = False  # past a wide gap, every band must read as rows
    for band in words_to_bands(candidates, [], settings.band_gap * height):
        table_height = words_to_word_height([w for b in kept for w in b] or list(header.words))
        if words_to_word_height(band) > HEADING_RATIO * table_height:
            break  # a heading, set larger than the table's text, ends the table
        gap = min(w.top for w in band) - above
        allowed = settings.max_row_gap * height
        # the first row may stand further from the header than rows from each other
        allowed = (
            max(allowed, settings.row_gap_ratio * statistics.median(gaps))
            if gaps
            else settings.row_gap_ratio * allowed
        )
        wide = gap > allowed
        if wide or resumed:
            table = list(header.words) + [w for b in kept for w in b]
            if not band_reads_as_row(
                band,
                table,
                list(header.words),
                settings.min_gutter * height,
                ROW_MIN_COLUMNS if wide else 1,
            ):
                break
            resumed = True
        if not wide:
            gaps.append(gap)
        kept.append(band)
        above = max(w.bottom for w in band)
    if kept and is_page_number(kept[-1]):
        kept.pop()
    if len(kept) >= 2 and limit < float("inf"):
        last, before = kept[-1], kept[-2]
        gap_above = min(w.top for w in last) - max(w.bottom for w in before)
        gap_below = limit - max(w.bottom for w in last)
        if gap_below < gap_above:
            kept.pop()
    return [w for band in kept for w in band]


def band_reads_as_row(
    band: list[Word], table: list[Word], header: list[Word], min_gutter: float, min_columns: int
) -> bool:
    """Given a band of words, the words of the table so far, its header words, the
    narrowest gutter and a number of columns, return True when the band reads as rows
    of the table: it closes none of the table's gutters (a title or a paragraph runs
    across columns) and fills at least `min_columns` of its columns, or every column
    of a narrower table (a page number fills one). A row may close a gutter or two: a word too
    long for its cell runs into the next one (a spreadsheet's wrapped cell), where a
    line of prose across the table closes most of them."""
    before = gutters_to_separators(words_to_gutters(table, min_gutter), header, table)
    after = gutters_to_separators(words_to_gutters(table + band, min_gutter), header, table + band)
    closed = len(before) - len(after)
    if closed > MAX_CLOSED_GUTTERS:
        return False
    filled = {column_of(w.x_mid, before) for w in band}
    return len(filled) >= min(max(min_columns, ROW_MIN_COLUMNS * closed), len(before) + 1)


def is_page_number(band: list[Word]) -> bool:
    """Given a band of words, return True when it is one line reading as a page number
    (a footer the body's last row gap did not keep out)."""
    lines = words_to_lines(band)
    return len(lines) == 1 and bool(PAGE_NUMBER.match(" ".join(w.text for w in lines[0])))


def words_to_gutters(words: list[Word], min_gutter: float) -> list[tuple[float, float]]:
    """Given the words of a table (header and body), return its gutters: the vertical
    strips (x0, x1), at least `min_gutter` wide, that no word crosses, left to right."""
    groups = words_to_x_groups(words, min_gutter)
    return [
        (max(w.x1 for w in left), min(w.x0 for w in right))
        for left, right in zip(groups, groups[1:], strict=False)
    ]


def column_of(x: float, separators: list[float]) -> int:
    """Given an x and sorted separators, return the index of the column holding x."""
    return sum(1 for s in separators if s <= x)


def gutters_to_separators(
    gutters: list[tuple[float, float]], header: list[Word], words: list[Word]
) -> list[float]:
    """Given the gutters, the header words and every word of the table, return the
    column separators (gutter middles) left once every column without a header word is
    joined to a neighbour: a strip that only the body's few short lines left open is no
    column boundary. The neighbour is the one `strip_side` tells, else the one across
    the narrower gutter."""
    ids = {id(w) for w in header}
    body = [w for w in words if id(w) not in ids]
    height = words_to_word_height(words)
    kept = list(gutters)
    while kept:
        seps = [(a + b) / 2 for a, b in kept]
        named = {column_of(w.x_mid, seps) for w in header}
        empty = [c for c in range(len(kept) + 1) if c not in named]
        if not empty:
            break
        col = empty[0]
        sides = [k for k in (col - 1, col) if 0 <= k < len(kept)]
        side = strip_side(body, seps, col, height)
        if side == "right" and col < len(kept):
            kept.pop(col)
        elif side == "left" and col > 0:
            kept.pop(col - 1)
        else:
            kept.pop(min(sides, key=lambda k: kept[k][1] - kept[k][0]))
    return [(a + b) / 2 for a, b in kept]


def strip_side(
    body: list[Word], separators: list[float], col: int, height: float
) -> Literal["left", "right"] | None:
    """Given a table's body words, its separators, a column no header word names (a
    strip between two gutters) and the unit height, return the neighbour it belongs to:
    the one that holds no body word without it (a header centred away from its
    figures); else the one its lines are set flush towards (lines starting flush begin
    the column on their right, lines ending flush end the one on their left); None when
    nothing tells."""
    columns = [column_of(w.x_mid, separators) for w in body]
    left, right = col - 1 in columns, col + 1 in columns
    if col > 0 and col < len(separators) and left != right:
        return "left" if right else "right"
    lines = words_to_lines([w for w, c in zip(body, columns, strict=True) if c == col])
    if len(lines) < 2:
        return None
    tolerance = 0.2 * height
    starts = [line[0].x0 for line in lines]
    ends = [line[-1].x1 for line in lines]
    starts_flush = max(starts) - min(starts) <= tolerance
    ends_flush = max(ends) - min(ends) <= tolerance
    if starts_flush == ends_flush:
        return None
    return "right" if starts_flush else "left"


def stretches_crossed(
    spans: list[tuple[float, float]], low: float, high: float
) -> list[tuple[float, float, int]]:
    """Given spans (start, end) along one axis and a stretch low..high, return the
    stretch cut at every span's start and end: (start, end, spans crossing) in order."""
    edges = sorted(
        {
            low,
            high,
            *(a for a, _ in spans if low < a < high),
            *(b for _, b in spans if low < b < high),
        }
    )
    return [
        (a, b, sum(1 for s, e in spans if s < (a + b) / 2 < e))
        for a, b in zip(edges, edges[1:], strict=False)
    ]


def emptiest_stretch(
    spans: list[tuple[float, float]], low: float, high: float
) -> tuple[float, float, int]:
    """Given spans (start, end) along one axis and a stretch low..high, return the widest
    part of the stretch that the fewest spans cross: (start, end, spans crossing)."""
    parts = stretches_crossed(spans, low, high)
    return max(parts, key=lambda p: (-p[2], p[1] - p[0]), default=(low, high, len(spans)))


def emptiest_point(spans: list[tuple[float, float]], low: float, high: float) -> float:
    """Given spans along one axis and a stretch low..high, return the middle of the
    widest part of the stretch that the fewest spans cross."""
    start, end, _ = emptiest_stretch(spans, low, high)
    return (start + end) / 2


def split_shared_columns(
    separators: list[float], header: list[Word], words: list[Word], cell_gap: float
) -> list[float]:
    """Given separators, the header words, every word of the table and the header cell
    gap, return the separators with one added between any two header cells that share
    a column (a word running across their gutter closed it), where the fewest words
    cross."""
    added = []
    spans = [(w.x0, w.x1) for w in words]
    for col in range(len(separators) + 1):
        cells = words_to_x_groups(
            [w for w in header if column_of(w.x_mid, separators) == col], cell_gap
        )
        for left, right in zip(cells, cells[1:], strict=False):
            added.append(emptiest_point(spans, max(w.x1 for w in left), min(w.x0 for w in right)))
    return sorted(separators + added)


def column_lines(words: list[Word], separators: list[float]) -> dict[int, list[tuple[Word, ...]]]:
    """Given body words and column separators, return each column's visual lines, top to
    bottom."""
    by_col: dict[int, list[Word]] = {}
    for w in words:
        by_col.setdefault(column_of(w.x_mid, separators), []).append(w)
    return {c: [tuple(line) for line in words_to_lines(ws)] for c, ws in by_col.items()}


def lines_to_line_gap(lines: dict[int, list[tuple[Word, ...]]], height: float) -> float:
    """Given each column's lines, return the white space between two lines of one cell,
    learnt from wrapped lines: a line followed by one that starts at the column's left
    edge with a first word that would not have fitted within the column's widest line.
    Returns the middle of the smallest such gaps when at least two agree, else
    `SINGLE_SPACED_LINE_GAP` × height (one-line cells show no line spacing)."""
    gaps = []
    for ls in lines.values():
        left = min(ln[0].x0 for ln in ls)
        right = max(ln[-1].x1 for ln in ls)
        for a, b in zip(ls, ls[1:], strict=False):
            first = b[0]
            starts_left = first.x0 - left <= SPACE_WIDTH_RATIO * height
            if starts_left and a[-1].x1 + SPACE_WIDTH_RATIO * height + first.x1 - first.x0 > right:
                gaps.append(line_box(b)[0] - line_box(a)[1])
    gaps = sorted(g for g in gaps if -0.5 * height < g <= MAX_LINE_GAP * height)
    low = [g for g in gaps if g <= gaps[0] + 0.25 * height] if gaps else []
    if len(low) < 2:
        return SINGLE_SPACED_LINE_GAP * height
    return statistics.median(low)


def lines_to_runs(col: int, lines: list[tuple[Word, ...]], max_gap: float) -> list[Run]:
    """Given one column's lines top to bottom, return its runs: lines whose gap to the
    previous line is at most `max_gap` stay in one run."""
    runs: list[list[tuple[Word, ...]]] = []
    for line in lines:
        if runs and line_box(line)[0] - line_box(runs[-1][-1])[1] <= max_gap:
            runs[-1].append(line)
        else:
            runs.append([line])
    return [Run(col, tuple(r)) for r in runs]


def runs_to_groups(runs: list[Run]) -> list[RowGroup]:
    """Given the runs of every column, return row groups: runs whose vertical extents
    overlap, directly or through other runs, form one printed row."""
    groups: list[RowGroup] = []
    bottom = float("-inf")
    for run in sorted(runs, key=lambda r: r.top):
        if groups and run.top <= bottom:
            groups[-1].lines.setdefault(run.col, []).extend(run.lines)
            bottom = max(bottom, run.bottom)
        else:
            groups.append(RowGroup({run.col: list(run.lines)}))
            bottom = run.bottom
    for g in groups:
        for ls in g.lines.values():
            ls.sort(key=lambda ln: line_box(ln)[0])
    return groups


def number_lines(group: RowGroup, number_col: int) -> list[tuple[Word, ...]]:
    """Given a row group and the n. column, return the group's lines there that read as
    a number, top to bottom."""
    return [
        ln
        for ln in group.lines.get(number_col, [])
        if as_int(" ".join(w.text for w in ln)) is not None
    ]


def groups_to_alignment(
    groups: list[RowGroup],
    number_col: int,
    height: float,
    open_end: bool = False,
    prior: VAlign | None = None,
) -> tuple[VAlign, bool]:
    """Given the row groups of a table, its n. column and the unit height, return how
    its cells are set vertically, by where the numbers sit in their groups: at the top
    with text below (top), at the bottom with text above (bottom), or with text above
    and below (middle, also when nothing tells), and False where only a row the page
    may have broken tells it. In a group of rows set so tight that they touch, the text
    below its first number reaches down to the next number's row, and the text above its
    last number up to the previous one's. A table with an `open_end` (it reaches the
    page's foot) may end with a row the page broke, which may look set at the top or the
    bottom whatever it is (a browser sets a broken row's parts at the top): that group's
    vote for the top counts only where no other row and no `prior` (the alignment of the
    document's table before) tell, and for the bottom never."""
    votes: Counter[VAlign] = Counter()
    unsure: Counter[VAlign] = Counter()
    for k, g in enumerate(groups):
        numbers = [line_box(ln) for ln in number_lines(g, number_col)]
        if not numbers:
            continue
        above = numbers[0][0] - g.top
        below = g.bottom - numbers[-1][1]
        if len(numbers) > 1:
            boxes = [line_box(ln) for ls in g.lines.values() for ln in ls]
            first, second = numbers[0], numbers[1]
            after = [b for t, b in boxes if first[1] < (t + b) / 2 < second[0]]
            before_last = [t for t, b in boxes if numbers[-2][1] < (t + b) / 2 < numbers[-1][0]]
            below_first = max(after, default=first[1]) - first[1]
            above_last = numbers[-1][0] - min(before_last, default=numbers[-1][0])
        else:
            below_first, above_last = below, above
        near, far = 0.5 * height, 1.0 * height
        broken = open_end and k == len(groups) - 1 and len(numbers) == 1
        if above <= near and below_first >= far:
            (unsure if broken else votes)["top"] += 1
        elif below <= near and above_last >= far:
            votes["bottom"] += not (open_end and k == len(groups) - 1)
        elif above >= far and below >= far:
            votes["middle"] += 1
    if votes or not unsure:
        return max(("middle", "top", "bottom"), key=lambda v: votes[v]), True
    return (prior, True) if prior is not None else ("top", False)


def cut_between(
    boxes: list[tuple[float, float]],
    upper: tuple[float, float],
    lower: tuple[float, float],
    row_top: float,
    align: VAlign,
    min_gap: float,
) -> tuple[float, float, int]:
    """Given the line boxes of a group, the boxes of two consecutive numbers, where the
    upper number's row starts, the table's vertical alignment and the white space that
    surely parts two rows, return the stretch to cut the two rows at (start, end, lines
    crossing): right above the lower number when cells are set at the top (a number
    opens its row), right below the upper one when set at the bottom; when centred, of
    the white stretches (those at least `min_gap` tall if any) the one nearest to where
    the upper row must end, as far below its number's middle as its top is above it
    (with no padding, gaps between rows look like gaps between lines)."""
    if align == "top":
        ends = [b for _, b in boxes if sum(upper) / 2 < b <= lower[0]]
        return (max(ends, default=upper[1]), lower[0], 0)
    if align == "bottom":
        starts = [t for t, _ in boxes if upper[1] <= t < sum(lower) / 2]
        return (upper[1], min(starts, default=lower[0]), 0)
    low, high = sum(upper) / 2, sum(lower) / 2
    white = [p for p in stretches_crossed(boxes, low, high) if p[2] == 0]
    white = [p for p in white if p[1] - p[0] >= min_gap] or white
    if not white:
        return emptiest_stretch(boxes, low, high)
    row_end = 2 * low - row_top
    return min(white, key=lambda p: abs((p[0] + p[1]) / 2 - row_end))


def split_at_numbers(
    group: RowGroup,
    number_col: int,
    align: VAlign,
    min_gap: float,
    confidence: float,
    leading: bool = False,
) -> list[RowGroup]:
    """Given a row group, the n. column, the table's vertical alignment, the narrowest
    white space that surely parts two rows and a doubt factor, return the group split
    into one group per printed number when it holds several (rows set so tight that
    their cells touched), each line going to the side of its middle. A part next to a
    cut through less white space than `min_gap` (it could run between two lines of one
    cell) has its confidence times `confidence`. A `leading` group (a page's first) may
    begin with the end of a row the page broke, which becomes a part of its own."""
    anchors = [line_box(ln) for ln in number_lines(group, number_col)]
    return split_at_anchors(group, anchors, align, min_gap, confidence, leading)


def split_at_anchors(
    group: RowGroup,
    anchors: list[tuple[float, float]],
    align: VAlign,
    min_gap: float,
    confidence: float,
    leading: bool = False,
) -> list[RowGroup]:
    """Given a row group, the boxes of the cells it holds one of per row (its numbers, or
    its DUP codes), top to bottom, and the rest as `split_at_numbers`, return the group
    split into one group per anchor."""
    if len(anchors) < 2:
        return [group]
    boxes = [line_box(ln) for ls in group.lines.values() for ln in ls]
    stretches = []
    row_top = group.top
    for upper, lower in zip(anchors, anchors[1:], strict=False):
        stretches.append(cut_between(boxes, upper, lower, row_top, align, min_gap))
        row_top = stretches[-1][1]
    cuts = [(start + end) / 2 for start, end, _ in stretches]
    clean = [crossing == 0 and end - start >= min_gap for start, end, crossing in stretches]
    parts = []
    for k in range(len(anchors)):
        sure = (k == 0 or clean[k - 1]) and (k == len(cuts) or clean[k])
        parts.append(RowGroup({}, group.confidence * (1.0 if sure else confidence)))
    lead = RowGroup({}, group.confidence)
    middles = [sum(a) / 2 for a in anchors]
    unit = statistics.median(b - t for t, b in boxes)
    for col, ls in group.lines.items():
        # each cell of a centred row is centred on its number: a column's lines part into
        # the blocks centred nearest their rows' numbers, whatever the other columns do
        rows = (
            centred_blocks(
                [line_box(ln) for ln in ls],
                middles,
                anchors[0][0] if leading else None,
                min_gap,
                unit,
            )
            if align == "middle"
            else None
        )
        if rows is None:
            rows = [sum(1 for c in cuts if c <= sum(line_box(ln)) / 2) for ln in ls]
        for ln, row in zip(ls, rows, strict=True):
            (lead if row < 0 else parts[row]).lines.setdefault(col, []).append(ln)
    return [p for p in [lead, *parts] if p.lines]


def centred_blocks(
    boxes: list[tuple[float, float]],
    middles: list[float],
    lead_end: float | None,
    min_gap: float,
    height: float,
) -> list[int] | None:
    """Given one column's line boxes top to bottom, the middles of its rows' numbers, for
    a group that may begin with the end of a row the page broke where the first number
    starts, the white space that surely parts two rows and the unit height, return each
    line's row: consecutive blocks, one per row (or none), each within the middles of
    the rows either side of its own, whose middles lie nearest their rows' (summed
    distance) and which part where the white space does (a unit height more for each
    block parted where lines touch, and each such space inside one); -1 for lines of a
    leading fragment, which all end above the first number. None when no blocks fit."""
    n, inf = len(boxes), float("inf")
    clear = [boxes[i + 1][0] - boxes[i][1] >= min_gap for i in range(n - 1)]
    inside = [0]  # clear spaces among the first i lines
    for c in clear:
        inside.append(inside[-1] + c)
    leading = sum(1 for _, b in boxes if lead_end is not None and b <= lead_end)
    # best[k][j]: least cost of the first j lines set in the first k rows (and the lead)
    best = [[0.0 if j <= leading else inf for j in range(n + 1)]]
    for j in range(1, leading + 1):
        best[0][j] = height * (inside[j - 1] + (j < n and not clear[j - 1]))
    back: list[list[int]] = [list(range(n + 1))]
    for k, middle in enumerate(middles):
        above = middles[k - 1] if k else -inf
        below = middles[k + 1] if k + 1 < len(middles) else inf
        row, came = [inf] * (n + 1), [0] * (n + 1)
        for j in range(n + 1):
            for i in range(j + 1):
                if best[-1][i] == inf:
                    continue
                cost = best[-1][i]
                if j > i:
                    top, bottom = boxes[i][0], boxes[j - 1][1]
                    if top < above or bottom > below:
                        continue
                    cost += abs((top + bottom) / 2 - middle)
                    cost += height * (inside[j - 1] - inside[i] + (j < n and not clear[j - 1]))
                if cost < row[j]:
                    row[j], came[j] = cost, i
        best.append(row)
        back.append(came)
    if best[-1][n] == inf:
        return None
    rows = [0] * n
    j = n
    for k in range(len(middles), 0, -1):
        i = back[k][j]
        rows[i:j] = [k - 1] * (j - i)
        j = i
    rows[:j] = [-1] * j
    return rows


def split_stacked_cells(
    group: RowGroup,
    cols: set[int],
    number_col: int | None,
    align: VAlign,
    max_gap: float,
    min_gap: float,
    confidence: float,
    leading: bool = False,
) -> list[RowGroup]:
    """Given a row group, the columns of cells printed once per objective (DUP,
    deadline), the n. column, the table's vertical alignment, the largest gap between two
    lines of one cell and the rest as `split_at_numbers`, return the group split into one
    row per cell when two or more such columns each hold the same number of separate
    cells, more than it has numbers: rows set too tight to part, the later ones printed
    without a number."""
    stacked = [lines_to_runs(c, group.lines[c], max_gap) for c in sorted(cols & set(group.lines))]
    counts = {len(runs) for runs in stacked if len(runs) > 1}
    numbers = number_lines(group, number_col) if number_col is not None else []
    agreeing = [runs for runs in stacked if len(runs) > 1]
    if len(counts) != 1 or len(agreeing) < 2 or len(agreeing[0]) <= len(numbers):
        return [group]
    anchors = [(run.top, run.bottom) for run in agreeing[0]]
    return split_at_anchors(group, anchors, align, min_gap, confidence, leading)


def split_leading_fragment(group: RowGroup, number_col: int, align: VAlign) -> list[RowGroup]:
    """Given the first row group of a table body, its n. column and the table's vertical
    alignment, return it split in two when it begins with the end of a row the page
    broke (its cells touch the next row's): the lines whose middle lies above where its
    one numbered row must start, given how its cells are set (at the number's top when
    set at the top; as far above the number's middle as the group ends below it when
    centred), are a fragment of their own, with no number."""
    numbers = number_lines(group, number_col)
    if len(numbers) != 1 or align == "bottom":
        return [group]
    top, bottom = line_box(numbers[0])
    start = top if align == "top" else (top + bottom) - group.bottom
    fragment: dict[int, list[tuple[Word, ...]]] = {}
    rest: dict[int, list[tuple[Word, ...]]] = {}
    for col, ls in group.lines.items():
        for ln in ls:
            (fragment if sum(line_box(ln)) / 2 < start else rest).setdefault(col, []).append(ln)
    if not fragment or not rest:
        return [group]
    return [RowGroup(fragment, group.confidence), RowGroup(rest, group.confidence)]


def merge_groups(a: RowGroup, b: RowGroup, confidence: float) -> RowGroup:
    """Given two row groups, return one holding the lines of both, in reading order,
    with the lower confidence times `confidence`."""
    lines: dict[int, list[tuple[Word, ...]]] = {}
    for group in (a, b):
        for col, ls in group.lines.items():
            lines.setdefault(col, []).extend(ls)
    for ls in lines.values():
        ls.sort(key=lambda ln: line_box(ln)[0])
    return RowGroup(lines, min(a.confidence, b.confidence) * confidence)


def join_fragments(
    groups: list[RowGroup], identity_cols: set[int], confidence: float
) -> list[RowGroup]:
    """Given the row groups of a table body, return them with every middle group that
    has no identity cell (n., assignee, DUP, deadline) joined to the neighbour it is
    closest to: a cell whose paragraphs are set further apart than a row gap. The first
    and last groups stay: they may continue a row from, or on, another page."""
    out = list(groups)
    while identity_cols:
        bare = [k for k in range(1, len(out) - 1) if not identity_cols & set(out[k].lines)]
        if not bare:
            break
        k = bare[0]
        above, fragment, below = out[k - 1], out[k], out[k + 1]
        if fragment.top - above.bottom <= below.top - fragment.bottom:
            out[k - 1 : k + 1] = [merge_groups(above, fragment, confidence)]
        else:
            out[k : k + 2] = [merge_groups(fragment, below, confidence)]
    return out


def flag_stacked_cells(
    groups: list[RowGroup], cols: set[int], max_gap: float, confidence: float
) -> list[RowGroup]:
    """Given row groups, the columns of cells printed once per objective (DUP, deadline),
    the largest gap between two lines of one cell and a doubt factor, return the groups
    with the confidence of each that holds two separate cells in one such column (two
    rows set too tight to part, the second without a number) times `confidence`."""
    out = []
    for g in groups:
        stacked = any(len(lines_to_runs(c, g.lines[c], max_gap)) > 1 for c in cols & set(g.lines))
        out.append(RowGroup(g.lines, g.confidence * confidence) if stacked else g)
    return out


def word_is_clean(word: Word, separators: list[float]) -> bool:
    """Given a word and the column separators, return True when no separator crosses
    the word (it fell into one cell without doubt)."""
    return not any(word.x0 < s < word.x1 for s in separators)


def group_confidence(group: RowGroup, separators: list[float]) -> float:
    """Given a row group, return its confidence: in its worst cell, the share of words
    that no column separator crosses, times the doubt left by splitting or joining it."""
    shares = []
    for ls in group.lines.values():
        words = [w for ln in ls for w in ln]
        shares.append(sum(1 for w in words if word_is_clean(w, separators)) / len(words))
    return round(min(shares, default=1.0) * group.confidence, 3)


def header_to_map(
    header: list[Word], separators: list[float], settings: HeaderSettings | None = None
) -> HeaderMap | None:
    """Given the header words and the column separators, return the header's field
    mapping by column, or None for a table that is not an objectives table."""
    by_col: dict[int, list[Word]] = {}
    for w in header:
        by_col.setdefault(column_of(w.x_mid, separators), []).append(w)
    texts = {c: words_to_text(by_col.get(c, [])) for c in range(len(separators) + 1)}
    return cells_to_header(texts, settings)


def column_boxes(groups: list[RowGroup], edges: list[float]) -> list[tuple[float, float]]:
    """Given the body's row groups and the column edges (table sides and separators),
    return each column's (x0, x1): its text's extent widened on both sides by half the
    narrowest gap between two columns' text, so a cell's right side mirrors its left
    padding and the widest line of the column marks where the renderer wrapped (the
    middle of a gutter would overstate it beside a centred column); a column without
    body text keeps its edges."""
    extent: dict[int, tuple[float, float]] = {}
    for g in groups:
        for c, ls in g.lines.items():
            lo, hi = min(ln[0].x0 for ln in ls), max(ln[-1].x1 for ln in ls)
            old = extent.get(c, (lo, hi))
            extent[c] = (min(old[0], lo), max(old[1], hi))
    gaps = [
        extent[c + 1][0] - extent[c][1]
        for c in range(len(edges) - 2)
        if c in extent and c + 1 in extent
    ]
    pad = max(min(gaps, default=0.0), 0.0) / 2
    return [
        (extent[c][0] - pad, extent[c][1] + pad) if c in extent else (edges[c], edges[c + 1])
        for c in range(len(edges) - 1)
    ]


def groups_to_table(
    page: Page,
    header: HeaderBand,
    groups: list[RowGroup],
    separators: list[float],
    x0: float,
    x1: float,
) -> Table:
    """Given a page, its header band, the body's row groups, the column separators and
    the table's sides, return the Table: the header as row 0, then one row per group,
    one cell per column (a row's cells reach from the middle of the gap above it to the
    middle of the gap below it), and each row's confidence."""
    edges = [x0, *separators, x1]
    boxes = column_boxes(groups, edges)
    # the table reaches as far as its cells' padding (a block title aligns with that)
    x0, x1 = min(x0, boxes[0][0]), max(x1, boxes[-1][1])
    if header.rule is not None:
        tops = [header.top, header.rule.top]
    else:
        tops = [header.top, (header.bottom + groups[0].top) / 2]
    tops += [
        (above.bottom + below.top) / 2 for above, below in zip(groups, groups[1:], strict=False)
    ]
    tops.append(groups[-1].bottom)
    rows = [column_lines(list(header.words), separators)] + [g.lines for g in groups]
    cells = []
    for r, by_col in enumerate(rows):
        for c, (left, right) in enumerate(boxes):
            words = tuple(w for ln in by_col.get(c, []) for w in ln)
            cells.append(Cell(left, tops[r], right, tops[r + 1], r, c, c, words))
    confidence = {0: 1.0}
    confidence.update({r + 1: group_confidence(g, separators) for r, g in enumerate(groups)})
    return Table(
        page=page.number,
        x0=x0,
        top=header.top,
        x1=x1,
        bottom=tops[-1],
        cells=cells,
        finder="text",
        column_edges=edges,
        row_confidence=confidence,
    )


def words_to_separators(
    every: list[Word], header: list[Word], body: list[Word], height: float, settings: TextSettings
) -> list[float]:
    """Given a table's words, its header words, its body words, the unit height and the
    settings, return its column separators, from the gutters at least `min_gutter` wide;
    a column a header word names but no body word fills (its figures fell into the next
    column: a browser pads cells by less than that) has the separator next to it moved
    to the nearest gutter at least `narrow_gutter` wide that gives it body words and
    leaves its neighbour some."""
    gutters = words_to_gutters(every, settings.min_gutter * height)
    separators = split_shared_columns(
        gutters_to_separators(gutters, header, every),
        header,
        every,
        settings.header_cell_gap * height,
    )
    narrow = [(a + b) / 2 for a, b in words_to_gutters(every, settings.narrow_gutter * height)]
    for col in sorted({column_of(w.x_mid, separators) for w in header}):
        filled = {column_of(w.x_mid, separators) for w in body}
        if col in filled:
            continue
        separators = separators_filling(separators, col, narrow, body) or separators
    return separators


def separators_filling(
    separators: list[float], col: int, narrow: list[float], body: list[Word]
) -> list[float] | None:
    """Given separators, an empty column, the middles of the narrow gutters and the body
    words, return the separators with the one on either side of the column moved to the
    nearest narrow gutter that gives the column body words and leaves the neighbour it
    takes them from some; None when no such move exists."""
    edges = [float("-inf"), *separators, float("inf")]
    moves = []
    if col > 0:  # the left separator, leftwards within the left neighbour
        moves += [(col - 1, x) for x in narrow if edges[col - 1] < x < edges[col]]
    if col < len(separators):  # the right separator, rightwards within the right one
        moves += [(col, x) for x in narrow if edges[col + 1] < x < edges[col + 2]]
    for k, x in sorted(moves, key=lambda m: abs(m[1] - separators[m[0]])):
        moved = sorted([*separators[:k], x, *separators[k + 1 :]])
        filled = {column_of(w.x_mid, moved) for w in body}
        neighbour = col - 1 if k == col - 1 else col + 1
        if col in filled and neighbour in filled:
            return moved
    return None


def lines_to_number_column(lines: dict[int, list[tuple[Word, ...]]]) -> int | None:
    """Given each column's lines, return the last column whose every line reads as a
    number ("4%", "12"), when at least two do; else None."""
    for col in sorted(lines, reverse=True):
        texts = [" ".join(w.text for w in ln) for ln in lines[col]]
        if len(texts) >= 2 and all(as_int(t) is not None for t in texts):
            return col
    return None


def header_to_table(
    page: Page,
    header: HeaderBand,
    limit: float,
    height: float,
    settings: TextSettings,
    header_settings: HeaderSettings | None = None,
    columns: list[float] | None = None,
    alignment: VAlign | None = None,
    prior: VAlign | None = None,
    leading: bool = True,
) -> Table | None:
    """Given a page, one of its header bands, where the next table starts and the unit
    height, return the table that header heads, or None when no body with at least
    `min_columns` columns lies under it. `columns` and `alignment`, if given, are the
    column edges (the table's sides and separators) and the cells' vertical alignment of
    the same table on the page before: a page that begins with the end of a row has text
    above its first number whatever the alignment, so it cannot tell its own. `prior`, the
    alignment of the document's table before, stands where only a row the page broke
    tells this table's (`groups_to_alignment`). `leading`: the body may begin with the
    end of a row the page before broke (not under a header set below another table's
    rows on the page)."""
    body = body_words(page, header, limit, height, settings)
    if not body:
        return None
    every = list(header.words) + body
    if columns is not None:
        separators = list(columns[1:-1])
    else:
        separators = words_to_separators(every, list(header.words), body, height, settings)
    if len(separators) + 1 < settings.min_columns:
        return None
    lines = column_lines(body, separators)
    line_gap = lines_to_line_gap(lines, height)
    max_gap = line_gap + settings.line_gap_slack * height
    runs = [run for col, ls in lines.items() for run in lines_to_runs(col, ls, max_gap)]
    groups = runs_to_groups(runs)
    mapping = header_to_map(list(header.words), separators, header_settings)
    align: VAlign | None = None
    sure = True
    if mapping is None and (value_col := lines_to_number_column(lines)) is not None:
        # a table of labels and figures (the relevance table): a row per figure
        align, _ = groups_to_alignment(groups, value_col, height)
        groups = [
            part
            for g in groups
            for part in split_at_numbers(
                g, value_col, align, line_gap + CLEAN_CUT_MARGIN * height, settings.split_confidence
            )
        ]
    if mapping is not None:
        by_field = {f: c for c, f in mapping.fields.items()}
        once = {by_field[f] for f in IDENTITY_FIELDS if f != "number" and f in by_field}
        if "number" in by_field:
            number_col = by_field["number"]
            if alignment is None:
                align, sure = groups_to_alignment(
                    groups, number_col, height, open_end=limit == float("inf"), prior=prior
                )
            else:
                align, sure = alignment, True
            known: VAlign = align
            if known == "middle":
                # a row printed without a number between two numbered ones is centred on
                # its own DUP code and deadline: part those first, then at the numbers
                groups = [
                    part
                    for k, g in enumerate(groups)
                    for part in split_stacked_cells(
                        g,
                        once,
                        number_col,
                        known,
                        max_gap,
                        line_gap + CLEAN_CUT_MARGIN * height,
                        settings.split_confidence,
                        leading=leading and k == 0,
                    )
                ]
            groups = [
                part
                for k, g in enumerate(groups)
                for part in split_at_numbers(
                    g,
                    number_col,
                    known,
                    line_gap + CLEAN_CUT_MARGIN * height,
                    settings.split_confidence,
                    leading=leading and k == 0,
                )
            ]
            if groups and leading:
                groups[:1] = split_leading_fragment(groups[0], number_col, known)
        identity = {by_field[f] for f in SHORT_FIELDS if f in by_field}
        groups = join_fragments(groups, identity, settings.split_confidence)
        groups = [
            part
            for g in groups
            for part in split_stacked_cells(
                g,
                once,
                by_field.get("number"),
                align or "middle",
                max_gap,
                line_gap + CLEAN_CUT_MARGIN * height,
                settings.split_confidence,
            )
        ]
        groups = flag_stacked_cells(groups, once, max_gap, settings.split_confidence)
    x0 = min(w.x0 for w in every)
    x1 = max(w.x1 for w in every)
    if header.rule is not None:
        x0, x1 = min(x0, header.rule.x0), max(x1, header.rule.x1)
    table = groups_to_table(page, header, groups, separators, x0, x1)
    table.alignment = align
    table.alignment_sure = sure
    return table


def page_to_text_tables(
    page: Page,
    settings: TextSettings | None = None,
    header: HeaderSettings | None = None,
    prior: VAlign | None = None,
    continued: bool = False,
) -> list[Table]:
    """Given a page (and the alignment of the document's table before, if known), return
    the tables laid out by white space alone: one per plan header printed on the page
    (the header repeated on each page is what makes a borderless table recognisable);
    no header, no table. `continued`: rows of the table before go on above the page's
    first header, whose table then starts with a row of its own."""
    settings, header = settings or TextSettings(), header or HeaderSettings()
    height = words_to_word_height(page.words)
    headers = page_to_header_bands(page, height, settings, header)
    tables = []
    for k, band in enumerate(headers):
        limit = headers[k + 1].top if k + 1 < len(headers) else float("inf")
        first = k == 0 and not continued
        table = header_to_table(
            page, band, limit, height, settings, header, prior=prior, leading=first
        )
        if table is not None:
            tables.append(table)
    return tables


def table_to_header_band(table: Table) -> HeaderBand | None:
    """Given a table the text finder read, return its header band (its first row's
    words), or None for a table of another finder."""
    if table.finder != "text":
        return None
    words = tuple(w for c in table.row_cells(0) for w in c.words)
    if not words:
        return None
    return HeaderBand(words, min(w.top for w in words), max(w.bottom for w in words), None)


def line_to_margin_key(line: list[Word], height: float) -> tuple[str, int]:
    """Given a line of words and the page's height, return what a running header or
    footer keeps from page to page: its text without digits ("Pagina 3 di 19") and its
    height on the page, to the nearest 2 points."""
    text = re.sub(r"\d+", "#", " ".join(w.text for w in line).casefold())
    return text, round(min(w.top for w in line) / 2)


def page_to_margin_keys(page: Page) -> set[tuple[str, int]]:
    """Given a page, return the keys (`line_to_margin_key`) of its lines in the top and
    bottom MARGIN_SHARE of the page, where running headers and footers are printed."""
    margin = MARGIN_SHARE * page.height
    edge = [w for w in page.words if w.bottom <= margin or w.top >= page.height - margin]
    return {line_to_margin_key(line, page.height) for line in words_to_lines(edge)}


def band_fits_columns(band: list[Word], separators: list[float]) -> bool:
    """Given a band of words and a table's column separators, return True when the band
    reads as rows of those columns: hardly a word crosses a separator (a line of prose
    or a running header crosses them), and it fills at least one column."""
    crossing = sum(1 for w in band if not word_is_clean(w, separators))
    return bool(band) and crossing <= MAX_CROSSING_SHARE * len(band)


def page_to_continued_table(
    page: Page,
    previous: Table,
    limit: float,
    running: set[tuple[str, int]],
    settings: TextSettings | None = None,
    header: HeaderSettings | None = None,
) -> Table | None:
    """Given a page, the borderless table the previous page ended with, where the page's
    first header starts (inf without one) and the margin lines printed on earlier pages
    (running headers and footers), return the table going on at the top of the page
    without its header printed again: the rows above `limit` that fall into the previous
    table's columns, with its header as their first row; None when nothing there reads
    as its rows (prose crosses its columns)."""
    template = table_to_header_band(previous)
    if template is None:
        return None
    settings = settings or TextSettings()
    height = words_to_word_height(page.words)
    # a header at the page's foot with its rows on the next page heads no table here,
    # yet it and its title end the rows going on from the page before
    headers = page_to_header_bands(page, height, settings, header or HeaderSettings())
    limit = min([limit, *(h.top for h in headers)])
    margin = {
        id(w)
        for line in words_to_lines(page.words)
        if line_to_margin_key(line, page.height) in running
        for w in line
    }
    above = [w for w in page.words if w.y_mid < limit and id(w) not in margin]
    bands = words_to_bands(above, page.rulings, settings.band_gap * height)
    columns: list[float] | None = previous.column_edges
    start = first_row_top(bands, previous.column_edges, 1)
    if start is None:
        columns = remeasured_edges(
            previous.column_edges, template, above, settings.min_gutter * height
        )
        # columns measured again must be filled as a row fills them, not by a heading's word
        start = None if columns is None else first_row_top(bands, columns, ROW_MIN_COLUMNS)
    if start is None or columns is None:
        return None
    top = start - settings.band_gap * height
    kept = Page(page.number, page.width, page.height, above, page.rulings)
    band = HeaderBand(template.words, top, top, None)
    return header_to_table(kept, band, limit, height, settings, header, columns, previous.alignment)


def first_row_top(bands: list[list[Word]], columns: list[float], least: int) -> float | None:
    """Given the bands of words above a page's first header, a table's column edges and
    how many of its columns a row fills at least, return the top of the first band that
    reads as its rows, or None."""
    separators = columns[1:-1]
    return next(
        (
            min(w.top for w in b)
            for b in bands
            if band_fits_columns(b, separators)
            and len({column_of(w.x_mid, separators) for w in b}) >= least
        ),
        None,
    )


def remeasured_edges(
    edges: list[float], header: HeaderBand, words: list[Word], min_gutter: float
) -> list[float] | None:
    """Given a table's column edges as the page before measured them (maybe on a row or
    two), its header and the words of the page it goes on on, return the edges measured
    again under the same header on this page's words, or None when they are not the
    same columns: as many, each separator still between its two columns' outer edges."""
    every = [*header.words, *words]
    separators = gutters_to_separators(
        words_to_gutters(every, min_gutter), list(header.words), every
    )
    old = edges[1:-1]
    if len(separators) != len(old):
        return None
    if not all(edges[k] < x < edges[k + 2] for k, x in enumerate(separators)):
        return None
    return [edges[0], *separators, edges[-1]]
