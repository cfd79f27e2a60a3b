"""The score model on hand-computed cases (pipeline.score, no files)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from score_frames import (
    SMALL_PLAN_ACHIEVEMENTS,
    achievement_rows,
    objectives_frame,
    sector_weights_frame,
    small_plan,
    targets_frame,
)

from pipeline.core.errors import SettingsError, ValidationError
from pipeline.core.validation import validate_frame
from pipeline.score.model import (
    ScoreSettings,
    dates_to_months_late,
    measure_to_base_score,
    plan_to_score_targets,
    plan_to_scores,
    score_targets_to_example_achievements,
    score_targets_to_template,
    sector_scores_to_fund_split,
    text_to_date,
    text_to_number,
    weights_to_weights_used,
)
from pipeline.score.schemas import (
    ObjectiveScoresSchema,
    SectorScoresSchema,
    TargetScoresSchema,
)


def score_one_sector(objectives, targets, rows, settings=None, relevance=None):
    """Score the plan with `ragioneria` holding all the relevance unless told otherwise."""
    weights = sector_weights_frame(relevance or {"ragioneria": 100.0})
    return plan_to_scores(objectives, targets, weights, rows, settings or ScoreSettings())


def objective_score(scores, objective_id):
    frame = scores.objective_scores.set_index("objective_id")
    return frame.loc[objective_id, "score"]


def sector_row(scores, sector):
    return scores.sector_scores.set_index("sector").loc[sector]


def test_unequal_weights_make_a_weighted_mean():
    scores = score_one_sector(
        objectives_frame({"objective_id": "01.01"}),
        targets_frame(
            {"objective_id": "01.01", "target_seq": 1, "weight_pct": 70},
            {"objective_id": "01.01", "target_seq": 2, "weight_pct": 30},
        ),
        achievement_rows(
            {"objective_id": "01.01", "target_seq": 1, "achieved_pct": "100"},
            {"objective_id": "01.01", "target_seq": 2, "achieved_pct": "50"},
        ),
    )
    # 70% x 100 + 30% x 50
    assert objective_score(scores, "01.01") == pytest.approx(85.0)
    assert sector_row(scores, "ragioneria")["score"] == pytest.approx(85.0)
    assert not scores.findings


def test_weights_summing_to_80_are_rescaled_with_a_finding():
    scores = score_one_sector(
        objectives_frame({"objective_id": "01.01"}),
        targets_frame(
            {"objective_id": "01.01", "target_seq": 1, "weight_pct": 50},
            {"objective_id": "01.01", "target_seq": 2, "weight_pct": 30},
        ),
        achievement_rows(
            {"objective_id": "01.01", "target_seq": 1, "achieved_pct": "100"},
            {"objective_id": "01.01", "target_seq": 2, "achieved_pct": "60"},
        ),
    )
    used = scores.target_scores["weight_used_pct"].tolist()
    assert used == pytest.approx([62.5, 37.5])  # 50/80 and 30/80 of 100
    assert objective_score(scores, "01.01") == pytest.approx(62.5 + 0.375 * 60)  # 85.0
    (finding,) = [f for f in scores.findings if f.rule == "weights_rescaled"]
    assert finding.objective_id == "01.01"
    assert finding.raw_value == "50+30"
    assert "80%" in finding.message


def test_targets_without_weights_share_equally():
    scores = score_one_sector(
        objectives_frame({"objective_id": "01.01"}),
        targets_frame(*({"objective_id": "01.01", "target_seq": s} for s in (1, 2, 3))),
        achievement_rows(
            *(
                {"objective_id": "01.01", "target_seq": s, "achieved_pct": pct}
                for s, pct in ((1, "90"), (2, "60"), (3, "30"))
            )
        ),
    )
    assert objective_score(scores, "01.01") == pytest.approx(60.0)
    assert set(scores.objective_scores["weighting"]) == {"equal"}


@pytest.mark.parametrize(
    ("weights", "used", "weighting"),
    [
        ([50, 50], [50, 50], "printed"),
        ([None, None], [50, 50], "equal"),
        ([50, 30], [62.5, 37.5], "rescaled"),
        ([40, 30, 40], [400 / 1.1 / 10, 300 / 1.1 / 10, 400 / 1.1 / 10], "rescaled"),
        # desenzano-2021-11 row 5.2: 40+30+15+5 and a fifth item without a weight
        ([40, 30, 15, 5, None], [40, 30, 15, 5, 10], "shared_rest"),
        ([60, 40, None], [60, 40, 0], "unweighted_zero"),
    ],
)
def test_weights_used_always_sum_to_100(weights, used, weighting):
    got, how = weights_to_weights_used(weights)
    assert got == pytest.approx(used)
    assert sum(got) == pytest.approx(100)
    assert how == weighting


def late_case(completed_on, penalty_pct_per_month=None, settings=None):
    return score_one_sector(
        objectives_frame(
            {
                "objective_id": "12.02",
                "deadline": date(2021, 6, 30),
                "penalty_pct_per_month": penalty_pct_per_month,
            }
        ),
        targets_frame({"objective_id": "12.02", "target_seq": 1, "text": "Predisposizione atti"}),
        achievement_rows(
            {
                "objective_id": "12.02",
                "target_seq": 1,
                "achieved_pct": "100",
                "completed_on": completed_on,
            }
        ),
        settings,
    )


def test_late_completion_costs_the_plans_rate_per_started_month():
    # due 30/06, done 15/08: July and part of August, two started months, 2 x 10 points
    scores = late_case("15/08/2021", penalty_pct_per_month=10.0)
    target = scores.target_scores.iloc[0]
    assert target["months_late"] == 2
    assert target["penalty_source"] == "plan"
    assert target["score"] == pytest.approx(80.0)


def test_plan_rule_wins_over_the_default_rate():
    scores = late_case("2021-07-31", 5.0, ScoreSettings(late_penalty_pct_per_month=25.0))
    assert scores.target_scores.iloc[0]["score"] == pytest.approx(95.0)


def test_objectives_rule_applies_to_every_one_of_its_targets():
    scores = score_one_sector(
        objectives_frame(
            {"objective_id": "12.03", "deadline": date(2021, 6, 30), "penalty_pct_per_month": 20}
        ),
        targets_frame(
            {"objective_id": "12.03", "target_seq": 1, "text": "Nuovi inquadramenti"},
            {"objective_id": "12.03", "target_seq": 2, "text": "Predisposizione atti (80%)"},
        ),
        achievement_rows(
            *(
                {"objective_id": "12.03", "target_seq": seq, "achieved_pct": "100"}
                | {"completed_on": "2021-07-01"}
                for seq in (1, 2)
            )
        ),
    )
    assert list(scores.target_scores["score"]) == [80.0, 80.0]
    assert set(scores.target_scores["penalty_source"]) == {"plan"}


def test_score_reads_the_lateness_rule_from_the_objective_only():
    # the rule is read once, by the normalise stage, into the objective's column
    scores = score_one_sector(
        objectives_frame({"objective_id": "12.02", "deadline": date(2021, 6, 30)}),
        targets_frame(
            {"objective_id": "12.02", "target_seq": 1, "text": "Atti (-50% ogni mese ritardo)"}
        ),
        achievement_rows(
            {
                "objective_id": "12.02",
                "target_seq": 1,
                "achieved_pct": "100",
                "completed_on": "2021-07-01",
            }
        ),
    )
    target = scores.target_scores.iloc[0]
    assert (target["penalty_source"], target["score"]) == ("default", 90.0)


def test_late_completion_without_a_plan_rule_costs_the_configured_default():
    settings = ScoreSettings(late_penalty_pct_per_month=25.0)
    scores = late_case("01.08.2021", settings=settings)
    target = scores.target_scores.iloc[0]
    assert (target["months_late"], target["penalty_source"]) == (2, "default")
    assert target["score"] == pytest.approx(50.0)


def test_penalty_never_takes_a_score_below_zero():
    scores = late_case("31/12/2022", penalty_pct_per_month=10.0)  # 18 months late
    assert scores.target_scores.iloc[0]["score"] == 0


@pytest.mark.parametrize(
    ("deadline", "completed_on", "months"),
    [
        (date(2021, 6, 30), date(2021, 6, 30), 0),
        (date(2021, 6, 30), date(2021, 5, 1), 0),
        (date(2021, 6, 30), date(2021, 7, 1), 1),
        (date(2021, 6, 30), date(2021, 7, 31), 1),  # month-end deadlines move to month-end
        (date(2021, 6, 30), date(2021, 8, 1), 2),
        (date(2021, 3, 15), date(2021, 4, 15), 1),
        (date(2021, 3, 15), date(2021, 4, 16), 2),
        (date(2021, 12, 31), date(2022, 2, 28), 2),
    ],
)
def test_months_late_counts_each_started_month(deadline, completed_on, months):
    assert dates_to_months_late(deadline, completed_on) == months


def suspended_case(settings=None):
    return score_one_sector(
        objectives_frame(
            {"objective_id": "08.01"},
            {"objective_id": "08.04", "status": "suspended", "deadline": None},
        ),
        targets_frame(
            {"objective_id": "08.01", "target_seq": 1},
            {"objective_id": "08.04", "target_seq": 1},
        ),
        achievement_rows(
            {"objective_id": "08.01", "target_seq": 1, "achieved_pct": "80"},
            {"objective_id": "08.04", "target_seq": 1, "achieved_pct": "20"},
        ),
        settings,
    )


def test_suspended_objective_is_left_out_of_its_sector_score():
    scores = suspended_case()
    row = sector_row(scores, "ragioneria")
    assert (row["n_objectives"], row["n_included"]) == (2, 1)
    assert row["score"] == pytest.approx(80.0)
    # still scored and reported, just not counted
    assert objective_score(scores, "08.04") == pytest.approx(20.0)


def test_suspended_objective_counts_when_params_exclude_no_status():
    scores = suspended_case(ScoreSettings(excluded_statuses=()))
    assert sector_row(scores, "ragioneria")["score"] == pytest.approx(50.0)


def test_suspended_objective_needs_no_achievement_row():
    scores = score_one_sector(
        objectives_frame(
            {"objective_id": "08.01"}, {"objective_id": "08.07", "status": "postponed"}
        ),
        targets_frame(
            {"objective_id": "08.01", "target_seq": 1},
            {"objective_id": "08.07", "target_seq": 1},
        ),
        achievement_rows({"objective_id": "08.01", "target_seq": 1, "achieved_pct": "70"}),
    )
    assert pd.isna(objective_score(scores, "08.07"))
    assert sector_row(scores, "ragioneria")["score"] == pytest.approx(70.0)


def quantified_case(measured, scoring="binary"):
    return score_one_sector(
        objectives_frame({"objective_id": "05.03"}),
        targets_frame(
            {
                "objective_id": "05.03",
                "target_seq": 1,
                "text": "Indice di soddisfazione > 3,5",
                "operator": ">",
                "value": 3.5,
            }
        ),
        achievement_rows({"objective_id": "05.03", "target_seq": 1, "measured_value": measured}),
        ScoreSettings(threshold_scoring=scoring),
    )


@pytest.mark.parametrize(("measured", "score"), [("3,6", 100.0), ("3,4", 0.0), ("3.5", 0.0)])
def test_quantified_target_is_met_or_missed_against_its_threshold(measured, score):
    assert objective_score(quantified_case(measured), "05.03") == score


def test_quantified_target_scores_how_close_it_came_when_proportional():
    assert objective_score(quantified_case("3,4", "proportional"), "05.03") == pytest.approx(
        100 * 3.4 / 3.5
    )
    assert objective_score(quantified_case("3,6", "proportional"), "05.03") == 100.0


@pytest.mark.parametrize(
    ("operator", "measured", "binary", "proportional"),
    [
        ("<", 30.0, 100.0, 100.0),
        ("<", 50.0, 0.0, 80.0),  # threshold 40: 40/50
        ("<=", 40.0, 100.0, 100.0),
        ("=", 44.0, 0.0, 90.0),  # 1 - 4/40
        (">=", 20.0, 0.0, 50.0),
    ],
)
def test_every_operator_scores_against_threshold_40(operator, measured, binary, proportional):
    assert measure_to_base_score(operator, 40.0, measured, "binary") == binary
    assert measure_to_base_score(operator, 40.0, measured, "proportional") == pytest.approx(
        proportional
    )


def fund_case(fund):
    """Three sectors: relevance 50/30/20, scores 85, 2/3 x 100 and 100."""
    objectives = objectives_frame(
        {"objective_id": "01.01", "sector": "istruzione"},
        {"objective_id": "02.01", "sector": "cultura"},
        {"objective_id": "02.02", "sector": "cultura"},
        {"objective_id": "02.03", "sector": "cultura"},
        {"objective_id": "03.01", "sector": "tributi"},
        {"objective_id": "16.01", "sector": None},
    )
    targets = targets_frame(
        *({"objective_id": oid, "target_seq": 1} for oid in objectives["objective_id"])
    )
    pcts = {"01.01": "85", "02.01": "100", "02.02": "100", "02.03": "0", "03.01": "100"}
    rows = achievement_rows(
        *(
            {"objective_id": oid, "target_seq": 1, "achieved_pct": pcts.get(oid, "40")}
            for oid in objectives["objective_id"]
        )
    )
    weights = sector_weights_frame({"istruzione": 50, "cultura": 30, "tributi": 20})
    return plan_to_scores(objectives, targets, weights, rows, ScoreSettings(fund_eur=fund))


def test_fund_split_adds_up_to_fund_minus_remainder_to_the_cent():
    scores = fund_case(12345.67)
    shares = scores.sector_scores.set_index("sector")["fund_share_eur"]
    # exact cents: 1234567 x 0.425 = 524690.975, x 0.2 = 246913.4 (twice); 1018517.775 in
    # all rounds to 1018518, so the two cents lost by flooring go to .975 and the first .4
    assert shares["istruzione"] == 5246.91
    assert shares["cultura"] == 2469.14
    assert shares["tributi"] == 2469.13
    assert scores.split is not None
    assert scores.split.distributed_eur == 10185.18
    assert scores.split.remainder_eur == 2160.49
    in_split = shares.dropna()
    assert round(in_split.sum() * 100) + round(scores.split.remainder_eur * 100) == 1234567


def test_cross_cutting_objectives_are_reported_but_kept_out_of_the_fund_split():
    scores = fund_case(1000.0)
    cross = scores.sector_scores[scores.sector_scores["sector"].isna()].iloc[0]
    assert cross["score"] == pytest.approx(40.0)
    assert not cross["in_fund_split"]
    assert pd.isna(cross["relevance_pct"]) and pd.isna(cross["fund_share_eur"])
    assert scores.sector_scores["sector"].isna().tolist()[-1]  # reported last
    assert any(f.rule == "cross_cutting_not_in_fund_split" for f in scores.findings)


def test_without_a_fund_the_split_is_in_percent_only():
    scores = fund_case(None)
    assert scores.split is None
    assert scores.sector_scores["fund_share_eur"].isna().all()
    shares = scores.sector_scores.set_index("sector")["fund_share_pct"].dropna()
    assert shares.tolist() == pytest.approx([42.5, 20.0, 20.0])


def test_sector_with_relevance_but_no_objective_leaves_its_share_undistributed():
    scores = score_one_sector(
        objectives_frame({"objective_id": "01.01"}),
        targets_frame({"objective_id": "01.01", "target_seq": 1}),
        achievement_rows({"objective_id": "01.01", "target_seq": 1, "achieved_pct": "100"}),
        ScoreSettings(fund_eur=100.0),
        relevance={"ragioneria": 60.0, "tributi": 40.0},
    )
    row = sector_row(scores, "tributi")
    assert pd.isna(row["score"]) and row["fund_share_eur"] == 0
    assert scores.split is not None and scores.split.remainder_eur == 40.0
    assert any(f.rule == "sector_without_scored_objectives" for f in scores.findings)


def test_relevance_summing_over_100_is_refused():
    with pytest.raises(ValidationError, match="110"):
        score_one_sector(
            objectives_frame({"objective_id": "01.01"}),
            targets_frame({"objective_id": "01.01", "target_seq": 1}),
            achievement_rows({"objective_id": "01.01", "target_seq": 1, "achieved_pct": "1"}),
            relevance={"ragioneria": 60.0, "tributi": 50.0},
        )


@settings(max_examples=60, deadline=None)
@given(
    fund_cents=st.integers(min_value=0, max_value=10**9),
    parts=st.lists(
        st.tuples(st.integers(1, 40), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=15
    ),
)
def test_fund_shares_and_remainder_always_add_up_to_the_fund(fund_cents, parts):
    total = sum(r for r, _ in parts)
    relevance = [100 * r / total for r, _ in parts]
    sectors = pd.DataFrame(
        {
            "in_fund_split": pd.array([True] * len(parts), dtype="boolean"),
            "fund_share_pct": pd.array(
                [r * s / 100 for r, (_, s) in zip(relevance, parts, strict=True)], dtype="Float64"
            ),
        }
    )
    fund = fund_cents / 100
    split_frame, split = sector_scores_to_fund_split(sectors, fund)
    cents = [round(x * 100) for x in split_frame["fund_share_eur"]]
    assert split is not None
    assert sum(cents) + round(split.remainder_eur * 100) == fund_cents
    exact = [fund_cents * float(p) / 100 for p in sectors["fund_share_pct"]]
    assert all(abs(c - e) < 1.000001 for c, e in zip(cents, exact, strict=True))
    assert split.remainder_eur >= 0


def test_objective_without_targets_is_scored_as_one_target():
    score_targets, findings = plan_to_score_targets(
        objectives_frame({"objective_id": "03.08", "expected_result": None, "subject": "Casa"}),
        targets_frame({"objective_id": "03.01", "target_seq": 1}).iloc[0:0],
        ScoreSettings(),
    )
    assert score_targets[["objective_id", "target_seq", "text"]].values.tolist() == [
        ["03.08", 1, "Casa"]
    ]
    assert [f.rule for f in findings] == ["no_sub_targets"]


def test_template_has_one_row_per_sub_target_and_empty_columns_to_fill():
    score_targets, _ = plan_to_score_targets(
        objectives_frame({"objective_id": "01.01"}, {"objective_id": "01.02"}),
        targets_frame(
            {"objective_id": "01.01", "target_seq": 1, "weight_pct": 50},
            {
                "objective_id": "01.01",
                "target_seq": 2,
                "weight_pct": 50,
                "operator": ">=",
                "value": 200.0,
                "unit": "alberi",
            },
            {"objective_id": "01.02", "target_seq": 1},
        ),
        ScoreSettings(),
    )
    template = score_targets_to_template(score_targets)
    assert template[["objective_id", "target_seq"]].values.tolist() == [
        ["01.01", "1"],
        ["01.01", "2"],
        ["01.02", "1"],
    ]
    assert template["threshold"].tolist() == ["", ">= 200 alberi", ""]
    assert template["weight_pct"].tolist() == ["50", "50", ""]
    assert (template[["achieved_pct", "measured_value", "completed_on", "note"]] == "").all().all()


def test_example_achievements_are_deterministic_marked_and_valid():
    objectives = objectives_frame(
        *({"objective_id": f"01.{i:02d}"} for i in range(1, 9)),
        {"objective_id": "01.09", "status": "suspended"},
    )
    targets = targets_frame(
        *({"objective_id": oid, "target_seq": 1} for oid in objectives["objective_id"]),
        {"objective_id": "01.01", "target_seq": 2, "operator": ">", "value": 3.5},
    )
    score_targets, _ = plan_to_score_targets(objectives, targets, ScoreSettings())
    first = score_targets_to_example_achievements(score_targets)
    assert first.equals(score_targets_to_example_achievements(score_targets))
    assert first["note"].str.startswith("EXAMPLE").all()
    rows = first.assign(line=range(2, len(first) + 2)).astype(object)
    scores = plan_to_scores(
        objectives, targets, sector_weights_frame({"ragioneria": 100}), rows, ScoreSettings()
    )
    assert scores.objective_scores["score"].notna().sum() == 8
    assert (scores.target_scores["months_late"] > 0).any()  # the example shows a penalty


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("95%", 95.0),
        ("1.234,5", 1234.5),
        ("1.234", 1234.0),
        ("1,234.5", 1234.5),
        (" 100 ", 100.0),
        ("-2", -2.0),
    ],
)
def test_numbers_are_read_as_offices_type_them(text, number):
    assert text_to_number(text) == number


@pytest.mark.parametrize("text", ["", "tre", "3,5,1", "nan", "inf", "1_000", "1e3"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        text_to_number(text)


@pytest.mark.parametrize("text", ["31/06/2021", "2021-13-01", "30/06/21", "giugno"])
def test_impossible_or_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError):
        text_to_date(text)


def test_settings_come_from_the_score_section_of_params():
    settings = ScoreSettings.from_params(
        {"excluded_statuses": ["suspended"], "late_penalty_pct_per_month": 5, "fund_eur": 1000}
    )
    assert settings == ScoreSettings(("suspended",), 5.0, "binary", 1000.0)
    assert ScoreSettings.from_params(None) == ScoreSettings()


@pytest.mark.parametrize(
    "params",
    [
        {"late_penalty": 5},
        {"excluded_statuses": ["cancelled"]},
        {"threshold_scoring": "fuzzy"},
        {"late_penalty_pct_per_month": -1},
        {"fund_eur": -5},
    ],
)
def test_bad_settings_are_refused(params):
    with pytest.raises(SettingsError) as raised:
        ScoreSettings.from_params(params, key="score")
    assert raised.value.field == f"score.{next(iter(params))}"


def test_output_schemas_refuse_impossible_values():
    scores = fund_case(100.0)
    broken = scores.objective_scores.copy()
    broken.loc[0, "score"] = 120.0
    with pytest.raises(ValidationError) as error:
        validate_frame(broken, ObjectiveScoresSchema, "objective_scores.parquet")
    assert error.value.one_line() == (
        "objective_scores.parquet: failed validation: column score failed "
        "less_than_or_equal_to(100) at row 01.01=120.0"
    )
    assert list(error.value.failure_cases["failure_case"]) == [120.0]
    validate_frame(scores.target_scores, TargetScoresSchema, "target_scores.parquet")
    validate_frame(scores.sector_scores, SectorScoresSchema, "sector_scores.parquet")


@pytest.mark.parametrize(
    ("measured", "scoring", "score"),
    [
        ("3,6", "binary", 93.0),
        ("3,4", "binary", 63.0),
        ("3,4", "proportional", 63 + 30 * 3.4 / 3.5),
    ],
)
def test_worked_example_of_the_docs(measured, scoring, score):
    objectives, targets, weights = small_plan()
    cells = [dict(c) for c in SMALL_PLAN_ACHIEVEMENTS]
    cells[1]["measured_value"] = measured
    rows = achievement_rows(
        *(
            {"objective_id": oid, "target_seq": seq, **c}
            for (oid, seq), c in zip(
                targets[["objective_id", "target_seq"]].values.tolist(), cells, strict=True
            )
        )
    )
    settings = ScoreSettings(threshold_scoring=scoring, fund_eur=1000.0)
    scores = plan_to_scores(objectives, targets, weights, rows, settings)
    assert objective_score(scores, "01.01") == pytest.approx(score)
