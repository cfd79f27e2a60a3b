"""`piano extract`: one plan PDF → the contract's output folder."""

from __future__ import annotations

import argparse
import sys
import time
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
        "--plan", help="the plan's name in every table (default: the --out folder's name)"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress (bar or lines) and no summary line"
    )
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
    Ends with one summary line on stderr (objectives, targets, findings by severity,
    seconds); before it a progress bar on a terminal, else one line per page on stdout;
    --quiet silences all of them.
    Hand corrections in corrections/<revision>.yaml are applied before validation
    (`piano corrections --help`). The DVC pipeline runs the same steps as separate
    stages (`piano stage --help`).
    """
    if args.revision is not None and not is_revision(args.revision):
        raise InputError("--revision must read YYYY-MM", value=args.revision)
    start = time.perf_counter()
    document = pdf_to_folder(
        args.source,
        args.out,
        settings_from_file(ExtractSettings, args.params, "extract"),
        settings_from_file(NormaliseSettings, args.params, "normalise"),
        revision=args.revision,
        corrections_dir=corrections_dir_or_default(args.corrections_dir),
        track=None if args.quiet else pdf_progress(args.source, f"extract {args.source.name}"),
        plan=args.plan,
    )
    if not args.quiet:
        print(document_to_summary(document, args.out, time.perf_counter() - start), file=sys.stderr)


def document_to_summary(document: dict[str, Any], out: Path, seconds: float) -> str:
    """Given document.json's content, the output folder and the run's seconds, return
    the line `piano extract` ends with."""
    counts = document["counts"]
    severities = counts.get("findings_by_severity", {})
    findings = ", ".join(f"{severities.get(s, 0)} {s}" for s in ("error", "warning", "info"))
    return (
        f"piano extract: {document['plan']}: {counts['objectives']} objectives, "
        f"{counts['targets']} targets, findings {findings}; {seconds:.1f} s → {out}"
    )
