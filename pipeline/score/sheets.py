"""The score run as the workbook an HR office opens (`punteggi.xlsx`): the fund split,
then the sector, objective and sub-target scores, with Italian headers."""

from __future__ import annotations

import pandas as pd

from pipeline.core.workbook import Column, Sheet
from pipeline.score.chart import CROSS_CUTTING_LABEL

STATUS_LABELS = {"active": "attivo", "suspended": "sospeso", "postponed": "rinviato"}
WEIGHTING_LABELS = {"printed": "pesi del piano", "equal": "pesi uguali"}
PENALTY_SOURCE_LABELS = {"plan": "regola del piano", "default": "regola generale (params)"}
SCORED_WORKBOOK = "punteggi.xlsx"

SECTOR_COLUMN = Column("settore", "Settore")
FUND_SPLIT_COLUMNS = (
    SECTOR_COLUMN,
    Column("relevance_pct", "Rilevanza", "percent"),
    Column("score", "Punteggio (0-100)", "number"),
    Column("fund_share_pct", "Quota del fondo", "percent"),
    Column("fund_share_eur", "Quota (€)", "euro"),
)
SECTOR_COLUMNS = (
    SECTOR_COLUMN,
    Column("sector", "Chiave settore"),
    Column("in_fund_split", "Nella ripartizione", "boolean"),
    Column("n_objectives", "Obiettivi", "integer"),
    Column("n_included", "Obiettivi valutati", "integer"),
    Column("score", "Punteggio (0-100)", "number"),
    Column("relevance_pct", "Rilevanza", "percent"),
    Column("fund_share_pct", "Quota del fondo", "percent"),
    Column("fund_share_eur", "Quota (€)", "euro"),
)
OBJECTIVE_COLUMNS = (
    Column("objective_id", "Obiettivo"),
    SECTOR_COLUMN,
    Column("assignee", "Assegnatario"),
    Column("subject", "Oggetto"),
    Column("status", "Stato", labels=STATUS_LABELS),
    Column("included", "Valutato", "boolean"),
    Column("deadline", "Scadenza", "date"),
    Column("n_targets", "Risultati attesi", "integer"),
    Column("weight_sum_pct", "Somma dei pesi", "percent"),
    Column("weighting", "Pesi", labels=WEIGHTING_LABELS),
    Column("score", "Punteggio (0-100)", "number"),
)
TARGET_COLUMNS = (
    Column("objective_id", "Obiettivo"),
    Column("target_seq", "Risultato n.", "integer"),
    SECTOR_COLUMN,
    Column("subject", "Oggetto"),
    Column("text", "Risultato atteso"),
    Column("status", "Stato", labels=STATUS_LABELS),
    Column("included", "Valutato", "boolean"),
    Column("deadline", "Scadenza", "date"),
    Column("weight_used_pct", "Peso", "percent"),
    Column("operator", "Operatore"),
    Column("value", "Soglia", "number"),
    Column("unit", "Unità"),
    Column("achieved_pct", "Raggiunto", "percent"),
    Column("measured_value", "Valore misurato", "number"),
    Column("completed_on", "Completato il", "date"),
    Column("months_late", "Mesi di ritardo", "integer"),
    Column("penalty_pct_per_month", "Penale al mese", "percent"),
    Column("penalty_source", "Regola della penale", labels=PENALTY_SOURCE_LABELS),
    Column("base_score", "Punteggio prima della penale", "number"),
    Column("penalty", "Penale (punti)", "number"),
    Column("score", "Punteggio (0-100)", "number"),
    Column("note", "Nota dell'ufficio"),
)


def sector_scores_to_people(sector_scores: pd.DataFrame) -> pd.DataFrame:
    """Given sector_scores, return it with `settore`: the printed label, or the key, or
    the cross-cutting objectives' label."""
    label = sector_scores["label_raw"].astype("string").fillna(sector_scores["sector"])
    return sector_scores.assign(settore=label.fillna(CROSS_CUTTING_LABEL))


def frame_with_sector_label(frame: pd.DataFrame, sectors: pd.DataFrame) -> pd.DataFrame:
    """Given objective or target scores (`sector`) and `sector_scores_to_people`'s table,
    return the scores with `settore`, the sector's label."""
    known = sectors.dropna(subset=["sector"])
    labels = dict(zip(known["sector"], known["settore"], strict=True))
    settore = frame["sector"].map(
        lambda key: CROSS_CUTTING_LABEL if pd.isna(key) else labels.get(key, key)
    )
    return frame.assign(settore=settore)


def scores_to_sheets(
    target_scores: pd.DataFrame, objective_scores: pd.DataFrame, sector_scores: pd.DataFrame
) -> list[Sheet]:
    """Given the three score tables, return the workbook's sheets: the fund split (the
    sectors in it), every sector, every objective and every sub-target."""
    sectors = sector_scores_to_people(sector_scores)
    in_split = sectors[sectors["in_fund_split"].fillna(False).astype(bool)]
    return [
        Sheet("Ripartizione del fondo", in_split, FUND_SPLIT_COLUMNS),
        Sheet("Settori", sectors, SECTOR_COLUMNS),
        Sheet("Obiettivi", frame_with_sector_label(objective_scores, sectors), OBJECTIVE_COLUMNS),
        Sheet("Risultati attesi", frame_with_sector_label(target_scores, sectors), TARGET_COLUMNS),
    ]
