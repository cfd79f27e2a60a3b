#!/usr/bin/env python3
"""The scan matrix: piano on plans scanned as offices scan them, scored cell by cell.

    python -m benchmarks.scan_matrix [--build build/scans] [--only NAME ...] [--no-speed]
        [--per-page] [--source PDF REF ...] [--rendering NAME.json ...] [--window 4]
        [--json FILE] [--list]

Makes the matrix of `benchmarks.scans` (a pairwise covering design over resolution, skew,
JPEG quality, blur, noise, text layer, whole-page turn, grey/colour and lighting, with
the worst corner — 150 dpi grey, q50, 2°, blur 0.8 px, noise 8, image-only — on the
whole first source) from the bundled vector plans, or from each `--source PDF REF` (any
vector plan PDF and its reference transcription) and `--rendering NAME.json` (a rendering
of `python -m benchmarks.renderings`, by its manifest), cached under --build; with more
sources than a 16-scan design can pair with every setting, the scans take them in turn.
Runs `piano extract` on every scan in a fresh process with an empty OCR cache of its own
(a params file with `extract: ocr: cache_dir:`) and no hand corrections; a scan without its plan's
first page is given `--revision`, since the title it is read from is not there. Scores
each output with tests/score.py against the scan's truth (the reference cut to the rows
on its pages) and prints one row per scan: its settings, piano's exit code and seconds,
rows extracted/expected, row recall and precision, the sector and assignee keys' share
exact, cell similarity and accuracy, the relevance table's accuracy where the scan
holds it, and which bars it misses:

- every row once: recall and precision 1.000;
- sector and assignee keys exact on every row;
- cell similarity >= 0.97 at 200 dpi and above, >= 0.95 at 150 dpi.

With --per-page, each page of a scan piano failed on is then read alone (piano stops at
the first page it cannot read; this tells which pages it can), and scored where the page
holds whole rows only. Then, unless --no-speed, the speed check: an image-only copy of
the bundled 19-page November scan, read by `ocrmypdf -l ita --force-ocr --jobs 2` and by
a cold `piano extract` (empty OCR cache), one after the other in the same run. Exits 1
when a scan misses a bar. The whole run takes about half an hour on 2 cores (the scans
are made on the first run only; the OCR runs every time); --per-page adds about as much.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pypdf
import pypdfium2 as pdfium

from benchmarks.scans.__main__ import arguments_to_sources, spec_to_line
from benchmarks.scans.design import DEFAULT_WINDOW, ScanSpec, sources_to_specs
from benchmarks.scans.make import (
    ROOT,
    ScanFiles,
    folder_to_files,
    make_scan,
    pdf_to_ocrmypdf,
    read_reference,
    shown_path,
    tool_path,
)
from benchmarks.scans.truth import reference_to_truth

BUILD = ROOT / "build" / "scans"
NOVEMBER_SCAN = ROOT / "sources" / "desenzano-2021-11-scan.pdf"
SCORER = ROOT / "tests" / "score.py"
SIMILARITY_BAR = 0.97
LOW_DPI_SIMILARITY_BAR = 0.95  # below 200 dpi
LOW_DPI = 200
EXTRACT_TIMEOUT = 1800.0  # seconds; a scan that takes longer has hung
SPEED_JOBS = 2


@dataclass
class ScanResult:
    """What piano made of one scan: its exit code, the last line it wrote on stderr, its
    wall time, tests/score.py's report and the scan's truth manifest."""

    spec: ScanSpec
    manifest: dict[str, Any]
    exit_code: int
    message: str
    seconds: float
    make_seconds: float
    report: dict[str, Any] | None = None
    revision: str | None = None
    misses: list[str] = field(default_factory=list)


def load_scorer() -> ModuleType:
    """Import tests/score.py, the scorer every accuracy figure of piano comes from."""
    spec = importlib.util.spec_from_file_location("score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def similarity_bar(dpi: int) -> float:
    """Given a scan's resolution, return the cell similarity it must reach."""
    return LOW_DPI_SIMILARITY_BAR if dpi < LOW_DPI else SIMILARITY_BAR


def params_text(cache: Path) -> str:
    """Given an OCR cache folder, return a params file that uses it (nothing else set)."""
    return f"extract:\n  ocr:\n    cache_dir: {json.dumps(str(cache))}\n"


def extract_cold(pdf: Path, run: Path, revision: str | None = None) -> tuple[int, str, float, Path]:
    """Given a PDF and an empty run folder, run `piano extract` on it with an OCR cache
    and a corrections folder of its own, both empty; return its exit code, the last line
    of its stderr, its wall time and its output folder."""
    pdf, run = pdf.resolve(), run.resolve()  # piano runs in `run`
    if run.exists():
        shutil.rmtree(run)
    (run / "corrections").mkdir(parents=True)
    params = run / "params.yaml"
    params.write_text(params_text(run / "ocr-cache"), encoding="utf-8")
    out = run / "extracted"
    command = [
        tool_path("piano"),
        "extract",
        str(pdf),
        "--out",
        str(out),
        "--params",
        str(params),
        "--corrections-dir",
        str(run / "corrections"),
    ]
    if revision:
        command += ["--revision", revision]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=run, timeout=EXTRACT_TIMEOUT)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    message = next(
        (line for line in reversed(lines) if line.startswith("piano:")), lines[-1] if lines else ""
    )
    return done.returncode, message, seconds, out


def report_to_misses(report: dict[str, Any] | None, dpi: int, exit_code: int) -> list[str]:
    """Given tests/score.py's report on a scan (None when piano failed), its resolution
    and piano's exit code, return the bars it misses."""
    if exit_code != 0 or report is None:
        return [f"exit {exit_code}"]
    misses = []
    if report["row_recall"] < 1.0 or report["row_precision"] < 1.0:
        misses.append("rows")
    normal = report["normalised_accuracy"]
    if normal.get("sector", 0.0) < 1.0:
        misses.append("sector")
    if normal.get("assignee", 0.0) < 1.0:
        misses.append("assignee")
    if report["cell_similarity"] < similarity_bar(dpi):
        misses.append("similarity")
    return misses


def measure_scan(spec: ScanSpec, build: Path, jobs: int = SPEED_JOBS) -> ScanResult:
    """Given a scan of the matrix and the build folder, make the scan (or reuse it), run
    piano on it cold and score what it wrote."""
    started = time.perf_counter()
    files: ScanFiles = make_scan(spec, build / spec.name, jobs)
    made = time.perf_counter() - started
    manifest = files.read_manifest()
    truth = manifest["truth"]
    revision = None if truth["title_included"] else truth["revision"]
    code, message, seconds, out = extract_cold(files.pdf, build / spec.name / "run", revision)
    result = ScanResult(spec, manifest, code, message, seconds, made)
    if code == 0:
        scorer = load_scorer()
        result.report = scorer.score(json.loads(files.truth.read_text(encoding="utf-8")), out)
        document = json.loads((out / "document.json").read_text(encoding="utf-8"))
        result.revision = document.get("revision")
    result.misses = report_to_misses(result.report, spec.settings.dpi, code)
    return result


@dataclass(frozen=True)
class PageResult:
    """What piano made of one page of a failed scan read alone: the page in the scan and
    in the source, whether it holds whole rows only (then it is scored), piano's exit
    code, message and seconds, and tests/score.py's report."""

    scan: ScanResult
    scan_page: int
    source_page: int
    stands_alone: bool
    exit_code: int
    message: str
    seconds: float
    report: dict[str, Any] | None


def measure_pages(result: ScanResult, build: Path) -> list[PageResult]:
    """Given a scan piano failed on, run piano cold on each of its pages that holds part of
    a plan table alone (a page with no row, such as the relevance table's, is not a plan
    by itself) and score those that hold whole rows only, to tell which pages it cannot
    read and why."""
    spec = result.spec
    folder = build / spec.name
    reference = read_reference(spec.source.reference)
    rows = list(spec.source.rows)
    reader = pypdf.PdfReader(folder_to_files(folder).pdf)
    scorer = load_scorer()
    results = []
    holding = {k for row in rows for k in range(row.first, row.last + 1)}
    for k, page in enumerate(result.manifest["pages"], start=1):
        if page not in holding:
            continue
        work = folder / "pages" / f"{k:02d}"
        work.mkdir(parents=True, exist_ok=True)
        writer = pypdf.PdfWriter()
        writer.add_page(reader.pages[k - 1])
        with (work / "page.pdf").open("wb") as out_file:
            writer.write(out_file)
        revision = None if page == 1 else result.manifest["truth"]["revision"]
        code, message, seconds, out = extract_cold(work / "page.pdf", work / "run", revision)
        alone = spec.source.allows([page])
        report = None
        if code == 0 and alone:
            report = scorer.score(reference_to_truth(reference, rows, [page]), out)
        results.append(PageResult(result, k, page, alone, code, message, seconds, report))
    return results


PAGE_HEADER = (
    "scan",
    "page",
    "source",
    "turn",
    "skew",
    "whole",
    "exit",
    "s",
    "rows",
    "recall",
    "prec",
    "sector",
    "assign",
    "sim",
    "bars / piano's message",
)


def page_result_to_cells(page: PageResult) -> list[str]:
    """Given one page's result, return its row of the per-page table."""
    sheet = page.scan.manifest["sheets"][page.scan_page - 1]
    cells = [
        page.scan.spec.name,
        str(page.scan_page),
        str(page.source_page),
        str(sheet["turn"]),
        f"{sheet['skew']:+.2f}",
        "yes" if page.stands_alone else "no",
        str(page.exit_code),
        f"{page.seconds:.1f}",
    ]
    report = page.report
    if report is None:
        cells += ["–"] * 6
    else:
        normal = report["normalised_accuracy"]
        cells += [
            f"{report['extracted_rows']}/{report['reference_rows']}",
            f"{report['row_recall']:.3f}",
            f"{report['row_precision']:.3f}",
            f"{normal.get('sector', 0.0):.3f}",
            f"{normal.get('assignee', 0.0):.3f}",
            f"{report['cell_similarity']:.4f}",
        ]
    if page.exit_code != 0:
        cells.append(page.message.removeprefix("piano: error: page.pdf, page 1: ")[:150])
    elif report is None:
        cells.append("read (not scored: a row runs on to the next page)")
    else:
        misses = report_to_misses(report, page.scan.spec.settings.dpi, 0)
        cells.append("ok" if not misses else "MISS " + ",".join(misses))
    return cells


def pages_label(pages: list[int]) -> str:
    """Given 1-based pages, return them as a range where they run on."""
    if pages == list(range(pages[0], pages[-1] + 1)):
        return f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0])
    return ",".join(map(str, pages))


HEADER = (
    "scan",
    "pages",
    "dpi",
    "col",
    "skew",
    "q",
    "blur",
    "noise",
    "turn",
    "light",
    "layer",
    "exit",
    "s",
    "rows",
    "recall",
    "prec",
    "sector",
    "assign",
    "sim",
    "acc",
    "relev",
    "bars",
)


def result_to_cells(result: ScanResult) -> list[str]:
    """Given a scan's result, return its row of the table."""
    s = result.spec.settings
    truth = result.manifest["truth"]
    cells = [
        result.spec.name,
        pages_label(result.manifest["pages"]),
        str(s.dpi),
        "colour" if s.colour else "grey",
        f"{s.skew:g}",
        str(s.jpeg_quality),
        f"{s.blur:g}",
        f"{s.noise:g}",
        str(s.turn),
        s.lighting,
        s.layer,
        str(result.exit_code),
        f"{result.seconds:.1f}",
    ]
    report = result.report
    if report is None:
        cells += [f"-/{len(truth['rows'])}"] + ["–"] * 7
    else:
        normal = report["normalised_accuracy"]
        relevance = f"{report['relevance']['accuracy']:.3f}" if truth["relevance_included"] else ""
        cells += [
            f"{report['extracted_rows']}/{report['reference_rows']}",
            f"{report['row_recall']:.3f}",
            f"{report['row_precision']:.3f}",
            f"{normal.get('sector', 0.0):.3f}",
            f"{normal.get('assignee', 0.0):.3f}",
            f"{report['cell_similarity']:.4f}",
            f"{report['cell_accuracy']:.4f}",
            relevance,
        ]
    cells.append("ok" if not result.misses else "MISS " + ",".join(result.misses))
    return cells


def rows_to_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    """Given a header and rows of cells, return them as an aligned plain-text table."""
    widths = [max(len(row[k]) for row in [list(header), *rows]) for k in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [list(header), *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def result_to_notes(result: ScanResult) -> list[str]:
    """Given a scan's result, return what a reader needs beyond its row: piano's error,
    a revision read wrong, the scorer's first misses."""
    notes = []
    if result.exit_code != 0:
        where = re.search(r", page (\d+):", result.message)
        pages = result.manifest["pages"]
        source_page = (
            f" [scan page {where[1]} is source page {pages[int(where[1]) - 1]}]"
            if where and 0 < int(where[1]) <= len(pages)
            else ""
        )
        notes.append(f"{result.spec.name}: {result.message}{source_page}")
    truth = result.manifest["truth"]
    if (
        result.report is not None
        and truth["title_included"]
        and (result.revision != truth["revision"])
    ):
        notes.append(
            f"{result.spec.name}: revision read as {result.revision!r}, "
            f"printed {truth['revision']!r}"
        )
    if result.report is not None and result.misses:
        for miss in result.report["first_misses"][:3]:
            notes.append(f"{result.spec.name}: {miss}")
    return notes


@dataclass(frozen=True)
class SpeedResult:
    """The speed check: pages, ocrmypdf's seconds on the image-only copy, piano's cold
    seconds and exit code on that copy, and on the scan as bundled (its OCR layer read
    for the text outside the tables, every cell read again)."""

    pages: int
    ocrmypdf_seconds: float
    piano_seconds: float
    piano_exit: int
    bundled_seconds: float
    bundled_exit: int


def measure_speed(build: Path) -> SpeedResult:
    """Time `ocrmypdf -l ita --force-ocr --jobs 2` and a cold `piano extract` on the same
    image-only copy of the bundled November scan, and a cold `piano extract` on the scan
    as bundled, one after the other."""
    sys.path.insert(0, str(ROOT / "tests"))
    from scan_factory import image_only_copy  # the test suite's image-only copy

    folder = build / "speed"
    folder.mkdir(parents=True, exist_ok=True)
    copy = image_only_copy(NOVEMBER_SCAN, folder / "image-only.pdf")
    started = time.perf_counter()
    pdf_to_ocrmypdf(copy, folder / "ocrmypdf.pdf", SPEED_JOBS, ("--force-ocr",))
    ocr_seconds = time.perf_counter() - started
    code, _, piano_seconds, _ = extract_cold(copy, folder / "run")
    bundled_code, _, bundled_seconds, _ = extract_cold(NOVEMBER_SCAN, folder / "run-bundled")
    document = pdfium.PdfDocument(copy)
    pages = len(document)
    document.close()
    return SpeedResult(pages, ocr_seconds, piano_seconds, code, bundled_seconds, bundled_code)


def parser_for_matrix() -> argparse.ArgumentParser:
    """The command line of `python -m benchmarks.scan_matrix`."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scan_matrix", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--build", type=Path, default=BUILD, help="where the scans are kept")
    parser.add_argument(
        "--source",
        nargs=2,
        action="append",
        type=Path,
        default=[],
        metavar=("PDF", "REFERENCE"),
        help="a vector plan and its reference (repeat; default: bundled)",
    )
    parser.add_argument(
        "--rendering",
        type=Path,
        action="append",
        default=[],
        metavar="MANIFEST",
        help="a rendering of python -m benchmarks.renderings, by its NAME.json (repeat)",
    )
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="run only these scans of the matrix"
    )
    parser.add_argument(
        "--window", type=int, default=DEFAULT_WINDOW, help="pages per scan where the rows allow it"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-speed", action="store_true", help="skip the speed check")
    parser.add_argument(
        "--per-page",
        action="store_true",
        help="also run piano on each page of a failed scan alone (which pages it reads)",
    )
    parser.add_argument("--list", action="store_true", help="list the matrix and stop")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Make, run and score the matrix; print its table and the speed check."""
    args = parser_for_matrix().parse_args(argv)
    started = time.perf_counter()
    pairs = [(Path(pdf), Path(ref)) for pdf, ref in args.source]
    sources = arguments_to_sources(pairs, args.rendering, args.window)
    specs = sources_to_specs(sources, seed=args.seed)
    unknown = set(args.only) - {s.name for s in specs}
    if unknown:
        print(f"no such scan: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    specs = [s for s in specs if not args.only or s.name in args.only]
    if args.list:
        for spec in specs:
            print(spec_to_line(spec))
        return 0
    results = []
    for spec in specs:
        result = measure_scan(spec, args.build)
        results.append(result)
        print(
            f"{spec.name}: exit {result.exit_code}, {result.seconds:.1f} s "
            f"(made in {result.make_seconds:.1f} s) "
            f"{'ok' if not result.misses else 'MISS ' + ','.join(result.misses)}",
            flush=True,
        )
    print()
    print(rows_to_table(HEADER, [result_to_cells(r) for r in results]))
    for note in (n for r in results for n in result_to_notes(r)):
        print("  " + note)
    pages = []
    if args.per_page:
        for result in (r for r in results if r.exit_code != 0):
            pages += measure_pages(result, args.build)
        print("\neach page of the failed scans read alone:")
        print(rows_to_table(PAGE_HEADER, [page_result_to_cells(p) for p in pages]))
    speed = None
    if not args.no_speed:
        speed = measure_speed(args.build)
        print(
            f"\nspeed, image-only copy of {NOVEMBER_SCAN.name} ({speed.pages} pages): "
            f"ocrmypdf -l ita --force-ocr --jobs {SPEED_JOBS} {speed.ocrmypdf_seconds:.1f} s; "
            f"piano extract, cold OCR cache, {speed.piano_seconds:.1f} s "
            f"(exit {speed.piano_exit}; {speed.piano_seconds / speed.ocrmypdf_seconds:.2f}"
            f" x ocrmypdf); on the scan as bundled (its OCR layer), {speed.bundled_seconds:.1f} s "
            f"(exit {speed.bundled_exit}; {speed.bundled_seconds / speed.ocrmypdf_seconds:.2f}"
            " x ocrmypdf)"
        )
    passed = sum(not r.misses for r in results)
    wall = time.perf_counter() - started
    print(f"\n{passed}/{len(results)} scans meet every bar; wall time {wall / 60:.1f} min")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scans": [
                        {
                            "name": r.spec.name,
                            "manifest": shown_path(args.build / r.spec.name / "manifest.json"),
                            "settings": r.spec.settings.to_dict(),
                            "pages": r.manifest["pages"],
                            "exit_code": r.exit_code,
                            "message": r.message,
                            "seconds": r.seconds,
                            "report": r.report,
                            "misses": r.misses,
                        }
                        for r in results
                    ],
                    "speed": None if speed is None else speed.__dict__,
                    "wall_seconds": wall,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
