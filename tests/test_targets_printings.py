"""The bundled plans' sub-targets do not depend on the printing: the November plan gives
the same targets from its ruled, borderless and scanned PDFs, no target is a wrapped line
or a lateness rule, and `piano diff` of two printings of one plan finds nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from score_frames import achievement_rows

from pipeline.cli import main
from pipeline.score.model import ScoreSettings, plan_to_scores

ROOT = Path(__file__).resolve().parent.parent
SCAN = "desenzano-2021-11-scan"
NOVEMBER = ("desenzano-2021-11", "desenzano-2021-11-borderless", SCAN)


@pytest.fixture(scope="module")
def folders(
    extracted: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The bundled plans extracted by the session fixture, and the scan (OCR, cached)."""
    folder = tmp_path_factory.mktemp(SCAN)
    assert main(["extract", str(ROOT / "sources" / f"{SCAN}.pdf"), "--out", str(folder)]) == 0
    return {**extracted, SCAN: folder}


def targets_by_objective(folder: Path) -> dict[str, list[tuple[str, float | None]]]:
    """objective_id → its targets in order as (text with white space squashed, weight)."""
    targets = pd.read_parquet(folder / "targets.parquet").sort_values(
        ["objective_id", "target_seq"]
    )
    found: dict[str, list[tuple[str, float | None]]] = {}
    for row in targets.itertuples(index=False):
        weight = None if pd.isna(row.weight_pct) else float(row.weight_pct)
        found.setdefault(row.objective_id, []).append((" ".join(row.text.split()), weight))
    return found


def test_ruled_and_borderless_november_plans_have_the_same_targets(folders):
    ruled = targets_by_objective(folders["desenzano-2021-11"])
    borderless = targets_by_objective(folders["desenzano-2021-11-borderless"])
    assert len(ruled) == 141
    assert borderless == ruled


def test_the_scanned_november_plan_has_as_many_targets_with_the_same_weights(folders):
    ruled = targets_by_objective(folders["desenzano-2021-11"])
    scan = targets_by_objective(folders[SCAN])
    assert {k: [w for _, w in v] for k, v in scan.items()} == {
        k: [w for _, w in v] for k, v in ruled.items()
    }


@pytest.mark.parametrize("name", [*NOVEMBER, "desenzano-2021-07"])
def test_no_target_is_only_a_date_or_a_lateness_rule(folders, name):
    texts = pd.read_parquet(folders[name] / "targets.parquet")["text"]
    dates = texts.str.fullmatch(r"(?:entro\s+il\s+)?\d{1,2}[/.]\d{1,2}[/.]\d{2,5}", case=False)
    assert texts[dates].tolist() == []
    assert texts[texts.str.contains("ogni mese", case=False)].tolist() == []


@pytest.mark.parametrize("name", NOVEMBER)
def test_the_lateness_rule_of_12_01_is_its_objectives_and_it_has_one_target(folders, name):
    objectives = pd.read_parquet(folders[name] / "objectives.parquet").set_index("objective_id")
    targets = targets_by_objective(folders[name])
    assert objectives.loc["12.01", "penalty_pct_per_month"] == 10.0
    assert objectives.loc["12.01", "penalty_raw"] == "(-10% ogni mese ritardo)"
    assert targets["12.01"] == [("Predisposizione entro giugno (100%)", None)]


def test_12_01_scores_with_its_own_rule_of_10_points_a_month(folders):
    folder = folders["desenzano-2021-11"]
    objectives = pd.read_parquet(folder / "objectives.parquet")
    targets = pd.read_parquet(folder / "targets.parquet")
    weights = pd.read_parquet(folder / "sector_weights.parquet")
    rows = [
        {"objective_id": t.objective_id, "target_seq": t.target_seq, "achieved_pct": "100"}
        for t in targets.itertuples(index=False)
    ]
    due = objectives.set_index("objective_id").loc["12.01", "deadline"]
    assert due == date(2021, 6, 30)
    for row in rows:
        if row["objective_id"] == "12.01":
            row["completed_on"] = "2021-09-15"  # July, August, September started: 3 months
    scores = plan_to_scores(
        objectives, targets, weights, achievement_rows(*rows), ScoreSettings(fund_eur=1000.0)
    )
    own = scores.target_scores.set_index("objective_id").loc[["12.01"]]
    assert own[
        ["months_late", "penalty_pct_per_month", "penalty_source", "score"]
    ].values.tolist() == [[3, 10.0, "plan", 70.0]]
    assert scores.objective_scores.set_index("objective_id").loc["12.01", "score"] == 70.0


def test_diff_of_the_ruled_and_borderless_november_plans_writes_no_change(folders, tmp_path):
    out = tmp_path / "diff"
    code = main(
        [
            "diff",
            str(folders["desenzano-2021-11"]),
            str(folders["desenzano-2021-11-borderless"]),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    for table in ("diff", "targets_diff", "sector_weights_diff"):
        assert len(pd.read_parquet(out / f"{table}.parquet")) == 0, table
    assert (out / "pairs.parquet").exists()
    assert len(pd.read_parquet(out / "pairs.parquet")) == 141
