"""Read a PDF into the page model with pdfplumber: words (with trailing-space flags) and
ruling segments from vector paths. This is the only module of the extraction that opens
the PDF file.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import EncryptedPdfError, InputError
from pipeline.page import Page, Ruling, Word

DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_MIN_RULING_LENGTH = 3.0
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

    def __post_init__(self) -> None:
        if self.x_tolerance <= 0 or self.y_tolerance <= 0 or self.min_ruling_length < 0:
            raise ValueError("read settings: tolerances must be > 0 and lengths >= 0")


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
        return EncryptedPdfError("the PDF is encrypted with a user password; piano cannot "
                                 "open it without one (ask for an unprotected copy)", file=name)
    if isinstance(cause, PDFEncryptionError):
        return EncryptedPdfError(f"the PDF is encrypted in a way pdfminer cannot read "
                                 f"({cause})", file=name)
    detail = f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(FILE_END_WINDOW)
        handle.seek(max(size - FILE_END_WINDOW, 0))
        tail = handle.read()
    if size == 0:
        return InputError("the file is empty (0 bytes)", file=name)
    if b"%PDF-" not in head:
        return InputError(f"not a PDF: there is no %PDF- header in its first "
                          f"{FILE_END_WINDOW} bytes", file=name)
    if b"%%EOF" not in tail:
        return InputError(f"the PDF is truncated: it does not end with %%EOF ({detail})",
                          file=name)
    return InputError(f"the PDF is damaged ({detail})", file=name)


def chars_to_words(chars: list[dict[str, Any]], settings: ReadSettings,
                   rulings: list[Ruling] | None = None) -> list[Word]:
    """Given pdfplumber chars in stream order (and the page's rulings), return words with
    their boxes and whether a space character follows each in the text layer; a word
    that a vertical ruling crosses is split there (text of two cells set too close)."""
    extractor = WordExtractor(
        x_tolerance=settings.x_tolerance, y_tolerance=settings.y_tolerance,
        keep_blank_chars=False, use_text_flow=False,
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
    groups = [[chars[0]]]
    for prev, char in zip(chars, chars[1:], strict=False):
        boundary = (float(prev["x0"]) + float(prev["x1"])) / 2, \
            (float(char["x0"]) + float(char["x1"])) / 2
        if any(r.top <= mid <= r.bottom and boundary[0] < r.x0 < boundary[1]
               for r in verticals):
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


def plumber_page_to_page(page: Any, settings: ReadSettings) -> Page:
    """Given a pdfplumber page, return the page model (vector kind), turned upright when
    its text runs sideways or upside down as displayed (see `chars_to_turn`)."""
    width, height = float(page.width), float(page.height)
    chars, edges = page.chars, page.edges
    turn = chars_to_turn(chars)
    if turn:
        chars, edges, (width, height) = turn_page_objects(chars, edges, turn, width, height)
    rulings = edges_to_rulings(edges, settings)
    return Page(
        number=page.page_number,
        width=width,
        height=height,
        words=chars_to_words(chars, settings, rulings),
        rulings=rulings,
        kind="vector",
        rotation=turn,
    )


def pdf_to_pages(path: Path, settings: ReadSettings | None = None) -> Iterator[Page]:
    """Given a PDF path, yield its pages one at a time, freeing each after use so memory
    stays flat on long documents."""
    settings = settings or ReadSettings()
    pdf = open_pdf(path)
    try:
        for plumber_page in pdf.pages:
            try:
                page = plumber_page_to_page(plumber_page, settings)
            except Exception as error:  # pdfminer can fail on one damaged page
                raise InputError(f"cannot read the page ({type(error).__name__}: {error})",
                                 file=path.name, page=plumber_page.page_number) from error
            finally:
                plumber_page.close()
            yield page
    finally:
        pdf.close()


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


def turn_box(x0: float, top: float, x1: float, bottom: float, turn: int, width: float,
             height: float) -> tuple[float, float, float, float]:
    """Given a box on a page of `width` × `height` as displayed, return the box on the
    page turned clockwise by `turn` degrees (top-left origin on both)."""
    if turn == 90:
        return top, width - x1, bottom, width - x0
    if turn == 180:
        return width - x1, height - bottom, width - x0, height - top
    if turn == 270:
        return height - bottom, x0, height - top, x1
    return x0, top, x1, bottom


def turn_page_objects(chars: list[dict[str, Any]], edges: list[dict[str, Any]], turn: int,
                      width: float, height: float
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                 tuple[float, float]]:
    """Given a page's chars and edges as displayed, its size and a quarter turn, return
    them turned (chars whose text now runs left to right marked upright) and the turned
    page's width and height."""
    def turned(obj: dict[str, Any]) -> dict[str, Any]:
        x0, top, x1, bottom = turn_box(float(obj["x0"]), float(obj["top"]), float(obj["x1"]),
                                       float(obj["bottom"]), turn, width, height)
        return {**obj, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "doctop": top}

    new_chars = [{**turned(c), "upright": char_to_turn(c) == turn} for c in chars]
    swap = {"h": "v", "v": "h"} if turn in (90, 270) else {"h": "h", "v": "v"}
    new_edges = [{**turned(e), "orientation": swap[e["orientation"]]} for e in edges]
    size = (height, width) if turn in (90, 270) else (width, height)
    return new_chars, new_edges, size
