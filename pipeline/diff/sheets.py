"""The revision diff as the workbook a clerk opens (`modifiche.xlsx`): the objectives'
changes, the sub-targets' changes and the relevance table's changes, in Italian."""

from __future__ import annotations

import pandas as pd

from pipeline.core.workbook import Column, Sheet
from pipeline.diff.compare import PlanDiff
from pipeline.diff.report import (
    CHANGE_LABELS,
    CROSS_CUTTING_LABEL,
    FIELD_LABELS,
    TARGET_FIELD_LABELS,
)

DIFF_WORKBOOK = "modifiche.xlsx"

OBJECTIVE_COLUMNS = (
    Column("change", "Variazione", labels=CHANGE_LABELS),
    Column("settore", "Settore"),
    Column("old_objective_id", "Obiettivo prima"),
    Column("new_objective_id", "Obiettivo dopo"),
    Column("old_number", "n. prima"),
    Column("new_number", "n. dopo"),
    Column("subject", "Oggetto"),
    Column("field", "Campo", labels=FIELD_LABELS),
    Column("old_value", "Prima"),
    Column("new_value", "Dopo"),
    Column("similarity", "Somiglianza (0-100)", "number"),
)
TARGET_COLUMNS = (
    Column("change", "Variazione", labels=CHANGE_LABELS),
    Column("settore", "Settore"),
    Column("old_objective_id", "Obiettivo prima"),
    Column("new_objective_id", "Obiettivo dopo"),
    Column("old_target_seq", "Risultato n. prima", "integer"),
    Column("new_target_seq", "Risultato n. dopo", "integer"),
    Column("field", "Campo", labels=TARGET_FIELD_LABELS),
    Column("old_value", "Prima"),
    Column("new_value", "Dopo"),
    Column("similarity", "Somiglianza (0-100)", "number"),
)
WEIGHT_COLUMNS = (
    Column("change", "Variazione", labels=CHANGE_LABELS),
    Column("sector", "Chiave settore"),
    Column("old_label", "Settore prima"),
    Column("new_label", "Settore dopo"),
    Column("old_pct", "Rilevanza prima", "percent"),
    Column("new_pct", "Rilevanza dopo", "percent"),
)


def frame_with_sector_label(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Given a diff table with `sector` and the printed sector labels, return it with
    `settore`: the printed label, the key where none is printed, or the cross-cutting
    objectives' label."""
    sector = frame["sector"].astype("string")
    label = sector.map(lambda key: CROSS_CUTTING_LABEL if pd.isna(key) else labels.get(key, key))
    return frame.assign(settore=label)


def plan_diff_to_sheets(diff: PlanDiff) -> list[Sheet]:
    """Given a `PlanDiff`, return the workbook's sheets: objectives, sub-targets, relevance."""
    return [
        Sheet(
            "Modifiche",
            frame_with_sector_label(diff.objectives, diff.sector_labels),
            OBJECTIVE_COLUMNS,
        ),
        Sheet(
            "Risultati attesi",
            frame_with_sector_label(diff.targets, diff.sector_labels),
            TARGET_COLUMNS,
        ),
        Sheet("Rilevanza", diff.sector_weights, WEIGHT_COLUMNS),
    ]
