"""The project a command runs in: the nearest folder at or above the working one that
holds dvc.yaml or params.yaml, where project files (registry.yaml, build/) live; outside
any project, the user's cache folder holds what would go in build/."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir

PROJECT_MARKERS = ("dvc.yaml", "params.yaml")
PROJECT_OCR_CACHE = Path("build") / "ocr-cache"
USER_OCR_CACHE = "ocr-cache"


def folder_to_project_root(start: Path | None = None) -> Path | None:
    """Given a folder (default: the working one), return the nearest folder at or above it
    holding dvc.yaml or params.yaml, or None outside any project."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).is_file() for marker in PROJECT_MARKERS):
            return candidate
    return None


def default_ocr_cache_dir(start: Path | None = None) -> Path:
    """Given a folder (default: the working one), return where OCR readings are cached:
    its project's build/ocr-cache, else the user's cache folder (never a build/ of the
    folder a command happens to run in)."""
    root = folder_to_project_root(start)
    if root is not None:
        return root / PROJECT_OCR_CACHE
    return Path(user_cache_dir("piano")) / USER_OCR_CACHE
