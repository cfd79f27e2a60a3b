"""TEMPI STABILITI cells to deadlines (CONTRACT.md deadline policy)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.contract import DEADLINE_STATUSES
from pipeline.normalise.deadlines import deadline_texts_to_context_year, text_to_deadline


def rules(deadline):
    return [f.rule for f in deadline.findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2021", date(2021, 12, 31)),
        ("31.12.2021", date(2021, 12, 31)),
        ("06/01/2021", date(2021, 1, 6)),  # day first, as printed
        ("entro il 30/06/2021", date(2021, 6, 30)),
        ("31 dicembre 2021", date(2021, 12, 31)),
    ],
)
def test_valid_date_is_ok_without_findings(text, expected):
    deadline = text_to_deadline(text, context_year=2021, plan_year=2021)
    assert (deadline.value, deadline.status, deadline.findings) == (expected, "ok", ())


def test_impossible_day_becomes_last_day_of_month_and_is_repaired():
    deadline = text_to_deadline("31/06/2021", context_year=2021)
    assert (deadline.value, deadline.status) == (date(2021, 6, 30), "repaired")
    assert rules(deadline) == ["deadline_impossible_day"]
    assert deadline.findings[0].normalised_value == "2021-06-30"


def test_february_29_of_a_common_year_is_repaired_but_of_a_leap_year_is_ok():
    assert text_to_deadline("29/02/2021").status == "repaired"
    assert text_to_deadline("29/02/2024").status == "ok"


def test_year_with_a_stray_digit_is_repaired_towards_the_plan_year():
    deadline = text_to_deadline("31/12/20201", context_year=2021)
    assert (deadline.value, deadline.status) == (date(2021, 12, 31), "repaired")
    assert rules(deadline) == ["deadline_year_typo"]


def test_year_with_a_stray_digit_and_no_context_is_not_guessed():
    deadline = text_to_deadline("31/12/20201", context_year=None)
    assert deadline.value is None
    assert deadline.status == "not_a_date"
    assert "deadline_unrepairable" in rules(deadline)


def test_same_date_in_two_paragraphs_is_ok():
    deadline = text_to_deadline("31/12/2021\n31/12/2021", context_year=2021)
    assert (deadline.value, deadline.status) == (date(2021, 12, 31), "ok")
    assert [f.severity for f in deadline.findings] == ["info"]


def test_several_different_dates_keep_the_latest_with_a_warning():
    deadline = text_to_deadline("31.12.2020 e la restante parte 30/06/2021", context_year=2021)
    assert deadline.value == date(2021, 6, 30)
    assert "deadline_several_dates" in rules(deadline)


@pytest.mark.parametrize(
    "text", ["Sospeso", "Rispetto tempistica prevista dalla normativa", "24/40/2024"]
)
def test_words_or_an_impossible_month_are_not_a_date(text):
    deadline = text_to_deadline(text, context_year=2021)
    assert (deadline.value, deadline.status) == (None, "not_a_date")
    assert "deadline_not_a_date" in rules(deadline)


@pytest.mark.parametrize("text", ["", "  ", "\n"])
def test_empty_cell_is_missing(text):
    deadline = text_to_deadline(text)
    assert (deadline.value, deadline.status, rules(deadline)) == (
        None,
        "missing",
        ["deadline_missing"],
    )


def test_deadline_before_the_plan_year_is_flagged():
    deadline = text_to_deadline("31/12/2020", context_year=2021, plan_year=2021)
    assert deadline.status == "ok"
    assert rules(deadline) == ["deadline_before_plan_year"]


def test_context_year_is_the_most_common_year_of_the_plans_dates():
    texts = ["31/12/2021", "30/06/2021", "31/12/2022", "Sospeso", "31/12/20201"]
    assert deadline_texts_to_context_year(texts) == 2021
    assert deadline_texts_to_context_year(["Sospeso"]) is None


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\d{1,3}[/.\-]\d{1,3}[/.\-]\d{1,6}", fullmatch=True),
    ),
    st.one_of(st.none(), st.integers(1990, 2100)),
)
def test_any_text_gives_a_date_or_a_finding_and_never_crashes(text, year):
    deadline = text_to_deadline(text, context_year=year, plan_year=year)
    assert deadline.status in DEADLINE_STATUSES
    assert deadline.value is not None or deadline.findings
    assert (deadline.value is None) == (deadline.status in ("not_a_date", "missing"))
    if deadline.status == "repaired":
        assert deadline.findings
