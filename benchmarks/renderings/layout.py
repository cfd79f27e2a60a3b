"""Column widths a person would give a plan table: wide enough that no word is broken
inside (the longest word of each column fits), the rest shared out as an office would
(the description widest), and the text height of a wrapped cell for producers that do
not fit row heights themselves."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from benchmarks.renderings.plan import Block

# preferred share of the table width per column, in per cent
COLUMN_WIDTHS = (4, 10, 6, 11, 29, 13, 17, 10)
PADDING_PT = 3.0
# subject, description, indicator and expected result: running text
TEXT_COLUMNS = (3, 4, 5, 6)
# A4 less 12 mm each side, in points
USABLE_WIDTH = {True: 841.89 - 68.03, False: 595.28 - 68.03}


@cache
def font_file(family: str, bold: bool) -> str:
    """Given a font family name, return the path of its TrueType file (fontconfig)."""
    pattern = f"{family}:bold" if bold else f"{family}:style=Regular"
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=True
    ).stdout.strip()
    return found


def register_font(family: str) -> tuple[str, str]:
    """Register a family's regular and bold faces; return their reportlab names."""
    regular, bold = family.replace(" ", ""), family.replace(" ", "") + "-Bold"
    if regular not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(regular, font_file(family, False)))
        pdfmetrics.registerFont(TTFont(bold, font_file(family, True)))
        pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold)
    return regular, bold


def text_width(text: str, font: str, size: float, bold: bool = False) -> float:
    """Given text, a font family and size, return its printed width in points."""
    regular, heavy = register_font(font)
    return float(pdfmetrics.stringWidth(text, heavy if bold else regular, size))


def blocks_to_column_widths(
    blocks: Sequence[Block], font: str, size: float, usable: float
) -> list[float]:
    """Given the tables, font and usable width (points), return the eight column widths
    in points: each at least its longest word (header words bold) plus padding, the
    remaining width shared in proportion to `COLUMN_WIDTHS`."""
    minimum = [0.0] * 8
    for block in blocks:
        for column, text in enumerate(block.header):
            for word in text.split():
                minimum[column] = max(minimum[column], text_width(word, font, size, True))
        for row in block.rows:
            for column, paragraphs in enumerate(row.cells):
                for paragraph in paragraphs:
                    for word in paragraph.split():
                        minimum[column] = max(minimum[column], text_width(word, font, size))
    # 6% spare so a producer's own rounding and kerning never breaks the longest word
    minimum = [m * 1.06 + 2 * PADDING_PT + 1 for m in minimum]
    preferred = [usable * share / 100 for share in COLUMN_WIDTHS]
    widths = [max(m, p) for m, p in zip(minimum, preferred, strict=True)]
    excess = sum(widths) - usable
    if excess <= 0:
        return [w - excess * share / 100 for w, share in zip(widths, COLUMN_WIDTHS, strict=True)]
    # the widened columns take their room from the ones that can spare it
    spare = [w - m for w, m in zip(widths, minimum, strict=True)]
    if excess < sum(spare):
        return [w - excess * s / sum(spare) for w, s in zip(widths, spare, strict=True)]
    # still too wide: codes, names and dates keep their width, as a person would keep
    # them whole; the running-text columns shrink and break their longest words
    fixed = sum(minimum[c] for c in range(8) if c not in TEXT_COLUMNS)
    text = sum(minimum[c] for c in TEXT_COLUMNS)
    scale = (usable - fixed) / text
    return [m * scale if c in TEXT_COLUMNS else m for c, m in enumerate(minimum)]


def paragraphs_to_line_count(
    paragraphs: Sequence[str], width: float, font: str, size: float, bold: bool = False
) -> int:
    """Given a cell's paragraphs and its text width (points), return how many lines
    they take when wrapped at spaces."""
    lines = 0
    for paragraph in paragraphs:
        current = 0.0
        lines += 1
        space = text_width(" ", font, size, bold)
        for word in paragraph.split():
            word_width = text_width(word, font, size, bold)
            if current and current + space + word_width > width:
                lines += 1
                current = word_width
            else:
                current += (space if current else 0.0) + word_width
    return max(lines, 1)
