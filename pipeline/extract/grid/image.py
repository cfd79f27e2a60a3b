"""Find ruling lines in a scanned page's picture, so that a scan's table grid comes out of
the same edge → intersection → cell → table chain as a vector PDF's.

The chain on pixels: ink (adaptive threshold) → horizontal and vertical line masks (a
morphological opening keeps only ink runs longer than any letter) → the skew those lines
show → the page turned straight (picture and words alike) → the lines' segments as
`Ruling`s in PDF points → `page_to_ruled_tables`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.core.settings import Settings, setting
from pipeline.extract.grid.model import Table
from pipeline.extract.grid.ruled import RuledSettings, page_to_ruled_tables
from pipeline.extract.page import Page, PageImage, Ruling, Word

Mask = npt.NDArray[np.uint8]

DEFAULT_INK_BLOCK = 5.0  # points: side of the neighbourhood the ink threshold adapts to
DEFAULT_INK_OFFSET = 12.0  # grey levels darker than the neighbourhood that count as ink
DEFAULT_MIN_LINE_RUN = 15.0  # points: a straight ink run this long is no letter
DEFAULT_GAP_BRIDGE = 2.0  # points: breaks this short inside a scanned line are closed
DEFAULT_MIN_RULING_LENGTH = 10.0  # points: shorter segments are left out
DEFAULT_MIN_SKEW_LINE = 150.0  # points: only lines this long measure the skew
DEFAULT_MAX_SKEW = 3.0  # degrees: a larger measured skew is not trusted
DEFAULT_MIN_SKEW = 0.02  # degrees: a smaller skew is left alone


@dataclass(frozen=True)
class ImageGridSettings(Settings):
    """How ink, lines and skew are read from a page picture (lengths in PDF points;
    params.yaml `extract: image_grid:`)."""

    ink_block: float = setting(DEFAULT_INK_BLOCK, above=0)
    ink_offset: float = setting(DEFAULT_INK_OFFSET, low=0)
    min_line_run: float = setting(DEFAULT_MIN_LINE_RUN, above=0)
    gap_bridge: float = setting(DEFAULT_GAP_BRIDGE, low=0)
    min_ruling_length: float = setting(DEFAULT_MIN_RULING_LENGTH, above=0)
    min_skew_line: float = setting(DEFAULT_MIN_SKEW_LINE, above=0)
    max_skew: float = setting(DEFAULT_MAX_SKEW, low=0)
    min_skew: float = setting(DEFAULT_MIN_SKEW, low=0)

    RELATIONS = (("min_skew", "<=", "max_skew"),)


def pixels_to_ink(pixels: npt.NDArray[np.uint8], scale: float, settings: ImageGridSettings) -> Mask:
    """Given grey pixels and pixels per point, return the ink mask (255 where a pixel is
    darker than its neighbourhood), so uneven scan lighting does not matter."""
    block = max(3, int(settings.ink_block * scale) | 1)
    return np.asarray(
        cv2.adaptiveThreshold(
            pixels,
            255,
            cv2.ADAPTIVE_THRESH_MEAN_C,
            cv2.THRESH_BINARY_INV,
            block,
            settings.ink_offset,
        ),
        dtype=np.uint8,
    )


def ink_to_line_masks(ink: Mask, scale: float, settings: ImageGridSettings) -> tuple[Mask, Mask]:
    """Given an ink mask, return (horizontal, vertical) masks keeping only straight runs
    at least `min_line_run` long, with short breaks bridged."""
    run = max(3, round(settings.min_line_run * scale))
    bridge = max(1, round(settings.gap_bridge * scale))
    masks: list[Mask] = []
    for shape in ((run, 1), (1, run)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, shape)
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        close = cv2.getStructuringElement(
            cv2.MORPH_RECT, (bridge, 1) if shape[1] == 1 else (1, bridge)
        )
        masks.append(np.asarray(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, close), dtype=np.uint8))
    return masks[0], masks[1]


def mask_to_lines(mask: Mask) -> list[tuple[tuple[int, int, int, int], npt.NDArray[np.int32]]]:
    """Given a line mask, return each connected line's bounding box (x, y, width,
    height) in pixels and its outline points."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    lines = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        lines.append(((int(x), int(y), int(w), int(h)), np.asarray(contour, dtype=np.int32)))
    return lines


def line_masks_to_skew(
    horizontal: Mask, vertical: Mask, scale: float, settings: ImageGridSettings
) -> float:
    """Given the line masks of a picture, return the angle in degrees its long lines lean
    by (positive: a horizontal line drops to the right, y downwards), as the
    length-weighted median over horizontal and vertical lines; 0.0 when no line is long
    enough or the lines disagree beyond `max_skew`."""
    min_length = settings.min_skew_line * scale
    angles: list[tuple[float, float]] = []
    for mask, along in ((horizontal, True), (vertical, False)):
        for (_, _, w, h), outline in mask_to_lines(mask):
            length = w if along else h
            if length < min_length:
                continue
            vx, vy, _, _ = (
                float(v) for v in cv2.fitLine(outline, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
            )
            # a vertical line leaning right at the bottom means the page turned left
            slope = vy / vx if along else -vx / vy
            angles.append((math.degrees(math.atan(slope)), float(length)))
    if not angles:
        return 0.0
    angles.sort()
    half, total = sum(w for _, w in angles) / 2, 0.0
    for angle, weight in angles:
        total += weight
        if total >= half:
            return angle if abs(angle) <= settings.max_skew else 0.0
    return 0.0


def straightening_matrix(image: PageImage, angle: float) -> npt.NDArray[np.float64]:
    """Given a page picture and its skew in degrees, return the 2×3 pixel transform that
    turns it straight about its centre."""
    h, w = image.pixels.shape[:2]
    return np.asarray(
        cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0), dtype=np.float64
    )


def word_to_straight_word(word: Word, matrix: npt.NDArray[np.float64], scale: float) -> Word:
    """Given a word (PDF points), the straightening transform and pixels per point, return
    the word with its box moved by the transform (its centre turned, its size kept)."""
    x, y = word.x_mid * scale, word.y_mid * scale
    nx = (matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]) / scale
    ny = (matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]) / scale
    dx, dy = nx - word.x_mid, ny - word.y_mid
    return replace(
        word, x0=word.x0 + dx, x1=word.x1 + dx, top=word.top + dy, bottom=word.bottom + dy
    )


def page_to_straight_page(page: Page, settings: ImageGridSettings | None = None) -> Page:
    """Given a scanned page, return it turned straight by the skew of its ruling lines:
    a new picture (angle recorded) and its words moved into the same frame; a page with
    no picture, or no measurable skew, comes back as it was."""
    settings = settings or ImageGridSettings()
    if page.image is None:
        return page
    image = page.image
    ink = pixels_to_ink(image.pixels, image.scale, settings)
    angle = line_masks_to_skew(
        *ink_to_line_masks(ink, image.scale, settings), image.scale, settings
    )
    if abs(angle) < settings.min_skew:
        return page
    matrix = straightening_matrix(image, angle)
    h, w = image.pixels.shape[:2]
    pixels = np.asarray(
        cv2.warpAffine(
            image.pixels,
            matrix,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=255,
        ),
        dtype=np.uint8,
    )
    words = [word_to_straight_word(word, matrix, image.scale) for word in page.words]
    return replace(
        page,
        words=words,
        image=PageImage(pixels=pixels, scale=image.scale, angle=image.angle + angle),
    )


def line_masks_to_rulings(
    horizontal: Mask, vertical: Mask, scale: float, settings: ImageGridSettings
) -> list[Ruling]:
    """Given (straightened) line masks and pixels per point, return one Ruling in PDF
    points per connected line, through the middle of its box, at least
    `min_ruling_length` long."""
    rulings = []
    min_length = settings.min_ruling_length * scale
    for (x, y, w, h), _ in mask_to_lines(horizontal):
        if w >= min_length:
            mid = (y + h / 2) / scale
            rulings.append(Ruling(x / scale, mid, (x + w) / scale, mid))
    for (x, y, w, h), _ in mask_to_lines(vertical):
        if h >= min_length:
            mid = (x + w / 2) / scale
            rulings.append(Ruling(mid, y / scale, mid, (y + h) / scale))
    return rulings


def page_to_image_rulings(page: Page, settings: ImageGridSettings | None = None) -> list[Ruling]:
    """Given a page with a picture, return the ruling lines seen in it, in PDF points
    ([] without a picture)."""
    settings = settings or ImageGridSettings()
    if page.image is None:
        return []
    scale = page.image.scale
    ink = pixels_to_ink(page.image.pixels, scale, settings)
    return line_masks_to_rulings(*ink_to_line_masks(ink, scale, settings), scale, settings)


def page_to_image_tables(
    page: Page, settings: ImageGridSettings | None = None, ruled: RuledSettings | None = None
) -> list[Table]:
    """Given a scanned page (straightened first, see `page_to_straight_page`), return the
    tables its picture's ruling lines describe, with the page's words placed in their
    cells; a page without a picture has none."""
    if page.image is None:
        return []
    tables = page_to_ruled_tables(
        replace(page, rulings=page_to_image_rulings(page, settings)), ruled
    )
    return [replace(table, finder="image") for table in tables]
