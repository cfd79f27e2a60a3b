"""The output tables' pandera models, one per Parquet file: the data dictionary.

Each field's `description` says what the column holds; `pipeline.validate.stage` checks
every table against its model. Sector and assignee columns hold keys (`KEY_PATTERN`):
the normalise stage, which reads the registry, writes only keys it names (the bundled
one names the contract's keys, `pipeline.core.contract`: a test holds them together) or
keys it derived, each with its `label_key_derived` finding.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

from pipeline.core.contract import (
    CELL_FIELDS,
    DEADLINE_STATUSES,
    KEY_PATTERN,
    OBJECTIVE_ID_PATTERN,
    OPERATORS,
    REVISION_PATTERN,
    SEVERITIES,
    STATUSES,
    TARGET_SOURCE_FIELDS,
)
from pipeline.core.validation import plan_field

RELEVANCE_TOTAL, RELEVANCE_TOLERANCE = 100.0, 0.01


def revision_field() -> Any:
    """Return the `revision` field shared by every table."""
    return pa.Field(str_matches=REVISION_PATTERN, description="plan revision, `2021-11` style")


class ObjectivesSchema(pa.DataFrameModel):
    """objectives.parquet: one row per objective (one logical table row)."""

    plan: Series[str] = plan_field()
    revision: Series[str] = revision_field()
    objective_id: Series[str] = pa.Field(
        unique=True,
        str_matches=OBJECTIVE_ID_PATTERN,
        description="`BB.SS`: block and seq, zero-padded; unique inside the revision",
    )
    block: Series[int] = pa.Field(ge=1, description="1-based sector table, in document order")
    seq: Series[int] = pa.Field(ge=1, description="1-based position of the row in its block")
    sector: Series[str] = pa.Field(
        nullable=True,
        str_matches=KEY_PATTERN,
        description="canonical sector key of the block; null for the cross-cutting block",
    )
    number: Series[str] = pa.Field(
        nullable=True, description="the `n.` cell as printed; null when blank"
    )
    assignee_raw: Series[str] = pa.Field(
        description="the `Assegnatario obiettivo` cell as printed (empty when blank)"
    )
    assignee: Series[str] = pa.Field(
        str_matches=KEY_PATTERN,
        description="canonical assignee key; a blank cell takes the block's sector",
    )
    dup_raw: Series[str] = pa.Field(
        nullable=True, description="the DUP cell as printed; null when blank"
    )
    dup_mission: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, le=99, description="Missione (D.Lgs. 118/2011) read from the DUP"
    )
    dup_programme: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, le=99, description="Programma (D.Lgs. 118/2011) read from the DUP"
    )
    subject: Series[str] = pa.Field(description="OGGETTO as printed")
    description: Series[str] = pa.Field(description="DESCRIZIONE as printed")
    indicator: Series[str] = pa.Field(
        description="INDICATORE PERFORMANCE as printed; items separated by newlines"
    )
    expected_result: Series[str] = pa.Field(
        description="RISULTATO ATTESO as printed; items separated by newlines"
    )
    deadline_raw: Series[str] = pa.Field(description="TEMPI STABILITI as printed")
    deadline: Series[pa.Date] = pa.Field(
        nullable=True,
        description="normalised deadline (datetime.date, Parquet date32); null when none",
    )
    deadline_status: Series[str] = pa.Field(
        isin=DEADLINE_STATUSES, description="`ok`, `repaired`, `not_a_date` or `missing`"
    )
    status: Series[str] = pa.Field(
        isin=STATUSES, description="`active`, `suspended` or `postponed`, read from the text"
    )
    page_first: Series[int] = pa.Field(ge=1, description="first 1-based page of the row")
    page_last: Series[int] = pa.Field(ge=1, description="last 1-based page of the row")
    penalty_pct_per_month: Series[pd.Float64Dtype] = pa.Field(
        nullable=True,
        ge=0,
        le=100,
        description="the plan's lateness rule for the objective, score points per started "
        "month of delay (`-10% ogni mese ritardo` → 10); null when it states none",
    )
    penalty_raw: Series[str] = pa.Field(
        nullable=True, description="the lateness clause as printed; never a sub-target"
    )
    block_title: Series[str] = pa.Field(
        nullable=True, description="extra: the title printed above the block, if any"
    )
    dup_programme_name: Series[str] = pa.Field(
        nullable=True, description="extra: official name of (dup_mission, dup_programme)"
    )
    target_count: Series[int] = pa.Field(ge=0, description="extra: rows in targets.parquet")
    weight_total: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, description="extra: sum of the targets' weights; null if none"
    )
    corrected_fields: Series[str] = pa.Field(
        required=False,
        description="extra, only when the revision has a corrections file: the fields a hand "
        "correction changed, comma-joined (`deadline,targets[2].weight_pct`); empty if none",
    )

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check
    @classmethod
    def pages_in_order(cls, df: pd.DataFrame) -> Series[bool]:
        """page_last is never before page_first."""
        return df["page_last"] >= df["page_first"]

    @pa.dataframe_check
    @classmethod
    def deadline_null_exactly_when_no_date(cls, df: pd.DataFrame) -> Series[bool]:
        """deadline is null exactly when deadline_status is `not_a_date` or `missing`."""
        no_date = df["deadline_status"].isin(["not_a_date", "missing"])
        return df["deadline"].isna() == no_date


class TargetsSchema(pa.DataFrameModel):
    """targets.parquet: one row per sub-target of an objective."""

    plan: Series[str] = plan_field()
    revision: Series[str] = revision_field()
    objective_id: Series[str] = pa.Field(
        str_matches=OBJECTIVE_ID_PATTERN, description="the objective the target belongs to"
    )
    target_seq: Series[int] = pa.Field(ge=1, description="1-based order inside the objective")
    text: Series[str] = pa.Field(
        description="the target's printed text: one weighted share or one listed item, "
        "white space squashed, without the lateness clause"
    )
    weight_pct: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, ge=0, le=100, description="printed weight (`Peso 50%`); null if none"
    )
    operator: Series[str] = pa.Field(
        nullable=True, isin=OPERATORS, description="comparison of a quantified target"
    )
    value: Series[pd.Float64Dtype] = pa.Field(
        nullable=True, description="threshold of a quantified target (`> 3,5` → 3.5)"
    )
    unit: Series[str] = pa.Field(
        nullable=True, description="`%`, the counted noun (`alberi`), or null"
    )
    source_field: Series[str] = pa.Field(
        isin=TARGET_SOURCE_FIELDS,
        description="extra: the cell the target and its weight were read from",
    )
    indicator_text: Series[str] = pa.Field(
        nullable=True,
        description="extra: the INDICATORE item the target stands for: the whole cell for "
        "an objective's one target, else the item of the same position when the cell lists "
        "as many items as there are targets; null otherwise",
    )
    result_text: Series[str] = pa.Field(
        nullable=True,
        description="extra: the RISULTATO ATTESO item the target stands for, paired like "
        "indicator_text",
    )
    corrected_fields: Series[str] = pa.Field(
        required=False,
        description="extra, only when the revision has a corrections file: the target's "
        "fields a hand correction changed, comma-joined (`weight_pct`); empty if none",
    )

    class Config:
        strict = False
        unique = ["objective_id", "target_seq"]


class SectorWeightsSchema(pa.DataFrameModel):
    """sector_weights.parquet: the "Rilevanza degli obiettivi" table, without its total."""

    plan: Series[str] = plan_field()
    revision: Series[str] = revision_field()
    sector: Series[str] = pa.Field(
        str_matches=KEY_PATTERN, unique=True, description="canonical sector key"
    )
    label_raw: Series[str] = pa.Field(description="the sector's label as printed")
    relevance_pct: Series[float] = pa.Field(
        ge=0, le=100, description="the sector's share of the incentive fund, in percent"
    )
    page: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, description="extra: 1-based page of the row"
    )

    class Config:
        strict = False

    @pa.dataframe_check
    @classmethod
    def relevance_adds_up_to_100(cls, df: pd.DataFrame) -> bool:
        """The relevance percentages add up to 100 (±0.01) when the table is present."""
        return df.empty or abs(df["relevance_pct"].sum() - RELEVANCE_TOTAL) <= RELEVANCE_TOLERANCE


class QualitySchema(pa.DataFrameModel):
    """quality.parquet: every repair, doubt and validation finding."""

    plan: Series[str] = plan_field()
    revision: Series[str] = revision_field()
    objective_id: Series[str] = pa.Field(
        nullable=True, description="the objective concerned; null for plan-level findings"
    )
    field: Series[str] = pa.Field(description="the column the finding is about")
    rule: Series[str] = pa.Field(description="the rule that raised it, e.g. `weights_sum`")
    severity: Series[str] = pa.Field(isin=SEVERITIES, description="`info`, `warning` or `error`")
    raw_value: Series[str] = pa.Field(nullable=True, description="the printed value")
    normalised_value: Series[str] = pa.Field(nullable=True, description="the value kept, if any")
    message: Series[str] = pa.Field(description="what was found and what was done")
    page: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="extra: 1-based page")

    class Config:
        strict = False


class CellsSchema(pa.DataFrameModel):
    """cells.parquet: where each printed cell of an objective sits on its page, one row
    per cell and page (a row broken across two pages has two boxes per field)."""

    plan: Series[str] = plan_field()
    revision: Series[str] = revision_field()
    objective_id: Series[str] = pa.Field(
        str_matches=OBJECTIVE_ID_PATTERN, description="the objective the cell belongs to"
    )
    field: Series[str] = pa.Field(
        isin=CELL_FIELDS,
        description="the objectives column read from the cell (`subject`, `deadline_raw`...)",
    )
    page: Series[int] = pa.Field(ge=1, description="1-based page the box is on")
    x0: Series[float] = pa.Field(ge=0, description="left edge, PDF points from the page's left")
    top: Series[float] = pa.Field(ge=0, description="top edge, PDF points from the page's top")
    x1: Series[float] = pa.Field(ge=0, description="right edge, PDF points from the page's left")
    bottom: Series[float] = pa.Field(
        ge=0, description="bottom edge, PDF points from the page's top"
    )
    ocr_confidence: Series[float] = pa.Field(
        ge=0,
        le=100,
        nullable=True,
        description="Tesseract's mean confidence (0-100, weighted by length) in the text of a "
        "scanned cell it read; null for a cell with a text layer or read blank",
    )

    class Config:
        strict = False
        unique = ["objective_id", "field", "page"]

    @pa.dataframe_check
    @classmethod
    def boxes_not_inverted(cls, df: pd.DataFrame) -> Series[bool]:
        """x1 is never left of x0, bottom never above top."""
        return (df["x1"] >= df["x0"]) & (df["bottom"] >= df["top"])


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "objectives": ObjectivesSchema,
    "targets": TargetsSchema,
    "sector_weights": SectorWeightsSchema,
    "quality": QualitySchema,
    "cells": CellsSchema,
}


def schema_to_data_dictionary(name: str) -> pd.DataFrame:
    """Given a table name, return its columns, dtypes, nullability and descriptions."""
    schema = SCHEMAS[name].to_schema()
    return pd.DataFrame(
        [
            {
                "column": col,
                "dtype": str(column.dtype),
                "nullable": column.nullable,
                "description": column.description,
            }
            for col, column in schema.columns.items()
        ]
    )
