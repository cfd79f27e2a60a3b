"""Render a `PlanDiff` as the markdown memo an office pastes into a note (`diff.md`).

Only renders: every fact comes from the `PlanDiff`. The memo is in Italian, for the
offices that read it; field names are the printed column headers of the plan.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from pipeline.diff.compare import PlanDiff, value_to_text

# field -> label: the plan's own column headers
FIELD_LABELS = {
    "number": "n.",
    "assignee_raw": "Assegnatario obiettivo",
    "assignee": "Assegnatario (chiave)",
    "dup_raw": "DUP",
    "subject": "OGGETTO",
    "description": "DESCRIZIONE",
    "indicator": "INDICATORE PERFORMANCE",
    "expected_result": "RISULTATO ATTESO",
    "deadline_raw": "TEMPI STABILITI",
    "deadline": "Scadenza (data)",
    "status": "Stato",
}
TARGET_FIELD_LABELS = {
    "text": "testo",
    "weight_pct": "peso %",
    "operator": "operatore",
    "value": "valore",
    "unit": "unità",
}


# fields shown for an added or removed objective
SHOWN_FIELDS = ("subject", "description", "indicator", "expected_result", "deadline_raw")
STATUS_LABELS = {"active": "attivo", "suspended": "sospeso", "postponed": "rinviato"}


# a normalised field repeats its printed cell: shown only when the printed cell is unchanged
PRINTED_CELL_OF = {"deadline": "deadline_raw", "assignee": "assignee_raw"}
CHANGE_LABELS = {
    "added": "aggiunto",
    "removed": "eliminato",
    "modified": "modificato",
    "renumbered": "rinumerato",
}
CROSS_CUTTING_LABEL = "Obiettivi trasversali"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|<>#])")
LINE_BREAK = "  \n"  # a markdown hard line break


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def value_to_plain_text(value: object) -> str:
    """Given a cell's value, return it as text: "" for any missing value (None, NaN, or
    pandas' NA, which has no truth value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    return str(value)


def text_to_markdown(text: object) -> str:
    """Given plain text, return it with markdown's special characters escaped and its
    line breaks (separate items of a cell) kept as markdown line breaks."""
    text = value_to_plain_text(text)
    if not text:
        return "—"
    lines = [_escape(" ".join(line.split())) for line in text.split("\n")]
    return LINE_BREAK.join(line for line in lines if line)


def words_to_markdown_diff(old: object, new: object) -> str:
    """Given an old and a new text, return the new text with word-level highlights:
    ~~removed words~~ struck through, **added words** in bold, unchanged words plain.

    Words are compared as whitespace-separated tokens, so re-wrapping is not a change;
    the new text's item breaks ("\n") are kept as markdown line breaks.
    """
    old_words = value_to_plain_text(old).split()
    new_lines = [line.split() for line in value_to_plain_text(new).split("\n")]
    new_words = [word for line in new_lines for word in line]
    line_starts, count = set(), 0
    for line in new_lines:
        if line and count:
            line_starts.add(count)
        count += len(line)

    out: list[str] = []

    def emit(text: str, starts_line: bool) -> None:
        if out:
            out.append(LINE_BREAK if starts_line else " ")
        out.append(text)

    def new_span(j1: int, j2: int) -> str:
        pieces: list[list[str]] = [[]]
        for j in range(j1, j2):
            if j in line_starts and pieces[-1]:
                pieces.append([])
            pieces[-1].append(new_words[j])
        return LINE_BREAK.join(_escape(" ".join(piece)) for piece in pieces)

    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            emit(f"~~{_escape(' '.join(old_words[i1:i2]))}~~", False)
        if tag == "equal":
            emit(new_span(j1, j2), j1 in line_starts)
        elif tag in ("insert", "replace"):
            emit(f"**{new_span(j1, j2)}**", j1 in line_starts)
    return "".join(out) or "—"


def _sector_label(diff: PlanDiff, sector: Any) -> str:
    if sector is None or pd.isna(sector):
        return CROSS_CUTTING_LABEL
    return diff.sector_labels.get(str(sector), str(sector))


def _sectors(frame: pd.DataFrame) -> list[Any]:
    """Sectors in row order, null (the cross-cutting block) kept as None."""
    return list(dict.fromkeys(None if pd.isna(s) else s for s in frame["sector"]))


def _same_sector(frame: pd.DataFrame, sector: Any) -> pd.DataFrame:
    mask = frame["sector"].isna() if sector is None else frame["sector"] == sector
    return frame[mask.fillna(False).astype(bool)]


def diff_to_counts(diff: PlanDiff) -> pd.DataFrame:
    """Given a `PlanDiff`, return per sector (in `pairs` order) the number of objectives
    before and after and how many were added, removed, modified and renumbered:
    columns sector, old, new, added, removed, modified, renumbered."""
    rows = []
    for sector in _sectors(diff.pairs):
        pairs = _same_sector(diff.pairs, sector)
        changes = _same_sector(diff.objectives, sector)
        keys = changes["old_objective_id"].fillna("") + "→" + changes["new_objective_id"].fillna("")
        row = {
            "sector": sector,
            "old": int(pairs["old_objective_id"].notna().sum()),
            "new": int(pairs["new_objective_id"].notna().sum()),
        }
        for change in CHANGE_LABELS:
            row[change] = int(keys[changes["change"] == change].nunique())
        rows.append(row)
    return pd.DataFrame(rows, columns=["sector", "old", "new", *CHANGE_LABELS])


def _counts_to_lines(diff: PlanDiff) -> list[str]:
    counts = diff_to_counts(diff)
    lines = [
        "| Settore | Obiettivi prima | Obiettivi dopo | Aggiunti | Eliminati | Modificati "
        "| Rinumerati |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in counts.itertuples(index=False):
        lines.append(
            f"| {text_to_markdown(_sector_label(diff, row.sector))} | {row.old} | {row.new} "
            f"| {row.added} | {row.removed} | {row.modified} | {row.renumbered} |"
        )
    total = counts.drop(columns="sector").sum()
    lines.append(
        f"| **Totale** | {total['old']} | {total['new']} | {total['added']} "
        f"| {total['removed']} | {total['modified']} | {total['renumbered']} |"
    )
    return lines


def _sector_weights_to_lines(diff: PlanDiff) -> list[str]:
    if diff.sector_weights.empty:
        return ["Nessuna variazione."]
    lines = ["| Settore | Prima | Dopo |", "| --- | ---: | ---: |"]
    for row in diff.sector_weights.itertuples(index=False):
        label = row.new_label if not pd.isna(row.new_label) else row.old_label
        old_pct = "—" if pd.isna(row.old_pct) else f"{value_to_text(row.old_pct)}%"
        new_pct = "—" if pd.isna(row.new_pct) else f"{value_to_text(row.new_pct)}%"
        if not pd.isna(row.old_label) and not pd.isna(row.new_label):
            label = words_to_markdown_diff(row.old_label, row.new_label)
        else:
            label = text_to_markdown(label)
        lines.append(f"| {label} | {old_pct} | {new_pct} |")
    return lines


def _heading(rows: pd.DataFrame) -> str:
    """`n. 8 — Subject (modificato)`; a renumbering shows both numbers."""
    first = rows.iloc[0]
    old_number, new_number = first["old_number"], first["new_number"]
    if pd.isna(new_number) or pd.isna(old_number) or old_number == new_number:
        number = old_number if pd.isna(new_number) else new_number
        shown = "n. —" if pd.isna(number) else f"n. {text_to_markdown(number)}"
    else:
        shown = f"n. ~~{text_to_markdown(old_number)}~~ **{text_to_markdown(new_number)}**"
    kinds = ", ".join(CHANGE_LABELS[c] for c in dict.fromkeys(rows["change"]))
    ids = f"{_id_text(first['old_objective_id'])} → {_id_text(first['new_objective_id'])}"
    return f"### {shown} — {text_to_markdown(first['subject'])} ({kinds}; {ids})"


def _id_text(objective_id: Any) -> str:
    return "—" if pd.isna(objective_id) else str(objective_id)


def _objective_to_lines(diff: PlanDiff, rows: pd.DataFrame) -> list[str]:
    lines = [_heading(rows), ""]
    first = rows.iloc[0]
    if first["change"] in ("added", "removed"):
        table = diff.added if first["change"] == "added" else diff.removed
        objective_id = first[
            "new_objective_id" if first["change"] == "added" else "old_objective_id"
        ]
        record = table[table["objective_id"] == objective_id].iloc[0]
        for field in SHOWN_FIELDS:
            if field in record.index:
                lines.append(
                    f"- **{FIELD_LABELS[field]}**: {text_to_markdown(value_to_text(record[field]))}"
                )
        return [*lines, ""]
    changed = set(rows["field"])
    for row in rows.itertuples(index=False):
        if row.change == "renumbered":
            continue  # shown in the heading
        if PRINTED_CELL_OF.get(row.field) in changed:
            continue
        old_value, new_value = row.old_value, row.new_value
        if row.field == "status":
            old_value = STATUS_LABELS.get(old_value, old_value)
            new_value = STATUS_LABELS.get(new_value, new_value)
        label = FIELD_LABELS.get(row.field, row.field)
        lines.append(f"- **{label}**: {words_to_markdown_diff(old_value, new_value)}")
    lines.extend(_targets_to_lines(diff, first["old_objective_id"], first["new_objective_id"]))
    return [*lines, ""]


def objective_target_changes(diff: PlanDiff, old_id: Any, new_id: Any) -> Iterator[Any]:
    """Given a `PlanDiff` and a paired objective, yield its sub-targets' change rows
    (itertuples) other than text changes, which are part of RISULTATO ATTESO and shown
    with the objective; each row's `seq` is its new number, else its old one."""
    targets = diff.targets
    mine = targets[
        (targets["old_objective_id"] == old_id).fillna(False)
        & (targets["new_objective_id"] == new_id).fillna(False)
    ]
    for row in mine.itertuples(index=False):
        if row.change == "modified" and row.field == "text":
            continue
        seq = row.new_target_seq if not pd.isna(row.new_target_seq) else row.old_target_seq
        yield row._replace(new_target_seq=seq)


def _targets_to_lines(diff: PlanDiff, old_id: Any, new_id: Any) -> list[str]:
    """Target changes of one paired objective, as Markdown list items."""
    lines = []
    for row in objective_target_changes(diff, old_id, new_id):
        where = f"Risultato {row.new_target_seq}"
        if row.change == "modified":
            label = TARGET_FIELD_LABELS.get(row.field, row.field)
            text = words_to_markdown_diff(row.old_value, row.new_value)
            lines.append(f"- **{where}, {label}**: {text}")
        else:
            value = row.new_value if row.change == "added" else row.old_value
            lines.append(f"- **{where} ({CHANGE_LABELS[row.change]})**: {text_to_markdown(value)}")
    return lines


def _objective_groups(frame: pd.DataFrame) -> Iterable[pd.DataFrame]:
    """The rows of one objective (same old and new id) at a time, in frame order."""
    keys = frame["old_objective_id"].fillna("") + "→" + frame["new_objective_id"].fillna("")
    for key in dict.fromkeys(keys):
        yield frame[keys == key]


def diff_to_markdown(diff: PlanDiff) -> str:
    """Given a `PlanDiff`, return the memo: counts per sector, the relevance table's
    changes, then every changed objective by sector with word-level highlights
    (~~removed~~ **added**); added and removed objectives are shown in full."""
    old, new = diff.old_revision or "?", diff.new_revision or "?"
    lines = [
        f"# Piano delle performance: variazioni dalla revisione {old} alla {new}",
        "",
        "## Riepilogo per settore",
        "",
        *_counts_to_lines(diff),
        "",
        "## Rilevanza degli obiettivi",
        "",
        *_sector_weights_to_lines(diff),
        "",
    ]
    if diff.objectives.empty:
        return "\n".join([*lines, "Nessun obiettivo è cambiato.", ""])
    for sector in _sectors(diff.objectives):
        lines.extend([f"## {text_to_markdown(_sector_label(diff, sector))}", ""])
        for rows in _objective_groups(_same_sector(diff.objectives, sector)):
            lines.extend(_objective_to_lines(diff, rows))
    return "\n".join(lines)
