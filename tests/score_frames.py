"""Small hand-made plan tables for the score tests: the columns the extract stage
promises (docs/contract.md), with defaults so each test states only what it is about."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

REVISION = "2021-11"


def objectives_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """Given objective rows (objective_id and what differs from an active objective of
    sector `ragioneria` due 31/12/2021), return an objectives.parquet-shaped frame."""
    defaults = {
        "revision": REVISION,
        "sector": "ragioneria",
        "subject": "Obiettivo",
        "description": "Descrizione",
        "indicator": "Indicatore",
        "expected_result": "Risultato",
        "deadline": date(2021, 12, 31),
        "status": "active",
        "penalty_pct_per_month": None,
    }
    records = [{**defaults, **row} for row in rows]
    for record in records:
        record.setdefault("assignee", record["sector"] or "tutte_le_aree")
    frame = pd.DataFrame(records)
    frame["penalty_pct_per_month"] = frame["penalty_pct_per_month"].astype("Float64")
    return frame


def targets_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """Given target rows (objective_id, target_seq and what differs from an unweighted,
    unquantified target), return a targets.parquet-shaped frame."""
    defaults = {
        "revision": REVISION,
        "text": "Risultato",
        "weight_pct": None,
        "operator": None,
        "value": None,
        "unit": None,
        "source_field": "expected_result",
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["weight_pct"] = frame["weight_pct"].astype("Float64")
    frame["value"] = frame["value"].astype("Float64")
    return frame


def sector_weights_frame(relevance: dict[str, float]) -> pd.DataFrame:
    """Given relevance_pct by sector, return a sector_weights.parquet-shaped frame."""
    return pd.DataFrame(
        {
            "revision": REVISION,
            "sector": list(relevance),
            "label_raw": [s.replace("_", " ").capitalize() for s in relevance],
            "relevance_pct": list(relevance.values()),
        }
    )


def achievement_rows(*rows: dict[str, Any]) -> pd.DataFrame:
    """Given achievement rows (objective_id, target_seq and what was filled in), return them
    as the CSV reader does: text cells and `line` (2, 3, ... after the header)."""
    cells = ["objective_id", "target_seq", "achieved_pct", "measured_value", "completed_on", "note"]
    records = [
        {**{c: str(row.get(c, "")) for c in cells}, "line": i + 2} for i, row in enumerate(rows)
    ]
    return pd.DataFrame(records, columns=[*cells, "line"], dtype=object)


def write_plan_folder(
    folder: Path, objectives: pd.DataFrame, targets: pd.DataFrame, weights: pd.DataFrame
) -> Path:
    """Given the three plan tables, write them as an extracted folder and return it."""
    folder.mkdir(parents=True)
    objectives.to_parquet(folder / "objectives.parquet", index=False)
    targets.to_parquet(folder / "targets.parquet", index=False)
    weights.to_parquet(folder / "sector_weights.parquet", index=False)
    return folder


def small_plan() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return a plan whose template rows are, from line 2: 01.01/1 (weight 70; the objective
    states a lateness rule of 10% a month), 01.01/2 (weight 30, "> 3.5"), 01.02/1
    (suspended), 02.01/1 (tributi), 16.01/1 (cross-cutting); relevance ragioneria 60,
    tributi 40."""
    objectives = objectives_frame(
        {"objective_id": "01.01", "deadline": date(2021, 6, 30), "penalty_pct_per_month": 10.0},
        {"objective_id": "01.02", "status": "suspended", "deadline": None},
        {"objective_id": "02.01", "sector": "tributi"},
        {"objective_id": "16.01", "sector": None},
    )
    targets = targets_frame(
        {
            "objective_id": "01.01",
            "target_seq": 1,
            "weight_pct": 70,
            "text": "Predisposizione atti",
        },
        {
            "objective_id": "01.01",
            "target_seq": 2,
            "weight_pct": 30,
            "text": "Indice > 3,5",
            "operator": ">",
            "value": 3.5,
        },
        {"objective_id": "01.02", "target_seq": 1},
        {"objective_id": "02.01", "target_seq": 1},
        {"objective_id": "16.01", "target_seq": 1},
    )
    return objectives, targets, sector_weights_frame({"ragioneria": 60, "tributi": 40})


# filled-in cells of a good achievements file for small_plan(), in template order:
# 01.01 = 70% x (100 - 1 month x 10) + 30% x 100 (3.6 > 3.5) = 93; tributi 50; 16.01 40
SMALL_PLAN_ACHIEVEMENTS = [
    {"achieved_pct": "100", "completed_on": "15/07/2021", "note": "atti pronti"},
    {"measured_value": "3,6"},
    {},
    {"achieved_pct": "50"},
    {"achieved_pct": "40"},
]
