"""Turn the words of one cell into its text: words → visual lines → wrapped lines joined
by one space, separately set lines (a line that stops short although the next word would
have fitted) kept as paragraphs separated by "\n"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.page import Word

DEFAULT_LINE_TOLERANCE = 0.5  # fraction of the median word height
DEFAULT_FIT_SLACK = 1.0  # points: a word "would have fitted" only beyond this margin
SPACE_WIDTH_RATIO = 0.28  # a space is about this fraction of the font size

# a word split by the renderer at its hyphen, or a dash set right before the next word
_HYPHEN_END = re.compile(r"(^|[^\W\d_])-$")
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


def words_to_lines(words: list[Word] | tuple[Word, ...], tolerance: float = DEFAULT_LINE_TOLERANCE
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
    line on, return them joined: by "\n" where `line` stops short, else as wrapped."""
    if is_forced_break(line, next_line):
        return text + "\n" + next_text
    return join_wrapped(text, line, next_text)


def line_to_join_start(line: Line) -> Line:
    """Given the first line of a cell's part, return it reduced to what joining it to the
    line before needs (`join_next_line`'s `next_line`): its first word."""
    return Line(line.words[:1], line.right_limit)


def line_to_join_end(line: Line) -> Line:
    """Given the last line of a cell's part, return it reduced to what joining the line
    after to it needs (`join_next_line`'s `line`): one word with the line's left edge,
    top and height and the last word's text, right edge and trailing space."""
    last = line.words[-1]
    word = Word(last.text, line.x0, line.top, last.x1, line.top + line.height,
                last.space_after)
    return Line((word,), line.right_limit)


def lines_to_text(lines: list[Line]) -> str:
    """Given a cell's lines in reading order, return the cell text: wrapped lines joined
    by one space (or nothing after a split hyphen), separately set lines by "\n"."""
    if not lines:
        return ""
    text = lines[0].text
    for line, next_line in zip(lines, lines[1:], strict=False):
        text = join_next_line(text, line, next_line, next_line.text)
    return text
