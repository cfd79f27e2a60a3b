"""Run one tool once on one PDF in this (fresh) process and write what it cost as JSON:

    python -m benchmarks.measure TOOL PDF OUT_DIR RESULT.json [--params params.yaml]
                                 [--ocr-cache DIR]

`benchmarks.compare` starts one such process per measurement, so each starts cold (no
cache of the PDF in memory) and its peak memory is its own. The tool's libraries are
imported before the clock starts: import costs show in the CLI row of the comparison,
where `piano extract` runs as a user types it. The pipeline runs twice: the first run is
the cold figure (a scan's OCR cache is the empty `--ocr-cache` folder), the second the
warm one (same process, the OCR cache filled).
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import adapters

# tool → (libraries to import before the clock, what the tool gives)
PEERS: dict[str, tuple[list[str], Callable[[Path], list[adapters.Table]]]] = {
    "pdfplumber-lines": (["pdfplumber"], lambda p: adapters.pdfplumber_to_tables(p, "lines")),
    "pdfplumber-text": (["pdfplumber"], lambda p: adapters.pdfplumber_to_tables(p, "text")),
    "camelot-lattice": (["camelot"], lambda p: adapters.camelot_to_tables(p, "lattice")),
    "camelot-stream": (["camelot"], lambda p: adapters.camelot_to_tables(p, "stream")),
    "camelot-network": (["camelot"], lambda p: adapters.camelot_to_tables(p, "network")),
}
FLOORS: dict[str, tuple[list[str], Callable[[Path], int]]] = {
    "pdfplumber-words": (["pdfplumber"], adapters.pdfplumber_to_words),
    "pdfium-text": (["pypdfium2"], adapters.pdfium_to_text),
}
# the pipeline with each PDF reader (params.yaml's `extract: read: engine` overridden)
PIPELINES = {"pipeline": None, "pipeline-pdfplumber": "pdfplumber"}
TOOLS = [*PIPELINES, *PEERS, *FLOORS]


def peak_mib() -> float:
    """Return this process's peak resident memory so far, in MiB (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pipeline_settings(
    params_path: Path | None, ocr_cache: Path | None, engine: str | None = None
) -> tuple[Any, Any]:
    """Given params.yaml, an OCR cache folder and a PDF reader (None: the file's),
    return the extract and normalise settings a `piano extract` run would use, the OCR
    cache moved to the folder."""
    from pipeline.core.settings import load_params
    from pipeline.extract.stage import ExtractSettings
    from pipeline.normalise.stage import NormaliseSettings

    params = load_params(params_path)
    extract = dict(params.get("extract") or {})
    if ocr_cache is not None:
        extract["ocr"] = {**(extract.get("ocr") or {}), "cache_dir": str(ocr_cache)}
    if engine is not None:
        extract["read"] = {**(extract.get("read") or {}), "engine": engine}
    return (
        ExtractSettings.from_params(extract),
        NormaliseSettings.from_params(params.get("normalise")),
    )


def measure_pipeline(
    pdf: Path, out: Path, params: Path | None, ocr_cache: Path | None, engine: str | None = None
) -> dict[str, Any]:
    """Given a PDF, run what `piano extract` runs into `out` twice (cold, then warm),
    with no hand corrections; return the seconds, seconds per step and grid finders."""
    from pipeline.chain import pdf_to_folder
    from pipeline.core.timing import StageTimings

    extract, normalise = pipeline_settings(params, ocr_cache, engine)
    runs = []
    for folder in (out, out.with_name(out.name + "-warm")):
        timings = StageTimings()
        started = time.perf_counter()
        pdf_to_folder(pdf, folder, extract, normalise, timings=timings)
        runs.append((time.perf_counter() - started, dict(timings.seconds), peak_mib()))
    document = json.loads((out / "document.json").read_text(encoding="utf-8"))
    (cold, cold_stages, cold_peak), (warm, warm_stages, _) = runs
    return {
        "seconds": cold,
        "stages": cold_stages,
        "peak_mib": cold_peak,
        "warm_seconds": warm,
        "warm_stages": warm_stages,
        "pages": document["pages"],
        "finders": sorted({g["finder"] for g in document["grid"] if g["finder"]}),
    }


def measure(
    tool: str, pdf: Path, out: Path, params: Path | None = None, ocr_cache: Path | None = None
) -> dict[str, Any]:
    """Given a tool name, a PDF and an output folder, run the tool once (the pipeline
    twice) and return its cost; peers also write their rows to `out`."""
    if tool in PIPELINES:
        importlib.import_module("pipeline.cli.extract")
        return {
            "tool": tool,
            "imported_mib": peak_mib(),
            **measure_pipeline(pdf, out, params, ocr_cache, PIPELINES[tool]),
        }
    libraries, run = PEERS[tool] if tool in PEERS else FLOORS[tool]
    for library in [*libraries, "pandas"]:
        importlib.import_module(library)
    imported = peak_mib()
    started = time.perf_counter()
    if tool in PEERS:
        adapters.rows_to_folder(adapters.tables_to_rows(PEERS[tool][1](pdf)), out)
    else:
        FLOORS[tool][1](pdf)
    seconds = time.perf_counter() - started
    return {"tool": tool, "imported_mib": imported, "seconds": seconds, "peak_mib": peak_mib()}


def main(argv: list[str] | None = None) -> int:
    """Measure one tool on one PDF as the command line asks; write the JSON; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", choices=TOOLS)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path, help="folder for the tool's objectives.parquet")
    parser.add_argument("result", type=Path, help="where to write the cost as JSON")
    parser.add_argument("--params", type=Path, help="params.yaml for the pipeline")
    parser.add_argument("--ocr-cache", type=Path, help="the pipeline's OCR cache folder")
    args = parser.parse_args(argv)
    result = measure(args.tool, args.pdf, args.out, args.params, args.ocr_cache)
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
