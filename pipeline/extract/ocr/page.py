"""Give an image-only page its words: Tesseract reads the page picture outside the tables
already found in it (the cells are read one by one in `pipeline.extract.ocr.cells`), so titles,
captions and the document's own title are there for the row assembler."""

from __future__ import annotations

from dataclasses import replace

import cv2
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

# points: the paper's grey is taken as the lightest pixel this far around each pixel, wider
# than any stroke of text, so that only the paper and its shading are left
BACKGROUND_REACH = 6.0


def pixels_to_flat(pixels: npt.NDArray[np.uint8], scale: float) -> npt.NDArray[np.uint8]:
    """Given a page picture and pixels per point, return it with the paper made white
    wherever it lies (each pixel divided by the paper's grey around it): Tesseract's one
    threshold for the whole page otherwise takes paper darkened by uneven light beside
    the white a straightened or cleared picture adds for ink."""
    reach = max(3, round(BACKGROUND_REACH * scale)) | 1
    # closing at a quarter of the size, then enlarged back: the same paper, much faster
    small = cv2.resize(pixels, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (reach // 4 | 1, reach // 4 | 1))
    paper = cv2.dilate(small, kernel)
    paper = cv2.resize(paper, pixels.shape[::-1], interpolation=cv2.INTER_LINEAR)
    flat = pixels.astype(np.float32) * 255.0 / np.maximum(paper.astype(np.float32), 1.0)
    return np.clip(flat, 0, 255).astype(np.uint8)


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
    task = {"step": "page", "psm": ocr.page_psm, "without": boxes, "flat": BACKGROUND_REACH}

    def read() -> list[OcrWord]:
        pixels = pixels_outside_tables(
            pixels_to_flat(image.pixels, image.scale), tables, image.scale
        )
        return run_tesseract([pixels], ocr.page_psm, 72.0 * image.scale, ocr)

    words = cache.read(image.sha256, task, ocr, read)
    return replace(page, words=ocr_words_to_words(words, image.scale))
