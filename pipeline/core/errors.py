"""One exception class per kind of failure, each with its own exit code.

The library raises these with what it knows (file, page, row, field, value); only the
CLI turns them into a one-line message and an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# an error line holds at most this many characters besides the file path, and a value
# quoted in it at most VALUE_CHARS: a crafted input cannot make a line of megabytes
LINE_CHARS = 300
VALUE_CHARS = 80


def cut(text: str, limit: int) -> str:
    """Given text and a number of characters, return the text cut to that many (its last
    one an ellipsis when cut)."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


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
        """Given the error's context, return `file, line L, page N, row R, field F: message
        (value: …)` on one line, at most LINE_CHARS characters besides the file, the value
        cut to VALUE_CHARS."""

        def squash(text: str, limit: int) -> str:
            # cut before squashing, so that a value of megabytes is never split whole
            return " ".join(cut(text, 4 * limit).split())

        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.page is not None:
            where.append(f"page {self.page}")
        if self.row:
            where.append(f"row {squash(self.row, VALUE_CHARS)}")
        if self.field:
            where.append(f"field {squash(self.field, VALUE_CHARS)}")
        text = squash(self.message, LINE_CHARS)
        if self.value is not None:
            text += f" (value: {cut(repr(squash(self.value, VALUE_CHARS)), VALUE_CHARS)})"
        line = cut(f"{', '.join(where)}: {text}" if where else text, LINE_CHARS)
        if not self.file:
            return line
        return f"{' '.join(self.file.split())}{', ' if where else ': '}{line}"


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


class PageTooLargeError(InputError):
    """Rendering a page (a scan's picture, a review crop) would take more pixels than the
    setting allows."""

    exit_code = 17


class ImageTooLargeError(InputError):
    """A picture on a page would decode to more pixels than the setting allows."""

    exit_code = 18


class TooManyWordsError(InputError):
    """A page holds more words than the setting allows."""

    exit_code = 19


class TooManyPagesError(InputError):
    """The document has more pages than the setting allows."""

    exit_code = 20


class CellTooLongError(InputError):
    """A table cell holds more characters than the setting allows."""

    exit_code = 21
