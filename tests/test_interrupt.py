"""Stopping `piano extract` midway, as a user (Ctrl-C) or the system (SIGKILL) does:
the output folder of the previous run stays byte for byte as it was; Ctrl-C leaves no
temporary file, and those a killed run leaves are swept by the next run."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from input_corpus import good_plan, long_plan

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def folder_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def sigint_as_by_default() -> None:
    # a shell running the tests in the background ignores SIGINT, and children inherit it
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(arguments: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *arguments],
        env=ENV,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=sigint_as_by_default,
    )


def wait_until_reading(process: subprocess.Popen[str], pdf: Path, timeout: float = 120) -> None:
    """Wait until the process has the PDF open (it is reading pages)."""
    watched = psutil.Process(process.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "piano extract ended before it could be stopped"
        if any(Path(f.path) == pdf for f in watched.open_files()):
            return
        time.sleep(0.05)
    raise AssertionError("piano extract never opened the PDF")


@pytest.fixture
def previous_output(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert main(["extract", str(good_plan(tmp_path / "piano.pdf")), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return long_plan(tmp_path_factory.mktemp("long") / "lungo.pdf", 150)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["ctrl_c", "kill"])
def test_stopped_extract_leaves_the_previous_output_as_it_was(
    signum: signal.Signals, long_pdf: Path, previous_output: Path
):
    before = folder_hashes(previous_output)
    process = start(["-m", "pipeline", "extract", str(long_pdf), "--out", str(previous_output)])
    wait_until_reading(process, long_pdf)
    time.sleep(0.5)  # well into the pages
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    if signum == signal.SIGINT:
        assert process.returncode == 130
        assert err == "piano: interrupted; no output file was left half written\n"
    else:
        assert process.returncode == -signal.SIGKILL
    assert folder_hashes(previous_output) == before


SLOW_WRITE = """
import sys, time
from pathlib import Path
from pipeline.core.folders import text_writer, write_folder

def slow(path):
    path.write_text("half written")
    print("writing", flush=True)
    time.sleep(120)

write_folder(Path(sys.argv[1]), {"objectives.parquet": text_writer("new"),
                                 "quality.parquet": slow})
"""


def test_temporaries_of_a_run_killed_while_writing_are_swept_by_the_next(
    tmp_path: Path, previous_output: Path
):
    before = folder_hashes(previous_output)
    process = start(["-c", SLOW_WRITE, str(previous_output)])
    assert process.stdout is not None
    assert process.stdout.readline() == "writing\n"
    process.kill()
    process.wait(timeout=30)
    assert folder_hashes(previous_output) == before  # nothing of the new run inside
    (left,) = [p for p in previous_output.parent.iterdir() if p.name.startswith(".out.piano-")]
    assert left.name.endswith(".new")
    assert (
        main(["extract", str(good_plan(tmp_path / "di-nuovo.pdf")), "--out", str(previous_output)])
        == 0
    )
    assert not left.exists()


def test_extract_killed_at_random_instants_of_its_write_leaves_one_run_whole(
    tmp_path: Path, previous_output: Path
):
    new_pdf = long_plan(tmp_path / "nuovo.pdf", 2)
    reference = tmp_path / "reference"
    assert main(["extract", str(new_pdf), "--out", str(reference)]) == 0
    old, new = folder_hashes(previous_output), folder_hashes(reference)
    assert old != new
    old_copy = tmp_path / "old-copy"
    shutil.copytree(previous_output, old_copy)
    seen = []
    delays = random.Random(20211130)
    for _ in range(3):
        process = start(["-m", "pipeline", "extract", str(new_pdf), "--out", str(previous_output)])
        deadline = time.monotonic() + 120
        # the new folder is being written beside the old one: kill somewhere in its writing,
        # syncing and swapping
        # (on a busy machine the run may be done before a look sees it: then it is whole)
        while process.poll() is None and not any(
            p.name.endswith(".new") for p in previous_output.parent.iterdir()
        ):
            assert time.monotonic() < deadline, "piano extract wrote nothing in 120 s"
            time.sleep(0.001)
        time.sleep(delays.uniform(0, 0.05))
        process.kill()
        process.wait(timeout=30)
        state = folder_hashes(previous_output)
        assert state in (old, new)
        seen.append("new" if state == new else "old")
        if state == new:  # the next round starts from the old output again
            shutil.rmtree(previous_output)
            shutil.copytree(old_copy, previous_output)
    assert len(seen) == 3
