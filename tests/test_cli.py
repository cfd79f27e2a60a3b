"""The `piano` command: help texts, clear one-line errors, nothing written on failure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pdf_factory import text_pdf

from pipeline.cli import COMMAND_MODULES, build_parser, main


def test_every_command_has_help_with_an_example():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert len(commands) >= len(COMMAND_MODULES)
    for name, sub in commands.items():
        # an example is an indented `piano …` command line in the help text
        assert sub.description and re.search(r"^\s+piano \w", sub.description, re.M), name


def test_pdf_without_plan_tables_fails_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = text_pdf(tmp_path / "lettera.pdf", ["Gentile cittadino,", "nessuna tabella qui."])
    out = tmp_path / "out"
    code = main(["extract", str(pdf), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1
    assert "lettera.pdf" in err and "no table with a plan header" in err
    assert not out.exists() or not any(out.iterdir())


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["extract", str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "o")])
    assert code != 0
    assert "nope.pdf" in capsys.readouterr().err


def test_failed_run_leaves_previous_output_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "objectives.parquet").write_bytes(b"previous good output")
    pdf = text_pdf(tmp_path / "vuoto.pdf", ["Nessuna tabella."])
    assert main(["extract", str(pdf), "--out", str(out)]) != 0
    assert (out / "objectives.parquet").read_bytes() == b"previous good output"
    assert sorted(p.name for p in out.iterdir()) == ["objectives.parquet"]


def test_running_one_command_imports_only_its_own_module():
    # a fresh interpreter: this test session has long imported everything
    code = (
        "import sys; from pipeline.cli import build_parser; build_parser('extract'); "
        "print(sorted(m for m in ('scipy', 'matplotlib', 'selenium', "
        "'pipeline.cli.diff', 'pipeline.cli.score') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    assert out.strip() == "[]"


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(f"    {m.rsplit('.', 1)[-1]}" in listed for m in COMMAND_MODULES)


def test_bad_settings_name_the_params_file_with_the_settings_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    params = tmp_path / "params.yaml"
    params.write_text("extract:\n  read:\n    x_tolerance: -1\n", encoding="utf-8")
    pdf = text_pdf(tmp_path / "plan.pdf", ["Nessuna tabella."])
    code = main(["extract", str(pdf), "--out", str(tmp_path / "o"), "--params", str(params)])
    assert code == 11
    assert "params.yaml" in capsys.readouterr().err
