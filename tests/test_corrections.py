"""The corrections file format: what reads, and where a file that does not read fails."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from pipeline.core.errors import CorrectionError
from pipeline.correct.corrections import (
    Correction,
    correction_to_yaml_text,
    file_name_to_revision,
    yaml_text_to_corrections,
)

FILE = "corrections/2021-11.yaml"

GOOD = textwrap.dedent("""\
    # Hand corrections of plan revision 2021-11.
    - objective_id: '06.10'
      number: '9'
      subject: TARI 2021
      field: deadline
      old: 2021-01-06
      new: 2021-06-01
      reason: the office meant 1 June
      by: A. Rossi
      date: 2026-11-25

    # a target's weight
    - objective_id: '05.02'
      number: '2'
      subject: Affidamento- gestione aree sosta
      target_seq: 1
      target_text: Predisposizione documentazione gara (peso 40%)
      field: weight_pct
      old: 40
      new: 45
      reason: the office's letter
      by: A. Rossi
      date: 2026-11-25
""")


def read_error(text: str) -> CorrectionError:
    with pytest.raises(CorrectionError) as raised:
        yaml_text_to_corrections(textwrap.dedent(text), FILE)
    return raised.value


def test_entries_read_in_file_order_with_their_lines_and_typed_values():
    deadline, weight = yaml_text_to_corrections(GOOD, FILE)
    assert (deadline.line, deadline.objective_id, deadline.field) == (2, "06.10", "deadline")
    assert (deadline.old, deadline.new) == (dt.date(2021, 1, 6), dt.date(2021, 6, 1))
    assert deadline.target_seq is None and deadline.source is None
    assert (weight.line, weight.target_seq, weight.field_label) == (13, 1, "targets[1].weight_pct")
    assert (weight.old, weight.new) == (40.0, 45.0) and isinstance(weight.new, float)


def test_a_file_of_comments_only_holds_no_entries():
    assert yaml_text_to_corrections("# nothing yet\n", FILE) == []


def test_malformed_yaml_fails_with_file_and_line():
    error = read_error("""\
        - objective_id: '06.10'
          number: '9'
          subject: "TARI 2021
          field: deadline
    """)
    assert error.file == FILE and error.line is not None and error.line >= 3
    assert "malformed YAML" in error.one_line() and FILE in error.one_line()


def test_an_unknown_key_fails_at_its_line():
    error = read_error(
        GOOD.replace(
            "  by: A. Rossi\n  date: 2026-11-25\n\n#", "  by: A. Rossi\n  dat: 2026-11-25\n\n#"
        )
    )
    assert (error.line, error.field) == (10, "dat")
    assert "unknown key" in error.message


def test_an_unknown_field_fails_at_its_line_listing_the_correctable_ones():
    error = read_error(GOOD.replace("field: deadline", "field: scadenza"))
    assert (error.line, error.value) == (5, "scadenza")
    assert "deadline" in error.message and "weight_pct" in error.message


@pytest.mark.parametrize("new", ["'2021-06-01'", "1 giugno 2021", "2021-06-01 10:00:00"])
def test_a_deadline_that_is_not_a_date_fails_at_its_line(new: str):
    error = read_error(GOOD.replace("new: 2021-06-01", f"new: {new}"))
    assert (error.file, error.line, error.field) == (FILE, 7, "new")
    assert "must be a date" in error.message


def test_null_fails_where_the_column_may_not_be_null():
    error = read_error(
        GOOD.replace("field: deadline", "field: status")
        .replace("old: 2021-01-06", "old: active")
        .replace("new: 2021-06-01", "new: null")
    )
    assert (error.line, error.field) == (7, "new") and "may not be null" in error.message


def test_an_unquoted_objective_id_is_a_number_to_yaml_and_fails():
    error = read_error(GOOD.replace("objective_id: '06.10'", "objective_id: 06.10"))
    assert (error.line, error.field) == (2, "objective_id")
    assert "quoted" in error.message


def test_a_printed_number_must_be_text():
    error = read_error(GOOD.replace("number: '9'", "number: 9"))
    assert (error.line, error.field) == (3, "number")


def test_a_new_value_outside_the_canonical_keys_fails():
    error = read_error(
        GOOD.replace("field: deadline", "field: status")
        .replace("old: 2021-01-06", "old: active")
        .replace("new: 2021-06-01", "new: sospeso")
    )
    assert error.line == 7 and "suspended" in error.message


def test_a_weight_above_100_fails():
    error = read_error(GOOD.replace("new: 45", "new: 450"))
    assert error.line == 20 and "at most 100" in error.message


def test_a_target_field_needs_its_target_and_an_objective_field_refuses_one():
    error = read_error(GOOD.replace("  target_seq: 1\n", ""))
    assert error.line == 13 and "target_seq" in error.message
    error = read_error(GOOD.replace("field: deadline", "field: deadline\n  target_seq: 1"))
    assert error.field == "target_seq" and error.line == 6


def test_an_entry_without_a_reason_fails():
    error = read_error(GOOD.replace("  reason: the office meant 1 June\n", ""))
    assert error.line == 2 and "reason" in error.message


def test_two_entries_for_the_same_value_fail_naming_both_lines():
    first = GOOD.split("\n# a target")[0]
    error = read_error(first + "\n" + first.split("\n", 1)[1])
    assert error.line == 12 and "line 2" in error.message


def test_an_entry_whose_new_value_equals_the_old_fails():
    error = read_error(GOOD.replace("new: 45", "new: 40.0"))
    assert error.line == 20 and "nothing to correct" in error.message


def test_a_list_is_required_at_the_top():
    error = read_error("objective_id: '06.10'\n")
    assert error.line == 1


@pytest.mark.parametrize("correction", yaml_text_to_corrections(GOOD, FILE))
def test_an_entry_written_as_yaml_reads_back_the_same(correction: Correction):
    again = yaml_text_to_corrections(correction_to_yaml_text(correction), FILE)[0]
    assert again == Correction(**{**vars(correction), "line": 1})


def test_multi_line_text_is_written_as_a_block_and_reads_back_exactly():
    [entry, _] = yaml_text_to_corrections(GOOD, FILE)
    text_entry = Correction(
        **{
            **vars(entry),
            "field": "expected_result",
            "old": "Relazione\nAtti di gara",
            "new": "Relazione\n  Atti",
        }
    )
    text = correction_to_yaml_text(text_entry)
    assert "new: |-" in text
    assert yaml_text_to_corrections(text, FILE)[0].new == "Relazione\n  Atti"


def test_file_names_give_the_revision():
    assert file_name_to_revision("2021-11.yaml") == "2021-11"
    assert file_name_to_revision("2021-13.yaml") is None
    assert file_name_to_revision("novembre.yaml") is None
