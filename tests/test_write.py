"""Writing an output folder all or nothing: interrupts, failures and killed runs leave
the previous files as they were and no temporary file behind."""

from __future__ import annotations

import hashlib
import json
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


def test_ctrl_c_during_the_swap_waits_until_the_new_folder_is_in_place(
    previous: Path, monkeypatch: pytest.MonkeyPatch
):
    real_exchange = folders.exchange_paths

    def exchange_then_interrupt(a: Path, b: Path) -> bool:
        swapped = real_exchange(a, b)
        signal.raise_signal(signal.SIGINT)  # Ctrl-C right after the swap
        return swapped

    monkeypatch.setattr(folders, "exchange_paths", exchange_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_folder(
            previous, {n: text_writer(f"new {n}") for n in ("a.parquet", "b.json", "c.md")}
        )
    assert {p.name: p.read_text() for p in previous.iterdir()} == {
        n: f"new {n}" for n in ("a.parquet", "b.json", "c.md")
    }
    assert [p.name for p in previous.parent.iterdir()] == ["out"]  # the old folder removed
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


def test_only_piano_temporaries_of_killed_runs_are_swept(previous: Path):
    box = previous.parent
    stale = box / f".out.piano-{dead_pid()}-k3x9_q12.new"
    live = box / f".out.piano-{os.getpid()}-abc12345.new"
    stale.mkdir()
    live.mkdir()
    foreign = [
        previous / f".a.parquet.{dead_pid()}.k3x9_q.tmp",  # not piano's name
        box / f".other.piano-{dead_pid()}-k3x9_q12.new",  # another folder's
        box / ".notes.tmp",
    ]
    for path in foreign:
        path.write_text("someone's")
    assert sweep_stale_temps(previous) == [stale]
    assert live.exists() and all(path.exists() for path in foreign)


def test_files_the_run_does_not_write_stay_in_the_folder(previous: Path):
    (previous / "notes.txt").write_text("mine")
    write_folder(previous, {"a.parquet": text_writer("new a")})
    assert {p.name: p.read_text() for p in previous.iterdir()} == {
        "a.parquet": "new a",
        "b.json": "previous b.json",
        "c.md": "previous c.md",
        "notes.txt": "mine",
    }


def test_a_folder_holding_folders_or_the_working_folder_is_not_replaced(
    previous: Path, monkeypatch: pytest.MonkeyPatch
):
    (previous / "inner").mkdir()
    before = folder_hashes_of_files(previous)
    with pytest.raises(OutputError, match="holds a folder"):
        write_folder(previous, {"a.parquet": text_writer("new")})
    assert folder_hashes_of_files(previous) == before
    (previous / "inner").rmdir()
    monkeypatch.chdir(previous)
    with pytest.raises(OutputError, match="working folder"):
        write_folder(Path("."), {"a.parquet": text_writer("new")})


def folder_hashes_of_files(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_a_killed_two_rename_swap_is_put_back_by_the_next_run(
    previous: Path, monkeypatch: pytest.MonkeyPatch
):
    aside = previous.parent / f".out.piano-{dead_pid()}-k3x9_q12.old"
    previous.rename(aside)  # killed between its two renames: only the old folder, aside
    monkeypatch.setattr(folders, "exchange_paths", lambda a, b: False)
    write_folder(previous, {"a.parquet": text_writer("new a")})
    assert (previous / "a.parquet").read_text() == "new a"
    assert (previous / "b.json").read_text() == "previous b.json"
    assert [p.name for p in previous.parent.iterdir()] == ["out"]


@pytest.mark.parametrize("swap", ["exchange", "two_renames"])
def test_a_write_killed_at_any_instant_leaves_the_old_folder_or_the_whole_new_one(
    swap: str, tmp_path: Path
):
    if swap == "exchange" and folders.RENAMEAT2 is None:
        pytest.fail("this system has no renameat2: the exchange cannot be tested")
    script = Path(__file__).with_name("crash_points.py")
    arguments = [sys.executable, str(script), str(tmp_path / "box" / "out")]
    if swap == "two_renames":
        arguments.append("--fallback")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run(arguments, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["steps"] > 10  # every write, sync, link and rename was a place to die
    assert report["bad"] == []


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


def test_an_output_folder_reached_through_a_link_is_replaced_where_it_is(previous: Path):
    link = previous.parent / "link"
    link.symlink_to(previous)
    write_folder(link, {"a.parquet": text_writer("new a")})
    assert link.is_symlink() and (previous / "a.parquet").read_text() == "new a"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["link", "out"]
