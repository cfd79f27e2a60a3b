"""The revision diff on small hand-built revisions: one behaviour per test."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from plan_frames import objective, plan

from pipeline.core.errors import DiffInputError, SettingsError
from pipeline.diff.compare import (
    OBJECTIVE_DIFF_COLUMNS,
    DiffSettings,
    compare_plans,
    objectives_to_similarity,
    plan_diff_to_dict,
    similarity_to_pairs,
    value_to_text,
)

# three objectives of one office, all about different things
PAYMENTS = objective(
    7,
    "7",
    "Efficienza amministrativa",
    "Predisposizione degli atti per la definizione del processo di pagamento delle fatture "
    "entro trenta giorni dal ricevimento.",
    indicator="Tempo medio di pagamento",
)
SMART_WORKING = objective(
    8,
    "8",
    "Lavoro agile emergenziale",
    "Gestione del lavoro agile in forma semplificata per tutta la durata dello stato di "
    "emergenza: predisposizione degli accordi individuali e reportistica mensile ai dirigenti.",
    indicator="N. dipendenti in lavoro agile monitorati / N. dipendenti in lavoro agile",
)
PERSEO = objective(
    9,
    "9",
    "Fondo Perseo-Sirio",
    "Applicazione dell'accordo tra Aran e OO.SS. relativo all'adesione mediante "
    "silenzio-assenso al fondo di previdenza complementare Perseo-Sirio.",
    indicator="N. informative definite / adesioni + non adesioni",
)
GREEN_PASS = objective(
    8,
    "8",
    "Verifica certificazione verde Covid-19",
    "Applicazione della normativa per il rientro in presenza sui luoghi di lavoro: "
    "predisposizione deleghe, informativa, modulistica, attivazione software.",
    indicator="N. controlli software / giorni lavorativi",
)


def moved(row: dict, seq: int, number: str | None, **cells: object) -> dict:
    """The same objective at another position and number in the new revision."""
    return {**row, "objective_id": f"01.{seq:02d}", "seq": seq, "number": number, **cells}


def changes(diff) -> list[tuple]:
    return [
        (r.change, r.old_objective_id, r.new_objective_id, r.field)
        for r in diff.objectives.astype(object).where(diff.objectives.notna(), None).itertuples()
    ]


def test_objective_moved_from_9_to_8_is_renumbered_not_modified():
    old = plan("2021-07", [PAYMENTS, SMART_WORKING, PERSEO])
    new = plan("2021-11", [PAYMENTS, moved(PERSEO, 8, "8")])

    diff = compare_plans(old, new)

    assert changes(diff) == [
        ("renumbered", "01.09", "01.08", "number"),
        ("removed", "01.08", None, None),
    ]
    renumbered = diff.objectives.iloc[0]
    assert (renumbered["old_value"], renumbered["new_value"]) == ("9", "8")


def test_renumbered_objective_with_new_text_gets_renumbered_row_then_modified_rows():
    old = plan("2021-07", [PAYMENTS, SMART_WORKING, PERSEO])
    new = plan(
        "2021-11",
        [PAYMENTS, moved(PERSEO, 8, "8", deadline_raw="30/04/2022", deadline=dt.date(2022, 4, 30))],
    )

    diff = compare_plans(old, new)

    assert changes(diff) == [
        ("renumbered", "01.09", "01.08", "number"),
        ("modified", "01.09", "01.08", "deadline_raw"),
        ("modified", "01.09", "01.08", "deadline"),
        ("removed", "01.08", None, None),
    ]
    assert diff.objectives.loc[2, ["old_value", "new_value"]].tolist() == [
        "2021-12-31",
        "2022-04-30",
    ]


def test_number_given_to_a_different_objective_is_removed_and_added_not_modified():
    old = plan("2021-07", [PAYMENTS, SMART_WORKING])
    new = plan("2021-11", [PAYMENTS, GREEN_PASS])

    diff = compare_plans(old, new)

    assert changes(diff) == [("added", None, "01.08", None), ("removed", "01.08", None, None)]
    added = diff.objectives.iloc[0]
    assert added["new_number"] == "8"
    assert added["subject"] == "Verifica certificazione verde Covid-19"
    assert added["new_value"] == GREEN_PASS["description"]
    assert diff.added["objective_id"].tolist() == ["01.08"]
    assert diff.removed["subject"].tolist() == ["Lavoro agile emergenziale"]


def test_rewritten_description_under_the_same_subject_is_modified():
    # the real case of ecologia n. 7 between July and November 2021
    kennel = objective(
        7,
        "7",
        "gestione canile e gattile intercomunale",
        "Rinnovare il Disciplinare con i Comuni associati per la gestione del canile e "
        "gattile intercomunale.",
        indicator="bozza delibera di approvazione",
    )
    rewritten = (
        "(L'obietti vo relativo al rinnovo il Disciplinare con i Comuni associati per la "
        "gestione del canile e gattile è rinviato al 2022 per la necessità richiesta dal "
        "Comune di Montichiari di riaccatastare l'immobile - attualmente di proprietà del "
        "solo Comune di Desenzano - intestandolo ai 3 comuni associati)."
    )
    old = plan("2021-07", [kennel, PERSEO])
    new = plan("2021-11", [{**kennel, "description": rewritten}, PERSEO])

    diff = compare_plans(old, new)

    assert changes(diff) == [("modified", "01.07", "01.07", "description")]
    assert diff.objectives.loc[0, "new_value"] == rewritten


def test_pairing_is_globally_best_where_greedy_in_document_order_pairs_wrongly():
    def wifi(seq: int, description: str) -> dict:
        return objective(seq, str(seq), "Rete", description, indicator="Sedi coperte")

    office = "Attivare il servizio WIFI presso la sede comunale"
    old = plan("2021-07", [wifi(1, office), wifi(2, office + " e nelle scuole")])
    new_rows = [
        wifi(1, "Attivare il servizio WIFI nella nuova sede comunale di via Carducci"),
        wifi(2, office + " e le biblioteche civiche"),
    ]
    new = plan("2021-11", new_rows)
    settings = DiffSettings(number_hint=0.0)  # text alone decides
    similarity = objectives_to_similarity(old.objectives, new.objectives, settings)
    # old 1 resembles new 2 most, and that is the best cell of the whole matrix, so both
    # greedy in document order and greedy by best score pair old 1 with new 2 ...
    assert similarity[0, 1] > similarity[0, 0]
    assert similarity[0, 1] == similarity.max()
    # ... but the pairing 1-1, 2-2 is better in total
    assert similarity[0, 0] + similarity[1, 1] > similarity[0, 1] + similarity[1, 0]

    diff = compare_plans(old, new, settings)

    pairs = diff.pairs[["old_objective_id", "new_objective_id"]].values.tolist()
    assert pairs == [["01.01", "01.01"], ["01.02", "01.02"]]
    assert set(diff.objectives["change"]) == {"modified"}


def test_similarity_to_pairs_maximises_the_total_not_the_best_cell():
    similarity = np.array([[92.0, 97.0], [70.0, 95.0]])

    pairs = similarity_to_pairs(similarity, np.zeros_like(similarity), min_similarity=65)

    assert pairs == [(0, 0), (1, 1)]


def test_similarity_to_pairs_leaves_pairs_below_the_threshold_unpaired():
    similarity = np.array([[90.0, 10.0], [20.0, 50.0]])

    pairs = similarity_to_pairs(similarity, np.full((2, 2), 40.0), min_similarity=65)

    # the hint is added to the gain but never lifts 50 over the threshold
    assert pairs == [(0, 0), (None, 1), (1, None)]


def test_number_hint_pairs_identical_objectives_by_their_number():
    twin = {"subject": "Accertamenti IMU", "description": "Accertamenti IMU anno d'imposta."}
    old = plan("2021-07", [objective(1, "1", **twin), objective(2, "2", **twin)])
    # same two objectives printed in the other order
    new = plan("2021-11", [objective(1, "2", **twin), objective(2, "1", **twin)])

    diff = compare_plans(old, new)

    assert diff.objectives.empty
    assert diff.pairs[["old_objective_id", "new_objective_id"]].values.tolist() == [
        ["01.02", "01.01"],
        ["01.01", "01.02"],
    ]


def test_rewrapped_or_resplit_text_is_not_a_change():
    old = plan("2021-07", [PAYMENTS])
    rewrapped = {
        **PAYMENTS,
        "description": PAYMENTS["description"].replace(" entro ", "\nentro  "),
        "indicator": " Tempo medio\ndi pagamento ",
    }
    new = plan("2021-11", [rewrapped])

    assert compare_plans(old, new).objectives.empty


def test_a_target_printed_over_other_lines_is_not_a_change():
    text = "Inizio lavori entro il 30/06/2021 (peso 60%)"
    old = plan(
        "2021-07",
        [PAYMENTS],
        [{"objective_id": "01.07", "target_seq": 1, "text": text, "weight_pct": 60.0}],
    )
    new = plan(
        "2021-11",
        [PAYMENTS],
        [
            {
                "objective_id": "01.07",
                "target_seq": 1,
                "text": text.replace(" il ", " il\n").replace(" (", "  ("),
                "weight_pct": 60.0,
            }
        ],
    )

    assert compare_plans(old, new).targets.empty


def test_every_compared_field_is_reported_once_with_its_values_as_text():
    old = plan("2021-07", [PAYMENTS])
    new = plan(
        "2021-11",
        [
            {
                **PAYMENTS,
                "assignee_raw": "RAGIONERIA",
                "assignee": "ragioneria",
                "dup_raw": "1.3.0",
                "status": "suspended",
                "deadline": None,
                "deadline_raw": "Sospeso",
            }
        ],
    )

    diff = compare_plans(old, new)

    rows = diff.objectives.set_index("field")[["old_value", "new_value"]].astype(object)
    assert rows.where(rows.notna(), None).to_dict("index") == {
        "assignee_raw": {"old_value": "ISTRUZIONE", "new_value": "RAGIONERIA"},
        "assignee": {"old_value": "istruzione", "new_value": "ragioneria"},
        "dup_raw": {"old_value": "4.1.0", "new_value": "1.3.0"},
        "deadline_raw": {"old_value": "31/12/2021", "new_value": "Sospeso"},
        "deadline": {"old_value": "2021-12-31", "new_value": None},
        "status": {"old_value": "active", "new_value": "suspended"},
    }
    assert list(diff.objectives.columns) == OBJECTIVE_DIFF_COLUMNS


def test_objectives_are_paired_only_inside_their_sector():
    old = plan("2021-07", [PAYMENTS])
    new = plan("2021-11", [{**PAYMENTS, "sector": "ragioneria"}])

    diff = compare_plans(old, new)

    assert sorted(diff.objectives["change"]) == ["added", "removed"]
    assert diff.objectives["sector"].tolist() == ["ragioneria", "istruzione"]


def test_cross_cutting_block_without_sector_is_paired_as_its_own_sector():
    cross = {"sector": None, "block": 16, "assignee": "tutte_le_aree"}
    old = plan(
        "2021-07",
        [
            PAYMENTS,
            objective(1, "11", "Obiettivi straordinari", "Collaborazione tra uffici.", **cross),
        ],
    )
    new = plan(
        "2021-11",
        [
            PAYMENTS,
            objective(
                1,
                "11",
                "Obiettivi straordinari",
                "Collaborazione tra uffici.",
                expected_result="almeno 30",
                **cross,
            ),
        ],
    )

    diff = compare_plans(old, new)

    assert changes(diff) == [("modified", "16.01", "16.01", "expected_result")]
    assert diff.objectives["sector"].isna().all()


def test_relevance_changes_list_changed_added_and_removed_sectors_only():
    old = plan("2021-07", [PAYMENTS], weights={"istruzione": 4, "cultura": 6, "tributi": 5})
    new = plan(
        "2021-11",
        [PAYMENTS],
        weights={"istruzione": 5, "cultura": 6, "personale": 5},
        labels={"cultura": "Cultura e sport"},
    )

    table = compare_plans(old, new).sector_weights.astype(object)

    assert table.where(table.notna(), None).to_dict("records") == [
        {
            "change": "modified",
            "sector": "istruzione",
            "old_pct": 4.0,
            "new_pct": 5.0,
            "old_label": "Istruzione",
            "new_label": "Istruzione",
        },
        {
            "change": "modified",
            "sector": "cultura",
            "old_pct": 6.0,
            "new_pct": 6.0,
            "old_label": "Cultura",
            "new_label": "Cultura e sport",
        },
        {
            "change": "added",
            "sector": "personale",
            "old_pct": None,
            "new_pct": 5.0,
            "old_label": None,
            "new_label": "Personale",
        },
        {
            "change": "removed",
            "sector": "tributi",
            "old_pct": 5.0,
            "new_pct": None,
            "old_label": "Tributi",
            "new_label": None,
        },
    ]


def test_unchanged_relevance_table_gives_no_rows():
    old = plan("2021-07", [PAYMENTS], weights={"istruzione": 4.0})
    new = plan("2021-11", [PAYMENTS], weights={"istruzione": 4.0 + 1e-9})

    assert compare_plans(old, new).sector_weights.empty


def test_targets_are_paired_by_text_inside_paired_objectives():
    old_targets = [
        {
            "objective_id": "01.07",
            "target_seq": 1,
            "text": "Relazione presentata (Peso 40%)",
            "weight_pct": 40.0,
        },
        {
            "objective_id": "01.07",
            "target_seq": 2,
            "text": "Atti di gara definiti (Peso 60%)",
            "weight_pct": 60.0,
        },
        {"objective_id": "01.08", "target_seq": 1, "text": "almeno 5 report", "weight_pct": None},
    ]
    new_targets = [
        # a new first target: the old ones moved down, which is not a change in itself
        {
            "objective_id": "01.07",
            "target_seq": 1,
            "text": "Sopralluogo effettuato (Peso 20%)",
            "weight_pct": 20.0,
        },
        {
            "objective_id": "01.07",
            "target_seq": 2,
            "text": "Relazione presentata (Peso 30%)",
            "weight_pct": 30.0,
        },
        {
            "objective_id": "01.07",
            "target_seq": 3,
            "text": "Atti di gara definiti (Peso 50%)",
            "weight_pct": 50.0,
        },
        {"objective_id": "01.08", "target_seq": 1, "text": "100% deleghe", "weight_pct": None},
    ]
    old = plan("2021-07", [PAYMENTS, SMART_WORKING], old_targets)
    new = plan("2021-11", [PAYMENTS, GREEN_PASS], new_targets)

    table = compare_plans(old, new).targets
    rows = table.astype(object).where(table.notna(), None)

    assert rows[
        [
            "change",
            "old_objective_id",
            "new_objective_id",
            "old_target_seq",
            "new_target_seq",
            "field",
            "old_value",
            "new_value",
        ]
    ].values.tolist() == [
        ["added", "01.07", "01.07", None, 1, None, None, "Sopralluogo effettuato (Peso 20%)"],
        [
            "modified",
            "01.07",
            "01.07",
            1,
            2,
            "text",
            "Relazione presentata (Peso 40%)",
            "Relazione presentata (Peso 30%)",
        ],
        ["modified", "01.07", "01.07", 1, 2, "weight_pct", "40", "30"],
        [
            "modified",
            "01.07",
            "01.07",
            2,
            3,
            "text",
            "Atti di gara definiti (Peso 60%)",
            "Atti di gara definiti (Peso 50%)",
        ],
        ["modified", "01.07", "01.07", 2, 3, "weight_pct", "60", "50"],
        # the targets of an added / removed objective come with it
        ["added", None, "01.08", None, 1, None, None, "100% deleghe"],
        ["removed", "01.08", None, 1, None, None, "almeno 5 report", None],
    ]


def test_identical_revisions_give_an_empty_diff():
    frames = plan(
        "2021-11",
        [PAYMENTS, SMART_WORKING, PERSEO],
        [{"objective_id": "01.07", "target_seq": 1, "text": "x", "weight_pct": 1.0}],
    )

    diff = compare_plans(frames, frames)

    assert diff.objectives.empty and diff.targets.empty and diff.sector_weights.empty
    assert diff.pairs["similarity"].tolist() == [100.0, 100.0, 100.0]


def test_plan_diff_to_dict_is_plain_json_data():
    import json

    diff = compare_plans(
        plan("2021-07", [PAYMENTS, SMART_WORKING]), plan("2021-11", [PAYMENTS, GREEN_PASS])
    )

    data = json.loads(json.dumps(plan_diff_to_dict(diff)))

    assert data["old_revision"] == "2021-07" and data["new_revision"] == "2021-11"
    assert [o["change"] for o in data["objectives"]] == ["added", "removed"]
    assert data["added"][0]["deadline"] == "2021-12-31"
    assert data["objectives"][0]["old_objective_id"] is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        (pd.NA, None),
        (float("nan"), None),
        (40.0, "40"),
        (12.5, "12.5"),
        (np.int64(3), "3"),
        (dt.date(2021, 6, 30), "2021-06-30"),
        (pd.Timestamp("2021-06-30"), "2021-06-30"),
        ("a\nb", "a\nb"),
    ],
)
def test_value_to_text(value, text):
    assert value_to_text(value) == text


def test_settings_from_params_fills_defaults_and_turns_lists_into_tuples():
    settings = DiffSettings.from_params(
        {"min_similarity": 70, "compared_fields": ["subject", "description"]}
    )

    assert settings.min_similarity == 70
    assert settings.compared_fields == ("subject", "description")
    assert settings.number_hint == DiffSettings().number_hint
    assert DiffSettings.from_params(None) == DiffSettings()


@pytest.mark.parametrize(
    "params",
    [
        {"min_similarity_typo": 70},
        {"min_similarity": 0},
        {"min_similarity": 101},
        {"min_similarity": "high"},
        {"number_hint": -1},
        {"similarity_weights": {"subject": 0}},
        {"similarity_weights": {"subject": -1, "description": 2}},
        {"compared_fields": []},
        {"target_fields": ["text", "text"]},
    ],
)
def test_bad_settings_are_refused(params):
    with pytest.raises(SettingsError):
        DiffSettings.from_params(params)


def test_duplicate_objective_id_is_refused_naming_the_input():
    old = plan("2021-07", [PAYMENTS, PAYMENTS])

    with pytest.raises(DiffInputError, match="objective_id repeats") as error:
        compare_plans(old, plan("2021-11", [PAYMENTS]))
    assert error.value.file == "2021-07"


def test_missing_column_is_refused():
    old = plan("2021-07", [PAYMENTS])
    old = type(old)(old.objectives.drop(columns="indicator"), old.targets, old.sector_weights)

    with pytest.raises(DiffInputError, match="lacks column"):
        compare_plans(old, plan("2021-11", [PAYMENTS]))


def test_target_of_unknown_objective_is_refused():
    old = plan(
        "2021-07",
        [PAYMENTS],
        [{"objective_id": "09.09", "target_seq": 1, "text": "x", "weight_pct": None}],
    )

    with pytest.raises(DiffInputError, match="not in objectives"):
        compare_plans(old, plan("2021-11", [PAYMENTS]))
