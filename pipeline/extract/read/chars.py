"""Characters to words and path edges to rulings: what both readers share."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Generator
from typing import Any

from pdfplumber.utils.text import T_dir, WordExtractor, get_char_sort_key

from pipeline.extract.page import LOST_GLYPH, Ruling, Word
from pipeline.extract.read.settings import ReadSettings

# points a ruling may lean off the horizontal or vertical (rounding in rotated drawing)
AXIS_TOLERANCE = 0.5
# typographic ligatures a font may map one glyph to, and the letters they stand for
LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)

# Ghostscript re-distilling a PDF may write a ligature's ToUnicode as UTF-16 units holding
# each letter in the high byte ("ti" → U+7400 U+6900): CJK ideographs no Latin word holds
SHIFTED = range(0x21, 0x7F)
UNMAPPED = re.compile(r"\(cid:\d+\)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def utf16_paired(text: str) -> str:
    """Given text as UTF-16 units, return it with surrogates paired into their letters
    and a lone one replaced by U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def word_text(text: str) -> str:
    """Given a word's text as its font maps it, return the letters printed: ligatures
    spelt out, and in a word of Latin letters the letters shifted into a high byte put
    back (a text layer no reader can correct further: a three-letter ligature may come
    as its first letter alone). A glyph mapped to no letter, or to a letter of another
    script, is U+FFFD. UTF-16
    surrogates, which PDFium gives one per character, are paired into their letter; a
    lone one, which no text can hold, becomes U+FFFD."""
    text = utf16_paired(text)
    # a glyph its font maps to no letter: pdfminer writes "(cid:N)", PDFium its code,
    # often a control character; both readers say U+FFFD, for the review to show
    text = UNMAPPED.sub(LOST_GLYPH, text)
    text = text.translate(LIGATURES)
    if not any("a" <= c.lower() <= "z" for c in text):
        return text
    text = "".join(
        chr(ord(c) >> 8) if ord(c) & 0xFF == 0 and ord(c) >> 8 in SHIFTED else c for c in text
    )
    return "".join(LOST_GLYPH if is_foreign_letter(c) else c for c in text)


def glyph_text(text: str) -> str:
    """Given the letters one glyph's font maps it to, return them, or U+FFFD alone when
    part of the mapping is lost (a unit that is no UTF-16, or no letter): what is left
    of a ligature cut short ("tti" mapped to "t" and a broken unit) is not its letters."""
    if len(text) < 2:
        return text
    decoded = utf16_paired(text)
    return LOST_GLYPH if LOST_GLYPH in decoded or UNMAPPED.search(decoded) else text


def is_foreign_letter(char: str) -> bool:
    """Given a character of a word holding Latin letters, return whether it is a letter of
    another script ("af케dato"): a glyph its font maps to the wrong letter, as a
    re-distilled ligature may be, and so a lost glyph."""
    if not char.isalpha():
        return False
    # a styled Latin letter (mathematical bold "𝐀") is Latin once its form is undone
    code = ord(unicodedata.normalize("NFKC", char)[0])
    return code >= 0x0370 and not 0x1E00 <= code <= 0x1EFF  # past Latin, bar Latin Additional


class TableWordExtractor(WordExtractor):
    """pdfplumber's word extractor with lines that do not chain down a table row. pdfplumber
    chains characters into a line while each top lies within the y tolerance of the
    next (which keeps raised figures on their line); in a table whose cells centre their
    text, each cell's lines sit a little lower than the last cell's, the chain runs down
    the whole row and zips a cell's lines together ("S au e t r o v c iz"). A chained
    line taller than its letters is cut again, each character joining the line whose
    mean top it lies within the tolerance of."""

    def iter_chars_to_lines(
        self, chars: Any
    ) -> Generator[tuple[list[dict[str, Any]], T_dir], None, None]:
        """Given characters of one orientation, yield each line's, sorted along it."""
        for line, char_dir in super().iter_chars_to_lines(chars):
            if char_dir != "ltr" or len(line) < 2:
                yield line, char_dir
                continue
            tops = [c["doctop"] for c in line]
            size = statistics.median(c["size"] for c in line)
            if max(tops) - min(tops) <= size:
                yield line, char_dir
                continue
            sort_key = get_char_sort_key(char_dir)
            yield from ((sorted(part, key=sort_key), char_dir) for part in self.cut(line))

    def cut(self, chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Given the characters of a chained line, return them in lines by mean top."""
        lines: list[list[dict[str, Any]]] = []
        top_sum = 0.0
        for char in sorted(chars, key=lambda c: c["doctop"]):
            if lines and char["doctop"] - top_sum / len(lines[-1]) <= self.y_tolerance:
                lines[-1].append(char)
                top_sum += char["doctop"]
            else:
                lines.append([char])
                top_sum = char["doctop"]
        return lines


def chars_to_words(
    chars: list[dict[str, Any]],
    settings: ReadSettings,
    rulings: list[Ruling] | None = None,
    text_flow: bool = False,
) -> list[Word]:
    """Given pdfplumber chars in stream order (and the page's rulings), return words with
    their boxes and whether a space character follows each in the text layer; a word
    that a vertical ruling crosses is split there (text of two cells set too close).
    With `text_flow` words follow the stream order instead of their positions.

    Words end at a space character and at a gap wider than `word_gap` times the font
    size (a PDF may position the next word instead of drawing a space), whichever
    producer set the text; ligature glyphs are spelt out (`word_text`)."""
    extractor = TableWordExtractor(
        x_tolerance=settings.x_tolerance,
        y_tolerance=settings.y_tolerance,
        x_tolerance_ratio=settings.word_gap,
        keep_blank_chars=False,
        use_text_flow=text_flow,
    )
    position = {id(c): i for i, c in enumerate(chars)}
    verticals = [r for r in rulings or [] if r.orientation == "v"]
    words = []
    for _, word_chars in extractor.iter_extract_tuples(chars):
        after = position[id(word_chars[-1])] + 1
        space_after = after < len(chars) and chars[after]["text"].isspace()
        groups = split_at_rulings(word_chars, verticals)
        for k, group in enumerate(groups):
            words.append(
                Word(
                    word_text("".join(glyph_text(c["text"]) for c in group)),
                    float(min(c["x0"] for c in group)),
                    float(min(c["top"] for c in group)),
                    float(max(c["x1"] for c in group)),
                    float(max(c["bottom"] for c in group)),
                    space_after if k == len(groups) - 1 else False,
                )
            )
    return words


def split_at_rulings(
    chars: list[dict[str, Any]], verticals: list[Ruling]
) -> list[list[dict[str, Any]]]:
    """Given one word's chars and the vertical rulings, return the chars split into
    groups wherever a ruling passes between two of them."""
    top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
    mid = (top + bottom) / 2
    centres = [(float(c["x0"]) + float(c["x1"])) / 2 for c in chars]
    low, high = min(centres), max(centres)
    # only a ruling between the outermost centres can split the word: most words have none
    crossing = [r for r in verticals if r.top <= mid <= r.bottom and low < r.x0 < high]
    if not crossing:
        return [chars]
    groups = [[chars[0]]]
    for k, char in enumerate(chars[1:], start=1):
        boundary = centres[k - 1], centres[k]
        if any(boundary[0] < r.x0 < boundary[1] for r in crossing):
            groups.append([])
        groups[-1].append(char)
    return groups


def edges_to_rulings(edges: list[dict[str, Any]], settings: ReadSettings) -> list[Ruling]:
    """Given pdfplumber edges (from lines, rects and curves), return the horizontal and
    vertical ones at least `min_ruling_length` long. The direction comes from the
    geometry, within AXIS_TOLERANCE: pdfplumber calls a line horizontal only when its
    ends have exactly the same y, which drawing through a rotation matrix rarely gives."""
    rulings = []
    for e in edges:
        x0, x1, top, bottom = float(e["x0"]), float(e["x1"]), float(e["top"]), float(e["bottom"])
        if bottom - top <= AXIS_TOLERANCE and x1 - x0 >= settings.min_ruling_length:
            y = (top + bottom) / 2
            rulings.append(Ruling(x0, y, x1, y))
        elif x1 - x0 <= AXIS_TOLERANCE and bottom - top >= settings.min_ruling_length:
            x = (x0 + x1) / 2
            rulings.append(Ruling(x, top, x, bottom))
    return rulings
