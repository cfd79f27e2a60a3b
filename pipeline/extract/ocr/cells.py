"""Read a scanned table again cell by cell: once the grid is known, each cell's crop of
the straightened picture (contrast stretched, enlarged, ruling lines left out) goes to
Tesseract as one block of text, which reads far better than a whole-page OCR layer.

The cells of a page go through Tesseract together (one call for the one-line cells, one
for the others), and what is read is cached under the page picture's hash, the cell boxes
and the settings (see `pipeline.extract.ocr.tesseract`). Which reading a cell keeps is decided from
Tesseract's own confidence: see `cell_pictures_to_best_words`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.core.settings import Settings, setting
from pipeline.extract.grid.image import ImageGridSettings, ink_to_line_masks, pixels_to_ink
from pipeline.extract.grid.model import Cell, Table
from pipeline.extract.ocr.tesseract import (
    OcrCache,
    OcrSettings,
    OcrWord,
    ocr_words_to_words,
    run_tesseract,
)
from pipeline.extract.page import Page, PageImage, Word

DEFAULT_INSET = 0.6  # points cut from each side of a cell: the middle of its ruling lines


# crops are enlarged (7 pt letters ~40 px tall at 200 dpi); a doubtful cell is read again
# at the next size
DEFAULT_ENLARGEMENTS = (2.0, 1.5, 3.0)
DEFAULT_MARGIN = 12  # white pixels put around each crop
DEFAULT_TRIM_PAD = 1.5  # points of paper kept around a cell's ink
DEFAULT_MIN_SPECK = 0.6  # points²: ink blobs smaller than this are scan noise
DEFAULT_MIN_INK = 2.0  # points²: a cell with less ink than this (after noise) is blank
DEFAULT_DARK_PERCENTILE = 0.5  # page percentile taken as the ink's grey
DEFAULT_RETRY_BELOW = 80.0  # a cell read with a lower mean confidence is read again
DEFAULT_PAPER_PERCENTILE = 60.0  # cell percentile taken as its paper's grey (cells are


# mostly paper; a header cell may be shaded)
DEFAULT_LINE_GROW = 0.4  # points the ruling-line mask is grown by before it is erased
# a page whose paper grain reaches DEFAULT_MIN_NOISE grey levels of a stretched crop has
# its crops denoised (non-local means, strength DEFAULT_DENOISE times the grain) before
# Tesseract binarises them: its one threshold turns grain into specks and bites into
# thin strokes, while a clean scan's grain (under 2) is left alone
DEFAULT_MIN_NOISE = 3.0
DEFAULT_DENOISE = 1.5
NOISE_CLEARANCE = 7  # pixels: paper this far from any ink measures the grain
# a line of text is about 1.2 em from ascender to descender, its letters' median height
# 0.5-0.7 em: ink more than this many median letter heights tall holds two lines or more,
# even when blur joins a descender to the line below so that no gap parts them
DEFAULT_MAX_LINE_HEIGHT = 2.6


@dataclass(frozen=True)
class CellOcrSettings(Settings):
    """How cell crops are cut and prepared for Tesseract (params.yaml `extract: cells:`)."""

    inset: float = setting(DEFAULT_INSET, low=0)
    enlargements: tuple[float, ...] = setting(DEFAULT_ENLARGEMENTS, low=1, nonempty=True)
    margin: int = setting(DEFAULT_MARGIN, low=0)
    trim_pad: float = setting(DEFAULT_TRIM_PAD, low=0)
    min_speck: float = setting(DEFAULT_MIN_SPECK, low=0)
    min_ink: float = setting(DEFAULT_MIN_INK, low=0)
    dark_percentile: float = setting(DEFAULT_DARK_PERCENTILE, low=0, below=50)
    paper_percentile: float = setting(DEFAULT_PAPER_PERCENTILE, low=50, high=100)
    retry_below: float = setting(DEFAULT_RETRY_BELOW, low=0, high=100)
    line_grow: float = setting(DEFAULT_LINE_GROW, low=0)
    min_noise: float = setting(DEFAULT_MIN_NOISE, low=0)
    denoise: float = setting(DEFAULT_DENOISE, low=0)
    max_line_height: float = setting(DEFAULT_MAX_LINE_HEIGHT, above=1)

    def cache_key_fields(self) -> dict[str, object]:
        """The settings that change what the cell OCR reads: all of them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class PaperLevels:
    """A page picture's grey levels: ink, paper, and the Otsu threshold between them."""

    ink: float
    paper: float
    threshold: float


def pixels_to_levels(pixels: npt.NDArray[np.uint8], settings: CellOcrSettings) -> PaperLevels:
    """Given a page's grey pixels, return its ink and paper grey (a dark percentile and the
    median: most of a page is paper) and the Otsu threshold between them."""
    small = pixels[::4, ::4]
    threshold, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = float(np.percentile(small, settings.dark_percentile))
    return PaperLevels(ink=ink, paper=float(np.median(small)), threshold=float(threshold))


def pixels_without_lines(
    pixels: npt.NDArray[np.uint8], scale: float, grid: ImageGridSettings, settings: CellOcrSettings
) -> npt.NDArray[np.uint8]:
    """Given a straightened page picture, return a copy with its ruling lines painted
    white, so that no crop starts or ends with a stroke Tesseract reads as "|"."""
    horizontal, vertical = ink_to_line_masks(pixels_to_ink(pixels, scale, grid), scale, grid)
    grow = max(1, round(settings.line_grow * scale)) * 2 + 1
    lines = cv2.dilate(
        cv2.bitwise_or(horizontal, vertical),
        cv2.getStructuringElement(cv2.MORPH_RECT, (grow, grow)),
    )
    clean = pixels.copy()
    clean[lines > 0] = 255
    return clean


def cell_to_pixel_box(
    cell: Cell, image: PageImage, settings: CellOcrSettings
) -> tuple[int, int, int, int]:
    """Given a cell (PDF points) and the page picture, return the crop box in pixels
    (x0, y0, x1, y1) inside the cell's ruling lines, clipped to the picture."""
    h, w = image.pixels.shape[:2]
    s, inset = image.scale, settings.inset
    x0 = min(max(round((cell.x0 + inset) * s), 0), w)
    x1 = min(max(round((cell.x1 - inset) * s), x0), w)
    y0 = min(max(round((cell.top + inset) * s), 0), h)
    y1 = min(max(round((cell.bottom - inset) * s), y0), h)
    return x0, y0, x1, y1


@dataclass(frozen=True)
class InkBox:
    """Where a cell's ink lies in its crop (pixels) and in how many text lines."""

    x0: int
    top: int
    x1: int
    bottom: int
    lines: int


def intervals_to_count(spans: list[tuple[int, int]]) -> int:
    """Given (start, end) spans, return how many separate runs their union makes."""
    count, reach = 0, -1
    for start, end in sorted(spans):
        if start > reach:
            count += 1
        reach = max(reach, end)
    return count


def crop_to_ink_box(
    crop: npt.NDArray[np.uint8], levels: PaperLevels, scale: float, settings: CellOcrSettings
) -> InkBox | None:
    """Given a cell's grey crop (lines erased) and the page's levels, return the box
    around its ink with `trim_pad` of paper and its number of text lines (bands of
    letters, or two when the ink is too tall for one line), ignoring specks of scan
    noise; None when too little ink is left (a blank
    cell)."""
    if crop.size == 0:
        return None
    ink = (crop < levels.threshold).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    min_speck = settings.min_speck * scale * scale
    kept = stats[1:][stats[1:, cv2.CC_STAT_AREA] >= min_speck]
    if int(kept[:, cv2.CC_STAT_AREA].sum()) < settings.min_ink * scale * scale:
        return None
    left, top = kept[:, cv2.CC_STAT_LEFT], kept[:, cv2.CC_STAT_TOP]
    right = left + kept[:, cv2.CC_STAT_WIDTH]
    bottom = top + kept[:, cv2.CC_STAT_HEIGHT]
    pad = round(settings.trim_pad * scale)
    h, w = crop.shape
    lines = intervals_to_count([(int(t), int(b)) for t, b in zip(top, bottom, strict=True)])
    letter = float(np.median(kept[:, cv2.CC_STAT_HEIGHT]))
    if lines == 1 and int(bottom.max() - top.min()) > settings.max_line_height * letter:
        lines = 2  # two lines touching: not to be read as one
    return InkBox(
        max(int(left.min()) - pad, 0),
        max(int(top.min()) - pad, 0),
        min(int(right.max()) + pad, w),
        min(int(bottom.max()) + pad, h),
        lines,
    )


def crop_to_stretched(
    crop: npt.NDArray[np.uint8], ink: float, paper: float
) -> npt.NDArray[np.uint8]:
    """Given a trimmed cell crop, the page's ink grey and the cell's paper grey, return
    the crop stretched from ink (black) to paper (white): a shaded header cell comes out
    as white as the others."""
    span = max(paper - ink, 1.0)
    return np.clip((crop.astype(np.float32) - ink) * (255.0 / span), 0, 255).astype(np.uint8)


def stretched_to_ocr_picture(
    stretched: npt.NDArray[np.uint8], enlarge: float, margin: int
) -> npt.NDArray[np.uint8]:
    """Given a stretched cell crop, return it enlarged and framed in white for Tesseract."""
    picture = stretched
    if enlarge != 1:
        picture = np.asarray(
            cv2.resize(stretched, None, fx=enlarge, fy=enlarge, interpolation=cv2.INTER_CUBIC),
            dtype=np.uint8,
        )
    return np.asarray(
        cv2.copyMakeBorder(picture, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255),
        dtype=np.uint8,
    )


def pixels_to_noise(pixels: npt.NDArray[np.uint8], levels: PaperLevels) -> float:
    """Given a page's grey pixels and its levels, return the grain of its paper: the
    robust standard deviation (1.4826 × median absolute deviation) of what a 5-pixel
    median filter takes away, on paper with no ink nearby."""
    kernel = np.ones((NOISE_CLEARANCE, NOISE_CLEARANCE), np.uint8)
    far = cv2.erode(pixels, kernel) > levels.threshold
    if int(far.sum()) < 100:
        return 0.0
    residue = pixels.astype(np.float32) - cv2.medianBlur(pixels, 5).astype(np.float32)
    grain = residue[far]
    return float(1.4826 * np.median(np.abs(grain - np.median(grain))))


def stretched_to_denoised(
    stretched: npt.NDArray[np.uint8], noise: float, settings: CellOcrSettings
) -> npt.NDArray[np.uint8]:
    """Given a stretched crop and its paper's grain in the stretched grey levels, return
    it denoised in proportion when the grain reaches `min_noise`, else as it was."""
    if noise < settings.min_noise or settings.denoise == 0:
        return stretched
    return np.asarray(
        cv2.fastNlMeansDenoising(stretched, None, h=settings.denoise * noise), dtype=np.uint8
    )


@dataclass(frozen=True)
class CellPicture:
    """One cell prepared for Tesseract: the box of its ink in page pixels, that crop
    stretched to black on white, and its number of text lines."""

    box: tuple[int, int, int, int]
    stretched: npt.NDArray[np.uint8]
    lines: int


def tables_to_cell_pictures(
    tables: list[Table], image: PageImage, settings: CellOcrSettings, grid: ImageGridSettings
) -> list[CellPicture | None]:
    """Given a page's tables and its straightened picture, return every cell (in table,
    then cell order) prepared for Tesseract (denoised on a grainy page), or None for a
    blank cell."""
    pixels = pixels_without_lines(image.pixels, image.scale, grid, settings)
    levels = pixels_to_levels(image.pixels, settings)
    grain = pixels_to_noise(image.pixels, levels)
    out: list[CellPicture | None] = []
    for table in tables:
        for cell in table.cells:
            x0, y0, x1, y1 = cell_to_pixel_box(cell, image, settings)
            crop = pixels[y0:y1, x0:x1]
            ink = crop_to_ink_box(crop, levels, image.scale, settings)
            if ink is None:
                out.append(None)
                continue
            paper = float(np.percentile(crop, settings.paper_percentile))
            stretched = crop_to_stretched(
                crop[ink.top : ink.bottom, ink.x0 : ink.x1], levels.ink, paper
            )
            # the grain as the stretch made it: the page's times the stretch's gain
            noise = grain * 255.0 / max(paper - levels.ink, 1.0)
            stretched = stretched_to_denoised(stretched, noise, settings)
            out.append(
                CellPicture(
                    (x0 + ink.x0, y0 + ink.top, x0 + ink.x1, y0 + ink.bottom), stretched, ink.lines
                )
            )
    return out


def ocr_words_to_page_pixels(
    words: list[OcrWord],
    cells: list[int],
    prepared: list[CellPicture | None],
    enlarge: float,
    margin: int,
) -> list[OcrWord]:
    """Given the words Tesseract read in cell pictures, the cell each picture shows and
    how the pictures were made, return the words with boxes in page pixels and numbered
    by cell."""
    out = []
    for w in words:
        cell = cells[w.picture]
        item = prepared[cell]
        assert item is not None  # only prepared cells were read
        out.append(
            replace(
                w,
                left=item.box[0] + (w.left - margin) / enlarge,
                top=item.box[1] + (w.top - margin) / enlarge,
                width=w.width / enlarge,
                height=w.height / enlarge,
                picture=cell,
            )
        )
    return out


def cell_pictures_to_words(
    prepared: list[CellPicture | None],
    enlarge: float,
    dpi: float,
    ocr: OcrSettings,
    settings: CellOcrSettings,
) -> list[OcrWord]:
    """Given the prepared cells of a page (None: not to read), the enlargement and the
    page's dpi, return the words Tesseract reads in them, in page pixels and numbered by
    cell: one-line cells are read as one line of text, the others as one block (one
    Tesseract call for each kind)."""
    words: list[OcrWord] = []
    for one_line, psm in ((True, ocr.line_psm), (False, ocr.cell_psm)):
        cells = [
            k
            for k, item in enumerate(prepared)
            if item is not None and (item.lines == 1) == one_line
        ]
        pictures = [
            stretched_to_ocr_picture(item.stretched, enlarge, settings.margin)
            for item in (prepared[k] for k in cells)
            if item is not None
        ]
        read = run_tesseract(pictures, psm, dpi * enlarge, ocr)
        words += ocr_words_to_page_pixels(read, cells, prepared, enlarge, settings.margin)
    return words


def words_to_confidence(words: list[OcrWord]) -> float:
    """Given the words read in one cell, return their mean confidence weighted by length
    (0.0 when nothing was read)."""
    letters = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / letters if letters else 0.0


def reading_confidence(tables: list[Table]) -> float:
    """Given tables whose cells were read by OCR, return the median confidence of the
    cells that hold words (0.0 when none does): the measure of how well a picture reads
    the way it is turned."""
    found = [c.ocr_confidence for t in tables for c in t.cells if c.ocr_confidence is not None]
    return float(np.median(found)) if found else 0.0


def group_by_cell(words: list[OcrWord]) -> dict[int, list[OcrWord]]:
    """Given words numbered by cell, return them grouped by cell number."""
    by_cell: dict[int, list[OcrWord]] = {}
    for word in words:
        by_cell.setdefault(word.picture, []).append(word)
    return by_cell


def cell_pictures_to_best_words(
    prepared: list[CellPicture | None], dpi: float, ocr: OcrSettings, settings: CellOcrSettings
) -> list[OcrWord]:
    """Given the prepared cells of a page and its dpi, return the words read in them:
    every cell is read at the first enlargement; a cell whose best reading so far has a
    mean confidence under `retry_below` (or that was not read at all) is read again at
    the next one, and keeps its most confident reading. Tesseract misses short cells
    ("n.", a lone digit) at one size that it reads at another."""
    best: dict[int, list[OcrWord]] = {}
    for attempt, enlarge in enumerate(settings.enlargements):
        todo = [
            item
            if item is not None
            and (attempt == 0 or words_to_confidence(best.get(k, [])) < settings.retry_below)
            else None
            for k, item in enumerate(prepared)
        ]
        if not any(todo):
            break
        for k, words in group_by_cell(
            cell_pictures_to_words(todo, enlarge, dpi, ocr, settings)
        ).items():
            if words_to_confidence(words) > words_to_confidence(best.get(k, [])):
                best[k] = words
    return [word for k in sorted(best) for word in best[k]]


def cells_to_words(cells: list[Cell], words: list[OcrWord], scale: float) -> list[tuple[Word, ...]]:
    """Given the cells of a page, the words read in them (numbered by cell, page pixels)
    and the page's pixels per point, return each cell's words in PDF points."""
    by_cell = group_by_cell(words)
    return [tuple(ocr_words_to_words(by_cell.get(k, []), scale)) for k in range(len(cells))]


def page_to_read_tables(
    page: Page,
    tables: list[Table],
    cache: OcrCache,
    ocr: OcrSettings,
    settings: CellOcrSettings | None = None,
    grid: ImageGridSettings | None = None,
) -> list[Table]:
    """Given a straightened scanned page, the tables found in its picture and the OCR
    cache, return the tables with every cell's words read again from its own crop and
    their confidence (a blank cell is left empty, with no confidence); pages without a
    picture come back unchanged."""
    settings, grid = settings or CellOcrSettings(), grid or ImageGridSettings()
    image = page.image
    if image is None or not tables:
        return tables
    cells = [cell for table in tables for cell in table.cells]
    task = {
        "step": "cells",
        "prepare": settings.cache_key_fields(),
        "lines": asdict(grid),
        "cells": [[round(v, 2) for v in (c.x0, c.top, c.x1, c.bottom)] for c in cells],
    }

    def read() -> list[OcrWord]:
        prepared = tables_to_cell_pictures(tables, image, settings, grid)
        return cell_pictures_to_best_words(prepared, 72.0 * image.scale, ocr, settings)

    words = cache.read(image.sha256, task, ocr, read)
    by_cell = group_by_cell(words)
    read_words = iter(cells_to_words(cells, words, image.scale))
    confidences = iter(
        words_to_confidence(by_cell[k]) if k in by_cell else None for k in range(len(cells))
    )
    return [
        replace(
            table,
            cells=[
                replace(cell, words=next(read_words), ocr_confidence=next(confidences))
                for cell in table.cells
            ],
        )
        for table in tables
    ]
