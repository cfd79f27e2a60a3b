"""The page model every grid finder works on: words with boxes and ruling segments.

Words come from the PDF text layer or from OCR; rulings from vector paths or from lines
detected in the page image. Coordinates are PDF points, origin top-left (pdfplumber's
`top`/`bottom` convention), whatever the source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

PageKind = Literal["vector", "ocr_layer", "image_only"]


# what a glyph its font maps to no letter reads as, with both readers
LOST_GLYPH = "\ufffd"


@dataclass(frozen=True)
class Word:
    """One word as printed: its text and box; `space_after` is True when the text layer
    holds a space right after it (kept at line ends, where it tells a printed
    "evasione- elusione" from a word the renderer hyphenated)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    space_after: bool = False

    @property
    def x_mid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y_mid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Ruling:
    """One straight ruling segment, horizontal (top == bottom) or vertical (x0 == x1)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def orientation(self) -> Literal["h", "v"]:
        return "h" if (self.x1 - self.x0) >= (self.bottom - self.top) else "v"


@dataclass(frozen=True)
class PageImage:
    """The picture of a scanned page: grey pixels (0 black … 255 white), how many pixels
    make one PDF point, and the angle in degrees the pixels were turned by to straighten
    the page (0.0 as scanned)."""

    pixels: npt.NDArray[np.uint8]
    scale: float
    angle: float = 0.0

    @cached_property
    def sha256(self) -> str:
        """The SHA-256 of the pixels and their shape: the key of every OCR cache entry."""
        digest = hashlib.sha256(repr(self.pixels.shape).encode())
        digest.update(np.ascontiguousarray(self.pixels).tobytes())
        return digest.hexdigest()


@dataclass
class Page:
    """One page: its 1-based number, size, words and rulings; scanned pages (kind
    `ocr_layer` or `image_only`) also carry their picture. `rotation` is the clockwise
    quarter turn (0, 90, 180, 270) the page as displayed was turned by to read its text
    upright; size and coordinates are those of the upright page. `unreadable` says why a
    page that could not be read holds nothing (a damaged content stream), else None."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rulings: list[Ruling] = field(default_factory=list)
    kind: PageKind = "vector"
    rotation: int = 0
    image: PageImage | None = None
    picture_turn: int = 0  # the part of `rotation` read from a scan's picture, not /Rotate
    unreadable: str | None = None
    # a vector page whose words lost glyphs (U+FFFD): its picture, to read them from
    glyph_picture: PageImage | None = None
    mended_words: tuple[tuple[str, str], ...] = ()  # (as the text layer has it, as read)
