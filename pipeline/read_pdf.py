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

import ctypes
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import EncryptedPdfError, InputError
from pipeline.page import Page, PageImage, PageKind, Ruling, Word

DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_MIN_RULING_LENGTH = 3.0
DEFAULT_MIN_IMAGE_COVER = 0.8  # share of the page one picture covers on a scanned page
DEFAULT_MIN_INVISIBLE_SHARE = 0.5  # share of invisible text that makes an OCR layer
DEFAULT_MIN_SCAN_DPI = 150.0  # a scan's picture is rendered at its own resolution,
DEFAULT_MAX_SCAN_DPI = 400.0  # kept within these bounds
DEFAULT_ENGINE = "pdfium"
ENGINES = ("pdfium", "pdfplumber")
# × font size: a text object ending in "- " reaches to the hyphen's right edge, one
# ending in "-" about 0.04 short of it (its bounds exclude the hyphen's side bearing)
HYPHEN_SPACE_SLACK = 0.02
LINE_END_HYPHEN = 0x02  # what PDFium reports for a "-" it takes to split a word at a line end
# points a ruling may lean off the horizontal or vertical (rounding in rotated drawing)
AXIS_TOLERANCE = 0.5
# a PDF's header must lie in its first KiB and its last %%EOF in its last KiB
FILE_END_WINDOW = 1024


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
    engine: str = DEFAULT_ENGINE

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"read settings: engine must be one of {', '.join(ENGINES)}")
        if self.x_tolerance <= 0 or self.y_tolerance <= 0 or self.min_ruling_length < 0:
            raise ValueError("read settings: tolerances must be > 0 and lengths >= 0")
        if not (0 < self.min_image_cover <= 1 and 0 <= self.min_invisible_share <= 1):
            raise ValueError(
                "read settings: min_image_cover must be in (0, 1] and min_invisible_share in [0, 1]"
            )
        if not 0 < self.min_scan_dpi <= self.max_scan_dpi:
            raise ValueError("read settings: need 0 < min_scan_dpi <= max_scan_dpi")


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


def chars_to_words(
    chars: list[dict[str, Any]],
    settings: ReadSettings,
    rulings: list[Ruling] | None = None,
    text_flow: bool = False,
) -> list[Word]:
    """Given pdfplumber chars in stream order (and the page's rulings), return words with
    their boxes and whether a space character follows each in the text layer; a word
    that a vertical ruling crosses is split there (text of two cells set too close).
    With `text_flow` words follow the stream order instead of their positions."""
    extractor = WordExtractor(
        x_tolerance=settings.x_tolerance,
        y_tolerance=settings.y_tolerance,
        keep_blank_chars=False,
        use_text_flow=text_flow,
    )
    position = {id(c): i for i, c in enumerate(chars)}
    verticals = [r for r in rulings or [] if r.orientation == "v"]
    words = []
    for _, word_chars in extractor.iter_extract_tuples(chars):
        after = position[id(word_chars[-1])] + 1
        space_after = after < len(chars) and chars[after]["text"].isspace()
        groups = split_at_rulings(word_chars, verticals)
        for k, group in enumerate(groups):
            words.append(
                Word(
                    "".join(c["text"] for c in group),
                    float(min(c["x0"] for c in group)),
                    float(min(c["top"] for c in group)),
                    float(max(c["x1"] for c in group)),
                    float(max(c["bottom"] for c in group)),
                    space_after if k == len(groups) - 1 else False,
                )
            )
    return words


def split_at_rulings(
    chars: list[dict[str, Any]], verticals: list[Ruling]
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
    """Given pdfplumber edges (from lines, rects and curves), return the horizontal and
    vertical ones at least `min_ruling_length` long. The direction comes from the
    geometry, within AXIS_TOLERANCE: pdfplumber calls a line horizontal only when its
    ends have exactly the same y, which drawing through a rotation matrix rarely gives."""
    rulings = []
    for e in edges:
        x0, x1, top, bottom = float(e["x0"]), float(e["x1"]), float(e["top"]), float(e["bottom"])
        if bottom - top <= AXIS_TOLERANCE and x1 - x0 >= settings.min_ruling_length:
            y = (top + bottom) / 2
            rulings.append(Ruling(x0, y, x1, y))
        elif x1 - x0 <= AXIS_TOLERANCE and bottom - top >= settings.min_ruling_length:
            x = (x0 + x1) / 2
            rulings.append(Ruling(x, top, x, bottom))
    return rulings


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


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def object_matrix(obj: Any) -> Matrix:
    """Given a raw PDFium page object, return its matrix (a, b, c, d, e, f)."""
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """Given an object's matrix and its container's, return the object's page matrix."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def path_to_segments(obj: Any, matrix: Matrix) -> list[tuple[float, float, float, float]]:
    """Given a raw PDFium path object and its page matrix, return its straight segments
    (x0, y0, x1, y1) in PDF user space, closing segments included; curves are skipped."""
    a, b, c, d, e, f = matrix
    segments = []
    start = last = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and last is not None:
            segments.append((*last, *point))
        last = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and start != point:
            segments.append((*point, *start))
            last = start
    return segments


def page_objects(
    container: Any, matrix: Matrix = IDENTITY, form: bool = False
) -> Iterator[tuple[Any, Matrix]]:
    """Given a raw PDFium page (or form object), yield every object inside it, forms
    opened, each with its page matrix."""
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    for k in range(count(container)):
        obj = get(container, k)
        own = compose(object_matrix(obj), matrix)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from page_objects(obj, own, form=True)
        else:
            yield obj, own


def image_cover(matrix: Matrix, mediabox: tuple[float, float, float, float]) -> float:
    """Given an image's page matrix (it maps the unit square onto the page) and the
    page's box, return the share of the page the image covers."""
    a, b, c, d, e, f = matrix
    xs = [e + a * u + c * v for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    ys = [f + b * u + d * v for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
    left, bottom, right, top = mediabox
    covered = max(min(max(xs), right) - max(min(xs), left), 0.0) * max(
        min(max(ys), top) - max(min(ys), bottom), 0.0
    )
    return covered / ((right - left) * (top - bottom))


def segments_to_rulings(
    segments: list[tuple[float, float, float, float]],
    top_y: float,
    left_x: float,
    settings: ReadSettings,
) -> list[Ruling]:
    """Given straight segments in PDF user space, the page's top and left, return the
    horizontal and vertical ones at least `min_ruling_length` long, in page points from
    the top-left, as `edges_to_rulings` makes them from pdfplumber's edges of the same
    paths."""
    rulings = []
    for x0, y0, x1, y1 in segments:
        left, right = sorted((x0 - left_x, x1 - left_x))
        top, bottom = sorted((top_y - y0, top_y - y1))
        if bottom - top <= AXIS_TOLERANCE and right - left >= settings.min_ruling_length:
            y = (top + bottom) / 2
            rulings.append(Ruling(left, y, right, y))
        elif right - left <= AXIS_TOLERANCE and bottom - top >= settings.min_ruling_length:
            x = (left + right) / 2
            rulings.append(Ruling(x, top, x, bottom))
    return rulings


def pdfium_page_to_chars(page: Any, top_y: float, left_x: float) -> list[dict[str, Any]]:
    """Given a pypdfium2 page and its top and left in user space, return its characters
    in stream order as pdfplumber's char dicts (text, x0, x1, top, bottom, doctop,
    upright), each box as pdfminer makes it for these fonts: the advance width across,
    the font size up from the baseline. PDFium's generated spaces and line breaks are
    left out, as pdfminer has none; a hyphen PDFium marks as ending a line is a "-"
    again, followed by the space PDFium dropped after it when its text object reaches
    past the hyphen (the object's bounds end short of it otherwise)."""
    text_page = page.get_textpage()
    raw = text_page.raw
    chars = []
    box = pdfium_c.FS_RECTF()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    bounds = [ctypes.c_float() for _ in range(4)]
    # bound once: this loop makes a few C calls for each of some 3,000 characters a page
    unicode_of, is_generated = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated
    loose_box, char_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    font_size, char_angle = pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_GetCharAngle
    box_ref, x_ref, y_ref = ctypes.byref(box), ctypes.byref(origin_x), ctypes.byref(origin_y)
    try:
        for k in range(pdfium_c.FPDFText_CountChars(raw)):
            code = unicode_of(raw, k)
            # PDFium generates only white space (spaces, line breaks) of its own
            if code in (0, 0xFFFE, 0xFFFF) or (code in (0x20, 0x0D, 0x0A) and is_generated(raw, k)):
                continue
            loose_box(raw, k, box_ref)
            char_origin(raw, k, x_ref, y_ref)
            size = font_size(raw, k)
            bottom = top_y - origin_y.value
            char = {
                "text": chr(code),
                "x0": box.left - left_x,
                "x1": box.right - left_x,
                "top": bottom - size,
                "bottom": bottom,
                "doctop": bottom - size,
                "upright": abs(math.sin(char_angle(raw, k))) < 1e-3,
            }
            chars.append(char)
            if code == LINE_END_HYPHEN and pdfium_c.FPDFText_IsHyphen(raw, k):
                char["text"] = "-"
                pdfium_c.FPDFPageObj_GetBounds(
                    pdfium_c.FPDFText_GetTextObject(raw, k), *(ctypes.byref(v) for v in bounds)
                )
                if bounds[2].value >= box.right - HYPHEN_SPACE_SLACK * size:
                    chars.append({**char, "text": " ", "x0": char["x1"]})
    finally:
        text_page.close()
    return chars


def pdfium_page_to_page(
    document: pdfium.PdfDocument, index: int, settings: ReadSettings
) -> Page | None:
    """Given an open pypdfium2 document and a 0-based page index, return the page model
    read by PDFium, or None when the pdfplumber reader must read it (turned, scanned:
    a picture covering most of the page, or no text at all)."""
    page = document[index]
    try:
        if page.get_rotation():
            return None
        left_x, bottom_y, right_x, top_y = page.get_mediabox()
        width, height = right_x - left_x, top_y - bottom_y
        segments = []
        for obj, matrix in page_objects(page.raw):
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                segments += path_to_segments(obj, matrix)
            elif (
                kind == pdfium_c.FPDF_PAGEOBJ_IMAGE
                and image_cover(matrix, (left_x, bottom_y, right_x, top_y))
                >= settings.min_image_cover
            ):
                return None
        chars = pdfium_page_to_chars(page, top_y, left_x)
        # text set sideways: the pdfplumber reader turns such a page upright
        if not chars or not all(c["upright"] for c in chars if not c["text"].isspace()):
            return None
        rulings = segments_to_rulings(segments, top_y, left_x, settings)
        return Page(
            number=index + 1,
            width=width,
            height=height,
            words=chars_to_words(chars, settings, rulings),
            rulings=rulings,
            kind="vector",
            rotation=0,
        )
    finally:
        page.close()


def open_pdfium(path: Path) -> pdfium.PdfDocument | None:
    """Given a path, return it open in pypdfium2 with at least one page, or None when
    PDFium cannot open it (the pdfplumber reader then says what is wrong with it)."""
    if not path.is_file():
        return None
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return None
    if not len(document):
        document.close()
        return None
    return document


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


def plumber_page_number_to_page(
    pdf: pdfplumber.PDF,
    index: int,
    pdfium_document: Callable[[], pdfium.PdfDocument],
    path: Path,
    settings: ReadSettings,
) -> Page:
    """Given an open pdfplumber PDF, a 0-based page index, a function giving the same
    file open in pypdfium2 (called only when a scan needs it) and the read settings,
    return the page read by pdfplumber, with its picture when it is a scan."""
    plumber_page = pdf.pages[index]
    try:
        cover, dpi = images_to_cover(
            plumber_page.images, float(plumber_page.width), float(plumber_page.height)
        )
        invisible = 0.0
        n_chars = len(plumber_page.chars)
        if cover >= settings.min_image_cover and n_chars:
            invisible = invisible_text_share(pdfium_document(), index)
        kind = page_facts_to_kind(n_chars, cover, invisible, settings)
        page = plumber_page_to_page(plumber_page, settings, kind)
        if kind != "vector":
            dpi = min(max(dpi, settings.min_scan_dpi), settings.max_scan_dpi)
            page.image = render_page_image(pdfium_document(), index, dpi)
        return page
    except Exception as error:  # pdfminer can fail on one damaged page
        raise InputError(
            f"cannot read the page ({type(error).__name__}: {error})",
            file=path.name,
            page=index + 1,
        ) from error
    finally:
        plumber_page.close()


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
        for index in range(len(pdf.pages)):
            yield plumber_page_number_to_page(pdf, index, pdfium_document, path, settings)
    finally:
        pdf.close()
        for document in opened:
            document.close()


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


# A page's /Rotate turns its display, and pdfplumber gives coordinates as displayed: a
# table drawn upright on a page marked /Rotate 90 comes out with its text running down
# the page. The functions below find how the text runs and turn the page model back.


def char_to_turn(char: dict[str, Any]) -> int:
    """Given a pdfplumber char, return the clockwise quarter turn (0, 90, 180, 270) that
    makes its baseline run left to right, from its text matrix (PDF y up)."""
    a, b = float(char["matrix"][0]), float(char["matrix"][1])
    return round(-math.degrees(math.atan2(b, a)) / 90) % 4 * 90


def chars_to_turn(chars: list[dict[str, Any]]) -> int:
    """Given a page's chars, return the quarter turn that brings most of them upright
    (0 for a page without text)."""
    votes = Counter(char_to_turn(c) for c in chars if not c["text"].isspace())
    return votes.most_common(1)[0][0] if votes else 0


def turn_box(
    x0: float, top: float, x1: float, bottom: float, turn: int, width: float, height: float
) -> tuple[float, float, float, float]:
    """Given a box on a page of `width` × `height` as displayed, return the box on the
    page turned clockwise by `turn` degrees (top-left origin on both)."""
    if turn == 90:
        return top, width - x1, bottom, width - x0
    if turn == 180:
        return width - x1, height - bottom, width - x0, height - top
    if turn == 270:
        return height - bottom, x0, height - top, x1
    return x0, top, x1, bottom


def turn_page_objects(
    chars: list[dict[str, Any]], edges: list[dict[str, Any]], turn: int, width: float, height: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], tuple[float, float]]:
    """Given a page's chars and edges as displayed, its size and a quarter turn, return
    them turned (chars whose text now runs left to right marked upright) and the turned
    page's width and height."""

    def turned(obj: dict[str, Any]) -> dict[str, Any]:
        x0, top, x1, bottom = turn_box(
            float(obj["x0"]),
            float(obj["top"]),
            float(obj["x1"]),
            float(obj["bottom"]),
            turn,
            width,
            height,
        )
        return {**obj, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "doctop": top}

    new_chars = [{**turned(c), "upright": char_to_turn(c) == turn} for c in chars]
    swap = {"h": "v", "v": "h"} if turn in (90, 270) else {"h": "h", "v": "v"}
    new_edges = [{**turned(e), "orientation": swap[e["orientation"]]} for e in edges]
    size = (height, width) if turn in (90, 270) else (width, height)
    return new_chars, new_edges, size
