"""Turn a scanned page upright when its sheet was fed sideways or upside down: the turn is
not in the PDF (no /Rotate) but in the picture, so it is read from the picture by
Tesseract's orientation and script detection (`--psm 0`, the `osd` model), as ocrmypdf's
`--rotate-pages` does, and kept only when Tesseract is confident enough.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.extract.ocr.tesseract import OcrCache, OcrSettings, call_tesseract
from pipeline.extract.page import Page, PageImage

OSD_PSM = 0  # orientation and script detection only
OSD_LANGUAGE = "osd"
# points: ink blobs this size across are letters (or a few letters blurred together),
# not specks of noise and not ruling lines or pictures
LETTER_SIZES = (2.0, 12.0)
MIN_LETTERS = 50  # fewer letter blobs than this tell nothing of the text's direction
# upright and upside-down text sets letters side by side, text turned a quarter stacks
# them: measured 0.58-1.00 of letters with their nearest neighbour beside them on
# upright scans (150 dpi blurred and noisy at the low end), 0.00-0.38 on sideways ones
MIN_ACROSS_SHARE = 0.5


@dataclass(frozen=True)
class Orientation:
    """What Tesseract's OSD says of a picture: the clockwise quarter turn (0, 90, 180,
    270) that brings its text upright, and its confidence in that turn (0.0 when it
    found too little text to tell)."""

    turn: int
    confidence: float


def osd_text_to_orientation(text: str) -> Orientation:
    """Given the output of `tesseract --psm 0`, return the orientation it gives."""
    turn = re.search(r"^Rotate:\s*(\d+)", text, re.M)
    confidence = re.search(r"^Orientation confidence:\s*([-\d.]+)", text, re.M)
    if turn is None or confidence is None:
        return Orientation(0, 0.0)
    return Orientation(int(turn[1]) % 360, float(confidence[1]))


def run_osd(pixels: npt.NDArray[np.uint8], dpi: float, settings: OcrSettings) -> Orientation:
    """Given a grey page picture and its resolution, return the orientation Tesseract's
    OSD reads in it; a picture with too little text for it gives turn 0, confidence 0."""
    with tempfile.TemporaryDirectory(prefix="piano-osd-") as folder:
        name = os.path.join(folder, "page.png")
        cv2.imwrite(name, pixels)
        command = [settings.tesseract_cmd, name, "stdout", "--psm", str(OSD_PSM)]
        command += ["--dpi", str(round(dpi)), "-l", OSD_LANGUAGE]
        done = call_tesseract(command, settings)
    # Tesseract exits non-zero ("Too few characters") on a page with little text: no turn
    return osd_text_to_orientation(done.stdout if done.returncode == 0 else "")


def pixels_to_across_share(pixels: npt.NDArray[np.uint8], scale: float) -> float:
    """Given a grey page picture and its pixels per point, return the share of its letters
    (ink blobs of `LETTER_SIZES`) whose nearest neighbour lies beside them rather than
    above or below; 1.0 for a picture with fewer than `MIN_LETTERS`."""
    _, ink = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    across = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]) / scale
    letters = centres[1:][(across >= LETTER_SIZES[0]) & (across <= LETTER_SIZES[1])]
    if len(letters) < MIN_LETTERS:
        return 1.0
    # imported here: scipy.spatial takes longer to import than a vector plan to read a page
    from scipy.spatial import cKDTree

    _, nearest = cKDTree(letters).query(letters, k=2)
    step = letters[nearest[:, 1]] - letters
    return float(np.mean(np.abs(step[:, 0]) > np.abs(step[:, 1])))


def page_looks_sideways(page: Page) -> bool:
    """Given a scanned page, return whether its picture's letters stack rather than stand
    side by side (`MIN_ACROSS_SHARE`): a sheet fed sideways. A page without a picture is
    not."""
    image = page.image
    return (
        image is not None and pixels_to_across_share(image.pixels, image.scale) < MIN_ACROSS_SHARE
    )


def pixels_to_turned(pixels: npt.NDArray[np.uint8], turn: int) -> npt.NDArray[np.uint8]:
    """Given a picture and a clockwise quarter turn, return the picture turned by it."""
    return np.ascontiguousarray(np.rot90(pixels, k=-(turn // 90) % 4))


def page_to_orientation(page: Page, cache: OcrCache, ocr: OcrSettings) -> Orientation:
    """Given a scanned page, return the orientation Tesseract's OSD reads in its picture
    (cached); a page with no picture is upright."""
    image = page.image
    if image is None:
        return Orientation(0, 0.0)
    dpi = 72.0 * image.scale

    def read() -> dict[str, Any]:
        return asdict(run_osd(image.pixels, dpi, ocr))

    return Orientation(**cache.read_value(image.sha256, {"step": "osd"}, ocr, read))


def page_to_turned_page(page: Page, turn: int) -> Page:
    """Given a scanned page and a clockwise quarter turn, return the page with its picture
    and size turned by it and the turn added to `rotation`. Its text layer is dropped: an
    OCR layer made of the picture as it was is in the unturned frame, and was read from
    sideways or upside-down text; the page is read from its picture alone."""
    image = page.image
    if image is None or turn % 360 == 0:
        return page
    sideways = turn in (90, 270)
    width, height = (page.height, page.width) if sideways else (page.width, page.height)
    return replace(
        page,
        kind="image_only",
        words=[],
        width=width,
        height=height,
        rotation=(page.rotation + turn) % 360,
        picture_turn=(page.picture_turn + turn) % 360,
        image=PageImage(
            pixels=pixels_to_turned(image.pixels, turn), scale=image.scale, angle=image.angle
        ),
    )


def page_to_upright_page(page: Page, cache: OcrCache, ocr: OcrSettings) -> Page:
    """Given a scanned page (straightened), return it turned upright by the quarter turn
    Tesseract's OSD reads in its picture when its confidence reaches
    `ocr.min_turn_confidence`; a page without a picture, with vector lines (in the PDF's
    frame), or one OSD finds upright or cannot tell, comes back as it was."""
    if page.image is None or page.rulings:
        return page
    found = page_to_orientation(page, cache, ocr)
    if found.turn == 0 or found.confidence < ocr.min_turn_confidence:
        return page
    return page_to_turned_page(page, found.turn)


def orientation_to_turns(found: Orientation, sideways: bool) -> list[int]:
    """Given what OSD reads in a picture and whether its letters stack (`page_looks_sideways`),
    return the turns to try on a page that reads poorly as it is: the quarter turns where
    they stack, the half turn where they stand side by side, OSD's guess first however
    unsure."""
    turns = [turn for turn in (90, 270, 180) if (turn != 180) == sideways]
    return sorted(turns, key=lambda turn: turn != found.turn)
