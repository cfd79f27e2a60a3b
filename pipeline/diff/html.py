"""Render a `PlanDiff` as a page (`diff.html`) in the review report's look: the counts per
sector, the relevance table's changes, a list of the changed objectives each linking to
its section, then each objective's changes with word-level highlights (<del>, <ins>).

Only renders, like `pipeline.diff.report`, whose Italian labels it shares. Every
objective's section has the id `objective_anchor` gives it, and holds the ids
`prima-OLD_ID` and `dopo-NEW_ID`, so another page (the review report) can link to the
changes of one objective of either revision."""

from __future__ import annotations

import difflib
import html
from typing import Any

import pandas as pd

from pipeline.core.style import page_to_html
from pipeline.diff.compare import PlanDiff, value_to_text
from pipeline.diff.report import (
    CHANGE_LABELS,
    CROSS_CUTTING_LABEL,
    FIELD_LABELS,
    PRINTED_CELL_OF,
    SHOWN_FIELDS,
    STATUS_LABELS,
    TARGET_FIELD_LABELS,
    diff_to_counts,
    objective_target_changes,
    value_to_plain_text,
)

DIFF_PAGE = "diff.html"


def esc(value: object) -> str:
    """Given any value, return it as escaped HTML text."""
    return html.escape(str(value), quote=True)


def text_to_html(value: object) -> str:
    """Given a cell's text, return it escaped, its items (lines) kept apart by <br>."""
    text = value_to_plain_text(value)
    lines = [esc(" ".join(line.split())) for line in text.split("\n") if line.strip()]
    return "<br>".join(lines) or "—"


def words_to_html_diff(old: object, new: object) -> str:
    """Given an old and a new text, return the new text with word-level highlights:
    removed words in <del>, added words in <ins>; whitespace differences are no change."""
    old_words = value_to_plain_text(old).split()
    new_words = value_to_plain_text(new).split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            out.append(f"<del>{esc(' '.join(old_words[i1:i2]))}</del>")
        if tag == "equal":
            out.append(esc(" ".join(new_words[j1:j2])))
        elif tag in ("insert", "replace"):
            out.append(f"<ins>{esc(' '.join(new_words[j1:j2]))}</ins>")
    return " ".join(out) or "—"


def id_text(objective_id: Any) -> str:
    """Given an objective_id or a missing value, return it as shown: the id or a dash."""
    return "—" if pd.isna(objective_id) else str(objective_id)


def objective_anchor(old_id: Any, new_id: Any) -> str:
    """Given the old and the new objective_id of a change (either missing), return the
    id of its section on the page: `obiettivo-01.02-01.03`, `obiettivo-x-05.01`."""
    old = "x" if pd.isna(old_id) else str(old_id)
    new = "x" if pd.isna(new_id) else str(new_id)
    return f"obiettivo-{old}-{new}"


def sector_to_label(diff: PlanDiff, sector: Any) -> str:
    """Given a sector key or a missing value, return its printed label."""
    if sector is None or pd.isna(sector):
        return CROSS_CUTTING_LABEL
    return diff.sector_labels.get(str(sector), str(sector))


def rows_to_table(headers: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> str:
    """Given headers and rows of HTML cells, return a table; `numeric` columns right-aligned."""

    def cell(tag: str, index: int, text: str) -> str:
        css = ' class="num"' if index in numeric else ""
        return f"<{tag}{css}>{text}</{tag}>"

    head = "".join(cell("th", i, esc(h)) for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def counts_to_html(diff: PlanDiff) -> str:
    """Given a `PlanDiff`, return the table of objectives per sector and kind of change."""
    counts = diff_to_counts(diff)
    columns = ["old", "new", *CHANGE_LABELS]
    rows = [
        [esc(sector_to_label(diff, row["sector"])), *(str(int(row[c])) for c in columns)]
        for _, row in counts.iterrows()
    ]
    total = counts[columns].sum()
    rows.append(["<b>Totale</b>", *(f"<b>{int(total[c])}</b>" for c in columns)])
    headers = ["Settore", "Obiettivi prima", "Obiettivi dopo"]
    headers += [label.capitalize() for label in ("aggiunti", "eliminati", "modificati")]
    headers.append("Rinumerati")
    return rows_to_table(headers, rows, numeric=(1, 2, 3, 4, 5, 6))


def sector_weights_to_html(diff: PlanDiff) -> str:
    """Given a `PlanDiff`, return the table of the relevance table's changes."""
    if diff.sector_weights.empty:
        return "<p>Nessuna variazione.</p>"
    rows = []
    for row in diff.sector_weights.itertuples(index=False):
        if pd.isna(row.old_label) or pd.isna(row.new_label):
            label = text_to_html(row.new_label if pd.isna(row.old_label) else row.old_label)
        else:
            label = words_to_html_diff(row.old_label, row.new_label)
        old_pct = "—" if pd.isna(row.old_pct) else f"{esc(value_to_text(row.old_pct))}%"
        new_pct = "—" if pd.isna(row.new_pct) else f"{esc(value_to_text(row.new_pct))}%"
        rows.append([label, old_pct, new_pct])
    return rows_to_table(["Settore", "Prima", "Dopo"], rows, numeric=(1, 2))


def objective_groups(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """Given diff.parquet's rows, return the rows of each objective (same old and new
    id), in frame order."""
    keys = frame["old_objective_id"].fillna("") + "→" + frame["new_objective_id"].fillna("")
    return [frame[keys == key] for key in dict.fromkeys(keys)]


def number_to_html(first: pd.Series) -> str:
    """Given an objective's first change row, return its number, both when renumbered."""
    old_number, new_number = first["old_number"], first["new_number"]
    if pd.isna(new_number) or pd.isna(old_number) or old_number == new_number:
        number = old_number if pd.isna(new_number) else new_number
        return "n. —" if pd.isna(number) else f"n. {esc(number)}"
    return f"n. <del>{esc(old_number)}</del> <ins>{esc(new_number)}</ins>"


def kinds_to_text(rows: pd.DataFrame) -> str:
    """Given one objective's change rows, return its kinds of change in Italian."""
    return ", ".join(CHANGE_LABELS[c] for c in dict.fromkeys(rows["change"]))


def changes_list_html(diff: PlanDiff) -> str:
    """Given a `PlanDiff`, return one row per changed objective, linking to its section."""
    rows = []
    for group in objective_groups(diff.objectives):
        first = group.iloc[0]
        anchor = objective_anchor(first["old_objective_id"], first["new_objective_id"])
        rows.append(
            [
                f'<a href="#{esc(anchor)}">{esc(id_text(first["old_objective_id"]))} → '
                f"{esc(id_text(first['new_objective_id']))}</a>",
                esc(sector_to_label(diff, first["sector"])),
                esc(kinds_to_text(group)),
                text_to_html(first["subject"]),
            ]
        )
    return rows_to_table(["Obiettivo (prima → dopo)", "Settore", "Variazione", "Oggetto"], rows)


def target_changes_to_items(diff: PlanDiff, old_id: Any, new_id: Any) -> list[str]:
    """Given a `PlanDiff` and a paired objective, return its sub-targets' changes as list
    items; text changes are part of RISULTATO ATTESO, shown with the objective."""
    items = []
    for row in objective_target_changes(diff, old_id, new_id):
        seq = esc(row.new_target_seq)
        if row.change == "modified":
            label = TARGET_FIELD_LABELS.get(row.field, row.field)
            text = words_to_html_diff(row.old_value, row.new_value)
            items.append(f"<li><b>Risultato {seq}, {esc(label)}</b>: {text}</li>")
        else:
            value = row.new_value if row.change == "added" else row.old_value
            items.append(
                f"<li><b>Risultato {seq} ({esc(CHANGE_LABELS[row.change])})</b>: "
                f"{text_to_html(value)}</li>"
            )
    return items


def objective_to_html(diff: PlanDiff, rows: pd.DataFrame) -> str:
    """Given a `PlanDiff` and one objective's change rows, return its section."""
    first = rows.iloc[0]
    old_id, new_id = first["old_objective_id"], first["new_objective_id"]
    marks = "".join(
        f'<span id="{prefix}-{esc(oid)}"></span>'
        for prefix, oid in (("prima", old_id), ("dopo", new_id))
        if not pd.isna(oid)
    )
    heading = (
        f"<h3>{marks}{number_to_html(first)} — {text_to_html(first['subject'])} "
        f'<span class="meta">({esc(kinds_to_text(rows))}; {esc(id_text(old_id))} → '
        f"{esc(id_text(new_id))})</span></h3>"
    )
    items: list[str] = []
    if first["change"] in ("added", "removed"):
        table = diff.added if first["change"] == "added" else diff.removed
        objective_id = new_id if first["change"] == "added" else old_id
        record = table[table["objective_id"] == objective_id].iloc[0]
        for field in SHOWN_FIELDS:
            if field in record.index:
                value = text_to_html(value_to_text(record[field]))
                items.append(f"<li><b>{esc(FIELD_LABELS[field])}</b>: {value}</li>")
    else:
        changed = set(rows["field"].dropna())
        for row in rows.itertuples(index=False):
            if row.change == "renumbered" or PRINTED_CELL_OF.get(row.field) in changed:
                continue
            old_value, new_value = row.old_value, row.new_value
            if row.field == "status":
                old_value = STATUS_LABELS.get(old_value, old_value)
                new_value = STATUS_LABELS.get(new_value, new_value)
            label = FIELD_LABELS.get(row.field, row.field)
            items.append(
                f"<li><b>{esc(label)}</b>: {words_to_html_diff(old_value, new_value)}</li>"
            )
        items.extend(target_changes_to_items(diff, old_id, new_id))
    anchor = objective_anchor(old_id, new_id)
    body = "<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""
    return f'<section class="change" id="{esc(anchor)}">\n{heading}\n{body}\n</section>'


def diff_to_html(diff: PlanDiff) -> str:
    """Given a `PlanDiff`, return the whole page (it links to `STYLE_FILE` beside it)."""
    old, new = diff.old_revision or "?", diff.new_revision or "?"
    title = f"Piano delle performance: variazioni dalla revisione {old} alla {new}"
    parts = [
        f"<h1>{esc(title)}</h1>",
        '<p class="meta">Parole eliminate <del>barrate</del>, parole aggiunte '
        "<ins>evidenziate</ins>; ogni obiettivo dell'elenco porta alle sue variazioni.</p>",
        '<h2 id="riepilogo">Riepilogo per settore</h2>',
        counts_to_html(diff),
        '<h2 id="rilevanza">Rilevanza degli obiettivi</h2>',
        sector_weights_to_html(diff),
        '<h2 id="elenco">Obiettivi cambiati</h2>',
    ]
    if diff.objectives.empty:
        parts.append("<p>Nessun obiettivo è cambiato.</p>")
    else:
        parts.append(changes_list_html(diff))
        sectors = list(dict.fromkeys(None if pd.isna(s) else s for s in diff.objectives["sector"]))
        for sector in sectors:
            mask = (
                diff.objectives["sector"].isna()
                if sector is None
                else diff.objectives["sector"] == sector
            )
            parts.append(f"<h2>{esc(sector_to_label(diff, sector))}</h2>")
            for rows in objective_groups(diff.objectives[mask.fillna(False).astype(bool)]):
                parts.append(objective_to_html(diff, rows))
    body = "\n".join(parts)
    where = f"revisione {esc(old)} → {esc(new)}"
    footer = "Generato da <code>piano diff</code>."
    return page_to_html(title, (DIFF_PAGE, "piano diff"), where, body, footer)
