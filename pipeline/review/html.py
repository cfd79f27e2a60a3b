"""The review report as static HTML: a summary page (findings by severity and sector,
every objective by sector) and one page per objective (its crops, fields, sub-targets,
findings and corrections). Pages link to each other, to their PNG crops and to one
style sheet, all in one folder: the report opens from disk, with no server, script or
external resource."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from pipeline.core.contract import (
    CORRECTED_FIELDS,
    MANUAL_CORRECTION_RULE,
    OBJECTIVE_COLUMNS,
    OBJECTIVE_EXTRA_COLUMNS,
)
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

STYLE_FILE = "style.css"
INDEX_FILE = "index.html"
SEVERITY_ORDER = ("error", "warning", "info")  # most urgent first, as an analyst reads
LOW_OCR_RULE = "low_ocr_confidence"  # a scanned cell Tesseract was unsure of
LOW_OCR_LABEL = "low OCR confidence"
QUALITY_SHOWN = ("severity", "rule", "field", "raw_value", "normalised_value", "message", "page")
TARGET_SHOWN = ("target_seq", "text", "weight_pct", "operator", "value", "unit", "source_field")

CSS = """\
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9;
  --error: #b42318; --warning: #b54708; --info: #175cd3; --fix: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
header.top { background: #1d2330; color: #fff; padding: .6rem 1.5rem; display: flex;
  gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header.top a { color: #fff; font-weight: 600; text-decoration: none; }
header.top .where { color: #c5cbd6; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
footer { color: var(--muted); font-size: 12px; padding: 1rem 1.5rem; text-align: center; }
h1 { font-size: 1.5rem; margin: .6rem 0 .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line);
  padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.4rem 0 .4rem; }
a { color: #1849a9; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.cards { display: flex; gap: .8rem; flex-wrap: wrap; margin: 1rem 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .4rem 0 1rem;
  border: 1px solid var(--line); }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem;
  border-bottom: 1px solid var(--line); }
th { background: #eef0f4; font-weight: 600; font-size: 13px; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { white-space: pre-line; }
tr.corrected td { background: #ecfdf3; }
.null { color: #98a2b3; font-style: italic; }
.badge { display: inline-block; border-radius: 999px; padding: 0 .5rem; font-size: 12px;
  font-weight: 600; border: 1px solid currentColor; margin-right: .25rem; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); }
.sev-info { color: var(--info); } .fix { color: var(--fix); }
td.zero { color: #c0c5cf; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  margin-right: .4rem; vertical-align: -1px; border: 2px solid; }
figure { margin: .4rem 0 1rem; background: #fff; border: 1px solid var(--line);
  border-radius: 6px; padding: .5rem; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: .3rem; }
nav.pager { display: flex; justify-content: space-between; margin: .6rem 0; }
details > summary { cursor: pointer; color: var(--muted); margin: .4rem 0; }
code { font-size: 13px; }
"""


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
            f"revision {document.get('revision', '?')}",
            source.get("file"),
        )
        if part
    )
    sha = str(source.get("sha256") or "")[:12]
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{STYLE_FILE}">
</head>
<body>
<header class="top"><a href="{INDEX_FILE}">piano review</a><span class="where">{where}</span>
</header>
<main>
{body}
</main>
<footer>Generated by <code>piano review</code> (pipeline {
        esc(document.get("pipeline_version", "?"))
    }) from {esc(source.get("file", "?"))}, sha256 {esc(sha)}…</footer>
</body>
</html>
"""


def objective_href(objective_id: str) -> str:
    """Given an objective_id, return the relative link to its page."""
    return f"{objective_file_stem(objective_id)}.html"


def sector_anchor(label: str) -> str:
    """Given a sector label, return its anchor on the summary page."""
    return "sector-" + "".join(c if c.isalnum() else "-" for c in label).strip("-")


def severity_badges(counts: dict[str, int]) -> str:
    """Given severity -> count for one objective, return one badge per severity found."""
    return "".join(
        f'<span class="badge sev-{s}">{counts[s]} {s}</span>'
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
    rows.append(["<b>all</b>", *(f"<b>{int(totals[c])}</b>" for c in (*SEVERITY_ORDER, "total"))])
    return rows_to_table(["sector", *SEVERITY_ORDER, "total"], rows, numeric=(1, 2, 3, 4))


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
                    esc(finding.rule),
                    esc(finding.field),
                    value_to_html(finding.message),
                ]
            )
        table = rows_to_table(["sector", "objective", "rule", "field", "message"], rows)
        title = f'<h3 id="findings-{severity}" class="sev-{severity}">{severity} ({len(rows)})</h3>'
        if severity == "info":
            parts.append(
                f"{title}\n<details><summary>show {len(rows)} info findings"
                f"</summary>\n{table}\n</details>"
            )
        else:
            parts.append(f"{title}\n{table}")
    return "\n".join(parts) or "<p>No finding about any objective.</p>"


def rule_counts_html(quality: pd.DataFrame) -> str:
    """Given quality.parquet, return a table of findings per rule and severity."""
    if quality.empty:
        return "<p>No findings.</p>"
    counts = quality.groupby(["rule", "severity"]).size().reset_index(name="n")
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    counts = counts.sort_values(
        ["severity", "n", "rule"],
        key=lambda c: c.map(rank) if c.name == "severity" else c,
        ascending=[True, False, True],
    )
    rows = [
        [
            esc(r.rule),
            f'<span class="badge sev-{esc(r.severity)}">{esc(r.severity)}</span>',
            str(r.n),
        ]
        for r in counts.itertuples(index=False)
    ]
    return rows_to_table(["rule", "severity", "findings"], rows, numeric=(2,))


def plan_findings_html(quality: pd.DataFrame) -> str:
    """Given quality.parquet, return the findings about no objective (plan level),
    folded away when they are only info."""
    plan = quality[quality["objective_id"].isna()]
    if plan.empty:
        return "<p>None.</p>"
    rows = [
        [
            f'<span class="badge sev-{esc(f.severity)}">{esc(f.severity)}</span>',
            esc(f.rule),
            value_to_html(getattr(f, "page", None)),
            value_to_html(f.message),
        ]
        for f in plan.itertuples(index=False)
    ]
    table = rows_to_table(["severity", "rule", "page", "message"], rows, numeric=(2,))
    if set(plan["severity"]) <= {"info"}:
        return f"<details><summary>show {len(rows)} info findings</summary>\n{table}\n</details>"
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
        note = f" · relevance {value_to_html(share)}%" if share is not None else ""
        parts.append(
            f'<h3 id="{sector_anchor(str(label))}">{esc(label)}'
            f' <span class="meta">· {len(group)} objectives{note}</span></h3>'
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
                    esc(o.get("status", "")),
                    severity_badges(severities.get(oid, {}))
                    + (
                        f'<span class="badge fix">corrected: {esc(", ".join(fixes))}</span>'
                        if fixes
                        else ""
                    ),
                ]
            )
        parts.append(
            rows_to_table(
                ["objective", "n.", "subject", "assignee", "deadline", "status", "findings"], rows
            )
        )
    return "\n".join(parts)


def index_html(tables: ReviewTables) -> str:
    """Given the report's tables, return the summary page."""
    document, quality = tables.document, tables.quality
    corrected = objectives_to_corrected_fields(tables.objectives, quality)
    by_severity = quality["severity"].value_counts()
    cards = [(len(tables.objectives), "objectives"), (len(tables.targets), "sub-targets")]
    cards += [(int(by_severity.get(s, 0)), f"{s} findings") for s in SEVERITY_ORDER]
    cards.append((len(corrected), "objectives corrected by hand"))
    cards_html = "".join(
        f'<div class="card"><b>{n}</b><span>{esc(what)}</span></div>' for n, what in cards
    )
    label = document.get("revision_label") or document.get("revision") or tables.name
    body = f"""<h1>{esc(document.get("municipality") or tables.name)}: performance plan,
{esc(label)}</h1>
<p class="meta">Extracted folder <code>{esc(tables.name)}</code> · {
        esc(document.get("pages", "?"))
    } pages · every objective links to the part of the page it was read from.</p>
<div class="cards">{cards_html}</div>
<h2 id="by-sector">Findings by sector and severity</h2>
{severity_matrix_html(quality_to_severity_counts(quality, tables.objectives))}
<h2 id="by-rule">Findings by rule</h2>
{rule_counts_html(quality)}
<h2 id="findings">Findings about objectives</h2>
{findings_list_html(tables)}
<h2 id="plan-findings">Findings about the whole plan</h2>
{plan_findings_html(quality)}
<h2 id="objectives">Objectives by sector</h2>
{objectives_by_sector_html(tables, corrected)}"""
    return page_html(f"Review: {tables.name}", tables, body)


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
        mark = ' <span class="badge fix">corrected</span>' if column in corrected else ""
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
                cells.append(f'<span class="badge sev-{esc(value)}">{esc(value)}</span>')
            else:
                cells.append(value_to_html(value))
        rows.append(cells)
    return rows


def crops_html(objective_id: str, crops: list[Crop], source: str) -> str:
    """Given an objective and its crops, return one figure per page."""
    if not crops:
        return "<p>No cell boxes were recorded for this objective.</p>"
    figures = []
    for crop in crops:
        figures.append(
            f'<figure><a href="{esc(crop.file_name)}" title="open at full size">'
            f'<img src="{esc(crop.file_name)}" width="{crop.width}" '
            f'height="{crop.height}" alt="objective {esc(objective_id)} on page {crop.page}">'
            f"</a><figcaption>Page {crop.page} of {esc(source)}: each cell read is outlined "
            "in its field's colour (see the swatches below); the page around it is faded. "
            "Click the picture for full size.</figcaption></figure>"
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
        f'<a href="{INDEX_FILE}#{sector_anchor(label)}">summary · {esc(label)}</a>'
        f"<span>{link_or_blank(following, '', ' ›')}</span></nav>"
    )
    quality = tables.quality[tables.quality["objective_id"].astype("string") == oid]
    targets = tables.targets[tables.targets["objective_id"].astype("string") == oid]
    corrections = quality[quality["rule"] == MANUAL_CORRECTION_RULE]
    doubtful = quality.loc[quality["rule"] == LOW_OCR_RULE, "field"].astype(str).tolist()
    source = str((tables.document.get("source") or {}).get("file", "the source PDF"))
    pages = f"page {objective.get('page_first')}"
    if objective.get("page_last") != objective.get("page_first"):
        pages = f"pages {objective.get('page_first')}–{objective.get('page_last')}"
    badges = severity_badges(objective_severity_counts(quality).get(oid, {}))
    if corrected:
        badges += '<span class="badge fix">corrected by hand</span>'
    findings_table = (
        rows_to_table(QUALITY_SHOWN, frame_rows_html(quality, QUALITY_SHOWN), numeric=(6,))
        if len(quality)
        else "<p>None.</p>"
    )
    corrections_html = ""
    if len(corrected) or len(corrections):
        shown = ("field", "raw_value", "normalised_value", "message")
        corrections_html = (
            '<h2 id="corrections">Corrections applied</h2>\n'
            f"<p>Fields changed by a hand correction: {esc(', '.join(corrected)) or 'none'}."
            " The printed value stays in the PDF; the correction is data in "
            "<code>corrections/</code>.</p>\n"
            + (
                rows_to_table(shown, frame_rows_html(corrections, shown))
                if len(corrections)
                else ""
            )
        )
    targets_table = (
        rows_to_table(TARGET_SHOWN, frame_rows_html(targets, TARGET_SHOWN), numeric=(0, 2, 4))
        if len(targets)
        else "<p>None.</p>"
    )
    body = f"""{pager}
<h1 id="objective">{esc(oid)} · {value_to_html(objective.get("subject"))}</h1>
<p class="meta">{esc(label)} · n. {value_to_html(objective.get("number"))} · {esc(pages)} ·
status {esc(objective.get("status", "?"))} {badges}</p>
<h2 id="source">Where it was read</h2>
{crops_html(oid, crops, source)}
<h2 id="fields">Extracted fields</h2>
{fields_table_html(objective, corrected, doubtful)}
{corrections_html}
<h2 id="targets">Sub-targets</h2>
{targets_table}
<h2 id="findings">Findings</h2>
{findings_table}
{pager}"""
    return page_html(f"{oid} · {tables.name}", tables, body)


def link_or_blank(objective_id: object, before: str = "", after: str = "") -> str:
    """Given an objective_id or None, return a link to its page, or nothing."""
    if objective_id is None:
        return ""
    oid = str(objective_id)
    return f'<a href="{esc(objective_href(oid))}">{esc(before + oid + after)}</a>'


def review_to_pages(tables: ReviewTables, crops: list[Crop]) -> dict[str, str]:
    """Given the report's tables and the crops, return file name -> text of every page
    and the style sheet."""
    corrected = objectives_to_corrected_fields(tables.objectives, tables.quality)
    crops_by_objective: dict[str, list[Crop]] = {}
    for crop in sorted(crops, key=lambda c: c.page):
        crops_by_objective.setdefault(crop.objective_id, []).append(crop)
    pages = {STYLE_FILE: CSS, INDEX_FILE: index_html(tables)}
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
