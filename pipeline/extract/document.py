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
# the name ends at a bracket, a comma or a dash set between spaces ("— Piano della …")
_MUNICIPALITY = re.compile(r"\bcomune\s+di\s+(.+?)\s*(?:[(,|]|\s[-–—]\s|$)")
_SMALL_WORDS = {"di", "del", "della", "dei", "degli", "delle", "da", "sul", "sulla", "in", "e"}


@dataclass(frozen=True)
class DocumentInfo:
    """What the document says of itself."""

    municipality: str | None
    revision: str | None
    revision_label: str | None
    plan_year: int | None


def name_to_title_case(name: str) -> str:
    """Given a place name in lower case, return it as Italians write it: "desenzano del
    garda" → "Desenzano del Garda", "bolzano-bozen" → "Bolzano-Bozen", "cortina
    d'ampezzo" → "Cortina d'Ampezzo"."""

    def word(w: str) -> str:
        if w in _SMALL_WORDS:
            return w
        elided = re.match(r"((?:d|l|dell|nell|sull|all)')(.+)", w)
        if elided and elided.group(1) != w:
            return elided.group(1) + elided.group(2).capitalize()
        return "-".join(part.capitalize() for part in w.split("-"))

    text = " ".join(word(w) for w in name.split())
    return text[:1].upper() + text[1:]


def lines_to_document_info(lines: list[str]) -> DocumentInfo:
    """Given the text lines outside the tables in reading order (running headers and
    footers last), return the municipality first named and the revision of the revision
    label ("aggiornamento luglio 2021"): the first printed as a line of its own, as a
    title sets it, else the first printed at all (a sentence may name older ones)."""
    municipality = None
    labels: list[tuple[bool, re.Match[str]]] = []
    for line in lines:
        folded = fold(line)
        if municipality is None and (m := _MUNICIPALITY.search(folded)):
            municipality = f"Comune di {name_to_title_case(m.group(1))}"
        if m := _REVISION.search(folded):
            labels.append((m.group(0).strip(" ()") == folded.strip(" ()"), m))
    if not labels:
        return DocumentInfo(municipality, None, None, None)
    m = next((m for alone, m in labels if alone), labels[0][1])
    year = int(m.group(3))
    revision = f"{year}-{MONTHS[m.group(2)]:02d}"
    return DocumentInfo(municipality, revision, f"{m.group(1)} {m.group(2)} {m.group(3)}", year)
