"""The grid model shared by every grid finder: tables made of cells with row and column
indices. A finder takes a page and returns tables; the row assembler does not care which
finder made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from pipeline.extract.page import Page, Word

DEFAULT_CLUSTER_TOLERANCE = 2.0

# how a table's cells are set vertically in their rows
VAlign = Literal["top", "middle", "bottom"]


@dataclass(frozen=True)
class Cell:
    """One grid cell: its box, its row and column index in the table (a merged cell spans
    from `col` to `col_end` inclusive), and the words whose centre falls inside it; a
    scanned cell read by Tesseract also has its OCR confidence (0–100, None otherwise)."""

    x0: float
    top: float
    x1: float
    bottom: float
    row: int
    col: int
    col_end: int
    words: tuple[Word, ...] = ()
    ocr_confidence: float | None = None


@dataclass
class Table:
    """One table found on one page: cells in row-major order, plus the finder's name and
    a confidence (1.0 for ruled grids, lower where the finder guessed)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    cells: list[Cell]
    finder: str
    column_edges: list[float] = field(default_factory=list)
    row_confidence: dict[int, float] = field(default_factory=dict)
    # how the text finder found its cells set vertically, if it did, and whether a row
    # the page did not break told it so
    alignment: VAlign | None = None
    alignment_sure: bool = True

    @property
    def n_rows(self) -> int:
        return 1 + max((c.row for c in self.cells), default=-1)

    def row_cells(self, row: int) -> list[Cell]:
        """Given a row index, return that row's cells, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.x0)


def cluster_values(values: list[float], tolerance: float) -> list[float]:
    """Given coordinates, return one representative (the mean) per group of values lying
    within `tolerance` of each other, sorted."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def index_of(value: float, edges: list[float]) -> int:
    """Given a coordinate and sorted edges, return the index of the nearest edge."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def boxes_to_table(
    boxes: list[tuple[float, float, float, float]],
    page: Page,
    finder: str,
    tolerance: float = DEFAULT_CLUSTER_TOLERANCE,
) -> Table:
    """Given cell boxes (x0, top, x1, bottom) of one table and its page, return the Table
    with row/column indices and each word placed in the cell holding its centre."""
    xs = cluster_values([b[0] for b in boxes] + [b[2] for b in boxes], tolerance)
    ys = cluster_values([b[1] for b in boxes] + [b[3] for b in boxes], tolerance)
    placed: dict[int, list[Word]] = {i: [] for i in range(len(boxes))}
    if page.words and boxes:
        # words × boxes at once: each word goes to the first box holding its centre
        x0, top, x1, bottom = np.array(boxes, dtype=float).T
        word_x = np.array([w.x_mid for w in page.words])[:, None]
        word_y = np.array([w.y_mid for w in page.words])[:, None]
        inside = (x0 <= word_x) & (word_x <= x1) & (top <= word_y) & (word_y <= bottom)
        first = inside.argmax(axis=1)
        for word, holds, i in zip(page.words, inside.any(axis=1), first, strict=True):
            if holds:
                placed[int(i)].append(word)
    cells = []
    for i, (x0, top, x1, bottom) in enumerate(boxes):
        col, col_end = index_of(x0, xs), index_of(x1, xs) - 1
        cells.append(
            Cell(
                x0,
                top,
                x1,
                bottom,
                row=index_of(top, ys),
                col=col,
                col_end=max(col, col_end),
                words=tuple(placed[i]),
            )
        )
    # rows are renumbered densely so that a row index counts printed rows
    row_ids = sorted({c.row for c in cells})
    dense = {r: i for i, r in enumerate(row_ids)}
    cells = [
        Cell(c.x0, c.top, c.x1, c.bottom, dense[c.row], c.col, c.col_end, c.words) for c in cells
    ]
    cells.sort(key=lambda c: (c.row, c.x0))
    return Table(
        page=page.number,
        x0=min(b[0] for b in boxes),
        top=min(b[1] for b in boxes),
        x1=max(b[2] for b in boxes),
        bottom=max(b[3] for b in boxes),
        cells=cells,
        finder=finder,
        column_edges=xs,
    )
