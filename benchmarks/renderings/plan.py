"""The plan a rendering prints, read from a reference transcription (`tests/reference/`).

A transcription gives every printed cell as a list of paragraphs; the producers print
each paragraph as its own line or paragraph inside the cell, so the printed text is the
transcription's text and nothing else.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# the printed columns of a sector table, in print order (keys of a transcribed objective)
FIELDS = (
    "number",
    "assignee",
    "dup",
    "subject",
    "description",
    "indicator",
    "expected_result",
    "deadline",
)
# the bold line a plan prints above each sector table, as the July plan names them
SECTOR_HEADINGS = {
    "istruzione": "ISTRUZIONE",
    "cultura": "CULTURA - SPORT",
    "servizi_sociali": "SERVIZI SOCIALI",
    "turismo_attivita_produttive": "TURISMO ATTIVITA' PRODUTTIVE",
    "polizia_locale": "POLIZIA LOCALE",
    "ecologia": "ECOLOGIA",
    "urbanistica": "URBANISTICA",
    "lavori_pubblici_servizi_generali": "LAVORI PUBBLICI SERVIZI GENERALI",
    "ragioneria": "RAGIONERIA",
    "tributi": "TRIBUTI",
    "economato": "ECONOMATO",
    "segreteria": "SEGRETERIA",
    "sistemi_informativi": "SISTEMI INFORMATIVI - CED",
    "personale": "PERSONALE",
    "servizi_demografici": "SERVIZI DEMOGRAFICI",
    None: "TUTTE LE AREE ORGANIZZATIVE - SEGRETARIO COMUNALE",
}


@dataclass(frozen=True)
class Row:
    """One objective as printed: its cells in `FIELDS` order, each a tuple of paragraphs."""

    block: int
    seq: int
    cells: tuple[tuple[str, ...], ...]

    @property
    def objective_id(self) -> str:
        """The id piano gives the row: block and seq, zero-padded (`03.07`)."""
        return f"{self.block:02d}.{self.seq:02d}"


@dataclass(frozen=True)
class Block:
    """One sector table: its header cells (each a tuple of lines) and its rows."""

    block: int
    sector: str | None
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def heading(self) -> str:
        """The sector's name as a plan prints it above the table."""
        return SECTOR_HEADINGS[self.sector]


@dataclass(frozen=True)
class Relevance:
    """The closing "Rilevanza degli obiettivi" section and its table."""

    heading: str
    text: tuple[str, ...]
    caption: str
    header: tuple[str, str]
    rows: tuple[tuple[str, str], ...]
    total: tuple[str, str]


@dataclass(frozen=True)
class Plan:
    """Everything a rendering prints: the title block, the sector tables, relevance."""

    name: str
    municipality: str
    province: str
    part: str
    title: str
    subtitle: str
    revision: str
    revision_label: str
    blocks: tuple[Block, ...]
    relevance: Relevance

    @property
    def rows(self) -> list[Row]:
        """Every objective in document order."""
        return [row for block in self.blocks for row in block.rows]

    @property
    def title_lines(self) -> list[str]:
        """The title block as the bundled plans print it, centred above the first table."""
        return [
            f"{self.municipality.upper()} (Provincia di {self.province})",
            self.part,
            self.title,
            self.subtitle,
            f"({self.revision_label})",
        ]

    @property
    def year(self) -> str:
        """The plan's year, from its revision (`2021-11` → `2021`)."""
        return self.revision[:4]


def read_reference(path: Path) -> dict[str, Any]:
    """Given a transcription file, return its JSON."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def reference_to_plan(name: str, reference: dict[str, Any]) -> Plan:
    """Given a transcription (the JSON of `tests/reference/`), return the plan it prints."""
    doc = reference["document"]
    blocks = []
    for block in reference["blocks"]:
        rows = tuple(
            Row(
                block["block"],
                objective["seq"],
                tuple(_cell_paragraphs(objective, key) for key in FIELDS),
            )
            for objective in block["objectives"]
        )
        blocks.append(Block(block["block"], block["sector"], tuple(block["header"]), rows))
    rel = reference["relevance"]
    relevance = Relevance(
        rel["heading"],
        tuple(rel["text"]),
        rel["caption"],
        (rel["header"][0], rel["header"][1]),
        tuple((row["label"], row["value"]) for row in rel["rows"]),
        (rel["total"]["label"], rel["total"]["value"]),
    )
    return Plan(
        name,
        doc["municipality"],
        doc["province"],
        doc["part"],
        doc["title"],
        doc["subtitle"],
        doc["revision"],
        doc["revision_label"],
        tuple(blocks),
        relevance,
    )


def _cell_paragraphs(objective: dict[str, Any], key: str) -> tuple[str, ...]:
    value = objective.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


def reference_to_excerpt(
    reference: dict[str, Any], blocks: int, rows: int, long_rows: int = 0
) -> dict[str, Any]:
    """Given a transcription, return a copy holding only its first `blocks` blocks, each
    cut to its first `rows` objectives plus its `long_rows` longest later ones (so a
    small rendering still has rows long enough to break across a page); the relevance
    table is kept whole."""
    excerpt = copy.deepcopy(reference)
    kept = []
    for block in excerpt["blocks"][:blocks]:
        head, tail = block["objectives"][:rows], block["objectives"][rows:]
        longest = sorted(tail, key=_printed_length, reverse=True)[:long_rows]
        chosen = head + sorted(longest, key=lambda objective: objective["seq"])
        for seq, objective in enumerate(chosen, start=1):
            objective["seq"] = seq
        block["objectives"] = chosen
        kept.append(block)
    excerpt["blocks"] = kept
    return excerpt


def _printed_length(objective: dict[str, Any]) -> int:
    return sum(len(" ".join(_cell_paragraphs(objective, key))) for key in FIELDS)
