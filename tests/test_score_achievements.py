"""Bad achievements files: each fails naming the file and the line, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from score_frames import SMALL_PLAN_ACHIEVEMENTS, small_plan, write_plan_folder

from pipeline import cli
from pipeline.core.errors import ScoreInputError

NAME = "desenzano-2021-11"
HEADER = "objective_id,target_seq,achieved_pct,measured_value,completed_on,note"
# a good file for small_plan(): line 2 is 01.01/1, line 3 01.01/2, line 4 01.02/1
# (suspended), line 5 02.01/1, line 6 16.01/1
GOOD_ROWS = [
    "01.01,1,100,,15/07/2021,atti pronti",
    '01.01,2,,"3,6",,',
    "01.02,1,,,,",
    "02.01,1,50,,,",
    "16.01,1,40,,,",
]


pytestmark = pytest.mark.usefixtures("commands_on_this_branch")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """Extracted small_plan() and an output folder holding a previous run's file."""
    write_plan_folder(tmp_path / "extracted" / NAME, *small_plan())
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sector_scores.parquet").write_bytes(b"previous run")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_score(workdir: Path, lines: list[str]) -> int:
    """Write `lines` as achievements.csv, run `piano score` into out/, return the exit code."""
    (workdir / "achievements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cli.main(["score", NAME, "--achievements", "achievements.csv", "--out", "out"])


def with_row(line: int, row: str) -> list[str]:
    """The good file with the row on file line `line` (2 = first data row) replaced."""
    rows = list(GOOD_ROWS)
    rows[line - 2] = row
    return [HEADER, *rows]


def test_the_good_file_scores(workdir):
    assert len(GOOD_ROWS) == len(SMALL_PLAN_ACHIEVEMENTS)
    assert run_score(workdir, [HEADER, *GOOD_ROWS]) == 0


BAD_FILES = {
    "unknown objective": (with_row(5, "02.09,1,50,,,"), 5, "unknown objective"),
    "id mangled by a spreadsheet": (with_row(5, "2.01,1,50,,,"), 5, "format the column as text"),
    "unknown target": (with_row(5, "02.01,2,50,,,"), 5, "has no such target"),
    "percentage above 100": (with_row(5, "02.01,1,120,,,"), 5, "between 0 and 100"),
    "negative percentage": (with_row(6, "16.01,1,-5,,,"), 6, "between 0 and 100"),
    "duplicate row": ([HEADER, *GOOD_ROWS, "02.01,1,70,,,"], 7, "duplicate row (first on line 5)"),
    "missing required row": (
        [HEADER, *GOOD_ROWS[:3], GOOD_ROWS[4]],
        4,
        "no row for objective 02.01",
    ),
    "unparsable number": (with_row(5, "02.01,1,molto,,,"), 5, "not a number"),
    "unparsable measured value": (with_row(3, "01.01,2,,3.6.1,,"), 3, "not a number"),
    "unparsable date": (with_row(2, "01.01,1,100,,31/06/2021,"), 2, "not a date"),
    "unparsable target_seq": (with_row(5, "02.01,uno,50,,,"), 5, "not a whole number"),
    "nothing reported": (with_row(6, "16.01,1,,,,"), 6, "no achieved_pct or measured_value"),
    "both reported": (with_row(3, '01.01,2,90,"3,6",,'), 3, "not both"),
    "measure without threshold": (with_row(5, "02.01,1,,12,,"), 5, "no quantified threshold"),
    "too many fields": (with_row(4, "01.02,1,,,,,oops"), 4, "7 fields but the header"),
    "missing column": (
        ["objective_id,target_seq,achieved_pct,note", "01.01,1,100,"],
        1,
        "missing column(s) ['measured_value', 'completed_on']",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_achievements_fail_on_their_line_and_write_nothing(workdir, capsys, case):
    lines, line, message = BAD_FILES[case]
    before = {p.name: p.read_bytes() for p in (workdir / "out").iterdir()}
    code = run_score(workdir, lines)
    err = capsys.readouterr().err
    assert code == ScoreInputError.exit_code
    assert err.startswith(f"piano: error: achievements.csv, line {line}"), err
    assert message in err
    assert {p.name: p.read_bytes() for p in (workdir / "out").iterdir()} == before


def test_comment_lines_and_a_revision_column_are_allowed(workdir):
    lines = [
        "# filled in by the Ragioneria office",
        "revision," + HEADER,
        *("2021-11," + row for row in GOOD_ROWS),
    ]
    assert run_score(workdir, lines) == 0


def test_row_for_another_revision_is_refused_on_its_line(workdir, capsys):
    lines = ["revision," + HEADER, *("2021-11," + row for row in GOOD_ROWS)]
    lines[3] = "2021-07," + GOOD_ROWS[2]
    assert run_score(workdir, lines) == ScoreInputError.exit_code
    assert "achievements.csv, line 4, field revision" in capsys.readouterr().err


def test_every_problem_is_counted_and_the_first_line_named(workdir, capsys):
    lines = with_row(5, "02.01,1,120,,,")
    lines[5] = "16.01,1,abc,,,"
    lines.append("02.09,1,1,,,")
    run_score(workdir, lines)
    err = capsys.readouterr().err
    assert "line 5, field achieved_pct" in err
    assert "(and 2 more problem(s), on line(s) 6, 7)" in err


def test_line_numbers_count_multi_line_notes(workdir, capsys):
    rows = list(GOOD_ROWS)
    rows[0] = '01.01,1,100,,15/07/2021,"note on\ntwo lines"'
    rows[2] = "01.02,x,,,,"
    run_score(workdir, [HEADER, *rows])
    assert "line 5, field target_seq" in capsys.readouterr().err


def test_empty_file_is_refused(workdir, capsys):
    assert run_score(workdir, ["# nothing here"]) == ScoreInputError.exit_code
    assert "empty file" in capsys.readouterr().err


def test_rows_of_suspended_objectives_may_be_left_out(workdir):
    assert run_score(workdir, [HEADER, *GOOD_ROWS[:2], *GOOD_ROWS[3:]]) == 0
