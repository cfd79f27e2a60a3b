"""How one scan is made: the scanner's settings for the whole document
(`ScanSettings`) and what happens to each sheet (`PagePlan`: its skew, its position on
the glass, whether it went in sideways or upside down), drawn from the scan's seed."""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_DPI = 200
DEFAULT_SKEW = 1.0  # degrees: the typical turn of a sheet in a document feeder
DEFAULT_JPEG_QUALITY = 75
DEFAULT_BLUR = 0.0  # sigma of the optics' blur, pixels
DEFAULT_NOISE = 0.0  # sigma of the sensor noise, grey levels
DEFAULT_LAYER = "none"
DEFAULT_TURN = 0
DEFAULT_SEED = 0
LAYERS = ("none", "ocrmypdf")
LIGHTINGS = ("even", "uneven")
TURNS = (0, 90, 180)
# each sheet's skew differs from the nominal one by up to this much (degrees)
SKEW_JITTER = 0.2
MAX_SKEW = 2.0
# a sheet lands up to this far from where the previous one did (millimetres)
MAX_SHIFT_MM = 1.5
# grey levels a scanner gives blank paper and solid black ink (auto-exposure varies)
PAPER_LEVELS = (232.0, 250.0)
INK_LEVELS = (15.0, 45.0)
# how much darker the far side of the page is with uneven lighting (share of full light)
LIGHTING_DEPTHS = (0.10, 0.18)
# dust and toner specks per page when the scan is noisy
SPECKS = (10, 40)


@dataclass(frozen=True)
class ScanSettings:
    """The settings of one scan: resolution, the nominal skew of each sheet (degrees),
    JPEG quality, blur (sigma, pixels), noise (sigma, grey levels), the text layer
    (`none` or `ocrmypdf`), whole-page turns (0, 90: every sheet fed sideways, 180: about
    half the sheets upside down), colour or greyscale, lighting and the seed."""

    dpi: int = DEFAULT_DPI
    skew: float = DEFAULT_SKEW
    jpeg_quality: int = DEFAULT_JPEG_QUALITY
    blur: float = DEFAULT_BLUR
    noise: float = DEFAULT_NOISE
    layer: str = DEFAULT_LAYER
    turn: int = DEFAULT_TURN
    colour: bool = False
    lighting: str = "even"
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        # one type per setting, so that equal settings give equal manifests and cache keys
        for name, kind in (
            ("dpi", int),
            ("skew", float),
            ("jpeg_quality", int),
            ("blur", float),
            ("noise", float),
            ("turn", int),
            ("seed", int),
        ):
            object.__setattr__(self, name, kind(getattr(self, name)))
        object.__setattr__(self, "colour", bool(self.colour))
        if not 50 <= self.dpi <= 600:
            raise ValueError(f"scan settings: dpi must be 50 … 600, not {self.dpi}")
        if not 0.0 <= self.skew <= MAX_SKEW:
            raise ValueError(f"scan settings: skew must be 0 … {MAX_SKEW} degrees")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError("scan settings: jpeg_quality must be 1 … 100")
        if not 0.0 <= self.blur <= 3.0 or not 0.0 <= self.noise <= 50.0:
            raise ValueError("scan settings: blur must be 0 … 3 px and noise 0 … 50 levels")
        if self.layer not in LAYERS:
            raise ValueError(f"scan settings: layer must be one of {', '.join(LAYERS)}")
        if self.turn not in TURNS:
            raise ValueError(f"scan settings: turn must be one of {TURNS}")
        if self.lighting not in LIGHTINGS:
            raise ValueError(f"scan settings: lighting must be one of {', '.join(LIGHTINGS)}")

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON values."""
        return asdict(self)

    def label(self) -> str:
        """A short line naming every setting, for tables and file names."""
        return (
            f"{self.dpi}dpi {'colour' if self.colour else 'grey'} skew{self.skew:g} "
            f"q{self.jpeg_quality} blur{self.blur:g} noise{self.noise:g} "
            f"turn{self.turn} {self.lighting} {self.layer}"
        )


@dataclass(frozen=True)
class Lighting:
    """Uneven lighting as a ramp: the share of light lost at the far side (`depth`) and
    the direction the ramp falls towards (radians, in the scanner's picture)."""

    depth: float = 0.0
    direction: float = 0.0


@dataclass(frozen=True)
class PagePlan:
    """What happens to one sheet: its 1-based page in the source, skew in degrees
    (positive: counter-clockwise as seen), shift on the glass (mm), whole-page turn
    (degrees counter-clockwise), paper and ink levels (one per colour channel), lighting
    and the seed of its noise."""

    page: int
    skew: float
    shift_mm: tuple[float, float]
    turn: int
    paper: tuple[float, ...]
    ink: tuple[float, ...]
    lighting: Lighting = field(default_factory=Lighting)
    specks: int = 0
    noise_seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain JSON values."""
        return asdict(self)


def seed_to_random(seed: int, *salt: object) -> random.Random:
    """Given a seed and any salt, return a generator that is the same on every run."""
    return random.Random("/".join(str(part) for part in (seed, *salt)))


def settings_to_tones(
    settings: ScanSettings, rng: random.Random
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Given the settings, return the paper and ink levels of the scan (one value, or one
    per RGB channel: slightly warm paper, slightly blue-black ink)."""
    paper = rng.uniform(*PAPER_LEVELS)
    ink = rng.uniform(*INK_LEVELS)
    if not settings.colour:
        return (round(paper, 1),), (round(ink, 1),)
    warm = rng.uniform(2.0, 10.0)
    papers = (paper, paper - warm * 0.4, paper - warm)
    inks = (ink, ink + rng.uniform(0.0, 6.0), ink + rng.uniform(4.0, 14.0))
    return tuple(round(v, 1) for v in papers), tuple(round(v, 1) for v in inks)


def turned_pages(settings: ScanSettings, count: int, rng: random.Random) -> list[int]:
    """Given the settings and the number of sheets, return each sheet's whole-page turn:
    all sideways (one way for the whole stack) for 90, about half upside down (never
    none) for 180."""
    if settings.turn == 0:
        return [0] * count
    if settings.turn == 90:
        return [rng.choice((90, 270))] * count
    upside_down = set(rng.sample(range(count), math.ceil(count / 2)))
    return [180 if k in upside_down else 0 for k in range(count)]


def settings_to_page_plans(settings: ScanSettings, pages: list[int]) -> list[PagePlan]:
    """Given the settings and the 1-based source pages scanned, return one plan per sheet:
    skews of the nominal size give or take `SKEW_JITTER`, of either sign, and the rest
    drawn from the seed."""
    rng = seed_to_random(settings.seed, "document")
    paper, ink = settings_to_tones(settings, rng)
    turns = turned_pages(settings, len(pages), rng)
    lighting = Lighting()
    if settings.lighting == "uneven":
        lighting = Lighting(
            round(rng.uniform(*LIGHTING_DEPTHS), 3), round(rng.uniform(0.0, 2 * math.pi), 3)
        )
    plans = []
    for page, turn in zip(pages, turns, strict=True):
        sheet = seed_to_random(settings.seed, "page", page)
        size = 0.0
        if settings.skew > 0:
            size = min(
                max(settings.skew + sheet.uniform(-SKEW_JITTER, SKEW_JITTER), 0.05), MAX_SKEW
            )
        skew = round(size * sheet.choice((-1.0, 1.0)), 3)
        shift = (
            round(sheet.uniform(-MAX_SHIFT_MM, MAX_SHIFT_MM), 2),
            round(sheet.uniform(-MAX_SHIFT_MM, MAX_SHIFT_MM), 2),
        )
        specks = sheet.randint(*SPECKS) if settings.noise > 0 else 0
        plans.append(
            PagePlan(page, skew, shift, turn, paper, ink, lighting, specks, sheet.randrange(2**32))
        )
    return plans
