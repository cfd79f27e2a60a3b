"""The rendering matrix: which settings each PDF is printed with.

Nine two-valued layout axes and the producer are crossed by a pairwise covering design:
every pair of values of any two axes appears in at least one PDF, with far fewer PDFs
than the full product. The design is built greedily and deterministically (each new PDF
takes the settings covering most pairs not yet covered), so the same code always gives
the same matrix and a PDF's name says its settings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

PRODUCERS = ("chromium", "weasyprint", "writer", "calc", "reportlab", "ghostscript")
# what a Ghostscript re-distillation starts from, in turn
GHOSTSCRIPT_SOURCES = ("writer", "chromium", "reportlab", "weasyprint")
REFERENCES = ("desenzano-2021-07", "desenzano-2021-11")
CONSTRUCTED = "desenzano-2021-12"
SANS_FONTS = ("Carlito", "Liberation Sans", "DejaVu Sans")
SERIF_FONTS = ("Caladea", "Liberation Serif", "DejaVu Serif")
SIZES = {False: 7.0, True: 8.5}
# the two-valued axes, in the order a PDF's name lists them
AXES = (
    "reference",
    "ruled",
    "repeat_header",
    "landscape",
    "front_matter",
    "serif",
    "large",
    "headings",
    "one_per_page",
)
ROWS_PER_PRODUCER = 4


@dataclass(frozen=True)
class RenderSettings:
    """How one PDF is printed.

    `front_matter` adds a cover page, two pages of prose, a running page header and a
    "Pagina N di M" footer; `one_per_page` starts every sector table on a new page
    (otherwise tables flow, several to a page); `valign` is the cells' vertical
    alignment; `source` is the producer a Ghostscript re-distillation starts from.
    """

    producer: str
    reference: str
    ruled: bool
    repeat_header: bool
    landscape: bool
    front_matter: bool
    serif: bool
    large: bool
    headings: bool
    one_per_page: bool
    font: str
    valign: str = "top"
    source: str | None = None

    @property
    def size(self) -> float:
        """The body text size in points."""
        return SIZES[self.large]

    @property
    def name(self) -> str:
        """The PDF's file name stem, listing every setting."""
        producer = f"gs-{self.source}" if self.producer == "ghostscript" else self.producer
        parts = [
            producer,
            self.reference.removeprefix("desenzano-"),
            "ruled" if self.ruled else "borderless",
            "hdr-repeat" if self.repeat_header else "hdr-once",
            "landscape" if self.landscape else "portrait",
            "front" if self.front_matter else "nofront",
            f"{self.font.lower().replace(' ', '')}{self.size:g}",
            "heads" if self.headings else "noheads",
            "perpage" if self.one_per_page else "flow",
            self.valign,
        ]
        return "_".join(parts)

    @property
    def layout_producer(self) -> str:
        """The producer that lays the pages out (a re-distillation's source)."""
        return self.source if self.producer == "ghostscript" and self.source else self.producer


def is_possible(producer: str, values: dict[str, bool]) -> bool:
    """Given a producer and axis values, return False for what the producer cannot print.

    A spreadsheet repeats its print-title rows on every page of a sheet, so Calc repeats
    a table's header only when each table has its own sheet, that is, its own pages.
    """
    return not (producer == "calc" and values["repeat_header"] and not values["one_per_page"])


def _pairs_of(producer: str, values: dict[str, bool]) -> set[tuple[tuple[str, object], ...]]:
    items: list[tuple[str, object]] = [("producer", producer)] + [(a, values[a]) for a in AXES]
    return {tuple(pair) for pair in itertools.combinations(items, 2)}


def all_pairs() -> set[tuple[tuple[str, object], ...]]:
    """Every pair of axis values a covering design must contain (possible ones only)."""
    pairs: set[tuple[tuple[str, object], ...]] = set()
    for producer in PRODUCERS:
        for combo in itertools.product((False, True), repeat=len(AXES)):
            values = dict(zip(AXES, combo, strict=True))
            if is_possible(producer, values):
                pairs |= _pairs_of(producer, values)
    return pairs


def covering_design(rows_per_producer: int = ROWS_PER_PRODUCER) -> list[RenderSettings]:
    """Return the matrix: `rows_per_producer` PDFs per producer (more if needed) whose
    settings together contain every pair of `all_pairs()`."""
    wanted = all_pairs()
    covered: set[tuple[tuple[str, object], ...]] = set()
    # how often each pair was chosen: once all are covered, the rarest pairs go first,
    # so the extra PDFs spread the values instead of repeating one corner
    uses: dict[tuple[tuple[str, object], ...], int] = {}
    chosen: list[tuple[str, dict[str, bool]]] = []
    candidates = [
        dict(zip(AXES, combo, strict=True))
        for combo in itertools.product((False, True), repeat=len(AXES))
    ]
    round_ = 0
    while round_ < rows_per_producer or covered != wanted:
        for producer in PRODUCERS:
            possible = [v for v in candidates if is_possible(producer, v)]
            best = max(
                possible,
                key=lambda v: (
                    len(_pairs_of(producer, v) - covered),
                    -sum(uses.get(p, 0) for p in _pairs_of(producer, v)),
                ),
            )
            covered |= _pairs_of(producer, best)
            for pair in _pairs_of(producer, best):
                uses[pair] = uses.get(pair, 0) + 1
            chosen.append((producer, best))
        round_ += 1
    settings = []
    counts: dict[str, int] = {}
    for index, (producer, values) in enumerate(chosen):
        k = counts.get(producer, 0)
        counts[producer] = k + 1
        fonts = SERIF_FONTS if values["serif"] else SANS_FONTS
        if values["large"] and not values["landscape"]:
            # DejaVu's wide letters leave no room for eight columns on a portrait page
            fonts = tuple(f for f in fonts if not f.startswith("DejaVu"))
        settings.append(
            RenderSettings(
                producer=producer,
                reference=REFERENCES[int(values["reference"])],
                ruled=values["ruled"],
                repeat_header=values["repeat_header"],
                landscape=values["landscape"],
                front_matter=values["front_matter"],
                serif=values["serif"],
                large=values["large"],
                headings=values["headings"],
                one_per_page=values["one_per_page"],
                font=fonts[(index + k) % len(fonts)],
                valign=("top", "middle")[(index + k) % 2],
                source=GHOSTSCRIPT_SOURCES[k % len(GHOSTSCRIPT_SOURCES)]
                if producer == "ghostscript"
                else None,
            )
        )
    return settings


def design_to_missing_pairs(settings: list[RenderSettings]) -> set[tuple[tuple[str, object], ...]]:
    """Given a matrix, return the pairs of `all_pairs()` none of its PDFs contains."""
    covered: set[tuple[tuple[str, object], ...]] = set()
    for s in settings:
        values = {a: getattr(s, a) for a in AXES}
        values["reference"] = s.reference == REFERENCES[1]
        covered |= _pairs_of(s.producer, values)
    return all_pairs() - covered


def revised_settings(settings: list[RenderSettings]) -> list[RenderSettings]:
    """Given the matrix, return one constructed-revision rendering per producer: the
    settings of the producer's first November PDF, printing the constructed revision."""
    revised = []
    for producer in PRODUCERS:
        base = next(s for s in settings if s.producer == producer and s.reference == REFERENCES[1])
        revised.append(replace(base, reference=CONSTRUCTED))
    return revised


def base_of(revised: RenderSettings) -> RenderSettings:
    """Given a constructed-revision rendering, return the November rendering it is
    compared with."""
    return replace(revised, reference=REFERENCES[1])
