"""Read a PDF into the page model with pdfplumber: words (with trailing-space flags) and
ruling segments from vector paths. This is the only module of the extraction that opens
the PDF file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import EncryptedPdfError, InputError
from pipeline.page import Page, Ruling, Word

DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_MIN_RULING_LENGTH = 3.0
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


def plumber_page_to_page(page: Any, settings: ReadSettings) -> Page:
    """Given a pdfplumber page, return the page model (vector kind)."""
    rulings = edges_to_rulings(page.edges, settings)
    return Page(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        words=chars_to_words(page.chars, settings, rulings),
        rulings=rulings,
        kind="vector",
        rotation=int(page.rotation or 0),
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


def pdf_page_count(path: Path) -> int:
    """Given a PDF path, return its number of pages."""
    pdf = open_pdf(path)
    try:
        return len(pdf.pages)
    finally:
        pdf.close()
