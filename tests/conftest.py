"""Shared fixtures: the reference transcriptions of the bundled plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).parent / "reference"
REFERENCE_PATHS = sorted(REFERENCE_DIR.glob("desenzano-*.json"))


def load_reference(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def references() -> list[dict]:
    return [load_reference(path) for path in REFERENCE_PATHS]
