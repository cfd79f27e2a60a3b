"""`piano diff`: the thin runner of the revision diff: read two output folders of `piano
extract`, call `pipeline.diff.compare_plans`, write the results atomically."""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

from pipeline.diff import DiffSettings, PlanDiff, PlanFrames, compare_plans, plan_diff_to_dict
from pipeline.diff_report import CHANGE_LABELS, diff_to_counts, diff_to_markdown
from pipeline.diff_schemas import (
    ObjectiveDiffSchema,
    PairSchema,
    SectorWeightDiffSchema,
    TargetDiffSchema,
    validate_frame,
)
from pipeline.errors import DiffInputError, SettingsError
from pipeline.write import write_folder

INPUT_FILES = ("objectives.parquet", "targets.parquet", "sector_weights.parquet")
PARAMS_SECTION = "diff"


def register(subparsers: Any) -> None:
    """Add the `diff` command to the `piano` parser."""
    doc = inspect.cleandoc(run_diff.__doc__ or "")
    parser = subparsers.add_parser(
        "diff",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "old_dir", metavar="OLD_DIR", type=Path, help="older `piano extract` folder"
    )
    parser.add_argument(
        "new_dir", metavar="NEW_DIR", type=Path, help="newer `piano extract` folder"
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    parser.add_argument(
        "--json", action="store_true", help="print the whole diff as JSON instead of the summary"
    )
    parser.add_argument(
        "--params",
        type=Path,
        metavar="PARAMS_YAML",
        help=f"read settings from the `{PARAMS_SECTION}:` section of this YAML file",
    )
    parser.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> None:
    """Compare two revisions of a plan and write what changed.

    Example:

        piano diff extracted/desenzano-2021-07 extracted/desenzano-2021-11 --out diff/2021-11

    OLD_DIR and NEW_DIR are output folders of `piano extract`. Objectives are paired by
    what they are (sector, subject, description, indicator), not by their number, so a
    renumbered objective is `renumbered` and a number given to another objective is a
    `removed` plus an `added`. Writes into DIR, all or nothing:

      diff.parquet                 one row per change of an objective
      targets_diff.parquet         one row per change of a sub-target
      sector_weights_diff.parquet  changes of the relevance table
      pairs.parquet                every objective of both revisions with its partner
      diff.md                      the report for a memo, with word-level highlights

    Prints a one-line summary, or with --json the whole diff as JSON. Thresholds come
    from the `diff:` section of --params (see pipeline.diff.DiffSettings).
    """
    settings = params_file_to_settings(args.params)
    diff = compare_plans(
        folder_to_plan_frames(args.old_dir), folder_to_plan_frames(args.new_dir), settings
    )
    check_plan_diff(diff)
    plan_diff_to_folder(diff, args.out)
    if args.json:
        print(json.dumps(plan_diff_to_dict(diff), ensure_ascii=False, indent=2))
    else:
        print(plan_diff_to_summary(diff, args.out))


def params_file_to_settings(path: Path | None) -> DiffSettings:
    """Given a params.yaml path (or None for the defaults), return its diff settings."""
    if path is None:
        return DiffSettings()
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"cannot read params: {error}", file=str(path)) from None
    section = params.get(PARAMS_SECTION) if isinstance(params, dict) else None
    if section is not None and not isinstance(section, dict):
        raise SettingsError("must be a mapping", file=str(path), field=PARAMS_SECTION)
    try:
        return DiffSettings.from_params(section)
    except SettingsError as error:
        error.file = str(path)
        raise


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
    writers: dict[str, Callable[[Path], object]] = {
        "diff.parquet": lambda path: diff.objectives.to_parquet(path, index=False),
        "targets_diff.parquet": lambda path: diff.targets.to_parquet(path, index=False),
        "sector_weights_diff.parquet": lambda path: diff.sector_weights.to_parquet(
            path, index=False
        ),
        "pairs.parquet": lambda path: diff.pairs.to_parquet(path, index=False),
        "diff.md": lambda path: path.write_text(markdown, encoding="utf-8"),
    }
    write_folder(out, writers)


def plan_diff_to_summary(diff: PlanDiff, out: Path) -> str:
    """Given a `PlanDiff`, return one line: objectives per kind of change, relevance
    changes and where the files are."""
    totals = diff_to_counts(diff)[list(CHANGE_LABELS)].sum()
    kinds = ", ".join(f"{int(totals[kind])} {kind}" for kind in CHANGE_LABELS)
    return (
        f"{diff.old_revision} -> {diff.new_revision}: objectives {kinds}; "
        f"{len(diff.targets)} target changes; {len(diff.sector_weights)} relevance changes; "
        f"written to {out}"
    )
