"""The peers as a user would run them by hand: pdfplumber's `extract_tables()` and
camelot's `read_pdf()`, their tables turned into the contract's printed columns the
simplest way (first row = header, one table row = one objective), and the bare text
extraction that is the floor of any reader (pdfplumber words, pypdfium2 text).

Each `*_to_tables` function takes a PDF and gives tables as lists of rows of cell
texts; `tables_to_rows` maps them onto the contract; `rows_to_folder` writes them as
`objectives.parquet` so `tests/score.py` scores a peer exactly as it scores piano.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.core.contract import OBJECTIVE_FIELDS

# the printed columns of objectives.parquet, in the plans' column order
CONTRACT_COLUMNS = list(OBJECTIVE_FIELDS)
# what a header cell says → its column; the first keyword found in the folded text wins
HEADER_KEYWORDS = [
    ("assegnatario", "assignee_raw"),
    ("dup", "dup_raw"),
    ("oggetto", "subject"),
    ("descrizione", "description"),
    ("indicatore", "indicator"),
    ("risultato", "expected_result"),
    ("tempi", "deadline_raw"),
    ("scadenz", "deadline_raw"),
]
NUMBER_HEADERS = {"n", "n.", "n°", "nr", "nr.", "num", "num."}
MIN_HEADER_COLUMNS = 3  # a row naming this many contract columns is a header

Table = list[list[str]]


def header_to_columns(header: list[str]) -> dict[int, str]:
    """Given a table's first row, return position → contract column for the cells whose
    text names one (by keyword, case and spaces ignored)."""
    columns: dict[int, str] = {}
    for position, text in enumerate(header):
        folded = re.sub(r"\s+", " ", text).strip().lower()
        if folded in NUMBER_HEADERS:
            columns[position] = "number"
            continue
        for keyword, column in HEADER_KEYWORDS:
            if keyword in folded and column not in columns.values():
                columns[position] = column
                break
    return columns


def is_header(row: list[str]) -> bool:
    """Given a table row, return True when it names at least MIN_HEADER_COLUMNS contract
    columns (a header, printed first or repeated)."""
    return len(header_to_columns(row)) >= MIN_HEADER_COLUMNS


def table_to_rows(table: Table) -> list[dict[str, str]]:
    """Given one table (rows of cell texts), return one contract row per table row under
    its header: columns by position when the table has the plans' 8 columns, else by
    what the header says; a table whose columns cannot be told gives no rows."""
    if not table:
        return []
    width = max(len(row) for row in table)
    if width == len(CONTRACT_COLUMNS):
        columns = dict(enumerate(CONTRACT_COLUMNS))
    else:
        columns = header_to_columns(table[0])
        if len(columns) < MIN_HEADER_COLUMNS:
            return []
    rows = []
    for row in table:
        if is_header(row) or not any(cell.strip() for cell in row):
            continue
        record = dict.fromkeys(CONTRACT_COLUMNS, "")
        for position, column in columns.items():
            if position < len(row):
                record[column] = row[position]
        rows.append(record)
    return rows


def tables_to_rows(tables: list[Table]) -> list[dict[str, str]]:
    """Given every table of a document in order, return their contract rows in order."""
    return [row for table in tables for row in table_to_rows(table)]


def rows_to_folder(rows: list[dict[str, str]], folder: Path) -> Path:
    """Given contract rows, write them as `folder/objectives.parquet` (string columns)
    and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows, columns=CONTRACT_COLUMNS).astype("string")
    frame.to_parquet(folder / "objectives.parquet", index=False)
    return folder


def cells_to_texts(table: list[list[Any]]) -> Table:
    """Given a table whose empty cells may be None, return it with "" for them."""
    return [["" if cell is None else str(cell) for cell in row] for row in table]


def pdfplumber_to_tables(path: Path, strategy: str = "lines") -> list[Table]:
    """Given a PDF, return `page.extract_tables()` of every page, with pdfplumber's
    `lines` strategy (ruled tables, its default) or `text` (words aligned)."""
    import pdfplumber

    settings = {"vertical_strategy": strategy, "horizontal_strategy": strategy}
    tables = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            tables += [cells_to_texts(t) for t in page.extract_tables(settings)]
            page.close()
    return tables


def camelot_to_tables(path: Path, flavor: str = "lattice") -> list[Table]:
    """Given a PDF, return camelot's `read_pdf(path, flavor=flavor, pages="all")`
    tables as rows of cell texts."""
    import camelot

    found = camelot.read_pdf(str(path), flavor=flavor, pages="all")
    return [cells_to_texts(t.df.values.tolist()) for t in found]


def pdfplumber_to_words(path: Path) -> int:
    """Given a PDF, run `page.extract_words()` on every page (pdfminer's parsing and
    pdfplumber's word grouping, no tables); return the number of words."""
    import pdfplumber

    count = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            count += len(page.extract_words())
            page.close()
    return count


def pdfium_to_text(path: Path) -> int:
    """Given a PDF, extract every page's text with pypdfium2 (PDFium's text layer, no
    positions kept); return the number of characters."""
    import pypdfium2 as pdfium

    count = 0
    document = pdfium.PdfDocument(path)
    try:
        for page in document:
            text_page = page.get_textpage()
            count += len(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        document.close()
    return count
