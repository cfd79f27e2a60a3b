"""What a scan of some pages of a vector plan should give: the reference rows printed on
those pages. Each row is found on the pages of the vector PDF by its cells' text (a cell
may run on from one page to the next); a scan can then hold any run of pages that cuts
no row in two, and its truth is the reference transcription cut to the same rows."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

# the printed cells of a reference row, longest and most telling first
CELL_FIELDS = (
    "description",
    "expected_result",
    "indicator",
    "subject",
    "assignee",
    "dup",
    "deadline",
    "number",
)
# a paragraph this long is specific enough to tell its row's page
MIN_PARAGRAPH = 12
# a cell split over two pages keeps at least this much of it on each side
MIN_SPLIT = 4


class RowPlacementError(ValueError):
    """A reference row whose text is on none of the source's pages."""


@dataclass(frozen=True)
class RowPages:
    """The 1-based first and last page of a reference row (block and seq as in the
    reference)."""

    block: int
    seq: int
    first: int
    last: int


def squash(text: str) -> str:
    """Collapse whitespace (line breaks of wrapped cells included) into single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "").replace("\ufffe", "")).strip()


def pdf_to_page_texts(source: Path) -> list[str]:
    """Given a vector PDF, return the text of each page, whitespace collapsed."""
    document = pdfium.PdfDocument(source)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(squash(textpage.get_text_range()))
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def paragraph_to_pages(paragraph: str, texts: list[str], start: int) -> tuple[int, ...]:
    """Given a paragraph, the pages' texts and a 0-based page to start from, return the
    0-based pages it is printed on and blank it out there, so that the same words in a
    later row are found in that row's place: the first page holding all of it, else the
    first two pages holding its head and its tail; () when neither."""
    for k in range(start, len(texts)):
        if paragraph in texts[k]:
            texts[k] = texts[k].replace(paragraph, "\x00", 1)
            return (k,)
    for k in range(start, len(texts) - 1):
        for cut in range(len(paragraph) - MIN_SPLIT, MIN_SPLIT - 1, -1):
            head, tail = paragraph[:cut].strip(), paragraph[cut:].strip()
            if head in texts[k]:
                if tail in texts[k + 1]:
                    texts[k] = texts[k].replace(head, "\x00", 1)
                    texts[k + 1] = texts[k + 1].replace(tail, "\x00", 1)
                    return (k, k + 1)
                break
    return ()


def reference_to_row_pages(reference: dict[str, Any], page_texts: list[str]) -> list[RowPages]:
    """Given a reference transcription and its vector PDF's page texts, return the pages
    of every row, in reference order: its longest paragraph's pages, with the page before
    or after where its other cells are (rows are printed in order, so each is looked for
    from the page the row before it starts on; text found is used up)."""
    texts = list(page_texts)
    placed = []
    cursor = 0
    for block in reference["blocks"]:
        for row in block["objectives"]:
            paragraphs = sorted(
                {squash(p) for name in CELL_FIELDS for p in as_paragraphs(row, name)} - {""},
                key=len,
                reverse=True,
            )
            telling = [p for p in paragraphs if len(p) >= MIN_PARAGRAPH] or paragraphs
            found = [paragraph_to_pages(p, texts, cursor) for p in telling]
            anchor = next((pages for pages in found if pages), ())
            if not anchor:
                raise RowPlacementError(
                    f"block {block['block']} row {row['seq']}: none of its cells' text is "
                    f"on page {cursor + 1} or after"
                )
            near = range(min(anchor) - 1, max(anchor) + 2)
            pages = {k for f in found for k in f if k in near}
            first, last = min(pages), max(pages)
            placed.append(RowPages(block["block"], row["seq"], first + 1, last + 1))
            cursor = first
    return placed


def pdf_to_open_pages(source: Path, header_first: str, pages: Iterable[int]) -> set[int]:
    """Given a vector PDF, the first header cell of its plan tables ("n.") and 1-based
    pages, return those of them a scan may not start on: a page whose first ruled table
    does not begin with the plan header (a header printed once, on the table's first
    page, leaves the next pages' columns unnamed), whose first row under the header has a
    blank first cell (the rest of a row from the page before), or on which no ruled table
    is found (a borderless page cannot tell)."""
    open_pages = set()
    with pdfplumber.open(source) as pdf:
        for k in sorted(pages):
            tables = pdf.pages[k - 1].extract_tables()
            if not tables or not tables[0] or squash(str(tables[0][0][0] or "")) != header_first:
                open_pages.add(k)
                continue
            body = tables[0][1:]
            if body and not squash(str(body[0][0] or "")):
                open_pages.add(k)
    return open_pages


def as_paragraphs(row: dict[str, Any], name: str) -> list[str]:
    """Given a reference row and a cell's name, return the cell's paragraphs."""
    value = row.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def row_pages_to_cuts(rows: list[RowPages], pages: int, open_pages: set[int]) -> list[int]:
    """Given the rows' pages, the page count and the pages a scan may not start on, return
    the pages a run of pages may end on: those whose rows all end on them and after
    which comes a page a scan may start on or one that holds no row (the last page
    always)."""
    split = {k for row in rows for k in range(row.first, row.last)}
    holding = {k for row in rows for k in range(row.first, row.last + 1)}
    return [
        k
        for k in range(1, pages + 1)
        if k == pages or (k not in split and (k + 1 not in open_pages or k + 1 not in holding))
    ]


def cuts_to_windows(cuts: list[int], size: int) -> list[tuple[int, ...]]:
    """Given the pages a run may end on and a wished-for length, return runs of pages
    that cover the document in order, each at least `size` pages long when the cuts
    allow it (a short remainder joins the run before it)."""
    windows: list[tuple[int, ...]] = []
    start = 1
    for cut in cuts:
        if cut - start + 1 >= size or cut == cuts[-1]:
            windows.append(tuple(range(start, cut + 1)))
            start = cut + 1
    if len(windows) > 1 and len(windows[-1]) < max(size // 2, 1):
        windows[-2:] = [windows[-2] + windows[-1]]
    return windows


def relevance_page(reference: dict[str, Any], texts: list[str]) -> int | None:
    """Given a reference transcription and the page texts, return the 1-based page of the
    relevance table (the last page printing its heading and its first sector's label),
    or None."""
    relevance = reference.get("relevance") or {}
    heading = squash(str(relevance.get("heading", "")))
    rows = relevance.get("rows") or []
    label = squash(str(rows[0].get("label", ""))) if rows else ""
    found = [k + 1 for k, text in enumerate(texts) if heading and heading in text and label in text]
    return found[-1] if found else None


def reference_to_truth(
    reference: dict[str, Any], rows: list[RowPages], pages: list[int]
) -> dict[str, Any]:
    """Given a reference transcription, its rows' pages and the pages a scan holds,
    return the transcription cut to the rows wholly on those pages (blocks keep their
    numbers; a block with no row left is dropped)."""
    chosen = set(pages)
    keep = {(r.block, r.seq) for r in rows if all(k in chosen for k in range(r.first, r.last + 1))}
    truth = copy.deepcopy(reference)
    blocks = []
    for block in truth["blocks"]:
        block["objectives"] = [o for o in block["objectives"] if (block["block"], o["seq"]) in keep]
        if block["objectives"]:
            blocks.append(block)
    truth["blocks"] = blocks
    return truth


def pages_to_cut_rows(rows: list[RowPages], pages: list[int]) -> list[RowPages]:
    """Given the rows' pages and the pages a scan holds, return the rows it would hold
    only part of."""
    chosen = set(pages)
    return [
        r
        for r in rows
        if any(k in chosen for k in range(r.first, r.last + 1))
        and not all(k in chosen for k in range(r.first, r.last + 1))
    ]


def windows_to_holding(
    windows: list[tuple[int, ...]], rows: list[RowPages]
) -> list[tuple[int, ...]]:
    """Given runs of pages and the rows' pages, return the runs with each that holds no
    row (front matter, the relevance table's page) joined to the run after it, or to the
    one before when it is last: a scan with no plan row is no plan."""
    holding = {k for row in rows for k in range(row.first, row.last + 1)}
    joined: list[tuple[int, ...]] = []
    waiting: tuple[int, ...] = ()
    for window in windows:
        if holding.isdisjoint(window):
            waiting += window
            continue
        joined.append(waiting + window)
        waiting = ()
    if waiting and joined:
        joined[-1] += waiting
    return joined or ([waiting] if waiting else [])
