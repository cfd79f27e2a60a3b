"""Fixtures shared by test modules."""

from __future__ import annotations

import importlib.util

import pytest

from pipeline import cli


@pytest.fixture
def commands_on_this_branch(monkeypatch):
    """Register only the commands whose module exists, so `cli.main` runs on a branch built
    before another command (extract is built in parallel) has landed."""
    present = [m for m in cli.COMMAND_MODULES if importlib.util.find_spec(m) is not None]
    monkeypatch.setattr(cli, "COMMAND_MODULES", present)
