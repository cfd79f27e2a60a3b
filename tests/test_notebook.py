"""notebooks/explore.ipynb runs top to bottom on the bundled plans, so it never rots."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_committed_notebook_has_no_outputs():
    # outputs belong to a run, not to the repository: they would go stale and bloat diffs
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_explore_notebook_runs_top_to_bottom_on_the_bundled_plans(
    extracted: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data = tmp_path / "data"
    for name, folder in extracted.items():
        shutil.copytree(folder, data / "extracted" / name)
    old, new = "desenzano-2021-07", "desenzano-2021-11"  # the July → November revisions
    assert (
        main(
            [
                "diff",
                str(data / "extracted" / old),
                str(data / "extracted" / new),
                "--out",
                str(data / "diffs" / f"{old}__{new}"),
            ]
        )
        == 0
    )
    monkeypatch.setenv("PIANO_DATA_ROOT", str(data))
    # the kernel imports this checkout's package, wherever the installed one points
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on a failure
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    plots = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(plots) >= 4  # sectors, deadline timeline, findings by rule, changes
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    assert str(data / "extracted") in text and old in text and new in text
