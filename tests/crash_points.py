"""Kill `write_folder` at every instant it can be killed at, as a power cut would: run as
a script, it forks once per step of the write (every file-system call and writer it
makes), the child dying with os._exit right before step k, and after each death checks
that the output folder holds the old files or the complete new ones, then that the next
write sweeps what the dead one left. Prints one JSON line: the steps tried and every
state seen that was neither.

    python tests/crash_points.py FOLDER [--fallback]

`--fallback` makes the swap take the two-rename path used where the system cannot
exchange two folders in one step. The test runs it in a process of its own, so that no
thread of the test runner is forked."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.core import folders

OLD = {"objectives.parquet": "old objectives", "quality.parquet": "old quality", "notes.md": "n"}
NEW = {"objectives.parquet": "new objectives", "quality.parquet": "new quality", "doc.json": "{}"}
CALLS = ("rename", "replace", "link", "unlink", "rmdir", "mkdir", "fsync", "chmod", "open")
MAX_STEPS = 200


def folder_state(folder: Path) -> dict[str, str] | None:
    """Given a folder, return its files' text by name (None when it does not exist)."""
    if not folder.is_dir():
        return None
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def write_old(folder: Path) -> None:
    """Given the output folder, lay the previous run's files in it, nothing beside it."""
    shutil.rmtree(folder.parent, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in OLD.items():
        (folder / name).write_text(text)


def die_at(step: int) -> None:
    """Make the process die right before its `step`-th file-system call or writer."""
    count = [0]

    def counted(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            count[0] += 1
            if count[0] == step:
                os._exit(9)
            return function(*args, **kwargs)

        return call

    for name in CALLS:
        setattr(os, name, counted(getattr(os, name)))
    folders.exchange_paths = counted(folders.exchange_paths)  # type: ignore[assignment]


def writers() -> dict[str, Callable[[Path], object]]:
    """Return the new run's writers."""
    return {name: folders.text_writer(text) for name, text in NEW.items()}


def main(folder: Path, fallback: bool) -> dict[str, Any]:
    """Given the output folder, kill a write at every step; return what was seen."""
    if fallback:
        folders.exchange_paths = lambda a, b: False  # type: ignore[assignment]
    complete = {**OLD, **NEW}
    bad: list[dict[str, Any]] = []
    step = 0
    for step in range(1, MAX_STEPS + 1):
        write_old(folder)
        pid = os.fork()
        if pid == 0:
            die_at(step)
            folders.write_folder(folder, writers())
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        finished = os.waitstatus_to_exitcode(status) == 0
        state = folder_state(folder)
        if state not in (OLD, complete) and not (fallback and state is None):
            bad.append({"step": step, "state": state})
        folders.write_folder(folder, writers())  # the next run, after the sweep
        left = sorted(p.name for p in folder.parent.iterdir() if p != folder)
        if folder_state(folder) != complete or left:
            bad.append({"step": step, "after_next_run": folder_state(folder), "left": left})
        if finished:
            break
    return {"steps": step, "bad": bad}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), "--fallback" in sys.argv[2:])))
