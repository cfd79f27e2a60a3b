"""Read the document's own identity from the text outside its tables: municipality,
revision label "(aggiornamento novembre 2021)" → revision "2021-11"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.text import fold

MONTHS = {
    "gennaio": 1,
    "febbraio": 2,
    "marzo": 3,
    "aprile": 4,
    "maggio": 5,
    "giugno": 6,
    "luglio": 7,
    "agosto": 8,
    "settembre": 9,
    "ottobre": 10,
    "novembre": 11,
    "dicembre": 12,
}
_REVISION = re.compile(
    r"\(?\s*(aggiornamento|aggiornato a|revisione|variazione)\s+(?:di\s+|al\s+|del\s+)?"
    r"(" + "|".join(MONTHS) + r")\s+(\d{4})\s*\)?"
)
_MUNICIPALITY = re.compile(r"\bcomune\s+di\s+([^()]+?)\s*(\(|$)")
_SMALL_WORDS = {"di", "del", "della", "dei", "degli", "delle", "da", "sul", "sulla", "in", "e"}


@dataclass(frozen=True)
class DocumentInfo:
    """What the document says of itself."""

    municipality: str | None
    revision: str | None
    revision_label: str | None
    plan_year: int | None


def lines_to_document_info(lines: list[str]) -> DocumentInfo:
    """Given the text lines outside the tables in reading order, return the municipality
    and the revision of the first revision label found ("aggiornamento luglio 2021")."""
    municipality = revision = label = None
    year = None
    for line in lines:
        folded = fold(line)
        if municipality is None and (m := _MUNICIPALITY.search(folded)):
            name = " ".join(w if w in _SMALL_WORDS else w.capitalize() for w in m.group(1).split())
            municipality = f"Comune di {name}"
        if revision is None and (m := _REVISION.search(folded)):
            year = int(m.group(3))
            revision = f"{year}-{MONTHS[m.group(2)]:02d}"
            label = f"{m.group(1)} {m.group(2)} {m.group(3)}"
    return DocumentInfo(municipality, revision, label, year)
