"""The extract stage: a plan PDF → logical rows, cell boxes, relevance table and the
document's identity. Pages are streamed one at a time; the grid finder is chosen per page
and the choice is logged as a finding.

A scanned page takes three more steps: it is turned straight by the skew of its ruling
lines, an image-only page gets its words by OCR, and the cells of its tables are read
again with Tesseract one by one. OCR readings are cached on disk (`ocr.cache_dir`), and
pages are worked on `ocr.workers` at a time (Tesseract runs as its own process, so
threads keep every core busy)."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from pipeline.document import DocumentInfo, lines_to_document_info
from pipeline.errors import ExtractionError, OcrUnavailableError
from pipeline.find_grid import FINDERS, Finder, GridChoice, page_to_tables
from pipeline.grid import Table
from pipeline.grid_image import ImageGridSettings, page_to_image_tables, page_to_straight_page
from pipeline.grid_text import TextSettings, page_to_text_tables
from pipeline.ocr import OcrCache, OcrSettings
from pipeline.ocr_cells import CellOcrSettings, page_to_read_tables
from pipeline.ocr_page import page_to_ocr_page
from pipeline.page import Page
from pipeline.quality import Finding
from pipeline.read_pdf import ReadSettings, pdf_is_encrypted, pdf_to_pages
from pipeline.rows import RowSettings, plan_to_frames, tables_to_plan
from pipeline.timing import StageTimings


def dataclass_from_params(cls: Any, params: dict[str, Any] | None) -> Any:
    """Given a settings dataclass and a params.yaml section, return the settings; unknown
    keys raise ValueError naming them."""
    params = params or {}
    known = {f.name for f in fields(cls)}
    unknown = set(params) - known
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown setting(s) {', '.join(sorted(unknown))}")
    return cls(**params)


@dataclass(frozen=True)
class ExtractSettings:
    """Settings of the extract stage, one section per step (params.yaml `extract:`)."""

    read: ReadSettings = field(default_factory=ReadSettings)
    text_grid: TextSettings = field(default_factory=TextSettings)
    rows: RowSettings = field(default_factory=RowSettings)
    image_grid: ImageGridSettings = field(default_factory=ImageGridSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    cells: CellOcrSettings = field(default_factory=CellOcrSettings)

    @classmethod
    def from_params(cls, params: dict[str, Any] | None) -> ExtractSettings:
        params = params or {}
        sections = {f.name: f for f in fields(cls)}
        unknown = set(params) - set(sections)
        if unknown:
            raise ValueError(f"extract: unknown section(s) {', '.join(sorted(unknown))}")
        return cls(
            **{
                name: dataclass_from_params(type(getattr(cls(), name)), params.get(name))
                for name in sections
            }
        )


def settings_to_finders(settings: ExtractSettings) -> list[tuple[str, Finder]]:
    """Given the extract settings, return find_grid's finders in their order, the text
    and image finders with their settings."""
    configured = {
        "text": partial(page_to_text_tables, settings=settings.text_grid),
        "image": partial(page_to_image_tables, settings=settings.image_grid),
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


def file_sha256(path: Path) -> str:
    """Given a path, return the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
    """Given a page as read from the PDF, return it (straightened, and with OCR words when
    it is image-only), its tables (a scan's cells read again from the picture) and the
    grid finder's choice; a vector page only has its grid found. `timings`, if given,
    gets the seconds of finding the grid (`grid`) and of OCR (`ocr`)."""
    timings = timings if timings is not None else StageTimings()
    if page.image is None:
        with timings.stage("grid"):
            tables, choice = page_to_tables(page, finders)
        return page, tables, choice
    with timings.stage("grid"):
        page = page_to_straight_page(page, settings.image_grid)
        tables, choice = page_to_tables(page, finders)
    with timings.stage("ocr"):
        page = page_to_ocr_page(page, tables, cache, settings.ocr)
        tables = page_to_read_tables(
            page, tables, cache, settings.ocr, settings.cells, settings.image_grid
        )
    return page, tables, choice


def page_to_findings(page: Page) -> list[Finding]:
    """Given a page as read, return what is odd about it but was read anyway: a page
    displayed turned (its /Rotate), read after turning it upright."""
    if not page.rotation:
        return []
    return [
        Finding(
            field="page",
            rule="page_rotated",
            severity="info",
            raw_value=str(page.rotation),
            normalised_value="0",
            page=page.number,
            message=f"page {page.number} is displayed turned by {page.rotation}°; its words and "
            "rulings were turned upright before reading",
        )
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


def pdf_to_extraction(
    path: Path,
    settings: ExtractSettings | None = None,
    track: Callable[[Iterable[Page]], Iterable[Page]] | None = None,
    timings: StageTimings | None = None,
) -> Extraction:
    """Given a plan PDF, return its Extraction; raise InputError for an unreadable file,
    ExtractionError for a PDF with no plan table and OcrUnavailableError when a scanned
    page needs OCR that is neither cached nor installed. `track`, if given, wraps the
    stream of pages as they are read (a progress bar: `pipeline.progress.pdf_progress`;
    with OCR workers it runs up to `ocr.workers` pages ahead of the work). `timings`, if
    given, gets the seconds spent reading pages (`read`), finding their grids (`grid`),
    reading scans by OCR (`ocr`, in worker threads), waiting for those threads
    (`ocr_wait`) and assembling rows (`rows`)."""
    settings = settings or ExtractSettings()
    timings = timings if timings is not None else StageTimings()
    choices: list[GridChoice] = []
    page_findings: list[Finding] = []
    cache = OcrCache(Path(settings.ocr.cache_dir))
    pages = pdf_to_pages(path, settings.read)
    finders = settings_to_finders(settings)

    def read(page: Page) -> tuple[Page, list[Table], GridChoice]:
        try:
            return page_to_read_page(page, settings, cache, finders, timings)
        except OcrUnavailableError as error:
            raise replace(error, file=path.name, page=page.number) from error

    def timed_pages() -> Iterator[Page]:
        stream = iter(track(pages) if track else pages)
        while True:
            with timings.stage("read"):
                page = next(stream, None)
            if page is None:
                return
            yield page

    def pages_with_tables() -> Iterator[tuple[Page, list[Table]]]:
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
            choices.append(choice)
            page_findings.extend(page_to_findings(page))
            yield page, tables

    with timings.stage("rows"):
        plan = tables_to_plan(pages_with_tables(), path.name, settings.rows)
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
        len(choices),
        info,
        rows,
        cells,
        relevance,
        choices,
        findings,
        ocr_runs=cache.misses,
    )
