"""The package's layout: one subpackage per stage beside `core/` and a thin `cli/`, arrows
that only run down (core imports no stage, a stage imports only core and itself, nothing
imports the command line), and the contract's column lists equal to the pandera models."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

from pipeline.core.contract import (
    CORRECTED_FIELDS,
    OBJECTIVE_COLUMNS,
    OBJECTIVE_EXTRA_COLUMNS,
    TARGET_COLUMNS,
)
from pipeline.validate.schemas import ObjectivesSchema, TargetsSchema

PACKAGE = ROOT / "pipeline"
STAGES = {"extract", "normalise", "correct", "validate", "diff", "score", "review"}
MAX_LOOSE_MODULES = 8


def imports_of(path: Path) -> list[str]:
    """Every pipeline module a file imports, at any depth of its code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("pipeline")]
    return found


def layer_of(module: str) -> str:
    """Given `pipeline.extract.grid.text`, return `extract` (the package itself: "")."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_tree_has_a_subpackage_per_stage_and_few_loose_modules():
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert STAGES | {"core", "cli"} <= subpackages
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_arrows_only_run_down():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        here = layer_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module in imports_of(path):
            there = layer_of(module)
            if there == "cli" and here != "cli" and path.name != "__main__.py":
                wrong.append(f"{path.relative_to(ROOT)} imports the CLI ({module})")
            elif here == "core" and there not in ("core", ""):
                wrong.append(f"{path.relative_to(ROOT)}: core imports {module}")
            elif here in STAGES and there not in (here, "core", ""):
                wrong.append(f"{path.relative_to(ROOT)}: stage {here} imports {module}")
    assert wrong == []


def test_the_contract_lists_the_models_columns():
    objectives = list(ObjectivesSchema.to_schema().columns)
    assert objectives == [*OBJECTIVE_COLUMNS, *OBJECTIVE_EXTRA_COLUMNS, CORRECTED_FIELDS]
    assert list(TargetsSchema.to_schema().columns) == [*TARGET_COLUMNS, CORRECTED_FIELDS]
