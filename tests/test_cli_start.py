"""`piano --help`, `piano --version` and an unknown command answer without importing any
command module or heavy library; the benchmark that times them runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import COMMAND_MODULES, build_command_index, build_parser

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "pyarrow",
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    "pandera",
    "rapidfuzz",
    "yaml",
    "tqdm",
    "PIL",
    *COMMAND_MODULES,
)


def modules_imported_by(argv: list[str]) -> list[str]:
    """Run `piano ARGV` in a fresh interpreter; return the heavy modules it imported."""
    code = (
        "import sys\nfrom pipeline.cli import main\ntry:\n    main(sys.argv[1:])\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return ast.literal_eval(result.stderr.strip().splitlines()[-1])  # the list printed last


@pytest.mark.parametrize("argv", [["--help"], ["--version"], [], ["no-such-command"]])
def test_top_level_answers_import_nothing_heavy(argv: list[str]):
    assert modules_imported_by(argv) == []


def test_a_command_still_imports_its_module():
    assert "pipeline.cli.docs" in modules_imported_by(["docs", "--help"])


def test_the_command_index_helps_exactly_as_the_full_parser():
    assert build_command_index().format_help() == build_parser().format_help()
    # every command has a help line read from its source
    assert build_command_index().format_help().count("\n    ") >= len(COMMAND_MODULES)


def test_cli_start_benchmark_prints_each_command_against_bare_python():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cli_start.py"), "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert [line.split()[0:2] for line in lines[1:4]] == [
        ["python", "-c"],
        ["piano", "--version"],
        ["piano", "--help"],
    ]
    assert lines[-1].startswith("slowest piano command: ")
    assert result.returncode == (0 if " within " in lines[-1] else 1)
