"""Find on which pages each objective's cells are printed in a rendered PDF, from the
PDF's own text and independently of piano.

Every producer here draws a table row by row and a row cell by cell, so in content-
stream order each cell's text is one run of characters, or a few runs when the row
breaks across pages (its part on the next page follows the repeated header, if any).
With whitespace removed and ligatures unfolded (NFKC: "ﬁ" → "fi"), each objective's
cells of a dozen characters or more are taken in document order, longest first: the
earliest whole unclaimed occurrence from the page the row above starts on, else the
occurrence agreeing longest, cut where the rest of the cell goes on at the top of the
next page. A handful of ways per cell are tried, backtracking within the row only (an
earlier cell may have taken a character of a later one's text), so the search is
bounded. Cells are looked for from the start of that page, not after the row above,
because Calc writes a page's one-line cells apart from its wrapped ones. Short cells
("7", "31/12/2021") are taken last, near the long ones: a row whose first line alone
ends a page is printed from that page. Page furniture (running header, footer, page
number) is printed in the page margins and left out of the stream.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from benchmarks.renderings.plan import Plan

# text closer than this to the top or bottom edge is page furniture (points; 16 mm):
# every producer here prints its running header and footer within 13 mm of the edge and
# the body more than 20 mm from it
FURNITURE_PT = 45.0
# how many pages after the row above a row may start (a heading and a page break)
LOOKAHEAD_PAGES = 2
# characters a piece is first looked for by: enough to tell two cells apart
ANCHOR = 12
# the shortest start of a cell looked for at the foot of a page
MIN_ANCHOR = 4
# how many pages one cell may span
MAX_PIECES = 4
# ways tried for one cell before an earlier cell's next way
MAX_WAYS = 8


class PageFindingError(RuntimeError):
    """A cell's text was not found where it should be printed."""


@dataclass(frozen=True)
class RowPages:
    """The pages one objective's printed text lies on."""

    block: int
    seq: int
    objective_id: str
    page_first: int
    page_last: int


def _fold(text: str) -> str:
    # Ghostscript re-distilling a ligature mapped to two letters writes each letter's
    # byte as the high byte of a UTF-16 unit: "fi" becomes U+6600 U+6900
    text = "".join(
        chr(ord(c) >> 8) if ord(c) & 0xFF == 0 and 0x21 <= ord(c) >> 8 < 0x7F else c for c in text
    )
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_to_stream(path: Path) -> tuple[str, list[int]]:
    """Given a PDF, return its body text in content-stream order with whitespace removed,
    and for each character the 1-based page it is on."""
    text: list[str] = []
    pages: list[int] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            height = float(page.height)
            for char in page.chars:
                if char["top"] < FURNITURE_PT or char["bottom"] > height - FURNITURE_PT:
                    continue
                folded = _fold(char["text"])
                text.append(folded)
                pages.extend([number] * len(folded))
    return "".join(text), pages


class _Stream:
    """The folded text of a PDF with its pages, and which characters a cell already took."""

    def __init__(self, text: str, pages: list[int]) -> None:
        self.text = text
        self.pages = pages
        self.taken = bytearray(len(text))
        self.page_starts: dict[int, int] = {}
        for index, page in enumerate(pages):
            self.page_starts.setdefault(page, index)
        self.last_page = pages[-1] if pages else 0

    def start_of(self, page: int) -> int:
        """Index of the first character on `page` or the first page after it."""
        for number in range(page, self.last_page + 1):
            if number in self.page_starts:
                return self.page_starts[number]
        return len(self.text)

    def candidates(self, wanted: str, page: int, anchor_size: int) -> list[tuple[int, int]]:
        """Every (position, length) where a piece of `wanted` starts on `page` in text no
        other cell took: its first `anchor_size` characters, extended as far as the text
        goes on agreeing."""
        start, end = self.start_of(page), self.start_of(page + 1)
        anchor = wanted[:anchor_size]
        found = []
        at = self.text.find(anchor, start, end + len(anchor))
        while 0 <= at < end:
            if not self.taken[at]:
                length = len(anchor)
                while (
                    length < len(wanted)
                    and at + length < len(self.text)
                    and not self.taken[at + length]
                    and self.text[at + length] == wanted[length]
                ):
                    length += 1
                found.append((at, length))
            at = self.text.find(anchor, at + 1, end + len(anchor))
        return found

    def take(self, at: int, length: int) -> None:
        """Mark a piece as taken."""
        self.taken[at : at + length] = b"\x01" * length

    def release(self, at: int, length: int) -> None:
        """Undo `take`."""
        self.taken[at : at + length] = bytes(length)


def _continues_back(stream: _Stream, at: int, before: str) -> bool:
    """Whether the text just before `at` reads as the end of `before` for an anchor's
    length: a piece found there is the middle of a whole occurrence, not a cell's
    continuation after a page break."""
    size = min(ANCHOR, len(before))
    return size > 0 and at >= size and stream.text[at - size : at] == before[-size:]


def _ways_on(
    stream: _Stream, wanted: str, page: int, before: str = "", depth: int = 0
) -> Iterator[list[tuple[int, int]]]:
    """Yield, likeliest first, the ways (lists of (position, length)) `wanted` may be
    printed from `page` on, each further piece on the page after the piece before it.
    Whole unclaimed occurrences come first, earliest first; then the occurrences that
    agree longest (others merely share the cell's first words), cut where the rest is
    found on the next page. The first piece, at a page's foot, may be shorter than the
    anchor; the text after a piece may go on agreeing with the cell's continuation by
    chance, so shorter cuts follow. `before` is what the previous pages printed of the
    cell: a continuation is never the middle of a whole occurrence."""
    if depth > MAX_PIECES:
        return
    full = min(ANCHOR, len(wanted))
    found = [
        c
        for c in stream.candidates(wanted, page, full)
        if not _continues_back(stream, c[0], before)
    ]
    yield from ([c] for c in found if c[1] == len(wanted))
    partial = sorted((c for c in found if c[1] < len(wanted)), key=lambda c: (-c[1], c[0]))
    if depth == 0:
        partial += [
            c
            for size in range(full - 1, MIN_ANCHOR - 1, -1)
            for c in stream.candidates(wanted, page, size)
            if c[1] == size
        ]
    for at, length in partial:
        after = stream.pages[at + length - 1] + 1
        for size in range(length, 0, -1):
            for rest in _ways_on(stream, wanted[size:], after, before + wanted[:size], depth + 1):
                yield [(at, size), *rest]


def _ways(stream: _Stream, wanted: str, pages: range) -> Iterator[list[tuple[int, int]]]:
    """The first `MAX_WAYS` ways `wanted` may be printed starting on `pages`, in order."""
    every = (way for page in pages for way in _ways_on(stream, wanted, page))
    return itertools.islice(every, MAX_WAYS)


def _take_cells(stream: _Stream, cells: list[str], pages: range) -> list[tuple[int, int]] | None:
    """Take a way for every cell, trying a cell's next way when a later cell finds
    nothing left (an earlier one took a character or two of its text)."""
    if not cells:
        return []
    for way in _ways(stream, cells[0], pages):
        if any(stream.taken[at : at + length].count(1) for at, length in way):
            continue
        for at, length in way:
            stream.take(at, length)
        rest = _take_cells(stream, cells[1:], pages)
        if rest is not None:
            return way + rest
        for at, length in way:
            stream.release(at, length)
    return None


def _claim_row(stream: _Stream, cells: list[str], page: int) -> list[tuple[int, int]]:
    """Take a row's pieces: its cells of a dozen characters or more, each on the page
    the row above starts on or the next ones; then its shorter cells, where they lie
    between the page before and the last page of the long ones (a row at a page's foot
    may print there only its short first line: "7 SPORT 6.1.10 31/12/2021")."""
    pages = range(page, min(page + LOOKAHEAD_PAGES, stream.last_page) + 1)
    # longest first: a cell whose text starts another's must not take the other's
    long_cells = sorted(
        [c for c in cells if len(c) >= ANCHOR] or [max(cells, key=len)], key=len, reverse=True
    )
    pieces = _take_cells(stream, long_cells, pages)
    if pieces is None:
        where = f"pages {pages.start}-{pages.stop - 1}"
        raise PageFindingError(f"cells not all found on {where} ({long_cells[0][:40]!r} …)")
    first = min(stream.pages[at] for at, _ in pieces)
    last = max(stream.pages[at + length - 1] for at, length in pieces)
    near = range(max(page, first - 1), last + 1)
    for cell in cells:
        if MIN_ANCHOR <= len(cell) < ANCHOR and cell not in long_cells:
            pieces += _take_cells(stream, [cell], near) or []
    return pieces


def plan_to_row_pages(
    plan: Plan, stream: str, pages: list[int], headings: bool = False
) -> list[RowPages]:
    """Given the plan a PDF prints, the PDF's stream (`pdf_to_stream`) and whether a
    sector heading is printed above each table, return the pages of every objective,
    in document order."""
    text = _Stream(stream, pages)
    page = 1
    found: list[RowPages] = []
    for block in plan.blocks:
        # the description header: long and printed at the top of every block
        header = _fold(max(block.header, key=len))
        first = _take_cells(text, [header], range(page, text.last_page + 1))
        if first is None:
            raise PageFindingError(f"block {block.block}: header {header[:40]!r} not found")
        page = text.pages[first[0][0]]
        if headings:
            # the heading can read like an assignee cell ("TURISMO ATTIVITA' PRODUTTIVE")
            heading = _fold(block.heading)
            at = text.text.rfind(heading, 0, first[0][0])
            if at < 0 or text.taken[at]:
                at = text.text.find(heading, text.start_of(page))
            if at >= 0:
                text.take(at, len(heading))
        for row in block.rows:
            try:
                claimed = _claim_row(text, [_fold("".join(p)) for p in row.cells], page)
            except PageFindingError as error:
                raise PageFindingError(f"row {row.objective_id}: {error}") from error
            row_pages = {text.pages[i] for at, length in claimed for i in (at, at + length - 1)}
            found.append(
                RowPages(block.block, row.seq, row.objective_id, min(row_pages), max(row_pages))
            )
            page = min(text.pages[at] for at, _ in claimed)
    return found
