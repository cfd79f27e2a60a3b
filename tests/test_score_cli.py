"""`piano score template` and `piano score` end to end, on small extracted folders."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from score_frames import SMALL_PLAN_ACHIEVEMENTS, small_plan, write_plan_folder

from pipeline import cli
from pipeline.core.validation import validate_frame
from pipeline.score.schemas import (
    ObjectiveScoresSchema,
    SectorScoresSchema,
    TargetScoresSchema,
)

NAME = "desenzano-2021-11"
OUTPUTS = {
    "target_scores.parquet",
    "objective_scores.parquet",
    "sector_scores.parquet",
    "score_quality.parquet",
    "score_summary.json",
    "score_chart.png",
}


pytestmark = pytest.mark.usefixtures("commands_on_this_branch")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder holding extracted/desenzano-2021-11 (small_plan), made the current one."""
    write_plan_folder(tmp_path / "extracted" / NAME, *small_plan())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def filled_template(path: Path, cells=SMALL_PLAN_ACHIEVEMENTS, **csv_options) -> Path:
    """Write the template with `cells` filled in, row by row, to `path`; return it."""
    assert cli.main(["score", "template", NAME, "--out", "template.csv"]) == 0
    template = pd.read_csv("template.csv", dtype=str, keep_default_na=False)
    for i, row_cells in enumerate(cells):
        for col, value in row_cells.items():
            template.loc[i, col] = value
    template.to_csv(path, index=False, **csv_options)
    return path


def test_template_has_one_row_per_sub_target_with_columns_to_fill(workdir):
    assert cli.main(["score", "template", NAME, "--out", "forms/achievements.csv"]) == 0
    with open("forms/achievements.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["objective_id"], r["target_seq"]) for r in rows] == [
        ("01.01", "1"),
        ("01.01", "2"),
        ("01.02", "1"),
        ("02.01", "1"),
        ("16.01", "1"),
    ]
    assert rows[1]["threshold"] == "> 3.5" and rows[0]["weight_pct"] == "70"
    assert all(r[c] == "" for r in rows for c in ("achieved_pct", "measured_value", "completed_on"))


def test_score_writes_validated_tables_a_chart_and_the_summary(workdir, capsys):
    filled_template(workdir / "achievements.csv")
    code = cli.main(
        ["score", NAME, "--achievements", "achievements.csv", "--fund", "1000", "--out", "out"]
    )
    assert code == 0, capsys.readouterr().err
    out = workdir / "out"
    assert {p.name for p in out.iterdir()} == OUTPUTS  # no temporary file left behind
    objectives = pd.read_parquet(out / "objective_scores.parquet")
    sectors = pd.read_parquet(out / "sector_scores.parquet")
    targets = pd.read_parquet(out / "target_scores.parquet")
    for frame, model, name in (
        (targets, TargetScoresSchema, "target_scores"),
        (objectives, ObjectiveScoresSchema, "objective_scores"),
        (sectors, SectorScoresSchema, "sector_scores"),
    ):
        validate_frame(frame, model, name)
    scores = objectives.set_index("objective_id")["score"]
    assert scores.dropna().to_dict() == pytest.approx({"01.01": 93.0, "02.01": 50.0, "16.01": 40.0})
    assert pd.isna(scores["01.02"])  # suspended and not reported
    # 1000 x (60% x 93 + 40% x 50) = 558 + 200
    shares = sectors.set_index("sector")["fund_share_eur"]
    assert (shares["ragioneria"], shares["tributi"]) == (558.0, 200.0)
    summary = json.loads((out / "score_summary.json").read_text())
    assert (summary["distributed_eur"], summary["remainder_eur"]) == (758.0, 242.0)
    assert (out / "score_chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "remainder € 242,00" in capsys.readouterr().out


def test_default_output_folder_is_scored_name(workdir):
    filled_template(workdir / "achievements.csv")
    assert cli.main(["score", NAME, "--achievements", "achievements.csv"]) == 0
    assert {p.name for p in (workdir / "scored" / NAME).iterdir()} == OUTPUTS


def test_extracted_root_can_be_elsewhere(workdir, tmp_path_factory):
    filled_template(workdir / "achievements.csv")
    elsewhere = tmp_path_factory.mktemp("data")
    write_plan_folder(elsewhere / "plans" / NAME, *small_plan())
    args = ["--extracted-root", str(elsewhere / "plans"), "--out", str(elsewhere / "o")]
    assert cli.main(["score", NAME, "--achievements", "achievements.csv", *args]) == 0
    assert (elsewhere / "o" / "sector_scores.parquet").exists()


def test_excel_style_semicolon_file_with_comma_decimals_is_read(workdir):
    cells = [dict(c) for c in SMALL_PLAN_ACHIEVEMENTS]
    cells[0]["note"] = "attività conclusa"
    filled_template(workdir / "excel.csv", cells, sep=";", encoding="cp1252")
    assert cli.main(["score", NAME, "--achievements", "excel.csv", "--out", "out"]) == 0
    targets = pd.read_parquet(workdir / "out" / "target_scores.parquet")
    assert targets.loc[0, "note"] == "attività conclusa"
    assert targets.loc[1, "measured_value"] == 3.6


def test_params_section_sets_the_model(workdir):
    filled_template(workdir / "achievements.csv")
    (workdir / "params.yaml").write_text(
        "extract: {}\nscore:\n  threshold_scoring: proportional\n  fund_eur: 100\n"
    )
    args = ["--achievements", "achievements.csv", "--params", "params.yaml", "--out", "out"]
    assert cli.main(["score", NAME, *args]) == 0
    summary = json.loads((workdir / "out" / "score_summary.json").read_text())
    assert summary["fund_eur"] == 100.0


def test_unknown_setting_in_params_is_a_one_line_error(workdir, capsys):
    filled_template(workdir / "achievements.csv")
    (workdir / "params.yaml").write_text("score:\n  late_penalty: 5\n")
    args = ["--achievements", "achievements.csv", "--params", "params.yaml"]
    assert cli.main(["score", NAME, *args]) == 11
    assert capsys.readouterr().err.startswith(
        "piano: error: params.yaml, field score.late_penalty: unknown setting"
    )


def test_example_file_is_marked_and_scores(workdir):
    args = ["score", "template", NAME, "--out", "2021-11.example.csv", "--example"]
    assert cli.main(args) == 0
    text = (workdir / "2021-11.example.csv").read_text(encoding="utf-8")
    assert text.startswith("# EXAMPLE")
    assert cli.main(["score", NAME, "--achievements", "2021-11.example.csv", "--out", "o"]) == 0


def test_missing_extracted_folder_is_a_one_line_error(workdir, capsys):
    assert cli.main(["score", "template", "nowhere", "--out", "t.csv"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("piano: error: extracted/nowhere") and err.count("\n") == 1
    assert not (workdir / "t.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["template", NAME], "needs --out"),
        (["template", NAME, "--out", "t.csv", "--fund", "5"], "--fund"),
        ([NAME], "needs --achievements"),
        ([NAME, "extra"], "expected `template NAME` or NAME"),
    ],
)
def test_mixed_up_arguments_are_refused(workdir, capsys, args, message):
    assert cli.main(["score", *args]) == 1
    assert message in capsys.readouterr().err


def test_score_help_shows_both_forms_with_an_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["score", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "piano score template desenzano-2021-11 --out" in text
    assert "piano score desenzano-2021-11 --achievements" in text
    assert "docs/score-model.md" in text


@pytest.mark.parametrize("model", [TargetScoresSchema, ObjectiveScoresSchema, SectorScoresSchema])
def test_every_output_column_is_in_the_docs(model):
    docs = (Path(__file__).parents[1] / "docs" / "score-model.md").read_text(encoding="utf-8")
    outputs = docs[docs.index("## Outputs") :]
    missing = [c for c in model.to_schema().columns if c not in outputs]
    assert not missing
