"""The pdfium reader: characters and paths from PDFium through pypdfium2 (C, about ten
times faster than pdfminer's parsing), each character's box built as pdfminer builds it
(advance width, baseline and font size), so the words are the pdfplumber reader's."""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.extract.page import LOST_GLYPH, Page, Ruling
from pipeline.extract.read.chars import AXIS_TOLERANCE, chars_to_words
from pipeline.extract.read.settings import ReadSettings

# × font size: a text object ending in "- " reaches to the hyphen's right edge, one
# ending in "-" about 0.04 short of it (its bounds exclude the hyphen's side bearing)
HYPHEN_SPACE_SLACK = 0.02
LINE_END_HYPHEN = 0x02  # what PDFium reports for a "-" it takes to split a word at a line end
GENERATED_CODES = frozenset((0x20, 0x0D, 0x0A, 0))  # what PDFium may generate of its own


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
    in stream order as pdfplumber's char dicts (text, x0, x1, top, bottom, doctop, size,
    upright), each box as pdfminer makes it for these fonts: the advance width across,
    the font size up from the baseline. PDFium's generated spaces and line breaks are
    left out, as pdfminer has none: PDFium generates spaces inside words of some
    producers' text (glyphs positioned one by one), so words are told apart by the gap
    between letters instead (`chars_to_words`). A hyphen PDFium marks
    as ending a line is a "-" again, followed by the space PDFium dropped after it when
    its text object reaches past the hyphen (the object's bounds end short of it
    otherwise). A glyph whose font maps it to no letter (PDFium's own flag, asked of
    control characters) is U+FFFD, as pdfminer's "(cid:N)" is: PDFium gives its code
    instead, which may be a tab or a line break the words would silently lose; so is a
    glyph mapped to U+0000."""
    text_page = page.get_textpage()
    raw = text_page.raw
    chars: list[dict[str, Any]] = []
    box = pdfium_c.FS_RECTF()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    bounds = [ctypes.c_float() for _ in range(4)]
    # bound once: this loop makes a few C calls for each of some 3,000 characters a page
    unicode_of, is_generated = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated
    map_error = pdfium_c.FPDFText_HasUnicodeMapError
    loose_box, char_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    font_size, char_angle = pdfium_c.FPDFText_GetFontSize, pdfium_c.FPDFText_GetCharAngle
    box_ref, x_ref, y_ref = ctypes.byref(box), ctypes.byref(origin_x), ctypes.byref(origin_y)
    previous: tuple[float, ...] = ()
    try:
        for k in range(pdfium_c.FPDFText_CountChars(raw)):
            code = unicode_of(raw, k)
            # PDFium generates only white space (spaces, line breaks) of its own
            generated = code in GENERATED_CODES and is_generated(raw, k)
            # a glyph its font maps to no letter comes as its code, which below U+0020 is
            # a control character (a tab the words would lose); one mapped to U+0000 is
            # lost as pdfminer has it (its "\x00")
            lost = code < 0x20 and not generated and (code == 0 or map_error(raw, k) == 1)
            if not lost and (code in (0, 0xFFFE, 0xFFFF) or generated):
                continue
            loose_box(raw, k, box_ref)
            char_origin(raw, k, x_ref, y_ref)
            left, right, x, y = box.left, box.right, origin_x.value, origin_y.value
            glyph = (left, right, x, y)
            if glyph == previous and not lost:
                # the next UTF-16 unit of one glyph's letters ("ﬁ" mapped to "fi"): pdfminer
                # has the glyph as one char holding them all
                chars[-1]["text"] += chr(code)
                continue
            previous = glyph
            size = font_size(raw, k)
            bottom = top_y - y
            char = {
                "text": LOST_GLYPH if lost else chr(code),
                "x0": left - left_x,
                "x1": right - left_x,
                "top": bottom - size,
                "bottom": bottom,
                "doctop": bottom - size,
                "size": size,
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
