"""One parser for Italian numbers, used by the sub-targets' thresholds and by the score
model's achievements alike."""

from __future__ import annotations

import pytest

from pipeline.core.numbers import italian_number_to_float
from pipeline.normalise.targets import number_text_to_float, text_to_threshold
from pipeline.score.model import text_to_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234", 1234.0),
        ("12.500.000", 12500000.0),
        ("3,5", 3.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("3.5", 3.5),
        ("0,75", 0.75),
        ("95 %", 95.0),
        ("-2", -2.0),
        ("1\u00a0234,5", 1234.5),
    ],
)
def test_italian_numbers_read_as_printed(text: str, number: float):
    assert italian_number_to_float(text) == number
    assert text_to_number(text) == number
    assert number_text_to_float(text.removesuffix(" %").removesuffix("%")) == number


@pytest.mark.parametrize("text", ["", "tre punti", "3,5,1", "nan", "inf", "1e3", "1_000", "."])
def test_what_is_no_number_is_none(text: str):
    assert italian_number_to_float(text) is None


def test_a_threshold_and_an_achievement_read_one_number_the_same():
    threshold = text_to_threshold("almeno 1.500 pratiche")
    assert threshold is not None and threshold.value == 1500.0 == text_to_number("1.500")
