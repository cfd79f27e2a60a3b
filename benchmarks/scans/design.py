"""The scan matrix: a pairwise covering design over the scanner's settings (every value
of every setting meets every value of every other setting in at least one scan), which
always holds the worst corner, and the scans it turns into: one source PDF and a run of
its pages each, so that the matrix reads every page of every source at least once when
it has scans enough."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, cast

from benchmarks.scans.settings import ScanSettings
from benchmarks.scans.truth import RowPages

# the settings the matrix varies, with the values each takes
LEVELS: dict[str, tuple[Hashable, ...]] = {
    "dpi": (150, 200, 300),
    "skew": (0.0, 1.0, 2.0),
    "jpeg_quality": (50, 70, 90),
    "turn": (0, 90, 180),
    "blur": (0.0, 0.8),
    "noise": (0.0, 8.0),
    "layer": ("none", "ocrmypdf"),
    "colour": (False, True),
    "lighting": ("even", "uneven"),
}
# the harshest scan the matrix must hold: a poor office copier's scan-to-PDF
WORST_CORNER: dict[str, Hashable] = {
    "dpi": 150,
    "skew": 2.0,
    "jpeg_quality": 50,
    "turn": 0,
    "blur": 0.8,
    "noise": 8.0,
    "layer": "none",
    "colour": False,
    "lighting": "uneven",
}
DEFAULT_MAX_SCANS = 16
DEFAULT_TRIES = 30  # greedy designs tried; the smallest is kept
DEFAULT_CANDIDATES = 20  # candidate rows weighed for each row a design adds
DEFAULT_WINDOW = 4  # pages per scan, where the source's rows allow it

Row = dict[str, Hashable]
Pair = tuple[str, Hashable, str, Hashable]


@dataclass(frozen=True)
class Source:
    """A vector plan the matrix scans: its PDF, its reference transcription, its page
    count, the runs of pages a scan may hold (none cuts a row in two), the pages such a
    run may end on and the pages of each reference row."""

    pdf: Path
    reference: Path
    pages: int
    windows: tuple[tuple[int, ...], ...]
    cuts: tuple[int, ...] = ()
    rows: tuple[RowPages, ...] = ()

    def allows(self, pages: Sequence[int]) -> bool:
        """Whether a scan of these pages holds whole rows only, each run of them starting
        where a scan may start (on the first page or after a cut) and ending on a cut."""
        chosen = sorted(pages)
        starts = [k for k in chosen if k - 1 not in chosen]
        ends = [k for k in chosen if k + 1 not in chosen]
        return all(k == 1 or k - 1 in self.cuts for k in starts) and all(
            k in self.cuts for k in ends
        )

    @property
    def name(self) -> str:
        """The PDF's file name without its suffix."""
        return self.pdf.stem


@dataclass(frozen=True)
class ScanSpec:
    """One scan of the matrix: its name, source, pages (1-based) and settings."""

    name: str
    source: Source
    pages: tuple[int, ...]
    settings: ScanSettings


def pair_of(a: str, va: Hashable, b: str, vb: Hashable) -> Pair:
    """Given two settings and their values, return their pair, settings in name order."""
    return (a, va, b, vb) if a < b else (b, vb, a, va)


def levels_to_pairs(levels: Mapping[str, Sequence[Hashable]]) -> set[Pair]:
    """Given settings and their values, return every pair of values of two settings."""
    return {
        pair_of(a, va, b, vb)
        for a, b in combinations(levels, 2)
        for va in levels[a]
        for vb in levels[b]
    }


def row_to_pairs(row: Row) -> set[Pair]:
    """Given one row of a design, return the pairs of values it holds."""
    return {pair_of(a, row[a], b, row[b]) for a, b in combinations(row, 2)}


def rows_to_uncovered(rows: Sequence[Row], levels: Mapping[str, Sequence[Hashable]]) -> set[Pair]:
    """Given a design and its settings' values, return the pairs no row holds."""
    covered: set[Pair] = set()
    for row in rows:
        covered |= row_to_pairs({name: row[name] for name in levels})
    return levels_to_pairs(levels) - covered


def greedy_row(
    levels: Mapping[str, Sequence[Hashable]], uncovered: set[Pair], rng: random.Random
) -> Row:
    """Given the settings' values, the pairs still uncovered and a generator, return a row
    built one setting at a time (in random order), each given the value that covers
    most uncovered pairs with the settings already set (AETG)."""
    order = list(levels)
    rng.shuffle(order)
    open_values: dict[tuple[str, Hashable], int] = {}
    for a, va, b, vb in uncovered:
        open_values[(a, va)] = open_values.get((a, va), 0) + 1
        open_values[(b, vb)] = open_values.get((b, vb), 0) + 1
    row: Row = {}
    for name in order:

        def gain(value: Hashable, name: str = name) -> tuple[int, int, float]:
            with_set = sum(pair_of(name, value, other, row[other]) in uncovered for other in row)
            return with_set, open_values.get((name, value), 0), rng.random()

        row[name] = max(levels[name], key=gain)
    return {name: row[name] for name in levels}


def levels_to_design(
    levels: Mapping[str, Sequence[Hashable]],
    fixed: Sequence[Row] = (),
    seed: int = 0,
    tries: int = DEFAULT_TRIES,
    candidates: int = DEFAULT_CANDIDATES,
) -> list[Row]:
    """Given settings and their values and rows the design must hold, return a pairwise
    covering design: the fixed rows, then greedy rows until every pair is covered; of
    `tries` designs the one with fewest rows (the same on every run)."""
    start = [{name: row[name] for name in levels} for row in fixed]
    best: list[Row] | None = None
    for attempt in range(tries):
        rng = random.Random(f"{seed}/{attempt}")
        rows = list(start)
        uncovered = rows_to_uncovered(rows, levels)
        while uncovered:
            options = [greedy_row(levels, uncovered, rng) for _ in range(candidates)]
            row = max(options, key=lambda r: len(row_to_pairs(r) & uncovered))
            rows.append(row)
            uncovered -= row_to_pairs(row)
        if best is None or len(rows) < len(best):
            best = rows
    assert best is not None
    return best


def name_to_seed(seed: int, name: str) -> int:
    """Given the matrix's seed and a scan's name, return the scan's own seed."""
    return int.from_bytes(hashlib.sha256(f"{seed}/{name}".encode()).digest()[:4], "big")


def design_to_specs(
    rows: Sequence[Row], sources: Sequence[Source], seed: int = 0
) -> list[ScanSpec]:
    """Given a design whose rows name a source by index under `source`, and the sources,
    return its scans: the worst corner (the first row) reads its whole source, the
    others of a source take its runs of pages in turn."""
    specs = []
    taken = [0] * len(sources)
    for k, row in enumerate(rows, start=1):
        index = cast(int, row["source"])
        source = sources[index]
        worst = all(row[name] == value for name, value in WORST_CORNER.items())
        if worst:
            pages = tuple(range(1, source.pages + 1))
        else:
            pages = source.windows[taken[index] % len(source.windows)]
            taken[index] += 1
        name = f"{k:02d}-{source.name}" + ("-worst" if worst else "")
        values = cast(dict[str, Any], {n: v for n, v in row.items() if n != "source"})
        settings = ScanSettings(**values, seed=name_to_seed(seed, name))
        specs.append(ScanSpec(name, source, pages, settings))
    return specs


def sources_to_specs(
    sources: Sequence[Source], seed: int = 0, max_scans: int = DEFAULT_MAX_SCANS
) -> list[ScanSpec]:
    """Given the sources, return the matrix's scans: a pairwise design over `LEVELS` and
    the source, the worst corner on the first source first. When the source cannot be a
    setting of the design within `max_scans` (too many sources), the design is over
    `LEVELS` alone and its scans take the sources in turn."""
    levels: dict[str, tuple[Hashable, ...]] = {**LEVELS, "source": tuple(range(len(sources)))}
    rows = levels_to_design(levels, [{**WORST_CORNER, "source": 0}], seed=seed)
    if len(rows) > max_scans:
        rows = [
            {**row, "source": k % len(sources)}
            for k, row in enumerate(levels_to_design(LEVELS, [WORST_CORNER], seed=seed))
        ]
    if len(rows) > max_scans:
        raise ValueError(f"the pairwise design needs {len(rows)} scans, more than {max_scans}")
    return design_to_specs(rows, sources, seed)
