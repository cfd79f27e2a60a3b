"""`piano stage`: the pipeline's steps one at a time, each reading the previous step's
folder and writing its own, as the DVC stages run them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pipeline.core.settings import settings_from_file


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
    STEPS[args.step](args)


# each step imports its own stage only, so that a DVC stage depends on its own code alone


def run_extract_step(args: argparse.Namespace) -> None:
    """`piano stage extract`: a PDF → the extract stage's folder."""
    from pipeline.extract.read.pages import pdf_progress
    from pipeline.extract.stage import ExtractSettings, pdf_to_extraction_folder

    settings = settings_from_file(ExtractSettings, args.params, "extract")
    track = pdf_progress(args.input, f"extract {args.input.name}")
    pdf_to_extraction_folder(args.input, args.out, settings, track)


def run_normalise_step(args: argparse.Namespace) -> None:
    """`piano stage normalise`: the extract stage's folder → the output tables."""
    from pipeline.normalise.stage import NormaliseSettings, extraction_folder_to_folder

    settings = settings_from_file(NormaliseSettings, args.params, "normalise")
    extraction_folder_to_folder(args.input, args.out, args.revision, settings)


def run_correct_step(args: argparse.Namespace) -> None:
    """`piano stage correct`: the output tables with the revision's hand corrections."""
    from pipeline.correct.files import corrections_dir_or_default, folder_to_corrected_folder

    folder_to_corrected_folder(
        args.input, args.out, corrections_dir_or_default(args.corrections_dir)
    )


def run_validate_step(args: argparse.Namespace) -> None:
    """`piano stage validate`: the output tables checked, with their metrics."""
    from pipeline.validate.stage import folder_to_validated_folder

    folder_to_validated_folder(args.input, args.out, args.metrics)


STEPS = {
    "extract": run_extract_step,
    "normalise": run_normalise_step,
    "correct": run_correct_step,
    "validate": run_validate_step,
}
