"""Objectives to sub-targets: one row per target, with its weight and quantified threshold.

A sub-target is one item of the plan's expected result, or of the indicator where the
weights are printed there: one weighted share ("Peso 50%", "(40%)", "peso 30 %",
"(P. 30%)"), or, where nothing is weighted, one item as the plan lists it
(`pipeline.normalise.items`: numbered or bulleted items, sentences, thresholds such as
"> 3,5" or "almeno 200"). A printed line is never a target by itself: a lone date, a
lone "entro il …" or a lower-case continuation belong to the item before. Lateness
rules ("-10% ogni mese ritardo") are rules of the objective
(`pipeline.normalise.penalties`), taken out of the texts first.

Where the targets are read from, first match wins (`source_field`):

1. the RISULTATO ATTESO cell, when it prints weights;
2. the INDICATORE cell, when the weights are printed there instead;
3. the DESCRIZIONE, when only it carries weights (each weighted clause is a target);
4. otherwise the result cell's items, or the indicator's when the result is empty.

A cell prints weights when it has an explicit "peso N%" (or "(P. N%)"); a bare "(N%)"
then counts as a weight too, unless another bracketed figure or a "peso" follows it:
"(100%) (peso 80%)" is an achievement score inside a weighted item, and "100%" or
"almeno 70%" are targets, not weights (reference NOTES, §6). Without an explicit weight,
bare "(N%)" closing two or more items are weights only when they add up to 100. In a
weighted cell each weight closes its item (or opens it, when the cell starts with one);
text after the last weight is one more, unweighted, target unless it carries on the
last item.

Each target is paired with the indicator and result items it stands for where both cells
list as many items as there are targets (`indicator_text`, `result_text`).

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
from pipeline.normalise.items import (
    CellText,
    cell_text_to_items,
    cell_to_cell_text,
    clause_end,
    span_to_item,
    text_goes_on,
)
from pipeline.normalise.penalties import text_to_penalty_clauses, text_without_penalty_clauses

DEFAULT_WEIGHT_TOTAL = 100.0
DEFAULT_WEIGHT_TOLERANCE = 0.01

PERCENT_NUMBER = r"(\d{1,3}(?:[.,]\d+)?)\s*%"
EXPLICIT_WEIGHT = re.compile(
    r"\(\s*p\.\s*" + PERCENT_NUMBER + r"\s*\)"
    r"|\(?\s*\bpeso(?![^\W\d_])[\s:=]*(?:pari\s+al?\s+|del\s+)?" + PERCENT_NUMBER + r"\s*\)?",
    re.I,
)


# a bare "(N%)" followed by another bracketed figure or a "peso" qualifies something else
BARE_WEIGHT = re.compile(
    r"\(\s*" + PERCENT_NUMBER + r"\s*\)(?![\s.;,:]*\(\s*[-+]?\s*\d|[\s.;,:]*\(?\s*peso\b)", re.I
)
BRACKETED_PERCENT = re.compile(r"\(\s*" + PERCENT_NUMBER + r"\s*\)")
SENTENCE_END = re.compile(r"[.;:!?]\s+")
PIECE_EDGE = " \t;,.:"
LEADING_ITEM_MARK = re.compile(r"^[\s\-–—•▪·*◦●]*(?:(?:\d{1,2}[.)]|[a-z]\))\s*)?", re.I)

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
    """A weight printed in a cell: where it stands and its value."""

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
class Piece:
    """One item of a cell: where it stands in the cell's squashed text, its weight and its
    text without lateness clauses."""

    start: int
    end: int
    mark: WeightMark | None
    text: str = ""


@dataclass(frozen=True)
class Target:
    """One sub-target of an objective, with the indicator and result items it pairs with."""

    text: str
    weight_pct: float | None
    threshold: Threshold | None
    source_field: str
    indicator_text: str | None = None
    result_text: str | None = None


def match_to_percent(m: re.Match[str]) -> float:
    """Given a weight or percentage match, return its number ("40,5" → 40.5)."""
    return float(next(g for g in m.groups() if g is not None).replace(",", "."))


def text_to_weight_marks(text: str, allow_bare: bool) -> list[WeightMark]:
    """Given a text, return its weights in order; bare "(N%)" only if `allow_bare`."""
    marks = [
        WeightMark(m.start(), m.end(), match_to_percent(m), True)
        for m in EXPLICIT_WEIGHT.finditer(text)
    ]
    if allow_bare:
        taken = [(mark.start, mark.end) for mark in marks]
        for m in BARE_WEIGHT.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                marks.append(WeightMark(m.start(), m.end(), match_to_percent(m), False))
    return sorted(marks, key=lambda mark: mark.start)


def cell_has_explicit_weight(cell: str) -> bool:
    """Given a cell's text, return whether it prints a "peso N%" anywhere."""
    return EXPLICIT_WEIGHT.search(cell) is not None


def cell_has_bare_weights(
    cell: str, total: float = DEFAULT_WEIGHT_TOTAL, tolerance: float = DEFAULT_WEIGHT_TOLERANCE
) -> bool:
    """Given a cell's text without an explicit weight, return whether its bare "(N%)" are
    weights all the same: two or more of them, adding up to `total`."""
    values = [match_to_percent(m) for m in BARE_WEIGHT.finditer(cell)]
    return len(values) >= 2 and abs(sum(values) - total) <= tolerance


def cell_is_weighted(cell: str) -> bool:
    """Given a cell's text, return whether it prints weights (explicit, or bare adding up)."""
    return cell_has_explicit_weight(cell) or cell_has_bare_weights(cell)


def cell_to_paragraphs(cell: str) -> list[str]:
    """Given a cell's text, return its non-empty printed lines (split on "\\n"), stripped."""
    return [p.strip() for p in cell.split("\n") if p.strip()]


def cells_to_target_source(description: str, indicator: str, expected_result: str) -> str | None:
    """Given an objective's cells, return the field its targets are read from (or None)."""
    cells = (
        ("expected_result", expected_result),
        ("indicator", indicator),
        ("description", description),
    )
    for weighted in (cell_has_explicit_weight, cell_has_bare_weights):
        for field, cell in cells:
            if weighted(cell):
                return field
    if cell_to_paragraphs(expected_result):
        return "expected_result"
    if cell_to_paragraphs(indicator):
        return "indicator"
    return None


def cell_to_text(cell: str) -> CellText:
    """Given a cell as extracted, return its CellText, its lateness clauses attached to the
    item before them."""
    text = cell_to_cell_text(cell)
    spans = tuple((c.start, c.end) for c in text_to_penalty_clauses(text.text))
    return replace(text, attached=spans)


def cell_to_pieces(cell: CellText, clauses_only: bool = False) -> list[Piece]:
    """Given a cell's text, return its items: one per weight in a weighted cell (with the
    unweighted items after the last), else one per item it lists. With `clauses_only` (a
    description), only the clauses ending in a weight. Each piece's text leaves out the
    lateness clauses; a piece with nothing else is left out."""
    pieces = [
        replace(p, text=piece_text)
        for p in cell_to_spans(cell, clauses_only)
        if (piece_text := text_without_rules(cell.text[p.start : p.end]))
    ]
    return pieces


def cell_to_spans(cell: CellText, clauses_only: bool) -> list[Piece]:
    """Given a cell's text, return where its items stand and their weights (`cell_to_pieces`)."""
    text = cell.text
    marks = text_to_weight_marks(text, cell_is_weighted(text))
    if not marks:
        if clauses_only:
            return []
        return [Piece(s, e, None) for s, e in cell_text_to_items(cell)]
    if clauses_only:
        return description_to_pieces(text, marks)
    if not re.search(r"\w", LEADING_ITEM_MARK.sub("", text[: marks[0].start])):
        return leading_weights_to_pieces(text, marks)
    return trailing_weights_to_pieces(cell, marks)


def text_without_rules(text: str) -> str:
    """Given an item's text, return it without lateness clauses, white space squashed and
    no separators at its end; "" when nothing is left."""
    rest = " ".join(text_without_penalty_clauses(text).split()).rstrip(" ;,:")
    return rest if any(c.isalnum() for c in rest) else ""


def description_to_pieces(text: str, marks: list[WeightMark]) -> list[Piece]:
    """Given a description and its weights, return the clauses ending in a weight: from the
    sentence end before the first weight, then from weight to weight."""
    ends = [m.end() for m in SENTENCE_END.finditer(text, 0, marks[0].start)]
    start = ends[-1] if ends else 0
    pieces = []
    for mark in marks:
        pieces.append(piece_between(text, start, mark.end, mark))
        start = mark.end
    return [p for p in pieces if p is not None]


def leading_weights_to_pieces(text: str, marks: list[WeightMark]) -> list[Piece]:
    """Given a text whose items open with their weight ("Peso 50%: relazione …") and its
    weights, return one piece from each weight to the next."""
    starts = [0] + [list_mark_start(text, m.start) for m in marks[1:]]
    ends = [*starts[1:], len(text)]
    pieces = [piece_between(text, s, e, m) for s, e, m in zip(starts, ends, marks, strict=True)]
    return [p for p in pieces if p is not None]


def list_mark_start(text: str, position: int) -> int:
    """Given a text and where a weight opens an item, return where the item's list mark
    ("2.", "-", "•") before it starts, or the position itself."""
    m = re.search(r"(?:^|\s)((?:[\-–—•▪·*◦●]|\d{1,2}[.)]|[a-z]\))\s*)$", text[:position])
    return m.start(1) if m else position


def trailing_weights_to_pieces(cell: CellText, marks: list[WeightMark]) -> list[Piece]:
    """Given a cell whose items end with their weight and its weights, return one piece up
    to each weight; where the text after a weight carries on its item (lower case, a
    bracket, a date), the cut moves to the next clause end before the next weight. What
    follows the last weight is a continuation of its item, then unweighted items."""
    text = cell.text
    pieces: list[Piece] = []
    start = 0
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = mark.end
        if following is not None and text_goes_on(text[end : following.start]):
            end = clause_end(text, end, following.start) or end
        if following is None:
            end = trailing_continuation_end(cell, end)
        piece = piece_between(text, start, end, mark)
        if piece is not None:
            pieces.append(piece)
        start = end
    offset, rest = cell.part(start, len(text))
    pieces += [Piece(offset + s, offset + e, None) for s, e in cell_text_to_items(rest)]
    return pieces


def trailing_continuation_end(cell: CellText, end: int) -> int:
    """Given a cell and the end of its last weight, return where the last weighted item
    ends: after the first item of the text that follows when that text carries it on."""
    after = cell.text[end:]
    if not text_goes_on(after):
        return end
    offset, rest = cell.part(end, len(cell.text))
    items = cell_text_to_items(rest)
    return offset + items[0][1] if items else len(cell.text)


def piece_between(text: str, start: int, end: int, mark: WeightMark | None) -> Piece | None:
    """Given a text, offsets and a weight, return the piece between them without list
    marks or separators at its edges; None when no word is left."""
    span = span_to_item(text, start, end)
    if span is None:
        return None
    s, e = span
    while e > s and text[e - 1] in PIECE_EDGE:
        e -= 1
    return Piece(s, e, mark)


def number_text_to_float(text: str) -> float | None:
    """Given a printed number ("3,5", "5.000,00", "dieci"), return its value, else None."""
    word = NUMBER_WORDS.get(text.lower())
    if word is not None:
        return float(word)
    if DATE_LIKE.fullmatch(text):
        return None
    return italian_number_to_float(text)


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
    raw = {"description": description, "indicator": indicator, "expected_result": expected_result}
    source = cells_to_target_source(description, indicator, expected_result)
    findings: list[Finding] = []
    if source is None:
        findings.append(
            Finding("targets", "no_targets", "warning", None, None, "no result or indicator")
        )
        return [], findings
    cells = {field: cell_to_text(cell) for field, cell in raw.items()}
    cell = cells[source]
    pieces = cell_to_pieces(cell, clauses_only=source == "description")
    findings += pieces_to_percentage_findings(cell.text, pieces)
    paired = {
        field: cell_to_paired_items(cells[field], len(pieces))
        for field in ("indicator", "expected_result")
    }
    targets: list[Target] = []
    for index, piece in enumerate(pieces):
        text = piece.text
        weight = None if piece.mark is None else piece.mark.value
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
        pairs = {field: items[index] if items else None for field, items in paired.items()}
        targets.append(
            Target(
                text,
                weight,
                text_to_threshold(text_without_weights(text)),
                source,
                indicator_text=pairs["indicator"],
                result_text=pairs["expected_result"],
            )
        )
    findings += other_cells_to_weight_findings(cells, source, targets)
    return targets, findings


def cell_to_paired_items(cell: CellText, count: int) -> list[str]:
    """Given an indicator or result cell and the number of targets, return the cell's items
    that pair with them one to one: the whole cell for a single target, the items when
    the cell lists as many, else none."""
    if not cell.text:
        return []
    if count == 1:
        whole = text_without_rules(cell.text)
        return [whole] if whole else []
    items = [p.text for p in cell_to_pieces(cell)]
    return items if len(items) == count else []


def pieces_to_percentage_findings(text: str, pieces: list[Piece]) -> list[Finding]:
    """Given a cell's text and its pieces, note each bare "(N%)" taken as a weight or left
    out, and why."""
    weighted = cell_is_weighted(text)
    marks = [p.mark for p in pieces if p.mark is not None]
    findings = []
    for piece in pieces:
        item = piece.text
        for m in BRACKETED_PERCENT.finditer(text, piece.start, piece.end):
            mark = next((k for k in marks if k.start == m.start()), None)
            if mark is not None and not mark.explicit:
                message = f"bare {m.group(0)!r} read as a weight: it stands beside weighted items"
                findings.append(
                    Finding("weight_pct", "bare_weight", "info", item, f"{mark.value:g}", message)
                )
            elif mark is None and not any(k.start <= m.start() < k.end for k in marks):
                why = "it qualifies the figure after it" if weighted else "no item is weighted"
                message = f"{m.group(0)!r} is not read as a weight: {why}"
                findings.append(
                    Finding("weight_pct", "percentage_not_a_weight", "info", item, None, message)
                )
    return findings


def other_cells_to_weight_findings(
    cells: dict[str, CellText], source: str, targets: list[Target]
) -> list[Finding]:
    """Given the cells, the source used and its targets, flag other cells' differing weights."""
    chosen = [t.weight_pct for t in targets if t.weight_pct is not None]
    findings = []
    for field, cell in cells.items():
        if field == source or not cell_has_explicit_weight(cell.text):
            continue
        other = [mark.value for mark in text_to_weight_marks(cell.text, allow_bare=True)]
        if other != chosen:
            message = f"the {field} also prints weights {other}; the {source}'s {chosen} are used"
            findings.append(
                Finding("weight_pct", "weights_in_two_cells", "warning", cell.text, None, message)
            )
    return findings


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
                    "indicator_text": target.indicator_text,
                    "result_text": target.result_text,
                }
            )
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    return targets_frame_to_dtypes(frame), findings


def targets_frame_to_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Given a targets frame, return it with targets.parquet's dtypes."""
    typed = frame.copy()
    for col in (
        "revision", "objective_id", "text", "operator", "unit", "source_field",
        "indicator_text", "result_text",
    ):  # fmt: skip
        typed[col] = typed[col].astype(TEXT_DTYPE)
    typed["target_seq"] = typed["target_seq"].astype("int64")
    typed["weight_pct"] = typed["weight_pct"].astype("Float64")
    typed["value"] = typed["value"].astype("Float64")
    return typed
