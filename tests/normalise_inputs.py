"""The reference transcriptions, and the frames extraction would hand to normalisation
for them (kept out of conftest.py so other stages' fixtures stay separate)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).parent / "reference"

CELL_FIELDS = {
    "assignee_raw": "assignee",
    "dup_raw": "dup",
    "subject": "subject",
    "description": "description",
    "indicator": "indicator",
    "expected_result": "expected_result",
    "deadline_raw": "deadline",
}


@lru_cache(maxsize=1)
def load_references() -> tuple[dict, ...]:
    """Return every `tests/reference/desenzano-*.json`, oldest revision first."""
    paths = sorted(REFERENCE_DIR.glob("desenzano-*.json"))
    return tuple(json.loads(path.read_text(encoding="utf-8")) for path in paths)


def reference_to_rows(reference: dict) -> pd.DataFrame:
    """Given a reference JSON, return normalise_plan's `rows` frame (no block titles).

    Paragraph lists are joined with "\\n", a null number becomes "", and each block is
    given its own page so findings can be traced to it.
    """
    records = []
    for block in reference["blocks"]:
        for obj in block["objectives"]:
            record = {
                "block": block["block"],
                "seq": obj["seq"],
                "block_title": pd.NA,
                "page_first": block["block"] + 1,
                "page_last": block["block"] + 1,
                "number": obj["number"] or "",
            }
            for column, key in CELL_FIELDS.items():
                record[column] = "\n".join(obj[key])
            records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame["block_title"] = frame["block_title"].astype("string")
    return frame


def reference_to_relevance(reference: dict, with_total: bool = True) -> pd.DataFrame:
    """Given a reference JSON, return normalise_plan's `relevance` frame."""
    table = reference["relevance"]
    rows = [{"label_raw": r["label"], "value_raw": r["value"], "page": 20} for r in table["rows"]]
    if with_total and table.get("total"):
        total = table["total"]
        rows.append({"label_raw": total["label"], "value_raw": total["value"], "page": 20})
    return pd.DataFrame(rows)


def reference_to_plan_year(reference: dict) -> int:
    """Given a reference JSON, return the plan's year from its revision (`2021-11`)."""
    return int(reference["document"]["revision"][:4])
