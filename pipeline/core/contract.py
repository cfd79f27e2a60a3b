"""What the output tables promise, shared by every stage: the printed fields, the columns
of each table, the canonical keys and values, the text dtype, the objective id, what one
stage hands to the next, and the columns derived from others."""

from __future__ import annotations

import re
from typing import Literal, get_args

import numpy as np
import pandas as pd

from pipeline.core.errors import InputError

# the fields of one objective row, in printed order
OBJECTIVE_FIELDS = [
    "number",
    "assignee_raw",
    "dup_raw",
    "subject",
    "description",
    "indicator",
    "expected_result",
    "deadline_raw",
]
# the printed fields a cell box can belong to
CELL_FIELDS = tuple(OBJECTIVE_FIELDS)

# objectives.parquet's columns, in order: the contract's, then the normalise stage's
OBJECTIVE_COLUMNS = [
    "revision",
    "objective_id",
    "block",
    "seq",
    "sector",
    "number",
    "assignee_raw",
    "assignee",
    "dup_raw",
    "dup_mission",
    "dup_programme",
    "subject",
    "description",
    "indicator",
    "expected_result",
    "deadline_raw",
    "deadline",
    "deadline_status",
    "status",
    "page_first",
    "page_last",
    "penalty_pct_per_month",
    "penalty_raw",
]
OBJECTIVE_EXTRA_COLUMNS = ["block_title", "dup_programme_name", "target_count", "weight_total"]
# targets.parquet's columns, in order
TARGET_COLUMNS = [
    "revision",
    "objective_id",
    "target_seq",
    "text",
    "weight_pct",
    "operator",
    "value",
    "unit",
    "source_field",
    "indicator_text",
    "result_text",
]
# the column the correct stage adds to objectives and targets, and its findings' rule
CORRECTED_FIELDS = "corrected_fields"
MANUAL_CORRECTION_RULE = "manual_correction"

SECTOR_KEYS = (
    "istruzione",
    "cultura",
    "servizi_sociali",
    "turismo_attivita_produttive",
    "polizia_locale",
    "ecologia",
    "urbanistica",
    "lavori_pubblici_servizi_generali",
    "ragioneria",
    "tributi",
    "economato",
    "segreteria",
    "sistemi_informativi",
    "personale",
    "servizi_demografici",
)
ASSIGNEE_KEYS = (*SECTOR_KEYS, "sport", "tutte_le_aree", "segretario_comunale")
DeadlineStatus = Literal["ok", "repaired", "not_a_date", "missing"]
DEADLINE_STATUSES: tuple[DeadlineStatus, ...] = get_args(DeadlineStatus)
Status = Literal["active", "suspended", "postponed"]
STATUSES: tuple[Status, ...] = get_args(Status)
Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
OPERATORS = (">", ">=", "<", "<=", "=")
TARGET_SOURCE_FIELDS = ("expected_result", "indicator", "description")
REVISION_PATTERN = r"^\d{4}-\d{2}$"
OBJECTIVE_ID_PATTERN = r"^\d{2,}\.\d{2,}$"

# Text columns hold pandas' default string dtype, whose nulls are NaN: read back from
# Parquet they stay NaN, which every consumer (and tests/score.py) reads as blank.
TEXT_DTYPE = pd.StringDtype(na_value=np.nan)

# what each stage hands to the next: the extract stage's folder, then the output tables
# every later stage (normalise, correct, validate) reads and writes, with document.json
EXTRACTION_TABLES = ("rows", "cells", "relevance", "quality")
EXTRACTION_FILE = "extraction.json"
OUTPUT_TABLES = ("objectives", "targets", "sector_weights", "quality", "cells")
DOCUMENT_FILE = "document.json"

_REVISION_ARG = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# a plan's name is a folder's name under extracted/, reports/, …: no path in it
_PLAN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def is_revision(text: str) -> bool:
    """Given a `--revision` argument, return True when it reads YYYY-MM."""
    return bool(_REVISION_ARG.fullmatch(text))


def is_plan_name(text: str) -> bool:
    """Given a plan name from the command line or a file, return True when it is a plain
    folder name (letters, digits, `.`, `_`, `-`, not starting with `.`; no `/`, no `..`)."""
    return bool(_PLAN_NAME.fullmatch(text)) and ".." not in text


def check_plan_name(text: str) -> str:
    """Given a plan name, return it, or raise InputError when it is no plain folder name
    (it would reach outside the folder it is looked up in)."""
    if not is_plan_name(text):
        raise InputError(
            "a plan name is a folder's name (letters, digits, '.', '_', '-'), never a path",
            field="NAME",
            value=text,
        )
    return text


def block_seq_to_objective_id(block: int, seq: int) -> str:
    """Given a block and seq, return the objective_id `BB.SS` (e.g. 1, 6 → "01.06")."""
    return f"{block:02d}.{seq:02d}"


def objectives_with_target_totals(objectives: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Given objectives and their targets, return objectives with target_count and weight_total."""
    grouped = targets.groupby("objective_id", sort=False)
    counts = grouped.size()
    weights = grouped["weight_pct"].sum(min_count=1)
    result = objectives.copy()
    result["target_count"] = result["objective_id"].map(counts).fillna(0).astype("int64")
    result["weight_total"] = result["objective_id"].map(weights).astype("Float64")
    return result
