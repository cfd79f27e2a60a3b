"""The picture of a score run an office can put in its report: each sector's score beside
its relevance, and the fund split, sector by sector, against what a full score would get.

Labels are in Italian because the chart goes into the offices' own reports.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pipeline.score.model import FundSplit

ROW_HEIGHT_IN = 0.42
FIGURE_WIDTH_IN = 12.0
SCORE_COLOUR = "#2b6cb0"
EXCLUDED_COLOUR = "#a0aec0"
POTENTIAL_COLOUR = "#e2e8f0"
SHARE_COLOUR = "#2f855a"
CROSS_CUTTING_LABEL = "Obiettivi trasversali (fuori ripartizione)"


def number_to_italian(number: float, decimals: int) -> str:
    """Given a number, return it with Italian marks: `12.345,67`."""
    return f"{number:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def euro_to_text(amount: float) -> str:
    """Given an amount in euro, return it the Italian way: `€ 12.345,67`."""
    return "€ " + number_to_italian(amount, 2)


def sector_row_to_label(row: pd.Series) -> str:
    """Given a sector_scores row (sector, label_raw, relevance_pct), return its chart label."""
    if pd.isna(row["sector"]):
        return CROSS_CUTTING_LABEL
    label = row["label_raw"] if pd.notna(row["label_raw"]) else row["sector"]
    if pd.notna(row["relevance_pct"]):
        relevance = f"{row['relevance_pct']:g}".replace(".", ",")  # 2.5 stays 2,5
        return f"{label} (rilevanza {relevance}%)"
    return f"{label} (senza rilevanza)"


def sector_scores_to_figure(sector_scores: pd.DataFrame, split: FundSplit | None) -> Figure:
    """Given sector_scores (sector, label_raw, score, relevance_pct, fund_share_pct,
    fund_share_eur, in_fund_split) and the fund split (or None), return a two-panel figure:
    score per sector (0-100) labelled with its relevance, and per sector the share of the
    fund it could get with a full score against the share it gets (in euro when a fund is
    given, else in % of the fund), with the undistributed remainder in the footer."""
    rows = sector_scores.reset_index(drop=True)
    labels = [sector_row_to_label(row) for _, row in rows.iterrows()]
    y = list(range(len(rows)))
    figure = Figure(figsize=(FIGURE_WIDTH_IN, 1.8 + ROW_HEIGHT_IN * max(len(rows), 1)))
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1, 1.2]})

    scores = rows["score"].astype("Float64").fillna(0).astype(float)
    colours = [
        SCORE_COLOUR if in_split else EXCLUDED_COLOUR
        for in_split in rows["in_fund_split"].fillna(False)
    ]
    left.barh(y, scores, color=colours)
    for i, score in enumerate(rows["score"]):
        left.text(
            min(float(score), 100) + 1 if pd.notna(score) else 1,
            i,
            number_to_italian(score, 1) if pd.notna(score) else "n.d.",
            va="center",
            fontsize=8,
        )
    left.set_xlim(0, 110)
    left.set_yticks(y, labels, fontsize=8)
    left.invert_yaxis()
    left.set_xlabel("Punteggio del settore (0-100)")
    left.set_title("Punteggio", fontsize=10)

    in_split = rows["in_fund_split"].fillna(False).astype(bool)
    scale = split.fund_eur / 100 if split else 1.0
    potential = rows["relevance_pct"].astype("Float64").fillna(0).astype(float) * scale
    share = rows["fund_share_pct"].astype("Float64").fillna(0).astype(float) * scale
    right.barh(y, potential.where(in_split, 0), color=POTENTIAL_COLOUR, label="con punteggio 100")
    right.barh(y, share.where(in_split, 0), color=SHARE_COLOUR, label="quota assegnata")
    for i, row in rows.iterrows():
        if not in_split[i]:
            continue
        text = (
            euro_to_text(row["fund_share_eur"])
            if split and pd.notna(row["fund_share_eur"])
            else f"{number_to_italian(share[i], 2)}%"
        )
        right.text(potential[i], i, " " + text, va="center", fontsize=8)
    right.set_xlim(0, max(float(potential.max()), 1e-9) * 1.35)
    right.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: number_to_italian(x, 0) + ("" if split else "%"))
    )
    right.set_xlabel("Quota del fondo (€)" if split else "Quota del fondo (% del fondo)")
    right.set_title("Ripartizione del fondo", fontsize=10)
    right.legend(loc="lower right", fontsize=8, frameon=False)

    revision = rows["revision"].iloc[0] if len(rows) else ""
    figure.suptitle(f"Piano delle performance {revision}: punteggi e ripartizione del fondo")
    distributed = float(rows.loc[in_split, "fund_share_pct"].sum())
    footer = (
        f"Fondo {euro_to_text(split.fund_eur)}: distribuito {euro_to_text(split.distributed_eur)},"
        f" non distribuito {euro_to_text(split.remainder_eur)}"
        if split
        else f"Distribuito {number_to_italian(distributed, 2)}% del fondo, non distribuito"
        f" {number_to_italian(100 - distributed, 2)}%"
    )
    figure.text(0.01, 0.01, footer, fontsize=9)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    return figure
