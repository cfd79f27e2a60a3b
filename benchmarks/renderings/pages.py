"""Find on which pages each objective's cells are printed in a rendered PDF, from the
PDF's own text and independently of piano.

Every producer here draws a table row by row and a row cell by cell, so in content-
stream order each cell's text is one run of characters, or a few runs when the row
breaks across pages (its part on the next page follows the repeated header, if any).
With whitespace removed and ligatures unfolded (NFKC: "ﬁ" → "fi"), each objective's
cells of a dozen characters or more are matched in document order, piece by piece: the
first piece on the page where the row above starts or just after (the occurrence that
agrees longest, not taken by an earlier cell), each further piece on the next page.
Cells are looked for from the start of that page, not after the row above, because
Calc writes a page's one-line cells apart from its wrapped ones; a short cell ("1",
"31/12/2021") always shares its row's pages, so it is not needed. Page furniture (running
header, footer, page number) is printed in the page margins and left out of the stream.
"""

from __future__ import annotations

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
# how many pages one cell may span
# the shortest start of a cell looked for at the foot of a page
MIN_ANCHOR = 4
MAX_PIECES = 4
# ways tried for one row before giving up
SEARCH_BUDGET = 5000


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

    def take(self, at: int, length: int) -> set[int]:
        """Mark a piece as taken; return the pages it lies on."""
        self.taken[at : at + length] = b"\x01" * length
        return set(self.pages[at : at + length])

    def release(self, at: int, length: int) -> None:
        """Undo `take`."""
        self.taken[at : at + length] = bytes(length)


def _pieces(
    stream: _Stream, wanted: str, pages: range, short: bool, depth: int = 0
) -> Iterator[list[tuple[int, int]]]:
    """Yield, best first, the ways (lists of (position, length)) `wanted` can be printed:
    the first piece on the first of `pages` holding an unclaimed occurrence, each further
    one on the page after the piece before it. The piece that agrees longest may run
    into the next cell (whose text happens to go on the same way), so each shorter
    length follows."""
    if depth > MAX_PIECES:
        return
    for number in pages:
        full = min(ANCHOR, len(wanted))
        found = stream.candidates(wanted, number, full)
        best = sorted(found, key=lambda c: (-c[1], c[0]))[:3]
        # a cell whose part on this page is shorter than the anchor: the page's last text
        tails = (
            [
                c
                for size in range(full - 1, MIN_ANCHOR - 1, -1)
                for c in stream.candidates(wanted, number, size)
                if c[1] == size
            ]
            if short
            else []
        )
        if not best and not tails:
            continue
        for at, length in best + tails[:3]:
            for size in range(length, 0, -1):
                if size == len(wanted):
                    yield [(at, size)]
                    continue
                after = stream.pages[at + size - 1] + 1
                rest_pages = range(after, after + 1)
                for rest in _pieces(stream, wanted[size:], rest_pages, short, depth + 1):
                    yield [(at, size), *rest]
        return


def _row_pieces(
    stream: _Stream,
    cells: list[str],
    pages: range,
    budget: list[int],
    short: bool,
    same_page: bool,
) -> list[list[tuple[int, int]]] | None:
    """Claim pieces for every cell of a row, trying a cell's next way when a later cell
    of the row finds nothing left (an earlier cell ran into its text). With `same_page`,
    every cell must start on the page the first one starts on."""
    if not cells:
        return []
    for pieces in _pieces(stream, cells[0], pages, short):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        if any(stream.taken[at : at + length].count(1) for at, length in pieces):
            continue
        for at, length in pieces:
            stream.take(at, length)
        start = stream.pages[pieces[0][0]]
        rest_pages = range(start, start + 1) if same_page else pages
        rest = _row_pieces(stream, cells[1:], rest_pages, budget, short, same_page)
        if rest is not None:
            return [pieces, *rest]
        for at, length in pieces:
            stream.release(at, length)
    return None


def _claim_row(stream: _Stream, cells: list[str], page: int) -> list[list[tuple[int, int]]]:
    """Claim a row's cells, from the likeliest reading to the least: every cell starting
    on one page with pieces of a dozen characters; then allowing a cell's part at a
    page's foot to be shorter; then cells starting on different pages (a middle-aligned
    cell pushed past a page break)."""
    pages = range(page, min(page + LOOKAHEAD_PAGES, stream.last_page) + 1)
    for short, same_page in ((False, True), (True, True), (False, False), (True, False)):
        claimed = _row_pieces(stream, cells, pages, [SEARCH_BUDGET], short, same_page)
        if claimed is not None:
            return claimed
    raise PageFindingError(
        f"cells not all found on pages {pages.start}-{pages.stop - 1} ({cells[0][:40]!r} …)"
    )


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
        ways = _pieces(text, header, range(page, text.last_page + 1), short=False)
        first = next(ways, None)
        if first is None:
            raise PageFindingError(f"block {block.block}: header {header[:40]!r} not found")
        for at, length in first:
            text.take(at, length)
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
            cells = [_fold("".join(p)) for p in row.cells]
            long_cells = [c for c in cells if len(c) >= ANCHOR] or [max(cells, key=len)]
            try:
                claimed = _claim_row(text, long_cells, page)
            except PageFindingError as error:
                raise PageFindingError(f"row {row.objective_id}: {error}") from error
            row_pages = {text.pages[at] for pieces in claimed for at, _ in pieces}
            row_pages |= {
                text.pages[at + length - 1] for pieces in claimed for at, length in pieces
            }
            found.append(
                RowPages(block.block, row.seq, row.objective_id, min(row_pages), max(row_pages))
            )
            page = min(text.pages[pieces[0][0]] for pieces in claimed)
    return found
