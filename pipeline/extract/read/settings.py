"""How the readers turn characters into words and paths into rulings."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.settings import Settings, setting

DEFAULT_X_TOLERANCE = 3.0
DEFAULT_Y_TOLERANCE = 3.0
DEFAULT_MIN_RULING_LENGTH = 3.0
DEFAULT_MIN_IMAGE_COVER = 0.8  # share of the page one picture covers on a scanned page
DEFAULT_MIN_INVISIBLE_SHARE = 0.5  # share of invisible text that makes an OCR layer
DEFAULT_MIN_SCAN_DPI = 150.0  # a scan's picture is rendered at its own resolution,
DEFAULT_MAX_SCAN_DPI = 400.0  # kept within these bounds
DEFAULT_ENGINE = "pdfium"
ENGINES = ("pdfium", "pdfplumber")


@dataclass(frozen=True)
class ReadSettings(Settings):
    """How characters become words and paths become rulings (params.yaml `extract: read:`)."""

    x_tolerance: float = setting(DEFAULT_X_TOLERANCE, above=0)
    y_tolerance: float = setting(DEFAULT_Y_TOLERANCE, above=0)
    min_ruling_length: float = setting(DEFAULT_MIN_RULING_LENGTH, low=0)
    min_image_cover: float = setting(DEFAULT_MIN_IMAGE_COVER, above=0, high=1)
    min_invisible_share: float = setting(DEFAULT_MIN_INVISIBLE_SHARE, low=0, high=1)
    min_scan_dpi: float = setting(DEFAULT_MIN_SCAN_DPI, above=0)
    max_scan_dpi: float = setting(DEFAULT_MAX_SCAN_DPI, above=0)
    engine: str = setting(DEFAULT_ENGINE, choices=ENGINES)

    RELATIONS = (("min_scan_dpi", "<=", "max_scan_dpi"),)
