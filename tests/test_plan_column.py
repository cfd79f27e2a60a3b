"""Every output table names its plan in a `plan` column (a diff's tables both plans), so
tables of several plans read together stay apart; a plan named after another month than
its title's revision gets a warning."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from input_corpus import good_plan
from test_readme import indented_blocks

from pipeline.cli import main
from pipeline.core.contract import OUTPUT_TABLES, plan_to_month
from pipeline.core.errors import ValidationError
from pipeline.validate.stage import validate_outputs

MISMATCH = "plan_name_revision_mismatch"


def tables_of(folder: Path, names: tuple[str, ...] | list[str]) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in names}


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small plan whose title says November 2021."""
    return good_plan(tmp_path_factory.mktemp("pdf") / "plan.pdf")


def test_every_output_table_starts_with_the_output_folders_name(extracted: dict[str, Path]):
    for folder in extracted.values():
        for name, table in tables_of(folder, OUTPUT_TABLES).items():
            assert table.columns[0] == "plan", name
            assert len(table) > 0, name
            assert set(table["plan"]) == {folder.name}, name
        document = json.loads((folder / "document.json").read_text(encoding="utf-8"))
        assert document["plan"] == folder.name


def test_plan_option_names_the_plan_whatever_the_folder(pdf: Path, tmp_path: Path):
    out = tmp_path / "somewhere"
    assert main(["extract", str(pdf), "--out", str(out), "--plan", "comune-2021-11"]) == 0
    for name, table in tables_of(out, OUTPUT_TABLES).items():
        assert table.columns[0] == "plan", name
        # the small plan has no relevance table: its sector_weights is empty
        assert set(table["plan"]) == ({"comune-2021-11"} if len(table) else set()), name


def test_plan_option_that_is_a_path_is_refused(
    pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["extract", str(pdf), "--out", str(tmp_path / "o"), "--plan", "../x"]) == 2
    assert "never a path" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_stage_normalise_names_the_plan_given(pdf: Path, tmp_path: Path):
    build = tmp_path / "build"
    assert main(["stage", "extract", str(pdf), "--out", str(build / "x" / "extract")]) == 0
    assert (
        main(
            [
                "stage",
                "normalise",
                str(build / "x" / "extract"),
                "--out",
                str(build / "x" / "normalise"),
                "--plan",
                "comune-2021-11",
            ]
        )
        == 0
    )
    for step in ("correct", "validate"):
        before = "normalise" if step == "correct" else "correct"
        code = main(["stage", step, str(build / "x" / before), "--out", str(build / "x" / step)])
        assert code == 0
    for name, table in tables_of(build / "x" / "validate", OUTPUT_TABLES).items():
        assert table.columns[0] == "plan", name
        assert set(table["plan"]) == ({"comune-2021-11"} if len(table) else set()), name


def test_stage_normalise_without_plan_takes_the_folder_above_its_output(pdf: Path, tmp_path: Path):
    build = tmp_path / "build"
    assert main(["stage", "extract", str(pdf), "--out", str(build / "p-1" / "extract")]) == 0
    folder = build / "p-1" / "normalise"
    assert main(["stage", "normalise", str(build / "p-1" / "extract"), "--out", str(folder)]) == 0
    assert set(pd.read_parquet(folder / "objectives.parquet")["plan"]) == {"p-1"}


def test_plan_named_after_another_month_than_its_title_gets_a_warning(pdf: Path, tmp_path: Path):
    out = tmp_path / "comune-2021-12"
    assert main(["extract", str(pdf), "--out", str(out)]) == 0
    quality = pd.read_parquet(out / "quality.parquet")
    found = quality[quality["rule"] == MISMATCH]
    assert len(found) == 1
    finding = found.iloc[0]
    assert finding["severity"] == "warning"
    assert (finding["raw_value"], finding["normalised_value"]) == ("2021-12", "2021-11")
    assert "comune-2021-12" in finding["message"]


@pytest.mark.parametrize("name", ["comune-2021-11", "comune-2021-11-scan", "comune"])
def test_plan_named_after_its_titles_month_or_none_gets_no_warning(
    pdf: Path, tmp_path: Path, name: str
):
    out = tmp_path / name
    assert main(["extract", str(pdf), "--out", str(out)]) == 0
    quality = pd.read_parquet(out / "quality.parquet")
    assert len(quality) > 0  # the plan has findings, none of them this one
    assert MISMATCH not in set(quality["rule"])


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("desenzano-2021-11-scan", "2021-11"),
        ("desenzano-2021-07", "2021-07"),
        ("desenzano-2021-110", None),  # no month 110
        ("desenzano-2021-13", None),
        ("piano-2021-07-vs-2021-11", None),  # two months: which one?
        ("desenzano", None),
    ],
)
def test_plan_to_month_reads_one_yyyy_mm(name: str, month: str | None):
    assert plan_to_month(name) == month


def test_diff_tables_name_both_plans(extracted: dict[str, Path], tmp_path: Path):
    old, new = extracted["desenzano-2021-07"], extracted["desenzano-2021-11"]
    assert main(["diff", str(old), str(new), "--out", str(tmp_path / "diff")]) == 0
    for name in ("diff", "targets_diff", "pairs"):
        table = pd.read_parquet(tmp_path / "diff" / f"{name}.parquet")
        assert list(table.columns[:2]) == ["old_plan", "new_plan"], name
        assert len(table) > 0, name
        assert set(table["old_plan"]) == {old.name}, name
        assert set(table["new_plan"]) == {new.name}, name
    weights = pd.read_parquet(tmp_path / "diff" / "sector_weights_diff.parquet")
    assert list(weights.columns[:2]) == ["old_plan", "new_plan"]


def test_score_tables_name_the_plan(extracted: dict[str, Path], tmp_path: Path):
    folder = extracted["desenzano-2021-11"]
    achievements = ROOT / "sources/achievements/2021-11.example.csv"
    args = ["score", folder.name, "--extracted-root", str(folder.parent)]
    assert main([*args, "--achievements", str(achievements), "--out", str(tmp_path / "s")]) == 0
    for name in ("target_scores", "objective_scores", "sector_scores", "score_quality"):
        table = pd.read_parquet(tmp_path / "s" / f"{name}.parquet")
        assert table.columns[0] == "plan", name
        assert set(table["plan"]) == {folder.name}, name


def test_readme_duckdb_query_counts_copies_of_one_revision_apart(
    extracted: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "extracted").mkdir()
    for name, folder in extracted.items():
        os.symlink(folder, tmp_path / "extracted" / name)
    monkeypatch.chdir(tmp_path)
    block = next(b for b in indented_blocks("Load the output in a notebook") if "duckdb" in b)
    tree = ast.parse(block)
    last = ast.Expression(tree.body.pop().value)  # type: ignore[attr-defined]
    namespace: dict[str, object] = {}
    exec(compile(tree, "README", "exec"), namespace)  # the README's own snippet
    result = eval(compile(last, "README", "eval"), namespace)
    assert result.columns[0] == "plan"
    result = result.groupby(["plan", "revision"], as_index=False)["objectives"].sum()
    # November's vector PDF and its borderless copy: one revision, two plans
    november = result[result["revision"] == "2021-11"]
    assert len(november) == 2
    assert set(november["objectives"]) == {141}


def test_output_table_without_plan_column_fails_validation(extracted: dict[str, Path]):
    tables = tables_of(extracted["desenzano-2021-11"], OUTPUT_TABLES)
    validate_outputs(tables, "plan.pdf")
    for name in OUTPUT_TABLES:
        broken = {**tables, name: tables[name].drop(columns=["plan"])}
        with pytest.raises(ValidationError, match=name):
            validate_outputs(broken, "plan.pdf")
