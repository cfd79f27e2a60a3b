"""Progress bars for the long loops (pages of a plan): shown on a terminal, silent
anywhere else, so CI logs and DVC's output keep only what a command prints itself."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from tqdm import tqdm

Item = TypeVar("Item")


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
