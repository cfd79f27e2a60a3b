"""Where OCR readings are cached when params.yaml names no folder: the project's
build/ocr-cache from anywhere inside the project, else the user's cache folder; never a
build/ in whatever folder `piano extract` runs from."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from scan_factory import image_only_copy

from pipeline.cli import main
from pipeline.core.project import default_ocr_cache_dir, folder_to_project_root
from pipeline.extract.ocr.tesseract import OcrSettings

SCAN = ROOT / "sources" / "desenzano-2021-11-scan.pdf"


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder, moved into the test's folder (XDG_CACHE_HOME)."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.mark.parametrize("marker", ["dvc.yaml", "params.yaml"])
def test_cache_is_the_projects_build_folder_from_any_folder_inside_it(
    tmp_path: Path, user_cache: Path, marker: str
):
    root = tmp_path / "project"
    inside = root / "notebooks" / "deep"
    inside.mkdir(parents=True)
    (root / marker).write_text("{}\n", "utf-8")
    assert folder_to_project_root(inside) == root
    assert default_ocr_cache_dir(inside) == root / "build" / "ocr-cache"


def test_cache_outside_a_project_is_the_users_cache_folder(tmp_path: Path, user_cache: Path):
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    assert folder_to_project_root(elsewhere) is None
    assert default_ocr_cache_dir(elsewhere) == user_cache / "piano" / "ocr-cache"


def test_no_cache_folder_is_set_by_default():
    assert OcrSettings().cache_dir is None


def test_extract_of_a_scan_outside_a_project_caches_in_the_users_folder_not_here(
    tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
):
    elsewhere = tmp_path / "downloads"
    elsewhere.mkdir()
    pdf = image_only_copy(SCAN, elsewhere / "scan-p1-2.pdf", pages=[1, 2])
    monkeypatch.chdir(elsewhere)
    assert main(["extract", str(pdf), "--out", str(elsewhere / "out")]) == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out", "scan-p1-2.pdf"]
    assert len(list((user_cache / "piano" / "ocr-cache").rglob("*.json"))) > 0
