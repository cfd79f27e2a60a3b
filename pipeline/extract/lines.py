"""Turn the words of one cell into its text: words → visual lines → wrapped lines joined
by one space, separately set lines (a line that stops short although the next word would
have fitted) kept as paragraphs separated by "\n"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.page import Word

DEFAULT_LINE_TOLERANCE = 0.5  # fraction of the median word height
DEFAULT_FIT_SLACK = 1.0  # points: a word "would have fitted" only beyond this margin
SPACE_WIDTH_RATIO = 0.28  # a space is about this fraction of the font size


# a line ending in a hyphen, a slash or a lone dash: "covid-" + "19", "comune/" +
# "servizio", "segnalazioni -" + "chiusure"; or in a sign after an opening bracket
# ("(-" + "10%"), which always goes on with its number
_HYPHEN_END = re.compile(r"(?:^|\w)[-/]$")
_SIGN_END = re.compile(r"[(\[]-$")
# a line opening a listed item ("5) gestione", "b. avvio"): a hyphen before it parts items
_ITEM_START = re.compile(r"^(?:\d{1,2}|[a-zA-Z])[).]\s")
# where a word broken at its hyphen met the next line: "A-" + HYPHEN_JOIN + "W". Whether
# the document means "A-W" or "A- W" is decided once all of it is read
# (`resolve_hyphen_joins`); the mark is a control character no word holds
HYPHEN_JOIN = "\x1f"
_MARKED_JOIN = re.compile(r"(\S*[-/])" + HYPHEN_JOIN + r"([\w'’]*)")
# of wrapped lines, the share that must end with the space they broke at for the text
# layer to be read as keeping such spaces (then a line end without one has none)
TRAILING_SPACE_SHARE = 0.5
# how many times the other way's forms one way of setting a lone dash or slash before a
# word must count for the document to be read as setting it so
MARK_MAJORITY = 2
# points of room to spare after a line for its next word's head ("anti-") to have fitted,
# and how many words so left whole show a producer that breaks lines at spaces alone
UNBROKEN_SLACK = 2 * DEFAULT_FIT_SLACK
UNBROKEN_WORDS = 2


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
    # the current line's sum of middles and tallest word, kept as words join it, so the
    # work stays linear in the words however long a line is
    mid_sum = height = 0.0
    for word in sorted(words, key=lambda w: (w.y_mid, w.x0)):
        if lines and abs(word.y_mid - mid_sum / len(lines[-1])) <= tolerance * height:
            lines[-1].append(word)
            mid_sum += word.y_mid
            height = max(height, word.bottom - word.top)
            continue
        lines.append([word])
        mid_sum, height = word.y_mid, word.bottom - word.top
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
    them joined by one space; by nothing after a sign ("(-" + "10%"); and by HYPHEN_JOIN,
    to be decided once the document is read (`resolve_hyphen_joins`), where the line
    ends in a hyphen, a slash or a lone dash with no space after it in the text layer (a
    space there says "A- W") and the next line opens no listed item ("anfiteatro-" +
    "5) gestione" parts two items)."""
    last = line.words[-1]
    if _SIGN_END.search(last.text):
        return text + next_text
    if _HYPHEN_END.search(last.text) and not last.space_after and not _ITEM_START.match(next_text):
        return text + HYPHEN_JOIN + next_text
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


@dataclass
class HyphenForms:
    """What a document's text layer says of the hyphens its line ends hide: the forms it
    prints inside its lines, words with a hyphen or slash inside ("covid-19", "e/o")
    and words ending in one before the next word on their line ("evasione- elusione"),
    folded to lower case; how it sets a lone dash or slash before a word, glued to it
    ("; -approvazione") or spaced ("comunali - Decreto"), each form with where its mark
    stands (`mark_place`); and of its wrapped lines ending in a plain word, how many end
    with the space they broke at (a producer that keeps those spaces shows by a missing
    one that a hyphen at a line end is followed by none)."""

    joined: set[str] = field(default_factory=set)
    suspended: set[str] = field(default_factory=set)
    glued_marks: set[tuple[str, str, str]] = field(default_factory=set)
    spaced_marks: set[tuple[str, str, str]] = field(default_factory=set)
    unbroken: set[tuple[str, str]] = field(default_factory=set)
    line_end_breaks: set[tuple[str, str]] = field(default_factory=set)
    wrapped: int = 0
    wrapped_with_space: int = 0

    def add_lines(self, lines: list[Line]) -> None:
        """Given the lines of a cell, add the hyphenated forms and line ends they print."""
        for n, line in enumerate(lines):
            for k, word in enumerate(line.words):
                text = word.text.casefold()
                if "-" in text.strip("-/") or "/" in text.strip("-/"):
                    self.joined.update(_MARKED_JOIN_WORDS.findall(text))
                if k + 1 < len(line.words) and (end := _WORD_BEFORE_HYPHEN.search(text)):
                    self.suspended.add(end.group(0))
                self.add_mark(line.words, k)
            if n + 1 < len(lines):
                self.add_line_end(line, lines[n + 1])
            last = line.words[-1]
            if n + 1 < len(lines) and last.text[-1:].isalnum():
                self.wrapped += 1
                self.wrapped_with_space += last.space_after

    def add_mark(self, words: tuple[Word, ...], k: int) -> None:
        """Given a line's words and one of them, add it if it is a lone mark before a
        word on the line or a mark glued to the front of one (each form once: a phrase
        printed in many rows is one piece of evidence)."""
        if k == 0:  # a line opening with a mark is as often a wrapped line as an item
            return
        text = words[k].text
        before = words[k - 1].text.casefold()
        if text in {"-", "/"} and k + 1 < len(words):
            form = f"{before} {text} {words[k + 1].text.casefold()}"
            self.spaced_marks.add((text, mark_place(before), form))
        elif len(text) > 1 and text[0] in "-/" and text[1].isalnum():
            self.glued_marks.add((text[0], mark_place(before), f"{before} {text.casefold()}"))

    def add_line_end(self, line: Line, next_line: Line) -> None:
        """Given two consecutive lines, add the word broken at a hyphen or slash at the
        first's end, and the next line's first word holding one ("anti-covid") where the
        line could have broken after that mark, with room to spare, and did not."""
        last, first = line.words[-1].text.casefold(), next_line.words[0]
        if (head := _WORD_BEFORE_HYPHEN.search(last)) and (after := _WORD_START.match(first.text)):
            self.line_end_breaks.add((head.group(0), after.group(0).casefold()))
        inner = _IN_WORD_MARK.match(first.text)
        if inner is None or is_forced_break(line, next_line) or is_item_end(line, next_line):
            return
        head_width = (first.x1 - first.x0) * inner.end(1) / len(first.text)
        free = line.right_limit - line.x1 - SPACE_WIDTH_RATIO * line.height
        if free > head_width + UNBROKEN_SLACK:
            self.unbroken.add((inner.group(1), first.text.casefold()))

    def breaks_inside_words(self, mark: str) -> bool:
        """Given a hyphen or slash, return False when the producer shows it breaks lines
        at spaces alone: words holding the mark open lines that had room for their head,
        many times more than line ends break a word the document prints whole elsewhere
        (a document may print one word both ways)."""
        unbroken = sum(m == mark for m, _ in self.unbroken)
        broken = sum(
            head.endswith(mark) and head + after in self.joined and head not in self.suspended
            for head, after in self.line_end_breaks
        )
        return unbroken < UNBROKEN_WORDS or unbroken <= MARK_MAJORITY * broken

    def lone_mark_glued(self, mark: str, before: str) -> bool | None:
        """Given a lone mark at a line end and the text before it, return whether the
        document glues such a mark to the next word, or None where neither way has at
        least twice the other's forms."""
        place = mark_place(before)
        glued = sum(m == mark and p == place for m, p, _ in self.glued_marks)
        spaced = sum(m == mark and p == place for m, p, _ in self.spaced_marks)
        if glued >= MARK_MAJORITY * spaced and glued:
            return True
        if spaced >= MARK_MAJORITY * glued and spaced:
            return False
        return None

    @property
    def keeps_line_end_spaces(self) -> bool:
        """True when the text layer keeps the space a line broke at."""
        return self.wrapped > 0 and self.wrapped_with_space >= TRAILING_SPACE_SHARE * self.wrapped


def mark_place(before: str) -> str:
    """Given the text before a lone mark, return where the mark stands: "item" where it
    opens a listed item (after ";" or ":"), else "between"."""
    return "item" if before.rstrip().endswith((";", ":")) else "between"


_MARKED_JOIN_WORDS = re.compile(r"\w+(?:[-/]\w+)+")
_WORD_START = re.compile(r"[\w'’]+")
# a word of letters holding a hyphen or slash between letters, its head up to the mark
_IN_WORD_MARK = re.compile(r"^\W*[^\W\d_]+([-/])[^\W\d_]")
_WORD_BEFORE_HYPHEN = re.compile(r"\w+[-/]$")


def resolve_hyphen_joins(text: str, forms: HyphenForms) -> tuple[str, list[str]]:
    """Given a text holding HYPHEN_JOIN marks and what the document's text layer says of
    its hyphens (`HyphenForms`), return the text with each mark resolved, and the joins
    nothing decided. Where the producer breaks lines at spaces alone
    (`HyphenForms.breaks_inside_words`), a line ending in the mark broke at the space
    after it: "A-" + "W" is "A- W". A lone dash or slash is set as the document sets such
    marks where it stands ("; -" + "approvazione" is "; -approvazione" where its listed
    items print so). Else, where the layer keeps the spaces lines break at, a hyphen at a
    line end has none after it: "A-" + "W" is "A-W". Else a lone dash keeps its spaces,
    and "A-" + "W" is "A-W" where the document prints that word, "A- W" where it prints
    "A-" before another word, and "A-W" otherwise (the usual meaning of a hyphen there)."""
    guessed: list[str] = []

    def join(match: re.Match[str]) -> str:
        before, after = match.groups()
        head = _WORD_BEFORE_HYPHEN.search(before.casefold())
        if not forms.breaks_inside_words(before[-1]):
            return before + " " + after
        if head is None and before in {"-", "/"}:  # a lone dash or slash
            preceding = match.string[: match.start()].replace(HYPHEN_JOIN, "")
            glued = forms.lone_mark_glued(before, preceding)
            if glued is not None:
                return before + ("" if glued else " ") + after
        if forms.keeps_line_end_spaces:
            return before + after
        if head is None:
            return before + " " + after
        word = head.group(0)
        if word + after.casefold() in forms.joined:
            return before + after
        if word in forms.suspended:
            return before + " " + after
        guessed.append(before + after)
        return before + after

    if HYPHEN_JOIN not in text:
        return text, guessed
    return _MARKED_JOIN.sub(join, text).replace(HYPHEN_JOIN, ""), guessed


def lines_to_text(lines: list[Line]) -> str:
    """Given a cell's lines in reading order, return the cell text: wrapped lines joined
    by one space (see `join_wrapped` for a line ending in a hyphen), separately set lines
    and the ends of items (`is_item_end`) by "\n"."""
    if not lines:
        return ""
    text = lines[0].text
    for line, next_line in zip(lines, lines[1:], strict=False):
        text = join_next_line(text, line, next_line, next_line.text)
    return text
