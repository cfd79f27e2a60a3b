"""Read from the page the letters a PDF's text layer lost. A font whose glyphs have no
Unicode mapping (a ToUnicode map dropped or cut short, as re-distilling with Ghostscript
does to accented letters and ligatures) leaves U+FFFD in a word; its picture still shows
the letters. Each such word is cut from the page's picture (`Page.glyph_picture`) and read by
Tesseract as one line; the reading is taken only where it spells the word's mapped
letters exactly and gives each lost glyph one to three characters, so nothing but the
lost glyphs changes. Every word mended is recorded on the page, for its finding.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from pipeline.core.errors import OcrUnavailableError
from pipeline.extract.ocr.cells import group_by_cell
from pipeline.extract.ocr.tesseract import (
    DEFAULT_LINE_PSM,
    OcrCache,
    OcrSettings,
    OcrWord,
    run_tesseract,
)
from pipeline.extract.page import LOST_GLYPH, Page, PageImage, Word

# the letters one glyph may stand for: a letter, or a ligature of up to three
MAX_GLYPH_LETTERS = 3
# margin around a word's box, in its heights: accents above and descenders below; and
# the room left on each side, wide first (Tesseract misses a short word cut close; what
# it reads of the neighbours is left out), then close (where it ran a word into them)
MARGIN = 0.3
SIDE_MARGINS = (1.0, 0.15)


def word_to_pattern(text: str) -> re.Pattern[str]:
    """Given a word holding U+FFFD, return the pattern a reading of it must match: its
    mapped letters as printed, each lost glyph one to three characters (no space)."""
    parts = [re.escape(p) for p in text.split(LOST_GLYPH)]
    return re.compile(f"(\\S{{1,{MAX_GLYPH_LETTERS}}})".join(parts))


def glyph_reads_as(letters: str) -> bool:
    """Given what OCR read for one lost glyph, return whether one glyph can print it: a
    character other than plain ASCII (a font's plain letters are what its map keeps, so
    "≥" read as ">" or "à" as "a" is a misreading), or a ligature of two or three
    letters."""
    return not letters.isascii() if len(letters) == 1 else letters.isalpha()


def word_to_mended(text: str, reading: str) -> str | None:
    """Given a word holding U+FFFD and what OCR read in its place, return the word with
    its lost glyphs read, or None when the reading does not spell the rest of it or
    reads a lost glyph as no glyph prints it."""
    found = word_to_pattern(text).fullmatch(reading)
    if found is None or not all(glyph_reads_as(g) for g in found.groups()):
        return None
    return reading


def word_to_crop(
    word: Word, image: PageImage, side_margin: float
) -> tuple[np.ndarray, tuple[float, float]]:
    """Given a word, the page's picture and the room to leave on each side (in the word's
    heights), return the word's part of the picture and where the word spans in it
    across (pixels)."""
    margin, side = (word.bottom - word.top) * MARGIN, (word.bottom - word.top) * side_margin
    height, width = image.pixels.shape
    x0 = max(0, int((word.x0 - side) * image.scale))
    x1 = min(width, int((word.x1 + side) * image.scale) + 1)
    y0 = max(0, int((word.top - margin) * image.scale))
    y1 = min(height, int((word.bottom + margin) * image.scale) + 1)
    span = (word.x0 * image.scale - x0, word.x1 * image.scale - x0)
    return np.ascontiguousarray(image.pixels[y0:y1, x0:x1]), span


def reading_in_span(words: list[OcrWord], span: tuple[float, float]) -> str:
    """Given the words OCR read in a crop and where the word spans in it, return the text
    of those whose middle falls within the span (the neighbours' letters left out)."""
    inside = [w for w in words if span[0] <= w.left + w.width / 2 <= span[1]]
    return " ".join(w.text for w in sorted(inside, key=lambda w: w.left))


def page_to_mended_page(page: Page, cache: OcrCache, ocr: OcrSettings) -> Page:
    """Given a vector page and the OCR cache, return the page with every word whose lost
    glyphs OCR reads in its `glyph_picture` mended, the mends recorded in `mended_words`
    and the picture let go; a word OCR does not read as printed keeps U+FFFD, and
    without Tesseract the words stay as they were. Each word is read with room around it
    first, then, if that reading ran it into its neighbours, cut close."""
    image = page.glyph_picture
    if image is None:
        return page
    page = replace(page, glyph_picture=None)
    words = list(page.words)
    mended: dict[int, tuple[str, str]] = {}  # by word, in the page's order
    for side in SIDE_MARGINS:
        lost = [k for k, w in enumerate(words) if LOST_GLYPH in w.text]
        if not lost:
            break
        crops = [word_to_crop(words[k], image, side) for k in lost]
        task = {
            "step": "glyphs",
            "psm": DEFAULT_LINE_PSM,
            "margins": [MARGIN, side],
            "words": [
                [round(v, 2) for v in (words[k].x0, words[k].top, words[k].x1, words[k].bottom)]
                for k in lost
            ],
        }

        def read() -> list[OcrWord]:
            pictures = [c for c, _ in crops]  # noqa: B023 - called in this pass only
            return run_tesseract(pictures, DEFAULT_LINE_PSM, 72.0 * image.scale, ocr)

        try:
            readings = cache.read(image.sha256, task, ocr, read)
        except OcrUnavailableError:
            break  # the text layer as it is: the unmapped_glyph warnings say what to do
        by_crop = group_by_cell(readings)
        for crop, k in enumerate(lost):
            text = word_to_mended(
                words[k].text, reading_in_span(by_crop.get(crop, []), crops[crop][1])
            )
            if text is not None:
                mended[k] = (words[k].text, text)
                words[k] = replace(words[k], text=text)
    mends = tuple(mended[k] for k in sorted(mended))
    return replace(page, words=words, mended_words=(*page.mended_words, *mends))
