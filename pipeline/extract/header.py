"""Recognise a table's header row and map its columns to fields by meaning, not by exact
text: "DUP" / "Rif. DUP", "OGGETTO" / "OGGETTO / ATTIVITA'", "INDICATORE PERFORMANCE" /
"INDICATORE" all land on the same field, and OCR damage is tolerated."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

from rapidfuzz import fuzz

from pipeline.core.settings import Settings, setting
from pipeline.core.text import fold, text_to_glyph_form

# words that name each field in a header cell (accents stripped, lower case)
FIELD_KEYWORDS: dict[str, tuple[str, ...]] = {
    "number": ("n", "n.", "nr", "nr.", "n°", "num", "numero"),
    "assignee_raw": ("assegnatario", "responsabile", "centro di responsabilita"),
    "dup_raw": ("dup", "rif. dup", "missione", "programma"),
    "subject": ("oggetto", "attivita"),
    "description": ("descrizione", "obiettivi assegnati"),
    "indicator": ("indicatore", "indicatori"),
    "expected_result": ("risultato", "risultato atteso", "target", "valore atteso"),
    "deadline_raw": ("tempi", "tempi stabiliti", "scadenza", "termine", "tempistica"),
}
REQUIRED_FIELDS = ("assignee_raw", "subject", "description", "expected_result")
RELEVANCE_KEYWORDS = ("rilevanza",)


# a header never prints a date or a bare number: a row that does is data
_DATA_CELL = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,5}\b|^\s*\d{1,3}\s*$")

DEFAULT_MIN_KEYWORD_SCORE = 80.0
DEFAULT_MIN_HEADER_FIELDS = 4
MAX_HEADER_CELL = 80  # characters: a longer cell is data, matched word by word only


@dataclass(frozen=True)
class HeaderSettings(Settings):
    """How sure a header cell must be to name a field, and how many fields make a header
    (params.yaml `extract: header:`)."""

    min_keyword_score: float = setting(DEFAULT_MIN_KEYWORD_SCORE, above=0, high=100)
    min_header_fields: int = setting(DEFAULT_MIN_HEADER_FIELDS, low=1)


def keyword_score(cell: str, keyword: str) -> float:
    """Given a folded header cell and a keyword, return 0–100 for how well the keyword
    appears in it: an exact token scores 100; a longer keyword scores its best fuzzy
    match against a token or, in a cell as short as a header's, against any stretch of
    it, each the mean of the plain match and the match with the letters OCR confuses
    folded (`text_to_glyph_form`), so that "DESCR1ZIONE" and "0GGETTO" still read."""
    tokens = re.findall(r"[\w°.]+", cell)
    if keyword in tokens or (" " in keyword and keyword in cell):
        return 100.0
    if len(keyword) < 4:  # short keywords ("n.", "dup") only count exactly
        return 100.0 if keyword.rstrip(".") in {t.rstrip(".") for t in tokens} else 0.0
    glyphs = text_to_glyph_form(keyword)
    best = max(
        ((fuzz.ratio(keyword, t) + fuzz.ratio(glyphs, text_to_glyph_form(t))) / 2 for t in tokens),
        default=0.0,
    )
    if len(keyword) <= len(cell) <= MAX_HEADER_CELL:
        # the keyword somewhere in the cell, whatever OCR did to the spaces around it
        plain = fuzz.partial_ratio(keyword, cell)
        folded = fuzz.partial_ratio(glyphs, text_to_glyph_form(cell))
        best = max(best, (plain + folded) / 2)
    return best


# the same header cells come back on every page and in every band tried: named once each
@functools.lru_cache(maxsize=1 << 14)
def cell_to_field(cell: str, settings: HeaderSettings) -> tuple[str | None, float]:
    """Given one header cell's text, return the field it names and the score, or None."""
    folded = fold(cell)
    if not folded:
        return None, 0.0
    best, best_score = None, 0.0
    for field, keywords in FIELD_KEYWORDS.items():
        score = max(keyword_score(folded, k) for k in keywords)
        if score > best_score:
            best, best_score = field, score
    if best_score < settings.min_keyword_score:
        return None, best_score
    return best, best_score


@dataclass(frozen=True)
class HeaderMap:
    """A recognised header: field per column index, the printed header texts, the texts
    of columns that name no known field (kept as extra columns), and the columns named
    by elimination (`field_by_elimination`)."""

    fields: dict[int, str]
    printed: dict[int, str]
    unknown: dict[int, str]
    guessed: dict[int, str] = dataclass_field(default_factory=dict)  # named by elimination

    def missing(self) -> list[str]:
        """Return the required fields no column names."""
        return [f for f in REQUIRED_FIELDS if f not in self.fields.values()]


def cells_to_header(
    texts: dict[int, str], settings: HeaderSettings | None = None
) -> HeaderMap | None:
    """Given a row's cell texts by column index, return its HeaderMap when it reads as an
    objectives header (enough cells name distinct fields), else None."""
    settings = settings or HeaderSettings()
    if any(_DATA_CELL.search(text) for text in texts.values()):
        return None
    scored = {col: cell_to_field(text, settings) for col, text in texts.items()}
    by_field: dict[str, tuple[int, float]] = {}
    for col, (field, score) in scored.items():
        if field and (field not in by_field or score > by_field[field][1]):
            by_field[field] = (col, score)
    if len(by_field) < settings.min_header_fields:
        return None
    fields = {col: name for name, (col, _) in by_field.items()}
    unknown = {col: texts[col] for col in texts if col not in fields and fold(texts[col])}
    return HeaderMap(fields=fields, printed=dict(texts), unknown=unknown)


def header_by_elimination(header: HeaderMap) -> HeaderMap:
    """Given a header, return it with the column `field_by_elimination` names, if any."""
    found = field_by_elimination(header.fields, list(header.printed))
    if found is None:
        return header
    col, name = found
    unknown = {c: t for c, t in header.unknown.items() if c != col}
    return replace(
        header, fields={**header.fields, col: name}, unknown=unknown, guessed={col: name}
    )


def field_by_elimination(fields: dict[int, str], columns: list[int]) -> tuple[int, str] | None:
    """Given the fields a header's cells name, by column, and all its columns, return the
    column and field left when one required field is missing and one column no cell
    names stands where the plans print that field among the others (FIELD_KEYWORDS'
    order): a header cell OCR damaged past recognition ("Assegnatario obiettivo" read
    as "Obiettivo"); None otherwise."""
    missing = [f for f in REQUIRED_FIELDS if f not in fields.values()]
    if len(missing) != 1:
        return None
    order = list(FIELD_KEYWORDS)
    rank = order.index(missing[0])
    low = max((c for c, f in fields.items() if order.index(f) < rank), default=-1)
    high = min((c for c, f in fields.items() if order.index(f) > rank), default=len(columns))
    free = [c for c in columns if low < c < high and c not in fields]
    return (free[0], missing[0]) if len(free) == 1 else None


def is_relevance_header(texts: dict[int, str]) -> bool:
    """Given a row's cell texts, return True when it heads the "Rilevanza degli
    obiettivi" table: a cell as short as a header's names the relevance, and no cell
    holds data (a date, a bare number), as a plan row whose text says "rilevazione" does."""
    if any(_DATA_CELL.search(t) for t in texts.values()):
        return False
    return any(
        keyword_score(fold(t), k) >= DEFAULT_MIN_KEYWORD_SCORE
        for t in texts.values()
        if len(t) <= MAX_HEADER_CELL
        for k in RELEVANCE_KEYWORDS
    )


IDENTITY_FIELDS = ("number", "dup_raw", "deadline_raw")


# cells that name an objective: a row printing either is no continuation
OWNER_FIELDS = ("number", "assignee_raw")


def as_int(text: str) -> int | None:
    """Given a printed n. cell, return its number, or None when it holds none."""
    match = re.fullmatch(r"\D{0,2}(\d{1,3})\D{0,2}", text.strip())
    return int(match.group(1)) if match else None
