"""Printed sector and assignee labels to canonical keys, against `data/registry.yaml`.

A label is first compared exactly, ignoring case, accents, apostrophes, punctuation,
spacing and a leading office word ("Ufficio", "Settore", "Area"); that gives no
finding. Otherwise every key is scored with rapidfuzz and the best key is kept when it
scores at least `min_score` and beats the next key by `min_margin`, with a `warning`
finding naming the raw text and the score; else nothing is kept and an `error` finding
lists the three closest keys. Nothing is guessed silently.

The score of a label against one printed form of a key is the best of:

- `fuzz.ratio` of the normal forms (character level: catches "SERVIZI SOCIAL1"),
- `fuzz.token_sort_ratio` (the same words in another order),
- the mean of `fuzz.ratio` on the normal forms and on their *glyph forms*, where letters
  OCR confuses are folded into one class (I/L/T/1, O/0/D/R/B, ...). Averaging keeps the
  letters' identity in play, so "TDIDLIT" is close to "TRIBUTI" (71) but a word that
  merely has the same outline as another does not score 100.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from pipeline.core.errors import NormalisationError
from pipeline.core.quality import Finding
from pipeline.core.text import text_to_glyph_form
from pipeline.core.yamlfile import yaml_text_to_data

Kind = Literal["sector", "assignee"]
KINDS: tuple[Kind, ...] = ("sector", "assignee")

DEFAULT_MIN_LABEL_SCORE = 65.0
DEFAULT_MIN_LABEL_MARGIN = 8.0
CLOSEST_KEYS_SHOWN = 3


# office words printed before a unit's name that say nothing about which unit it is
LEADING_OFFICE_WORDS = ("UFFICIO", "UFF", "SETTORE", "AREA", "SERVIZIO DI", "U O")


# separators between the names of several units in one block title ("CULTURA - SPORT")
TITLE_PART_SEPARATORS = re.compile(r"\s+[-–—]\s+|\s*[/,;+]\s*")


@dataclass(frozen=True)
class RegistryEntry:
    """One canonical key: its display name, kind, sector and printed aliases."""

    key: str
    name: str
    kind: Kind
    sector: str | None
    aliases: tuple[str, ...]

    def forms(self) -> tuple[str, ...]:
        """Given an entry, return every printed form it answers to, in normal form."""
        return texts_to_normal_forms((self.key.replace("_", " "), self.name, *self.aliases))


@dataclass(frozen=True)
class Registry:
    """The canonical keys, in registry order."""

    entries: tuple[RegistryEntry, ...]

    def entry(self, key: str) -> RegistryEntry:
        """Given a key, return its entry (KeyError when unknown)."""
        for entry in self.entries:
            if entry.key == key:
                return entry
        raise KeyError(key)

    def keys(self, kinds: tuple[Kind, ...] = KINDS) -> tuple[str, ...]:
        """Given kinds, return the keys of those kinds in registry order."""
        return tuple(e.key for e in self.entries if e.kind in kinds)

    def sector_of(self, key: str) -> str | None:
        """Given a key, return the sector it belongs to (None when cross-cutting)."""
        return self.entry(key).sector


@dataclass(frozen=True)
class LabelMatch:
    """How one printed label matched the registry.

    `key` is None when nothing matched well enough; `closest` holds the best
    `CLOSEST_KEYS_SHOWN` keys with their scores, best first.
    """

    raw: str
    key: str | None
    score: float
    exact: bool
    closest: tuple[tuple[str, float], ...]

    def closest_text(self) -> str:
        """Given a match, return its closest keys as `key (score), ...`."""
        return ", ".join(f"{key} ({score:.0f})" for key, score in self.closest)


def yaml_to_registry(text: str, file: str = "registry.yaml") -> Registry:
    """Given the text of a registry YAML file, return the validated `Registry`."""
    document = yaml_text_to_data(text, file, NormalisationError)
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise NormalisationError("registry: expected a mapping with a list under 'entries'")
    entries = tuple(mapping_to_registry_entry(item) for item in document["entries"])
    check_registry(entries)
    return Registry(entries)


def mapping_to_registry_entry(item: object) -> RegistryEntry:
    """Given one YAML mapping of the registry, return its `RegistryEntry`."""
    if not isinstance(item, dict):
        raise NormalisationError("registry: every entry must be a mapping", value=str(item))
    missing = {"key", "name", "kind", "sector", "aliases"} - set(item)
    if missing:
        raise NormalisationError(
            f"registry: entry lacks {sorted(missing)}", value=str(item.get("key"))
        )
    kind = item["kind"]
    if kind not in KINDS:
        raise NormalisationError(f"registry: kind must be one of {KINDS}", value=str(kind))
    aliases = item["aliases"] or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise NormalisationError("registry: aliases must be a list of strings", value=item["key"])
    return RegistryEntry(
        key=str(item["key"]),
        name=str(item["name"]),
        kind=kind,
        sector=None if item["sector"] is None else str(item["sector"]),
        aliases=tuple(aliases),
    )


def check_registry(entries: tuple[RegistryEntry, ...]) -> None:
    """Given registry entries, raise `NormalisationError` when they contradict each other."""
    keys = [e.key for e in entries]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise NormalisationError(f"registry: duplicate keys {duplicates}")
    sectors = {e.key for e in entries if e.kind == "sector"}
    owner: dict[str, str] = {}
    for entry in entries:
        if entry.kind == "sector" and entry.sector != entry.key:
            raise NormalisationError("registry: a sector's sector must be itself", value=entry.key)
        if entry.sector is not None and entry.sector not in sectors:
            raise NormalisationError(
                f"registry: {entry.key} belongs to unknown sector", value=entry.sector
            )
        for form in entry.forms():
            if owner.setdefault(form, entry.key) != entry.key:
                raise NormalisationError(
                    f"registry: form {form!r} names both {owner[form]} and {entry.key}"
                )


@lru_cache(maxsize=8)
def load_registry(path: str | None = None) -> Registry:
    """Given a registry file path (None: the bundled one), return the `Registry`."""
    if path is None:
        text = (
            resources.files("pipeline.normalise").joinpath("data/registry.yaml").read_text("utf-8")
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    return yaml_to_registry(text, path or "registry.yaml")


def label_to_normal_form(label: str) -> str:
    """Given a printed label, return it upper-cased, unaccented, one space between words."""
    decomposed = unicodedata.normalize("NFKD", label)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    plain = re.sub(r"['’`´]", "", plain)
    words = re.sub(r"[^A-Z0-9|!]+", " ", plain).split()
    text = " ".join(words)
    for office in LEADING_OFFICE_WORDS:
        if text.startswith(office + " ") and len(text) > len(office) + 1:
            return text[len(office) + 1 :]
    return text


@lru_cache(maxsize=256)
def texts_to_normal_forms(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Given printed labels, return their distinct normal forms in order."""
    return tuple(dict.fromkeys(label_to_normal_form(text) for text in texts))


def normal_form_to_glyph_form(text: str) -> str:
    """Given a label in normal form, return it with OCR-confusable letters folded."""
    return text_to_glyph_form(text)


def normal_forms_to_score(label: str, form: str) -> float:
    """Given two labels in normal form, return their similarity, 0–100."""
    plain = fuzz.ratio(label, form)
    glyph = fuzz.ratio(normal_form_to_glyph_form(label), normal_form_to_glyph_form(form))
    return max(plain, fuzz.token_sort_ratio(label, form), (plain + glyph) / 2)


@lru_cache(maxsize=4096)
def label_to_match(
    label: str,
    registry: Registry,
    kinds: tuple[Kind, ...] = KINDS,
    min_score: float = DEFAULT_MIN_LABEL_SCORE,
    min_margin: float = DEFAULT_MIN_LABEL_MARGIN,
) -> LabelMatch:
    """Given a printed label, return its `LabelMatch` among the registry keys of `kinds`."""
    normal = label_to_normal_form(label)
    candidates = [e for e in registry.entries if e.kind in kinds]
    for entry in candidates:
        if normal and normal in entry.forms():
            return LabelMatch(label, entry.key, 100.0, True, ((entry.key, 100.0),))
    scored = sorted(
        (
            (max(normal_forms_to_score(normal, form) for form in entry.forms()), entry.key)
            for entry in candidates
        ),
        key=lambda pair: -pair[0],
    )
    closest = tuple((key, round(score, 1)) for score, key in scored[:CLOSEST_KEYS_SHOWN])
    if not normal or not scored:
        return LabelMatch(label, None, 0.0, False, closest)
    best_score, best_key = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score < min_score or best_score - runner_up < min_margin:
        return LabelMatch(label, None, round(best_score, 1), False, closest)
    return LabelMatch(label, best_key, round(best_score, 1), False, closest)


def title_to_match(
    title: str,
    registry: Registry,
    min_score: float = DEFAULT_MIN_LABEL_SCORE,
    min_margin: float = DEFAULT_MIN_LABEL_MARGIN,
) -> LabelMatch:
    """Given a block title, return the match of the whole title or of its named units.

    A title can name several units of one sector ("CULTURA - SPORT"): when the whole
    title matches no key, each part between separators is matched, and the title takes
    the sector key they all belong to.
    """
    whole = label_to_match(title, registry, KINDS, min_score, min_margin)
    parts = [p for p in TITLE_PART_SEPARATORS.split(title) if p.strip()]
    if whole.exact or len(parts) < 2:
        return whole
    matches = [label_to_match(p, registry, KINDS, min_score, min_margin) for p in parts]
    sectors = {registry.sector_of(m.key) if m.key else "" for m in matches}
    if len(sectors) == 1 and "" not in sectors:
        sector = sectors.pop()
        if sector is not None:
            exact = all(m.exact for m in matches)
            score = min(m.score for m in matches)
            return LabelMatch(title, sector, score, exact, ((sector, score),))
    return whole


def match_to_findings(match: LabelMatch, field: str, page: int | None) -> list[Finding]:
    """Given a label match, return its finding: none if exact, warning if fuzzy, else error."""
    if match.exact:
        return []
    if match.key is not None:
        return [
            Finding(
                field=field,
                rule="label_fuzzy_match",
                severity="warning",
                raw_value=match.raw,
                normalised_value=match.key,
                message=(
                    f"{match.raw!r} read as {match.key!r} by fuzzy match, score "
                    f"{match.score:.0f}; closest keys: {match.closest_text()}"
                ),
                page=page,
            )
        ]
    return [
        Finding(
            field=field,
            rule="label_unmatched",
            severity="error",
            raw_value=match.raw,
            normalised_value=None,
            message=(f"{match.raw!r} matches no key clearly; closest keys: {match.closest_text()}"),
            page=page,
        )
    ]


def label_to_key(
    label: str,
    registry: Registry,
    field: str,
    page: int | None = None,
    kinds: tuple[Kind, ...] = KINDS,
    min_score: float = DEFAULT_MIN_LABEL_SCORE,
    min_margin: float = DEFAULT_MIN_LABEL_MARGIN,
) -> tuple[str | None, list[Finding]]:
    """Given a printed label, return its canonical key (None if unmatched) and findings."""
    match = label_to_match(label, registry, kinds, min_score, min_margin)
    return match.key, match_to_findings(match, field, page)
