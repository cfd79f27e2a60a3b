"""DUP cells to Missione / Programma of D.Lgs. 118/2011."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from normalise_inputs import load_references

from pipeline.core.missions import known_mission_programmes, load_missioni_programmi
from pipeline.normalise.dup import text_to_dup_code

KNOWN = known_mission_programmes()


@pytest.fixture(scope="module")
def references():
    return load_references()


@pytest.mark.parametrize(
    ("text", "mission", "programme"),
    [
        ("4.1.0", 4, 1),
        ("4.6.0", 4, 6),
        ("01.04.04", 1, 4),
        ("12.06", 12, 6),
        ("1.10.", 1, 10),
        ("1.10", 1, 10),
        ("1.07.1", 1, 7),
        ("6.1.10", 6, 1),
        ("14.2.0", 14, 2),
        ("5.2.1/9", 5, 2),
        ("03.02", 3, 2),
    ],
)
def test_every_printed_shape_reads_mission_and_programme_silently(text, mission, programme):
    code = text_to_dup_code(text, KNOWN)
    assert (code.mission, code.programme, code.findings) == (mission, programme, ())


def test_programme_printed_as_alternatives_keeps_the_first_and_is_ambiguous():
    code = text_to_dup_code("5.1/2", KNOWN)
    assert (code.mission, code.programme) == (5, 1)
    assert [f.rule for f in code.findings] == ["dup_ambiguous"]


def test_blank_dup_is_a_missing_dup_warning():
    code = text_to_dup_code("  ", KNOWN)
    assert (code.mission, code.programme) == (None, None)
    assert [(f.rule, f.severity) for f in code.findings] == [("missing_dup", "warning")]


@pytest.mark.parametrize("text", ["04.04.04x", "21.1", "12.15", "0.4.4.0.40.00.4"])
def test_code_outside_the_classification_is_flagged(text):
    code = text_to_dup_code(text, KNOWN)
    rules = [f.rule for f in code.findings]
    if text == "04.04.04x":
        assert rules == ["dup_extra_text"]  # 4.4 exists: only the stray letter is noted
    else:
        assert "dup_unknown_code" in rules


def test_compact_four_digit_code_is_split_with_a_note():
    code = text_to_dup_code("0104", KNOWN)
    assert (code.mission, code.programme) == (1, 4)
    assert [f.rule for f in code.findings] == ["dup_compact_code"]


def test_classification_table_has_every_mission_with_named_programmes():
    table = load_missioni_programmi()
    assert set(table["mission"]) == set(range(1, 21)) | {50, 60, 99}
    assert not table.duplicated(["mission", "programme"]).any()
    names = table.set_index(["mission", "programme"])["programme_name"]
    assert names[(1, 4)] == "Gestione delle entrate tributarie e servizi fiscali"
    assert names[(4, 6)] == "Servizi ausiliari all'istruzione"
    assert table["mission_name"].notna().all() and table["programme_name"].notna().all()


def test_every_dup_in_the_references_is_in_the_classification(references):
    for reference in references:
        for block in reference["blocks"]:
            for obj in block["objectives"]:
                code = text_to_dup_code("\n".join(obj["dup"]), KNOWN)
                assert not [f for f in code.findings if f.rule == "dup_unknown_code"], obj["dup"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.from_regex(r"\d{0,4}([./]\d{0,3}){0,4}\.?", fullmatch=True),
    )
)
def test_any_text_gives_a_code_or_a_finding_and_never_crashes(text):
    code = text_to_dup_code(text, KNOWN)
    assert code.programme is not None or code.findings
    if code.programme is not None:
        assert code.mission is not None
