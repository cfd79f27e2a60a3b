"""One exception class per kind of failure, each with its own exit code.

The library raises these with what it knows (file, page, row, field, value); only the
CLI turns them into a one-line message and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PianoError(Exception):
    """Base class: a failure the user can act on, described in one line."""

    message: str
    file: str | None = None
    page: int | None = None
    row: str | None = None
    field: str | None = None
    value: str | None = None
    line: int | None = None  # 1-based line of a text input (CSV), where pages do not apply

    exit_code = 1

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def one_line(self) -> str:
        """Given the error's context, return `file, line L, page N, row R, field F: message`."""
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.page is not None:
            where.append(f"page {self.page}")
        if self.row:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field}")
        text = self.message
        if self.value is not None:
            text += f" (value: {self.value!r})"
        line = f"{', '.join(where)}: {text}" if where else text
        return " ".join(line.split())


class InputError(PianoError):
    """The input file cannot be read as a PDF (missing, not a PDF, damaged or truncated,
    no pages), or a command-line value is malformed."""

    exit_code = 2


class EncryptedPdfError(InputError):
    """The PDF is encrypted with a user password, so it cannot be opened without one."""

    exit_code = 15


class ExtractionError(PianoError):
    """The PDF is readable but holds no plan table that can be extracted."""

    exit_code = 3


class TableHeaderError(ExtractionError):
    """A plan table's columns cannot be named: its header lacks a required column, or a
    plan-sized table has no header row to read its columns from."""

    exit_code = 16


class RowError(PianoError):
    """Logical rows could not be rebuilt from the table cells."""

    exit_code = 4


class NormalisationError(PianoError):
    """A printed value could not be mapped to a canonical value (e.g. an unknown sector)."""

    exit_code = 5


class CorrectionError(PianoError):
    """A hand correction is malformed, stale, or names an objective that does not exist."""

    exit_code = 6


@dataclass
class ValidationError(PianoError):
    """An output table failed its pandera schema; `failure_cases` holds pandera's
    failure cases (a DataFrame) when the failure came from a model."""

    failure_cases: Any = field(default=None, repr=False, compare=False)

    exit_code = 7


class OcrUnavailableError(PianoError):
    """OCR is needed but the OCR tools are not installed."""

    exit_code = 8


class ScoreInputError(PianoError):
    """An achievements file for the score model is malformed."""

    exit_code = 9


class DiffInputError(PianoError):
    """An input folder of `piano diff` lacks a file or column, or holds duplicate keys."""

    exit_code = 10


class SettingsError(PianoError):
    """A `params.yaml` section has an unknown key or a value of the wrong type or range."""

    exit_code = 11


class OutputError(PianoError):
    """An output file could not be written; the output folder is left as it was."""

    exit_code = 12


class StaleDocsError(PianoError):
    """A generated document in the repository differs from what the code generates."""

    exit_code = 13


class ReviewInputError(PianoError):
    """`piano review` lacks its extracted folder or source PDF, or the PDF is not the one
    the folder was extracted from."""

    exit_code = 14
