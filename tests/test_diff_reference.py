"""The diff of the two hand-checked references (July and November 2021) against a change
list derived from the JSON files alone, by exact rules that do not use the pipeline's
fuzzy pairing.

Exact pairing rules, applied in this order to the objectives still unpaired, inside one
sector, each only where its key is unique on both sides (asserted, so an ambiguous key
fails the test instead of being guessed):

1. same subject and same description: the same objective, wherever it is and whatever
   its number;
2. same description: the subject was retitled;
3. same subject and same printed number: the description was rewritten.

An objective matching none of them is removed (July) or added (November): a number now
given to a different objective matches no rule, since its subject and description are new.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pandas as pd
import pytest
from reference_frames import REFERENCE_DIR, cell_to_text, reference_to_frames

from pipeline.diff.compare import compare_plans

OLD, NEW = "desenzano-2021-07", "desenzano-2021-11"
# (diff field, where the reference has it): printed cells, then `expected` values
PRINTED = {
    "number": "number",
    "assignee_raw": "assignee",
    "dup_raw": "dup",
    "subject": "subject",
    "description": "description",
    "indicator": "indicator",
    "expected_result": "expected_result",
    "deadline_raw": "deadline",
}
NORMALISED = {"assignee": "assignee", "deadline": "deadline", "status": "status"}
FIELD_ORDER = [
    "number",
    "assignee_raw",
    "assignee",
    "dup_raw",
    "subject",
    "description",
    "indicator",
    "expected_result",
    "deadline_raw",
    "deadline",
    "status",
]
PAIRING_RULES = [("subject", "description"), ("description",), ("subject", "number")]


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def reference_objectives(name: str) -> list[dict[str, Any]]:
    reference = json.loads((REFERENCE_DIR / f"{name}.json").read_text())
    rows = []
    for block in reference["blocks"]:
        for obj in block["objectives"]:
            row: dict[str, Any] = {
                "id": f"{block['block']:02d}.{obj['seq']:02d}",
                "sector": block["sector"],
                "weights": obj["expected"].get("weights") or [],
                "results": obj["expected_result"],
            }
            for field, key in PRINTED.items():
                row[field] = cell_to_text(obj.get(key)) or None
            for field, key in NORMALISED.items():
                row[field] = obj["expected"].get(key)
            rows.append(row)
    return rows


def pair_exactly(old: list[dict], new: list[dict]) -> list[tuple[dict, dict]]:
    pairs: list[tuple[dict, dict]] = []
    for rule in PAIRING_RULES:
        paired_old = {id(o) for o, _ in pairs}
        paired_new = {id(n) for _, n in pairs}

        def key(row: dict, rule: tuple = rule) -> tuple:
            return (row["sector"], *(squash(row[f]) for f in rule))

        old_left = [o for o in old if id(o) not in paired_old]
        new_left = [n for n in new if id(n) not in paired_new]
        old_keys, new_keys = Counter(map(key, old_left)), Counter(map(key, new_left))
        for o in old_left:
            if key(o) in new_keys:
                assert old_keys[key(o)] == new_keys[key(o)] == 1, f"ambiguous {rule}: {key(o)}"
                pairs.append((o, next(n for n in new_left if key(n) == key(o))))
    return pairs


def expected_changes(old: list[dict], new: list[dict]) -> list[tuple]:
    pairs = pair_exactly(old, new)
    rows: list[tuple] = []
    for o, n in pairs:
        for field in FIELD_ORDER:
            if squash(o[field]) != squash(n[field]):
                change = "renumbered" if field == "number" else "modified"
                rows.append((change, o["sector"], o["id"], n["id"], field, o[field], n[field]))
    paired_old = {o["id"] for o, _ in pairs}
    paired_new = {n["id"] for _, n in pairs}
    for o in old:
        if o["id"] not in paired_old:
            rows.append(("removed", o["sector"], o["id"], None, None, o["description"], None))
    for n in new:
        if n["id"] not in paired_new:
            rows.append(("added", n["sector"], None, n["id"], None, None, n["description"]))
    return rows


def expected_target_changes(old: list[dict], new: list[dict]) -> list[tuple]:
    """Targets are the RISULTATO ATTESO paragraphs with the weights by position (as in
    `reference_frames`). In these references every paired objective keeps its number of
    paragraphs (asserted), so paired targets are paired by position."""
    pairs = pair_exactly(old, new)
    rows: list[tuple] = []
    for o, n in pairs:
        assert len(o["results"]) == len(n["results"]), (o["id"], n["id"])
        for seq, (old_text, new_text) in enumerate(
            zip(o["results"], n["results"], strict=True), start=1
        ):
            old_weight = o["weights"][seq - 1] if seq <= len(o["weights"]) else None
            new_weight = n["weights"][seq - 1] if seq <= len(n["weights"]) else None
            if squash(old_text) != squash(new_text):
                rows.append(("modified", o["id"], n["id"], seq, seq, "text", old_text, new_text))
            if old_weight != new_weight:
                rows.append(
                    (
                        "modified",
                        o["id"],
                        n["id"],
                        seq,
                        seq,
                        "weight_pct",
                        str(old_weight),
                        str(new_weight),
                    )
                )
    paired_old = {o["id"] for o, _ in pairs}
    paired_new = {n["id"] for _, n in pairs}
    for o in old:
        if o["id"] not in paired_old:
            for seq, text in enumerate(o["results"], start=1):
                rows.append(("removed", o["id"], None, seq, None, None, text, None))
    for n in new:
        if n["id"] not in paired_new:
            for seq, text in enumerate(n["results"], start=1):
                rows.append(("added", None, n["id"], None, seq, None, None, text))
    return rows


def as_tuples(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    plain = frame[columns].astype(object)
    return [tuple(row) for row in plain.where(plain.notna(), None).itertuples(index=False)]


@pytest.fixture(scope="module")
def diff():
    return compare_plans(reference_to_frames(OLD), reference_to_frames(NEW))


@pytest.fixture(scope="module")
def references():
    return reference_objectives(OLD), reference_objectives(NEW)


def test_diff_lists_every_objective_difference_and_nothing_else(diff, references):
    got = as_tuples(
        diff.objectives,
        [
            "change",
            "sector",
            "old_objective_id",
            "new_objective_id",
            "field",
            "old_value",
            "new_value",
        ],
    )
    want = expected_changes(*references)

    assert Counter(got) == Counter(want)


def test_diff_lists_every_target_difference_and_nothing_else(diff, references):
    got = as_tuples(
        diff.targets,
        [
            "change",
            "old_objective_id",
            "new_objective_id",
            "old_target_seq",
            "new_target_seq",
            "field",
            "old_value",
            "new_value",
        ],
    )
    want = [
        tuple(v.removesuffix(".0") if isinstance(v, str) else v for v in row)
        for row in expected_target_changes(*references)
    ]

    assert Counter(got) == Counter(want)


def test_july_to_november_changes_by_kind(diff):
    objectives_by_kind = (
        diff.objectives.assign(
            key=diff.objectives["old_objective_id"].fillna("")
            + diff.objectives["new_objective_id"].fillna("")
        )
        .groupby("change")["key"]
        .nunique()
        .to_dict()
    )

    assert objectives_by_kind == {"added": 3, "removed": 2, "modified": 7}
    assert (diff.objectives["change"] == "modified").sum() == 13
    assert diff.sector_weights.empty  # the relevance table did not change


def test_reused_number_8_in_personale_is_removed_and_added(diff):
    personale = diff.objectives[diff.objectives["sector"] == "personale"]
    number_8 = personale[
        (personale["old_number"] == "8").fillna(False)
        | (personale["new_number"] == "8").fillna(False)
    ]

    assert sorted(number_8["change"]) == ["added", "removed"]
    assert set(number_8["subject"]) == {
        "Lavoro agile emergenziale",
        "Verifica certificazione verde Covid-19",
    }


def test_ced_objectives_after_the_removed_n4_shift_position_but_are_not_renumbered(diff):
    ced = diff.pairs[diff.pairs["sector"] == "sistemi_informativi"].dropna()
    shifted = ced[ced["old_objective_id"] != ced["new_objective_id"]]

    assert len(shifted) == 10  # n. 5 ... 14 moved from seq 5..14 to 4..13
    assert (shifted["old_number"] == shifted["new_number"]).all()
    assert "renumbered" not in set(diff.objectives["change"])
    removed = diff.objectives[diff.objectives["change"] == "removed"]
    assert ("13.04", "Sicurezza informatica") in zip(
        removed["old_objective_id"], removed["subject"], strict=True
    )


def test_retitled_subject_and_rewritten_description_are_modifications(diff):
    modified = diff.objectives[diff.objectives["change"] == "modified"]
    fields = modified.groupby("new_objective_id")["field"].apply(list).to_dict()

    assert fields["01.09"] == ["subject"]  # "Servizi scolastici anticovid" retitled
    assert fields["08.07"] == ["description", "deadline_raw", "deadline", "status"]
    assert modified.set_index("new_objective_id").loc["08.07"].iloc[-1]["new_value"] == "postponed"


def test_third_revision_needs_no_code_change():
    """A made-up March 2022 revision: CED closes its numbering gap (n. 5..14 become
    4..13) and two offices' relevance changes."""
    november = reference_to_frames(NEW)
    objectives = november.objectives.assign(revision="2022-03")
    ced = objectives["sector"] == "sistemi_informativi"
    numbers = pd.to_numeric(objectives["number"], errors="coerce")
    shifted = ced & (numbers > 4).fillna(False)
    objectives.loc[shifted, "number"] = (numbers[shifted].astype(int) - 1).astype(str)
    weights = november.sector_weights.assign(revision="2022-03").set_index("sector")
    weights.loc["istruzione", "relevance_pct"] = 5.0
    weights.loc["cultura", "relevance_pct"] = 5.0
    march = type(november)(
        objectives, november.targets.assign(revision="2022-03"), weights.reset_index()
    )

    diff = compare_plans(november, march)

    assert diff.new_revision == "2022-03"
    assert set(diff.objectives["change"]) == {"renumbered"}
    assert len(diff.objectives) == 10
    assert diff.targets.empty
    assert diff.sector_weights[["sector", "old_pct", "new_pct"]].values.tolist() == [
        ["istruzione", 4.0, 5.0],
        ["cultura", 6.0, 5.0],
    ]


def test_diff_of_the_extracted_plans_matches_the_references(extracted):
    """The pipeline's own extractions of both bundled PDFs give the reference diff; the
    only extra row may come from a cell the text layer cannot settle."""
    from test_accuracy import AMBIGUOUS_CELLS

    from pipeline.diff.files import folder_to_plan_frames

    got = compare_plans(
        folder_to_plan_frames(extracted["desenzano-2021-07"]),
        folder_to_plan_frames(extracted["desenzano-2021-11"]),
    )
    keys = ["change", "old_objective_id", "new_objective_id", "field"]
    want = Counter(row[:1] + row[2:5] for row in expected_changes(*reference_objectives_pair()))
    found = Counter(as_tuples(got.objectives, keys))
    extra = found - want
    ambiguous = {
        ("modified", f"{b:02d}.{s:02d}", f"{b:02d}.{s:02d}", field)
        for _, b, s, field in AMBIGUOUS_CELLS
    }
    assert sum(want.values()) > 10  # the two revisions really differ
    assert want - found == Counter()
    assert set(extra) <= ambiguous


def reference_objectives_pair():
    return reference_objectives(OLD), reference_objectives(NEW)
