"""The validate stage: every output table against its pandera model, and the ids that
tie the tables together; the checked folder is written with the metrics DVC tracks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.core.contract import OUTPUT_TABLES
from pipeline.core.errors import InputError
from pipeline.core.folders import folder_to_tables, json_writer, tables_to_folder, write_file
from pipeline.core.validation import validate_tables
from pipeline.validate.schemas import SCHEMAS


def tables_to_reference_lines(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Given the output tables, return a line per objective_id that names no objective."""
    if "objectives" not in tables or "objective_id" not in tables["objectives"]:
        return []
    known = set(tables["objectives"]["objective_id"].dropna())
    lines = []
    for name in ("targets", "quality", "cells"):
        frame = tables.get(name)
        if frame is None or "objective_id" not in frame:
            continue
        unknown = sorted(set(frame["objective_id"].dropna()) - known)
        if unknown:
            lines.append(f"{name}: objective_id not in objectives: {unknown[:5]}")
    return lines


def validate_outputs(tables: Mapping[str, pd.DataFrame], source: str) -> None:
    """Given the output tables by name, raise ValidationError listing, per table and
    check, the failing rows and values, and the objective_ids that name no objective;
    tables without a model here (another stage's) are not checked."""
    validate_tables(tables, SCHEMAS, source, tables_to_reference_lines(tables))


def document_to_metrics(document: Mapping[str, Any]) -> dict[str, Any]:
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


def folder_to_validated_folder(folder: Path, out: Path, metrics: Path | None = None) -> None:
    """Given the corrected tables' folder, validate them and write them to `out`, all or
    nothing, and the metrics to `metrics` when given."""
    tables, document = folder_to_tables(folder, OUTPUT_TABLES)
    validate_outputs(tables, str(document.get("source", {}).get("file", folder)))
    tables_to_folder(tables, document, out)
    if metrics is not None:
        write_file(metrics, json_writer(document_to_metrics(document)))
