"""Tables written as an XLSX workbook for people (an HR office, a clerk): numbers as
numbers, dates as dates, money in euro, percentages as percentages, a frozen header row
with an autofilter and columns as wide as their text. Text a spreadsheet would run as a
formula is stored as a string cell with `quotePrefix` (`pipeline.core.spreadsheet`).

Each sheet is described by `Column`s: the frame's column, the header people read and
the kind of cell; the Parquet files keep the contract's column names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.spreadsheet import is_formula_like

Kind = Literal["text", "integer", "number", "percent", "euro", "date", "boolean"]

# percentages are stored 0-100 in Parquet and as fractions in a sheet (50% is 0.5)
NUMBER_FORMATS: dict[str, str] = {
    "text": "@",
    "integer": "0",
    "number": "#,##0.00",
    "percent": "0.00%",
    "euro": "[$€-410] #,##0.00",
    "date": "DD/MM/YYYY",
    "boolean": "General",
}
MIN_WIDTH = 6
MAX_WIDTH = 60  # a longer text wraps instead of widening its column
BOOLEAN_TEXT = {True: "sì", False: "no"}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the frame's column, its header for people, its kind."""

    name: str
    header: str
    kind: Kind = "text"
    # text cells: frame value -> shown text (an Italian label for a code)
    labels: dict[str, str] | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet: its title (at most 31 characters), the rows and the columns shown."""

    title: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]


def is_missing(value: object) -> bool:
    """Given a cell value, return True when it is None, NaN, NA or NaT."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def value_to_cell_value(value: object, column: Column) -> object:
    """Given a frame value and its column, return what the cell holds (None for a
    missing value): a float fraction for a percentage, a date for a date, text else."""
    if is_missing(value):
        return None
    kind = column.kind
    if kind == "integer":
        return int(value)  # type: ignore[call-overload]
    if kind in ("number", "euro"):
        return float(value)  # type: ignore[arg-type]
    if kind == "percent":
        return float(value) / 100  # type: ignore[arg-type]
    if kind == "date":
        if isinstance(value, str):
            return dt.date.fromisoformat(value[:10])
        return pd.Timestamp(value).date()  # type: ignore[arg-type]
    if kind == "boolean":
        return BOOLEAN_TEXT[bool(value)]
    text = str(value)
    if column.labels is not None:
        text = column.labels.get(text, text)
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_cell(cell: Cell, value: object, column: Column) -> None:
    """Given a cell, a frame value and its column, store the value typed and formatted."""
    cell.value = value  # type: ignore[assignment]
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"  # openpyxl makes "=…" a formula
        cell.quotePrefix = True
    if column.kind != "text" and column.kind != "boolean":
        cell.number_format = NUMBER_FORMATS[column.kind]
    if isinstance(value, str) and ("\n" in value or len(value) > MAX_WIDTH):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def text_width(value: object) -> int:
    """Given a cell value, return the width its longest line needs, in characters."""
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}") + 2  # room for the € sign or the % mark
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).split("\n")), default=0)


def sheet_to_worksheet(sheet: Sheet, worksheet: Worksheet) -> None:
    """Given a sheet and an empty worksheet, fill it: a bold, frozen, filtered header
    row, one row per frame row, columns fitted to their text (at most MAX_WIDTH)."""
    worksheet.title = sheet.title
    widths = [len(column.header) + 3 for column in sheet.columns]  # room for the filter
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
    records = sheet.frame.to_dict("records")
    for row_number, record in enumerate(records, start=2):
        for index, column in enumerate(sheet.columns, start=1):
            value = value_to_cell_value(record.get(column.name), column)
            set_cell(worksheet.cell(row=row_number, column=index), value, column)
            widths[index - 1] = max(widths[index - 1], text_width(value))
    for index, width in enumerate(widths, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = min(max(width + 1, MIN_WIDTH), MAX_WIDTH)
    worksheet.freeze_panes = "A2"
    last = get_column_letter(max(len(sheet.columns), 1))
    worksheet.auto_filter.ref = f"A1:{last}{len(records) + 1}"


def sheets_to_workbook(sheets: Iterable[Sheet]) -> Workbook:
    """Given the sheets in order, return a workbook holding them."""
    workbook = Workbook()
    first = True
    for sheet in sheets:
        worksheet = workbook.active if first else workbook.create_sheet()
        assert worksheet is not None  # a new Workbook has an active sheet
        sheet_to_worksheet(sheet, worksheet)
        first = False
    return workbook


def workbook_writer(sheets: Iterable[Sheet]) -> Callable[[Path], None]:
    """Given the sheets, return a writer of the workbook for `write_folder`."""
    workbook = sheets_to_workbook(sheets)

    def write(path: Path) -> None:
        workbook.save(path)

    return write
