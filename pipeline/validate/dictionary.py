"""The data dictionary: every output table's columns, types, allowed values and meanings,
read from the pandera models, so what analysts read is what the pipeline checks.

`data_dictionary_to_markdown()` renders `docs/data-dictionary.md`; `piano docs` writes it
and a test fails when the committed file differs from what the models generate.
"""

from __future__ import annotations

import inspect
from typing import Any

import pandas as pd
import pandera.pandas as pa

from pipeline.core.contract import ASSIGNEE_KEYS, SECTOR_KEYS

MAX_VALUES_LISTED = 20  # longer lists of allowed values are cut, with a count of the rest


# sets of allowed values listed once, under "Canonical keys", and named in the tables
NAMED_VALUE_SETS = {
    frozenset(SECTOR_KEYS): ("a sector key", "Sector keys", SECTOR_KEYS),
    frozenset(ASSIGNEE_KEYS): ("an assignee key", "Assignee keys", ASSIGNEE_KEYS),
}


def dtype_to_type_name(dtype: Any) -> str:
    """Given a pandera data type, return its plain name: string, int, float, bool, date or
    timestamp (the same on every pandas version and string storage)."""
    if str(dtype) == "date":
        return "date"
    pandas_dtype = getattr(dtype, "type", dtype)
    if pd.api.types.is_bool_dtype(pandas_dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(pandas_dtype):
        return "int"
    if pd.api.types.is_float_dtype(pandas_dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(pandas_dtype):
        return "timestamp"
    return "string"


def check_to_text(check: Any) -> str:
    """Given a pandera column check, return it in words (`≥ 0`, `one of a, b`)."""
    stats = check.statistics or {}
    if check.name == "isin":
        named = NAMED_VALUE_SETS.get(frozenset(stats["allowed_values"]))
        if named:
            return f"{named[0]} (see [canonical keys](#canonical-keys))"
        values = [f"`{v}`" for v in stats["allowed_values"]]
        more = len(values) - MAX_VALUES_LISTED
        listed = ", ".join(values[:MAX_VALUES_LISTED]) + (f" and {more} more" if more > 0 else "")
        return f"one of {listed}"
    if check.name == "greater_than_or_equal_to":
        return f"≥ {stats['min_value']}"
    if check.name == "less_than_or_equal_to":
        return f"≤ {stats['max_value']}"
    if check.name == "greater_than":
        return f"> {stats['min_value']}"
    if check.name == "less_than":
        return f"< {stats['max_value']}"
    if check.name == "in_range":
        return f"{stats['min_value']} to {stats['max_value']}"
    if check.name == "str_matches":
        return f"matches `{stats['pattern']}`"
    return str(check.name)


def model_to_data_dictionary(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Given a pandera model, return one row per column: column, type (`string`, `int`,
    ...), nullable, checks (in words; `unique` included) and description."""
    schema = model.to_schema()
    rows = []
    for name, column in schema.columns.items():
        checks = [check_to_text(c) for c in column.checks]
        if column.unique:
            checks.insert(0, "unique")
        rows.append(
            {
                "column": name,
                "type": dtype_to_type_name(column.dtype),
                "nullable": bool(column.nullable),
                "checks": "; ".join(checks),
                "description": column.description or "",
            }
        )
    return pd.DataFrame(rows, columns=["column", "type", "nullable", "checks", "description"])


def model_to_table_checks(model: type[pa.DataFrameModel]) -> list[str]:
    """Given a pandera model, return its whole-table rules in words: columns unique
    together, and each table check with the first line of its docstring."""
    schema = model.to_schema()
    lines = []
    if schema.unique:
        lines.append("unique together: " + ", ".join(f"`{c}`" for c in schema.unique))
    for check in schema.checks:
        doc = inspect.getdoc(getattr(model, str(check.name), None)) or ""
        meaning = doc.splitlines()[0] if doc else ""
        lines.append(f"`{check.name}`" + (f": {meaning}" if meaning else ""))
    return lines


def cell_to_markdown(value: str) -> str:
    """Given a table cell's text, return it safe inside a Markdown table row."""
    return " ".join(value.replace("|", "\\|").split())


def model_to_markdown(file_name: str, model: type[pa.DataFrameModel]) -> str:
    """Given an output file name and its model, return its section of the dictionary."""
    doc = inspect.getdoc(model) or ""
    summary = " ".join(doc.split(":", 1)[-1].split()) if doc.startswith(file_name) else doc
    summary = summary[:1].upper() + summary[1:]
    lines = [
        f"### {file_name}",
        "",
        summary,
        "",
        "| column | type | checks | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for row in model_to_data_dictionary(model).itertuples(index=False):
        kind = f"{row.type}, nullable" if row.nullable else str(row.type)
        lines.append(
            f"| `{row.column}` | {kind} | {cell_to_markdown(str(row.checks))} | "
            f"{cell_to_markdown(str(row.description))} |"
        )
    table_checks = model_to_table_checks(model)
    if table_checks:
        lines += ["", "Table rules:", ""] + [f"- {c}" for c in table_checks]
    return "\n".join(lines) + "\n"
