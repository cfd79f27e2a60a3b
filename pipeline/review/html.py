"""The review report as static HTML: a summary page (findings by severity and sector,
every objective by sector) and one page per objective (its crops, fields, sub-targets,
findings and corrections). Pages link to each other, to their PNG crops and to one
style sheet, all in one folder: the report opens from disk, with no server, script or
external resource."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from pipeline.core.contract import (
    CORRECTED_FIELDS,
    MANUAL_CORRECTION_RULE,
    OBJECTIVE_COLUMNS,
    OBJECTIVE_EXTRA_COLUMNS,
)
from pipeline.core.style import CSS, STYLE_FILE, page_to_html
from pipeline.review.crops import (
    CROSS_CUTTING,
    FIELD_COLOURS,
    FIELD_SOURCES,
    WHOLE_PLAN,
    Crop,
    ReviewTables,
    objective_file_stem,
    objective_severity_counts,
    objectives_to_corrected_fields,
    quality_to_severity_counts,
    sector_label,
)
from pipeline.review.words import (
    SEVERITY_PLURALS,
    STATUS_LABELS,
    rule_to_description,
    severity_to_label,
)

INDEX_FILE = "index.html"
SEVERITY_ORDER = ("error", "warning", "info")  # most urgent first, as an analyst reads
LOW_OCR_RULE = "low_ocr_confidence"  # a scanned cell Tesseract was unsure of
LOW_OCR_LABEL = "OCR incerto"
QUALITY_SHOWN = (
    "severity",
    "what",
    "rule",
    "field",
    "raw_value",
    "normalised_value",
    "message",
    "page",
)
TARGET_SHOWN = ("target_seq", "text", "weight_pct", "operator", "value", "unit", "source_field")
# column -> header people read; the code beside it in a column of its own is the contract's
HEADERS = {
    "severity": "Gravità",
    "what": "Che cosa",
    "rule": "Regola",
    "field": "Campo",
    "raw_value": "Valore stampato",
    "normalised_value": "Valore normalizzato",
    "message": "Dettaglio",
    "page": "Pagina",
    "target_seq": "n.",
    "text": "Testo",
    "weight_pct": "Peso %",
    "operator": "Operatore",
    "value": "Valore",
    "unit": "Unità",
    "source_field": "Letto da",
}


def esc(value: object) -> str:
    """Given any value, return it as escaped HTML text."""
    return html.escape(str(value), quote=True)


def is_null(value: object) -> bool:
    """Given a cell value, return True when it is null (None, NaN, NA, NaT)."""
    if value is None or isinstance(value, (list, tuple, dict)):
        return value is None
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):  # an array: a value, not a null
        return False


def value_to_html(value: object) -> str:
    """Given a cell value, return it as HTML: null marked as such, dates in ISO form,
    whole floats without `.0`, lists comma-separated."""
    if is_null(value):
        return '<span class="null">null</span>'
    if isinstance(value, (dt.date, pd.Timestamp)):
        return esc(value.isoformat()[:10])
    if isinstance(value, float):
        return esc(int(value) if math.isfinite(value) and value.is_integer() else value)
    if not isinstance(value, str) and hasattr(value, "__iter__"):
        return esc(", ".join(str(v) for v in value))  # type: ignore[attr-defined]
    return esc(value)


def page_html(title: str, tables: ReviewTables, body: str) -> str:
    """Given a page title, the report's tables and the page body, return a whole page."""
    document = tables.document
    source = document.get("source") or {}
    where = " · ".join(
        esc(part)
        for part in (
            document.get("municipality"),
            f"revisione {document.get('revision', '?')}",
            source.get("file"),
        )
        if part
    )
    sha = str(source.get("sha256") or "")[:12]
    version = esc(document.get("pipeline_version", "?"))
    footer = (
        f"Generato da <code>piano review</code> (pipeline {version}) da "
        f"{esc(source.get('file', '?'))}, sha256 {esc(sha)}…"
    )
    return page_to_html(title, (INDEX_FILE, "piano · verifica"), where, body, footer)


def objective_href(objective_id: str) -> str:
    """Given an objective_id, return the relative link to its page."""
    return f"{objective_file_stem(objective_id)}.html"


def sector_anchor(label: str) -> str:
    """Given a sector label, return its anchor on the summary page."""
    return "sector-" + "".join(c if c.isalnum() else "-" for c in label).strip("-")


def severity_badges(counts: dict[str, int]) -> str:
    """Given severity -> count for one objective, return one badge per severity found."""
    return "".join(
        f'<span class="badge sev-{s}">{counts[s]} {esc(severity_to_label(s))}</span>'
        for s in SEVERITY_ORDER
        if counts.get(s)
    )


def rows_to_table(
    header: Iterable[str], rows: Iterable[Iterable[str]], numeric: Iterable[int] = ()
) -> str:
    """Given header texts and rows of ready HTML cells, return an HTML table; columns
    whose position is in `numeric` are right-aligned."""
    right = set(numeric)
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in right else f"<th>{esc(h)}</th>"
        for i, h in enumerate(header)
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in right else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def severity_matrix_html(counts: pd.DataFrame) -> str:
    """Given `quality_to_severity_counts`, return its table: each sector links to its
    list of objectives, each count is coloured by severity."""
    rows = []
    for label, row in counts.iterrows():
        anchor = "plan-findings" if label == WHOLE_PLAN else sector_anchor(str(label))
        cells = [f'<a href="#{anchor}">{esc(label)}</a>']
        for severity in SEVERITY_ORDER:
            n = int(row[severity])
            cells.append(f'<span class="sev-{severity}">{n}</span>' if n else "0")
        cells.append(str(int(row["total"])))
        rows.append(cells)
    totals = counts[list(SEVERITY_ORDER) + ["total"]].sum()
    rows.append(["<b>tutti</b>", *(f"<b>{int(totals[c])}</b>" for c in (*SEVERITY_ORDER, "total"))])
    header = ["Settore", *(SEVERITY_PLURALS[s] for s in SEVERITY_ORDER), "totale"]
    return rows_to_table(header, rows, numeric=(1, 2, 3, 4))


def findings_list_html(tables: ReviewTables) -> str:
    """Given the report's tables, return every finding about an objective, grouped by
    severity (errors first) and then ordered by sector and objective; info findings
    folded away."""
    objectives = tables.objectives.set_index(tables.objectives["objective_id"].astype(str))
    quality = tables.quality.dropna(subset=["objective_id"])
    parts = []
    for severity in SEVERITY_ORDER:
        found = quality[quality["severity"] == severity]
        if found.empty:
            continue
        rows = []
        order = sorted(
            found.itertuples(index=False),
            key=lambda f: (
                int(objectives.loc[str(f.objective_id), "block"])
                if str(f.objective_id) in objectives.index
                else 0,
                str(f.objective_id),
            ),
        )
        for finding in order:
            oid = str(finding.objective_id)
            sector = (
                sector_label(objectives.loc[oid, "sector"])
                if oid in objectives.index
                else CROSS_CUTTING
            )
            rows.append(
                [
                    esc(sector),
                    f'<a href="{esc(objective_href(oid))}">{esc(oid)}</a>',
                    esc(rule_to_description(finding.rule)),
                    f"<code>{esc(finding.rule)}</code>",
                    esc(finding.field),
                    value_to_html(finding.message),
                ]
            )
        header = ["Settore", "Obiettivo", "Che cosa", "Regola", "Campo", "Dettaglio"]
        table = rows_to_table(header, rows)
        title = (
            f'<h3 id="findings-{severity}" class="sev-{severity}">'
            f"{esc(SEVERITY_PLURALS[severity])} ({len(rows)})</h3>"
        )
        if severity == "info":
            parts.append(
                f"{title}\n<details><summary>mostra {len(rows)} informazioni"
                f"</summary>\n{table}\n</details>"
            )
        else:
            parts.append(f"{title}\n{table}")
    return "\n".join(parts) or "<p>Nessuna segnalazione sugli obiettivi.</p>"


def rule_counts_html(quality: pd.DataFrame) -> str:
    """Given quality.parquet, return a table of findings per rule and severity."""
    if quality.empty:
        return "<p>Nessuna segnalazione.</p>"
    counts = quality.groupby(["rule", "severity"]).size().reset_index(name="n")
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    counts = counts.sort_values(
        ["severity", "n", "rule"],
        key=lambda c: c.map(rank) if c.name == "severity" else c,
        ascending=[True, False, True],
    )
    rows = [
        [
            esc(rule_to_description(r.rule)),
            f"<code>{esc(r.rule)}</code>",
            severity_badge(r.severity),
            str(r.n),
        ]
        for r in counts.itertuples(index=False)
    ]
    return rows_to_table(["Che cosa", "Regola", "Gravità", "Segnalazioni"], rows, numeric=(3,))


def severity_badge(severity: object) -> str:
    """Given a severity, return its badge, coloured, in Italian."""
    return f'<span class="badge sev-{esc(severity)}">{esc(severity_to_label(severity))}</span>'


def plan_findings_html(quality: pd.DataFrame) -> str:
    """Given quality.parquet, return the findings about no objective (plan level),
    folded away when they are only info."""
    plan = quality[quality["objective_id"].isna()]
    if plan.empty:
        return "<p>Nessuna.</p>"
    rows = [
        [
            severity_badge(f.severity),
            esc(rule_to_description(f.rule)),
            f"<code>{esc(f.rule)}</code>",
            value_to_html(getattr(f, "page", None)),
            value_to_html(f.message),
        ]
        for f in plan.itertuples(index=False)
    ]
    header = ["Gravità", "Che cosa", "Regola", "Pagina", "Dettaglio"]
    table = rows_to_table(header, rows, numeric=(3,))
    if set(plan["severity"]) <= {"info"}:
        return f"<details><summary>mostra {len(rows)} informazioni</summary>\n{table}\n</details>"
    return table


def objectives_by_sector_html(tables: ReviewTables, corrected: dict[str, list[str]]) -> str:
    """Given the report's tables and the corrected fields, return one table of objectives
    per sector, in block order, each row linking to the objective's page."""
    severities = objective_severity_counts(tables.quality)
    relevance = dict(
        zip(
            tables.sector_weights.get("sector", pd.Series(dtype=object)),
            tables.sector_weights.get("relevance_pct", pd.Series(dtype=float)),
            strict=True,
        )
    )
    objectives = tables.objectives.sort_values(["block", "seq"])
    parts = []
    for label, group in objectives.groupby(objectives["sector"].map(sector_label), sort=False):
        share = relevance.get(label)
        note = f" · rilevanza {value_to_html(share)}%" if share is not None else ""
        parts.append(
            f'<h3 id="{sector_anchor(str(label))}">{esc(label)}'
            f' <span class="meta">· {len(group)} obiettivi{note}</span></h3>'
        )
        rows = []
        for o in group.to_dict("records"):
            oid = str(o["objective_id"])
            fixes = corrected.get(oid)
            rows.append(
                [
                    f'<a href="{esc(objective_href(oid))}">{esc(oid)}</a>',
                    value_to_html(o.get("number")),
                    value_to_html(o.get("subject")),
                    value_to_html(o.get("assignee")),
                    value_to_html(o.get("deadline")),
                    esc(STATUS_LABELS.get(str(o.get("status", "")), o.get("status", ""))),
                    severity_badges(severities.get(oid, {}))
                    + (
                        f'<span class="badge fix">corretto: {esc(", ".join(fixes))}</span>'
                        if fixes
                        else ""
                    ),
                ]
            )
        parts.append(
            rows_to_table(
                ["Obiettivo", "n.", "Oggetto", "Assegnatario", "Scadenza", "Stato", "Segnalazioni"],
                rows,
            )
        )
    return "\n".join(parts)


def diff_links_html(diff_links: Sequence[tuple[str, str]]) -> str:
    """Given (text, relative link) of each revision diff involving the plan, return the
    section linking to them, or nothing."""
    if not diff_links:
        return ""
    items = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in diff_links)
    return f'<h2 id="diffs">Variazioni fra revisioni</h2>\n<ul class="diffs">{items}</ul>\n'


def index_html(tables: ReviewTables, diff_links: Sequence[tuple[str, str]] = ()) -> str:
    """Given the report's tables and the links to the plan's revision diffs, return the
    summary page."""
    document, quality = tables.document, tables.quality
    corrected = objectives_to_corrected_fields(tables.objectives, quality)
    by_severity = quality["severity"].value_counts()
    cards = [(len(tables.objectives), "obiettivi"), (len(tables.targets), "risultati attesi")]
    cards += [(int(by_severity.get(s, 0)), SEVERITY_PLURALS[s]) for s in SEVERITY_ORDER]
    cards.append((len(corrected), "obiettivi corretti a mano"))
    cards_html = "".join(
        f'<div class="card"><b>{n}</b><span>{esc(what)}</span></div>' for n, what in cards
    )
    label = document.get("revision_label") or document.get("revision") or tables.name
    body = f"""<h1>{esc(document.get("municipality") or tables.name)}: piano della performance,
{esc(label)}</h1>
<p class="meta">Cartella estratta <code>{esc(tables.name)}</code> · {
        esc(document.get("pages", "?"))
    } pagine · ogni obiettivo porta alla parte della pagina da cui è stato letto.</p>
<div class="cards">{cards_html}</div>
{diff_links_html(diff_links)}<h2 id="by-sector">Segnalazioni per settore e gravità</h2>
{severity_matrix_html(quality_to_severity_counts(quality, tables.objectives))}
<h2 id="by-rule">Segnalazioni per regola</h2>
{rule_counts_html(quality)}
<h2 id="findings">Segnalazioni sugli obiettivi</h2>
{findings_list_html(tables)}
<h2 id="plan-findings">Segnalazioni sull'intero piano</h2>
{plan_findings_html(quality)}
<h2 id="objectives">Obiettivi per settore</h2>
{objectives_by_sector_html(tables, corrected)}"""
    return page_html(f"Verifica: {tables.name}", tables, body)


def field_label_html(column: str) -> str:
    """Given an objectives column, return its name with the colour swatch of the cell
    box it was read from, when it has one."""
    colour = FIELD_COLOURS.get(FIELD_SOURCES.get(column, column))
    swatch = f'<span class="swatch" style="border-color:{colour}"></span>' if colour else ""
    return f"{swatch}<code>{esc(column)}</code>"


def fields_table_html(
    objective: dict[str, Any], corrected: list[str], doubtful: Iterable[str] = ()
) -> str:
    """Given one objective's row, its corrected fields and the cell fields OCR read with
    low confidence, return the table of its columns (contract columns first, in the
    schema's order), corrected ones and those read from a doubtful cell marked."""
    doubtful = set(doubtful)
    schema_columns = [*OBJECTIVE_COLUMNS, *OBJECTIVE_EXTRA_COLUMNS, CORRECTED_FIELDS]
    columns = [c for c in schema_columns if c in objective]
    columns += [c for c in objective if c not in columns]
    rows = []
    for column in columns:
        mark = ' <span class="badge fix">corretto</span>' if column in corrected else ""
        if FIELD_SOURCES.get(column, column) in doubtful:
            mark += f' <span class="badge sev-warning">{LOW_OCR_LABEL}</span>'
        css = ' class="corrected"' if column in corrected else ""
        rows.append(
            f"<tr{css}><th>{field_label_html(column)}{mark}</th>"
            f'<td class="text">{value_to_html(objective[column])}</td></tr>'
        )
    return "<table>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def frame_rows_html(frame: pd.DataFrame, columns: Iterable[str]) -> list[list[str]]:
    """Given a frame and the columns to show, return its rows as HTML cells; a severity
    becomes a coloured badge."""
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record.get(column)
            if column == "severity" and not is_null(value):
                cells.append(severity_badge(value))
            elif column == "what":
                cells.append(esc(rule_to_description(record.get("rule"))))
            elif column == "rule" and not is_null(value):
                cells.append(f"<code>{esc(value)}</code>")
            else:
                cells.append(value_to_html(value))
        rows.append(cells)
    return rows


def crops_html(objective_id: str, crops: list[Crop], source: str) -> str:
    """Given an objective and its crops, return one figure per page."""
    if not crops:
        return "<p>Per questo obiettivo non è stato registrato alcun riquadro di cella.</p>"
    figures = []
    for crop in crops:
        figures.append(
            f'<figure><a href="{esc(crop.file_name)}" title="apri a grandezza piena">'
            f'<img src="{esc(crop.file_name)}" width="{crop.width}" '
            f'height="{crop.height}" alt="obiettivo {esc(objective_id)} a pagina {crop.page}">'
            f"</a><figcaption>Pagina {crop.page} di {esc(source)}: ogni cella letta è "
            "contornata nel colore del suo campo (vedi i campioni sotto); il resto della "
            "pagina è sbiadito. Clic sull'immagine per vederla a grandezza piena."
            "</figcaption></figure>"
        )
    return "\n".join(figures)


def objective_html(
    tables: ReviewTables,
    objective: dict[str, Any],
    neighbours: tuple[str | None, str | None],
    crops: list[Crop],
    corrected: list[str],
) -> str:
    """Given the report's tables, one objective's row, the objectives before and after
    it in block order (None at either end), its crops and corrected fields, return its
    page."""
    oid = str(objective["objective_id"])
    previous, following = neighbours
    label = sector_label(objective.get("sector"))
    pager = (
        f'<nav class="pager"><span>{link_or_blank(previous, "‹ ")}</span>'
        f'<a href="{INDEX_FILE}#{sector_anchor(label)}">riepilogo · {esc(label)}</a>'
        f"<span>{link_or_blank(following, '', ' ›')}</span></nav>"
    )
    quality = tables.quality[tables.quality["objective_id"].astype("string") == oid]
    targets = tables.targets[tables.targets["objective_id"].astype("string") == oid]
    corrections = quality[quality["rule"] == MANUAL_CORRECTION_RULE]
    doubtful = quality.loc[quality["rule"] == LOW_OCR_RULE, "field"].astype(str).tolist()
    source = str((tables.document.get("source") or {}).get("file", "il PDF di origine"))
    pages = f"pagina {objective.get('page_first')}"
    if objective.get("page_last") != objective.get("page_first"):
        pages = f"pagine {objective.get('page_first')}–{objective.get('page_last')}"
    badges = severity_badges(objective_severity_counts(quality).get(oid, {}))
    if corrected:
        badges += '<span class="badge fix">corretto a mano</span>'
    findings_table = (
        rows_to_table(
            [HEADERS[c] for c in QUALITY_SHOWN],
            frame_rows_html(quality, QUALITY_SHOWN),
            numeric=(7,),
        )
        if len(quality)
        else "<p>Nessuna.</p>"
    )
    corrections_html = ""
    if len(corrected) or len(corrections):
        shown = ("field", "raw_value", "normalised_value", "message")
        corrections_html = (
            '<h2 id="corrections">Correzioni applicate</h2>\n'
            "<p>Campi cambiati da una correzione manuale: "
            f"{esc(', '.join(corrected)) or 'nessuno'}."
            " Il valore stampato resta nel PDF; la correzione è un dato in "
            "<code>corrections/</code>.</p>\n"
            + (
                rows_to_table([HEADERS[c] for c in shown], frame_rows_html(corrections, shown))
                if len(corrections)
                else ""
            )
        )
    targets_table = (
        rows_to_table(
            [HEADERS[c] for c in TARGET_SHOWN],
            frame_rows_html(targets, TARGET_SHOWN),
            numeric=(0, 2, 4),
        )
        if len(targets)
        else "<p>Nessuno.</p>"
    )
    body = f"""{pager}
<h1 id="objective">{esc(oid)} · {value_to_html(objective.get("subject"))}</h1>
<p class="meta">{esc(label)} · n. {value_to_html(objective.get("number"))} · {esc(pages)} ·
stato {esc(STATUS_LABELS.get(str(objective.get("status")), objective.get("status", "?")))} {
        badges
    }</p>
<h2 id="source">Dove è stato letto</h2>
{crops_html(oid, crops, source)}
<h2 id="fields">Campi estratti</h2>
{fields_table_html(objective, corrected, doubtful)}
{corrections_html}
<h2 id="targets">Risultati attesi</h2>
{targets_table}
<h2 id="findings">Segnalazioni</h2>
{findings_table}
{pager}"""
    return page_html(f"{oid} · {tables.name}", tables, body)


def link_or_blank(objective_id: object, before: str = "", after: str = "") -> str:
    """Given an objective_id or None, return a link to its page, or nothing."""
    if objective_id is None:
        return ""
    oid = str(objective_id)
    return f'<a href="{esc(objective_href(oid))}">{esc(before + oid + after)}</a>'


def review_to_pages(
    tables: ReviewTables, crops: list[Crop], diff_links: Sequence[tuple[str, str]] = ()
) -> dict[str, str]:
    """Given the report's tables, the crops and the links to the plan's revision diffs
    ((text, relative link) each), return file name -> text of every page and the style
    sheet."""
    corrected = objectives_to_corrected_fields(tables.objectives, tables.quality)
    crops_by_objective: dict[str, list[Crop]] = {}
    for crop in sorted(crops, key=lambda c: c.page):
        crops_by_objective.setdefault(crop.objective_id, []).append(crop)
    pages = {STYLE_FILE: CSS, INDEX_FILE: index_html(tables, diff_links)}
    ordered = tables.objectives.sort_values(["block", "seq"]).to_dict("records")
    ids: list[str | None] = [None, *(str(o["objective_id"]) for o in ordered), None]
    for position, objective in enumerate(ordered):
        oid = str(objective["objective_id"])
        pages[objective_href(oid)] = objective_html(
            tables,
            objective,
            (ids[position], ids[position + 2]),
            crops_by_objective.get(oid, []),
            corrected.get(oid, []),
        )
    return pages
