"""One pandera model per output table of `piano score`: the schema is the data dictionary."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.core.contract import OPERATORS, STATUSES

# how a sub-target's weight was reached, and where its lateness rule came from
WEIGHTINGS = ("printed", "rescaled", "equal", "shared_rest", "unweighted_zero")
PENALTY_SOURCES = ("plan", "default")


def score_field(description: str) -> Any:
    """Given a column's meaning, return a field for a 0-100 score that may be NA."""
    return pa.Field(ge=0, le=100, nullable=True, description=description)


class TargetScoresSchema(pa.DataFrameModel):
    """target_scores.parquet: one row per sub-target, how its score was reached."""

    revision: Series[pd.StringDtype] = pa.Field(description="plan revision, e.g. 2021-11")
    objective_id: Series[pd.StringDtype] = pa.Field(description="objective, as extracted")
    target_seq: Series[pd.Int64Dtype] = pa.Field(ge=1, description="1-based sub-target")
    sector: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="canonical sector key; NA for cross-cutting objectives"
    )
    assignee: Series[pd.StringDtype] = pa.Field(nullable=True, description="assignee key")
    subject: Series[pd.StringDtype] = pa.Field(nullable=True, description="OGGETTO")
    status: Series[pd.StringDtype] = pa.Field(isin=list(STATUSES), description="objective status")
    included: Series[pd.BooleanDtype] = pa.Field(
        description="the objective counts in its sector score (status not excluded)"
    )
    deadline: Series[pa.typing.DateTime] = pa.Field(
        nullable=True, description="objective deadline lateness is measured from"
    )
    text: Series[pd.StringDtype] = pa.Field(nullable=True, description="sub-target text")
    weight_pct: Series[pd.Float64Dtype] = pa.Field(
        ge=0, nullable=True, description="weight as printed (Peso 50%), NA when none"
    )
    weight_used_pct: Series[pd.Float64Dtype] = pa.Field(
        ge=0, le=100, description="weight used; an objective's weights sum to 100"
    )
    weighting: Series[pd.StringDtype] = pa.Field(
        isin=list(WEIGHTINGS),
        description="how weight_used_pct was obtained from the printed weights",
    )
    operator: Series[pd.StringDtype] = pa.Field(
        nullable=True, isin=list(OPERATORS), description="threshold operator"
    )
    value: Series[pd.Float64Dtype] = pa.Field(nullable=True, description="threshold value")
    unit: Series[pd.StringDtype] = pa.Field(nullable=True, description="threshold unit")
    penalty_pct_per_month: Series[pd.Float64Dtype] = pa.Field(
        ge=0, le=100, description="score points lost per started month of delay"
    )
    penalty_source: Series[pd.StringDtype] = pa.Field(
        isin=list(PENALTY_SOURCES), description="plan: rule printed in the plan; default: params"
    )
    achieved_pct: Series[pd.Float64Dtype] = score_field("percentage the office reported")
    measured_value: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, description="value the office measured, for a quantified target"
    )
    completed_on: Series[pa.typing.DateTime] = pa.Field(
        nullable=True, description="completion date the office reported"
    )
    months_late: Series[pd.Int64Dtype] = pa.Field(
        ge=0, nullable=True, description="started months between deadline and completion"
    )
    base_score: Series[pd.Float64Dtype] = score_field("score before the lateness penalty")
    penalty: Series[pd.Float64Dtype] = pa.Field(
        ge=0, nullable=True, description="months_late x penalty_pct_per_month"
    )
    score: Series[pd.Float64Dtype] = score_field("max(0, base_score - penalty)")
    note: Series[pd.StringDtype] = pa.Field(nullable=True, description="the office's note")

    class Config:
        strict = True
        ordered = True
        unique = ["objective_id", "target_seq"]

    @pa.dataframe_check
    @classmethod
    def weights_sum_to_100(cls, df: pd.DataFrame) -> bool:
        """Each objective's used weights sum to 100."""
        sums = df.groupby("objective_id")["weight_used_pct"].sum()
        return bool(((sums - 100).abs() < 1e-6).all())

    @pa.dataframe_check
    @classmethod
    def included_targets_are_scored(cls, df: pd.DataFrame) -> Series[bool]:
        """Every target of an included objective has a score."""
        return ~df["included"] | df["score"].notna()


class ObjectiveScoresSchema(pa.DataFrameModel):
    """objective_scores.parquet: one row per objective."""

    revision: Series[pd.StringDtype] = pa.Field(description="plan revision")
    objective_id: Series[pd.StringDtype] = pa.Field(unique=True, description="objective")
    sector: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="canonical sector key; NA for cross-cutting objectives"
    )
    assignee: Series[pd.StringDtype] = pa.Field(nullable=True, description="assignee key")
    subject: Series[pd.StringDtype] = pa.Field(nullable=True, description="OGGETTO")
    status: Series[pd.StringDtype] = pa.Field(isin=list(STATUSES), description="objective status")
    included: Series[pd.BooleanDtype] = pa.Field(description="counts in its sector score")
    deadline: Series[pa.typing.DateTime] = pa.Field(nullable=True, description="deadline")
    n_targets: Series[pd.Int64Dtype] = pa.Field(ge=1, description="sub-targets scored")
    weight_sum_pct: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, description="sum of the printed weights; NA when none is printed"
    )
    weighting: Series[pd.StringDtype] = pa.Field(
        isin=list(WEIGHTINGS),
        description="how the target weights were obtained",
    )
    score: Series[pd.Float64Dtype] = score_field(
        "weighted mean of the target scores; NA when a target was not reported"
    )

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def included_objectives_are_scored(cls, df: pd.DataFrame) -> Series[bool]:
        """Every included objective has a score."""
        return ~df["included"] | df["score"].notna()


class SectorScoresSchema(pa.DataFrameModel):
    """sector_scores.parquet: one row per sector, plus one for the cross-cutting objectives."""

    revision: Series[pd.StringDtype] = pa.Field(description="plan revision")
    sector: Series[pd.StringDtype] = pa.Field(
        nullable=True, unique=True, description="canonical key; NA: the cross-cutting objectives"
    )
    label_raw: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="sector label as printed in the relevance table"
    )
    in_fund_split: Series[pd.BooleanDtype] = pa.Field(
        description="the sector has a relevance row and takes part in the fund split"
    )
    n_objectives: Series[pd.Int64Dtype] = pa.Field(ge=0, description="objectives")
    n_included: Series[pd.Int64Dtype] = pa.Field(ge=0, description="objectives counted")
    score: Series[pd.Float64Dtype] = score_field(
        "mean score of the included objectives; NA when none"
    )
    relevance_pct: Series[pd.Float64Dtype] = pa.Field(
        ge=0, le=100, nullable=True, description="share of the fund the sector's score governs"
    )
    fund_share_pct: Series[pd.Float64Dtype] = pa.Field(
        ge=0, le=100, nullable=True, description="relevance_pct x score / 100: % of the fund"
    )
    fund_share_eur: Series[pd.Float64Dtype] = pa.Field(
        ge=0, nullable=True, description="fund share in euro, to the cent; NA without a fund"
    )

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def fund_split_rows_have_relevance(cls, df: pd.DataFrame) -> Series[bool]:
        """A row in the fund split has a sector, a relevance and a share; others have none."""
        has = df["sector"].notna() & df["relevance_pct"].notna() & df["fund_share_pct"].notna()
        return (df["in_fund_split"] & has) | (~df["in_fund_split"] & df["fund_share_pct"].isna())
