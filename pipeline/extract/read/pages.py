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
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser

from pipeline.core.progress import is_terminal, progress_bar
from pipeline.extract.page import Page
from pipeline.extract.read.pdfium import open_pdfium, pdfium_page_to_page
from pipeline.extract.read.plumber import (
    open_pdf,
    plumber_page_number_to_page,
    plumber_pdf_to_pages,
)
from pipeline.extract.read.settings import ReadSettings

# wraps the stream of pages of one PDF; `pdf_to_extraction(track=...)` takes one
PageTrack = Callable[[Iterable[Page]], Iterable[Page]]


def pdf_progress(path: Path, description: str, stream: TextIO | None = None) -> PageTrack | None:
    """Given a PDF and what is being done to it, return a function wrapping its stream
    of pages in a progress bar, or None when `stream` (default stderr) is no terminal
    (the PDF is then not opened an extra time to count its pages)."""
    stream = stream if stream is not None else sys.stderr
    if not is_terminal(stream):
        return None
    total = pdf_page_count(path)

    def track(pages: Iterable[Page]) -> Iterable[Page]:
        return progress_bar(pages, total, description, "page", stream)

    return track


def pdf_to_pages(path: Path, settings: ReadSettings | None = None) -> Iterator[Page]:
    """Given a PDF path, yield its pages one at a time, freeing each after use so memory
    stays flat on long documents; scanned pages come with their picture. The `pdfium`
    engine reads what it can and hands the other pages to the pdfplumber reader."""
    settings = settings or ReadSettings()
    if settings.engine == "pdfplumber":
        yield from plumber_pdf_to_pages(path, settings)
        return
    document = open_pdfium(path)
    if document is None:
        yield from plumber_pdf_to_pages(path, settings)
        return
    plumber: pdfplumber.PDF | None = None
    try:
        for index in range(len(document)):
            try:
                page = pdfium_page_to_page(document, index, settings)
            except (pdfium.PdfiumError, ValueError, OSError):
                page = None  # a page PDFium cannot take apart: pdfminer may still read it
            if page is None:
                plumber = plumber or open_pdf(path)
                page = plumber_page_number_to_page(plumber, index, lambda: document, path, settings)
            yield page
    finally:
        document.close()
        if plumber is not None:
            plumber.close()


def pdf_is_encrypted(path: Path) -> bool:
    """Given a PDF that opens without a password, return True when it is encrypted all
    the same (an empty user password, the owner's restrictions only)."""
    with path.open("rb") as handle:  # the document alone: no page is parsed
        return PDFDocument(PDFParser(handle)).encryption is not None


def pdf_page_count(path: Path) -> int:
    """Given a PDF path, return its number of pages."""
    pdf = open_pdf(path)
    try:
        return len(pdf.pages)
    finally:
        pdf.close()
