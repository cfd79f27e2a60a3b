"""The normalisation stage: logical table rows to the objectives, targets and sector
weights tables, plus every repair and doubt as a `Finding`. Pure: no file is read or
written here, except the package's own bundled reference data (registry, missions).

Identifiers: `objective_id` is `f"{block:02d}.{seq:02d}"` — the 1-based block (sector
table, in document order) and the 1-based row inside it, zero-padded to two digits, so
"01.06" is the sixth row of the first table. The id depends on the printed layout only,
not on the printed n. (which can be blank or repeated).

A block's sector comes from its printed title when there is one ("CULTURA - SPORT");
otherwise from its rows' assignees, the most common sector among their keys, or null
when every assignee is cross-cutting. A title, a block of assignees or an assignee that
names no key of the registry raises `NormalisationError` with the registry file, the
label, the page, the three closest keys and the `piano registry add` command that adds
it; with `unknown_labels: derive` the key is derived from the label instead, with a
`label_key_derived` warning. A blank assignee cell (merged with the row above in print)
takes the block's sector.

Findings raised here (rule: severity) on top of those of the modules it composes:
`assignee_from_block`: info, `assignee_from_row_above`: info,
`assignee_outside_block_sector`: warning, `block_sector_tie`: warning,
`number_missing`: info, `number_duplicate`: warning, `plan_name_revision_mismatch`:
warning (the plan's name holds another YYYY-MM than the title's revision).

Every output table starts with `plan`, the plan's name (its key in params.yaml, the
output folder's name), so tables of several plans read together stay apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import __version__
from pipeline.core.contract import (
    EXTRACTION_FILE,
    EXTRACTION_TABLES,
    OBJECTIVE_COLUMNS,
    OBJECTIVE_EXTRA_COLUMNS,
    OBJECTIVE_FIELDS,
    SEVERITIES,
    TEXT_DTYPE,
    block_seq_to_objective_id,
    check_plan_name,
    is_revision,
    objectives_with_target_totals,
    plan_to_month,
    table_with_plan,
)
from pipeline.core.errors import ExtractionError, InputError, NormalisationError
from pipeline.core.folders import folder_to_tables, tables_to_folder
from pipeline.core.missions import bundled_missioni_programmi, known_mission_programmes
from pipeline.core.quality import Finding, findings_to_frame, frame_to_findings
from pipeline.core.settings import Settings, setting
from pipeline.normalise.deadlines import deadline_texts_to_context_year, text_to_deadline
from pipeline.normalise.dup import text_to_dup_code
from pipeline.normalise.penalties import objectives_to_penalties
from pipeline.normalise.registry import (
    DEFAULT_MIN_LABEL_MARGIN,
    DEFAULT_MIN_LABEL_SCORE,
    UNKNOWN_LABELS,
    RegistryInUse,
    label_to_match,
    load_registry,
    match_to_findings,
    registry_path_in_use,
    title_to_match,
)
from pipeline.normalise.relevance import (
    DEFAULT_RELEVANCE_TOLERANCE,
    DEFAULT_RELEVANCE_TOTAL,
    relevance_to_sector_weights,
    sectors_to_coverage_findings,
)
from pipeline.normalise.status import texts_to_status
from pipeline.normalise.targets import (
    DEFAULT_WEIGHT_TOLERANCE,
    DEFAULT_WEIGHT_TOTAL,
    objectives_to_targets,
)

ROW_COLUMNS = ["block", "seq", "block_title", "page_first", "page_last", *OBJECTIVE_FIELDS]


# the printed cells of a row, in printed order
TEXT_COLUMNS = list(OBJECTIVE_FIELDS)
READING_COLUMNS = [
    "deadline",
    "deadline_status",
    "status",
    "dup_mission",
    "dup_programme",
    "dup_programme_name",
]


@dataclass(frozen=True)
class NormaliseSettings(Settings):
    """Tuning knobs of the normalisation stage (params.yaml section `normalise:`)."""

    min_label_score: float = setting(DEFAULT_MIN_LABEL_SCORE, low=0, high=100)
    min_label_margin: float = setting(DEFAULT_MIN_LABEL_MARGIN, low=0, high=100)
    weight_total: float = setting(DEFAULT_WEIGHT_TOTAL, low=0, high=100)
    weight_tolerance: float = setting(DEFAULT_WEIGHT_TOLERANCE, low=0, below=100)
    relevance_total: float = setting(DEFAULT_RELEVANCE_TOTAL, low=0, high=100)
    relevance_tolerance: float = setting(DEFAULT_RELEVANCE_TOLERANCE, low=0, below=100)
    registry_path: str | None = setting(None, nonempty=True)
    unknown_labels: str = setting("stop", choices=UNKNOWN_LABELS)


@dataclass
class NormalisedPlan:
    """The stage's output: the three tables and every finding, in document order."""

    objectives: pd.DataFrame
    targets: pd.DataFrame
    sector_weights: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)


def rows_to_checked_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Given extraction's rows, return them typed, blanks as "", with `objective_id`."""
    missing = [c for c in ROW_COLUMNS if c not in rows.columns]
    if missing:
        raise NormalisationError(f"rows lack columns {missing}", field="rows")
    table = rows.reset_index(drop=True).copy()
    for col in ("block", "seq", "page_first", "page_last"):
        if table[col].isna().any():
            raise NormalisationError(f"rows have blank {col!r}", field=col)
        table[col] = table[col].astype("int64")
    for col in TEXT_COLUMNS:
        table[col] = table[col].astype(TEXT_DTYPE).fillna("")
    table["block_title"] = table["block_title"].astype(TEXT_DTYPE).str.strip()
    table["block_title"] = table["block_title"].mask(table["block_title"].eq(""))
    duplicated = table.duplicated(["block", "seq"], keep=False)
    if duplicated.any():
        first = table[duplicated].iloc[0]
        raise NormalisationError(
            "two rows share one (block, seq)",
            page=int(first["page_first"]),
            row=f"{first['block']}.{first['seq']}",
        )
    table["objective_id"] = [
        block_seq_to_objective_id(b, s) for b, s in zip(table["block"], table["seq"], strict=True)
    ]
    return table.sort_values(["block", "seq"], kind="stable").reset_index(drop=True)


def block_rows_to_sector(
    block_rows: pd.DataFrame, labels: RegistryInUse, settings: NormaliseSettings
) -> tuple[str | None, list[Finding]]:
    """Given one block's rows (block_title, assignee_raw, page_first), return its sector.

    Raises `NormalisationError` when the sector cannot be determined.
    """
    registry = labels.registry
    block = int(block_rows["block"].iloc[0])
    page = int(block_rows["page_first"].iloc[0])
    title = block_rows["block_title"].iloc[0]
    if pd.notna(title):
        match = title_to_match(
            str(title), registry, settings.min_label_score, settings.min_label_margin
        )
        if match.key is None:
            return labels.unknown_label_to_key(match, "sector", None, "sector", page)
        findings = [replace(f, page=page) for f in match_to_findings(match, "sector", page)]
        return registry.sector_of(match.key), findings
    votes: list[str] = []
    unmatched = []
    for label, row_page in zip(block_rows["assignee_raw"], block_rows["page_first"], strict=True):
        if not label.strip():
            continue
        match = label_to_match(
            label,
            registry,
            min_score=settings.min_label_score,
            min_margin=settings.min_label_margin,
        )
        if match.key is None:
            unmatched.append((match, int(row_page)))
        elif registry.sector_of(match.key) is not None:
            votes.append(str(registry.sector_of(match.key)))
    if not votes and unmatched:
        # no title and no assignee names a sector: the first unknown assignee is the sector
        first, row_page = unmatched[0]
        return labels.unknown_label_to_key(first, "sector", None, "sector", row_page)
    if not votes and block_rows["assignee_raw"].str.strip().eq("").all():
        raise NormalisationError(
            f"block {block}: no title and every assignee cell is blank", page=page, field="sector"
        )
    if not votes:
        return None, []
    counts = Counter(votes).most_common()
    sector = counts[0][0]
    tied = [s for s, n in counts if n == counts[0][1]]
    if len(tied) > 1:
        message = f"block {block}: assignees name sectors {tied} equally often; the first is kept"
        return sector, [
            Finding(
                "sector",
                "block_sector_tie",
                "warning",
                ", ".join(tied),
                sector,
                message,
                None,
                page,
            )
        ]
    return sector, []


def blank_assignee_to_key(
    sector: str | None, previous_key: str | None, oid: str, page: int
) -> tuple[str, list[Finding]]:
    """Given a blank assignee's block sector and the key of the row above, return its key.

    The cell was merged with the row above in print: the block's sector stands in for it,
    or, in a block without a sector, the row above's assignee.
    """
    if sector is not None:
        key, rule, where = sector, "assignee_from_block", "the block's sector"
    elif previous_key is not None:
        key, rule, where = previous_key, "assignee_from_row_above", "the row above"
    else:
        raise NormalisationError(
            "blank assignee in a block with no sector and no row above",
            page=page,
            row=oid,
            field="assignee",
        )
    message = f"blank assignee (merged with the row above in print): {key!r} from {where}"
    return key, [Finding("assignee", rule, "info", "", key, message, oid, page)]


def printed_assignee_to_key(
    raw: str,
    sector: str | None,
    labels: RegistryInUse,
    settings: NormaliseSettings,
    oid: str,
    page: int,
) -> tuple[str, list[Finding]]:
    """Given a printed assignee and its block's sector, return its key and findings.

    An unmatched label stops the run, or, with `unknown_labels: derive`, gets a key derived
    from it, in the block's sector, with a warning.
    """
    registry = labels.registry
    match = label_to_match(
        raw, registry, min_score=settings.min_label_score, min_margin=settings.min_label_margin
    )
    found = [replace(f, objective_id=oid) for f in match_to_findings(match, "assignee", page)]
    if match.key is None:
        key, derived = labels.unknown_label_to_key(match, "assignee", sector, "assignee", page)
        return key, [replace(f, objective_id=oid) for f in derived]
    own_sector = registry.sector_of(match.key)
    if sector is not None and own_sector is not None and own_sector != sector:
        message = f"assignee {match.key!r} belongs to {own_sector!r}, not the block's {sector!r}"
        rule = "assignee_outside_block_sector"
        found.append(Finding("assignee", rule, "warning", raw, match.key, message, oid, page))
    return match.key, found


def rows_to_assignees(
    table: pd.DataFrame,
    block_sectors: Mapping[int, str | None],
    labels: RegistryInUse,
    settings: NormaliseSettings,
) -> tuple[list[str], list[Finding]]:
    """Given checked rows (block, assignee_raw, objective_id, page_first) and each block's
    sector, return each row's assignee key and the findings.
    """
    keys: list[str] = []
    findings: list[Finding] = []
    previous: dict[int, str] = {}
    for row in table.itertuples(index=False):
        block, oid, page = int(row.block), str(row.objective_id), int(row.page_first)
        raw = str(row.assignee_raw)
        if raw.strip():
            key, found = printed_assignee_to_key(
                raw, block_sectors[block], labels, settings, oid, page
            )
        else:
            key, found = blank_assignee_to_key(block_sectors[block], previous.get(block), oid, page)
        findings += found
        previous[block] = key
        keys.append(key)
    return keys, findings


def rows_to_number_findings(table: pd.DataFrame) -> list[Finding]:
    """Given checked rows, flag blank numbers and numbers repeated inside one block."""
    findings = []
    seen: dict[tuple[int, str], str] = {}
    for row in table.itertuples(index=False):
        number, oid, page = str(row.number).strip(), str(row.objective_id), int(row.page_first)
        if not number:
            findings.append(
                Finding(
                    "number", "number_missing", "info", "", None, "the n. cell is blank", oid, page
                )
            )
            continue
        first = seen.setdefault((int(row.block), number), oid)
        if first != oid:
            message = f"number {number!r} is printed twice in block {row.block} (also {first})"
            findings.append(
                Finding("number", "number_duplicate", "warning", number, number, message, oid, page)
            )
    return findings


def rows_to_block_sectors(
    table: pd.DataFrame, labels: RegistryInUse, settings: NormaliseSettings
) -> tuple[dict[int, str | None], list[Finding]]:
    """Given checked rows, return each block's sector key and the findings."""
    block_sectors: dict[int, str | None] = {}
    findings: list[Finding] = []
    for block, block_rows in table.groupby("block", sort=True):
        sector, found = block_rows_to_sector(block_rows, labels, settings)
        block_sectors[int(block)] = sector
        findings += found
    return block_sectors, findings


def rows_to_readings(
    table: pd.DataFrame, plan_year: int | None
) -> tuple[pd.DataFrame, list[Finding]]:
    """Given checked rows, return their deadline, deadline_status, status, dup_mission,
    dup_programme and dup_programme_name (one row each, same order) and the findings.
    """
    context_year = plan_year or deadline_texts_to_context_year(table["deadline_raw"])
    known = known_mission_programmes()
    names = bundled_missioni_programmi().set_index(["mission", "programme"])["programme_name"]
    records, findings = [], []
    for row in table.itertuples(index=False):
        oid, page = str(row.objective_id), int(row.page_first)
        deadline = text_to_deadline(str(row.deadline_raw), context_year, plan_year)
        status = texts_to_status(
            str(row.description),
            str(row.indicator),
            str(row.expected_result),
            str(row.deadline_raw),
            plan_year,
        )
        dup = text_to_dup_code(str(row.dup_raw), known)
        for f in (*dup.findings, *deadline.findings, *status.findings):
            findings.append(replace(f, objective_id=oid, page=page))
        records.append(
            {
                "deadline": deadline.value,
                "deadline_status": deadline.status,
                "status": status.status,
                "dup_mission": dup.mission,
                "dup_programme": dup.programme,
                "dup_programme_name": names.get((dup.mission, dup.programme)),
            }
        )
    readings = pd.DataFrame.from_records(records, columns=READING_COLUMNS)
    # datetime.date objects: Parquet date32, read back as dates with None for nulls
    readings["deadline"] = pd.Series(list(readings["deadline"]), dtype=object)
    for col in ("dup_mission", "dup_programme"):
        readings[col] = pd.array(list(readings[col]), dtype="Int64")
    return readings, findings


def rows_to_objectives(
    table: pd.DataFrame,
    revision: str,
    block_sectors: Mapping[int, str | None],
    assignees: list[str],
    readings: pd.DataFrame,
) -> pd.DataFrame:
    """Given checked rows, block sectors, assignee keys and readings (same order), return
    objectives with the contract columns, block_title, dup_programme_name and any
    further column of the rows (extraction's extras), unchanged.
    """
    number = table["number"].str.strip()
    objectives = pd.DataFrame(
        {
            "revision": revision,
            "objective_id": table["objective_id"],
            "block": table["block"],
            "seq": table["seq"],
            "sector": [block_sectors[int(b)] for b in table["block"]],
            "number": number.mask(number.eq("")),
            "assignee_raw": table["assignee_raw"],
            "assignee": assignees,
            "dup_raw": table["dup_raw"].mask(table["dup_raw"].str.strip().eq("")),
            "subject": table["subject"],
            "description": table["description"],
            "indicator": table["indicator"],
            "expected_result": table["expected_result"],
            "deadline_raw": table["deadline_raw"],
            "page_first": table["page_first"],
            "page_last": table["page_last"],
            "block_title": table["block_title"],
        }
    )
    for col in READING_COLUMNS:
        objectives[col] = readings[col].array
    for col in table.columns:
        if col not in objectives.columns and col not in ROW_COLUMNS:
            objectives[col] = table[col].array  # extraction's extras, e.g. row_confidence
    return objectives


def normalise_plan(
    rows: pd.DataFrame,
    relevance: pd.DataFrame,
    revision: str,
    plan_year: int | None,
    settings: NormaliseSettings | None = None,
) -> NormalisedPlan:
    """Given extraction's rows and relevance rows, return the normalised plan.

    `rows`: block, seq, block_title, page_first, page_last, number, assignee_raw,
    dup_raw, subject, description, indicator, expected_result, deadline_raw.
    `relevance`: label_raw, value_raw, page. Returns objectives (contract columns in
    order, then block_title, dup_programme_name, target_count, weight_total), targets,
    sector_weights and the findings, grouped by objective in document order.
    """
    settings = settings or NormaliseSettings()
    registry_file = registry_path_in_use(settings.registry_path)
    labels = RegistryInUse(
        load_registry(registry_file),
        registry_file,
        "derive" if settings.unknown_labels == "derive" else "stop",
    )
    table = rows_to_checked_rows(rows)
    block_sectors, findings = rows_to_block_sectors(table, labels, settings)
    assignees, found = rows_to_assignees(table, block_sectors, labels, settings)
    findings += found + rows_to_number_findings(table)
    readings, found = rows_to_readings(table, plan_year)
    findings += found
    objectives = rows_to_objectives(table, revision, block_sectors, assignees, readings)
    penalties, found = objectives_to_penalties(objectives)
    objectives = pd.concat([objectives, penalties], axis=1)
    findings += found
    targets, found = objectives_to_targets(
        objectives, settings.weight_total, settings.weight_tolerance
    )
    findings += found
    sector_weights, found = relevance_to_sector_weights(
        relevance,
        revision,
        labels.registry,
        settings.min_label_score,
        settings.min_label_margin,
        settings.relevance_total,
        settings.relevance_tolerance,
    )
    findings += found + sectors_to_coverage_findings(block_sectors, sector_weights)
    return NormalisedPlan(
        objectives=objectives_to_dtypes(objectives_with_target_totals(objectives, targets)),
        targets=targets,
        sector_weights=sector_weights,
        findings=findings_in_document_order(findings, list(table["objective_id"])),
    )


def objectives_to_dtypes(objectives: pd.DataFrame) -> pd.DataFrame:
    """Given an objectives frame, return it in contract column order with its dtypes;
    columns beyond the contract's and this stage's extras (passed through from
    extraction, e.g. row_confidence) keep their dtype and come last.
    """
    known = OBJECTIVE_COLUMNS + OBJECTIVE_EXTRA_COLUMNS
    typed = objectives[known + [c for c in objectives.columns if c not in known]].copy()
    for col in (
        "revision", "objective_id", "sector", "number", "assignee_raw", "assignee", "dup_raw",
        "subject", "description", "indicator", "expected_result", "deadline_raw",
        "deadline_status", "status", "block_title", "dup_programme_name", "penalty_raw",
    ):  # fmt: skip
        typed[col] = typed[col].astype(TEXT_DTYPE)
    typed["penalty_pct_per_month"] = typed["penalty_pct_per_month"].astype("Float64")
    for col in ("block", "seq", "page_first", "page_last", "target_count"):
        typed[col] = typed[col].astype("int64")
    return typed


def findings_in_document_order(findings: list[Finding], objective_ids: list[str]) -> list[Finding]:
    """Given findings and the objectives' ids in order, return findings grouped by objective.

    Findings of one objective keep the order they were raised in; plan-level findings
    (no objective) come last.
    """
    position = {oid: i for i, oid in enumerate(objective_ids)}
    last = len(objective_ids)
    return sorted(
        findings,
        key=lambda f: position.get(f.objective_id, last) if f.objective_id is not None else last,
    )


def plan_name_to_findings(plan_name: str, title_revision: str | None) -> list[Finding]:
    """Given a plan's name and the revision read from its title, return a warning when the
    name's YYYY-MM is another month (a file named `…-2021-12` whose title says November)."""
    month = plan_to_month(plan_name)
    if month is None or title_revision is None or month == title_revision:
        return []
    message = (
        f"the plan's name {plan_name!r} says {month}, its title says {title_revision}: "
        "a file named after another revision?"
    )
    return [
        Finding(
            "revision",
            "plan_name_revision_mismatch",
            "warning",
            month,
            title_revision,
            message,
            None,
            1,
        )
    ]


def extraction_to_outputs(
    tables: Mapping[str, pd.DataFrame],
    meta: Mapping[str, Any],
    revision: str | None,
    settings: NormaliseSettings,
    plan_name: str,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given the extract stage's tables (EXTRACTION_TABLES) and extraction.json's content,
    an optional revision overriding the title's and the plan's name, return the
    normalised output tables (OUTPUT_TABLES, each with `plan` first) and document.json's
    content."""
    check_plan_name(plan_name)
    rows = tables["rows"].copy()
    for column in ("block_title", *OBJECTIVE_FIELDS, "extra"):
        if column in rows:
            rows[column] = rows[column].astype("string")
    info = meta["info"]
    if revision is not None and not is_revision(revision):
        raise InputError("--revision must read YYYY-MM", value=revision)
    revision = revision or info["revision"]
    if revision is None:
        raise ExtractionError(
            "no revision label such as '(aggiornamento novembre 2021)' in "
            "the title; pass --revision YYYY-MM",
            file=meta["source"],
            page=1,
        )
    try:
        plan = normalise_plan(rows, tables["relevance"], revision, info["plan_year"], settings)
    except NormalisationError as error:
        error.file = error.file or meta["source"]  # the one line names the plan's PDF
        raise
    plan.findings[:0] = frame_to_findings(tables["quality"])
    plan.findings += plan_name_to_findings(plan_name, info["revision"])
    outputs = {
        name: table_with_plan(table, plan_name)
        for name, table in plan_to_tables(tables["cells"], plan).items()
    }
    return outputs, {"plan": plan_name, **document_json(meta, plan, outputs)}


def plan_to_tables(cells: pd.DataFrame, plan: NormalisedPlan) -> dict[str, pd.DataFrame]:
    """Given the extracted cell boxes and the normalised plan, return the output tables
    by name."""
    revision = str(plan.objectives["revision"].iloc[0])
    cells = cells.copy()
    cells.insert(
        0,
        "objective_id",
        [
            block_seq_to_objective_id(b, s)
            for b, s in zip(cells["block"], cells["seq"], strict=True)
        ],
    )
    cells.insert(0, "revision", revision)
    cells = cells.drop(columns=["block", "seq"])
    cells["revision"] = cells["revision"].astype("string")
    cells["objective_id"] = cells["objective_id"].astype("string")
    cells["field"] = cells["field"].astype("string")
    return {
        "objectives": plan.objectives,
        "targets": plan.targets,
        "sector_weights": plan.sector_weights,
        "quality": findings_to_frame(plan.findings, revision),
        "cells": cells,
    }


def document_json(
    meta: Mapping[str, Any], plan: NormalisedPlan, tables: dict[str, pd.DataFrame]
) -> dict[str, Any]:
    """Given extraction.json's content, the plan and its output tables, return
    document.json's content."""
    quality = tables["quality"]
    # only where pages were skipped, so a whole plan's document.json is as it always was
    unreadable = (
        {"unreadable_pages": meta["unreadable_pages"]} if meta.get("unreadable_pages") else {}
    )
    return {
        "municipality": meta["info"]["municipality"],
        "revision": str(plan.objectives["revision"].iloc[0]),
        "revision_label": meta["info"]["revision_label"],
        "pages": meta["pages"],
        **unreadable,
        "source": {"file": meta["source"], "sha256": meta["sha256"]},
        "pipeline_version": __version__,
        "counts": {
            "objectives": int(len(tables["objectives"])),
            "targets": int(len(tables["targets"])),
            "findings": int(len(quality)),
            "findings_by_severity": {s: int((quality["severity"] == s).sum()) for s in SEVERITIES},
        },
        "grid": [
            {"page": c["page"], "finder": c["finder"], "tables": c["tables"]} for c in meta["grid"]
        ],
    }


def extraction_folder_to_folder(
    folder: Path, out: Path, revision: str | None, settings: NormaliseSettings, plan_name: str
) -> None:
    """Given the extract stage's folder and the plan's name, write the normalised tables
    and document.json into `out`, all or nothing."""
    tables, meta = folder_to_tables(folder, EXTRACTION_TABLES, EXTRACTION_FILE)
    tables_to_folder(*extraction_to_outputs(tables, meta, revision, settings, plan_name), out)
