"""Turn the words of one cell into its text: words → visual lines → wrapped lines joined
by one space, separately set lines (a line that stops short although the next word would
have fitted) kept as paragraphs separated by "\n"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.page import Word

DEFAULT_LINE_TOLERANCE = 0.5  # fraction of the median word height
DEFAULT_FIT_SLACK = 1.0  # points: a word "would have fitted" only beyond this margin
SPACE_WIDTH_RATIO = 0.28  # a space is about this fraction of the font size


# a word split by the renderer at its hyphen, a dash set right before the next word, or
# a sign after an opening bracket ("(-" + "10%")
_HYPHEN_END = re.compile(r"(^|[^\W\d_]|[(\[])-$")


# a weighted item's closing weight, and a line holding nothing but a date
_WEIGHT_END = re.compile(r"\((?:peso\s*)?\d{1,3}(?:[.,]\d+)?\s*%\)[.;]?$", re.IGNORECASE)
_LONE_DATE = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,5}$")
_LOWER_START = re.compile(r"^[^\W\d_A-Z]")


@dataclass(frozen=True)
class Line:
    """One visual line of a cell: its words left to right, and the x where the cell's
    text area ends (the renderer wraps before it)."""

    words: tuple[Word, ...]
    right_limit: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def height(self) -> float:
        return max(w.bottom - w.top for w in self.words)


def words_to_lines(
    words: list[Word] | tuple[Word, ...], tolerance: float = DEFAULT_LINE_TOLERANCE
) -> list[list[Word]]:
    """Given the words of one cell, return them grouped into visual lines (top to bottom,
    each left to right): a word joins a line when its vertical middle lies within
    `tolerance` × word height of the line's middle."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y_mid, w.x0)):
        if lines:
            last = lines[-1]
            mid = sum(w.y_mid for w in last) / len(last)
            height = max(w.bottom - w.top for w in last)
            if abs(word.y_mid - mid) <= tolerance * height:
                last.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def cell_words_to_lines(words: list[Word] | tuple[Word, ...], x0: float, x1: float) -> list[Line]:
    """Given the words of a cell and the cell's left and right edges, return its Lines;
    the right limit mirrors the left padding and is never left of the longest line."""
    grouped = words_to_lines(words)
    if not grouped:
        return []
    left_pad = max(min(line[0].x0 for line in grouped) - x0, 0.0)
    right_limit = max(x1 - left_pad, max(line[-1].x1 for line in grouped))
    return [Line(tuple(line), right_limit) for line in grouped]


def is_forced_break(line: Line, next_line: Line, slack: float = DEFAULT_FIT_SLACK) -> bool:
    """Given two consecutive lines of a cell, return True when the first stops short: the
    next line's first word (and a space) would have fitted after it."""
    first = next_line.words[0]
    space = SPACE_WIDTH_RATIO * line.height
    free = line.right_limit - line.x1
    return free > (first.x1 - first.x0) + space + slack


def is_item_end(line: Line, next_line: Line) -> bool:
    """Given two consecutive lines of a cell, return True when the first closes an item
    whatever the line width says: it ends with a weight ("(Peso 50%)", "(60%)"), or one
    of the two lines is a date alone (dates of separate items)."""
    return bool(
        _WEIGHT_END.search(line.text)
        or _LONE_DATE.match(line.text)
        or _LONE_DATE.match(next_line.text)
    )


def join_wrapped(text: str, line: Line, next_text: str) -> str:
    """Given the text so far, ending with a wrapped line, and the next line's text, return
    them joined by one space, or by nothing where the line ends in a hyphen with no space
    after it in the text layer and either the next line goes on in lower case (a word
    split at its hyphen) or there was room for a space the renderer would have kept."""
    last = line.words[-1]
    if not _HYPHEN_END.search(last.text) or last.space_after:
        return text + " " + next_text
    room_for_space = line.right_limit - last.x1 >= SPACE_WIDTH_RATIO * line.height
    if _LOWER_START.match(next_text) or room_for_space:
        return text + next_text
    return text + " " + next_text


def join_next_line(text: str, line: Line, next_line: Line, next_text: str) -> str:
    """Given the text so far, ending with `line`, the line after it and the text from that
    line on, return them joined: by "\n" where `line` stops short or closes an item, else
    as wrapped."""
    if is_forced_break(line, next_line) or is_item_end(line, next_line):
        return text + "\n" + next_text
    return join_wrapped(text, line, next_text)


def line_to_summary(line: Line) -> Line:
    """Given a line, return it with the words between its first and last merged into one
    (their text, their extent, the tallest one's height): text, ends, right edge and
    height stay, which is all `join_next_line` reads, with at most three words kept."""
    words = line.words
    if len(words) <= 3:
        return line
    inner = words[1:-1]
    tallest = max(inner, key=lambda w: w.bottom - w.top)
    middle = Word(
        " ".join(w.text for w in inner),
        inner[0].x0,
        tallest.top,
        inner[-1].x1,
        tallest.bottom,
        inner[-1].space_after,
    )
    return Line((words[0], middle, words[-1]), line.right_limit)


def lines_to_text(lines: list[Line]) -> str:
    """Given a cell's lines in reading order, return the cell text: wrapped lines joined
    by one space (or nothing after a split hyphen), separately set lines and the ends of
    items (`is_item_end`) by "\n"."""
    if not lines:
        return ""
    text = lines[0].text
    for line, next_line in zip(lines, lines[1:], strict=False):
        text = join_next_line(text, line, next_line, next_line.text)
    return text
