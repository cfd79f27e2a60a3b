"""How the readers turn characters into words and paths into rulings."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.settings import Settings, setting

DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
# × font size: a wider gap between two letters is a word space (spaces are 0.22–0.33 em
# wide in text fonts, kerning and tracking stay under 0.1 em)
DEFAULT_WORD_GAP = 0.15
DEFAULT_MIN_RULING_LENGTH = 3.0
DEFAULT_MIN_IMAGE_COVER = 0.8  # share of the page one picture covers on a scanned page
DEFAULT_MIN_INVISIBLE_SHARE = 0.5  # share of invisible text that makes an OCR layer
DEFAULT_MIN_SCAN_DPI = 150.0  # a scan's picture is rendered at its own resolution,
DEFAULT_MAX_SCAN_DPI = 400.0  # kept within these bounds
DEFAULT_ENGINE = "pdfium"
# limits: a page or document beyond one is refused whole (never half read); each far
# above what a plan needs (the bundled plans: 23 pages, at most 700 words a page, scans
# of 8 million pixels)
DEFAULT_MAX_PAGES = 5_000
DEFAULT_MAX_WORDS_PER_PAGE = 10_000
DEFAULT_MAX_PAGE_PIXELS = 40_000_000  # a scan rendered: A3 at 400 dpi is 31 million
DEFAULT_MAX_IMAGE_PIXELS = 150_000_000  # a picture decoded: A3 at 600 dpi is 70 million
ENGINES = ("pdfium", "pdfplumber")


@dataclass(frozen=True)
class ReadSettings(Settings):
    """How characters become words and paths become rulings (params.yaml `extract: read:`)."""

    x_tolerance: float = setting(DEFAULT_X_TOLERANCE, above=0)
    y_tolerance: float = setting(DEFAULT_Y_TOLERANCE, above=0)
    word_gap: float = setting(DEFAULT_WORD_GAP, above=0, high=1)
    min_ruling_length: float = setting(DEFAULT_MIN_RULING_LENGTH, low=0)
    min_image_cover: float = setting(DEFAULT_MIN_IMAGE_COVER, above=0, high=1)
    min_invisible_share: float = setting(DEFAULT_MIN_INVISIBLE_SHARE, low=0, high=1)
    min_scan_dpi: float = setting(DEFAULT_MIN_SCAN_DPI, above=0)
    max_scan_dpi: float = setting(DEFAULT_MAX_SCAN_DPI, above=0)
    engine: str = setting(DEFAULT_ENGINE, choices=ENGINES)
    max_pages: int = setting(DEFAULT_MAX_PAGES, low=1)
    max_words_per_page: int = setting(DEFAULT_MAX_WORDS_PER_PAGE, low=1)
    max_page_pixels: int = setting(DEFAULT_MAX_PAGE_PIXELS, low=1)
    max_image_pixels: int = setting(DEFAULT_MAX_IMAGE_PIXELS, low=1)

    RELATIONS = (("min_scan_dpi", "<=", "max_scan_dpi"),)
