"""Read and write the folders the DVC stages hand to each other. Each stage's output is
a folder of Parquet files plus a small JSON of what is not a table; reading it back
gives the same objects the in-process `piano extract` passes along."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.document import DocumentInfo
from pipeline.errors import InputError
from pipeline.extract import Extraction
from pipeline.find_grid import GridChoice
from pipeline.quality import findings_to_frame, frame_to_findings
from pipeline.write import frame_to_parquet_bytes_writer, json_writer, write_folder

EXTRACTION_TABLES = ("rows", "cells", "relevance", "quality")


def extraction_to_folder(extraction: Extraction, out_dir: Path) -> None:
    """Given an Extraction, write it to `out_dir` (rows, cells, relevance, quality
    Parquet and extraction.json), all or nothing."""
    meta = {
        "source": extraction.source,
        "sha256": extraction.sha256,
        "pages": extraction.pages,
        "info": vars(extraction.info),
        "grid": [vars(c) for c in extraction.choices],
    }
    tables = {
        "rows": extraction.rows,
        "cells": extraction.cells,
        "relevance": extraction.relevance,
        "quality": findings_to_frame(extraction.findings, extraction.info.revision or ""),
    }
    files = {f"{n}.parquet": frame_to_parquet_bytes_writer(t) for n, t in tables.items()}
    files["extraction.json"] = json_writer(meta)
    write_folder(out_dir, files)


def read_parquet(path: Path) -> pd.DataFrame:
    """Given a Parquet path, return its frame or raise InputError naming the file."""
    if not path.exists():
        raise InputError("missing stage input; run the previous stage first", file=str(path))
    return pd.read_parquet(path)


def read_json(path: Path) -> Any:
    """Given a JSON path, return its content or raise InputError naming the file."""
    if not path.exists():
        raise InputError("missing stage input; run the previous stage first", file=str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def folder_to_extraction(folder: Path) -> Extraction:
    """Given a folder written by `extraction_to_folder`, return the Extraction."""
    meta = read_json(folder / "extraction.json")
    tables = {n: read_parquet(folder / f"{n}.parquet") for n in EXTRACTION_TABLES}
    for column in (
        "block_title",
        "number",
        "assignee_raw",
        "dup_raw",
        "subject",
        "description",
        "indicator",
        "expected_result",
        "deadline_raw",
        "extra",
    ):
        if column in tables["rows"]:
            tables["rows"][column] = tables["rows"][column].astype("string")
    return Extraction(
        source=meta["source"],
        sha256=meta["sha256"],
        pages=meta["pages"],
        info=DocumentInfo(**meta["info"]),
        rows=tables["rows"],
        cells=tables["cells"],
        relevance=tables["relevance"],
        choices=[GridChoice(**c) for c in meta["grid"]],
        findings=frame_to_findings(tables["quality"]),
    )


def tables_to_folder(
    tables: dict[str, pd.DataFrame], document: dict[str, Any], out_dir: Path
) -> None:
    """Given output tables by name and document.json's content, write them to
    `out_dir`, all or nothing."""
    files = {f"{n}.parquet": frame_to_parquet_bytes_writer(t) for n, t in tables.items()}
    files["document.json"] = json_writer(document)
    write_folder(out_dir, files)


def folder_to_tables(
    folder: Path, names: tuple[str, ...]
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given a folder written by `tables_to_folder`, return its tables and document."""
    return (
        {n: read_parquet(folder / f"{n}.parquet") for n in names},
        read_json(folder / "document.json"),
    )
