"""Read a PDF into the page model: words (with trailing-space flags) and ruling segments
from vector paths, and the kind of each page. A scanned page (one picture covering the
page, with or without an OCR text layer) also gets its picture, rendered with pypdfium2
at the scan's own resolution. This is the only module of the extraction that opens the
PDF file.

Two readers give the same page model (`ReadSettings.engine`): `pdfium` takes characters
and paths from PDFium through pypdfium2 (C, about ten times faster than pdfminer's
parsing) and builds each character's box as pdfminer does (advance width, baseline and
font size); `pdfplumber` is the pdfminer reader, and reads every page `pdfium` does not
take: scanned, turned (/Rotate) or without text.

Before a page is read, what it may cost is checked (`pipeline.extract.read.limits`): the
document's pages, the page's words, and whether its content streams inflate. A page that
cannot be read comes as an empty page saying why (`Page.unreadable`); the extract stage
stops there or skips it (`extract: on_unreadable_page`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from pipeline.core.progress import progress_bar
from pipeline.extract.page import Page
from pipeline.extract.read.limits import (
    check_page_count,
    check_page_words,
    pdfminer_page_problem,
)
from pipeline.extract.read.pdfium import open_pdfium, pdfium_page_to_page
from pipeline.extract.read.plumber import (
    open_pdf,
    page_with_glyph_picture,
    plumber_page_number_to_page,
    plumber_pdf_to_pages,
)
from pipeline.extract.read.settings import ReadSettings

# wraps the stream of pages of one PDF; `pdf_to_extraction(track=...)` takes one
PageTrack = Callable[[Iterable[Page]], Iterable[Page]]


def pdf_progress(
    path: Path, description: str, stream: TextIO | None = None, lines: TextIO | None = None
) -> PageTrack:
    """Given a PDF and what is being done to it, return a function wrapping its stream
    of pages in a progress bar on `stream` (default stderr) if that is a terminal, else
    in one line per page on `lines` (default stdout). The pages are counted first, unless
    the PDF cannot be opened: reading it says why."""
    try:
        total: int | None = pdf_page_count(path)
    except Exception:  # the read that follows reports what is wrong with the file
        total = None

    def track(pages: Iterable[Page]) -> Iterable[Page]:
        return progress_bar(pages, total, description, "page", stream, lines)

    return track


def pdf_to_pages(path: Path, settings: ReadSettings | None = None) -> Iterator[Page]:
    """Given a PDF path, yield its pages one at a time, freeing each after use so memory
    stays flat on long documents; scanned pages come with their picture. The `pdfium`
    engine reads what it can and hands the other pages to the pdfplumber reader. A page
    that cannot be read comes empty, `unreadable` saying why; a document or page past a
    limit of `settings` raises its error before it is read."""
    settings = settings or ReadSettings()
    document = open_pdfium(path)
    if settings.engine == "pdfplumber" and document is not None:
        # PDFium counts the pages without reading them; pdfminer would read every one
        try:
            check_page_count(len(document), path.name, settings)
        finally:
            document.close()
        document = None
    if document is None:
        yield from plumber_pdf_to_pages(path, settings)
        return
    plumber: pdfplumber.PDF | None = None
    try:
        check_page_count(len(document), path.name, settings)
        streams = pdf_to_stream_problems(path, len(document))
        for index in range(len(document)):
            problem = next(streams, None)
            check_page_words(document, index, path.name, settings)
            page: Page | None = None
            if problem is None:
                try:
                    page = pdfium_page_to_page(document, index, settings)
                except (pdfium.PdfiumError, ValueError, OSError):
                    page = None  # a page PDFium cannot take apart: pdfminer may still read it
                if page is None:
                    plumber = plumber or open_pdf(path)
                    page = plumber_page_number_to_page(
                        plumber, index, lambda: document, path, settings
                    )
            if page is None:
                yield unreadable_page(document, index, str(problem))
            else:
                yield page_with_glyph_picture(page, lambda: document, settings)
    finally:
        document.close()
        if plumber is not None:
            plumber.close()


def unreadable_page(document: pdfium.PdfDocument, index: int, problem: str) -> Page:
    """Given an open pypdfium2 document, a 0-based page index and what is wrong with the
    page, return it as an empty page saying so."""
    page = document[index]
    try:
        width, height = page.get_size()
    finally:
        page.close()
    return Page(number=index + 1, width=width, height=height, unreadable=problem)


def pdf_to_stream_problems(path: Path, count: int) -> Iterator[str | None]:
    """Given a PDF path and its number of pages as PDFium counts them, yield for each page
    in order why its content streams cannot be read, or None; nothing at all when
    pdfminer cannot open the file or finds another number of pages (its pages would not
    be PDFium's)."""
    with path.open("rb") as handle:
        try:
            pages: list[Any] = list(PDFPage.create_pages(PDFDocument(PDFParser(handle))))
        except Exception:  # pdfminer's many errors on a file only PDFium can open
            return
        if len(pages) != count:
            return
        for page in pages:
            yield pdfminer_page_problem(page)


def pdf_is_encrypted(path: Path) -> bool:
    """Given a PDF that opens without a password, return True when it is encrypted all
    the same (an empty user password, the owner's restrictions only)."""
    with path.open("rb") as handle:  # the document alone: no page is parsed
        return PDFDocument(PDFParser(handle)).encryption is not None


def pdf_page_count(path: Path) -> int:
    """Given a PDF path, return its number of pages (PDFium counts without reading the
    pages; pdfplumber tells what is wrong with a file PDFium cannot open)."""
    document = open_pdfium(path)
    if document is not None:
        try:
            return len(document)
        finally:
            document.close()
    pdf = open_pdf(path)
    try:
        return len(pdf.pages)
    finally:
        pdf.close()
