"""`piano diff`: the thin runner of the revision diff: read two output folders of `piano
extract`, call `pipeline.diff.compare.compare_plans`, write the results atomically."""

from __future__ import annotations

import argparse
import inspect
import json
from pathlib import Path
from typing import Any

from pipeline.core.settings import settings_from_file
from pipeline.diff.compare import (
    DiffSettings,
    PlanDiff,
    compare_plans,
    plan_diff_to_dict,
)
from pipeline.diff.files import check_plan_diff, folder_to_plan_frames, plan_diff_to_folder
from pipeline.diff.report import CHANGE_LABELS, diff_to_counts


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
        help="read settings from the `diff:` section of this YAML file",
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
    from the `diff:` section of --params (see pipeline.diff.compare.DiffSettings).
    """
    settings = settings_from_file(DiffSettings, args.params, "diff")
    diff = compare_plans(
        folder_to_plan_frames(args.old_dir), folder_to_plan_frames(args.new_dir), settings
    )
    check_plan_diff(diff)
    plan_diff_to_folder(diff, args.out)
    if args.json:
        print(json.dumps(plan_diff_to_dict(diff), ensure_ascii=False, indent=2))
    else:
        print(plan_diff_to_summary(diff, args.out))


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
