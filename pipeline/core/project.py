"""The project a command runs in: the nearest folder at or above the working one that
holds dvc.yaml or params.yaml, where project files (registry.yaml, build/) live."""

from __future__ import annotations

from pathlib import Path

PROJECT_MARKERS = ("dvc.yaml", "params.yaml")


def folder_to_project_root(start: Path | None = None) -> Path | None:
    """Given a folder (default: the working one), return the nearest folder at or above it
    holding dvc.yaml or params.yaml, or None outside any project."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).is_file() for marker in PROJECT_MARKERS):
            return candidate
    return None
