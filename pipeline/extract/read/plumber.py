"""The pdfplumber (pdfminer) reader: every page the pdfium reader does not take, scanned,
turned or without text, and the whole file with `engine: pdfplumber`; it also tells what
is wrong with a file that cannot be opened."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pdfminer.pdffont
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.cmapdb import FileUnicodeMap
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psparser import PSLiteral
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.core.errors import EncryptedPdfError, InputError, PianoError
from pipeline.extract.page import LOST_GLYPH, Page, PageImage, PageKind
from pipeline.extract.read.chars import chars_to_words, edges_to_rulings
from pipeline.extract.read.limits import (
    check_image_pixels,
    check_page_count,
    check_page_words,
    check_render_pixels,
    pdfminer_page_problem,
    plumber_images_to_sizes,
)
from pipeline.extract.read.settings import ReadSettings
from pipeline.extract.read.turn import chars_to_turn, turn_page_objects

# a PDF's header must lie in its first KiB and its last %%EOF in its last KiB
FILE_END_WINDOW = 1024


class ReplacingUnicodeMap(FileUnicodeMap):
    """pdfminer's ToUnicode map, with an entry that is not UTF-16 (a lone surrogate, an
    odd byte) read as U+FFFD where pdfminer drops it: Ghostscript may map a ligature to
    <7400DD00> ("tti" cut short), and the letters it stands for are then a lost glyph the
    review shows and OCR reads from the page, as PDFium reports them, not letters
    silently gone ("atvazione")."""

    def add_cid2unichr(self, cid: int, code: PSLiteral | bytes | int) -> None:
        if isinstance(code, bytes):
            try:
                code.decode("UTF-16BE")
            except UnicodeDecodeError:
                self.cid2unichr[cid] = code.decode("UTF-16BE", "replace")
                return
        super().add_cid2unichr(cid, code)


# the class pdfminer's fonts build their ToUnicode maps with
pdfminer.pdffont.FileUnicodeMap = ReplacingUnicodeMap  # type: ignore[misc]


def open_pdf(path: Path, password: str = "") -> pdfplumber.PDF:
    """Given a path, return an open pdfplumber PDF with its page list read, or raise
    InputError naming the file and what is wrong with it (EncryptedPdfError when it needs
    a user password)."""
    name = path.name
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if not path.is_file():
        raise InputError("not a file", file=str(path))
    try:
        pdf = pdfplumber.open(path, password=password)
    except PdfminerException as error:  # pdfplumber wraps whatever pdfminer raised
        raise pdfminer_error_to_input_error(error, path) from error
    except OSError as error:
        raise InputError(f"cannot open the file ({error.strerror})", file=name) from error
    try:
        pages = pdf.pages
    except Exception as error:  # a damaged page tree fails here, after the header was read
        pdf.stream.close()  # pdf.close() would walk the same broken page tree again
        raise pdfminer_error_to_input_error(error, path) from error
    if not pages:
        pdf.close()
        raise InputError("the PDF has no pages", file=name)
    return pdf


def pdfminer_error_to_input_error(error: Exception, path: Path) -> InputError:
    """Given the error pdfplumber raised opening `path` and the file, return the
    InputError telling the user what is wrong: a password, no PDF at all, a file cut
    short, or damage pdfminer names."""
    cause = error.args[0] if isinstance(error, PdfminerException) and error.args else error
    name = path.name
    if isinstance(cause, PDFPasswordIncorrect):
        return EncryptedPdfError(
            "the PDF is encrypted with a user password; piano cannot "
            "open it without one (ask for an unprotected copy)",
            file=name,
        )
    if isinstance(cause, PDFEncryptionError):
        return EncryptedPdfError(
            f"the PDF is encrypted in a way pdfminer cannot read ({cause})", file=name
        )
    detail = f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(FILE_END_WINDOW)
        handle.seek(max(size - FILE_END_WINDOW, 0))
        tail = handle.read()
    if size == 0:
        return InputError("the file is empty (0 bytes)", file=name)
    if b"%PDF-" not in head:
        return InputError(
            f"not a PDF: there is no %PDF- header in its first {FILE_END_WINDOW} bytes", file=name
        )
    if b"%%EOF" not in tail:
        return InputError(f"the PDF is truncated: it does not end with %%EOF ({detail})", file=name)
    return InputError(f"the PDF is damaged ({detail})", file=name)


def images_to_cover(
    images: list[dict[str, Any]], width: float, height: float
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


def page_facts_to_kind(
    n_chars: int, image_cover: float, invisible_share: float, settings: ReadSettings
) -> PageKind:
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
    modes = [
        pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
        for obj in document[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT])
    ]
    if not modes:
        return 0.0
    return sum(m == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE for m in modes) / len(modes)


def plumber_page_to_page(page: Any, settings: ReadSettings, kind: PageKind = "vector") -> Page:
    """Given a pdfplumber page and its kind, return the page model (without picture). A
    vector page whose text runs sideways or upside down as displayed is turned upright
    (see `chars_to_turn`); a scan keeps the orientation its picture is rendered in."""
    width, height = float(page.width), float(page.height)
    chars, edges = page.chars, page.edges
    turn = chars_to_turn(chars) if kind == "vector" else 0
    if turn:
        chars, edges, (width, height) = turn_page_objects(chars, edges, turn, width, height)
    rulings = edges_to_rulings(edges, settings)
    # an OCR engine writes its layer word by word in reading order, while the boxes of a
    # tilted scan's neighbouring lines overlap: stream order keeps their letters apart
    return Page(
        number=page.page_number,
        width=width,
        height=height,
        words=chars_to_words(chars, settings, rulings, text_flow=kind == "ocr_layer"),
        rulings=rulings,
        kind=kind,
        rotation=turn,
    )


def render_page_image(document: pdfium.PdfDocument, index: int, dpi: float) -> PageImage:
    """Given an open pypdfium2 document, a 0-based page index and a resolution, return the
    page rendered in grey (an invisible OCR text layer is not drawn)."""
    bitmap = document[index].render(scale=dpi / 72.0, grayscale=True)
    pixels = np.array(bitmap.to_numpy(), dtype=np.uint8)
    if pixels.ndim == 3:
        pixels = pixels[:, :, 0]
    return PageImage(pixels=pixels, scale=dpi / 72.0)


# pixels per PDF point of a vector page rendered to read the glyphs its text layer lost
# (288 dpi, where Tesseract reads 7-point type best)
GLYPH_SCALE = 4.0


def page_with_glyph_picture(
    page: Page, pdfium_document: Callable[[], pdfium.PdfDocument], settings: ReadSettings
) -> Page:
    """Given a page as read, a function giving its PDF open in pypdfium2 and the read
    settings, return it with the picture its lost glyphs are read from when a word holds
    U+FFFD (an upright vector page; rendered no larger than `max_page_pixels`)."""
    if page.image is not None or page.rotation or not any(LOST_GLYPH in w.text for w in page.words):
        return page
    scale = min(GLYPH_SCALE, (settings.max_page_pixels / (page.width * page.height)) ** 0.5)
    picture = render_page_image(pdfium_document(), page.number - 1, 72.0 * scale)
    return replace(page, glyph_picture=picture)


def plumber_page_number_to_page(
    pdf: pdfplumber.PDF,
    index: int,
    pdfium_document: Callable[[], pdfium.PdfDocument],
    path: Path,
    settings: ReadSettings,
) -> Page:
    """Given an open pdfplumber PDF, a 0-based page index, a function giving the same
    file open in pypdfium2 (called only when a scan needs it) and the read settings,
    return the page read by pdfplumber, with its picture when it is a scan; an empty
    page saying why (`unreadable`) when pdfminer cannot read it. A scan whose picture
    would take more pixels than the limits allow raises PageTooLargeError or
    ImageTooLargeError before it is rendered."""
    plumber_page = pdf.pages[index]
    width, height = float(plumber_page.width), float(plumber_page.height)
    try:
        problem = pdfminer_page_problem(plumber_page.page_obj)
        if problem is not None:
            return Page(number=index + 1, width=width, height=height, unreadable=problem)
        images = plumber_page.images
        cover, dpi = images_to_cover(images, width, height)
        invisible = 0.0
        n_chars = len(plumber_page.chars)
        if cover >= settings.min_image_cover and n_chars:
            invisible = invisible_text_share(pdfium_document(), index)
        kind = page_facts_to_kind(n_chars, cover, invisible, settings)
        page = plumber_page_to_page(plumber_page, settings, kind)
        if kind != "vector":
            dpi = min(max(dpi, settings.min_scan_dpi), settings.max_scan_dpi)
            check_render_pixels(width, height, dpi, path.name, index + 1, settings)
            check_image_pixels(
                plumber_images_to_sizes(images),
                path.name,
                index + 1,
                settings.max_image_pixels,
                "extract.read.max_image_pixels",
            )
            page.image = render_page_image(pdfium_document(), index, dpi)
        return page
    except PianoError:
        raise
    except Exception as error:  # pdfminer can fail on one damaged page
        problem = f"pdfminer cannot parse it ({type(error).__name__}: {error})"
        return Page(number=index + 1, width=width, height=height, unreadable=problem)
    finally:
        plumber_page.close()


def pdfium_document_or_none(
    pdfium_document: Callable[[], pdfium.PdfDocument],
) -> pdfium.PdfDocument | None:
    """Given a function opening the file in pypdfium2, return the document, or None when
    PDFium cannot open what pdfminer can."""
    try:
        return pdfium_document()
    except pdfium.PdfiumError:
        return None


def plumber_pdf_to_pages(path: Path, settings: ReadSettings) -> Iterator[Page]:
    """Given a PDF path, yield every page read by pdfplumber (the `pdfplumber` engine);
    pypdfium2 opens the file only if a scanned page needs its picture."""
    pdf = open_pdf(path)
    opened: list[pdfium.PdfDocument] = []

    def pdfium_document() -> pdfium.PdfDocument:
        if not opened:
            opened.append(pdfium.PdfDocument(path))
        return opened[0]

    try:
        check_page_count(len(pdf.pages), path.name, settings)
        counting = pdfium_document_or_none(pdfium_document)
        for index in range(len(pdf.pages)):
            if counting is not None:
                check_page_words(counting, index, path.name, settings)
            page = plumber_page_number_to_page(pdf, index, pdfium_document, path, settings)
            yield page_with_glyph_picture(page, pdfium_document, settings)
    finally:
        pdf.close()
        for document in opened:
            document.close()
