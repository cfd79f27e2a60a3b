"""The normalisation stage end to end, against both reference transcriptions."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import score
from normalise_inputs import (
    load_references,
    reference_to_plan_year,
    reference_to_relevance,
    reference_to_rows,
)

from pipeline.core.errors import NormalisationError, SettingsError
from pipeline.core.quality import findings_to_frame
from pipeline.normalise.registry import load_registry, title_to_match
from pipeline.normalise.stage import OBJECTIVE_COLUMNS, NormaliseSettings, normalise_plan
from pipeline.validate.stage import validate_outputs


@pytest.fixture(scope="module")
def references():
    return load_references()


@pytest.fixture(scope="module")
def plans(references):
    return [
        (
            reference,
            normalise_plan(
                reference_to_rows(reference),
                reference_to_relevance(reference),
                reference["document"]["revision"],
                reference_to_plan_year(reference),
            ),
        )
        for reference in references
    ]


def expected_rows(reference):
    for block in reference["blocks"]:
        for obj in block["objectives"]:
            yield f"{block['block']:02d}.{obj['seq']:02d}", obj["expected"]


def test_every_reference_row_gets_its_expected_normalised_values(plans):
    mismatches = []
    for reference, plan in plans:
        objectives = plan.objectives.set_index("objective_id")
        weights = (
            plan.targets.dropna(subset=["weight_pct"])
            .groupby("objective_id")["weight_pct"]
            .apply(list)
        )
        for oid, expected in expected_rows(reference):
            row = objectives.loc[oid]
            deadline = row["deadline"]
            got = {
                "sector": None if pd.isna(row["sector"]) else row["sector"],
                "assignee": row["assignee"],
                "deadline": None if pd.isna(deadline) else deadline.isoformat(),
                "deadline_status": row["deadline_status"],
                "status": row["status"],
                "weights": weights.get(oid, []),
            }
            if got != expected:
                mismatches.append((reference["document"]["revision"], oid, got, expected))
    assert mismatches == []
    assert sum(len(plan.objectives) for _, plan in plans) == 141 + 140


def test_relevance_percentages_equal_the_reference(plans):
    for reference, plan in plans:
        want = {
            row["sector"]: float(row["value"].rstrip("%").replace(",", "."))
            for row in reference["relevance"]["rows"]
        }
        got = dict(
            zip(plan.sector_weights["sector"], plan.sector_weights["relevance_pct"], strict=True)
        )
        assert got == want
        assert "totale" not in set(plan.sector_weights["label_raw"].str.lower())


def test_outputs_of_both_references_pass_their_schemas(plans):
    for reference, plan in plans:
        revision = reference["document"]["revision"]
        validate_outputs(
            {
                "objectives": plan.objectives,
                "targets": plan.targets,
                "sector_weights": plan.sector_weights,
                "quality": findings_to_frame(plan.findings, revision),
            },
            source=f"{revision}.json",
        )


def test_objectives_have_contract_columns_first_and_blank_cells_as_null(plans):
    _, plan = plans[-1]
    objectives = plan.objectives
    assert list(objectives.columns[: len(OBJECTIVE_COLUMNS)]) == OBJECTIVE_COLUMNS
    tributi_without_number = objectives.set_index("objective_id").loc["06.05"]
    assert pd.isna(tributi_without_number["number"])
    assert tributi_without_number["assignee_raw"] == ""
    assert objectives["dup_raw"].isna().sum() == 4
    assert (objectives["revision"] == "2021-11").all()
    assert set(plan.targets["revision"]) == {"2021-11"}


def test_dup_codes_of_the_reference_read_mission_and_programme(plans):
    _, plan = plans[-1]
    objectives = plan.objectives
    by_raw = objectives.dropna(subset=["dup_raw"]).drop_duplicates("dup_raw").set_index("dup_raw")
    assert tuple(by_raw.loc["4.6.0", ["dup_mission", "dup_programme"]]) == (4, 6)
    assert tuple(by_raw.loc["01.04.04", ["dup_mission", "dup_programme"]]) == (1, 4)
    assert tuple(by_raw.loc["1.10.", ["dup_mission", "dup_programme"]]) == (1, 10)
    assert by_raw.loc["01.04.04", "dup_programme_name"].startswith("Gestione delle entrate")


def findings_of(plan, rule):
    return [f for f in plan.findings if f.rule == rule]


def test_reference_quirks_become_findings(plans):
    _, plan = plans[-1]
    # 90 and 110 are in the NOTES; row 1.1's 50 + 30 = 80 is printed that way too
    assert {f.objective_id for f in findings_of(plan, "weights_sum")} == {"01.01", "05.02", "06.01"}
    assert [f.objective_id for f in findings_of(plan, "missing_dup")] == [
        "05.02", "07.03", "07.04", "08.08"
    ]  # fmt: skip
    assert [f.objective_id for f in findings_of(plan, "assignee_from_block")] == ["06.05"]
    assert [f.objective_id for f in findings_of(plan, "number_duplicate")] == ["03.07"]
    assert [f.objective_id for f in findings_of(plan, "deadline_impossible_day")] == ["02.01"]
    assert [f.objective_id for f in findings_of(plan, "deadline_year_typo")] == ["04.05"]
    assert [f.objective_id for f in findings_of(plan, "dup_ambiguous")] == ["02.06"]
    assert not [f for f in plan.findings if f.severity == "error"]


def test_every_finding_of_a_row_names_its_objective_and_page(plans):
    _, plan = plans[-1]
    pages = dict(zip(plan.objectives["objective_id"], plan.objectives["page_first"], strict=True))
    for finding in plan.findings:
        if finding.objective_id is not None:
            assert finding.page == pages[finding.objective_id]


def small_rows(**overrides):
    row = {
        "block": 1,
        "seq": 1,
        "block_title": pd.NA,
        "page_first": 4,
        "page_last": 4,
        "number": "1",
        "assignee_raw": "ISTRUZIONE",
        "dup_raw": "4.6.0",
        "subject": "Servizio",
        "description": "Descrizione",
        "indicator": "Indicatore",
        "expected_result": "100%",
        "deadline_raw": "31/12/2021",
    }
    row.update(overrides)
    return pd.DataFrame([row])


NO_RELEVANCE = pd.DataFrame(columns=["label_raw", "value_raw", "page"])


def test_unknown_block_title_fails_naming_label_page_and_three_closest_keys():
    rows = small_rows(block_title="BIBLIOTECA CIVICA", page_first=9, page_last=9)
    with pytest.raises(NormalisationError) as raised:
        normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021)
    error = raised.value
    assert error.page == 9
    assert "BIBLIOTECA CIVICA" in error.message
    closest = title_to_match("BIBLIOTECA CIVICA", load_registry()).closest
    assert len(closest) == 3
    for key, _ in closest:
        assert key in error.message
    assert "page 9" in error.one_line()


def test_block_of_unmatched_assignees_without_title_fails():
    with pytest.raises(NormalisationError, match="XYZ"):
        normalise_plan(small_rows(assignee_raw="XYZ"), NO_RELEVANCE, "2021-11", 2021)


def test_block_title_gives_the_sector_even_for_an_ocr_damaged_assignee():
    rows = pd.concat(
        [
            small_rows(block_title="CULTURA - SPORT", assignee_raw="SPORT"),
            small_rows(block_title="CULTURA - SPORT", seq=2, assignee_raw="CULTUPA"),
        ]
    )
    plan = normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021)
    assert list(plan.objectives["sector"]) == ["cultura", "cultura"]
    assert list(plan.objectives["assignee"]) == ["sport", "cultura"]
    assert [f.rule for f in plan.findings if f.field == "assignee"] == ["label_fuzzy_match"]


def test_block_of_cross_cutting_assignees_has_no_sector():
    rows = pd.concat(
        [
            small_rows(assignee_raw="TUTTE LE AREE ORGANIZZATIVE"),
            small_rows(seq=2, assignee_raw="SEGRETARIO COMUNALE"),
        ]
    )
    plan = normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021)
    assert plan.objectives["sector"].isna().all()
    assert list(plan.objectives["assignee"]) == ["tutte_le_aree", "segretario_comunale"]


def test_unmatched_assignee_in_a_sector_block_takes_the_sector_with_an_error():
    rows = pd.concat([small_rows(), small_rows(seq=2, assignee_raw="BIBLIOTECA")])
    plan = normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021)
    assert list(plan.objectives["assignee"]) == ["istruzione", "istruzione"]
    [finding] = [f for f in plan.findings if f.severity == "error"]
    assert (finding.rule, finding.objective_id) == ("label_unmatched", "01.02")


def test_extraction_extra_columns_pass_through_after_ours():
    rows = small_rows(row_confidence=0.75, extra="{}")
    objectives = normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021).objectives
    assert list(objectives.columns[-2:]) == ["row_confidence", "extra"]
    assert objectives["row_confidence"].iloc[0] == 0.75


def test_relevance_total_that_differs_from_the_sum_is_flagged():
    relevance = pd.DataFrame(
        {
            "label_raw": ["Istruzione", "Tributi", "totale"],
            "value_raw": ["40%", "60 %", "90%"],
            "page": [20, 20, 20],
        }
    )
    plan = normalise_plan(small_rows(), relevance, "2021-11", 2021)
    assert list(plan.sector_weights["relevance_pct"]) == [40.0, 60.0]
    assert [f.rule for f in findings_of(plan, "relevance_total_mismatch")] == [
        "relevance_total_mismatch"
    ]


def test_relevance_value_with_decimal_comma_is_read():
    relevance = pd.DataFrame(
        {"label_raw": ["Istruzione", "Tributi"], "value_raw": ["4,5 %", "95,5%"], "page": [1, 1]}
    )
    plan = normalise_plan(small_rows(), relevance, "2021-11", 2021)
    assert list(plan.sector_weights["relevance_pct"]) == [4.5, 95.5]


def test_missing_row_columns_are_an_error_naming_them():
    with pytest.raises(NormalisationError, match="deadline_raw"):
        normalise_plan(small_rows().drop(columns="deadline_raw"), NO_RELEVANCE, "2021-11", 2021)


def test_settings_from_params_reject_unknown_keys_and_bad_values():
    assert NormaliseSettings.from_params({"min_label_score": 70}).min_label_score == 70
    assert NormaliseSettings.from_params(None) == NormaliseSettings()
    with pytest.raises(SettingsError, match="unknown setting") as unknown:
        NormaliseSettings.from_params({"min_score": 70}, key="normalise", file="params.yaml")
    assert unknown.value.one_line().startswith("params.yaml, field normalise.min_score:")
    with pytest.raises(SettingsError, match="must be <= 100") as high:
        NormaliseSettings.from_params({"min_label_score": 170}, key="normalise")
    assert high.value.field == "normalise.min_label_score" and high.value.value == "170"
    with pytest.raises(SettingsError, match="must be a number"):
        NormaliseSettings.from_params({"min_label_score": "high"})


def test_stricter_label_score_turns_a_fuzzy_match_into_an_error():
    rows = pd.concat([small_rows(), small_rows(seq=2, assignee_raw="IOTOLIZIONE")])
    lenient = normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021)
    strict = normalise_plan(
        rows, NO_RELEVANCE, "2021-11", 2021, NormaliseSettings(min_label_score=90)
    )
    assert [f.severity for f in lenient.findings if f.field == "assignee"] == ["warning"]
    assert [f.severity for f in strict.findings if f.field == "assignee"] == ["error"]


def test_parquet_round_trip_scores_every_normalised_value_right(plans, tmp_path):
    # regression: null text and date cells written by pyarrow must read back as blanks
    # for tests/score.py, not as the string "<NA>"
    for reference, plan in plans:
        folder = tmp_path / reference["document"]["revision"]
        folder.mkdir()
        for name in ("objectives", "sector_weights"):
            table = pa.Table.from_pandas(getattr(plan, name), preserve_index=False)
            pq.write_table(table, folder / f"{name}.parquet")
        report = score.score(reference, folder)
        assert report["cell_accuracy"] == 1.0
        assert set(report["normalised_accuracy"].values()) == {1.0}
        assert report["relevance"]["accuracy"] == 1.0
