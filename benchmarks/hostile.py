"""Measure piano on hostile and damaged inputs: for each case, build the input with the
tests' generator (tests/hostile_corpus.py), run the piano command on it in its own
process, and print its exit code, wall time, peak RSS and the line it printed. Exits 1
when a case takes more than the limits (1 GiB, 30 s by default), prints a traceback, or
ends with an exit code other than the one expected. Not a timed test: run it by hand
after changing how pages are read or written.

    python3 benchmarks/hostile.py
    python3 benchmarks/hostile.py --cases image_bomb words_200000 --keep /tmp/hostile
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# the tests' generators, found above
from hostile_corpus import (  # noqa: E402
    alias_bomb_yaml,
    damaged_stream_plan,
    formula_plan,
    huge_page_plan,
    huge_scan_pdf,
    image_bomb_pdf,
    long_cell_plan,
    many_pages_pdf,
    many_words_pdf,
)
from input_corpus import good_plan  # noqa: E402
from scan_factory import image_only_copy  # noqa: E402

MIB = 1024 * 1024
DEFAULT_LIMIT_MIB = 1024
DEFAULT_LIMIT_SECONDS = 30.0


@dataclass(frozen=True)
class Run:
    """One piano command: exit code, wall time, peak resident memory, what it printed."""

    exit_code: int
    seconds: float
    peak_rss_bytes: int
    stderr: str


def piano_in_child(arguments: list[str], cwd: Path) -> Run:
    """Given piano's arguments and the folder to run in, run `piano` in a child process
    and return its exit code, wall time and peak RSS (from the child's own usage)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "pipeline", *arguments],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(os.waitstatus_to_exitcode(status), seconds, peak, stderr)


def extracted(work: Path, pdf: Path, name: str, *extra: str) -> Path:
    """Given a scratch folder and a PDF, extract it to work/extracted/NAME (untimed)."""
    out = work / "extracted" / name
    run = piano_in_child(["extract", str(pdf), "--out", str(out), *extra], work)
    if run.exit_code != 0:
        raise SystemExit(f"preparing {name}: piano extract failed: {run.stderr.strip()}")
    return out


def write(path: Path, text: str | bytes) -> Path:
    """Write text (UTF-8) or bytes at path and return it."""
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# case → (what it is, exit code expected, function building the input in a scratch
# folder and returning piano's arguments)
Case = tuple[str, int, Callable[[Path], list[str]]]


def scan_with_bad_cache(work: Path) -> list[str]:
    """An image-only scan read once (its OCR cached), every cache entry then spoilt."""
    pdf = image_only_copy(good_plan(work / "vector.pdf"), work / "scan.pdf")
    params = write(work / "params.yaml", f"extract:\n  ocr:\n    cache_dir: {work / 'cache'}\n")
    extracted(work, pdf, "warm", "--params", str(params))
    for entry in (work / "cache").rglob("*.json"):
        entry.write_text('{"parole": []}', encoding="utf-8")
    return ["extract", str(pdf), "--out", str(work / "out"), "--params", str(params)]


def diff_of_scan_and_vector(work: Path) -> list[str]:
    """The diff of an image-only scan of a plan and the plan itself."""
    vector = good_plan(work / "vector.pdf")
    scan = image_only_copy(vector, work / "scan.pdf")
    params = write(work / "params.yaml", f"extract:\n  ocr:\n    cache_dir: {work / 'cache'}\n")
    old = extracted(work, scan, "scan", "--params", str(params))
    new = extracted(work, vector, "vector")
    return ["diff", str(old), str(new), "--out", str(work / "diff")]


def review_of_huge_page(work: Path) -> list[str]:
    """`piano review` of a valid plan printed on a 14,400-point page."""
    pdf = huge_page_plan(work / "grande.pdf")
    extracted(work, pdf, "grande")
    return ["review", "grande", "--out", str(work / "report"), "--source", str(pdf)]


def formula_template(work: Path) -> list[str]:
    """The achievements template of a plan whose cells start with = + - @."""
    extracted(work, formula_plan(work / "formule.pdf"), "formule")
    return ["score", "template", "formule", "--out", str(work / "modello.csv")]


def alias_bomb(work: Path) -> list[str]:
    """A plan with a 700-byte corrections file of nested YAML aliases."""
    (work / "corrections").mkdir()
    alias_bomb_yaml(work / "corrections" / "2021-11.yaml")
    pdf = good_plan(work / "piano.pdf")
    return ["extract", str(pdf), "--out", str(work / "out"), "--corrections-dir", "corrections"]


def corrections_add_outside(work: Path) -> list[str]:
    """`piano corrections add` with a plan name that is a path."""
    extracted(work, good_plan(work / "piano.pdf"), "piano")
    (work / "corrections").mkdir()
    return ["corrections", "add", "../piano", "01.01", "subject", "x", "--reason", "r", "--by", "b"]


def stage_normalise_outside(work: Path) -> list[str]:
    """`piano stage normalise --revision ../../x`."""
    stage = work / "extract"
    run = piano_in_child(
        ["stage", "extract", str(good_plan(work / "p.pdf")), "--out", "extract"], work
    )
    assert run.exit_code == 0, run.stderr
    return ["stage", "normalise", str(stage), "--out", "n", "--revision", "../../x"]


def extract_of(build: Callable[[Path], Path], *extra: str) -> Callable[[Path], list[str]]:
    """Given a builder of one PDF, return a case running `piano extract` on it."""

    def arguments(work: Path) -> list[str]:
        return ["extract", str(build(work)), "--out", str(work / "out"), *extra]

    return arguments


def with_params(text: str, build: Callable[[Path], Path]) -> Callable[[Path], list[str]]:
    """Given params.yaml's text and a PDF builder, return a case extracting with them."""

    def arguments(work: Path) -> list[str]:
        params = write(work / "params.yaml", text)
        return ["extract", str(build(work)), "--out", str(work / "out"), "--params", str(params)]

    return arguments


CASES: dict[str, Case] = {
    "huge_scan_page": (
        "a 14,400² pt scanned page",
        17,
        extract_of(lambda w: huge_scan_pdf(w / "s.pdf")),
    ),
    "huge_scan_two_pages": (
        "two such pages",
        17,
        extract_of(lambda w: huge_scan_pdf(w / "s.pdf", pages=2)),
    ),
    "review_huge_page": ("review of a valid plan on such a page", 0, review_of_huge_page),
    "image_bomb": (
        "a 1.2 MB picture of 100,000² pixels",
        18,
        extract_of(lambda w: image_bomb_pdf(w / "bomb.pdf")),
    ),
    "words_12500": (
        "a page of 12,500 words",
        19,
        extract_of(lambda w: many_words_pdf(w / "w.pdf", 12_500)),
    ),
    "words_50000": (
        "a page of 50,000 words",
        19,
        extract_of(lambda w: many_words_pdf(w / "w.pdf", 50_000)),
    ),
    "words_200000": (
        "a page of 200,000 words",
        19,
        extract_of(lambda w: many_words_pdf(w / "w.pdf", 200_000)),
    ),
    "pages_100000": (
        "100,000 blank pages",
        20,
        extract_of(lambda w: many_pages_pdf(w / "p.pdf", 100_000)),
    ),
    "huge_header_cell": (
        "a header cell of 73,000 characters",
        21,
        with_params(
            "extract:\n  read:\n    max_words_per_page: 100000\n",
            lambda w: long_cell_plan(w / "c.pdf", 73_000),
        ),
    ),
    "damaged_stream": (
        "a damaged content stream",
        2,
        extract_of(lambda w: damaged_stream_plan(w / "d.pdf")),
    ),
    "damaged_stream_skip": (
        "the same with on_unreadable_page: skip",
        0,
        with_params(
            "extract:\n  on_unreadable_page: skip\n", lambda w: damaged_stream_plan(w / "d.pdf")
        ),
    ),
    "formula_cells": ("the template of formula-like cells", 0, formula_template),
    "alias_bomb": ("a YAML alias bomb of corrections", 6, alias_bomb),
    "revision_outside": ("stage normalise --revision ../../x", 2, stage_normalise_outside),
    "corrections_add_outside": ("corrections add ../piano", 2, corrections_add_outside),
    "bad_ocr_cache": ("a spoilt OCR cache entry", 0, scan_with_bad_cache),
    "params_not_utf8": (
        "a params.yaml that is not UTF-8",
        11,
        lambda w: [
            "extract",
            str(good_plan(w / "p.pdf")),
            "--out",
            str(w / "out"),
            "--params",
            str(write(w / "params.yaml", b"extract:\n  read:\n    engine: pdf\xe9um\n")),
        ],
    ),
    "diff_scan": ("diff of a scan and its vector plan", 0, diff_of_scan_and_vector),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--limit-mib", type=float, default=DEFAULT_LIMIT_MIB)
    parser.add_argument("--limit-seconds", type=float, default=DEFAULT_LIMIT_SECONDS)
    parser.add_argument("--keep", type=Path, help="build the inputs and outputs here")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    failed = 0
    results = []
    print(f"{'case':<24}{'exit':>5}{'want':>5}{'seconds':>9}{'peak MiB':>10}  line")
    with tempfile.TemporaryDirectory(prefix="piano-hostile-") as scratch:
        for name in args.cases:
            what, expected, build = CASES[name]
            work = (args.keep or Path(scratch)) / name
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            run = piano_in_child(build(work), work)
            line = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            ok = (
                run.exit_code == expected
                and run.peak_rss_bytes <= args.limit_mib * MIB
                and run.seconds <= args.limit_seconds
                and "Traceback" not in run.stderr
                and len(run.stderr.strip().splitlines()) <= 1
            )
            failed += not ok
            print(
                f"{name:<24}{run.exit_code:>5}{expected:>5}{run.seconds:>9.1f}"
                f"{run.peak_rss_bytes / MIB:>10.0f}  {'' if ok else 'FAILED '}{line[:160]}",
                flush=True,
            )
            results.append(
                {
                    "case": name,
                    "what": what,
                    "exit": run.exit_code,
                    "expected": expected,
                    "seconds": round(run.seconds, 2),
                    "peak_rss_mib": round(run.peak_rss_bytes / MIB, 1),
                    "line": line,
                }
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"{len(args.cases) - failed} of {len(args.cases)} cases as they should be")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
