"""The review report's data: which part of which page each objective was read from,
the crops of those parts with the cell boxes drawn, the findings counted by sector and
severity, and the corrections applied. Pure transforms of an extracted folder's tables
and rendered pages; `pipeline.review.html` renders the pages, `piano review` runs it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw

from pipeline.core.contract import CELL_FIELDS, CORRECTED_FIELDS, MANUAL_CORRECTION_RULE, SEVERITIES
from pipeline.core.settings import Settings, setting
from pipeline.review.render import RenderedPage

DEFAULT_SCALE = 2.0  # pixels per PDF point: 7-point table text comes out 14 px high
DEFAULT_CONTEXT_PT = 12.0  # page shown, dimmed, around the objective's cells
DEFAULT_DIM = 0.6  # how far the context is faded towards white (0: not at all)
DEFAULT_BOX_WIDTH_PX = 2
DEFAULT_PNG_COLORS = 64  # palette PNG: a third of the size, no visible loss on text
# limits: the part of a page rendered for its crops (an A4 page at scale 2 is 2 million
# pixels), and a picture on a page rendered (A3 at 600 dpi is 70 million)
DEFAULT_MAX_CROP_PIXELS = 40_000_000
DEFAULT_MAX_IMAGE_PIXELS = 150_000_000

WHOLE_PLAN = "(whole plan)"  # findings about no objective
CROSS_CUTTING = "(cross-cutting)"  # objectives of the block with no sector


# one colour per boxed field, the same in the crops and in the report's field tables
FIELD_COLOURS = dict(
    zip(
        CELL_FIELDS,
        (
            "#1f77b4",
            "#ff7f0e",
            "#2ca02c",
            "#d62728",
            "#9467bd",
            "#8c564b",
            "#e377c2",
            "#17becf",
        ),
        strict=True,
    )
)


# normalised columns of objectives.parquet and the printed cell each was read from
FIELD_SOURCES = {
    "assignee": "assignee_raw",
    "dup_mission": "dup_raw",
    "dup_programme": "dup_raw",
    "dup_programme_name": "dup_raw",
    "deadline": "deadline_raw",
    "deadline_status": "deadline_raw",
}


@dataclass(frozen=True)
class ReviewSettings(Settings):
    """How the crops are made (params.yaml `review:`)."""

    scale: float = setting(DEFAULT_SCALE, low=0.25, high=8)
    context_pt: float = setting(DEFAULT_CONTEXT_PT, low=0)
    dim: float = setting(DEFAULT_DIM, low=0, high=1)
    box_width_px: int = setting(DEFAULT_BOX_WIDTH_PX, low=1)
    png_colors: int = setting(DEFAULT_PNG_COLORS, low=2, high=256, also=(0,))
    max_crop_pixels: int = setting(DEFAULT_MAX_CROP_PIXELS, low=1)
    max_image_pixels: int = setting(DEFAULT_MAX_IMAGE_PIXELS, low=1)


@dataclass
class ReviewTables:
    """What the report shows of one extracted folder: its tables and document.json."""

    name: str
    document: dict[str, Any]
    objectives: pd.DataFrame
    targets: pd.DataFrame
    sector_weights: pd.DataFrame
    quality: pd.DataFrame
    cells: pd.DataFrame


@dataclass(frozen=True)
class Crop:
    """The picture of one objective's cells on one page, ready to write."""

    objective_id: str
    page: int
    file_name: str
    width: int
    height: int
    png: bytes


def cells_to_regions(cells: pd.DataFrame) -> pd.DataFrame:
    """Given cells.parquet (objective_id, page, x0, top, x1, bottom), return one row per
    objective and page with the box around all its cells there, ordered by page and
    position on the page."""
    if cells.empty:
        return pd.DataFrame(columns=["objective_id", "page", "x0", "top", "x1", "bottom"])
    regions = cells.groupby(["objective_id", "page"], as_index=False).agg(
        x0=("x0", "min"), top=("top", "min"), x1=("x1", "max"), bottom=("bottom", "max")
    )
    regions["objective_id"] = regions["objective_id"].astype(str)
    regions["page"] = regions["page"].astype(int)
    return regions.sort_values(["page", "top", "x0"], ignore_index=True)


def regions_to_page_boxes(
    regions: pd.DataFrame, margin: float
) -> dict[int, tuple[float, float, float, float]]:
    """Given the regions (`cells_to_regions`) and the context around each, return by
    page the box (x0, top, x1, bottom) around all its regions and their context: the
    only part of the page the crops need rendered."""
    if regions.empty:
        return {}
    boxes = regions.groupby("page").agg(
        x0=("x0", "min"), top=("top", "min"), x1=("x1", "max"), bottom=("bottom", "max")
    )
    return {
        int(page): (b.x0 - margin, b.top - margin, b.x1 + margin, b.bottom + margin)
        for page, b in boxes.iterrows()
    }


def objective_file_stem(objective_id: str) -> str:
    """Given an objective_id, return the stem of its report files (`01.06`); anything
    but letters, digits, dot, dash and underscore becomes `_`."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", objective_id)


def crop_file_name(objective_id: str, page: int) -> str:
    """Given an objective and a page, return the crop's file name (`01.06-p2.png`)."""
    return f"{objective_file_stem(objective_id)}-p{page}.png"


def rendered_page_to_crop(
    page: RenderedPage, region: pd.Series, boxes: pd.DataFrame, settings: ReviewSettings
) -> Image.Image:
    """Given a rendered page, one objective's region on it (x0, top, x1, bottom) and its
    cell boxes there (field, x0, top, x1, bottom), return the region with some page
    around it faded, each cell outlined in its field's colour."""
    margin = settings.context_pt
    left, top, right, bottom = page.box_to_pixels(
        region["x0"] - margin,
        region["top"] - margin,
        region["x1"] + margin,
        region["bottom"] + margin,
    )
    crop = page.image.crop((left, top, max(right, left + 1), max(bottom, top + 1)))
    inner = page.box_to_pixels(region["x0"], region["top"], region["x1"], region["bottom"])
    inner = (inner[0] - left, inner[1] - top, inner[2] - left, inner[3] - top)
    picture = Image.blend(crop, Image.new("RGB", crop.size, "white"), settings.dim)
    picture.paste(crop.crop(inner), inner[:2])
    draw = ImageDraw.Draw(picture)
    for box in boxes.itertuples(index=False):
        x0, y0, x1, y1 = page.box_to_pixels(box.x0, box.top, box.x1, box.bottom)
        shape = (x0 - left, y0 - top, max(x1 - left - 1, x0 - left), max(y1 - top - 1, y0 - top))
        colour = FIELD_COLOURS.get(str(box.field), "#000000")
        draw.rectangle(shape, outline=colour, width=settings.box_width_px)
    return picture


def image_to_png(image: Image.Image, colors: int) -> bytes:
    """Given a picture and a palette size (0: full colour), return it as PNG bytes."""
    if colors:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pages_to_crops(
    pages: Iterable[RenderedPage],
    regions: pd.DataFrame,
    cells: pd.DataFrame,
    settings: ReviewSettings,
) -> list[Crop]:
    """Given the rendered pages (each once), the regions (`cells_to_regions`) and
    cells.parquet, return every objective's crop on every page it was read from, in
    page order; each page picture can be dropped as soon as the next one comes."""
    by_page = {page: frame for page, frame in regions.groupby("page")}
    boxes = {key: frame for key, frame in cells.groupby(["objective_id", "page"])}
    crops = []
    for page in pages:
        for region in by_page.get(page.number, regions.iloc[0:0]).to_dict("records"):
            key = (region["objective_id"], page.number)
            picture = rendered_page_to_crop(page, pd.Series(region), boxes[key], settings)
            crops.append(
                Crop(
                    str(region["objective_id"]),
                    page.number,
                    crop_file_name(str(region["objective_id"]), page.number),
                    picture.width,
                    picture.height,
                    image_to_png(picture, settings.png_colors),
                )
            )
    return crops


def corrected_fields_to_list(value: object) -> list[str]:
    """Given a `corrected_fields` cell (a list, or text such as "subject, deadline_raw",
    or null), return the field names."""
    if value is None or isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, str):
        return [v for v in value.replace(";", ",").replace(" ", ",").split(",") if v]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v is not None and str(v)]
    return []


def objectives_to_corrected_fields(
    objectives: pd.DataFrame, quality: pd.DataFrame
) -> dict[str, list[str]]:
    """Given objectives.parquet (with `corrected_fields` once corrections are applied)
    and quality.parquet (`manual_correction` findings), return objective_id -> the
    fields a hand correction changed, in the order first named."""
    corrected: dict[str, list[str]] = {}

    def add(objective_id: object, names: list[str]) -> None:
        if objective_id is None or pd.isna(objective_id):  # type: ignore[call-overload]
            return
        known = corrected.setdefault(str(objective_id), [])
        known += [n for n in names if n not in known]

    if CORRECTED_FIELDS in objectives.columns:
        for objective_id, value in zip(
            objectives["objective_id"], objectives[CORRECTED_FIELDS], strict=True
        ):
            add(objective_id, corrected_fields_to_list(value))
    corrections = quality[quality["rule"] == MANUAL_CORRECTION_RULE]
    for objective_id, field in zip(corrections["objective_id"], corrections["field"], strict=True):
        add(objective_id, [str(field)] if pd.notna(field) else [])
    return {k: v for k, v in corrected.items() if v}


def sector_label(sector: object) -> str:
    """Given a sector key or null, return how the report names it."""
    return CROSS_CUTTING if sector is None or pd.isna(sector) else str(sector)  # type: ignore[call-overload]


def quality_to_severity_counts(quality: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Given quality.parquet and objectives.parquet, return the findings counted by
    sector (rows, in block order; `(cross-cutting)` for the block with no sector,
    `(whole plan)` for findings about no objective) and severity (columns info, warning,
    error, then total)."""
    sectors = dict(
        zip(
            objectives["objective_id"].astype(str),
            objectives["sector"].map(sector_label),
            strict=True,
        )
    )
    labels = [
        sectors.get(str(o), CROSS_CUTTING) if pd.notna(o) else WHOLE_PLAN
        for o in quality["objective_id"]
    ]
    order = list(
        dict.fromkeys(objectives.sort_values(["block", "seq"])["sector"].map(sector_label))
    ) + [WHOLE_PLAN]
    counts = (
        pd.crosstab(
            pd.Series(labels, name="sector", dtype=object),
            pd.Series(quality["severity"].astype(str).to_numpy(), name="severity", dtype=object),
        )
        if len(quality)
        else pd.DataFrame()
    )
    counts = counts.reindex(index=order, columns=list(SEVERITIES), fill_value=0)
    counts = counts.fillna(0).astype(int)
    counts["total"] = counts.sum(axis=1)
    counts.index.name, counts.columns.name = "sector", None
    return counts


def objective_severity_counts(quality: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Given quality.parquet, return objective_id -> severity -> number of findings."""
    counts: dict[str, dict[str, int]] = {}
    for (objective_id, severity), size in (
        quality.dropna(subset=["objective_id"]).groupby(["objective_id", "severity"]).size().items()
    ):
        counts.setdefault(str(objective_id), {})[str(severity)] = int(size)
    return counts
