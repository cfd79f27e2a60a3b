"""Find tables from ruling segments (vector paths, or lines detected in a page image),
with pdfplumber's own edge → intersection → cell → table chain."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from pipeline.core.settings import Settings, setting
from pipeline.extract.grid.model import Table, boxes_to_table, cluster_values
from pipeline.extract.page import Page, Ruling, Word

DEFAULT_SNAP_TOLERANCE = 3.0
DEFAULT_JOIN_TOLERANCE = 3.0
DEFAULT_INTERSECTION_TOLERANCE = 3.0
DEFAULT_EDGE_MIN_LENGTH = 3.0
DEFAULT_MIN_CELLS = 4


@dataclass(frozen=True)
class RuledSettings(Settings):
    """Tolerances for turning ruling segments into cells (pdfplumber's TableSettings;
    params.yaml `extract: ruled_grid:`)."""

    snap_tolerance: float = setting(DEFAULT_SNAP_TOLERANCE, low=0)
    join_tolerance: float = setting(DEFAULT_JOIN_TOLERANCE, low=0)
    intersection_tolerance: float = setting(DEFAULT_INTERSECTION_TOLERANCE, low=0)
    edge_min_length: float = setting(DEFAULT_EDGE_MIN_LENGTH, low=0)
    min_cells: int = setting(DEFAULT_MIN_CELLS, low=1)


def rulings_to_edges(rulings: list[Ruling]) -> list[dict[str, Any]]:
    """Given ruling segments, return them as pdfplumber edge dicts."""
    edges = []
    for r in rulings:
        orientation = r.orientation
        edges.append(
            {
                "x0": r.x0,
                "x1": r.x1 if orientation == "h" else r.x0,
                "top": r.top,
                "bottom": r.top if orientation == "h" else r.bottom,
                "width": r.x1 - r.x0,
                "height": r.bottom - r.top,
                "orientation": orientation,
                "object_type": "line",
            }
        )
    return edges


def edges_to_closing_edges(edges: list[dict[str, Any]], tolerance: float) -> list[dict[str, Any]]:
    """Given merged edges, return the horizontal edges that close a table the page cut:
    where two or more vertical rules end at one height with no horizontal rule there
    (a row broken across pages has no rule at the page's end, nor at the next page's
    start), a rule from the leftmost to the rightmost of them."""
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    closing = []
    for end in ("top", "bottom"):
        for y in cluster_values([float(e[end]) for e in verticals], tolerance):
            ending = [e for e in verticals if abs(float(e[end]) - y) <= tolerance]
            if len(ending) < 2:
                continue
            x0 = min(float(e["x0"]) for e in ending)
            x1 = max(float(e["x0"]) for e in ending)
            ruled = any(
                abs(float(h["top"]) - y) <= tolerance
                and float(h["x0"]) <= x0 + tolerance
                and float(h["x1"]) >= x1 - tolerance
                for h in horizontals
            )
            if not ruled:
                closing.append(
                    {
                        "x0": x0,
                        "x1": x1,
                        "top": y,
                        "bottom": y,
                        "width": x1 - x0,
                        "height": 0.0,
                        "orientation": "h",
                        "object_type": "line",
                    }
                )
    return closing


def page_to_ruled_tables(page: Page, settings: RuledSettings | None = None) -> list[Table]:
    """Given a page with rulings, return the tables their intersections describe (cells
    with the page's words placed in them); no rulings, no tables."""
    settings = settings or RuledSettings()
    edges = rulings_to_edges(page.rulings)
    if not edges:
        return []
    edges = merge_edges(
        edges,
        settings.snap_tolerance,
        settings.snap_tolerance,
        settings.join_tolerance,
        settings.join_tolerance,
    )
    edges = [
        e
        for e in edges
        if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"])
        >= settings.edge_min_length
    ]
    tol = settings.intersection_tolerance
    closing = edges_to_closing_edges(edges, tol)
    edges += closing
    cells = intersections_to_cells(edges_to_intersections(edges, tol, tol))
    tables = [
        boxes_to_table(boxes, page, finder="ruled")
        for boxes in cells_to_tables(cells)
        if len(boxes) >= settings.min_cells
    ]
    opened = [float(e["top"]) for e in closing]
    return [table_with_straddling_words(t, page, opened, tol) for t in tables]


def table_with_straddling_words(
    table: Table, page: Page, opened: list[float], tolerance: float
) -> Table:
    """Given a ruled table, its page and the heights where a page cut tables open, return
    the table with the words that cross its open top or bottom edge placed in the cell
    below or above them: a row broken across pages may print a line of a centred cell
    across the page's cut (the word's centre just outside the rules)."""
    open_top = any(abs(table.top - y) <= tolerance for y in opened)
    open_bottom = any(abs(table.bottom - y) <= tolerance for y in opened)
    if not (open_top or open_bottom):
        return table
    placed = {id(w) for c in table.cells for w in c.words}
    first, last = table.cells[0].row, table.cells[-1].row
    extra: dict[int, list[Word]] = {}
    for word in page.words:
        if id(word) in placed or not table.x0 <= word.x_mid <= table.x1:
            continue
        if open_top and word.top < table.top < word.bottom:
            row = first
        elif open_bottom and word.top < table.bottom < word.bottom:
            row = last
        else:
            continue
        for k, cell in enumerate(table.cells):
            if cell.row == row and cell.x0 <= word.x_mid <= cell.x1:
                extra.setdefault(k, []).append(word)
                break
    if not extra:
        return table
    cells = [
        replace(c, words=tuple(sorted((*c.words, *extra[k]), key=lambda w: (w.top, w.x0))))
        if k in extra
        else c
        for k, c in enumerate(table.cells)
    ]
    return replace(table, cells=cells)
