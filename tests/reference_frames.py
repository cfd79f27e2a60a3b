"""Turn a reference transcription (`tests/reference/*.json`) into the frames `piano
extract` promises (docs/contract.md), so the diff can be tested without the extractor.

- objectives: objective_id f"{block:02d}.{seq:02d}"; sector from the block; printed cells
  as their paragraphs joined with "\\n" ("" when empty; null for an empty n. or DUP);
  normalised values from `expected`.
- targets: one per paragraph of the RISULTATO ATTESO cell; weight_pct from
  `expected.weights` by position (a paragraph past the last weight has none);
  operator, value and unit null (the reference does not give them).
- sector_weights: the relevance table, "4%" -> 4.0.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.diff.compare import PlanFrames

REFERENCE_DIR = Path(__file__).parent / "reference"


def cell_to_text(paragraphs: list[str] | str | None) -> str:
    """Given a printed cell (list of paragraphs), return the contract's text: "\\n"-joined."""
    if paragraphs is None:
        return ""
    if isinstance(paragraphs, str):
        return paragraphs
    return "\n".join(paragraphs)


def _nullable(text: str) -> str | None:
    return text or None


def reference_to_frames(name: str) -> PlanFrames:
    """Given a reference name like "desenzano-2021-07", return its contract frames."""
    reference: dict[str, Any] = json.loads((REFERENCE_DIR / f"{name}.json").read_text())
    revision = reference["document"]["revision"]
    objectives, targets = [], []
    for block in reference["blocks"]:
        for obj in block["objectives"]:
            expected = obj["expected"]
            objective_id = f"{block['block']:02d}.{obj['seq']:02d}"
            deadline = expected.get("deadline")
            objectives.append(
                {
                    "revision": revision,
                    "objective_id": objective_id,
                    "block": block["block"],
                    "seq": obj["seq"],
                    "sector": block["sector"],
                    "number": _nullable(cell_to_text(obj.get("number"))),
                    "assignee_raw": cell_to_text(obj["assignee"]),
                    "assignee": expected["assignee"],
                    "dup_raw": _nullable(cell_to_text(obj["dup"])),
                    "subject": cell_to_text(obj["subject"]),
                    "description": cell_to_text(obj["description"]),
                    "indicator": cell_to_text(obj["indicator"]),
                    "expected_result": cell_to_text(obj["expected_result"]),
                    "deadline_raw": cell_to_text(obj["deadline"]),
                    "deadline": dt.date.fromisoformat(deadline) if deadline else None,
                    "deadline_status": expected["deadline_status"],
                    "status": expected["status"],
                }
            )
            weights = expected.get("weights") or []
            for index, paragraph in enumerate(obj["expected_result"]):
                targets.append(
                    {
                        "revision": revision,
                        "objective_id": objective_id,
                        "target_seq": index + 1,
                        "text": paragraph,
                        "weight_pct": float(weights[index]) if index < len(weights) else None,
                        "operator": None,
                        "value": None,
                        "unit": None,
                    }
                )
    sector_weights = [
        {
            "revision": revision,
            "sector": row["sector"],
            "label_raw": row["label"],
            "relevance_pct": float(row["value"].rstrip("%").replace(",", ".")),
        }
        for row in reference["relevance"]["rows"]
    ]
    objectives_frame = pd.DataFrame(objectives)
    for column in ("sector", "number", "dup_raw"):
        objectives_frame[column] = objectives_frame[column].astype("string")
    targets_frame = pd.DataFrame(targets)
    targets_frame["weight_pct"] = targets_frame["weight_pct"].astype("Float64")
    for column in ("operator", "unit"):
        targets_frame[column] = targets_frame[column].astype("string")
    targets_frame["value"] = targets_frame["value"].astype("Float64")
    return PlanFrames(objectives_frame, targets_frame, pd.DataFrame(sector_weights), source=name)
