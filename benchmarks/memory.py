"""Measure how `piano extract`'s memory grows with the length of a document.

Draws two plans with the tests' generator (tests/input_corpus.py): a short baseline and a
long one (1,000 pages by default, each page with its own content stream, three
objectives of six-line descriptions a page), runs `piano extract` on each in its own
process, and prints pages, wall time and peak RSS for both, and what the long run
needed beyond the baseline, per page. Exits 1 when the long run's peak RSS passes the
limit (1 GiB by default). Not a timed test: run it by hand after changing the reading
or the row assembler.

    python3 benchmarks/memory.py
    python3 benchmarks/memory.py --pages 200 --baseline 10 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from input_corpus import long_plan  # noqa: E402  (the tests' generator, found above)

MIB = 1024 * 1024
DEFAULT_PAGES = 1000
DEFAULT_BASELINE_PAGES = 10
DEFAULT_LIMIT_MIB = 1024


@dataclass(frozen=True)
class Run:
    """One `piano extract` run: pages read, wall time, peak resident memory."""

    pages: int
    seconds: float
    peak_rss_bytes: int


def extract_in_child(pdf: Path, out: Path, pages: int) -> Run:
    """Given a PDF and an output folder, run `piano extract` in a child process and return
    its wall time and peak RSS (from the child's own resource usage)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(out)], env=env
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"piano extract failed on {pdf} (exit {child.returncode})")
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(pages, seconds, peak)


def runs_to_report(baseline: Run, long: Run, limit_bytes: int) -> str:
    """Given the baseline and long runs and the RSS limit, return the printed report."""
    growth = long.peak_rss_bytes - baseline.peak_rss_bytes
    per_page = growth / max(long.pages - baseline.pages, 1)
    lines = [f"{'run':<10}{'pages':>7}{'wall s':>9}{'s/page':>9}{'peak RSS MiB':>14}"]
    for name, run in (("baseline", baseline), ("long", long)):
        lines.append(
            f"{name:<10}{run.pages:>7}{run.seconds:>9.1f}"
            f"{run.seconds / run.pages:>9.3f}{run.peak_rss_bytes / MIB:>14.1f}"
        )
    lines.append(
        f"growth over the baseline: {growth / MIB:.1f} MiB, "
        f"{per_page / 1024:.1f} KiB per extra page"
    )
    verdict = "within" if long.peak_rss_bytes <= limit_bytes else "OVER"
    lines.append(
        f"peak RSS {long.peak_rss_bytes / MIB:.1f} MiB: {verdict} the limit of "
        f"{limit_bytes / MIB:.0f} MiB"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--baseline", type=int, default=DEFAULT_BASELINE_PAGES)
    parser.add_argument("--limit-mib", type=float, default=DEFAULT_LIMIT_MIB)
    parser.add_argument("--keep", type=Path, help="build the PDFs and outputs here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="piano-memory-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        runs = []
        for pages in (args.baseline, args.pages):
            start = time.perf_counter()
            pdf = long_plan(work / f"plan-{pages}.pdf", pages)
            print(
                f"drew {pages} pages in {time.perf_counter() - start:.1f} s "
                f"({pdf.stat().st_size / MIB:.1f} MiB)",
                flush=True,
            )
            runs.append(extract_in_child(pdf, work / f"out-{pages}", pages))
    limit = int(args.limit_mib * MIB)
    print(runs_to_report(runs[0], runs[1], limit))
    return 0 if runs[1].peak_rss_bytes <= limit else 1


if __name__ == "__main__":
    sys.exit(main())
