"""The DVC pipeline on a copy of the repository: `dvc repro` builds every plan and the
diff, a second run reruns nothing, and a changed PDF reruns only its own chain and the
diff that uses it. DVC and piano come from the environment running the tests, found
without activating it, as `.venv/bin/dvc repro` finds them; the scan's OCR readings come
from the session's cache."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, params_with_ocr_cache

# the environment running the tests; dvc.yaml's commands run .venv/bin/piano
VENV = Path(sys.prefix)


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


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> Path:
    """A git repository holding the project's tracked files, as a fresh clone has them,
    with the session's OCR cache in its params.yaml and the tests' environment as its
    .venv."""
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
    params = params_with_ocr_cache(ocr_cache)
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    run(copy, "git", "init", "-q")
    run(copy, "git", "add", "-A")
    run(copy, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy")
    (copy / ".venv").symlink_to(VENV, target_is_directory=True)  # untracked, as in a clone
    return copy


def test_repro_builds_every_plan_then_reruns_nothing(repo: Path, ocr_cache: Path):
    readings = cached_readings(ocr_cache)
    assert readings  # the scan's cells are read by Tesseract
    first = stages_run(dvc(repo, "repro"))
    plans = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))["plans"]
    assert {"desenzano-2021-07", "desenzano-2021-11", "desenzano-2021-11-scan"} <= set(plans)
    for plan in plans:
        assert {f"{stage}@{plan}" for stage in PER_PLAN_STAGES} <= first
        assert (repo / "extracted" / plan / "objectives.parquet").exists()
    assert "diff@desenzano-2021-07__desenzano-2021-11" in first
    assert (repo / "diffs" / "desenzano-2021-07__desenzano-2021-11" / "diff.md").exists()
    assert cached_readings(ocr_cache) == readings  # every OCR reading came from the cache
    assert stages_run(dvc(repo, "repro")) == set()
    metrics = dvc(repo, "metrics", "show")
    assert "objectives" in metrics and "findings_warning" in metrics


def test_changed_pdf_reruns_only_its_revision_and_the_diff(repo: Path):
    dvc(repo, "repro")
    with (repo / "sources" / "desenzano-2021-07.pdf").open("ab") as pdf:
        pdf.write(b"\n% a new copy of the same plan\n")  # a comment after %%EOF
    rerun = stages_run(dvc(repo, "repro"))
    assert rerun == {f"{stage}@desenzano-2021-07" for stage in PER_PLAN_STAGES} | {
        "diff@desenzano-2021-07__desenzano-2021-11"
    }
