"""One pandera model per output table of `piano diff`: the schema is the data dictionary."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.diff.compare import CHANGE_KINDS


def _one_sided(frame: pd.DataFrame, old: str, new: str) -> pd.Series:
    """added rows have only the new side, removed rows only the old one, others both."""
    added, removed = frame["change"] == "added", frame["change"] == "removed"
    return (frame[old].isna() == added) & (frame[new].isna() == removed)


class ObjectiveDiffSchema(pa.DataFrameModel):
    """diff.parquet: one row per change of an objective between two revisions."""

    change: Series[pd.StringDtype] = pa.Field(
        isin=list(CHANGE_KINDS), description="added, removed, modified or renumbered"
    )
    sector: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="canonical sector key; null for the cross-cutting block"
    )
    old_objective_id: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="objective_id in the old revision; null when added"
    )
    new_objective_id: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="objective_id in the new revision; null when removed"
    )
    field: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="column that changed (`number` if renumbered); null if added / removed",
    )
    old_value: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="old value as text (dates ISO); the description of a removed objective",
    )
    new_value: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="new value as text (dates ISO); the description of an added objective",
    )
    old_number: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="printed n. in the old revision"
    )
    new_number: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="printed n. in the new revision"
    )
    subject: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="OGGETTO of the objective (new side if any), to tell rows apart"
    )
    similarity: Series[pd.Float64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="pairing score 0-100 of the objective; null when added / removed",
    )

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def ids_match_change(cls, frame: pd.DataFrame) -> pd.Series:
        return _one_sided(frame, "old_objective_id", "new_objective_id")

    @pa.dataframe_check
    @classmethod
    def field_only_for_paired(cls, frame: pd.DataFrame) -> pd.Series:
        paired = frame["change"].isin(["modified", "renumbered"])
        number = frame["field"] == "number"
        return (frame["field"].notna() == paired) & (
            (frame["change"] != "renumbered") | number.fillna(False)
        )


class TargetDiffSchema(pa.DataFrameModel):
    """targets_diff.parquet: one row per change of a sub-target."""

    change: Series[pd.StringDtype] = pa.Field(
        isin=["added", "removed", "modified"], description="added, removed or modified"
    )
    sector: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="canonical sector key; null for the cross-cutting block"
    )
    old_objective_id: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="the target's objective in the old revision; null if the objective was added",
    )
    new_objective_id: Series[pd.StringDtype] = pa.Field(
        nullable=True,
        description="the target's objective in the new revision; null if the objective was removed",
    )
    old_target_seq: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1,
        description="target_seq in the old revision; null when the target was added",
    )
    new_target_seq: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        ge=1,
        description="target_seq in the new revision; null when the target was removed",
    )
    field: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="targets.parquet column that changed; null when added / removed"
    )
    old_value: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="old value as text; the text of a removed target"
    )
    new_value: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="new value as text; the text of an added target"
    )
    similarity: Series[pd.Float64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="pairing score 0-100 of the target's text; null when added / removed",
    )

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def seqs_match_change(cls, frame: pd.DataFrame) -> pd.Series:
        return _one_sided(frame, "old_target_seq", "new_target_seq")

    @pa.dataframe_check
    @classmethod
    def field_only_for_modified(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["field"].notna() == (frame["change"] == "modified")


class SectorWeightDiffSchema(pa.DataFrameModel):
    """sector_weights_diff.parquet: one row per sector whose relevance changed."""

    change: Series[pd.StringDtype] = pa.Field(
        isin=["added", "removed", "modified"],
        description="modified, or added / removed when the sector is in one table only",
    )
    sector: Series[pd.StringDtype] = pa.Field(unique=True, description="canonical sector key")
    old_pct: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, le=100, description="relevance % in the old revision"
    )
    new_pct: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, le=100, description="relevance % in the new revision"
    )
    old_label: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="row label as printed in the old table"
    )
    new_label: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="row label as printed in the new table"
    )

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def labels_match_change(cls, frame: pd.DataFrame) -> pd.Series:
        return _one_sided(frame, "old_label", "new_label")


class PairSchema(pa.DataFrameModel):
    """pairs.parquet: every objective of two revisions with its partner, if any."""

    sector: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="canonical sector key; null for the cross-cutting block"
    )
    old_objective_id: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="objective_id in the old revision; null for an added objective"
    )
    new_objective_id: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="objective_id in the new revision; null for a removed objective"
    )
    old_number: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="printed n. in the old revision"
    )
    new_number: Series[pd.StringDtype] = pa.Field(
        nullable=True, description="printed n. in the new revision"
    )
    similarity: Series[pd.Float64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="pairing score 0-100; null for an unpaired objective",
    )

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def each_objective_once(cls, frame: pd.DataFrame) -> pd.Series:
        old, new = frame["old_objective_id"], frame["new_objective_id"]
        return ~(old.duplicated(keep=False) & old.notna()) & ~(
            new.duplicated(keep=False) & new.notna()
        )

    @pa.dataframe_check
    @classmethod
    def similarity_only_for_pairs(cls, frame: pd.DataFrame) -> pd.Series:
        paired = frame["old_objective_id"].notna() & frame["new_objective_id"].notna()
        one_side = frame["old_objective_id"].notna() | frame["new_objective_id"].notna()
        return (frame["similarity"].notna() == paired) & one_side
