"""What a page may cost before it is read: its words counted by PDFium's text page (C,
cheap) before the readers take them apart in Python, the pixels of a scan's picture
before it is rendered, the pixels its pictures decode to, and whether its content
streams inflate at all. A page beyond a limit is refused whole, never half read."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from typing import Any

import pypdfium2 as pdfium
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    PDFStream,
    resolve1,
)

from pipeline.core.errors import (
    ImageTooLargeError,
    PageTooLargeError,
    TooManyPagesError,
    TooManyWordsError,
)
from pipeline.extract.read.settings import ReadSettings

MAX_CONTENT_BYTES = 64 << 20  # a page's content inflated beyond this is a bomb, not a page

# the operators of a content stream (ISO 32000-1, annex A) and the keywords among operands
OPERATORS = frozenset(
    b"b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i "
    b"ID j J K k l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm "
    b"Tr Ts Tw Tz v w W W* y ' \" true false null".split()
)
# what a content stream holds besides operators: white space and comments, strings (one
# level of parentheses inside), hex strings and dictionary brackets, names, numbers,
# brackets; what is left once these are blanked must be operators
OPERANDS = re.compile(
    rb"%[^\r\n]*|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"
    rb"|<[0-9A-Fa-f\s]*>|<<|>>|/[^\s()<>\[\]{}/%]*|[+-]?(?:\d+\.?\d*|\.\d+)(?![^\s()<>\[\]{}/%])"
    rb"|[\[\]{}]",
    re.S,
)


def check_page_count(count: int, file: str, settings: ReadSettings) -> None:
    """Given a document's number of pages, raise TooManyPagesError past the limit."""
    if count > settings.max_pages:
        raise TooManyPagesError(
            f"the PDF has {count:,} pages, more than extract.read.max_pages "
            f"({settings.max_pages:,}) allows",
            file=file,
        )


def text_to_word_count(text: str) -> int:
    """Given a page's text, return its number of words (runs without white space)."""
    return len(text.split())


def check_page_words(
    document: pdfium.PdfDocument, index: int, file: str, settings: ReadSettings
) -> None:
    """Given an open pypdfium2 document and a 0-based page index, raise
    TooManyWordsError when the page's text holds more words than the limit: counted by
    PDFium before any reader takes the page apart, so a page of a million words costs
    seconds, not hours."""
    page = document[index]
    try:
        text_page = page.get_textpage()
        try:
            # a word is one character at least: most pages need no counting
            if text_page.count_chars() <= settings.max_words_per_page:
                return
            words = text_to_word_count(text_page.get_text_range())
        finally:
            text_page.close()
    finally:
        page.close()
    if words > settings.max_words_per_page:
        raise TooManyWordsError(
            f"the page holds {words:,} words, more than extract.read.max_words_per_page "
            f"({settings.max_words_per_page:,}) allows",
            file=file,
            page=index + 1,
        )


def words_to_long_word(words: Iterable[Any], limit: int) -> int:
    """Given a page's words (with `text`), return the length of the first longer than
    `limit` characters, or 0."""
    return next((len(w.text) for w in words if len(w.text) > limit), 0)


def check_render_pixels(
    width_pt: float, height_pt: float, dpi: float, file: str, page: int, settings: ReadSettings
) -> None:
    """Given a page's size in points and the resolution a scan is rendered at, raise
    PageTooLargeError when the picture would hold more pixels than the limit."""
    width, height = round(width_pt * dpi / 72.0), round(height_pt * dpi / 72.0)
    if width * height > settings.max_page_pixels:
        raise PageTooLargeError(
            f"rendering the scanned page at {dpi:g} dpi takes {width:,} × {height:,} pixels, "
            f"more than extract.read.max_page_pixels ({settings.max_page_pixels:,}) allows",
            file=file,
            page=page,
        )


def check_image_pixels(
    sizes: Iterable[tuple[int, int]], file: str, page: int, limit: int, key: str
) -> None:
    """Given the pixel sizes of a page's pictures as stored, raise ImageTooLargeError when
    one decodes to more pixels than `limit` (the setting `key`)."""
    for width, height in sizes:
        if width * height > limit:
            raise ImageTooLargeError(
                f"a picture on the page is {width:,} × {height:,} pixels, more than {key} "
                f"({limit:,}) allows",
                file=file,
                page=page,
            )


def plumber_images_to_sizes(images: Iterable[dict[str, Any]]) -> list[tuple[int, int]]:
    """Given pdfplumber's images of a page, return their sizes in pixels as stored."""
    return [(int(i["srcsize"][0]), int(i["srcsize"][1])) for i in images]


def content_to_damage(content: bytes) -> str | None:
    """Given a content stream as decoded, return what it holds that is no PDF operator
    nor operand (bytes a bad copy or a broken producer left), or None. A stream with a
    BX section (operators a reader may not know) or an inline image (raw samples) is not
    judged, nor is what stays inside a string."""
    words = set(OPERANDS.sub(b" ", content).split())
    if b"BX" in words or b"ID" in words:
        return None
    unknown = words - OPERATORS
    if not unknown:
        return None
    first = min(unknown, key=content.find)
    return (
        f"its content stream is damaged: at byte {content.find(first):,} it holds "
        f"{first[:12]!r}, which is no PDF operator"
    )


def stream_problem(stream: PDFStream) -> str | None:
    """Given a content stream, return why it cannot be read, or None: a deflated stream
    that does not inflate (its checksum catches damage) or inflates to more than
    MAX_CONTENT_BYTES; a stream without one that holds what is no PDF operator. Filters
    are undone in turn as far as they are ASCII85, ASCIIHex or Flate; what else a stream
    holds is for the reader to parse."""
    if stream.rawdata is None:
        return None
    data = stream.rawdata
    if stream.decipher is not None:
        assert stream.objid is not None and stream.genno is not None
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name, _ in stream.get_filters():
        if name in LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)
        elif name in LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
        elif name in LITERALS_FLATE_DECODE:
            inflate = zlib.decompressobj()
            try:
                data = inflate.decompress(data, MAX_CONTENT_BYTES)
            except zlib.error as error:
                return f"its content stream is damaged and cannot be inflated (zlib: {error})"
            if inflate.unconsumed_tail:
                return f"its content stream inflates to more than {MAX_CONTENT_BYTES >> 20} MiB"
        else:
            return None
    if any(name in LITERALS_FLATE_DECODE for name, _ in stream.get_filters()):
        return None
    return content_to_damage(data)


def pdfminer_page_problem(page: Any) -> str | None:
    """Given a pdfminer page (PDFPage), return why one of its content streams cannot be
    read (a stream that cannot be found or decoded, see `stream_problem`), or None."""
    for reference in page.contents:
        try:
            stream = resolve1(reference)
            problem = stream_problem(stream) if isinstance(stream, PDFStream) else None
        except Exception as error:  # pdfminer's decoders and object lookup on bad bytes
            problem = f"its content stream cannot be decoded ({type(error).__name__}: {error})"
        if problem:
            return problem
    return None
