"""Validate a table against its pandera model: one reporter for every stage.

Validation is lazy (every failure is gathered before stopping); the failure cases stay
data (`ValidationError.failure_cases`, pandera's frame, which an analyst can filter) and
the message names the table, the check, the rows and the values, a line per check.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pipeline.core.errors import ValidationError

FAILURES_SHOWN_PER_CHECK = 5


def model_to_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """Given a pandera model, return its columns in order."""
    return list(model.to_schema().columns)


def model_to_dtypes(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """Given a pandera model, return each column's pandas dtype as `astype` takes it
    (text as the nullable "string")."""
    dtypes = {}
    for name, column in model.to_schema().columns.items():
        kind = column.dtype.type
        dtypes[name] = "string" if isinstance(kind, pd.StringDtype) else str(kind)
    return dtypes


def frame_to_failure_cases(frame: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Given a frame and its pandera model, return pandera's failure cases (empty when
    the frame fits)."""
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return errors.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "index", "failure_case"])


def validate_frame(frame: pd.DataFrame, model: type[pa.DataFrameModel], file: str) -> None:
    """Given one table, its model and its file name, raise ValidationError naming the
    file, each failed check, the rows and the values, when the table does not fit."""
    failures = frame_to_failure_cases(frame, model)
    if not failures.empty:
        lines = failure_cases_to_lines("", frame, failures)
        raise ValidationError(
            "failed validation: " + "; ".join(lines), file=file, failure_cases=failures
        )


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    models: Mapping[str, type[pa.DataFrameModel]],
    file: str,
    more_lines: list[str] | None = None,
) -> None:
    """Given tables by name, a model per name and the file they come from, raise one
    ValidationError listing every failed check of every table (and `more_lines`, checks
    across tables), its failure cases kept as a frame with a `table` column."""
    lines, cases = [], []
    for name, frame in tables.items():
        if name not in models:
            continue
        failures = frame_to_failure_cases(frame, models[name])
        if not failures.empty:
            lines += failure_cases_to_lines(name, frame, failures)
            cases.append(failures.assign(table=name))
    lines += more_lines or []
    if lines:
        raise ValidationError(
            "output failed validation: " + "; ".join(lines),
            file=file,
            failure_cases=pd.concat(cases, ignore_index=True) if cases else None,
        )


def failure_cases_to_lines(name: str, frame: pd.DataFrame, failures: pd.DataFrame) -> list[str]:
    """Given a table, its frame and pandera's failure_cases, return one line per failed check.

    Rows are named by objective_id (and target_seq) where the table has them, else by
    their position; a check on the whole table says so.
    """
    lines = []
    # pandera reports a failing row of a table-wide check once per column: name it once
    table_wide = failures["schema_context"] == "DataFrameSchema"
    failures = failures.assign(column=failures["column"].where(~table_wide, None))
    failures = failures.drop_duplicates(["schema_context", "column", "check", "index"])
    keys = ["schema_context", "column", "check"]
    for (context, column, check), cases in failures.groupby(keys, sort=False, dropna=False):
        check_text = str(check) if len(str(check)) <= 60 else str(check)[:57] + "..."
        subject = "table" if context == "DataFrameSchema" else f"column {column}"
        prefix = f"{name}: " if name else ""
        if context == "DataFrameSchema" and cases["index"].isna().all():
            lines.append(f"{prefix}{subject} failed {check_text}")
            continue
        where = [
            f"{row_label(frame, case.index)}={failure_case_to_text(case.failure_case)}"
            if context != "DataFrameSchema"
            else row_label(frame, case.index)
            for case in cases.head(FAILURES_SHOWN_PER_CHECK).itertuples(index=False)
        ]
        more = len(cases) - FAILURES_SHOWN_PER_CHECK
        shown = ", ".join(where) + (f" and {more} more" if more > 0 else "")
        lines.append(f"{prefix}{subject} failed {check_text} at {shown}")
    return lines


def failure_case_to_text(value: object) -> str:
    """Given a failing cell value, return it as an analyst would type it (`'x'`, `150.0`)."""
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    return repr(value)


def row_label(frame: pd.DataFrame, index: object) -> str:
    """Given a frame and a row index from failure_cases, return how to name that row."""
    if index is None or (isinstance(index, float) and pd.isna(index)) or index not in frame.index:
        return "table"
    row = frame.loc[index]
    if "objective_id" in frame.columns and pd.notna(row["objective_id"]):
        label = f"row {row['objective_id']}"
        if "target_seq" in frame.columns:
            label += f"#{row['target_seq']}"
        elif {"field", "page", "x0"} <= set(frame.columns):  # a cell box: which one
            label += f" {row['field']} p{row['page']}"
        return label
    return f"row {index}"
