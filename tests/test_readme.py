"""The README is true: its notebook snippets run on real outputs, and every command it
shows exists."""

from __future__ import annotations

import ast
import os
import re
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def indented_blocks(section: str) -> list[str]:
    """Return the indented code blocks of a README section."""
    body = README.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    blocks: list[str] = []
    current: list[str] = []
    for line in body.splitlines():
        if line.startswith("    ") or (current and not line.strip()):
            current.append(line)
        elif current:
            blocks.append(textwrap.dedent("\n".join(current)).strip())
            current = []
    if current:
        blocks.append(textwrap.dedent("\n".join(current)).strip())
    return [b for b in blocks if b]


def test_notebook_snippets_run_on_the_extracted_plans(
    extracted: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "extracted").mkdir()
    for name, folder in extracted.items():
        os.symlink(folder, tmp_path / "extracted" / name)
    monkeypatch.chdir(tmp_path)
    # the Python snippets; the section's command (JupyterLab) is run by test_setup.py
    blocks = [
        b
        for b in indented_blocks("Load the output in a notebook")
        if not b.startswith(".venv/bin/")
    ]
    assert len(blocks) == 2
    for block in blocks:
        namespace: dict[str, object] = {}
        tree = ast.parse(block)
        last = ast.Expression(tree.body.pop().value)  # type: ignore[attr-defined]
        exec(compile(tree, "README", "exec"), namespace)  # the README's own snippet
        result = eval(compile(last, "README", "eval"), namespace)
        assert len(result) > 10


def test_every_command_the_readme_shows_exists():
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    shown = set(re.findall(r"^ {4,}piano (\w+)", README, re.M))
    assert shown and shown <= set(commands)
