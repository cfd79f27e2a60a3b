"""Give an image-only page its words: Tesseract reads the page picture outside the tables
already found in it (the cells are read one by one in `pipeline.extract.ocr.cells`), so titles,
captions and the document's own title are there for the row assembler."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from pipeline.extract.grid.model import Table
from pipeline.extract.ocr.tesseract import (
    OcrCache,
    OcrSettings,
    OcrWord,
    ocr_words_to_words,
    run_tesseract,
)
from pipeline.extract.page import Page


def pixels_outside_tables(
    pixels: npt.NDArray[np.uint8], tables: list[Table], scale: float
) -> npt.NDArray[np.uint8]:
    """Given a page picture, the tables found on it and pixels per point, return a copy
    with the tables painted white."""
    out = pixels.copy()
    h, w = out.shape[:2]
    for table in tables:
        x0, x1 = max(int(table.x0 * scale), 0), min(int(table.x1 * scale) + 1, w)
        y0, y1 = max(int(table.top * scale), 0), min(int(table.bottom * scale) + 1, h)
        out[y0:y1, x0:x1] = 255
    return out


def page_to_ocr_page(page: Page, tables: list[Table], cache: OcrCache, ocr: OcrSettings) -> Page:
    """Given an image-only page (straightened), the tables found in its picture and the
    OCR cache, return the page with the words Tesseract reads outside those tables; any
    other page comes back as it was."""
    image = page.image
    if page.kind != "image_only" or image is None:
        return page
    boxes = [[round(v, 2) for v in (t.x0, t.top, t.x1, t.bottom)] for t in tables]
    task = {"step": "page", "psm": ocr.page_psm, "without": boxes}

    def read() -> list[OcrWord]:
        pixels = pixels_outside_tables(image.pixels, tables, image.scale)
        return run_tesseract([pixels], ocr.page_psm, 72.0 * image.scale, ocr)

    words = cache.read(image.sha256, task, ocr, read)
    return replace(page, words=ocr_words_to_words(words, image.scale))
