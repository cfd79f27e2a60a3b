"""piano against the tools a user could run by hand, measured side by side in one run.

    python -m benchmarks.compare [--runs 3] [--plans NAME ...] [--json FILE]
                                 [--write-readme]

On every plan under `plans:` in params.yaml: `piano extract` (in-process, cold and warm;
and as a command in a fresh interpreter), pdfplumber's `extract_tables()` and camelot's
lattice `read_pdf()` turned into contract rows (benchmarks/adapters.py), and the floor
of any reader: pdfplumber's `extract_words()` and pypdfium2's text, no tables. A plan the
pipeline reads as borderless (its text-layout finder) also gets pdfplumber's `text`
strategy and camelot's `stream` and `network` flavours. Every measurement runs in a
fresh process (`benchmarks.measure`), one after the other, the tools interleaved within
each round so machine noise falls on all alike; times are medians over the rounds, peak
memory is each process's own. Accuracy is `tests/score.py` against the plan's reference
transcription (tests/reference/NAME.json, or the name less its last `-part`: the
borderless and scanned copies share the vector plan's reference).

Prints a Markdown table; writes benchmarks/results.json; `--write-readme` puts the table
into README.md between the benchmark markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "tests" / "reference"
README_START = "<!-- benchmarks:start (written by python -m benchmarks.compare --write-readme) -->"
README_END = "<!-- benchmarks:end -->"
DEFAULT_RUNS = 3
# the tools measured on every plan, in the order the table lists them
TOOLS = [
    "pipeline",
    "pipeline-pdfplumber",
    "cli",
    "pdfplumber-lines",
    "camelot-lattice",
    "pdfplumber-words",
    "pdfium-text",
]
# the tools measured as well on a plan the pipeline reads as borderless
BORDERLESS_TOOLS = ["pdfplumber-text", "camelot-stream", "camelot-network"]
LABELS = {
    "pipeline": "**piano extract** (in-process, pdfium reader)",
    "pipeline-pdfplumber": "piano extract (in-process, pdfplumber reader)",
    "cli": "`piano extract` command (fresh interpreter)",
    "pdfplumber-lines": "pdfplumber `extract_tables()`",
    "pdfplumber-text": "pdfplumber `extract_tables()`, `text` strategy",
    "camelot-lattice": "camelot `lattice`",
    "camelot-stream": "camelot `stream`",
    "camelot-network": "camelot `network`",
    "pdfplumber-words": "floor: pdfplumber `extract_words()`",
    "pdfium-text": "floor: pypdfium2 text",
}
PEERS = ["pdfplumber-lines", "camelot-lattice"]  # what the accuracy target compares with
STAGES = ["read", "grid", "ocr", "ocr_wait", "rows", "normalise", "correct", "validate", "write"]
VERSIONS = [
    "piano",
    "pdfplumber",
    "pdfminer.six",
    "camelot-py",
    "pypdfium2",
    "pandas",
    "pandera",
    "opencv-python-headless",
]


@dataclass(frozen=True)
class Plan:
    """One plan of params.yaml: its name, PDF and reference transcription (if any)."""

    name: str
    source: Path
    reference: Path | None
    listed: str = ""  # the source as params.yaml gives it


def name_to_reference(name: str, folder: Path = REFERENCES) -> Path | None:
    """Given a plan name, return its reference transcription: NAME.json, else that of the
    name less its last `-part`, and so on; None when there is none."""
    parts = name.split("-")
    while parts:
        path = folder / f"{'-'.join(parts)}.json"
        if path.exists():
            return path
        parts.pop()
    return None


def params_to_plans(params_path: Path, names: list[str] | None = None) -> list[Plan]:
    """Given params.yaml (and optionally the names to keep), return every plan listed
    under `plans:` whose PDF exists, in the file's order."""
    params = yaml.safe_load(params_path.read_text(encoding="utf-8")) or {}
    plans = []
    for name, entry in (params.get("plans") or {}).items():
        source = params_path.parent / entry["source"]
        if (names and name not in names) or not source.exists():
            continue
        plans.append(Plan(name, source, name_to_reference(name), entry["source"]))
    return plans


def run_process(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Given a command, run it and return its wall-clock seconds and its own peak
    resident memory in MiB (wait4's rusage: this child only); raise on failure."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def cli_params(params_path: Path, ocr_cache: Path, out: Path) -> Path:
    """Given params.yaml, write a copy to `out` with the OCR cache moved to `ocr_cache`,
    so the command leaves the project's cache alone."""
    params = yaml.safe_load(params_path.read_text(encoding="utf-8")) or {}
    extract = params.get("extract") or {}
    extract["ocr"] = {**(extract.get("ocr") or {}), "cache_dir": str(ocr_cache)}
    params["extract"] = extract
    out.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return out


def measure_once(
    tool: str, plan: Plan, work: Path, round_: int, params_path: Path, log: Any = None
) -> dict[str, Any]:
    """Given a tool, a plan, a scratch folder and the round, run the tool in a fresh
    process and return what it cost, with `out`, the folder of its rows; say so on
    `log`."""
    result = run_tool(tool, plan, work, round_, params_path)
    if log is not None:
        print(
            f"round {round_} {plan.name:<32} {tool:<18} {result['seconds']:7.2f} s "
            f"{result['peak_mib']:7.0f} MiB",
            file=log,
            flush=True,
        )
    return result


def run_tool(tool: str, plan: Plan, work: Path, round_: int, params_path: Path) -> dict[str, Any]:
    """Given a tool, a plan, a scratch folder and the round, run the tool in a fresh
    process and return what it cost, with `out`, the folder of its rows."""
    out = work / plan.name / f"{tool}-{round_}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if tool == "cli":
        # the OCR cache the in-process runs of this plan filled: the command is timed
        # as a user reruns it, without the minutes of a cold OCR
        params = cli_params(
            params_path, work / plan.name / "ocr-cache-cli", work / plan.name / "params.yaml"
        )
        empty = work / "no-corrections"
        empty.mkdir(exist_ok=True)
        seconds, peak = run_process(
            [
                sys.executable,
                "-m",
                "pipeline",
                "extract",
                str(plan.source),
                "--out",
                str(out),
                "--params",
                str(params),
                "--corrections-dir",
                str(empty),
            ]
        )
        return {"tool": tool, "seconds": seconds, "peak_mib": peak, "out": str(out)}
    result_path = out.with_suffix(".json")
    command = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        tool,
        str(plan.source),
        str(out),
        str(result_path),
        "--params",
        str(params_path),
    ]
    cache = work / plan.name / f"ocr-cache-{tool}-{round_}"  # a new, empty one: cold
    if tool.startswith("pipeline"):
        command += ["--ocr-cache", str(cache)]
    _, process_peak = run_process(command)
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result.setdefault("peak_mib", process_peak)
    if tool == "pipeline":
        # the command's runs reuse a cache this run filled
        target = work / plan.name / "ocr-cache-cli"
        if cache.exists() and not target.exists():
            shutil.copytree(cache, target)
    return {**result, "out": str(out)}


def score_folder(reference: Path | None, folder: Path) -> dict[str, Any] | None:
    """Given a reference transcription and an output folder, return tests/score.py's
    figures for it (None without a reference or output)."""
    if reference is None or not (folder / "objectives.parquet").exists():
        return None
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import score
    finally:
        sys.path.pop(0)
    report = score.score(json.loads(reference.read_text(encoding="utf-8")), folder)
    keys = (
        "cell_accuracy",
        "cell_similarity",
        "row_recall",
        "row_precision",
        "reference_rows",
        "extracted_rows",
        "paired_rows",
    )
    return {k: report[k] for k in keys}


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    """Given the runs of one tool, return the median of `key` over those that have it."""
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def runs_to_entry(
    tool: str, runs: list[dict[str, Any]], pages: int, reference: Path | None
) -> dict[str, Any]:
    """Given the runs of one tool on one plan, return its line of the results."""
    entry: dict[str, Any] = {
        "tool": tool,
        "label": LABELS[tool],
        "runs": len(runs),
        "seconds": median_of(runs, "seconds"),
        "seconds_each": [round(r["seconds"], 4) for r in runs],
        "warm_seconds": median_of(runs, "warm_seconds"),
        "peak_mib": median_of(runs, "peak_mib"),
        "imported_mib": median_of(runs, "imported_mib"),
    }
    entry["pages_per_second"] = pages / entry["seconds"] if entry["seconds"] else None
    if tool.startswith("pipeline"):
        entry["stages"] = {
            s: statistics.median(r["stages"].get(s, 0.0) for r in runs)
            for s in STAGES
            if any(s in r["stages"] for r in runs)
        }
        entry["warm_stages"] = {
            s: statistics.median(r["warm_stages"].get(s, 0.0) for r in runs)
            for s in STAGES
            if any(s in r["warm_stages"] for r in runs)
        }
        entry["finders"] = runs[0]["finders"]
    if tool not in ("pdfplumber-words", "pdfium-text"):
        entry["accuracy"] = score_folder(reference, Path(runs[0]["out"]))
    return entry


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def plan_to_ratios(tools: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Given one plan's results by tool, return piano's time over the floors' and
    camelot's, and its accuracy margin over the best peer."""
    piano = tools["pipeline"]["seconds"]
    accuracies = {
        t: (tools[t].get("accuracy") or {}).get("cell_accuracy")
        for t in ("pipeline", *PEERS)
        if t in tools
    }
    peers = [a for t, a in accuracies.items() if t != "pipeline" and a is not None]
    return {
        "pipeline_over_pdfplumber_words": ratio(piano, tools["pdfplumber-words"]["seconds"]),
        "pipeline_over_pdfium_text": ratio(piano, tools["pdfium-text"]["seconds"]),
        "pipeline_over_camelot_lattice": ratio(piano, tools["camelot-lattice"]["seconds"]),
        "accuracy_margin_over_best_peer": (
            accuracies["pipeline"] - max(peers)
            if accuracies.get("pipeline") is not None and peers
            else None
        ),
    }


def machine() -> dict[str, Any]:
    """Return what the results were measured on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        memory = round(int(found.group(1)) / 1024 / 1024, 1) if found else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def versions() -> dict[str, str | None]:
    """Return the versions of the packages measured."""
    found: dict[str, str | None] = {}
    for name in VERSIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def benchmark(
    plans: list[Plan], runs: int, params_path: Path, work: Path, log: Any = sys.stderr
) -> dict[str, Any]:
    """Given the plans, the number of rounds, params.yaml and a scratch folder, measure
    every tool on every plan `runs` times, interleaved, and return the results."""
    load_before = os.getloadavg()
    raw: dict[str, dict[str, list[dict[str, Any]]]] = {p.name: {} for p in plans}
    extra: dict[str, list[str]] = {}
    for round_ in range(1, runs + 1):
        for plan in plans:
            measured = raw[plan.name]
            # the pipeline first: its grid finders say whether the plan is borderless
            first = measure_once("pipeline", plan, work, round_, params_path, log)
            measured.setdefault("pipeline", []).append(first)
            if "text" in first["finders"]:
                extra[plan.name] = BORDERLESS_TOOLS
            # a scan's pages go to the pdfplumber reader whatever the engine
            skip = {"pipeline-pdfplumber"} if "image" in first["finders"] else set()
            for tool in [*TOOLS[1:], *extra.get(plan.name, [])]:
                if tool in skip:
                    continue
                measured.setdefault(tool, []).append(
                    measure_once(tool, plan, work, round_, params_path, log)
                )
    results: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "runs": runs,
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "plans": [],
    }
    for plan in plans:
        pages = raw[plan.name]["pipeline"][0]["pages"]
        tools = {
            tool: runs_to_entry(tool, tool_runs, pages, plan.reference)
            for tool, tool_runs in raw[plan.name].items()
        }
        results["plans"].append(
            {
                "plan": plan.name,
                "source": plan.listed,
                "pages": pages,
                "reference": plan.reference.name if plan.reference else None,
                "tools": list(tools.values()),
                "ratios": plan_to_ratios(tools),
            }
        )
    return results


def number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def accuracy_cells(entry: dict[str, Any]) -> tuple[str, str]:
    """Given one tool's line, return its cell accuracy and rows paired/extracted."""
    accuracy = entry.get("accuracy")
    if not accuracy:
        return "–", "–"
    return (
        f"{accuracy['cell_accuracy']:.4f}",
        f"{accuracy['paired_rows']}/{accuracy['reference_rows']} "
        f"({accuracy['extracted_rows']} read)",
    )


def results_to_markdown(results: dict[str, Any]) -> str:
    """Given the results, return them as Markdown: the comparison, the ratios and the
    pipeline's pages per second per step."""
    m, v = results["machine"], results["versions"]
    before, after = results["load_average"]["before"][0], results["load_average"]["after"][0]
    lines = [
        f"Measured {results['date'][:10]} by `python -m benchmarks.compare` on {m['cpu']}, "
        f"{m['cores']} cores, {m['memory_gib']} GiB, {m['system']}, Python {m['python']}; "
        + ", ".join(f"{k} {val}" for k, val in v.items() if val)
        + ". "
        f"Median of {results['runs']} runs, each in a fresh process, the tools interleaved "
        f"in each round (load average {before:.1f} at the start, {after:.1f} at the end: "
        "the machine is shared). Seconds exclude the interpreter's start and imports "
        "except on the command's row; the in-process pipeline's runs are cold (new "
        "process, empty OCR cache) with a warm rerun in the same process beside them; "
        "the command reuses the OCR cache the in-process run filled (on a scan it is "
        "warm, without the minute of OCR). Cell accuracy is `tests/score.py`'s exact "
        "printed-cell share, against the plan's reference transcription.",
        "",
        "| plan | pages | tool | seconds | warm s | pages/s | peak MiB | cell accuracy "
        "| rows found |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for plan in results["plans"]:
        for entry in plan["tools"]:
            accuracy, rows = accuracy_cells(entry)
            lines.append(
                f"| {plan['plan']} | {plan['pages']} | {entry['label']} | "
                f"{number(entry['seconds'])} | {number(entry.get('warm_seconds'))} | "
                f"{number(entry['pages_per_second'], 1)} | {number(entry['peak_mib'], 0)} | "
                f"{accuracy} | {rows} |"
            )
    lines += [
        "",
        "Ratios (piano extract in-process, cold):",
        "",
        "| plan | piano / pdfplumber words | piano / pypdfium2 text "
        "| piano / camelot lattice | cell accuracy over the best peer |",
        "|---|---:|---:|---:|---:|",
    ]
    for plan in results["plans"]:
        r = plan["ratios"]
        margin = r["accuracy_margin_over_best_peer"]
        lines.append(
            f"| {plan['plan']} | {number(r['pipeline_over_pdfplumber_words'])}× | "
            f"{number(r['pipeline_over_pdfium_text'], 0)}× | "
            f"{number(r['pipeline_over_camelot_lattice'])}× | "
            f"{'–' if margin is None else f'{margin:+.4f}'} |"
        )
    stages = [
        s
        for s in STAGES
        if any(s in e.get("stages", {}) for p in results["plans"] for e in p["tools"])
    ]
    lines += [
        "",
        "Pages per second of each step of piano extract (cold run, "
        "by reader; `pipeline.core.timing.StageTimings`; – under a millisecond; OCR "
        "runs in two worker threads, so its steps overlap):",
        "",
        "| plan | " + " | ".join(stages) + " |",
        "|---|" + "---:|" * len(stages),
    ]
    for plan in results["plans"]:
        for entry in (e for e in plan["tools"] if e["tool"].startswith("pipeline")):
            reader = entry["tool"].removeprefix("pipeline").strip("-") or "pdfium"
            cells = []
            for stage in stages:
                seconds = entry["stages"].get(stage)
                cells.append(
                    "–" if not seconds or seconds < 1e-3 else f"{plan['pages'] / seconds:.0f}"
                )
            lines.append(f"| {plan['plan']} ({reader}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def readme_with_section(readme: str, markdown: str) -> str:
    """Given the README's text and the benchmark's Markdown, return the README with the
    Markdown between the benchmark markers; raise ValueError without the markers."""
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise ValueError("README.md has no benchmark markers")
    return readme[: start + len(README_START)] + "\n" + markdown + readme[end:]


def main(argv: list[str] | None = None) -> int:
    """Run the comparison as the command line asks; print the Markdown; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"rounds; each figure is their median (default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--plans", nargs="+", metavar="NAME", help="only these plans of params.yaml (default: all)"
    )
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml")
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / "benchmarks" / "results.json",
        help="where to write the results (default benchmarks/results.json)",
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="put the table into README.md between the benchmark markers",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    plans = params_to_plans(args.params, args.plans)
    if not plans:
        parser.error("no plan of params.yaml matched")
    with tempfile.TemporaryDirectory(prefix="piano-bench-") as work:
        results = benchmark(plans, args.runs, args.params, Path(work))
    markdown = results_to_markdown(results)
    args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.write_readme:
        readme = ROOT / "README.md"
        readme.write_text(
            readme_with_section(readme.read_text(encoding="utf-8"), markdown), encoding="utf-8"
        )
    print(markdown, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
