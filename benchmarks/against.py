"""piano's speed on the vector plans against an earlier commit's, timed in the same run.

    python -m benchmarks.against COMMIT [--runs 5] [--plans NAME ...] [--limit 1.2]

Unpacks COMMIT's `pipeline/` package (`git archive`) into a temporary folder and runs
`piano stage extract` of both versions on every vector plan under `plans:` in
params.yaml (a scan is left out: its time is OCR's, measured by the scan benchmarks),
each run a fresh interpreter after one untimed warm-up run per version, the two versions
interleaved within each round so machine noise falls on both alike. Prints each plan's
median seconds and the ratio; exits 1 when a ratio passes `--limit`. Both versions run
with this checkout's installed libraries.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import yaml

ROOT = Path(__file__).resolve().parent.parent
RUN_CLI = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from pipeline.cli import main; sys.exit(main())"
)


def commit_to_package(commit: str, into: Path) -> Path:
    """Given a commit, unpack its pipeline/ package into a folder; return the folder."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "pipeline"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # the extraction filters came with Python 3.11.4; the archive is git's own
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)
    return into


def is_scan(pdf: Path) -> bool:
    """Given a PDF, return True when a picture covers most of its first page (a scan,
    with or without a text layer)."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width, height = page.get_size()
        for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = picture.get_bounds()
            if (right - left) * (top - bottom) >= 0.8 * width * height:
                return True
        return False
    finally:
        document.close()


def vector_plans(names: list[str] | None) -> dict[str, Path]:
    """Return the vector plans of params.yaml (all, or those named) by name."""
    plans = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))["plans"]
    chosen = {name: ROOT / plan["source"] for name, plan in plans.items()}
    if names:
        chosen = {name: chosen[name] for name in names}
    return {name: pdf for name, pdf in chosen.items() if not is_scan(pdf)}


def time_extract(package: Path, pdf: Path, out: Path) -> float:
    """Run one version's `piano stage extract` in a fresh interpreter; return seconds."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_CLI,
            str(package),
            "stage",
            "extract",
            str(pdf),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    """Time both versions on the vector plans; print the table; exit 1 past the limit."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commit")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", nargs="*")
    parser.add_argument("--limit", type=float, default=1.2)
    args = parser.parse_args()
    plans = vector_plans(args.plans)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        versions = {args.commit: commit_to_package(args.commit, work / "old"), "this": ROOT}
        times: dict[tuple[str, str], list[float]] = {}
        for label, package in versions.items():  # untimed: bytecode compiled, files cached
            time_extract(package, next(iter(plans.values())), work / "warm" / label)
        for round_ in range(args.runs):
            for name, pdf in plans.items():
                for label, package in versions.items():
                    out = work / "out" / label / name / str(round_)
                    times.setdefault((name, label), []).append(time_extract(package, pdf, out))
    print(f"| plan | {args.commit} s | this checkout s | ratio |")
    print("| --- | ---: | ---: | ---: |")
    worst = 0.0
    for name in plans:
        old = statistics.median(times[(name, args.commit)])
        new = statistics.median(times[(name, "this")])
        worst = max(worst, new / old)
        print(f"| {name} | {old:.2f} | {new:.2f} | {new / old:.2f} |")
    print(f"\nmedians of {args.runs} runs each; worst ratio {worst:.2f} (limit {args.limit})")
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
