"""Objective status from its printed texts."""

from __future__ import annotations

import pytest
from normalise_inputs import load_references

from pipeline.normalise.status import texts_to_status

# row 8.4 of the November 2021 plan, cut to the words that matter
SUSPENDED_DESCRIPTION = (
    "Le attività per il regolamento zonizzazione campi elettromagnetici sono sospese in "
    "seguito a sentenza TAR di Brescia"
)


@pytest.fixture(scope="module")
def references():
    return load_references()


def status_of(description="", indicator="", result="", deadline="31/12/2021", plan_year=2021):
    return texts_to_status(description, indicator, result, deadline, plan_year)


def test_sospeso_deadline_means_suspended():
    reading = status_of(deadline="Sospeso")
    assert reading.status == "suspended"
    assert [(f.rule, f.severity) for f in reading.findings] == [("status_from_text", "info")]


def test_sospeso_in_brackets_in_the_result_means_suspended():
    result = "Approvazione regolamento Zonizzazione campi elettromagnetici (sospeso)"
    assert status_of(result=result).status == "suspended"


def test_sono_sospese_in_the_description_means_suspended():
    assert status_of(description=SUSPENDED_DESCRIPTION).status == "suspended"


def test_rinviato_to_a_later_year_means_postponed():
    description = "(L'obietti vo relativo al rinnovo ... è rinviato al 2022 per la necessità ...)"
    reading = status_of(description=description, deadline="31/12/2022")
    assert reading.status == "postponed"
    assert "rinviato al 2022" in reading.findings[0].raw_value


@pytest.mark.parametrize(
    "description",
    [
        "La legge di bilancio per il 2020 ha spostato al 2021 la decorrenza dell'obbligo",
        "Rinviato al 2020 per effetto della legge",  # not later than the plan year
        "Sospensione dei termini per l'emergenza sanitaria",
        "gestione delle sospensioni dei pagamenti",
    ],
)
def test_words_in_passing_do_not_change_the_status(description):
    reading = status_of(description=description)
    assert (reading.status, reading.findings) == ("active", ())


def test_suspension_and_postponement_together_keep_suspended_and_warn():
    reading = status_of(description="Obiettivo rinviato al 2022", deadline="Sospeso")
    assert reading.status == "suspended"
    assert [f.rule for f in reading.findings] == ["status_from_text", "status_conflict"]


def test_only_the_rows_the_notes_name_are_not_active_in_either_reference(references):
    not_active = set()
    for reference in references:
        revision = reference["document"]["revision"]
        for block in reference["blocks"]:
            for obj in block["objectives"]:
                cells = {k: "\n".join(obj[k]) for k in ("description", "indicator")}
                reading = texts_to_status(
                    cells["description"],
                    cells["indicator"],
                    "\n".join(obj["expected_result"]),
                    "\n".join(obj["deadline"]),
                    2021,
                )
                if reading.status != "active":
                    not_active.add((revision, block["block"], obj["seq"], reading.status))
    assert not_active == {
        ("2021-07", 8, 4, "suspended"),
        ("2021-11", 8, 4, "suspended"),
        ("2021-11", 8, 7, "postponed"),
    }
