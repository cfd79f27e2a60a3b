"""Lateness rules: read as the objective's penalty, never as a sub-target."""

from __future__ import annotations

import pandas as pd
import pytest
from normalise_inputs import load_references, reference_to_rows

from pipeline.normalise.penalties import (
    cells_to_penalty,
    objectives_to_penalties,
    text_to_penalty_rule,
    text_without_penalty_clauses,
)
from pipeline.normalise.stage import normalise_plan


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("Predisposizione entro giugno (100%) (-10% ogni mese ritardo)", 10.0),
        ("Predisposizione atti (80%)\n(-10% per ogni mese ritardo)", 10.0),
        ("penalità – 7,5 % per ogni mese di ritardo", 7.5),
        ("penalità del 5% mensile", 5.0),
        ("riduzione del 10% per ogni mese di ritardo", 10.0),
        ("(-10% del punteggio per ciascun mese di ritardo)", 10.0),
        ("−3% al mese", 3.0),
        ("Risultato 75% (peso 40%)", None),
        ("Diminuzione delle transazioni in contanti del 10%", None),
        ("-10% rispetto al 2020", None),
        (None, None),
    ],
)
def test_lateness_rules_are_read_as_printed(text, rate):
    assert text_to_penalty_rule(text) == rate


def test_a_clause_leaves_the_text_with_its_brackets():
    text = "Predisposizione atti (80%) (-10% per ogni mese ritardo)"
    assert " ".join(text_without_penalty_clauses(text).split()) == "Predisposizione atti (80%)"


def test_the_first_rule_in_result_indicator_description_subject_order_is_the_objectives():
    rule, findings = cells_to_penalty(
        {
            "subject": "Atti (-20% ogni mese ritardo)",
            "indicator": "Predisposizione atti",
            "expected_result": "Atti (80%) (-10% per ogni mese ritardo)",
        }
    )
    assert rule is not None
    assert (rule.pct_per_month, rule.raw) == (10.0, "(-10% per ogni mese ritardo)")
    assert [(f.rule, f.severity) for f in findings] == [
        ("penalty_rule", "info"),
        ("penalty_rules_differ", "warning"),
    ]


def test_an_objective_without_a_rule_has_null_penalty_and_no_finding():
    objectives = pd.DataFrame(
        {
            "objective_id": ["01.01", "12.01"],
            "page_first": [1, 16],
            "subject": ["Servizi", "Valutazione"],
            "description": ["Gestire", "Predisporre"],
            "indicator": ["Atti", "Atti"],
            "expected_result": ["Atti approvati", "Entro giugno (-10% ogni mese ritardo)"],
        }
    )
    frame, findings = objectives_to_penalties(objectives)
    assert frame["penalty_pct_per_month"].tolist() == [pd.NA, 10.0]
    assert frame["penalty_raw"].tolist() == [pd.NA, "(-10% ogni mese ritardo)"]
    assert [(f.objective_id, f.page) for f in findings] == [("12.01", 16)]


def test_the_reference_plans_lateness_rules_are_on_their_objectives_not_their_targets():
    references = load_references()
    november = next(r for r in references if r["document"]["revision"] == "2021-11")
    plan = normalise_plan(
        reference_to_rows(november),
        pd.DataFrame(columns=["label_raw", "value_raw", "page"]),
        "2021-11",
        2021,
    )
    ruled = plan.objectives.set_index("objective_id")["penalty_pct_per_month"].dropna()
    assert ruled.to_dict() == {"12.01": 10.0, "12.02": 10.0, "12.03": 10.0}
    assert not plan.targets["text"].str.contains("ritardo").any()
    assert plan.targets.groupby("objective_id").size()[["12.01", "12.02", "12.03"]].tolist() == [
        1,
        1,
        2,
    ]
