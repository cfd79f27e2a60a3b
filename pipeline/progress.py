"""Progress bars for the long loops (pages of a plan): shown on a terminal, silent
anywhere else, so CI logs and DVC's output keep only what a command prints itself."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar

from tqdm import tqdm

from pipeline.page import Page
from pipeline.read_pdf import pdf_page_count

Item = TypeVar("Item")
# wraps the stream of pages of one PDF; `pdf_to_extraction(track=...)` takes one
PageTrack = Callable[[Iterable[Page]], Iterable[Page]]


def is_terminal(stream: TextIO) -> bool:
    """Given an output stream, return True when a person watches it (a TTY)."""
    isatty = getattr(stream, "isatty", None)
    return bool(callable(isatty) and isatty())


def progress_bar(
    items: Iterable[Item],
    total: int | None,
    description: str,
    unit: str = "page",
    stream: TextIO | None = None,
) -> Iterator[Item]:
    """Given items, how many there are and what is being done, yield the items while a
    bar on `stream` (default stderr) counts them, only when `stream` is a terminal;
    elsewhere yield them untouched and write nothing."""
    stream = stream if stream is not None else sys.stderr
    if not is_terminal(stream):
        yield from items
        return
    # leave=False: once done the bar disappears, leaving the command's own summary line
    with tqdm(
        items,
        total=total,
        desc=description,
        unit=unit,
        file=stream,
        leave=False,
        dynamic_ncols=True,
    ) as bar:
        yield from bar


def pdf_progress(path: Path, description: str, stream: TextIO | None = None) -> PageTrack | None:
    """Given a PDF and what is being done to it, return a function wrapping its stream
    of pages in a progress bar, or None when `stream` (default stderr) is no terminal
    (the PDF is then not opened an extra time to count its pages)."""
    stream = stream if stream is not None else sys.stderr
    if not is_terminal(stream):
        return None
    total = pdf_page_count(path)

    def track(pages: Iterable[Page]) -> Iterable[Page]:
        return progress_bar(pages, total, description, "page", stream)

    return track
