"""A constructed plan revision: the November transcription with a known list of edits,
and the change rows `piano diff` of the base → revised renderings must give.

The edits touch only the first rows of the first two blocks, so they apply to the whole
plan and to the small excerpt the smoke test renders alike. Every objective carries an
identity through the edits, so the expected changes follow from comparing each pair,
by the diff's rules (README, `pipeline/diff.py` docstring): an unpaired old objective is
`removed`, an unpaired new one `added` (field null); a pair whose printed number differs
gets a `renumbered` row (field `number`) before one `modified` row per other compared
field that differs, whitespace collapsed. An objective that only moved because a row
above it was removed keeps its number and gets no row, even though its id shifts.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

REVISION = "2021-12"
REVISION_LABEL = "aggiornamento dicembre 2021"

# printed cells the diff compares: (diff field, transcription key)
COMPARED_PRINTED = (
    ("number", "number"),
    ("assignee_raw", "assignee"),
    ("dup_raw", "dup"),
    ("subject", "subject"),
    ("description", "description"),
    ("indicator", "indicator"),
    ("expected_result", "expected_result"),
    ("deadline_raw", "deadline"),
)
# normalised values the diff compares: (diff field, key under `expected`)
COMPARED_NORMALISED = (("assignee", "assignee"), ("deadline", "deadline"), ("status", "status"))

ADDED_OBJECTIVE: dict[str, Any] = {
    "assignee": ["ISTRUZIONE"],
    "dup": ["4.6.0"],
    "subject": ["Centri estivi comunali"],
    "description": [
        "Organizzare i centri estivi comunali per i bambini della scuola primaria, con "
        "iscrizione on-line e pagamento tramite pagoPA, in collaborazione con le "
        "associazioni sportive del territorio."
    ],
    "indicator": ["N. iscrizioni gestite on-line", "Rendicontazione alla Giunta"],
    "expected_result": ["Almeno 150 iscrizioni (Peso 60%)", "Relazione presentata (Peso 40%)"],
    "deadline": ["30/09/2022"],
    "expected": {
        "assignee": "istruzione",
        "sector": "istruzione",
        "deadline": "2022-09-30",
        "deadline_status": "ok",
        "weights": [60, 40],
        "status": "active",
    },
}
ADDED_SENTENCE = " Il calendario dei turni è pubblicato ogni mese sul sito istituzionale."


@dataclass(frozen=True)
class Edit:
    """One edit made to the base revision, said as a person would say it."""

    kind: str
    block: int
    seq: int | None
    what: str


@dataclass(frozen=True)
class ConstructedRevision:
    """The revised transcription, its edits, and what the diff must report."""

    reference: dict[str, Any]
    edits: list[Edit]
    changes: list[dict[str, Any]]
    sector_weight_changes: list[dict[str, Any]]
    target_weight_changes: list[dict[str, Any]]


def reference_to_revision(base: dict[str, Any]) -> ConstructedRevision:
    """Given a November transcription (whole or an excerpt with at least six rows in each
    of its first two blocks), return the December revision built from it."""
    base = copy.deepcopy(base)
    for block in base["blocks"]:
        for objective in block["objectives"]:
            objective["_identity"] = f"{block['block']}.{objective['seq']}"
    new = copy.deepcopy(base)
    edits: list[Edit] = []
    first, second = new["blocks"][0], new["blocks"][1]

    # 1.1: a sub-target's weight 50% -> 70%
    row = first["objectives"][0]
    old_result = row["expected_result"][0]
    row["expected_result"][0] = old_result.replace("(Peso 50%)", "(Peso 70%)")
    assert row["expected_result"][0] != old_result, "row 1.1 has no (Peso 50%) sub-target"
    row["expected"]["weights"][0] = 70
    edits.append(Edit("weight", 1, 1, "first sub-target weighed 70% instead of 50%"))

    # 1.2: the deadline moves to 30/06/2022
    row = first["objectives"][1]
    row["deadline"] = ["30/06/2022"]
    row["expected"].update(deadline="2022-06-30", deadline_status="ok")
    edits.append(Edit("deadline", 1, 2, "deadline 30/06/2022"))

    # 1.3 and 1.4 change places; their printed numbers follow the position
    third, fourth = first["objectives"][2], first["objectives"][3]
    third["number"], fourth["number"] = fourth["number"], third["number"]
    first["objectives"][2], first["objectives"][3] = fourth, third
    edits.append(Edit("moved", 1, 3, "rows 3 and 4 change places and numbers"))

    # a new objective at the end of block 1, numbered after the last one
    numbers = [int(o["number"]) for o in first["objectives"] if (o.get("number") or "").isdigit()]
    added = copy.deepcopy(ADDED_OBJECTIVE)
    added["number"] = str(max(numbers) + 1)
    added["_identity"] = "added"
    first["objectives"].append(added)
    edits.append(Edit("added", 1, None, f"new objective n. {added['number']} at the block's end"))

    # 2.2 is dropped; the rows below keep their printed numbers (ids shift up by one)
    removed = second["objectives"].pop(1)
    edits.append(Edit("removed", 2, 2, f"objective n. {removed['number']} removed"))

    # 2.3 (now the second row): one more sentence in its description
    row = second["objectives"][1]
    row["description"][-1] = row["description"][-1] + ADDED_SENTENCE
    edits.append(Edit("modified", 2, 3, "description gets one more sentence"))

    # relevance: Istruzione 4% -> 5%, Cultura 6% -> 5% (the total stays 100%)
    weight_changes = []
    for sector, pct in (("istruzione", "5%"), ("cultura", "5%")):
        entry = next(r for r in new["relevance"]["rows"] if r["sector"] == sector)
        weight_changes.append(
            {
                "change": "modified",
                "sector": sector,
                "old_pct": _pct(entry["value"]),
                "new_pct": _pct(pct),
            }
        )
        edits.append(Edit("relevance", 0, None, f"{entry['label']} {entry['value']} -> {pct}"))
        entry["value"] = pct

    # the revision label, in the title and in the description header
    new["document"].update(revision=REVISION, revision_label=REVISION_LABEL)
    for block in new["blocks"]:
        block["header"] = [
            re.sub(r"(novembre|luglio) 2021", "dicembre 2021", h) for h in block["header"]
        ]
        for seq, objective in enumerate(block["objectives"], start=1):
            objective["seq"] = seq
    edits.append(Edit("revision", 0, None, f"({REVISION_LABEL})"))

    changes = transcriptions_to_changes(base, new)
    targets = [
        {
            "change": "modified",
            "sector": "istruzione",
            "old_objective_id": "01.01",
            "new_objective_id": "01.01",
            "field": "weight_pct",
            "old_value": "50",
            "new_value": "70",
        }
    ]
    _strip_identities(new)
    return ConstructedRevision(new, edits, changes, weight_changes, targets)


def _pct(value: str) -> float:
    return float(value.rstrip("%").replace(",", "."))


def _squash(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _strip_identities(reference: dict[str, Any]) -> None:
    for block in reference["blocks"]:
        for objective in block["objectives"]:
            objective.pop("_identity", None)


def transcriptions_to_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Given two transcriptions whose objectives carry `_identity`, return the diff rows
    (change, sector, old_objective_id, new_objective_id, field), sector by sector in the
    new plan's block order."""

    def index(reference: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        return {o["_identity"]: (b, o) for b in reference["blocks"] for o in b["objectives"]}

    old_index, new_index = index(old), index(new)
    rows: list[dict[str, Any]] = []
    for identity, (block, objective) in new_index.items():
        new_id = f"{block['block']:02d}.{objective['seq']:02d}"
        if identity not in old_index:
            rows.append(_change("added", block["sector"], None, new_id, None))
            continue
        old_block, old_objective = old_index[identity]
        old_id = f"{old_block['block']:02d}.{old_objective['seq']:02d}"
        for field, key in COMPARED_PRINTED:
            if _squash(old_objective.get(key)) != _squash(objective.get(key)):
                kind = "renumbered" if field == "number" else "modified"
                rows.append(_change(kind, block["sector"], old_id, new_id, field))
        for field, key in COMPARED_NORMALISED:
            if old_objective["expected"].get(key) != objective["expected"].get(key):
                rows.append(_change("modified", block["sector"], old_id, new_id, field))
    for identity, (block, objective) in old_index.items():
        if identity not in new_index:
            old_id = f"{block['block']:02d}.{objective['seq']:02d}"
            rows.append(_change("removed", block["sector"], old_id, None, None))
    return rows


def _change(
    change: str, sector: str | None, old_id: str | None, new_id: str | None, field: str | None
) -> dict[str, Any]:
    return {
        "change": change,
        "sector": sector,
        "old_objective_id": old_id,
        "new_objective_id": new_id,
        "field": field,
    }
