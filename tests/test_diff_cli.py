"""`piano diff` through `pipeline.cli.main`, on Parquet folders written by the test."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from plan_frames import objective, plan, plan_to_folder

from pipeline import cli

CONTRACT_COLUMNS = [
    "change",
    "sector",
    "old_objective_id",
    "new_objective_id",
    "field",
    "old_value",
    "new_value",
]
HIRING = objective(
    4,
    "4",
    "Efficienza amministrativa",
    "Approvazione del programma del fabbisogno del personale, garantendo l'avvio delle "
    "procedure richieste entro settembre e il 70% degli accessi indicati.",
)
ONLINE_FORMS = objective(
    9, "9", "Piano triennale informatica PA", "Realizzare i moduli online richiesti dagli uffici."
)
SPID = objective(10, "10", "Piano triennale informatica PA", "Adesione al sistema SPID")


@pytest.fixture(autouse=True)
def importable_commands(monkeypatch):
    """Register only the commands whose module exists: `extract` is built on another
    branch, and the diff must be testable without it."""
    modules = [m for m in cli.COMMAND_MODULES if importlib.util.find_spec(m) is not None]
    monkeypatch.setattr(cli, "COMMAND_MODULES", modules)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    old = plan("2021-07", [HIRING, ONLINE_FORMS, SPID], weights={"istruzione": 4.0})
    new = plan(
        "2021-11",
        [
            {
                **HIRING,
                "description": HIRING["description"]
                .replace("settembre", "ottobre")
                .replace("70%", "75%"),
            },
            {**SPID, "objective_id": "01.09", "seq": 9, "number": "9"},
        ],
        weights={"istruzione": 5.0},
    )
    return plan_to_folder(old, tmp_path / "old"), plan_to_folder(new, tmp_path / "new")


def test_diff_writes_every_file_with_the_contract_columns(folders, tmp_path, capsys):
    out = tmp_path / "diff"

    code = cli.main(["diff", str(folders[0]), str(folders[1]), "--out", str(out)])

    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "diff.md",
        "diff.parquet",
        "pairs.parquet",
        "sector_weights_diff.parquet",
        "targets_diff.parquet",
    ]
    table = pd.read_parquet(out / "diff.parquet")
    assert list(table.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert sorted(table["change"]) == ["modified", "removed", "renumbered"]
    weights = pd.read_parquet(out / "sector_weights_diff.parquet")
    assert weights[["sector", "old_pct", "new_pct"]].values.tolist() == [["istruzione", 4.0, 5.0]]
    assert "1 renumbered" in capsys.readouterr().out


def test_diff_md_counts_sectors_and_highlights_changed_words(folders, tmp_path):
    out = tmp_path / "diff"

    cli.main(["diff", str(folders[0]), str(folders[1]), "--out", str(out)])

    memo = (out / "diff.md").read_text(encoding="utf-8")
    assert "| Istruzione | 3 | 2 | 0 | 1 | 1 | 1 |" in memo
    assert "~~settembre~~ **ottobre**" in memo
    assert "~~70%~~ **75%**" in memo
    assert "n. ~~10~~ **9**" in memo  # SPID renumbered
    assert "| Istruzione | 4% | 5% |" in memo


def test_json_prints_the_diff(folders, tmp_path, capsys):
    code = cli.main(
        ["diff", str(folders[0]), str(folders[1]), "--out", str(tmp_path / "d"), "--json"]
    )

    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"objectives", "targets", "sector_weights", "pairs"} <= set(data)
    assert [row["change"] for row in data["objectives"]] == ["modified", "renumbered", "removed"]


def test_params_file_sets_the_thresholds(folders, tmp_path, capsys):
    params = tmp_path / "params.yaml"
    # a threshold this high leaves even the lightly edited objective unpaired
    params.write_text("extract: {}\ndiff:\n  min_similarity: 99.5\n")

    cli.main(["diff", *map(str, folders), "--out", str(tmp_path / "d"), "--params", str(params)])

    table = pd.read_parquet(tmp_path / "d" / "diff.parquet")
    assert sorted(table["change"]) == ["added", "removed", "removed", "renumbered"]


def test_bad_params_exit_with_one_line_naming_the_key(folders, tmp_path, capsys):
    params = tmp_path / "params.yaml"
    params.write_text("diff:\n  min_similarty: 70\n")

    code = cli.main(
        ["diff", *map(str, folders), "--out", str(tmp_path / "d"), "--params", str(params)]
    )

    error = capsys.readouterr().err
    assert code == 11
    assert error.count("\n") == 1 and "min_similarty" in error
    assert not (tmp_path / "d").exists()


def test_missing_input_file_exits_with_one_line_naming_it(folders, tmp_path, capsys):
    (folders[1] / "targets.parquet").unlink()

    code = cli.main(["diff", *map(str, folders), "--out", str(tmp_path / "d")])

    error = capsys.readouterr().err
    assert code == 10
    assert "new/targets.parquet: missing input file" in error
    assert not (tmp_path / "d").exists()


def test_diff_command_is_registered_with_an_example_in_its_help():
    assert "pipeline.cli.diff" in cli.COMMAND_MODULES
    help_text = cli.build_parser()._subparsers._group_actions[0].choices["diff"].format_help()
    assert "piano diff extracted/" in help_text
    assert "--json" in help_text
