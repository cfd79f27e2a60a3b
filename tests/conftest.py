"""Shared fixtures: the bundled plans extracted once per test session through the CLI."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # tests/score.py and tests/pdf_factory.py

# bundled plan → its reference transcription
BUNDLED = {
    "desenzano-2021-07": "desenzano-2021-07",
    "desenzano-2021-11": "desenzano-2021-11",
    "desenzano-2021-11-borderless": "desenzano-2021-11",
}


def reference(name: str) -> dict:
    return json.loads((TESTS / "reference" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run `piano extract` on every bundled plan; return name → output folder."""
    from pipeline.cli import main

    out = {}
    for name in BUNDLED:
        folder = tmp_path_factory.mktemp(name)
        code = main(["extract", str(ROOT / "sources" / f"{name}.pdf"), "--out", str(folder)])
        assert code == 0, f"piano extract failed on {name}"
        out[name] = folder
    return out


@pytest.fixture
def commands_on_this_branch():
    """Every command module is present; kept so CLI tests can name their dependency on
    the full command list."""
    from pipeline import cli

    missing = [m for m in cli.COMMAND_MODULES if importlib.util.find_spec(m) is None]
    assert missing == [], f"command modules missing: {missing}"


@pytest.fixture(scope="session")
def review_report(extracted: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run `piano review` on the extracted November plan; return the report folder."""
    from pipeline.cli import main

    folder = extracted["desenzano-2021-11"]
    out = tmp_path_factory.mktemp("reports") / "desenzano-2021-11"
    code = main(
        [
            "review",
            folder.name,
            "--extracted-root",
            str(folder.parent),
            "--source",
            str(ROOT / "sources" / "desenzano-2021-11.pdf"),
            "--out",
            str(out),
        ]
    )
    assert code == 0, "piano review failed on desenzano-2021-11"
    return out
