"""The benchmark scripts run and print their figures (on small inputs: the real run is
by hand, see README)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_memory_benchmark_prints_pages_time_and_peak_rss_of_both_runs(tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "memory.py"),
            "--pages",
            "8",
            "--baseline",
            "4",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[-5].split() == ["run", "pages", "wall", "s", "s/page", "peak", "RSS", "MiB"]
    assert lines[-4].split()[:2] == ["baseline", "4"]
    assert lines[-3].split()[:2] == ["long", "8"]
    assert "within the limit of 1024 MiB" in lines[-1]
    assert (tmp_path / "out-8" / "objectives.parquet").exists()


def test_hostile_benchmark_prints_exit_code_seconds_and_peak_rss_per_case(tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "hostile.py"),
            "--cases",
            "huge_scan_page",
            "alias_bomb",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["case", "exit", "want", "seconds", "peak", "MiB", "line"]
    assert lines[1].split()[:3] == ["huge_scan_page", "17", "17"]
    assert lines[2].split()[:3] == ["alias_bomb", "6", "6"]
    assert "piano: error: s.pdf, page 1: rendering the scanned page" in lines[1]
    assert lines[-1] == "2 of 2 cases as they should be"
