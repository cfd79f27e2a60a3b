"""`piano extract`: one plan PDF → the contract's output folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import __version__
from pipeline.corrections_io import correct_tables, corrections_dir_or_default
from pipeline.document import is_revision
from pipeline.errors import ExtractionError, InputError, SettingsError
from pipeline.extract import Extraction, ExtractSettings, pdf_to_extraction
from pipeline.normalise import NormalisedPlan, NormaliseSettings, normalise_plan
from pipeline.params import load_params
from pipeline.progress import PageTrack, pdf_progress
from pipeline.quality import findings_to_frame
from pipeline.schemas import validate_outputs
from pipeline.stage_io import tables_to_folder
from pipeline.timing import StageTimings


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
    params = load_params(args.params)
    if args.revision is not None and not is_revision(args.revision):
        raise InputError("--revision must read YYYY-MM", value=args.revision)
    pdf_to_folder(
        args.source,
        args.out,
        settings_from_params(ExtractSettings, params.get("extract"), args.params),
        settings_from_params(NormaliseSettings, params.get("normalise"), args.params),
        revision=args.revision,
        corrections_dir=corrections_dir_or_default(args.corrections_dir),
        track=pdf_progress(args.source, f"extract {args.source.name}"),
    )


def pdf_to_folder(
    source: Path,
    out: Path,
    extract: ExtractSettings | None = None,
    normalise: NormaliseSettings | None = None,
    revision: str | None = None,
    corrections_dir: Path | None = None,
    track: PageTrack | None = None,
    timings: StageTimings | None = None,
) -> None:
    """Given a plan PDF and an output folder, run what `piano extract` runs: extract,
    normalise, correct (with `corrections_dir`, if given), validate and write, all or
    nothing. `timings`, if given, gets the seconds of each step: read, grid, rows (see
    `pdf_to_extraction`), normalise, correct, validate, write."""
    timings = timings if timings is not None else StageTimings()
    extraction = pdf_to_extraction(source, extract, track=track, timings=timings)
    with timings.stage("normalise"):
        tables, document = extraction_to_tables(
            extraction, revision, normalise or NormaliseSettings()
        )
    with timings.stage("correct"):
        tables, document = correct_tables(tables, document, corrections_dir)
    with timings.stage("validate"):
        validate_outputs(tables, extraction.source)
    with timings.stage("write"):
        tables_to_folder(tables, document, out)


def settings_from_params(cls: Any, section: dict[str, Any] | None, path: Path) -> Any:
    """Given a settings class and its params.yaml section, return the settings, or raise
    SettingsError naming the params file when a key or value is wrong."""
    try:
        return cls.from_params(section)
    except (TypeError, ValueError) as error:
        raise SettingsError(f"bad settings: {error}", file=str(path)) from error


def extraction_to_tables(
    extraction: Extraction, revision: str | None, settings: NormaliseSettings
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given an extraction, return the normalised output tables and document.json."""
    plan = extraction_to_plan(extraction, revision, settings)
    tables = plan_to_tables(extraction, plan)
    return tables, document_json(extraction, plan, tables)


def extraction_to_plan(
    extraction: Extraction, revision: str | None, settings: NormaliseSettings
) -> NormalisedPlan:
    """Given an extraction and an optional revision override, return the normalised plan."""
    revision = revision or extraction.info.revision
    if revision is None:
        raise ExtractionError(
            "no revision label such as '(aggiornamento novembre 2021)' in "
            "the title; pass --revision YYYY-MM",
            file=extraction.source,
            page=1,
        )
    plan = normalise_plan(
        extraction.rows, extraction.relevance, revision, extraction.info.plan_year, settings
    )
    plan.findings[:0] = extraction.findings
    return plan


def plan_to_tables(extraction: Extraction, plan: NormalisedPlan) -> dict[str, pd.DataFrame]:
    """Given an extraction and its normalised plan, return the output tables by name."""
    revision = str(plan.objectives["revision"].iloc[0])
    cells = extraction.cells.copy()
    cells.insert(
        0,
        "objective_id",
        [f"{b:02d}.{s:02d}" for b, s in zip(cells["block"], cells["seq"], strict=True)],
    )
    cells.insert(0, "revision", revision)
    cells = cells.drop(columns=["block", "seq"])
    cells["revision"] = cells["revision"].astype("string")
    cells["objective_id"] = cells["objective_id"].astype("string")
    cells["field"] = cells["field"].astype("string")
    return {
        "objectives": plan.objectives,
        "targets": plan.targets,
        "sector_weights": plan.sector_weights,
        "quality": findings_to_frame(plan.findings, revision),
        "cells": cells,
    }


def document_json(
    extraction: Extraction, plan: NormalisedPlan, tables: dict[str, pd.DataFrame]
) -> dict[str, Any]:
    """Given an extraction, its plan and output tables, return document.json's content."""
    quality = tables["quality"]
    return {
        "municipality": extraction.info.municipality,
        "revision": str(plan.objectives["revision"].iloc[0]),
        "revision_label": extraction.info.revision_label,
        "pages": extraction.pages,
        "source": {"file": extraction.source, "sha256": extraction.sha256},
        "pipeline_version": __version__,
        "counts": {
            "objectives": int(len(tables["objectives"])),
            "targets": int(len(tables["targets"])),
            "findings": int(len(quality)),
            "findings_by_severity": {
                s: int((quality["severity"] == s).sum()) for s in ("info", "warning", "error")
            },
        },
        "grid": [
            {"page": c.page, "finder": c.finder, "tables": c.tables} for c in extraction.choices
        ],
    }
