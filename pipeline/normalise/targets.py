"""Objectives to sub-targets: one row per target, with its weight and quantified threshold.

Where the targets are read from, first match wins:

1. the RISULTATO ATTESO cell, when it prints a weight ("Peso 50%", "(peso 40%)");
2. the INDICATORE cell, when the weights are printed there instead;
3. the DESCRIZIONE, when only it carries "peso N%" (each weighted clause is a target);
4. otherwise the result cell's paragraphs, or the indicator's when the result is empty.

Paragraphs (separated by "\\n") are targets; a paragraph holding several weights is cut
after each weight. A bare "(60%)" ending an item counts as a weight only when the same
cell also prints an explicit "peso", and not when another bracketed figure or a "peso"
follows it: "(100%) (-10% per ogni mese ritardo)" is an achievement score with a lateness
penalty, and "100%" or "almeno 70%" are targets, not weights (reference NOTES, §6).

Each target's threshold is read when the text states one: a comparison sign ("> 3,5",
"≥ 90%", "TT < 40"), a word ("almeno 200 alberi", "Min.10", "almeno il 2"), a count
("N. 2 Servizi") or a leading quantity ("100%", "3"). `operator` is one of `>`, `>=`,
`<`, `<=`, `=`; `unit` is "%" or the counted noun ("alberi", "servizi"), else null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.core.contract import TARGET_COLUMNS, TEXT_DTYPE
from pipeline.core.numbers import italian_number_to_float
from pipeline.core.quality import Finding

DEFAULT_WEIGHT_TOTAL = 100.0
DEFAULT_WEIGHT_TOLERANCE = 0.01

PERCENT_NUMBER = r"(\d{1,3}(?:[.,]\d+)?)\s*%"
EXPLICIT_WEIGHT = re.compile(
    r"\(?\s*\bpeso\b[\s:=]*(?:pari\s+al?\s+|del\s+)?" + PERCENT_NUMBER + r"\s*\)?", re.I
)


# a bare "(N%)" followed by another bracketed figure or a "peso" qualifies something else
BARE_WEIGHT = re.compile(
    r"\(\s*" + PERCENT_NUMBER + r"\s*\)(?![\s.;,:]*\(\s*[-+]?\s*\d|[\s.;,:]*\(?\s*peso\b)", re.I
)
BRACKETED_PERCENT = re.compile(r"\(\s*" + PERCENT_NUMBER + r"\s*\)")
SENTENCE_END = re.compile(r"[.;:!?]\s+")

NUMBER_WORDS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove": 9,
    "dieci": 10,
    "undici": 11,
    "dodici": 12,
    "quindici": 15,
    "venti": 20,
    "trenta": 30,
    "cinquanta": 50,
    "cento": 100,
}
QUANTITY = (
    r"(?P<num>\d+(?:[.,]\d+)*|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\b(?!\s*/\s*\d)\s*(?P<pct>%)?"
)
ARTICLE = r"(?:(?:il|lo|la|l['’]|i|gli|le|un|una)\s*)?"
COUNT_MARK = r"\bn(?:um(?:ero)?)?\s*[.°º]\s*"
SYMBOL_OPERATORS = {
    ">=": ">=",
    "=>": ">=",
    "≥": ">=",
    "<=": "<=",
    "=<": "<=",
    "≤": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
}
WORD_OPERATORS = {
    r"almeno": ">=",
    r"minimo": ">=",
    r"min": ">=",
    r"non\s+meno\s+di": ">=",
    r"non\s+inferiore\s+al?": ">=",
    r"massimo": "<=",
    r"max": "<=",
    r"non\s+oltre": "<=",
    r"non\s+più\s+di": "<=",
    r"non\s+superiore\s+al?": "<=",
    r"oltre": ">",
    r"più\s+di": ">",
    r"superiore\s+al?": ">",
    r"meno\s+di": "<",
    r"inferiore\s+al?": "<",
}
SYMBOL_THRESHOLD = re.compile(
    r"(?P<op>" + "|".join(re.escape(s) for s in SYMBOL_OPERATORS) + r")\s*" + QUANTITY, re.I
)
WORD_THRESHOLD = re.compile(
    r"\b(?P<op>"
    + "|".join(WORD_OPERATORS)
    + r")\b\.?\s*"
    + ARTICLE
    + f"(?:{COUNT_MARK})?"
    + QUANTITY,
    re.I,
)
COUNT_THRESHOLD = re.compile(COUNT_MARK + QUANTITY, re.I)
LEADING_THRESHOLD = re.compile(r"^\s*" + QUANTITY, re.I)
UNIT_WORD = re.compile(r"\s*(?:(?:di|dei|degli|delle|del|della)\s+)?([^\W\d_][\w'’-]*)")
NOT_UNITS = {
    "a", "al", "alla", "con", "da", "di", "e", "ed", "entro", "in", "nel", "nella", "o",
    "per", "su", "sul", "sulla", "tra", "fra", "rispetto", "dal", "dalla",
}  # fmt: skip
DATE_LIKE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,5}")


@dataclass(frozen=True)
class WeightMark:
    """A weight printed in a paragraph: where it stands and its value."""

    start: int
    end: int
    value: float
    explicit: bool


@dataclass(frozen=True)
class Threshold:
    """A quantified target: operator, value and unit (None when unitless)."""

    operator: str
    value: float
    unit: str | None


@dataclass(frozen=True)
class Target:
    """One sub-target of an objective."""

    text: str
    weight_pct: float | None
    threshold: Threshold | None
    source_field: str


def number_text_to_float(text: str) -> float | None:
    """Given a printed number ("3,5", "5.000,00", "dieci"), return its value, else None."""
    word = NUMBER_WORDS.get(text.lower())
    if word is not None:
        return float(word)
    if DATE_LIKE.fullmatch(text):
        return None
    return italian_number_to_float(text)


def paragraph_to_weight_marks(paragraph: str, allow_bare: bool) -> list[WeightMark]:
    """Given a paragraph, return its weights in order; bare "(N%)" only if `allow_bare`."""
    marks = [
        WeightMark(m.start(), m.end(), float(m.group(1).replace(",", ".")), True)
        for m in EXPLICIT_WEIGHT.finditer(paragraph)
    ]
    if allow_bare:
        taken = [(mark.start, mark.end) for mark in marks]
        for m in BARE_WEIGHT.finditer(paragraph):
            if not any(s <= m.start() < e for s, e in taken):
                value = float(m.group(1).replace(",", "."))
                marks.append(WeightMark(m.start(), m.end(), value, False))
    return sorted(marks, key=lambda mark: mark.start)


def cell_to_paragraphs(cell: str) -> list[str]:
    """Given a cell's text, return its non-empty paragraphs (split on "\\n"), stripped."""
    return [p.strip() for p in cell.split("\n") if p.strip()]


def cell_has_explicit_weight(cell: str) -> bool:
    """Given a cell's text, return whether it prints a "peso N%" anywhere."""
    return EXPLICIT_WEIGHT.search(cell) is not None


def cells_to_target_source(description: str, indicator: str, expected_result: str) -> str | None:
    """Given an objective's cells, return the field its targets are read from (or None)."""
    for field, cell in (
        ("expected_result", expected_result),
        ("indicator", indicator),
        ("description", description),
    ):
        if cell_has_explicit_weight(cell):
            return field
    if cell_to_paragraphs(expected_result):
        return "expected_result"
    if cell_to_paragraphs(indicator):
        return "indicator"
    return None


def paragraph_to_pieces(
    paragraph: str, marks: list[WeightMark], clauses_only: bool
) -> list[tuple[str, WeightMark | None]]:
    """Given a paragraph and its weights, return its targets' texts with their weights.

    One weight or none: the whole paragraph. Several: cut after each weight, anything
    after the last going with the last piece. With `clauses_only` (a description), only
    the clauses ending in a weight are kept, starting after the preceding sentence end.
    """
    if not marks:
        return [] if clauses_only else [(paragraph, None)]
    if len(marks) == 1 and not clauses_only:
        return [(paragraph, marks[0])]
    start = 0
    if clauses_only:
        ends = [m.end() for m in SENTENCE_END.finditer(paragraph, 0, marks[0].start)]
        start = ends[-1] if ends else 0
    pieces: list[tuple[str, WeightMark | None]] = []
    for mark in marks:
        pieces.append((paragraph[start : mark.end], mark))
        start = mark.end
    remainder = paragraph[start:]
    if not clauses_only and re.search(r"\w", remainder):
        last_text, last_mark = pieces[-1]
        pieces[-1] = (last_text + remainder, last_mark)
    return [(text.strip(" \t;,.:"), weight) for text, weight in pieces]


def text_to_threshold(text: str) -> Threshold | None:
    """Given a target's text (weights removed), return its quantified threshold, or None."""
    for pattern, fixed in (
        (SYMBOL_THRESHOLD, None),
        (WORD_THRESHOLD, None),
        (COUNT_THRESHOLD, "="),
        (LEADING_THRESHOLD, "="),
    ):
        for m in pattern.finditer(text):
            value = number_text_to_float(m.group("num"))
            unit = match_to_unit(m, text)
            if value is None:
                continue
            if pattern is LEADING_THRESHOLD and m.group("num").isalpha() and unit is None:
                continue  # "Uno per sede…" is a pronoun, "Tre servizi" a count
            if fixed is not None:
                operator = fixed
            elif pattern is SYMBOL_THRESHOLD:
                operator = SYMBOL_OPERATORS[m.group("op")]
            else:
                operator = word_to_operator(m.group("op"))
            return Threshold(operator, value, unit)
    return None


def word_to_operator(word: str) -> str:
    """Given a comparison word as printed ("Almeno", "non oltre"), return its operator."""
    spaced = " ".join(word.lower().split())
    for pattern, operator in WORD_OPERATORS.items():
        if re.fullmatch(pattern, spaced):
            return operator
    raise KeyError(word)


def match_to_unit(m: re.Match[str], text: str) -> str | None:
    """Given a quantity match and its text, return "%" or the counted noun after it."""
    if m.group("pct"):
        return "%"
    after = UNIT_WORD.match(text, m.end())
    if not after:
        return None
    word = after.group(1).lower().rstrip("-'’")
    return None if word in NOT_UNITS or not word else word


def text_without_weights(text: str) -> str:
    """Given a target's text, return it with its printed weights taken out."""
    text = EXPLICIT_WEIGHT.sub(" ", text)
    return BARE_WEIGHT.sub(" ", text).strip()


def objective_to_targets(
    description: str, indicator: str, expected_result: str
) -> tuple[list[Target], list[Finding]]:
    """Given an objective's description, indicator and result cells, return its targets.

    Findings (field `weight_pct` unless said): `bare_weight` (info) for a "(N%)" taken as
    a weight, `percentage_not_a_weight` (info) for a "(N%)" left out, `weight_out_of_range`
    (error), `weights_in_two_cells` (warning), `no_targets` (warning, field `targets`).
    """
    cells = {"description": description, "indicator": indicator, "expected_result": expected_result}
    source = cells_to_target_source(description, indicator, expected_result)
    findings: list[Finding] = []
    if source is None:
        findings.append(
            Finding("targets", "no_targets", "warning", None, None, "no result or indicator")
        )
        return [], findings
    cell = cells[source]
    allow_bare = cell_has_explicit_weight(cell)
    targets: list[Target] = []
    for paragraph in cell_to_paragraphs(cell):
        marks = paragraph_to_weight_marks(paragraph, allow_bare)
        findings += paragraph_to_percentage_findings(paragraph, marks, allow_bare)
        for text, mark in paragraph_to_pieces(paragraph, marks, source == "description"):
            weight = None if mark is None else mark.value
            if weight is not None and not 0 <= weight <= 100:
                findings.append(
                    Finding(
                        "weight_pct",
                        "weight_out_of_range",
                        "error",
                        text,
                        None,
                        f"weight {weight:g}% is outside 0–100; left out",
                    )
                )
                weight = None
            threshold = text_to_threshold(text_without_weights(text))
            targets.append(Target(text, weight, threshold, source))
    findings += other_cells_to_weight_findings(cells, source, targets)
    return targets, findings


def paragraph_to_percentage_findings(
    paragraph: str, marks: list[WeightMark], cell_weighted: bool
) -> list[Finding]:
    """Given a paragraph, the weights taken from it and whether its cell prints an explicit
    "peso", note each bare "(N%)" taken as a weight or left out, and why.
    """
    findings = []
    taken = {mark.start: mark for mark in marks}
    for m in BRACKETED_PERCENT.finditer(paragraph):
        mark = taken.get(m.start())
        if mark is not None and not mark.explicit:
            message = f"bare {m.group(0)!r} read as a weight: it stands beside weighted items"
            findings.append(
                Finding("weight_pct", "bare_weight", "info", paragraph, f"{mark.value:g}", message)
            )
        elif mark is None and not any(k.start <= m.start() < k.end for k in marks):
            why = "it qualifies the figure after it" if cell_weighted else "no item is weighted"
            message = f"{m.group(0)!r} is not read as a weight: {why}"
            findings.append(
                Finding("weight_pct", "percentage_not_a_weight", "info", paragraph, None, message)
            )
    return findings


def other_cells_to_weight_findings(
    cells: dict[str, str], source: str, targets: list[Target]
) -> list[Finding]:
    """Given the cells, the source used and its targets, flag other cells' differing weights."""
    chosen = [t.weight_pct for t in targets if t.weight_pct is not None]
    findings = []
    for field, cell in cells.items():
        if field == source or not cell_has_explicit_weight(cell):
            continue
        other = [
            mark.value
            for paragraph in cell_to_paragraphs(cell)
            for mark in paragraph_to_weight_marks(paragraph, allow_bare=True)
        ]
        if other != chosen:
            message = f"the {field} also prints weights {other}; the {source}'s {chosen} are used"
            findings.append(
                Finding("weight_pct", "weights_in_two_cells", "warning", cell, None, message)
            )
    return findings


def targets_to_weight_findings(
    targets: list[Target],
    total: float = DEFAULT_WEIGHT_TOTAL,
    tolerance: float = DEFAULT_WEIGHT_TOLERANCE,
) -> list[Finding]:
    """Given an objective's targets, flag weights not adding up to `total` and unweighted items."""
    weights = [t.weight_pct for t in targets if t.weight_pct is not None]
    if not weights:
        return []
    findings = []
    if abs(sum(weights) - total) > tolerance:
        message = f"weights {[f'{w:g}' for w in weights]} add up to {sum(weights):g}, not {total:g}"
        findings.append(
            Finding(
                "weight_pct",
                "weights_sum",
                "warning",
                " + ".join(f"{w:g}" for w in weights),
                f"{sum(weights):g}",
                message,
            )
        )
    unweighted = [t.text for t in targets if t.weight_pct is None]
    if unweighted:
        message = f"{len(unweighted)} of {len(targets)} targets have no weight beside weighted ones"
        findings.append(
            Finding("weight_pct", "weight_missing", "warning", "\n".join(unweighted), None, message)
        )
    return findings


def objective_cells_to_weights(
    description: str, indicator: str, expected_result: str
) -> list[float]:
    """Given an objective's description, indicator and result cells, return its weights in order."""
    targets, _ = objective_to_targets(description, indicator, expected_result)
    return [t.weight_pct for t in targets if t.weight_pct is not None]


def objectives_to_targets(
    objectives: pd.DataFrame,
    total: float = DEFAULT_WEIGHT_TOTAL,
    tolerance: float = DEFAULT_WEIGHT_TOLERANCE,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Given objectives (revision, objective_id, description, indicator, expected_result,
    page_first), return targets.parquet's frame and the findings, tied to their objective.
    """
    rows: list[dict[str, object]] = []
    findings: list[Finding] = []
    for obj in objectives.itertuples(index=False):
        targets, found = objective_to_targets(
            str(obj.description), str(obj.indicator), str(obj.expected_result)
        )
        found += targets_to_weight_findings(targets, total, tolerance)
        page = int(obj.page_first) if pd.notna(obj.page_first) else None
        findings += [replace(f, objective_id=obj.objective_id, page=page) for f in found]
        for seq, target in enumerate(targets, start=1):
            threshold = target.threshold
            rows.append(
                {
                    "revision": obj.revision,
                    "objective_id": obj.objective_id,
                    "target_seq": seq,
                    "text": target.text,
                    "weight_pct": target.weight_pct,
                    "operator": threshold.operator if threshold else None,
                    "value": threshold.value if threshold else None,
                    "unit": threshold.unit if threshold else None,
                    "source_field": target.source_field,
                }
            )
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    return targets_frame_to_dtypes(frame), findings


def targets_frame_to_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Given a targets frame, return it with targets.parquet's dtypes."""
    typed = frame.copy()
    for col in ("revision", "objective_id", "text", "operator", "unit", "source_field"):
        typed[col] = typed[col].astype(TEXT_DTYPE)
    typed["target_seq"] = typed["target_seq"].astype("int64")
    typed["weight_pct"] = typed["weight_pct"].astype("Float64")
    typed["value"] = typed["value"].astype("Float64")
    return typed
