"""The diff stage's files: two extracted folders in, the diff's Parquet files, memo, page and
workbook out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.core.errors import DiffInputError
from pipeline.core.folders import write_folder
from pipeline.core.style import CSS, STYLE_FILE
from pipeline.core.validation import validate_frame
from pipeline.core.workbook import workbook_writer
from pipeline.diff.compare import (
    PlanDiff,
    PlanFrames,
)
from pipeline.diff.html import DIFF_PAGE, diff_to_html
from pipeline.diff.report import diff_to_markdown
from pipeline.diff.schemas import (
    ObjectiveDiffSchema,
    PairSchema,
    SectorWeightDiffSchema,
    TargetDiffSchema,
)
from pipeline.diff.sheets import DIFF_WORKBOOK, plan_diff_to_sheets

INPUT_FILES = ("objectives.parquet", "targets.parquet", "sector_weights.parquet")


def folder_to_plan_frames(folder: Path) -> PlanFrames:
    """Given a `piano extract` output folder, return its three tables."""
    frames: list[pd.DataFrame] = []
    for name in INPUT_FILES:
        path = folder / name
        if not path.is_file():
            raise DiffInputError("missing input file", file=str(path))
        try:
            frames.append(pd.read_parquet(path))
        except (OSError, pa.ArrowException) as error:
            raise DiffInputError(f"cannot read Parquet: {error}", file=str(path)) from None
    objectives, targets, sector_weights = frames
    return PlanFrames(objectives, targets, sector_weights, source=str(folder))


def check_plan_diff(diff: PlanDiff) -> None:
    """Given a `PlanDiff`, raise `ValidationError` if a table does not fit its schema."""
    validate_frame(diff.objectives, ObjectiveDiffSchema, "diff.parquet")
    validate_frame(diff.targets, TargetDiffSchema, "targets_diff.parquet")
    validate_frame(diff.sector_weights, SectorWeightDiffSchema, "sector_weights_diff.parquet")
    validate_frame(diff.pairs, PairSchema, "pairs.parquet")


def plan_diff_to_folder(diff: PlanDiff, out: Path) -> None:
    """Given a `PlanDiff`, write its files into `out` (see `run_diff`), all or nothing."""
    markdown = diff_to_markdown(diff)
    page = diff_to_html(diff)
    writers: dict[str, Callable[[Path], object]] = {
        "diff.parquet": lambda path: diff.objectives.to_parquet(path, index=False),
        "targets_diff.parquet": lambda path: diff.targets.to_parquet(path, index=False),
        "sector_weights_diff.parquet": lambda path: diff.sector_weights.to_parquet(
            path, index=False
        ),
        "pairs.parquet": lambda path: diff.pairs.to_parquet(path, index=False),
        "diff.md": lambda path: path.write_text(markdown, encoding="utf-8"),
        DIFF_PAGE: lambda path: path.write_text(page, encoding="utf-8"),
        STYLE_FILE: lambda path: path.write_text(CSS, encoding="utf-8"),
        DIFF_WORKBOOK: workbook_writer(plan_diff_to_sheets(diff)),
    }
    write_folder(out, writers)
