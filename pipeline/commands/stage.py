"""`piano stage`: the pipeline's steps one at a time, each reading the previous step's
folder and writing its own, as the DVC stages run them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pipeline.commands.extract import extraction_to_tables, settings_from_params
from pipeline.corrections_io import correct_tables, corrections_dir_or_default
from pipeline.errors import InputError
from pipeline.extract import ExtractSettings, pdf_to_extraction
from pipeline.normalise import NormaliseSettings
from pipeline.params import load_params
from pipeline.progress import pdf_progress
from pipeline.schemas import validate_outputs
from pipeline.stage_io import (
    extraction_to_folder,
    folder_to_extraction,
    folder_to_tables,
    tables_to_folder,
)
from pipeline.write import json_writer, write_folder

OUTPUT_TABLES = ("objectives", "targets", "sector_weights", "quality", "cells")


def register(subparsers: Any) -> None:
    doc = run_stage.__doc__ or ""
    parser = subparsers.add_parser(
        "stage",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("step", choices=["extract", "normalise", "correct", "validate"])
    parser.add_argument("input", type=Path, help="the PDF (extract) or the previous step's folder")
    parser.add_argument("--out", type=Path, required=True, help="this step's output folder")
    parser.add_argument("--revision", help="YYYY-MM (normalise); default: from the title")
    parser.add_argument(
        "--corrections-dir",
        type=Path,
        help="correct: folder of <revision>.yaml files (default: corrections)",
    )
    parser.add_argument("--metrics", type=Path, help="validate: also write metrics JSON here")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.set_defaults(func=run_stage)


def run_stage(args: argparse.Namespace) -> None:
    """Run one step of the pipeline (extract, normalise, correct, validate), folder to folder.

    Example:
        piano stage extract sources/plan.pdf --out build/plan/extract
        piano stage normalise build/plan/extract --out build/plan/normalise
        piano stage correct build/plan/normalise --out build/plan/correct
        piano stage validate build/plan/correct --out extracted/plan

    `correct` applies corrections/<revision>.yaml (`--corrections-dir` to read another
    folder) and stops on an entry that no longer fits; a revision without a file passes
    through unchanged. `piano extract` runs the four in one process and writes the same
    files.
    """
    params = load_params(args.params)
    if args.step == "extract":
        settings = settings_from_params(ExtractSettings, params.get("extract"), args.params)
        track = pdf_progress(args.input, f"extract {args.input.name}")
        extraction_to_folder(pdf_to_extraction(args.input, settings, track), args.out)
    elif args.step == "normalise":
        settings = settings_from_params(NormaliseSettings, params.get("normalise"), args.params)
        tables, document = extraction_to_tables(
            folder_to_extraction(args.input), args.revision, settings
        )
        tables_to_folder(tables, document, args.out)
    elif args.step == "correct":
        tables, document = folder_to_tables(args.input, OUTPUT_TABLES)
        tables, document = correct_tables(
            tables, document, corrections_dir_or_default(args.corrections_dir)
        )
        tables_to_folder(tables, document, args.out)
    else:
        tables, document = folder_to_tables(args.input, OUTPUT_TABLES)
        validate_outputs(tables, str(document.get("source", {}).get("file", args.input)))
        tables_to_folder(tables, document, args.out)
        if args.metrics:
            write_folder(
                args.metrics.parent, {args.metrics.name: json_writer(document_to_metrics(document))}
            )


def document_to_metrics(document: dict[str, Any]) -> dict[str, Any]:
    """Given document.json's content, return the metrics DVC tracks: row counts and
    findings by severity."""
    counts = document.get("counts")
    if not isinstance(counts, dict):
        raise InputError("document.json has no counts", value=json.dumps(document)[:80])
    return {
        "objectives": counts["objectives"],
        "targets": counts["targets"],
        "findings": counts["findings"],
        **{f"findings_{k}": v for k, v in counts.get("findings_by_severity", {}).items()},
    }
