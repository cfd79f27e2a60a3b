"""The DVC pipeline on a small copy of the project: `dvc repro` builds every plan and the
diff, every stage reads and imports only what its deps in dvc.yaml cover, a second run
reruns nothing, and a changed PDF reruns only its own chain and the diff that uses it.

The copy holds the project's tracked files with each plan cut to a few pages of its
bundled PDF (its first sector table and the relevance table) and the achievements and
hand corrections of the objectives those pages hold, so the stages run in seconds; the
full build of every bundled plan is CI's set-up line (`bash scripts/setup &&
.venv/bin/dvc repro` in .ci/run). DVC and piano come from the environment running the
tests, found without activating it, as `.venv/bin/dvc repro` finds them; the scan's OCR
readings come from a cache filled once per session. Nothing is written in the project:
the excerpts, the cache and the copy are in the tests' temporary folder."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from itertools import takewhile
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import ROOT

# the environment running the tests; dvc.yaml's commands run .venv/bin/piano
VENV = Path(sys.prefix)

# Loaded by every Python process of the run through PYTHONPATH: a `piano` process records
# the files it opens or lists and the modules it imports, so the test can hold them
# against the stage's deps.
AUDIT_HOOK = """
import atexit, json, os, sys
LOG = os.environ.get("PIANO_AUDIT_DIR")
if LOG and sys.argv and os.path.basename(sys.argv[0]) == "piano":
    seen = set()
    def hook(event, args):
        if event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        if not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        writes = set(mode) & set("wax+") or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if event != "open" or not writes:  # what is written is an output, not an input
            seen.add(os.path.abspath(os.fsdecode(args[0])))
    sys.addaudithook(hook)
    def dump():
        files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
        record = {"argv": sys.argv[1:], "opened": sorted(p for p in seen if os.path.exists(p)),
                  "modules": sorted({os.path.abspath(f) for f in files if f and os.path.isfile(f)})}
        with open(os.path.join(LOG, f"{os.getpid()}.json"), "w") as out:
            json.dump(record, out)
    atexit.register(dump)
"""


def run(cwd: Path, *command: str) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


# the stages dvc.yaml runs for every plan (score runs only for plans with achievements)
PER_PLAN_STAGES = ("extract", "normalise", "correct", "validate", "review")


def stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


def dvc(cwd: Path, *arguments: str) -> str:
    return run(cwd, str(VENV / "bin" / "dvc"), *arguments)


def cached_readings(cache: Path) -> set[Path]:
    return set(cache.rglob("*.json"))


# The small project's plans: the pages of each bundled PDF it keeps (0-based), those of the
# plan's first sector table, so that its objectives keep their ids and targets, and the
# relevance table. desenzano-2021-11-borderless is left out: its chain is that of
# desenzano-2021-11 but for the grid finder, a module every extract stage imports and one
# that opens no file.
EXCERPT_PAGES = {
    "desenzano-2021-07": [0, 1, 22],  # the table ends on page 2, where the next one starts
    "desenzano-2021-11": [0, 18],
    "desenzano-2021-11-scan": [0, 18],  # the two pages Tesseract reads, once per session
}
FIRST_TABLE = "01."  # the objective ids of a plan's first sector table


def pdf_to_excerpt(source: Path, pages: list[int], out: Path) -> None:
    """Write the `pages` (0-based) of the PDF `source` to a new PDF `out`."""
    pdf, excerpt = pdfium.PdfDocument(source), pdfium.PdfDocument.new()
    try:
        excerpt.import_pages(pdf, pages)
        excerpt.save(out)
    finally:
        excerpt.close()
        pdf.close()


def achievements_of_first_table(text: str) -> str:
    """Given an achievements CSV, return it with only the rows of FIRST_TABLE's objectives:
    the score stage wants a row for every target, and none for a target it lacks."""
    comments = "".join(takewhile(lambda line: line.startswith("#"), text.splitlines(True)))
    reader = csv.DictReader(io.StringIO(text[len(comments) :]))
    out = io.StringIO()
    out.write(comments)
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(row for row in reader if row["objective_id"].startswith(FIRST_TABLE))
    return out.getvalue()


def corrections_of_first_table(text: str) -> str:
    """Given a corrections file, return its entries for FIRST_TABLE's objectives: the
    correct stage stops on an entry whose objective is missing."""
    entries = yaml.safe_load(text) or []
    kept = [e for e in entries if str(e["objective_id"]).startswith(FIRST_TABLE)]
    return yaml.safe_dump(kept, sort_keys=False, allow_unicode=True)


def small_project_params(cache: Path) -> dict:
    """Return params.yaml as committed with only EXCERPT_PAGES' plans, the diffs and scores
    of those, and the OCR readings cached in `cache`."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    assert set(EXCERPT_PAGES) <= set(params["plans"])
    params["plans"] = {k: v for k, v in params["plans"].items() if k in EXCERPT_PAGES}
    params["diffs"] = {
        k: v for k, v in params["diffs"].items() if {v["old"], v["new"]} <= set(EXCERPT_PAGES)
    }
    params["scores"] = {k: v for k, v in params["scores"].items() if k in EXCERPT_PAGES}
    params.setdefault("extract", {}).setdefault("ocr", {})["cache_dir"] = str(cache)
    return params


@pytest.fixture(scope="session")
def excerpts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Cut each plan of EXCERPT_PAGES from its bundled PDF; return plan → excerpt."""
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("excerpts")
    out = {}
    for name, pages in EXCERPT_PAGES.items():
        out[name] = folder / f"{name}.pdf"
        pdf_to_excerpt(ROOT / params["plans"][name]["source"], pages, out[name])
    return out


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory, excerpts: dict[str, Path]) -> Path:
    """Run the extract stage once on every excerpt, with the small project's settings,
    and return the OCR cache it filled (the scan's pages): `dvc repro` on the small
    project reads them from it and runs no OCR."""
    from pipeline.cli import main

    cache = tmp_path_factory.mktemp("ocr-cache")
    params_file = tmp_path_factory.mktemp("ocr-params") / "params.yaml"
    params_file.write_text(yaml.safe_dump(small_project_params(cache)), encoding="utf-8")
    for name, pdf in excerpts.items():
        out = tmp_path_factory.mktemp(f"ocr-{name}")
        code = main(["stage", "extract", str(pdf), "--out", str(out), "--params", str(params_file)])
        assert code == 0, f"piano stage extract failed on {name}"
    return cache


@pytest.fixture(scope="module")
def repo(
    tmp_path_factory: pytest.TempPathFactory, excerpts: dict[str, Path], ocr_cache: Path
) -> Path:
    """A git repository holding the project's tracked files, as a fresh clone has them, cut
    to the small project: the excerpts in place of their plans' PDFs, the achievements and
    corrections of their first tables, the session's OCR cache in params.yaml and the
    tests' environment as its .venv."""
    missing = [p for p in (VENV / "bin" / "dvc", VENV / "bin" / "piano") if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(map(str, missing))} missing: run bash scripts/setup")
    copy = tmp_path_factory.mktemp("repo")
    tracked = run(ROOT, "git", "ls-files", "-z").split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    # generated outputs a clone does not have
    for generated in ("dvc.lock", "metrics"):
        path = copy / generated
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    params = small_project_params(ocr_cache)
    for name, plan in params["plans"].items():
        shutil.copy2(excerpts[name], copy / plan["source"])
    for score in params["scores"].values():
        path = copy / score["achievements"]
        path.write_text(achievements_of_first_table(path.read_text(encoding="utf-8")), "utf-8")
    for path in (copy / "corrections").glob("*.yaml"):
        path.write_text(corrections_of_first_table(path.read_text(encoding="utf-8")), "utf-8")
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    run(copy, "git", "init", "-q")
    run(copy, "git", "add", "-A")
    run(copy, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy")
    (copy / ".venv").symlink_to(VENV, target_is_directory=True)  # untracked, as in a clone
    return copy


@pytest.fixture(scope="module")
def first_repro(
    repo: Path, tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path
) -> tuple[str, list[dict]]:
    """Run `dvc repro` once on the copy with the audit hook; return its output and what
    each `piano` process opened and imported. Check that it ran no OCR: every reading of
    the scan comes from the session's cache."""
    readings = cached_readings(ocr_cache)
    assert readings  # the scan's cells are read by Tesseract
    hook, log = tmp_path_factory.mktemp("hook"), tmp_path_factory.mktemp("audit")
    (hook / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    env = {**os.environ, "PIANO_AUDIT_DIR": str(log)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hook), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [str(VENV / "bin" / "dvc"), "repro"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"dvc repro failed:\n{result.stdout}\n{result.stderr}"
    assert cached_readings(ocr_cache) == readings
    records = [json.loads(path.read_text()) for path in sorted(log.glob("*.json"))]
    return result.stdout + result.stderr, records


def covered(path: Path, allowed: list[Path]) -> bool:
    return any(path == a or a in path.parents for a in allowed)


# the Python environment: what the stages open or import there is no file of the project
ENVIRONMENT = (Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve())


@functools.cache
def in_project(name: str, root: Path) -> Path | None:
    """Given a file a stage opened or imported and the resolved project root, return it
    relative to the root, or None when it lies outside it or in the Python environment
    (cached: every stage imports the same thousand modules)."""
    path = Path(name).resolve()
    if any(o in path.parents for o in ENVIRONMENT) or root not in path.parents:
        return None
    return path.relative_to(root)


def test_every_stage_reads_and_imports_only_its_deps(repo: Path, first_repro):
    from dvc.repo import Repo

    _, records = first_repro
    by_argv = {tuple(r["argv"]): r for r in records}
    params = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))
    stages = Repo(str(repo)).index.stages
    plans, scores, diffs = (len(params[key]) for key in ("plans", "scores", "diffs"))
    assert len(stages) == plans * len(PER_PLAN_STAGES) + scores + diffs
    problems = []
    for stage in stages:
        name = stage.addressing.split(":")[-1]
        record = by_argv.get(tuple(shlex.split(stage.cmd)[1:]))
        assert record is not None, f"{name} ran no piano process"
        modules = {in_project(name, ROOT) for name in record["modules"]}
        # else its modules are another checkout's, which the check below leaves out
        assert Path("pipeline/__init__.py") in modules, (
            f"{name} imported pipeline from another checkout than {ROOT}"
        )
        allowed = [Path(str(d.def_path)) for d in stage.deps]
        outs = [Path(str(o.def_path)) for o in stage.outs]
        allowed += outs
        # an output's parent folder is listed for the temporaries killed runs left beside
        # it, and opened to sync the swap of the new output into place: no input is read
        listed = {o.parent for o in outs}
        allowed.append(Path("build/ocr-cache"))  # a cache, not an input: any content reads the same
        opened = {in_project(name, repo.resolve()) for name in record["opened"]}
        for relative in filter(None, opened | modules):
            if not covered(relative, allowed) and relative not in listed:
                problems.append(f"{name}: {relative}")
    assert problems == [], "stages read or import files outside their deps:\n" + "\n".join(
        sorted(set(problems))
    )


def test_repro_builds_every_plan_then_reruns_nothing(repo: Path, first_repro):
    first = stages_run(first_repro[0])
    plans = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))["plans"]
    assert {"desenzano-2021-07", "desenzano-2021-11", "desenzano-2021-11-scan"} <= set(plans)
    for plan in plans:
        assert {f"{stage}@{plan}" for stage in PER_PLAN_STAGES} <= first
        assert (repo / "extracted" / plan / "objectives.parquet").exists()
    assert "diff@desenzano-2021-07__desenzano-2021-11" in first
    pair = repo / "diffs" / "desenzano-2021-07__desenzano-2021-11"
    assert (pair / "diff.md").exists()
    assert "Modifiche" in openpyxl.load_workbook(pair / "modifiche.xlsx").sheetnames
    scored = openpyxl.load_workbook(repo / "scored" / "desenzano-2021-11" / "punteggi.xlsx")
    assert "Ripartizione del fondo" in scored.sheetnames
    # the review report is Italian and links to the diff its plan is part of, which exists
    index = (repo / "reports" / "desenzano-2021-11" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="it">' in index
    assert 'href="../../diffs/desenzano-2021-07__desenzano-2021-11/diff.html"' in index
    assert '<html lang="it">' in (pair / "diff.html").read_text(encoding="utf-8")
    assert stages_run(dvc(repo, "repro")) == set()
    metrics = dvc(repo, "metrics", "show")
    assert "objectives" in metrics and "findings_warning" in metrics


def test_dvc_checkout_brings_back_outputs_a_failed_repro_deleted(repo: Path, first_repro):
    # as the README says: `dvc repro` deletes a stage's outputs before running it
    plan = repo / "extracted" / "desenzano-2021-11"
    before = {p.name: p.read_bytes() for p in plan.iterdir()}
    shutil.rmtree(plan)
    plan.mkdir()
    dvc(repo, "checkout", "extracted/desenzano-2021-11")
    assert {p.name: p.read_bytes() for p in plan.iterdir()} == before


def test_changed_pdf_reruns_only_its_revision_and_the_diff(repo: Path, first_repro):
    with (repo / "sources" / "desenzano-2021-07.pdf").open("ab") as pdf:
        pdf.write(b"\n% a new copy of the same plan\n")  # a comment after %%EOF
    rerun = stages_run(dvc(repo, "repro"))
    assert rerun == {f"{stage}@desenzano-2021-07" for stage in PER_PLAN_STAGES} | {
        "diff@desenzano-2021-07__desenzano-2021-11"
    }
