"""Where a run's time goes: the runner of a stage wraps each step in `timings.stage(name)`
and the caller (a benchmark, a curious user) reads the seconds per step afterwards.

A step's time is exclusive: while a step nested inside another runs, only the inner one
is charged, so on one thread the steps add up to the run's time whatever the nesting
(the extract stage reads pages lazily from inside the row assembler). Each thread keeps
its own nesting; steps run in worker threads (OCR) overlap the calling thread's, so
there the steps add up to more than the wall-clock time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


class _Nesting(threading.local):
    """One thread's running steps, innermost last, and when it last charged one."""

    def __init__(self) -> None:
        self.running: list[str] = []
        self.since = 0.0


@dataclass
class StageTimings:
    """Seconds spent in each named step, in the order the steps first ran."""

    seconds: dict[str, float] = field(default_factory=dict)
    _nesting: _Nesting = field(default_factory=_Nesting, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _charge(self, now: float) -> None:
        nesting = self._nesting
        if nesting.running:
            name = nesting.running[-1]
            with self._lock:
                self.seconds[name] = self.seconds.get(name, 0.0) + now - nesting.since
        nesting.since = now

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Charge the time until the block ends to step `name` (less the time of the
        steps started inside it on this thread). Never spans a `yield`: a generator
        times each of its own steps between two yields."""
        self._charge(time.perf_counter())
        with self._lock:
            self.seconds.setdefault(name, 0.0)
        self._nesting.running.append(name)
        try:
            yield
        finally:
            self._charge(time.perf_counter())
            self._nesting.running.pop()

    @property
    def total(self) -> float:
        """The seconds of every step together."""
        return sum(self.seconds.values())
