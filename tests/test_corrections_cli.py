"""`piano corrections`, `piano stage correct` and `piano extract --corrections-dir` on the
real bundled plans (extracted once per session by conftest's `extracted`)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from pipeline.cli import main
from pipeline.correct.corrections import yaml_text_to_corrections

PLAN = "desenzano-2021-11"
TABLES = ("objectives", "targets", "sector_weights", "quality", "cells")
HEADER = "# Corrections of 2021-11, reviewed in PR #12.\n\n"


@pytest.fixture
def root(extracted: dict[str, Path], tmp_path: Path) -> Path:
    """An extracted root (`extracted/<plan>` layout) holding the session's outputs."""
    folder = tmp_path / "extracted"
    folder.mkdir()
    for name, path in extracted.items():
        (folder / name).symlink_to(path, target_is_directory=True)
    return folder


@pytest.fixture
def corrections_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corrections"
    folder.mkdir()
    (folder / "2021-11.yaml").write_text(HEADER, encoding="utf-8")
    return folder


def add(corrections_dir: Path, root: Path, *args: str) -> int:
    return main(
        [
            "corrections",
            "add",
            PLAN,
            *args,
            "--reason",
            "checked on the page",
            "--by",
            "A. Rossi",
            "--date",
            "2026-11-25",
            "--corrections-dir",
            str(corrections_dir),
            "--extracted-root",
            str(root),
        ]
    )


def check(corrections_dir: Path, root: Path) -> int:
    return main(
        [
            "corrections",
            "check",
            "--corrections-dir",
            str(corrections_dir),
            "--extracted-root",
            str(root),
        ]
    )


def entry(**keys: object) -> dict[str, object]:
    """A deadline entry for 06.10 (TRIBUTI n. 9, "TARI 2021", printed 06/01/2021)."""
    return {
        "objective_id": "06.10",
        "number": "9",
        "subject": "TARI 2021",
        "field": "deadline",
        "old": dt.date(2021, 1, 6),
        "new": dt.date(2021, 6, 1),
        "reason": "test",
        "by": "A. Rossi",
        "date": dt.date(2026, 11, 25),
        **keys,
    }


def write_entries(corrections_dir: Path, *entries: dict[str, object]) -> Path:
    path = corrections_dir / "2021-11.yaml"
    path.write_text(HEADER + yaml.safe_dump(list(entries), sort_keys=False), encoding="utf-8")
    return path


def test_add_writes_an_entry_read_from_the_output_keeping_the_file_as_it_was(
    corrections_dir: Path, root: Path, capsys: pytest.CaptureFixture[str]
):
    assert add(corrections_dir, root, "06.10", "deadline", "2021-06-01") == 0
    assert add(corrections_dir, root, "05.02", "weight_pct", "45", "--target-seq", "1") == 0
    text = (corrections_dir / "2021-11.yaml").read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    deadline, weight = yaml_text_to_corrections(text, "2021-11.yaml")
    assert (deadline.number, deadline.subject, deadline.old, deadline.new) == (
        "9",
        "TARI 2021",
        dt.date(2021, 1, 6),
        dt.date(2021, 6, 1),
    )
    assert (deadline.reason, deadline.by, deadline.date) == (
        "checked on the page",
        "A. Rossi",
        dt.date(2026, 11, 25),
    )
    assert (weight.target_seq, weight.old, weight.new) == (1, 40.0, 45.0)
    assert weight.target_text == "Predisposizione documentazione gara (peso 40%)"
    capsys.readouterr()
    assert check(corrections_dir, root) == 0
    out = capsys.readouterr().out
    # every entry is checked against each plan folder of its revision
    folders = sum(
        json.loads((f / "document.json").read_text())["revision"] == "2021-11"
        for f in root.iterdir()
        if (f / "document.json").exists()
    )
    assert folders >= 1
    assert out.count("applied") == 2 * folders and f"{2 * folders} of {2 * folders}" in out


def test_added_entries_apply_through_the_stages_and_still_check_afterwards(
    corrections_dir: Path, root: Path, extracted: dict[str, Path], tmp_path: Path
):
    assert add(corrections_dir, root, "06.10", "deadline", "2021-06-01") == 0
    assert add(corrections_dir, root, "05.02", "weight_pct", "45", "--target-seq", "1") == 0
    corrected, final = tmp_path / "correct", tmp_path / "final" / PLAN
    assert (
        main(
            [
                "stage",
                "correct",
                str(extracted[PLAN]),
                "--out",
                str(corrected),
                "--corrections-dir",
                str(corrections_dir),
            ]
        )
        == 0
    )
    assert main(["stage", "validate", str(corrected), "--out", str(final)]) == 0
    objectives = pd.read_parquet(final / "objectives.parquet").set_index("objective_id")
    assert objectives.loc["06.10", "deadline"] == dt.date(2021, 6, 1)
    assert objectives.loc["05.02", "corrected_fields"] == "targets[1].weight_pct"
    assert (objectives["corrected_fields"] != "").sum() == 2
    quality = pd.read_parquet(final / "quality.parquet")
    assert (quality["rule"] == "manual_correction").sum() == 2
    # checked against the corrected output, the entries are undone first and still apply
    assert check(corrections_dir, final.parent) == 0


def test_add_refuses_a_value_the_pipeline_already_gives(
    corrections_dir: Path, root: Path, capsys: pytest.CaptureFixture[str]
):
    assert add(corrections_dir, root, "06.10", "deadline", "2021-01-06") == 6
    assert "already gives 2021-01-06" in capsys.readouterr().err
    assert (corrections_dir / "2021-11.yaml").read_text(encoding="utf-8") == HEADER


def test_check_reports_a_stale_entry_and_fails(
    corrections_dir: Path, root: Path, capsys: pytest.CaptureFixture[str]
):
    write_entries(corrections_dir, entry(old=dt.date(2021, 1, 7)))
    assert check(corrections_dir, root) == 6
    captured = capsys.readouterr()
    assert "stale" in captured.out and "2021-01-07" in captured.out
    assert "2021-01-06" in captured.out
    assert "2021-11.yaml, line 3" in captured.err and len(captured.err.splitlines()) == 1


def test_check_reports_a_missing_objective_and_fails(
    corrections_dir: Path, root: Path, capsys: pytest.CaptureFixture[str]
):
    write_entries(
        corrections_dir,
        entry(),
        entry(objective_id="16.99", field="status", old="active", new="suspended"),
    )
    assert check(corrections_dir, root) == 6
    out = capsys.readouterr().out
    assert "06.10 deadline  applied" in out and "missing_objective" in out


def test_check_of_a_malformed_file_names_its_line(
    corrections_dir: Path, root: Path, capsys: pytest.CaptureFixture[str]
):
    (corrections_dir / "2021-11.yaml").write_text(
        HEADER + "- objective_id: '06.10'\n  field: [deadline\n", encoding="utf-8"
    )
    assert check(corrections_dir, root) == 6
    err = capsys.readouterr().err
    assert "2021-11.yaml, line 5: malformed YAML" in err and "from line 4" in err


def test_stage_correct_without_a_corrections_file_writes_the_same_files(
    extracted: dict[str, Path], tmp_path: Path
):
    empty = tmp_path / "corrections"
    empty.mkdir()
    for name, folder in extracted.items():
        out = tmp_path / name
        assert (
            main(
                [
                    "stage",
                    "correct",
                    str(folder),
                    "--out",
                    str(out),
                    "--corrections-dir",
                    str(empty),
                ]
            )
            == 0
        )
        for table in TABLES:
            assert (out / f"{table}.parquet").read_bytes() == (
                folder / f"{table}.parquet"
            ).read_bytes(), (name, table)
        assert (out / "document.json").read_bytes() == (folder / "document.json").read_bytes()


def test_extract_stops_on_a_stale_correction_and_leaves_the_output_as_it_was(
    corrections_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write_entries(corrections_dir, entry(old=dt.date(2021, 1, 7)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "objectives.parquet").write_bytes(b"previous good output")
    code = main(
        [
            "extract",
            str(ROOT / "sources" / f"{PLAN}.pdf"),
            "--out",
            str(out),
            "--corrections-dir",
            str(corrections_dir),
        ]
    )
    err = capsys.readouterr().err
    assert code == 6
    assert f"{path}, line 3, row 06.10, field deadline" in err and "2021-01-07" in err
    assert sorted(p.name for p in out.iterdir()) == ["objectives.parquet"]


def test_extract_refuses_a_corrections_dir_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    code = main(
        [
            "extract",
            str(ROOT / "sources" / f"{PLAN}.pdf"),
            "--out",
            str(tmp_path),
            "--corrections-dir",
            str(tmp_path / "correzioni"),
        ]
    )
    assert code == 2 and "correzioni" in capsys.readouterr().err


def test_the_committed_corrections_apply_to_the_bundled_plans(
    root: Path, capsys: pytest.CaptureFixture[str]
):
    assert check(ROOT / "corrections", root) == 0, capsys.readouterr().out


def test_a_yaml_file_not_named_after_a_revision_is_refused(
    corrections_dir: Path, root: Path, capsys: pytest.CaptureFixture[str]
):
    shutil.copy(corrections_dir / "2021-11.yaml", corrections_dir / "novembre.yaml")
    assert check(corrections_dir, root) == 6
    assert "novembre.yaml" in capsys.readouterr().err
