"""How piano reads the same plan printed by many producers: the rendering matrix.

    python -m benchmarks.renderings_bench [--smoke] [--only NAME ...] [--out build/renderings]
                                          [--json FILE] [--jobs 2]

Renders the matrix (`python -m benchmarks.renderings`; cached under build/renderings/,
rendered again when the generator changes), then for every PDF: runs `piano extract`
(a subprocess, no --revision, pdfium reader), scores it with tests/score.py, checks
block / seq / objective_id / page_first / page_last and the municipality and revision
against the manifest, compares each objective's sub-targets (count, weights, texts with
white space squashed) with those piano reads from the same plan's bundled ruled PDF
(sources/, extracted once into OUT/runs/bundled/), runs `piano extract` again with the
pdfplumber reader and checks that both give the same text columns, and for each
constructed revision runs `piano diff` against its base rendering and compares the
change rows with its known edits. Prints one row per PDF and a summary; writes the
results as JSON (build/renderings/results.json by default).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from benchmarks.renderings.generate import (
    REFERENCE_DIR,
    Rendering,
    matrix_renderings,
    render_all,
    smoke_renderings,
)
from benchmarks.renderings.matrix import REFERENCES
from pipeline.core.contract import OBJECTIVE_FIELDS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "renderings"
ENGINES = ("pdfium", "pdfplumber")
TEXT_COLUMNS = ("objective_id", *OBJECTIVE_FIELDS)
CHANGE_KEY = ("change", "sector", "old_objective_id", "new_objective_id", "field")
SOURCES = ROOT / "sources"
# the printed cells that tell a plan's rows apart, to find a cut-down plan's rows in it
ROW_CELLS = ("number", "subject", "description", "indicator", "expected_result", "deadline")
PIANO_TIMEOUT_S = 600


def load_score() -> ModuleType:
    """Import tests/score.py (it is no package module)."""
    spec = importlib.util.spec_from_file_location("score", ROOT / "tests" / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _piano() -> list[str]:
    found = Path(sys.executable).with_name("piano")
    return [str(found)] if found.exists() else [sys.executable, "-m", "pipeline.cli"]


def run_extract(pdf: Path, out: Path, engine: str, work: Path) -> dict[str, Any]:
    """Run `piano extract` with the given reader; return exit code, last stderr line,
    seconds."""
    params = work / f"params-{engine}.yaml"
    params.write_text(f"extract:\n  read:\n    engine: {engine}\n", encoding="utf-8")
    corrections = work / "no-corrections"
    corrections.mkdir(exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [
            *_piano(),
            "extract",
            str(pdf),
            "--out",
            str(out),
            "--params",
            str(params),
            "--corrections-dir",
            str(corrections),
        ],
        capture_output=True,
        text=True,
        timeout=PIANO_TIMEOUT_S,
        cwd=work,
    )
    lines = done.stderr.strip().splitlines()
    return {
        "exit": done.returncode,
        "error": lines[-1] if done.returncode and lines else None,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _none(value: Any) -> Any:
    """Given a cell of a frame, return None for any kind of missing value (None, NaN, NA)."""
    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def check_manifest(
    score: ModuleType, reference: dict[str, Any], manifest: dict[str, Any], folder: Path
) -> dict[str, Any]:
    """Given an extract folder, compare each paired row's block, seq, objective_id and
    pages, and the document's municipality and revision, with the manifest."""
    ref_rows = score.reference_rows(reference)
    out = pd.read_parquet(folder / "objectives.parquet").reset_index(drop=True)
    pairs = score.pair_rows(ref_rows, out)
    truth = {(o["block"], o["seq"]): o for o in manifest["objectives"]}
    counts = {"blocks": 0, "ids": 0, "pages": 0}
    misses: list[str] = []
    for i, j, _ in pairs:
        want = truth[(ref_rows[i]["block"], ref_rows[i]["seq"])]
        got = out.iloc[j]
        block_ok = int(got["block"]) == want["block"] and int(got["seq"]) == want["seq"]
        id_ok = got["objective_id"] == want["objective_id"]
        pages_ok = (int(got["page_first"]), int(got["page_last"])) == (
            want["page_first"],
            want["page_last"],
        )
        counts["blocks"] += block_ok
        counts["ids"] += id_ok
        counts["pages"] += pages_ok
        if not (block_ok and id_ok and pages_ok) and len(misses) < 10:
            misses.append(
                f"{want['objective_id']} p{want['page_first']}-{want['page_last']}: got "
                f"{got['objective_id']} p{int(got['page_first'])}-{int(got['page_last'])}"
            )
    document = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    n = len(manifest["objectives"])
    return {
        "blocks_ok": counts["blocks"] / n,
        "ids_ok": counts["ids"] / n,
        "pages_ok": counts["pages"] / n,
        "position_misses": misses,
        "municipality": document.get("municipality"),
        "revision": document.get("revision"),
        "document_ok": document.get("municipality") == manifest["municipality"]
        and document.get("revision") == manifest["revision"],
    }


def readers_agree(first: Path, second: Path) -> tuple[bool, str | None]:
    """Given two extract folders, return whether their objectives' text columns are
    identical, and the first difference."""
    a = pd.read_parquet(first / "objectives.parquet")
    b = pd.read_parquet(second / "objectives.parquet")
    if len(a) != len(b):
        return False, f"{len(a)} rows vs {len(b)}"
    for column in TEXT_COLUMNS:
        for index, (x, y) in enumerate(zip(a[column], b[column], strict=True)):
            if _none(x) != _none(y):
                return False, f"row {index} {column}: {str(x)[:50]!r} vs {str(y)[:50]!r}"
    return True, None


def revision_to_bundled_plan(revision: str) -> str | None:
    """Given a rendering's revision, return the bundled plan (a reference with its ruled
    PDF in sources/) printing that revision, or None (a constructed revision)."""
    for name in REFERENCES:
        document = json.loads((REFERENCE_DIR / f"{name}.json").read_text(encoding="utf-8"))
        if document["document"]["revision"] == revision and (SOURCES / f"{name}.pdf").exists():
            return name
    return None


def extract_bundled(names: set[str], out: Path) -> dict[str, Path]:
    """Extract each named bundled ruled PDF once (pdfium reader) into OUT/runs/bundled/;
    return name → output folder (left out when the extract failed)."""
    work = out / "runs" / "bundled"
    work.mkdir(parents=True, exist_ok=True)
    folders = {}
    for name in sorted(names):
        if run_extract(SOURCES / f"{name}.pdf", work / name, "pdfium", work)["exit"] == 0:
            folders[name] = work / name
    return folders


def _row_key(block: int, objective: dict[str, Any]) -> str:
    return json.dumps([block, *(objective.get(c) for c in ROW_CELLS)], ensure_ascii=False)


def reference_to_plan_ids(
    reference: dict[str, Any], plan: dict[str, Any]
) -> dict[tuple[int, int], str | None]:
    """Given a rendering's transcription and that of the plan it prints (the same, or the
    whole plan it was cut from), return (block, seq) of each row → the objective_id of
    the same row in the plan, None where the plan has no such row."""
    ids: dict[str, str] = {}
    for block in plan["blocks"]:
        for objective in block["objectives"]:
            key = _row_key(block["block"], objective)
            ids.setdefault(key, f"{block['block']:02d}.{objective['seq']:02d}")
    return {
        (block["block"], objective["seq"]): ids.get(_row_key(block["block"], objective))
        for block in reference["blocks"]
        for objective in block["objectives"]
    }


def folder_to_targets(folder: Path) -> dict[str, list[tuple[str, float | None]]]:
    """Given an extract folder, return objective_id → its targets in order as (text with
    white space squashed, weight)."""
    targets = pd.read_parquet(folder / "targets.parquet").sort_values(
        ["objective_id", "target_seq"]
    )
    found: dict[str, list[tuple[str, float | None]]] = {}
    for row in targets.itertuples(index=False):
        weight = None if pd.isna(row.weight_pct) else float(row.weight_pct)
        found.setdefault(str(row.objective_id), []).append(
            (" ".join(str(row.text).split()), weight)
        )
    return found


def check_targets(
    score: ModuleType, reference: dict[str, Any], folder: Path, plan: str, bundled: Path
) -> dict[str, Any]:
    """Given a rendering's transcription and extract folder, the bundled plan it prints
    and that plan's extract folder, compare each row's targets (count, weights, squashed
    texts) with the bundled plan's targets for the same row."""
    plan_reference = json.loads((REFERENCE_DIR / f"{plan}.json").read_text(encoding="utf-8"))
    plan_ids = reference_to_plan_ids(reference, plan_reference)
    ref_rows = score.reference_rows(reference)
    out = pd.read_parquet(folder / "objectives.parquet").reset_index(drop=True)
    got, want = folder_to_targets(folder), folder_to_targets(bundled)
    paired = {i: str(out.iloc[j]["objective_id"]) for i, j, _ in score.pair_rows(ref_rows, out)}
    same, misses = 0, []
    for i, row in enumerate(ref_rows):
        plan_id = plan_ids[(row["block"], row["seq"])]
        mine = got.get(paired[i], []) if i in paired else None
        theirs = want.get(plan_id, []) if plan_id else None
        if mine is not None and mine == theirs:
            same += 1
        elif len(misses) < 10:
            misses.append(
                f"{plan_id}: {_targets_text(theirs)} in the bundled PDF, {_targets_text(mine)} here"
            )
    return {
        "targets_ok": same / len(ref_rows) if ref_rows else None,
        "targets_same": same,
        "target_misses": misses,
    }


def _targets_text(targets: list[tuple[str, float | None]] | None) -> str:
    if targets is None:
        return "no row"
    shown = [
        f"{text[:40]!r}{'' if weight is None else f' {weight:g}%'}" for text, weight in targets
    ]
    return f"{len(targets)} [{'; '.join(shown)}]"


def check_diff(base: Path, revised: Path, manifest: dict[str, Any], work: Path) -> dict[str, Any]:
    """Run `piano diff` base → revised; compare its change rows, relevance changes and
    the weight change with the manifest's expected ones."""
    out = work / "diff"
    done = subprocess.run(
        [*_piano(), "diff", str(base), str(revised), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=PIANO_TIMEOUT_S,
        cwd=work,
    )
    if done.returncode:
        return {"diff_ok": False, "diff_error": done.stderr.strip().splitlines()[-1:]}
    table = pd.read_parquet(out / "diff.parquet")
    got = sorted(
        tuple("" if _none(v) is None else str(v) for v in row)
        for row in table[list(CHANGE_KEY)].astype(object).itertuples(index=False)
    )
    want = sorted(
        tuple("" if c[k] is None else str(c[k]) for k in CHANGE_KEY)
        for c in manifest["expected_changes"]
    )
    weights = pd.read_parquet(out / "sector_weights_diff.parquet")
    got_weights = sorted(
        (r.change, r.sector, float(r.old_pct), float(r.new_pct))
        for r in weights.itertuples(index=False)
    )
    want_weights = sorted(
        (c["change"], c["sector"], c["old_pct"], c["new_pct"])
        for c in manifest["expected_sector_weight_changes"]
    )
    targets = pd.read_parquet(out / "targets_diff.parquet").astype(object)
    target_rows = {
        tuple("" if _none(v) is None else str(v) for v in row)
        for row in targets[[*CHANGE_KEY, "old_value", "new_value"]].itertuples(index=False)
    }
    target_ok = all(
        tuple("" if c[k] is None else str(c[k]) for k in (*CHANGE_KEY, "old_value", "new_value"))
        in target_rows
        for c in manifest["expected_target_changes"]
    )
    return {
        "diff_ok": got == want and got_weights == want_weights and target_ok,
        "diff_missing": [list(r) for r in want if r not in got],
        "diff_extra": [list(r) for r in got if r not in want][:20],
        "sector_weights_ok": got_weights == want_weights,
        "target_weight_ok": target_ok,
    }


def evaluate(
    rendering: Rendering,
    manifest: dict[str, Any],
    out: Path,
    score: ModuleType,
    bundled: dict[str, Path] | None = None,
) -> dict[str, Any]:
    """Extract one rendered PDF with both readers, score and check it; `bundled` maps the
    bundled plans to their extract folders, for the targets check."""
    name = rendering.name
    pdf = out / f"{name}.pdf"
    work = out / "runs" / name
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "name": name,
        "producer": manifest["producer"],
        "reference": manifest["reference"],
        "pages": manifest["pages"],
        "rows_split": manifest["rows_split_across_pages"],
        "expected_rows": len(manifest["objectives"]),
    }
    # a constructed revision is read with the default reader only: its base checks both
    engines = ENGINES[:1] if manifest.get("base") else ENGINES
    runs = {engine: run_extract(pdf, work / engine, engine, work) for engine in engines}
    main = runs["pdfium"]
    result.update(exit=main["exit"], error=main["error"], seconds=main["seconds"])
    if main["exit"] != 0:
        return result
    report = score.score(rendering.reference, work / "pdfium")
    result.update(
        found_rows=report["extracted_rows"],
        paired_rows=report["paired_rows"],
        recall=report["row_recall"],
        precision=report["row_precision"],
        cell_accuracy=report["cell_accuracy"],
        cell_similarity=report["cell_similarity"],
        normalised=min(report["normalised_accuracy"].values()),
        normalised_fields=report["normalised_accuracy"],
        relevance=report["relevance"]["accuracy"],
        first_misses=report["first_misses"][:12],
    )
    result.update(check_manifest(score, rendering.reference, manifest, work / "pdfium"))
    plan = revision_to_bundled_plan(manifest["revision"])
    if plan is not None and plan in (bundled or {}):
        result["targets_plan"] = plan
        result.update(
            check_targets(score, rendering.reference, work / "pdfium", plan, (bundled or {})[plan])
        )
    if "pdfplumber" not in runs:
        return result
    if runs["pdfplumber"]["exit"] == 0:
        agree, difference = readers_agree(work / "pdfium", work / "pdfplumber")
    else:
        agree, difference = False, runs["pdfplumber"]["error"]
    result.update(readers_agree=agree, readers_difference=difference)
    return result


def evaluate_all(renderings: list[Rendering], out: Path, jobs: int = 2) -> list[dict[str, Any]]:
    """Render (cached) and evaluate every rendering; constructed revisions also get
    their diff against the base rendering. Return one result per rendering."""
    out = out.resolve()
    manifests = render_all(renderings, out, jobs)
    score = load_score()
    plans = {revision_to_bundled_plan(m["revision"]) for m in manifests} - {None}
    bundled = extract_bundled({p for p in plans if p is not None}, out)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(
            pool.map(
                lambda rm: evaluate(rm[0], rm[1], out, score, bundled),
                zip(renderings, manifests, strict=True),
            )
        )
    by_name = {r["name"]: r for r in results}
    for rendering, manifest, result in zip(renderings, manifests, results, strict=True):
        base = manifest.get("base")
        if not base:
            continue
        base_run = out / "runs" / base / "pdfium"
        if result.get("exit") or by_name.get(base, {}).get("exit", 1):
            result["diff_ok"] = False
            result["diff_error"] = "an extract failed"
            continue
        result.update(
            check_diff(
                base_run,
                out / "runs" / rendering.name / "pdfium",
                manifest,
                out / "runs" / rendering.name,
            )
        )
    return results


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def results_to_table(results: list[dict[str, Any]]) -> str:
    """Render the results as a Markdown table, one row per PDF."""
    head = (
        "| PDF | rows found/expected | recall | precision | cell acc | cell sim | "
        "normalised | relevance | blocks/ids/pages ok | document ok | targets as bundled | "
        "readers agree | diff ok | s |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in results:
        if r.get("exit"):
            lines.append(
                f"| {r['name']} | exit {r['exit']}: {(r.get('error') or '')[:90]} "
                f"| | | | | | | | | | | | {r['seconds']} |"
            )
            continue
        positions = "/".join(_fmt(r[k], 2) for k in ("blocks_ok", "ids_ok", "pages_ok"))
        lines.append(
            f"| {r['name']} | {r['paired_rows']}/{r['expected_rows']} ({r['found_rows']} read) "
            f"| {_fmt(r['recall'])} | {_fmt(r['precision'])} | {_fmt(r['cell_accuracy'], 4)} "
            f"| {_fmt(r['cell_similarity'], 4)} | {_fmt(r['normalised'])} "
            f"| {_fmt(r.get('relevance'))} | {positions} "
            f"| {_fmt(r['document_ok'])} | {_fmt(r.get('targets_ok'), 2)} "
            f"| {_fmt(r.get('readers_agree'))} "
            f"| {_fmt(r.get('diff_ok'))} | {r['seconds']} |"
        )
    return "\n".join(lines)


def results_to_summary(results: list[dict[str, Any]]) -> str:
    """Say in a few lines how many PDFs pass each check."""
    ran = [r for r in results if not r.get("exit")]
    perfect = [
        r
        for r in ran
        if r["recall"] == 1
        and r["precision"] == 1
        and r["cell_accuracy"] >= 0.999
        and r["normalised"] == 1
        and r.get("relevance") == 1
        and r["pages_ok"] == 1
        and r["ids_ok"] == 1
        and r["document_ok"]
        and r.get("readers_agree", True)
        and r.get("diff_ok", True)
        and r.get("targets_ok", 1) == 1
    ]
    diffs = [r for r in results if "diff_ok" in r]
    compared = [r for r in ran if r.get("targets_ok") is not None]
    lines = [
        f"{len(results)} PDFs: {len(results) - len(ran)} failed to extract, "
        f"{len(perfect)} fully right.",
        f"rows: recall 1.000 on {sum(r['recall'] == 1 for r in ran)}, precision 1.000 on "
        f"{sum(r['precision'] == 1 for r in ran)}; cell accuracy >= 0.999 on "
        f"{sum(r['cell_accuracy'] >= 0.999 for r in ran)}; normalised fields 1.000 on "
        f"{sum(r['normalised'] == 1 for r in ran)}; relevance table (sector weights) 1.000 on "
        f"{sum(r.get('relevance') == 1 for r in ran)}",
        f"blocks/ids/pages as printed on "
        f"{sum(r['pages_ok'] == 1 and r['ids_ok'] == 1 for r in ran)};"
        f" document (municipality, revision) right on {sum(bool(r['document_ok']) for r in ran)};"
        f" readers agree on {sum(bool(r.get('readers_agree')) for r in ran)}"
        f"/{sum('readers_agree' in r for r in ran)}",
        f"targets as in the bundled ruled PDF (count, weights, texts) on every objective: "
        f"{sum(r['targets_ok'] == 1 for r in compared)}/{len(compared)}",
        f"constructed revision diffs exactly their edits: {sum(bool(r['diff_ok']) for r in diffs)}"
        f"/{len(diffs)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table and summary."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--smoke", action="store_true", help="the smoke test's small PDFs")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="name substrings to keep")
    parser.add_argument("--json", type=Path, help="results file (default OUT/results.json)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    renderings = smoke_renderings() if args.smoke else matrix_renderings()
    if args.only:
        renderings = [r for r in renderings if any(o in r.name for o in args.only)]
    started = time.perf_counter()
    results = evaluate_all(renderings, args.out, args.jobs)
    print(results_to_table(results))
    print()
    print(results_to_summary(results))
    print(f"({time.perf_counter() - started:.0f} s)")
    target = args.json or args.out / "results.json"
    target.write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
