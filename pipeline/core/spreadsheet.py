"""Text written for people to open in a spreadsheet (an achievements CSV, an XLSX) must
not run as a formula: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return is one in Excel, LibreOffice and Google Sheets. OWASP's rule (CSV injection)
puts a `'` before such text; a cell starting with `'` gets one more, so that reading
back (`spreadsheet_text_to_text`) drops exactly one and is lossless.

An XLSX writer stores such text as a string cell with `quotePrefix` set (openpyxl
otherwise turns "=…" into a formula): `is_formula_like` tells which cells need it."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_formula_like(text: str) -> bool:
    """Given a cell's text, return True when a spreadsheet would read it as a formula."""
    return text.startswith(FORMULA_STARTS)


def text_to_spreadsheet_text(text: str) -> str:
    """Given a cell's text, return it safe for a spreadsheet: a `'` before formula-like
    text and before text that starts with `'` (so that reading back is lossless)."""
    return QUOTE + text if is_formula_like(text) or text.startswith(QUOTE) else text


def spreadsheet_text_to_text(text: str) -> str:
    """Given a cell as `text_to_spreadsheet_text` wrote it (or as a person typed it),
    return the text: one leading `'` dropped."""
    return text[1:] if text.startswith(QUOTE) else text
