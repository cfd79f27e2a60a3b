"""The correction stage on a small normalised plan: an entry applies only where the
value it replaces is still there, and says so in the output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from pipeline.core.errors import CorrectionError
from pipeline.core.quality import findings_to_frame
from pipeline.correct.apply import (
    apply_corrections,
    corrections_for_source,
    corrections_to_checks,
    tables_to_new_correction,
    tables_without_corrections,
)
from pipeline.correct.corrections import Correction, yaml_text_to_corrections
from pipeline.correct.files import correct_tables
from pipeline.normalise.stage import normalise_plan
from pipeline.validate.stage import validate_outputs

FILE = "corrections/2021-11.yaml"
NO_RELEVANCE = pd.DataFrame(columns=["label_raw", "value_raw", "page"])


def row(seq: int, **cells: Any) -> dict[str, Any]:
    """One extraction row of block 1 (TRIBUTI)."""
    return {
        "block": 1,
        "seq": seq,
        "block_title": pd.NA,
        "page_first": 8,
        "page_last": 8,
        "number": str(seq),
        "assignee_raw": "TRIBUTI",
        "dup_raw": "01.04.04",
        "subject": f"Oggetto {seq}",
        "description": "Descrizione",
        "indicator": "Indicatore",
        "expected_result": "Fatto",
        "deadline_raw": "31/12/2021",
        **cells,
    }


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    rows = pd.DataFrame(
        [
            row(1, subject="TARI 2021", deadline_raw="06/01/2021"),
            row(
                2,
                subject="Accertamenti IMU",
                expected_result="Accertamenti emessi (peso 40%)\nSportello aperto (peso 50%)",
            ),
        ]
    )
    rows["block_title"] = rows["block_title"].astype("string")
    plan = normalise_plan(rows, NO_RELEVANCE, "2021-11", 2021)
    return {
        "objectives": plan.objectives,
        "targets": plan.targets,
        "sector_weights": plan.sector_weights,
        "quality": findings_to_frame(plan.findings, "2021-11"),
    }


def entry(**keys: Any) -> dict[str, Any]:
    """A deadline entry for 01.01 ("TARI 2021"), with `keys` changed."""
    return {
        "objective_id": "01.01",
        "number": "1",
        "subject": "TARI 2021",
        "field": "deadline",
        "old": dt.date(2021, 1, 6),
        "new": dt.date(2021, 6, 1),
        "reason": "the office meant 1 June",
        "by": "A. Rossi",
        "date": dt.date(2026, 11, 25),
        **keys,
    }


def weight_entry(**keys: Any) -> dict[str, Any]:
    """A weight entry for the second target of 01.02, with `keys` changed."""
    return entry(
        **{
            "objective_id": "01.02",
            "number": "2",
            "subject": "Accertamenti IMU",
            "target_seq": 2,
            "target_text": "Sportello aperto (peso 50%)",
            "field": "weight_pct",
            "old": 50.0,
            "new": 60.0,
            **keys,
        }
    )


def corrections(*entries: dict[str, Any]) -> list[Correction]:
    return yaml_text_to_corrections(yaml.safe_dump(list(entries), sort_keys=False), FILE)


def test_an_applied_correction_replaces_the_value_and_says_so(tables):
    corrected = apply_corrections(tables, corrections(entry()))
    objectives = corrected["objectives"].set_index("objective_id")
    assert objectives.loc["01.01", "deadline"] == dt.date(2021, 6, 1)
    assert list(objectives["corrected_fields"]) == ["deadline", ""]
    [finding] = corrected["quality"][corrected["quality"]["rule"] == "manual_correction"].to_dict(
        "records"
    )
    assert finding["objective_id"] == "01.01" and finding["field"] == "deadline"
    assert finding["severity"] == "info" and finding["page"] == 8
    assert (finding["raw_value"], finding["normalised_value"]) == ("2021-01-06", "2021-06-01")
    assert "the office meant 1 June" in finding["message"]
    assert "A. Rossi" in finding["message"] and "2026-11-25" in finding["message"]
    assert f"{FILE} line 1" in finding["message"]
    validate_outputs(corrected, "small plan")


def test_a_corrected_table_keeps_every_dtype(tables):
    corrected = apply_corrections(
        tables,
        corrections(
            entry(),
            entry(field="dup_mission", old=1, new=None),
            entry(field="number", old="1", new=None),
            weight_entry(),
        ),
    )
    for name in ("objectives", "targets", "quality"):
        before, after = tables[name].dtypes, corrected[name].dtypes
        assert after.drop("corrected_fields", errors="ignore").equals(before), name
    validate_outputs(corrected, "small plan")


def test_a_target_correction_is_named_on_its_target_and_objective_and_totals_follow(tables):
    corrected = apply_corrections(tables, corrections(weight_entry()))
    targets = corrected["targets"].set_index(["objective_id", "target_seq"])
    assert targets.loc[("01.02", 2), "weight_pct"] == 60.0
    assert list(targets["corrected_fields"]) == ["", "", "weight_pct"]
    objectives = corrected["objectives"].set_index("objective_id")
    assert objectives.loc["01.02", "corrected_fields"] == "targets[2].weight_pct"
    assert objectives.loc["01.02", "weight_total"] == 100.0
    assert corrected["quality"]["field"].iloc[-1] == "targets[2].weight_pct"


def test_a_lateness_rule_the_page_prints_can_be_given_to_its_objective(tables):
    rule = entry(field="penalty_pct_per_month", old=None, new=5.0)
    corrected = apply_corrections(tables, corrections(rule))
    objectives = corrected["objectives"].set_index("objective_id")
    assert objectives.loc["01.01", "penalty_pct_per_month"] == 5.0
    assert objectives["penalty_pct_per_month"].dtype == "Float64"
    assert objectives.loc["01.01", "corrected_fields"] == "penalty_pct_per_month"
    validate_outputs(corrected, "small plan")


def test_a_corrected_dup_code_gets_its_programme_name(tables):
    corrected = apply_corrections(tables, corrections(entry(field="dup_programme", old=4, new=3)))
    objectives = corrected["objectives"].set_index("objective_id")
    assert (
        objectives.loc["01.01", "dup_programme_name"]
        != tables["objectives"].loc[0, "dup_programme_name"]
    )
    assert "finanziaria" in objectives.loc["01.01", "dup_programme_name"].lower()


def test_a_stale_correction_stops_the_run_naming_entry_expected_and_actual(tables):
    stale = corrections(entry(), entry(field="status", old="suspended", new="postponed"))
    with pytest.raises(CorrectionError) as raised:
        apply_corrections(tables, stale)
    error = raised.value
    assert (error.file, error.line, error.row, error.field) == (FILE, 10, "01.01", "status")
    assert "stale" in error.message
    assert "'suspended'" in error.message and "'active'" in error.message


def test_an_entry_the_pipeline_already_satisfies_stops_the_run(tables):
    done = corrections(entry(old=dt.date(2021, 12, 31), new=dt.date(2021, 1, 6)))
    [check] = corrections_to_checks(tables, done)
    assert check.state == "already_equal"
    with pytest.raises(CorrectionError, match="already_equal"):
        apply_corrections(tables, done)


def test_an_entry_whose_objective_no_longer_exists_stops_the_run(tables):
    with pytest.raises(CorrectionError) as raised:
        apply_corrections(tables, corrections(entry(objective_id="01.09")))
    assert raised.value.line == 1 and "01.09 does not exist" in raised.value.message


def test_an_entry_whose_objective_now_reads_differently_stops_the_run(tables):
    moved = corrections(entry(subject="TARI 2020"))
    [check] = corrections_to_checks(tables, moved)
    assert check.state == "missing_objective"
    assert "TARI 2021" in check.detail and "TARI 2020" in check.detail
    with pytest.raises(CorrectionError, match="missing_objective"):
        apply_corrections(tables, moved)


def test_a_target_entry_whose_target_text_changed_does_not_apply(tables):
    [check] = corrections_to_checks(
        tables, corrections(weight_entry(target_text="Accertamenti emessi (peso 40%)"))
    )
    assert check.state == "missing_objective"


def test_recognising_text_ignores_how_yaml_wrapped_it(tables):
    [check] = corrections_to_checks(tables, corrections(entry(subject="TARI\n  2021")))
    assert check.state == "applied"


def test_no_entries_leave_the_tables_as_they_are(tables):
    assert apply_corrections(tables, []) is tables


def test_a_revision_without_a_corrections_file_passes_through_unchanged(tables, tmp_path):
    (tmp_path / "2021-07.yaml").write_text(yaml.safe_dump([entry()]), encoding="utf-8")
    document = {"revision": "2021-11", "source": {"file": "desenzano-2021-11.pdf"}}
    assert correct_tables(tables, document, tmp_path) == (tables, document)
    assert correct_tables(tables, document, None) == (tables, document)


def test_the_document_counts_the_correction_findings(tables, tmp_path):
    path = tmp_path / "2021-11.yaml"
    path.write_text(yaml.safe_dump([entry()]), encoding="utf-8")
    document = {
        "revision": "2021-11",
        "source": {"file": "sources/desenzano-2021-11.pdf"},
        "counts": {"objectives": 2, "targets": 3, "findings": 0},
    }
    corrected, after = correct_tables(tables, document, tmp_path)
    assert after["corrections"] == {"file": str(path), "applied": 1}
    assert after["counts"]["findings"] == len(corrected["quality"])
    assert after["counts"]["findings_by_severity"]["info"] == int(
        (corrected["quality"]["severity"] == "info").sum()
    )


def test_an_entry_for_one_source_applies_to_that_source_only():
    both = corrections(
        entry(),
        entry(field="status", old="active", new="postponed", source="desenzano-2021-11-scan"),
    )
    assert len(corrections_for_source(both, "sources/desenzano-2021-11-scan.pdf")) == 2
    assert corrections_for_source(both, "desenzano-2021-11.pdf") == both[:1]


def test_undoing_the_recorded_corrections_gives_back_the_stage_input(tables):
    corrected = apply_corrections(
        tables,
        corrections(
            entry(),
            entry(field="number", old="1", new=None),
            entry(field="dup_programme", old=4, new=3),
            weight_entry(),
        ),
    )
    undone = tables_without_corrections(corrected)
    for name in ("objectives", "targets", "quality"):
        pd.testing.assert_frame_equal(undone[name], tables[name])


def test_the_stage_output_is_what_validation_reads(tables, tmp_path: Path):
    from pipeline.core.folders import folder_to_tables, tables_to_folder

    corrected = apply_corrections(tables, corrections(entry(), weight_entry()))
    tables_to_folder(corrected, {"revision": "2021-11"}, tmp_path)
    back, _ = folder_to_tables(tmp_path, ("objectives", "targets", "sector_weights", "quality"))
    validate_outputs(back, "small plan")
    assert back["objectives"]["deadline"].iloc[0] == dt.date(2021, 6, 1)


def test_a_new_entry_takes_the_current_value_and_recognising_text(tables):
    correction = tables_to_new_correction(
        tables,
        "01.02",
        "weight_pct",
        60.0,
        target_seq=2,
        reason=" page ",
        by="A. Rossi",
        date=dt.date(2026, 11, 25),
        file=FILE,
    )
    assert (correction.number, correction.subject) == ("2", "Accertamenti IMU")
    assert (correction.old, correction.target_text) == (50.0, "Sportello aperto (peso 50%)")
    assert correction.reason == "page"
    [check] = corrections_to_checks(tables, [correction])
    assert check.applies


@pytest.mark.parametrize(
    "objective_id, field, target_seq, message",
    [
        ("01.09", "deadline", None, "no objective 01.09"),
        ("01.02", "weight_pct", None, "needs target_seq"),
        ("01.02", "deadline", 1, "needs target_seq"),
        ("01.02", "weight_pct", 7, "no target 7"),
    ],
)
def test_a_new_entry_for_something_that_is_not_there_is_refused(
    tables, objective_id, field, target_seq, message
):
    with pytest.raises(CorrectionError, match=message):
        tables_to_new_correction(
            tables,
            objective_id,
            field,
            None,
            target_seq=target_seq,
            reason="r",
            by="b",
            date=dt.date(2026, 11, 25),
            file=FILE,
        )
