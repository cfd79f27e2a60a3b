"""Read params.yaml, the one settings file DVC tracks (sections namespaced by stage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError


def load_params(path: Path | None) -> dict[str, Any]:
    """Given a params.yaml path, return its mapping ({} when the file does not exist)."""
    if path is None or not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise InputError(f"malformed YAML{line}: {error}", file=str(path)) from error
    if not isinstance(data, dict):
        raise InputError("params file must hold a mapping of sections", file=str(path))
    return data
