"""The DVC pipeline on a copy of the repository: `dvc repro` builds every plan and the
diff, a second run reruns nothing, and a changed PDF reruns only its own chain and the
diff that uses it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT


def run(cwd: Path, *command: str) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


# the stages dvc.yaml runs for every plan (score runs only for plans with achievements)
PER_PLAN_STAGES = ("extract", "normalise", "correct", "validate", "review")


def stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the project's tracked files, as a fresh clone has them."""
    if shutil.which("dvc") is None or shutil.which("piano") is None:
        pytest.fail("dvc and piano must be installed (bash scripts/setup)")
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
    run(copy, "git", "init", "-q")
    run(copy, "git", "add", "-A")
    run(copy, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy")
    return copy


def test_repro_builds_every_plan_then_reruns_nothing(repo: Path):
    first = stages_run(run(repo, "dvc", "repro"))
    plans = ("desenzano-2021-07", "desenzano-2021-11")
    for plan in plans:
        assert {f"{stage}@{plan}" for stage in PER_PLAN_STAGES} <= first
        assert (repo / "extracted" / plan / "objectives.parquet").exists()
    assert "diff@desenzano-2021-07__desenzano-2021-11" in first
    assert (repo / "diffs" / "desenzano-2021-07__desenzano-2021-11" / "diff.md").exists()
    assert stages_run(run(repo, "dvc", "repro")) == set()
    metrics = run(repo, "dvc", "metrics", "show")
    assert "objectives" in metrics and "findings_warning" in metrics


def test_changed_pdf_reruns_only_its_revision_and_the_diff(repo: Path):
    run(repo, "dvc", "repro")
    with (repo / "sources" / "desenzano-2021-07.pdf").open("ab") as pdf:
        pdf.write(b"\n% a new copy of the same plan\n")  # a comment after %%EOF
    rerun = stages_run(run(repo, "dvc", "repro"))
    assert rerun == {f"{stage}@desenzano-2021-07" for stage in PER_PLAN_STAGES} | {
        "diff@desenzano-2021-07__desenzano-2021-11"
    }
