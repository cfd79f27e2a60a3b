"""Where a run's time goes: the runner of a stage wraps each step in `timings.stage(name)`
and the caller (a benchmark, a curious user) reads the seconds per step afterwards.

A step's time is exclusive: while a step nested inside another runs, only the inner one
is charged, so the steps add up to the run's time whatever the nesting (the extract
stage reads pages lazily from inside the row assembler).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageTimings:
    """Seconds spent in each named step, in the order the steps first ran."""

    seconds: dict[str, float] = field(default_factory=dict)
    _running: list[str] = field(default_factory=list, repr=False)
    _since: float = field(default=0.0, repr=False)

    def _charge(self, now: float) -> None:
        if self._running:
            name = self._running[-1]
            self.seconds[name] = self.seconds.get(name, 0.0) + now - self._since
        self._since = now

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Charge the time until the block ends to step `name` (less the time of the
        steps started inside it). Never spans a `yield`: a generator times each of its
        own steps between two yields."""
        self._charge(time.perf_counter())
        self.seconds.setdefault(name, 0.0)
        self._running.append(name)
        try:
            yield
        finally:
            self._charge(time.perf_counter())
            self._running.pop()

    @property
    def total(self) -> float:
        """The seconds of every step together."""
        return sum(self.seconds.values())
