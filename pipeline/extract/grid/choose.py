"""Choose, per page, how to find the table grid, and say which choice was made.

Finders are tried in order; the first that returns tables wins. Each finder takes a Page
and returns Tables, so adding one (image rulings for scans, text layout for borderless
tables) is one entry in FINDERS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.core.quality import Finding
from pipeline.extract.grid.image import page_to_image_tables
from pipeline.extract.grid.model import Table
from pipeline.extract.grid.ruled import page_to_ruled_tables
from pipeline.extract.grid.text import page_to_text_tables
from pipeline.extract.page import Page

Finder = Callable[[Page], list[Table]]


# the image finder comes before any finder that reads the layout of the words: a scan's
# printed lines are better evidence than its OCR words (it finds nothing on vector pages)
FINDERS: list[tuple[str, Finder]] = [
    ("ruled", page_to_ruled_tables),
    ("image", page_to_image_tables),
    # a usable ruled grid wins; words laid out by white space are the fallback
    ("text", page_to_text_tables),
]


@dataclass(frozen=True)
class GridChoice:
    """Which finder read a page, how many tables it found, and why."""

    page: int
    finder: str | None
    tables: int
    reason: str

    def to_finding(self) -> Finding:
        return Finding(
            field="page",
            rule="grid_finder",
            severity="info",
            raw_value=None,
            normalised_value=self.finder,
            page=self.page,
            message=self.reason,
        )


def page_to_tables(
    page: Page, finders: list[tuple[str, Finder]] | None = None
) -> tuple[list[Table], GridChoice]:
    """Given a page, return its tables from the first finder that finds any, and the
    choice made."""
    tried: list[str] = []
    for name, finder in finders or FINDERS:
        tables = finder(page)
        if tables:
            rows = sum(t.n_rows for t in tables)
            reason = f"page {page.number}: {name} grid, {len(tables)} table(s), {rows} printed rows"
            if tried:
                reason += f" ({', '.join(tried)} found none)"
            return tables, GridChoice(page.number, name, len(tables), reason)
        tried.append(name)
    return [], GridChoice(
        page.number, None, 0, f"page {page.number}: no table found ({', '.join(tried)} tried)"
    )
