"""Objectives to weighted, quantified sub-targets."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from normalise_inputs import load_references

from pipeline.normalise.targets import (
    Threshold,
    objective_cells_to_weights,
    objective_to_targets,
    objectives_to_targets,
    targets_to_weight_findings,
    text_to_threshold,
)


@pytest.fixture(scope="module")
def references():
    return load_references()


def reference_rows(references):
    for reference in references:
        for block in reference["blocks"]:
            for obj in block["objectives"]:
                yield reference["document"]["revision"], block["block"], obj


def test_weights_of_every_reference_row_equal_the_expected_weights(references):
    mismatches = []
    for revision, block, obj in reference_rows(references):
        got = objective_cells_to_weights(
            "\n".join(obj["description"]),
            "\n".join(obj["indicator"]),
            "\n".join(obj["expected_result"]),
        )
        if got != obj["expected"]["weights"]:
            mismatches.append((revision, block, obj["seq"], got, obj["expected"]["weights"]))
    assert mismatches == []
    assert sum(1 for _ in reference_rows(references)) == 141 + 140


def weights(result="", indicator="", description=""):
    return objective_cells_to_weights(description, indicator, result)


def test_peso_in_the_result_gives_one_weighted_target_per_paragraph():
    result = (
        "Deliberazione approvata entro dicembre (Peso 50%)\n"
        "Rendicontazione approvata fissati da Regione Lombardia (Peso 30%)"
    )
    targets, _ = objective_to_targets("", "Proposta di deliberazione con riparti", result)
    assert [(t.weight_pct, t.source_field) for t in targets] == [
        (50.0, "expected_result"),
        (30.0, "expected_result"),
    ]
    assert targets[1].text.startswith("Rendicontazione")


def test_weights_printed_in_the_indicator_are_taken_from_there():
    indicator = (
        "orario di servizio straordinario (peso 40%)\n"
        "n. eventi riorganizzati e realizzati (peso 60%)"
    )
    result = "almeno 15 eventi realizzati in presenza di un addetto"
    assert weights(result=result, indicator=indicator) == [40.0, 60.0]


def test_weights_printed_only_in_the_description_split_its_clauses():
    description = (
        "Progettare la rete interna; Dovranno essere presentati due progetti distinti. "
        "Uno per sede principale (peso 70%) ed uno per locali ex ITC (peso 30%);"
    )
    targets, _ = objective_to_targets(description, "Progetto definito", "Progetto definito")
    assert [(t.text, t.weight_pct) for t in targets] == [
        ("Uno per sede principale (peso 70%)", 70.0),
        ("ed uno per locali ex ITC (peso 30%)", 30.0),
    ]


def test_bare_percentage_beside_weighted_items_is_a_weight_with_a_note():
    result = (
        "Pubblicazione due avvisi e assegnazione dei relativi immobili (peso 40%)\n"
        "Almeno quattro incontri (20%)\n"
        "Approvazione degli atti necessari (peso 40%)"
    )
    targets, findings = objective_to_targets("", "", result)
    assert [t.weight_pct for t in targets] == [40.0, 20.0, 40.0]
    assert [f.rule for f in findings] == ["bare_weight"]


def test_bare_weight_followed_by_the_next_item_in_one_paragraph_splits_there():
    # regression: extraction can join two printed lines of the result into one paragraph
    result = (
        "Pubblicazione due avvisi e assegnazione dei relativi immobili (peso 40%)\n"
        "Almeno quattro incontri (20%) Approvazione degli atti necessari (peso 40%)"
    )
    targets, _ = objective_to_targets("", "", result)
    assert [(t.text, t.weight_pct) for t in targets][1:] == [
        ("Almeno quattro incontri (20%)", 20.0),
        ("Approvazione degli atti necessari (peso 40%)", 40.0),
    ]


def test_bare_percentage_qualifying_a_weighted_item_is_not_a_weight():
    targets, findings = objective_to_targets(
        "", "", "Approvazione regolamento (100%) (peso 80%)\nProcedure attivate (peso 20%)"
    )
    assert [t.weight_pct for t in targets] == [80.0, 20.0]
    assert [f.rule for f in findings] == ["percentage_not_a_weight"]


@pytest.mark.parametrize(
    "result",
    [
        "Predisposizione entro giugno (100%) (-10% ogni mese ritardo)",
        "Predisposizione atti (80%) (-10% per ogni mese ritardo)",
    ],
)
def test_achievement_score_with_lateness_penalty_is_not_a_weight(result):
    targets, findings = objective_to_targets("", "Predisposizione atti", result)
    assert [t.weight_pct for t in targets] == [None]
    assert [f.rule for f in findings] == ["percentage_not_a_weight"]


@pytest.mark.parametrize(
    "result",
    ["100%", "almeno 70%", "Diminuzione delle transazioni in contanti del 10%", "(60%)"],
)
def test_percentage_targets_alone_are_not_weights(result):
    assert weights(result=result) == []


def test_unweighted_item_among_weighted_ones_keeps_its_place_without_weight():
    result = (
        "Predisposizione documentazione gara (peso 40%)\nPredisposizione determina a "
        "contrarre (peso 30%)\nPredisposizione determina- aggiudicazione (peso 15%)\n"
        "Sottoscrizione contratto (peso 5%)\nAlmeno una midlioria-"
    )
    targets, _ = objective_to_targets("", "Continuità del servizio", result)
    assert [t.weight_pct for t in targets] == [40.0, 30.0, 15.0, 5.0, None]
    rules = {f.rule: f for f in targets_to_weight_findings(targets)}
    assert set(rules) == {"weights_sum", "weight_missing"}
    assert rules["weights_sum"].normalised_value == "90"


def test_weights_adding_up_to_110_are_flagged_but_kept():
    result = "A (peso 40%)\nB (peso 30%)\nC (peso 40%)"
    targets, _ = objective_to_targets("", "", result)
    [finding] = targets_to_weight_findings(targets)
    assert (finding.rule, finding.normalised_value) == ("weights_sum", "110")


def test_weights_adding_up_to_100_give_no_finding():
    targets, _ = objective_to_targets("", "", "A (peso 60%)\nB (peso 40%)")
    assert targets_to_weight_findings(targets) == []


def test_two_weights_in_one_paragraph_make_two_targets():
    targets, _ = objective_to_targets("", "", "Relazione (peso 50%) Atti di gara (peso 50%)")
    assert [(t.text, t.weight_pct) for t in targets] == [
        ("Relazione (peso 50%)", 50.0),
        ("Atti di gara (peso 50%)", 50.0),
    ]


def test_weight_over_100_is_left_out_as_an_error():
    targets, findings = objective_to_targets("", "", "A (peso 150%)")
    assert targets[0].weight_pct is None
    assert [(f.rule, f.severity) for f in findings] == [("weight_out_of_range", "error")]


def test_result_and_indicator_with_different_weights_warn():
    _, findings = objective_to_targets(
        "", "X (peso 50%)\nY (peso 50%)", "X (peso 70%)\nY (peso 30%)"
    )
    assert [f.rule for f in findings] == ["weights_in_two_cells"]


def test_empty_result_falls_back_to_the_indicator_and_nothing_at_all_warns():
    targets, _ = objective_to_targets("", "Predisposizione atti.\nLinee guida.", "")
    assert [t.source_field for t in targets] == ["indicator", "indicator"]
    targets, findings = objective_to_targets("descrizione", "", "")
    assert targets == [] and [f.rule for f in findings] == ["no_targets"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> 3,5", Threshold(">", 3.5, None)),
        ("≥ 90%", Threshold(">=", 90.0, "%")),
        (">90%", Threshold(">", 90.0, "%")),
        ("≤1%", Threshold("<=", 1.0, "%")),
        ("Min.10", Threshold(">=", 10.0, None)),
        ("min.5", Threshold(">=", 5.0, None)),
        ("almeno 200 alberi", Threshold(">=", 200.0, "alberi")),
        ("Almeno 3 servizi attivati", Threshold(">=", 3.0, "servizi")),
        ("Almeno 80% di segnalazioni evase", Threshold(">=", 80.0, "%")),
        ("N. 2 Servizi", Threshold("=", 2.0, "servizi")),
        ("almeno il 2", Threshold(">=", 2.0, None)),
        ("almeno il 50 %", Threshold(">=", 50.0, "%")),
        ("TT < 40", Threshold("<", 40.0, None)),
        ("100%", Threshold("=", 100.0, "%")),
        ("3", Threshold("=", 3.0, None)),
        ("95% reinviati", Threshold("=", 95.0, "%")),
        ("Almeno n. 30 CUP chiusi", Threshold(">=", 30.0, "cup")),
        ("Almeno quattro incontri", Threshold(">=", 4.0, "incontri")),
        ("non oltre il 5%", Threshold("<=", 5.0, "%")),
    ],
)
def test_quantified_targets_give_operator_value_and_unit(text, expected):
    assert text_to_threshold(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Servizi attivati",
        "Approvazione entro il 31/12/2020",
        "31/12/2021",
        "Uno per sede principale",
        "n. processi dematerializzati",
        "Diminuzione delle transazioni in contanti del 10%",
    ],
)
def test_texts_without_a_threshold_give_none(text):
    assert text_to_threshold(text) is None


def test_threshold_is_read_with_the_weight_taken_out():
    targets, _ = objective_to_targets(
        "", "", "60% dei beni messi all'asta (peso 50%)\nB (peso 50%)"
    )
    assert targets[0].threshold == Threshold("=", 60.0, "%")


def test_objectives_frame_gives_typed_targets_and_findings_tied_to_objectives():
    objectives = pd.DataFrame(
        {
            "revision": ["2021-11"],
            "objective_id": ["05.02"],
            "description": [""],
            "indicator": [""],
            "expected_result": ["A (peso 40%)\nB (peso 50%)"],
            "page_first": [7],
        }
    )
    frame, findings = objectives_to_targets(objectives)
    assert list(frame["target_seq"]) == [1, 2]
    assert frame["weight_pct"].dtype == "Float64"
    assert frame["text"].dtype == "string"
    assert [(f.rule, f.objective_id, f.page) for f in findings] == [("weights_sum", "05.02", 7)]


# ---------------------------------------------------------------- items, whatever the printing


def squashed_targets(description: str, indicator: str, result: str) -> list[tuple[str, object]]:
    targets, _ = objective_to_targets(description, indicator, result)
    return [(" ".join(t.text.split()), t.weight_pct) for t in targets]


def wrapped(items: list[str], width: int) -> str:
    """The items wrapped at `width` characters, every printed line ending in "\\n": a
    renderer whose lines all look set apart."""
    return "\n".join(
        line
        for item in items
        for line in textwrap.wrap(item, width, break_long_words=False, break_on_hyphens=False)
    )


WIDTHS = (30, 45, 70)
PRINTINGS = ("on lines of their own", "run together", *(f"wrapped at {w}" for w in WIDTHS))


def printed(items: list[str], how: str) -> str:
    """One cell's items printed one of the PRINTINGS ways: on lines of their own, run
    together on one line, or wrapped at a width with a line break at every wrap."""
    if how == "on lines of their own":
        return "\n".join(items)
    if how == "run together":
        return " ".join(items)
    return wrapped(items, int(how.rsplit(" ", 1)[1]))


def test_every_printing_of_every_reference_row_gives_the_same_targets(references):
    different = []
    for revision, block, obj in reference_rows(references):
        cells = [obj[f] for f in ("description", "indicator", "expected_result")]
        want = squashed_targets(*("\n".join(c) for c in cells))
        for how in PRINTINGS:
            got = squashed_targets(*(printed(c, how) for c in cells))
            if got != want:
                different.append((revision, block, obj["seq"], how, want, got))
    assert different == []
    assert sum(1 for _ in reference_rows(references)) == 141 + 140


def test_a_lateness_rule_and_a_run_of_thresholds_read_as_the_plan_lists_them(references):
    rows = {
        (revision, block, obj["seq"]): obj for revision, block, obj in reference_rows(references)
    }
    obj = rows[("2021-11", 12, 1)]
    assert squashed_targets("", "\n".join(obj["indicator"]), " ".join(obj["expected_result"])) == [
        ("Predisposizione entro giugno (100%)", None)
    ]
    obj = rows[("2021-11", 1, 8)]
    assert squashed_targets("", "", " ".join(obj["expected_result"])) == [
        ("3", None),
        ("50%", None),
        ("almeno 70%", None),
    ]


@pytest.mark.parametrize(
    "result",
    [
        "Inizio lavori entro il\n30/06/2021",
        "Inizio lavori\nentro il 30/06/2021",
        "Inizio lavori entro il 30/06/2021",
    ],
)
def test_a_wrapped_deadline_belongs_to_its_item(result):
    assert squashed_targets("", "Data inizio lavori", result) == [
        ("Inizio lavori entro il 30/06/2021", None)
    ]


def test_a_date_printed_before_its_item_is_no_target_of_its_own():
    assert squashed_targets("", "", "31/12/2021\nDelibera approvata") == [
        ("31/12/2021 Delibera approvata", None)
    ]


@pytest.mark.parametrize(
    "result",
    [
        "Predisposizione entro giugno (100%)\n(-10% ogni mese ritardo)",
        "Predisposizione entro giugno (100%) (-10% ogni mese ritardo)",
        "Predisposizione entro giugno (100%) penalità del 10% mensile",
    ],
)
def test_a_lateness_rule_is_no_target(result):
    targets, findings = objective_to_targets("", "Predisposizione atti", result)
    assert [(t.text, t.weight_pct) for t in targets] == [
        ("Predisposizione entro giugno (100%)", None)
    ]
    assert [f.rule for f in findings] == ["percentage_not_a_weight"]


def test_a_lower_case_line_carries_on_the_item_before():
    assert squashed_targets(
        "", "", "Rendicontazione approvata nei\ntempi fissati\ndalla Regione"
    ) == [("Rendicontazione approvata nei tempi fissati dalla Regione", None)]


@pytest.mark.parametrize("joint", ["\n", " "])
def test_sentences_and_thresholds_are_items_with_or_without_a_line_break(joint):
    assert squashed_targets("", "", f"Atti predisposti.{joint}Servizio avviato") == [
        ("Atti predisposti.", None),
        ("Servizio avviato", None),
    ]
    assert squashed_targets("", "", f"Almeno 3 servizi attivati{joint}almeno 80% evase") == [
        ("Almeno 3 servizi attivati", None),
        ("almeno 80% evase", None),
    ]
    assert squashed_targets("", "", f"> 50{joint}> 100") == [("> 50", None), ("> 100", None)]
    assert squashed_targets("", "", f"Delibera di adozione G.C.{joint}Delibera G.C.") == [
        ("Delibera di adozione G.C.", None),
        ("Delibera G.C.", None),
    ]


def test_a_quantity_inside_an_item_starts_no_item():
    for result in (
        "Individuazione di 50 evasori",
        "N. 2 Servizi",
        "Almeno n. 30 CUP chiusi",
        "30% accertamenti emessi al 31.12.2020 e la restante parte entro il 30.06.2021",
        "100% atti stipulati nel 2021",
        "Trasmissione entro 10 giorni di almeno 2 relazioni",
    ):
        assert squashed_targets("", "", result) == [(result, None)]


@pytest.mark.parametrize("joint", ["\n", " "])
def test_items_of_a_list_the_cell_opens_with_are_targets(joint):
    for result in (f"1. Relazione{joint}2. Delibera", f"a) Relazione{joint}b) Delibera"):
        assert squashed_targets("", "", result) == [("Relazione", None), ("Delibera", None)]
    assert squashed_targets("", "", f"- Relazione{joint}- Delibera") == [
        ("Relazione", None),
        ("Delibera", None),
    ]


def test_a_list_introduced_by_its_own_text_is_one_item():
    result = "Predisposizione atti: 1.report presenze 2.schede valutazione 3. report premi"
    assert squashed_targets("", "", result) == [(result, None)]
    assert squashed_targets("", "", result.replace(" 2.", "\n2.")) == [(result, None)]


def test_an_item_ending_in_a_participle_ends_before_a_capital():
    assert squashed_targets("", "", "Nuovi inquadramenti attribuiti Predisposizione atti") == [
        ("Nuovi inquadramenti attribuiti", None),
        ("Predisposizione atti", None),
    ]
    # a head noun said again is a fraction's denominator, not a new item
    assert squashed_targets("", "Atti predisposti Atti totali", "") == [
        ("Atti predisposti Atti totali", None)
    ]


@pytest.mark.parametrize(
    "result",
    [
        "Relazione (P. 50%)\nAtti di gara (P. 50%)",
        "Relazione peso 50 %\nAtti di gara peso 50 %",
        "Relazione (peso: 50%) Atti di gara (peso pari al 50%)",
        "Relazione (Peso50%)\nAtti di gara (Peso50%)",
    ],
)
def test_weights_printed_every_way_make_one_target_per_share(result):
    targets = squashed_targets("", "", result)
    assert [w for _, w in targets] == [50.0, 50.0]
    assert targets[1][0].startswith("Atti di gara")


@pytest.mark.parametrize("joint", ["\n", " ", ";\n"])
def test_weights_opening_their_items_make_one_target_per_share(joint):
    assert squashed_targets("", "", f"Peso 60%: relazione{joint}Peso 40%: atti di gara") == [
        ("Peso 60%: relazione", 60.0),
        ("Peso 40%: atti di gara", 40.0),
    ]


def test_text_after_a_weight_that_carries_on_its_item_stays_with_it():
    result = "Relazione (peso 50%) entro giugno; Atti di gara (peso 50%) entro dicembre"
    assert squashed_targets("", "", result) == [
        ("Relazione (peso 50%) entro giugno", 50.0),
        ("Atti di gara (peso 50%) entro dicembre", 50.0),
    ]


def test_bare_percentages_adding_up_to_100_are_weights():
    targets, findings = objective_to_targets("", "", "Relazione (40%)\nAtti di gara (60%)")
    assert [t.weight_pct for t in targets] == [40.0, 60.0]
    assert [f.rule for f in findings] == ["bare_weight", "bare_weight"]
    assert weights(result="Relazione (40%)\nAtti di gara (50%)") == []


def test_indicator_and_result_items_pair_where_their_counts_match():
    targets, _ = objective_to_targets(
        "",
        "Presentazione della relazione\nRapporti con CUC",
        "Relazione presentata (Peso 50%)\nAtti di gara definiti (Peso 50%)",
    )
    assert [(t.indicator_text, t.result_text) for t in targets] == [
        ("Presentazione della relazione", "Relazione presentata (Peso 50%)"),
        ("Rapporti con CUC", "Atti di gara definiti (Peso 50%)"),
    ]
    targets, _ = objective_to_targets("", "Continuità del servizio", "A (peso 50%)\nB (peso 50%)")
    assert [t.indicator_text for t in targets] == [None, None]


def test_an_objectives_one_target_pairs_with_the_whole_indicator():
    [target], _ = objective_to_targets("", "Atti predisposti\nAtti totali", "100%")
    assert (target.indicator_text, target.result_text) == ("Atti predisposti Atti totali", "100%")


def test_weights_in_the_indicator_pair_the_targets_with_the_result_items():
    targets, _ = objective_to_targets(
        "",
        "Predisposizione bando (peso 50%)\nApprovazione determina (peso 50%)",
        "Bando pubblicato\nDetermina approvata",
    )
    assert [(t.source_field, t.indicator_text, t.result_text) for t in targets] == [
        ("indicator", "Predisposizione bando (peso 50%)", "Bando pubblicato"),
        ("indicator", "Approvazione determina (peso 50%)", "Determina approvata"),
    ]
