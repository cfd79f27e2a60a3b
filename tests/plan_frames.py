"""Small hand-built plan revisions for the diff tests: the contract's columns, with
defaults for everything a test does not care about."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.diff.compare import PlanFrames

DEFAULT_WEIGHTS = {"istruzione": 40.0, "cultura": 60.0}


def objective(seq: int, number: str | None, subject: str, description: str, **cells: Any) -> dict:
    """One objectives.parquet row of block 1 (sector istruzione unless given)."""
    row = {
        "objective_id": f"{cells.get('block', 1):02d}.{seq:02d}",
        "block": 1,
        "seq": seq,
        "sector": "istruzione",
        "number": number,
        "assignee_raw": "ISTRUZIONE",
        "assignee": "istruzione",
        "dup_raw": "4.1.0",
        "subject": subject,
        "description": description,
        "indicator": "Atti predisposti",
        "expected_result": "Atti approvati",
        "deadline_raw": "31/12/2021",
        "deadline": dt.date(2021, 12, 31),
        "deadline_status": "ok",
        "status": "active",
    }
    row.update(cells)
    return row


def plan(
    revision: str,
    objectives: list[dict],
    targets: list[dict] | None = None,
    weights: dict[str, float] | None = None,
    labels: dict[str, str] | None = None,
) -> PlanFrames:
    """A revision from objective rows, (objective_id, target_seq, text, weight_pct) target
    rows and a sector -> relevance % table."""
    objectives_frame = pd.DataFrame([{"revision": revision, **o} for o in objectives])
    for column in ("sector", "number", "dup_raw"):
        objectives_frame[column] = objectives_frame[column].astype("string")
    targets_frame = pd.DataFrame(
        [
            {"revision": revision, "operator": None, "value": None, "unit": None, **t}
            for t in targets or []
        ],
        columns=[
            "revision",
            "objective_id",
            "target_seq",
            "text",
            "weight_pct",
            "operator",
            "value",
            "unit",
        ],
    )
    targets_frame["target_seq"] = targets_frame["target_seq"].astype("int64")
    for column in ("weight_pct", "value"):
        targets_frame[column] = targets_frame[column].astype("Float64")
    for column in ("operator", "unit"):
        targets_frame[column] = targets_frame[column].astype("string")
    weights = DEFAULT_WEIGHTS if weights is None else weights
    labels = labels or {}
    sector_weights = pd.DataFrame(
        [
            {
                "revision": revision,
                "sector": sector,
                "label_raw": labels.get(sector, sector.capitalize()),
                "relevance_pct": pct,
            }
            for sector, pct in weights.items()
        ],
        columns=["revision", "sector", "label_raw", "relevance_pct"],
    )
    return PlanFrames(objectives_frame, targets_frame, sector_weights, source=revision)


def plan_to_folder(frames: PlanFrames, folder: Path) -> Path:
    """Write a revision as a `piano extract` output folder; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    frames.objectives.to_parquet(folder / "objectives.parquet", index=False)
    frames.targets.to_parquet(folder / "targets.parquet", index=False)
    frames.sector_weights.to_parquet(folder / "sector_weights.parquet", index=False)
    return folder
