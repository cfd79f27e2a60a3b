"""Writing an output folder all or nothing: interrupts, failures and killed runs leave
the previous files as they were and no temporary file behind."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core import folders
from pipeline.core.errors import OutputError
from pipeline.core.folders import sweep_stale_temps, text_writer, write_folder


def folder_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.parquet", "b.json", "c.md"):
        (out / name).write_text(f"previous {name}")
    return out


def test_ctrl_c_while_writing_leaves_the_folder_as_it_was(previous: Path):
    before = folder_hashes(previous)

    def interrupted(path: Path) -> None:
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_folder(
            previous,
            {
                "a.parquet": text_writer("new a"),
                "b.json": interrupted,
                "c.md": text_writer("new c"),
            },
        )
    assert folder_hashes(previous) == before


def test_ctrl_c_during_the_renames_waits_until_every_file_is_in_place(
    previous: Path, monkeypatch: pytest.MonkeyPatch
):
    real_replace = os.replace
    calls = []

    def replace_then_interrupt(source: Path, target: Path) -> None:
        real_replace(source, target)
        calls.append(target)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C right after the first rename

    monkeypatch.setattr(folders.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_folder(
            previous, {n: text_writer(f"new {n}") for n in ("a.parquet", "b.json", "c.md")}
        )
    assert len(calls) == 3
    assert {p.name: p.read_text() for p in previous.iterdir()} == {
        n: f"new {n}" for n in ("a.parquet", "b.json", "c.md")
    }
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_failed_write_raises_output_error_and_removes_a_folder_it_created(tmp_path: Path):
    def disk_full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    out = tmp_path / "new"
    with pytest.raises(OutputError, match="No space left"):
        write_folder(out, {"a.parquet": text_writer("a"), "b.json": disk_full})
    assert not out.exists()


def test_written_files_get_the_mode_of_any_new_file(tmp_path: Path):
    old = os.umask(0o022)
    try:
        written = write_folder(tmp_path / "out", {"a.md": text_writer("a")})
    finally:
        os.umask(old)
    assert written[0].stat().st_mode & 0o777 == 0o644


def dead_pid() -> int:
    """Return the id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_files_of_killed_runs_are_swept_and_live_ones_kept(previous: Path):
    stale = previous / f".a.parquet.{dead_pid()}.k3x9_q.tmp"
    live = previous / f".a.parquet.{os.getpid()}.abc123.tmp"
    unrelated = previous / ".notes.tmp"
    for path in (stale, live, unrelated):
        path.write_text("temporary")
    assert sweep_stale_temps(previous) == [stale]
    assert live.exists() and unrelated.exists()


def test_failed_write_keeps_the_previous_files_and_no_temporary(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "diff.parquet").write_text("previous run")

    def fail(path: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OutputError, match="disk full"):
        write_folder(
            out, {"diff.parquet": lambda path: path.write_text("new run"), "diff.md": fail}
        )
    assert [p.name for p in out.iterdir()] == ["diff.parquet"]
    assert (out / "diff.parquet").read_text() == "previous run"


def test_unexpected_error_leaves_no_temporary_and_no_new_folder(tmp_path: Path):
    out = tmp_path / "new-folder"

    def fail(path: Path) -> None:
        raise ValueError("a bug in a writer")

    with pytest.raises(ValueError):
        write_folder(out, {"diff.parquet": lambda path: path.write_text("x"), "diff.md": fail})
    assert not out.exists()


def test_written_files_get_the_usual_mode(tmp_path: Path):
    (path,) = write_folder(tmp_path, {"a.json": lambda p: p.write_text("{}")})
    assert path.read_text() == "{}"
    assert path.stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600
