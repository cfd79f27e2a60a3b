"""Output schemas: the data dictionary and validate_outputs' error messages."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipeline.core.contract import (
    ASSIGNEE_KEYS,
    CELL_FIELDS,
    OBJECTIVE_FIELDS,
    SECTOR_KEYS,
    TEXT_DTYPE,
    table_with_plan,
)
from pipeline.core.errors import ValidationError
from pipeline.core.quality import Finding, findings_to_frame
from pipeline.normalise.registry import load_registry
from pipeline.validate.schemas import SCHEMAS, schema_to_data_dictionary
from pipeline.validate.stage import validate_outputs


def objectives(**overrides):
    frame = pd.DataFrame(
        {
            "plan": ["plan-2021-11", "plan-2021-11"],
            "revision": ["2021-11", "2021-11"],
            "objective_id": ["01.01", "01.02"],
            "block": [1, 1],
            "seq": [1, 2],
            "sector": ["istruzione", "istruzione"],
            "number": ["1", None],
            "assignee_raw": ["ISTRUZIONE", ""],
            "assignee": ["istruzione", "istruzione"],
            "dup_raw": ["4.6.0", None],
            "dup_mission": pd.array([4, None], dtype="Int64"),
            "dup_programme": pd.array([6, None], dtype="Int64"),
            "subject": ["a", "b"],
            "description": ["a", "b"],
            "indicator": ["a", "b"],
            "expected_result": ["a", "b"],
            "deadline_raw": ["31/12/2021", "Sospeso"],
            "deadline": pd.array([date(2021, 12, 31), None], dtype=object),
            "deadline_status": ["ok", "not_a_date"],
            "status": ["active", "suspended"],
            "page_first": [3, 3],
            "page_last": [3, 4],
            "penalty_pct_per_month": pd.array([10.0, None], dtype="Float64"),
            "penalty_raw": ["(-10% ogni mese ritardo)", None],
            "block_title": [None, None],
            "dup_programme_name": ["Servizi ausiliari all'istruzione", None],
            "target_count": [1, 0],
            "weight_total": pd.array([None, None], dtype="Float64"),
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    for column in frame.columns:
        if column != "deadline" and frame[column].dtype in (object, "str"):
            frame[column] = frame[column].astype(TEXT_DTYPE)
    return frame


def sector_weights(values=(60.0, 40.0)):
    return pd.DataFrame(
        {
            "plan": pd.array(["plan-2021-11", "plan-2021-11"], dtype="string"),
            "revision": pd.array(["2021-11", "2021-11"], dtype="string"),
            "sector": pd.array(["istruzione", "tributi"], dtype="string"),
            "label_raw": pd.array(["Istruzione", "Tributi"], dtype="string"),
            "relevance_pct": list(values),
            "page": pd.array([20, 20], dtype="Int64"),
        }
    )


def test_schema_keys_are_the_registry_keys():
    registry = load_registry()
    assert set(SECTOR_KEYS) == set(registry.keys(("sector",)))
    assert set(ASSIGNEE_KEYS) == set(registry.keys())


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_column_of_every_table_is_described(name):
    dictionary = schema_to_data_dictionary(name)
    assert len(dictionary) >= 5
    assert dictionary["description"].notna().all()
    assert (dictionary["description"].str.len() > 5).all()


def test_valid_tables_pass():
    validate_outputs(
        {
            "objectives": objectives(),
            "sector_weights": sector_weights(),
            "quality": table_with_plan(
                findings_to_frame(
                    [
                        Finding(
                            "deadline",
                            "deadline_not_a_date",
                            "warning",
                            "Sospeso",
                            None,
                            "m",
                            "01.02",
                        )
                    ],
                    "2021-11",
                ),
                "plan-2021-11",
            ),
        },
        source="plan.pdf",
    )


def test_failure_names_the_file_table_column_row_and_value():
    bad = objectives(assignee=["istruzione", "Biblioteca"])
    with pytest.raises(ValidationError) as raised:
        validate_outputs({"objectives": bad}, source="plan.pdf")
    line = raised.value.one_line()
    assert line.startswith("plan.pdf: ")
    assert "objectives: column assignee" in line
    assert "row 01.02='Biblioteca'" in line
    assert "Traceback" not in line


def test_duplicate_objective_ids_fail():
    with pytest.raises(ValidationError, match="objective_id"):
        validate_outputs({"objectives": objectives(objective_id=["01.01", "01.01"])}, "p.pdf")


def test_deadline_without_date_but_status_ok_fails():
    bad = objectives(deadline_status=["ok", "ok"])
    with pytest.raises(ValidationError, match="deadline_null_exactly_when_no_date"):
        validate_outputs({"objectives": bad}, "p.pdf")


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("status", ["active", "paused"]),
        ("deadline_status", ["ok", "unknown"]),
        ("sector", ["istruzione", "servizi sociali"]),  # a label, not a key
        ("page_last", [3, 2]),
    ],
)
def test_values_outside_the_contract_fail(column, values):
    with pytest.raises(
        ValidationError, match=column if column != "page_last" else "pages_in_order"
    ):
        validate_outputs({"objectives": objectives(**{column: values})}, "p.pdf")


def test_relevance_not_adding_up_to_100_fails_but_within_a_hundredth_passes():
    validate_outputs({"sector_weights": sector_weights((60.005, 40.0))}, "p.pdf")
    with pytest.raises(ValidationError, match="relevance_adds_up_to_100"):
        validate_outputs({"sector_weights": sector_weights((60.0, 30.0))}, "p.pdf")


def test_weight_outside_0_to_100_fails():
    targets = pd.DataFrame(
        {
            "plan": pd.array(["plan-2021-11"], dtype="string"),
            "revision": pd.array(["2021-11"], dtype="string"),
            "objective_id": pd.array(["01.01"], dtype="string"),
            "target_seq": [1],
            "text": pd.array(["A (peso 150%)"], dtype="string"),
            "weight_pct": pd.array([150.0], dtype="Float64"),
            "operator": pd.array([None], dtype="string"),
            "value": pd.array([None], dtype="Float64"),
            "unit": pd.array([None], dtype="string"),
            "source_field": pd.array(["expected_result"], dtype="string"),
            "indicator_text": pd.array(["a"], dtype="string"),
            "result_text": pd.array([None], dtype="string"),
        }
    )
    with pytest.raises(ValidationError, match=r"weight_pct.*row 01.01#1=150.0"):
        validate_outputs({"targets": targets}, "p.pdf")


def test_unknown_severity_fails():
    finding = Finding("x", "r", "fatal", None, None, "m")  # type: ignore[arg-type]
    quality = table_with_plan(findings_to_frame([finding], "2021-11"), "plan-2021-11")
    with pytest.raises(ValidationError, match="severity"):
        validate_outputs({"quality": quality}, "p.pdf")


def test_targets_of_an_unknown_objective_fail():
    targets = pd.DataFrame(
        {
            "plan": pd.array(["plan-2021-11"], dtype="string"),
            "revision": pd.array(["2021-11"], dtype="string"),
            "objective_id": pd.array(["09.09"], dtype="string"),
            "target_seq": [1],
            "text": pd.array(["x"], dtype="string"),
            "weight_pct": pd.array([None], dtype="Float64"),
            "operator": pd.array([None], dtype="string"),
            "value": pd.array([None], dtype="Float64"),
            "unit": pd.array([None], dtype="string"),
            "source_field": pd.array(["expected_result"], dtype="string"),
            "indicator_text": pd.array(["a"], dtype="string"),
            "result_text": pd.array([None], dtype="string"),
        }
    )
    with pytest.raises(ValidationError, match="09.09"):
        validate_outputs({"objectives": objectives(), "targets": targets}, "p.pdf")


def cells(**overrides):
    frame = pd.DataFrame(
        {
            "plan": pd.array(["plan-2021-11", "plan-2021-11"], dtype="string"),
            "revision": pd.array(["2021-11", "2021-11"], dtype="string"),
            "objective_id": pd.array(["01.01", "01.01"], dtype="string"),
            "field": pd.array(["number", "subject"], dtype="string"),
            "page": [3, 3],
            "x0": [40.0, 70.0],
            "top": [100.0, 100.0],
            "x1": [70.0, 160.0],
            "bottom": [140.0, 140.0],
            "ocr_confidence": [float("nan"), 91.5],  # a text layer's cell, a scanned one
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


def test_tables_of_other_stages_are_left_to_them_but_ours_are_still_checked():
    rows = pd.DataFrame({"anything": [1]})
    validate_outputs({"rows": rows, "sector_weights": sector_weights()}, "p.pdf")
    with pytest.raises(ValidationError, match="sector_weights"):
        validate_outputs({"rows": rows, "sector_weights": sector_weights((1.0, 2.0))}, "p.pdf")


def test_cell_fields_are_the_printed_fields_of_the_header():
    assert list(CELL_FIELDS) == OBJECTIVE_FIELDS


def test_valid_cells_pass():
    validate_outputs({"objectives": objectives(), "cells": cells()}, "p.pdf")


def test_an_ocr_confidence_beyond_100_fails():
    with pytest.raises(ValidationError, match="ocr_confidence"):
        validate_outputs({"cells": cells(ocr_confidence=[float("nan"), 140.0])}, "p.pdf")


def test_inverted_cell_box_fails_naming_the_cell():
    with pytest.raises(ValidationError) as raised:
        validate_outputs({"cells": cells(x1=[30.0, 160.0])}, "p.pdf")
    assert "cells: table failed boxes_not_inverted at row 01.01 number p3" in str(raised.value)


def test_cell_of_an_unknown_field_or_objective_fails():
    with pytest.raises(ValidationError, match="column field"):
        validate_outputs({"cells": cells(field=["number", "oggetto"])}, "p.pdf")
    with pytest.raises(ValidationError, match=r"cells: objective_id not in objectives.*09.09"):
        validate_outputs(
            {"objectives": objectives(), "cells": cells(objective_id=["01.01", "09.09"])},
            "p.pdf",
        )


def test_a_row_failing_a_table_check_is_named_once_not_once_per_column():
    with pytest.raises(ValidationError) as raised:
        validate_outputs({"objectives": objectives(page_last=[3, 2])}, "p.pdf")
    assert str(raised.value).count("row 01.02") == 1
