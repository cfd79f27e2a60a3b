"""One pandera model per output table: the schema is the data dictionary.

`validate_frame` runs a model lazily, so every failure is gathered before stopping, and
turns the failures into one `ValidationError`.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.errors import ValidationError

CHANGES = ["added", "removed", "modified", "renumbered"]


def _one_sided(frame: pd.DataFrame, old: str, new: str) -> pd.Series:
    """added rows have only the new side, removed rows only the old one, others both."""
    added, removed = frame["change"] == "added", frame["change"] == "removed"
    return (frame[old].isna() == added) & (frame[new].isna() == removed)


class ObjectiveDiffSchema(pa.DataFrameModel):
    """diff.parquet: one row per change of an objective between two revisions."""

    change: Series[pd.StringDtype] = pa.Field(isin=CHANGES)
    sector: Series[pd.StringDtype] = pa.Field(nullable=True)  # null: cross-cutting block
    old_objective_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_objective_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    field: Series[pd.StringDtype] = pa.Field(nullable=True)  # null for added / removed
    old_value: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_value: Series[pd.StringDtype] = pa.Field(nullable=True)
    old_number: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_number: Series[pd.StringDtype] = pa.Field(nullable=True)
    subject: Series[pd.StringDtype] = pa.Field(nullable=True)
    similarity: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=100)

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

    change: Series[pd.StringDtype] = pa.Field(isin=["added", "removed", "modified"])
    sector: Series[pd.StringDtype] = pa.Field(nullable=True)
    old_objective_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_objective_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    old_target_seq: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    new_target_seq: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    field: Series[pd.StringDtype] = pa.Field(nullable=True)
    old_value: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_value: Series[pd.StringDtype] = pa.Field(nullable=True)
    similarity: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=100)

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

    change: Series[pd.StringDtype] = pa.Field(isin=["added", "removed", "modified"])
    sector: Series[pd.StringDtype] = pa.Field(unique=True)
    old_pct: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=100)
    new_pct: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=100)
    old_label: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_label: Series[pd.StringDtype] = pa.Field(nullable=True)

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    @classmethod
    def labels_match_change(cls, frame: pd.DataFrame) -> pd.Series:
        return _one_sided(frame, "old_label", "new_label")


class PairSchema(pa.DataFrameModel):
    """pairs.parquet: every objective of two revisions with its partner, if any."""

    sector: Series[pd.StringDtype] = pa.Field(nullable=True)
    old_objective_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_objective_id: Series[pd.StringDtype] = pa.Field(nullable=True)
    old_number: Series[pd.StringDtype] = pa.Field(nullable=True)
    new_number: Series[pd.StringDtype] = pa.Field(nullable=True)
    similarity: Series[pd.Float64Dtype] = pa.Field(nullable=True, ge=0, le=100)

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


def validate_frame(frame: pd.DataFrame, schema: type[pa.DataFrameModel], name: str) -> None:
    """Given a frame, its model and its file name, raise `ValidationError` if the frame
    does not fit; the message lists the first five failures (check, column, values)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        summary = "; ".join(" ".join(str(e).split())[:300] for e in errors.schema_errors[:5])
        more = len(errors.schema_errors) - 5
        if more > 0:
            summary += f"; and {more} more"
        raise ValidationError(f"does not fit {schema.__name__}: {summary}", file=name) from None
