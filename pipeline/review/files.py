"""The review stage's files: the extracted folder and its source PDF in."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.errors import ReviewInputError
from pipeline.core.folders import (
    file_sha256,
    folder_to_tables,
)
from pipeline.review.crops import ReviewTables

REVIEW_TABLES = ("objectives", "targets", "sector_weights", "quality", "cells")


def folder_to_review_tables(folder: Path, name: str) -> ReviewTables:
    """Given an extracted folder, return its tables and document.json for the report."""
    if not folder.is_dir():
        raise ReviewInputError(
            "no such extracted folder; run `piano extract` or "
            "`dvc repro` first, or see --extracted-root",
            file=str(folder),
        )
    tables, document = folder_to_tables(folder, REVIEW_TABLES)
    return ReviewTables(
        name,
        document,
        tables["objectives"],
        tables["targets"],
        tables["sector_weights"],
        tables["quality"],
        tables["cells"],
    )


def source_path(tables: ReviewTables, sources_root: Path) -> Path:
    """Given the report's tables, return where its source PDF should be: document.json's
    source file name under `sources_root`."""
    file_name = (tables.document.get("source") or {}).get("file")
    if not file_name:
        raise ReviewInputError(
            "document.json names no source file; pass --source", file=tables.name
        )
    return sources_root / Path(str(file_name)).name


def check_source(source: Path, tables: ReviewTables) -> None:
    """Given a PDF and the report's tables, raise ReviewInputError when the PDF is
    missing or is not the one the tables were extracted from (boxes would not fit)."""
    if not source.is_file():
        raise ReviewInputError("source PDF not found; pass --source", file=str(source))
    expected = (tables.document.get("source") or {}).get("sha256")
    if expected and file_sha256(source) != expected:
        raise ReviewInputError(
            f"not the PDF {tables.name} was extracted from (sha256 differs)", file=str(source)
        )
