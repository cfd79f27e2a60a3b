"""Read a PDF into the page model with pdfplumber: words (with trailing-space flags) and
ruling segments from vector paths, and the kind of each page. A scanned page (one picture
covering the page, with or without an OCR text layer) also gets its picture, rendered
with pypdfium2 at the scan's own resolution. This is the only module of the extraction
that opens the PDF file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import InputError
from pipeline.page import Page, PageImage, PageKind, Ruling, Word

DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_MIN_RULING_LENGTH = 3.0
DEFAULT_MIN_IMAGE_COVER = 0.8  # share of the page one picture covers on a scanned page
DEFAULT_MIN_INVISIBLE_SHARE = 0.5  # share of invisible text that makes an OCR layer
DEFAULT_MIN_SCAN_DPI = 150.0  # a scan's picture is rendered at its own resolution,
DEFAULT_MAX_SCAN_DPI = 400.0  # kept within these bounds


@dataclass(frozen=True)
class ReadSettings:
    """How characters become words and paths become rulings."""

    x_tolerance: float = DEFAULT_X_TOLERANCE
    y_tolerance: float = DEFAULT_Y_TOLERANCE
    min_ruling_length: float = DEFAULT_MIN_RULING_LENGTH
    min_image_cover: float = DEFAULT_MIN_IMAGE_COVER
    min_invisible_share: float = DEFAULT_MIN_INVISIBLE_SHARE
    min_scan_dpi: float = DEFAULT_MIN_SCAN_DPI
    max_scan_dpi: float = DEFAULT_MAX_SCAN_DPI

    def __post_init__(self) -> None:
        if self.x_tolerance <= 0 or self.y_tolerance <= 0 or self.min_ruling_length < 0:
            raise ValueError("read settings: tolerances must be > 0 and lengths >= 0")
        if not (0 < self.min_image_cover <= 1 and 0 <= self.min_invisible_share <= 1):
            raise ValueError("read settings: min_image_cover must be in (0, 1] and "
                             "min_invisible_share in [0, 1]")
        if not 0 < self.min_scan_dpi <= self.max_scan_dpi:
            raise ValueError("read settings: need 0 < min_scan_dpi <= max_scan_dpi")


def open_pdf(path: Path, password: str = "") -> pdfplumber.PDF:
    """Given a path, return an open pdfplumber PDF or raise InputError naming the file."""
    name = path.name
    if not path.exists():
        raise InputError("file not found", file=str(path))
    try:
        pdf = pdfplumber.open(path, password=password)
        pages = pdf.pages
    except PDFPasswordIncorrect as error:
        raise InputError("the PDF is encrypted with a password", file=name) from error
    except (PDFSyntaxError, Exception) as error:  # pdfminer raises many unrelated kinds
        if isinstance(error, InputError):
            raise
        raise InputError(f"not a readable PDF ({type(error).__name__}: {error})",
                         file=name) from error
    if not pages:
        pdf.close()
        raise InputError("the PDF has no pages", file=name)
    return pdf


def chars_to_words(chars: list[dict[str, Any]], settings: ReadSettings,
                   rulings: list[Ruling] | None = None, text_flow: bool = False) -> list[Word]:
    """Given pdfplumber chars in stream order (and the page's rulings), return words with
    their boxes and whether a space character follows each in the text layer; a word
    that a vertical ruling crosses is split there (text of two cells set too close).
    With `text_flow` words follow the stream order instead of their positions."""
    extractor = WordExtractor(
        x_tolerance=settings.x_tolerance, y_tolerance=settings.y_tolerance,
        keep_blank_chars=False, use_text_flow=text_flow,
    )
    position = {id(c): i for i, c in enumerate(chars)}
    verticals = [r for r in rulings or [] if r.orientation == "v"]
    words = []
    for _, word_chars in extractor.iter_extract_tuples(chars):
        after = position[id(word_chars[-1])] + 1
        space_after = after < len(chars) and chars[after]["text"].isspace()
        groups = split_at_rulings(word_chars, verticals)
        for k, group in enumerate(groups):
            words.append(Word(
                "".join(c["text"] for c in group),
                float(min(c["x0"] for c in group)), float(min(c["top"] for c in group)),
                float(max(c["x1"] for c in group)), float(max(c["bottom"] for c in group)),
                space_after if k == len(groups) - 1 else False,
            ))
    return words


def split_at_rulings(chars: list[dict[str, Any]], verticals: list[Ruling]
                     ) -> list[list[dict[str, Any]]]:
    """Given one word's chars and the vertical rulings, return the chars split into
    groups wherever a ruling passes between two of them."""
    top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
    mid = (top + bottom) / 2
    centres = [(float(c["x0"]) + float(c["x1"])) / 2 for c in chars]
    low, high = min(centres), max(centres)
    # only a ruling between the outermost centres can split the word: most words have none
    crossing = [r for r in verticals if r.top <= mid <= r.bottom and low < r.x0 < high]
    if not crossing:
        return [chars]
    groups = [[chars[0]]]
    for k, char in enumerate(chars[1:], start=1):
        boundary = centres[k - 1], centres[k]
        if any(boundary[0] < r.x0 < boundary[1] for r in crossing):
            groups.append([])
        groups[-1].append(char)
    return groups


def edges_to_rulings(edges: list[dict[str, Any]], settings: ReadSettings) -> list[Ruling]:
    """Given pdfplumber edges (from lines, rects and curves), return the straight
    horizontal and vertical ones at least `min_ruling_length` long."""
    rulings = []
    for e in edges:
        x0, x1, top, bottom = float(e["x0"]), float(e["x1"]), float(e["top"]), float(e["bottom"])
        if e["orientation"] == "h" and x1 - x0 >= settings.min_ruling_length:
            rulings.append(Ruling(x0, top, x1, top))
        elif e["orientation"] == "v" and bottom - top >= settings.min_ruling_length:
            rulings.append(Ruling(x0, top, x0, bottom))
    return rulings


def images_to_cover(images: list[dict[str, Any]], width: float, height: float
                    ) -> tuple[float, float]:
    """Given pdfplumber images of a page and its size, return the share of the page the
    largest one covers and that picture's resolution in dpi (0.0, 0.0 without one)."""
    best = (0.0, 0.0)
    for image in images:
        x0, x1 = max(float(image["x0"]), 0.0), min(float(image["x1"]), width)
        top, bottom = max(float(image["top"]), 0.0), min(float(image["bottom"]), height)
        if x1 <= x0 or bottom <= top:
            continue
        cover = (x1 - x0) * (bottom - top) / (width * height)
        dpi = 72.0 * float(image["srcsize"][0]) / (float(image["x1"]) - float(image["x0"]))
        best = max(best, (cover, dpi))
    return best


def page_facts_to_kind(n_chars: int, image_cover: float, invisible_share: float,
                       settings: ReadSettings) -> PageKind:
    """Given how many characters a page's text layer holds, the share of the page its
    largest picture covers and the share of its text drawn invisibly, return its kind: a
    page-sized picture makes a scan, image-only without characters, with an OCR layer
    when its text is invisible (as OCR engines write it); visible text over a page-sized
    picture is a vector page on a background."""
    if image_cover < settings.min_image_cover:
        return "vector"
    if not n_chars:
        return "image_only"
    return "ocr_layer" if invisible_share >= settings.min_invisible_share else "vector"


def invisible_text_share(document: pdfium.PdfDocument, index: int) -> float:
    """Given an open pypdfium2 document and a 0-based page index, return the share of the
    page's text objects drawn invisibly (text render mode 3); 0.0 without text."""
    modes = [pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
             for obj in document[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT])]
    if not modes:
        return 0.0
    return sum(m == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE for m in modes) / len(modes)


def plumber_page_to_page(page: Any, settings: ReadSettings, kind: PageKind = "vector") -> Page:
    """Given a pdfplumber page and its kind, return the page model (without picture)."""
    rulings = edges_to_rulings(page.edges, settings)
    # an OCR engine writes its layer word by word in reading order, while the boxes of a
    # tilted scan's neighbouring lines overlap: stream order keeps their letters apart
    return Page(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        words=chars_to_words(page.chars, settings, rulings, text_flow=kind == "ocr_layer"),
        rulings=rulings,
        kind=kind,
        rotation=int(page.rotation or 0),
    )


def render_page_image(document: pdfium.PdfDocument, index: int, dpi: float) -> PageImage:
    """Given an open pypdfium2 document, a 0-based page index and a resolution, return the
    page rendered in grey (an invisible OCR text layer is not drawn)."""
    bitmap = document[index].render(scale=dpi / 72.0, grayscale=True)
    pixels = np.array(bitmap.to_numpy(), dtype=np.uint8)
    if pixels.ndim == 3:
        pixels = pixels[:, :, 0]
    return PageImage(pixels=pixels, scale=dpi / 72.0)


def pdf_to_pages(path: Path, settings: ReadSettings | None = None) -> Iterator[Page]:
    """Given a PDF path, yield its pages one at a time, freeing each after use so memory
    stays flat on long documents; scanned pages come with their picture."""
    settings = settings or ReadSettings()
    pdf = open_pdf(path)
    document: pdfium.PdfDocument | None = None
    try:
        for plumber_page in pdf.pages:
            try:
                index = plumber_page.page_number - 1
                cover, dpi = images_to_cover(plumber_page.images, float(plumber_page.width),
                                             float(plumber_page.height))
                invisible = 0.0
                n_chars = len(plumber_page.chars)
                if cover >= settings.min_image_cover and n_chars:
                    document = document or pdfium.PdfDocument(path)
                    invisible = invisible_text_share(document, index)
                kind = page_facts_to_kind(n_chars, cover, invisible, settings)
                page = plumber_page_to_page(plumber_page, settings, kind)
                if kind != "vector":
                    document = document or pdfium.PdfDocument(path)
                    dpi = min(max(dpi, settings.min_scan_dpi), settings.max_scan_dpi)
                    page.image = render_page_image(document, index, dpi)
            except Exception as error:  # pdfminer can fail on one damaged page
                raise InputError(f"cannot read the page ({type(error).__name__}: {error})",
                                 file=path.name, page=plumber_page.page_number) from error
            finally:
                plumber_page.close()
            yield page
    finally:
        pdf.close()
        if document is not None:
            document.close()


def pdf_page_count(path: Path) -> int:
    """Given a PDF path, return its number of pages."""
    pdf = open_pdf(path)
    try:
        return len(pdf.pages)
    finally:
        pdf.close()
