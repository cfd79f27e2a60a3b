"""Output folders are written all or nothing."""

from pathlib import Path

import pytest

from pipeline.errors import OutputError
from pipeline.write import write_folder


def test_failed_write_keeps_the_previous_files_and_no_temporary(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "diff.parquet").write_text("previous run")

    def fail(path: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OutputError, match="disk full"):
        write_folder(out, {"diff.parquet": lambda path: path.write_text("new run"),
                           "diff.md": fail})
    assert [p.name for p in out.iterdir()] == ["diff.parquet"]
    assert (out / "diff.parquet").read_text() == "previous run"


def test_unexpected_error_leaves_no_temporary_and_no_new_folder(tmp_path: Path):
    out = tmp_path / "new-folder"

    def fail(path: Path) -> None:
        raise ValueError("a bug in a writer")

    with pytest.raises(ValueError):
        write_folder(out, {"diff.parquet": lambda path: path.write_text("x"), "diff.md": fail})
    assert not out.exists()


def test_written_files_get_the_usual_mode(tmp_path: Path):
    (path,) = write_folder(tmp_path, {"a.json": lambda p: p.write_text("{}")})
    assert path.read_text() == "{}"
    assert path.stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600
