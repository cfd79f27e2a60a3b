"""The extract stage: a plan PDF → logical rows, cell boxes, relevance table and the
document's identity. Pages are streamed one at a time; the grid finder is chosen per page
and the choice is logged as a finding.

A scanned page takes three more steps: it is turned straight by the skew of its ruling
lines, an image-only page gets its words by OCR, and the cells of its tables are read
again with Tesseract one by one. OCR readings are cached on disk (`ocr.cache_dir`), and
pages are worked on `ocr.workers` at a time (Tesseract runs as its own process, so
threads keep every core busy)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from pipeline.core.contract import EXTRACTION_FILE
from pipeline.core.errors import CellTooLongError, ExtractionError, InputError, OcrUnavailableError
from pipeline.core.folders import file_sha256, tables_to_folder
from pipeline.core.project import default_ocr_cache_dir
from pipeline.core.quality import Finding, findings_to_frame
from pipeline.core.settings import Settings, setting
from pipeline.core.timing import StageTimings
from pipeline.extract.document import DocumentInfo, lines_to_document_info
from pipeline.extract.grid.choose import FINDERS, Finder, GridChoice, page_to_tables
from pipeline.extract.grid.image import (
    ImageGridSettings,
    page_to_image_tables,
    page_to_straight_page,
)
from pipeline.extract.grid.model import Table
from pipeline.extract.grid.ruled import RuledSettings, page_to_ruled_tables
from pipeline.extract.grid.text import (
    TextSettings,
    page_to_continued_table,
    page_to_margin_keys,
    page_to_text_tables,
)
from pipeline.extract.header import HeaderSettings
from pipeline.extract.ocr.cells import CellOcrSettings, page_to_read_tables, reading_confidence
from pipeline.extract.ocr.glyphs import page_to_mended_page
from pipeline.extract.ocr.orient import (
    orientation_to_turns,
    page_looks_sideways,
    page_to_orientation,
    page_to_turned_page,
    page_to_upright_page,
)
from pipeline.extract.ocr.page import page_to_ocr_page
from pipeline.extract.ocr.tesseract import OcrCache, OcrSettings
from pipeline.extract.page import Page
from pipeline.extract.read.pages import PageTrack, pdf_is_encrypted, pdf_to_pages
from pipeline.extract.read.settings import ReadSettings
from pipeline.extract.rows import RowSettings, plan_to_frames, tables_to_plan

DEFAULT_ON_UNREADABLE_PAGE = "stop"
UNREADABLE_PAGE_CHOICES = ("stop", "skip")
DEFAULT_MAX_CELL_CHARS = 20_000  # a cell of a plan holds a paragraph or two


@dataclass(frozen=True)
class ExtractSettings(Settings):
    """Settings of the extract stage, one section per step (params.yaml `extract:`)."""

    read: ReadSettings = setting(factory=ReadSettings)
    ruled_grid: RuledSettings = setting(factory=RuledSettings)
    image_grid: ImageGridSettings = setting(factory=ImageGridSettings)
    text_grid: TextSettings = setting(factory=TextSettings)
    header: HeaderSettings = setting(factory=HeaderSettings)
    rows: RowSettings = setting(factory=RowSettings)
    ocr: OcrSettings = setting(factory=OcrSettings)
    cells: CellOcrSettings = setting(factory=CellOcrSettings)
    # a page that cannot be read (a damaged content stream): stop the run, or read the
    # rest and report it (an `error` finding, document.json's `unreadable_pages`)
    on_unreadable_page: str = setting(DEFAULT_ON_UNREADABLE_PAGE, choices=UNREADABLE_PAGE_CHOICES)
    max_cell_chars: int = setting(DEFAULT_MAX_CELL_CHARS, low=1)


def settings_to_finders(settings: ExtractSettings) -> list[tuple[str, Finder]]:
    """Given the extract settings, return the grid finders in their order, each with its
    settings."""
    configured: dict[str, Finder] = {
        "ruled": partial(page_to_ruled_tables, settings=settings.ruled_grid),
        "image": partial(
            page_to_image_tables, settings=settings.image_grid, ruled=settings.ruled_grid
        ),
        "text": partial(page_to_text_tables, settings=settings.text_grid, header=settings.header),
    }
    return [(name, configured.get(name, finder)) for name, finder in FINDERS]


@dataclass
class Extraction:
    """What the extract stage read from one PDF."""

    source: str
    sha256: str
    pages: int
    info: DocumentInfo
    rows: pd.DataFrame
    cells: pd.DataFrame
    relevance: pd.DataFrame
    choices: list[GridChoice]
    findings: list[Finding]
    ocr_runs: int = 0  # Tesseract calls made (0 when every reading came from the cache)
    unreadable_pages: list[int] = field(default_factory=list)  # skipped (on_unreadable_page)


Item = TypeVar("Item")
Result = TypeVar("Result")


def map_ahead(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    workers: int,
    inline: Callable[[Item], bool] | None = None,
) -> Iterator[Result]:
    """Given a function, items and a number of workers, yield function(item) for each
    item in order, working on at most `workers` items at once in threads (so memory stays
    flat: items are taken from the iterator only as workers free up). An item `inline`
    says is cheap is worked on in the calling thread when no earlier item is pending
    (a thread would only add switching under the GIL)."""
    if workers <= 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[Result]] = deque()
        for item in items:
            if not pending and inline is not None and inline(item):
                yield function(item)
                continue
            pending.append(pool.submit(function, item))
            if len(pending) >= workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def page_to_read_page(
    page: Page,
    settings: ExtractSettings,
    cache: OcrCache,
    finders: list[tuple[str, Finder]] | None = None,
    timings: StageTimings | None = None,
) -> tuple[Page, list[Table], GridChoice]:
    """Given a page as read from the PDF, return it (straightened, turned upright, and
    with OCR words when it is read from its picture), its tables (a scan's cells read
    again from the picture) and the grid finder's choice; a vector page only has its grid
    found. `timings`, if given, gets the seconds of finding the grid (`grid`) and of OCR
    (`ocr`)."""
    timings = timings if timings is not None else StageTimings()
    if page.image is None:
        with timings.stage("ocr"):
            page = page_to_mended_page(page, cache, settings.ocr)
        with timings.stage("grid"):
            tables, choice = page_to_tables(page, finders)
        return page, tables, choice
    with timings.stage("grid"):
        page = page_to_straight_page(page, settings.image_grid)

    def read(page: Page) -> tuple[Page, list[Table], GridChoice]:
        with timings.stage("grid"):
            tables, choice = page_to_tables(page, finders)
        with timings.stage("ocr"):
            tables = page_to_read_tables(
                page, tables, cache, settings.ocr, settings.cells, settings.image_grid
            )
        return page, tables, choice

    if page.kind == "image_only" and page_looks_sideways(page):
        # letters stacked, not side by side: OSD's confident turn is taken first, as
        # reading a sheet fed sideways only to find its cells unreadable costs more than
        # asking OSD. It is not asked of other pages before their cells are read: it
        # costs a second a page, and a page upside down reads poorly (below)
        with timings.stage("ocr"):
            page = page_to_upright_page(page, cache, settings.ocr)
    best = read(page)
    if not best[1]:
        # a page with no table: a sheet fed sideways shows its table's rows as columns,
        # so OSD's confident turn is taken before looking again
        with timings.stage("ocr"):
            upright = page_to_upright_page(page, cache, settings.ocr)
        if upright is not page:
            best = read(upright)
    elif best[1] and (score := reading_confidence(best[1])) < settings.ocr.min_upright_confidence:
        # cells that read poorly (an OCR layer made of the picture as it was fed, or a
        # turn OSD could not tell at 150 dpi) are read turned, OSD's guess first however
        # unsure, and only by the turns its letters allow: a quarter turn where they
        # stack, a half turn where they stand side by side (a sparse page's garbage may
        # read with more confidence upside down than its text sideways); the turn whose
        # cells read best is kept
        with timings.stage("ocr"):
            guess = page_to_orientation(page, cache, settings.ocr)
            turns = orientation_to_turns(guess, page_looks_sideways(page))
        for turn in turns:
            turned = read(page_to_turned_page(page, turn))
            if (turned_score := reading_confidence(turned[1])) > score:
                best, score = turned, turned_score
            if score >= settings.ocr.min_upright_confidence:
                break
    page, tables, choice = best
    with timings.stage("ocr"):
        page = page_to_ocr_page(page, tables, cache, settings.ocr)
    return page, tables, choice


def page_to_findings(page: Page) -> list[Finding]:
    """Given a page as read, return what is odd about it but was read anyway: words whose
    lost glyphs were read from the page, a page displayed turned (its /Rotate), or a scan
    whose picture is turned (a sheet fed sideways or upside down), read after turning it
    upright."""
    findings = [
        Finding(
            field="page",
            rule="unmapped_glyph_read",
            severity="warning",
            raw_value=printed,
            normalised_value=read,
            page=page.number,
            message=f"page {page.number}: the PDF's text layer maps a glyph of {printed!r} "
            f"to no letter; the page, read by OCR, prints {read!r}",
        )
        for printed, read in page.mended_words
    ]
    if page.picture_turn:
        findings.append(
            Finding(
                field="page",
                rule="scan_turned",
                severity="info",
                raw_value=str(page.picture_turn),
                normalised_value="0",
                page=page.number,
                message=f"page {page.number} is a scan whose picture is turned by "
                f"{page.picture_turn}° (by Tesseract's orientation detection, or as the "
                "turn its cells read best in); it was read from its picture turned "
                "upright, any OCR text layer set aside",
            )
        )
    displayed = (page.rotation - page.picture_turn) % 360
    if not displayed:
        return findings
    return [
        *findings,
        Finding(
            field="page",
            rule="page_rotated",
            severity="info",
            raw_value=str(displayed),
            normalised_value="0",
            page=page.number,
            message=f"page {page.number} is displayed turned by {displayed}°; its words and "
            "rulings were turned upright before reading",
        ),
    ]


def pdf_to_findings(path: Path) -> list[Finding]:
    """Given a PDF path, return what is odd about the file but did not stop the reading:
    encryption that needs no password (owner restrictions only)."""
    if not pdf_is_encrypted(path):
        return []
    return [
        Finding(
            field="file",
            rule="pdf_encrypted",
            severity="info",
            raw_value=path.name,
            normalised_value=None,
            message="the PDF is encrypted with an empty user password (the owner restricts "
            "printing or copying); it was read as usual",
        )
    ]


def unreadable_page_to_finding(page: Page) -> Finding:
    """Given a page that could not be read and was skipped, return its `error` finding."""
    return Finding(
        field="page",
        rule="page_unreadable",
        severity="error",
        raw_value=str(page.unreadable),
        normalised_value=None,
        page=page.number,
        message=f"page {page.number} cannot be read ({page.unreadable}); it was skipped "
        "(extract: on_unreadable_page: skip), so its objectives are missing",
    )


def check_cell_chars(page: Page, tables: list[Table], file: str, limit: int) -> None:
    """Given a page, its tables and the limit, raise CellTooLongError when a word of the
    page or a cell of its tables holds more characters than `limit`."""
    longest = max((len(w.text) for w in page.words), default=0)
    for table in tables:
        for cell in table.cells:
            longest = max(longest, sum(len(w.text) + 1 for w in cell.words) - 1)
    if longest > limit:
        raise CellTooLongError(
            f"a table cell holds {longest:,} characters, more than extract.max_cell_chars "
            f"({limit:,}) allows",
            file=file,
            page=page.number,
        )


def ocr_cache_to_findings(cache: OcrCache) -> list[Finding]:
    """Given the OCR cache after a run, return a warning per entry that could not be
    read back (the page was read again by OCR and the entry written anew)."""
    return [
        Finding(
            field="ocr_cache",
            rule="ocr_cache_entry_unreadable",
            severity="warning",
            raw_value=path.name,
            normalised_value=None,
            message=f"the OCR cache entry {path} could not be read ({why}); the picture "
            "was read again by OCR",
        )
        for path, why in cache.bad_entries
    ]


def pdf_to_extraction(
    path: Path,
    settings: ExtractSettings | None = None,
    track: Callable[[Iterable[Page]], Iterable[Page]] | None = None,
    timings: StageTimings | None = None,
) -> Extraction:
    """Given a plan PDF, return its Extraction; raise InputError for an unreadable file,
    ExtractionError for a PDF with no plan table and OcrUnavailableError when a scanned
    page needs OCR that is neither cached nor installed. `track`, if given, wraps the
    stream of pages as they are read (a progress bar: `pipeline.extract.read.pages.pdf_progress`;
    with OCR workers it runs up to `ocr.workers` pages ahead of the work). `timings`, if
    given, gets the seconds spent reading pages (`read`), finding their grids (`grid`),
    reading scans by OCR (`ocr`, in worker threads), waiting for those threads
    (`ocr_wait`) and assembling rows (`rows`)."""
    settings = settings or ExtractSettings()
    timings = timings if timings is not None else StageTimings()
    choices: list[GridChoice] = []
    page_findings: list[Finding] = []
    cache = OcrCache(
        Path(settings.ocr.cache_dir) if settings.ocr.cache_dir else default_ocr_cache_dir()
    )
    pages = pdf_to_pages(path, settings.read)
    finders = settings_to_finders(settings)

    unreadable: list[Page] = []

    def read(page: Page) -> tuple[Page, list[Table], GridChoice]:
        try:
            page, tables, choice = page_to_read_page(page, settings, cache, finders, timings)
        except OcrUnavailableError as error:
            raise replace(error, file=path.name, page=page.number) from error
        check_cell_chars(page, tables, path.name, settings.max_cell_chars)
        return page, tables, choice

    def timed_pages() -> Iterator[Page]:
        stream = iter(track(pages) if track else pages)
        while True:
            with timings.stage("read"):
                page = next(stream, None)
            if page is None:
                return
            if page.unreadable is not None:
                if settings.on_unreadable_page == "stop":
                    raise InputError(
                        f"cannot read the page: {page.unreadable} (extract: "
                        "on_unreadable_page: skip reads the other pages)",
                        file=path.name,
                        page=page.number,
                    )
                unreadable.append(page)
                continue
            yield page

    def tables_with_continuation(
        page: Page,
        tables: list[Table],
        choice: GridChoice,
        previous: Table | None,
        running: set[tuple[str, int]],
    ) -> tuple[list[Table], GridChoice]:
        # a borderless table printed its header once: the page goes on with its rows
        if previous is None or any(t.finder != "text" for t in tables):
            return tables, choice
        # only a row the page broke told a table's alignment: the document's stands
        prior = previous.alignment
        if all(t.alignment_sure or t.alignment == prior for t in tables):
            prior = None
        limit = min((t.top for t in tables), default=float("inf"))
        with timings.stage("grid"):
            continued = page_to_continued_table(
                page, previous, limit, running, settings.text_grid, settings.header
            )
        if prior is not None or (continued is not None and tables):
            # read again once: under rows going on from the page before, the first
            # header's table starts with a row of its own, not the end of a broken one
            with timings.stage("grid"):
                tables = page_to_text_tables(
                    page, settings.text_grid, settings.header, prior, continued is not None
                )
        if continued is None:
            return tables, choice
        reason = f"{choice.reason}; a borderless table goes on from page {page.number - 1}"
        return [continued, *tables], GridChoice(page.number, "text", len(tables) + 1, reason)

    def pages_with_tables() -> Iterator[tuple[Page, list[Table]]]:
        previous: Table | None = None  # the last table read, which a page may go on with
        running: set[tuple[str, int]] = set()  # lines in the margins of pages read
        # a vector page's grid is found in this thread; scanned pages go to the workers
        done = map_ahead(
            read, timed_pages(), settings.ocr.workers, inline=lambda page: page.image is None
        )
        while True:
            with timings.stage("ocr_wait"):
                item = next(done, None)
            if item is None:
                return
            page, tables, choice = item
            tables, choice = tables_with_continuation(page, tables, choice, previous, running)
            choices.append(choice)
            page_findings.extend(page_to_findings(page))
            if tables:
                previous = max(tables, key=lambda t: t.top)
            running |= page_to_margin_keys(page)
            yield page, tables

    with timings.stage("rows"):
        plan = tables_to_plan(pages_with_tables(), path.name, settings.rows, settings.header)
        rows, cells, relevance = plan_to_frames(plan)
    if rows.empty:
        raise ExtractionError("the plan tables hold no objective rows", file=path.name)
    with timings.stage("rows"):
        info = lines_to_document_info([text for _, text in plan.outside_lines])
    with timings.stage("read"):
        findings = (
            pdf_to_findings(path)
            + [c.to_finding() for c in choices]
            + page_findings
            + [unreadable_page_to_finding(p) for p in unreadable]
            + ocr_cache_to_findings(cache)
            + plan.findings
        )
    if relevance.empty:
        findings.append(
            Finding(
                field="relevance",
                rule="relevance_table_missing",
                severity="warning",
                raw_value=None,
                normalised_value=None,
                message="no 'Rilevanza degli obiettivi' table was found",
            )
        )
    with timings.stage("read"):
        sha256 = file_sha256(path)
    return Extraction(
        path.name,
        sha256,
        len(choices) + len(unreadable),
        info,
        rows,
        cells,
        relevance,
        choices,
        findings,
        ocr_runs=cache.misses,
        unreadable_pages=sorted(p.number for p in unreadable),
    )


def extraction_to_tables(
    extraction: Extraction,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given an Extraction, return what the stage hands on: its tables by name
    (EXTRACTION_TABLES: rows, cells, relevance, quality) and extraction.json's content."""
    meta = {
        "source": extraction.source,
        "sha256": extraction.sha256,
        "pages": extraction.pages,
        "info": vars(extraction.info),
        "grid": [vars(c) for c in extraction.choices],
    }
    if extraction.unreadable_pages:  # only then, so a whole plan's file is as it was
        meta["unreadable_pages"] = extraction.unreadable_pages
    tables = {
        "rows": extraction.rows,
        "cells": extraction.cells,
        "relevance": extraction.relevance,
        "quality": findings_to_frame(extraction.findings, extraction.info.revision or ""),
    }
    return tables, meta


def extraction_to_folder(extraction: Extraction, out_dir: Path) -> None:
    """Given an Extraction, write its tables and extraction.json to `out_dir`, all or
    nothing."""
    tables, meta = extraction_to_tables(extraction)
    tables_to_folder(tables, meta, out_dir, EXTRACTION_FILE)


def pdf_to_extraction_folder(
    source: Path, out: Path, settings: ExtractSettings, track: PageTrack | None = None
) -> None:
    """Given a plan PDF and the stage's settings, write what the extract stage reads from
    it into `out`, all or nothing."""
    extraction_to_folder(pdf_to_extraction(source, settings, track), out)
