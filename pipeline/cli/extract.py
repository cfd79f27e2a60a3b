"""`piano extract`: one plan PDF → the contract's output folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pipeline.chain import pdf_to_folder
from pipeline.core.contract import is_revision
from pipeline.core.errors import InputError
from pipeline.core.settings import settings_from_file
from pipeline.correct.files import corrections_dir_or_default
from pipeline.extract.read.pages import pdf_progress
from pipeline.extract.stage import ExtractSettings
from pipeline.normalise.stage import NormaliseSettings


def register(subparsers: Any) -> None:
    doc = run_extract.__doc__ or ""
    parser = subparsers.add_parser(
        "extract",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", type=Path, help="the plan PDF")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--revision", help="YYYY-MM; read from the title when not given")
    parser.add_argument(
        "--params",
        type=Path,
        default=Path("params.yaml"),
        help="settings file (default: params.yaml, if present)",
    )
    parser.add_argument(
        "--corrections-dir",
        type=Path,
        help="hand corrections, <revision>.yaml (default: corrections, if present)",
    )
    parser.set_defaults(func=run_extract)


def run_extract(args: argparse.Namespace) -> None:
    """Extract a plan PDF into objectives, targets, relevance and quality Parquet files.

    Example:
        piano extract sources/desenzano-2021-11.pdf --out extracted/desenzano-2021-11

    Writes objectives.parquet, targets.parquet, sector_weights.parquet, quality.parquet,
    cells.parquet and document.json into --out; a failed run leaves --out as it was.
    Hand corrections in corrections/<revision>.yaml are applied before validation
    (`piano corrections --help`). The DVC pipeline runs the same steps as separate
    stages (`piano stage --help`).
    """
    if args.revision is not None and not is_revision(args.revision):
        raise InputError("--revision must read YYYY-MM", value=args.revision)
    pdf_to_folder(
        args.source,
        args.out,
        settings_from_file(ExtractSettings, args.params, "extract"),
        settings_from_file(NormaliseSettings, args.params, "normalise"),
        revision=args.revision,
        corrections_dir=corrections_dir_or_default(args.corrections_dir),
        track=pdf_progress(args.source, f"extract {args.source.name}"),
    )
