"""The relevance table to sector weights."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.core.errors import NormalisationError
from pipeline.normalise.registry import load_registry
from pipeline.normalise.relevance import relevance_to_sector_weights, value_text_to_percent


def relevance(labels, values):
    return pd.DataFrame({"label_raw": labels, "value_raw": values, "page": [30] * len(labels)})


@pytest.mark.parametrize(
    ("text", "value"),
    [("14%", 14.0), ("4,5 %", 4.5), (" 100% ", 100.0), ("2", 2.0), ("n.d.", None)],
)
def test_printed_values_read_as_percentages(text, value):
    assert value_text_to_percent(text) == value


def test_unknown_label_fails_naming_label_page_and_closest_keys():
    with pytest.raises(NormalisationError) as raised:
        relevance_to_sector_weights(
            relevance(["Istruzione", "Protezione civile"], ["50%", "50%"]),
            "2021-11",
            load_registry(),
        )
    assert raised.value.page == 30
    assert "Protezione civile" in raised.value.message
    assert raised.value.message.count("), ") == 2  # three "key (score)" entries


def test_two_labels_of_one_sector_fail():
    with pytest.raises(NormalisationError, match="same sector"):
        relevance_to_sector_weights(
            relevance(["Ecologia", "Ambiente"], ["50%", "50%"]), "2021-11", load_registry()
        )


def test_sum_other_than_100_is_a_warning_and_total_is_dropped():
    frame, findings = relevance_to_sector_weights(
        relevance(["Istruzione", "Tributi", "Totale"], ["50%", "40%", "100%"]),
        "2021-11",
        load_registry(),
    )
    assert list(frame["sector"]) == ["istruzione", "tributi"]
    assert sorted(f.rule for f in findings) == ["relevance_sum", "relevance_total_mismatch"]


def test_ocr_damaged_label_matches_with_a_warning():
    frame, findings = relevance_to_sector_weights(
        relevance(["Istruzione", "Servizi social1"], ["50%", "50%"]), "2021-11", load_registry()
    )
    assert list(frame["sector"]) == ["istruzione", "servizi_sociali"]
    assert [(f.rule, f.page) for f in findings] == [("label_fuzzy_match", 30)]


def test_missing_table_is_a_warning_and_an_empty_frame():
    frame, findings = relevance_to_sector_weights(relevance([], []), "2021-11", load_registry())
    assert frame.empty and list(frame.columns)[:4] == [
        "revision",
        "sector",
        "label_raw",
        "relevance_pct",
    ]
    assert [f.rule for f in findings] == ["relevance_missing"]


def test_unread_total_is_a_warning_and_an_unread_share_still_stops():
    frame, findings = relevance_to_sector_weights(
        relevance(["Istruzione", "Tributi", "totale"], ["60%", "40%", "DU"]),
        "2021-11",
        load_registry(),
    )
    assert list(frame["relevance_pct"]) == [60.0, 40.0]
    assert [(f.rule, f.severity, f.raw_value, f.page) for f in findings] == [
        ("relevance_total_unread", "warning", "DU", 30)
    ]
    with pytest.raises(NormalisationError, match="not a percentage"):
        relevance_to_sector_weights(
            relevance(["Istruzione", "Tributi"], ["60%", "DU"]), "2021-11", load_registry()
        )
