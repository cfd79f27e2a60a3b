"""Progress for the long loops (pages of a plan): a bar on a terminal; elsewhere (a
pipe, CI, `dvc repro`) one line per page on stdout, so that stderr keeps a failed run's
one error line alone."""

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


def progress_lines(
    items: Iterable[Item], total: int | None, description: str, unit: str, stream: TextIO
) -> Iterator[Item]:
    """Yield the items, writing "description: unit n/total" on `stream` as each is done."""
    of = f"/{total}" if total is not None else ""
    for number, item in enumerate(items, start=1):
        yield item
        print(f"{description}: {unit} {number}{of}", file=stream, flush=True)


def progress_bar(
    items: Iterable[Item],
    total: int | None,
    description: str,
    unit: str = "page",
    stream: TextIO | None = None,
    lines: TextIO | None = None,
) -> Iterator[Item]:
    """Given items, how many there are and what is being done, yield the items while a
    bar on `stream` (default stderr) counts them when `stream` is a terminal; elsewhere
    one line per item goes to `lines` (default stdout)."""
    stream = stream if stream is not None else sys.stderr
    if not is_terminal(stream):
        yield from progress_lines(items, total, description, unit, lines or sys.stdout)
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
