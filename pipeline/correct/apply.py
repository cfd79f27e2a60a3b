"""The correction stage: the normalised tables with the analysts' hand corrections
applied, each checked against the value it replaces. Pure: tables and `Correction`s in,
tables out; reading the corrections files is `pipeline.correct.files`'.

An entry applies when its objective (and target) exists, still reads as the entry says
(printed number and subject, the target's text) and the column holds the entry's `old`
value. Otherwise it is `stale` (the column holds something else), `already_equal` (it
already holds `new`: the extractor caught up, delete the entry) or `missing_objective`,
and the stage stops rather than overwrite a value nobody has looked at.

Output: each corrected cell holds its new value; objectives and targets gain
`corrected_fields`, the comma-joined names of the corrected fields in file order (an
objective's list names its targets' fields as `targets[N].field`; "" when none); one
`manual_correction` info finding per entry joins the quality table (raw_value: the
replaced value, normalised_value: the new one, message: reason, who and when).
weight_total and dup_programme_name follow a corrected weight or DUP code. Correcting a
printed column does not re-read the normalised columns derived from it: an entry per
column says exactly what changed. With no entries the tables are returned as they are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from pipeline.core.contract import (
    CORRECTED_FIELDS,
    MANUAL_CORRECTION_RULE,
    objectives_with_target_totals,
)
from pipeline.core.errors import CorrectionError
from pipeline.core.missions import bundled_missioni_programmi
from pipeline.core.quality import Finding, findings_to_frame
from pipeline.correct.corrections import (
    CORRECTABLE_FIELDS,
    Correction,
    FieldSpec,
    Value,
    squash,
    text_to_value,
    value_to_text,
)

State = Literal["applied", "stale", "missing_objective", "already_equal"]


@dataclass(frozen=True)
class CorrectionCheck:
    """Whether one entry applies to one plan's tables: its state, the value the column
    holds now (None when the objective is missing) and a sentence saying why."""

    correction: Correction
    state: State
    current: Value
    detail: str

    @property
    def applies(self) -> bool:
        """True when the entry can be applied."""
        return self.state == "applied"


def corrections_for_source(corrections: Iterable[Correction], source: str) -> list[Correction]:
    """Given a revision's entries and a source PDF's name (with or without `.pdf`),
    return the entries for it: those without `source` and those naming it."""
    stem = source_to_stem(source)
    return [c for c in corrections if c.source is None or c.source == stem]


def source_to_stem(source: str) -> str:
    """Given a source path or file name, return its name without folder and `.pdf`."""
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-4] if name.lower().endswith(".pdf") else name


def cell_to_value(value: Any) -> Value:
    """Given a cell as pandas holds it (NaN, pd.NA, numpy scalars, dates), return it as
    a plain value with None for null, comparable to a corrections entry's value."""
    if value is None or (not isinstance(value, dt.date | str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    return value  # type: ignore[no-any-return]


def values_equal(spec: FieldSpec, a: Value, b: Value) -> bool:
    """Given a column's spec and two of its values, return whether they are the same
    (floats within a rounding error)."""
    if a is None or b is None:
        return a is None and b is None
    if spec.kind == "float":
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)  # type: ignore[arg-type]
    return a == b


def correction_to_row(
    tables: dict[str, pd.DataFrame], correction: Correction
) -> tuple[int | None, str]:
    """Given the tables and an entry, return the row index of the corrected cell in its
    table, or None and why the entry's objective (or target) cannot be found."""
    objectives = tables["objectives"]
    oid = correction.objective_id
    found = objectives.index[objectives["objective_id"] == oid]
    if len(found) == 0:
        return None, f"objective {oid} does not exist"
    row = objectives.loc[found[0]]
    number, subject = (
        value_to_text(cell_to_value(row["number"])),
        value_to_text(cell_to_value(row["subject"])),
    )
    if squash(correction.number) != squash(number) or squash(correction.subject) != squash(subject):
        return None, (
            f"objective {oid} now reads n. {number!r} {squash(subject)[:60]!r}, "
            f"not n. {correction.number!r} {squash(correction.subject)[:60]!r}: "
            "the rows moved; find the objective and update the entry"
        )
    if correction.spec.table == "objectives":
        return int(found[0]), ""
    targets = tables["targets"]
    seq = correction.target_seq
    hits = targets.index[(targets["objective_id"] == oid) & (targets["target_seq"] == seq)]
    if len(hits) == 0:
        return None, f"objective {oid} has no target {seq}"
    text = value_to_text(cell_to_value(targets.loc[hits[0], "text"]))
    if squash(text) != squash(correction.target_text):
        return None, (
            f"target {seq} of {oid} now reads {squash(text)[:60]!r}, not "
            f"{squash(correction.target_text)[:60]!r}: update the entry"
        )
    return int(hits[0]), ""


def correction_to_check(tables: dict[str, pd.DataFrame], correction: Correction) -> CorrectionCheck:
    """Given the (uncorrected) tables and an entry, return whether it applies."""
    row, why = correction_to_row(tables, correction)
    if row is None:
        return CorrectionCheck(correction, "missing_objective", None, why)
    spec = correction.spec
    current = cell_to_value(tables[spec.table].at[row, correction.field])
    if values_equal(spec, current, correction.old):
        return CorrectionCheck(
            correction, "applied", current, f"{show(correction.old)} → {show(correction.new)}"
        )
    if values_equal(spec, current, correction.new):
        return CorrectionCheck(
            correction,
            "already_equal",
            current,
            f"the pipeline already gives {show(correction.new)}; delete the entry",
        )
    hint = ""
    if spec.kind == "text" and squash(value_to_text(current)) == squash(
        value_to_text(correction.old)
    ):
        hint = " (they differ only in spaces or line breaks)"
    return CorrectionCheck(
        correction,
        "stale",
        current,
        f"the entry replaces {show(correction.old)} but the pipeline now "
        f"gives {show(current)}{hint}; check the page and update or "
        "delete the entry",
    )


def show(value: Value) -> str:
    """Given a value, return it as a message shows it: text quoted, null as `null`."""
    text = value_to_text(value)
    if text is None:
        return "null"
    return repr(text) if isinstance(value, str) else text


def corrections_to_checks(
    tables: dict[str, pd.DataFrame], corrections: Iterable[Correction]
) -> list[CorrectionCheck]:
    """Given the (uncorrected) tables and entries, return every entry's check, in order."""
    return [correction_to_check(tables, c) for c in corrections]


def tables_to_new_correction(
    tables: dict[str, pd.DataFrame],
    objective_id: str,
    field: str,
    new: Value,
    *,
    target_seq: int | None,
    reason: str,
    by: str,
    date: dt.date,
    file: str,
    source: str | None = None,
) -> Correction:
    """Given the (uncorrected) tables and what an analyst wants corrected, return the
    entry that does it: `old` is the value the column holds now, `number`, `subject`
    (and `target_text`) how the objective reads now. Raises `CorrectionError` when the
    objective or target does not exist, `target_seq` is given for an objective's field
    or missing for a target's, or the column already holds `new`."""
    spec = CORRECTABLE_FIELDS[field]
    if (spec.table == "targets") != (target_seq is not None):
        raise CorrectionError(
            "a target's field (text, weight_pct, operator, value, unit) "
            "needs target_seq, and only a target's field takes one",
            row=objective_id,
            field=field,
        )
    objectives = tables["objectives"]
    rows = objectives.index[objectives["objective_id"] == objective_id]
    if len(rows) == 0:
        raise CorrectionError(f"no objective {objective_id}", row=objective_id, field=field)
    row, target_text = int(rows[0]), None
    if target_seq is not None:
        targets = tables["targets"]
        hits = targets.index[
            (targets["objective_id"] == objective_id) & (targets["target_seq"] == target_seq)
        ]
        if len(hits) == 0:
            raise CorrectionError(
                f"objective {objective_id} has no target {target_seq}",
                row=objective_id,
                field=field,
            )
        row, target_text = int(hits[0]), value_to_text(cell_to_value(targets.at[hits[0], "text"]))
    old = cell_to_value(tables[spec.table].at[row, field])
    if values_equal(spec, old, new):
        raise CorrectionError(
            f"the pipeline already gives {show(new)}: nothing to correct",
            row=objective_id,
            field=field,
        )
    return Correction(
        file=file,
        line=0,
        objective_id=objective_id,
        number=value_to_text(cell_to_value(objectives.at[rows[0], "number"])),
        subject=value_to_text(cell_to_value(objectives.at[rows[0], "subject"])) or "",
        field=field,
        old=old,
        new=new,
        reason=reason.strip(),
        by=by.strip(),
        date=date,
        target_seq=target_seq,
        target_text=target_text,
        source=source,
    )


def check_to_error(check: CorrectionCheck, others: int = 0) -> CorrectionError:
    """Given a check that does not apply, return the error that stops the run, naming
    the entry's file, line, objective and field (and how many more do not apply)."""
    c = check.correction
    more = (
        (
            f" ({others} more entr{'y' if others == 1 else 'ies'} not applicable; "
            "see `piano corrections check`)"
        )
        if others
        else ""
    )
    return CorrectionError(
        f"correction not applicable ({check.state}): {check.detail}{more}",
        file=c.file,
        line=c.line,
        row=c.objective_id,
        field=c.field_label,
    )


def apply_corrections(
    tables: dict[str, pd.DataFrame], corrections: list[Correction]
) -> dict[str, pd.DataFrame]:
    """Given the normalised tables (objectives, targets, quality, ...) and the entries
    for this plan, return the tables with every entry applied, `corrected_fields` on
    objectives and targets and one `manual_correction` row per entry in quality.

    Raises `CorrectionError` for the first entry that does not apply; with no entries
    returns `tables` unchanged.
    """
    if not corrections:
        return tables
    checks = corrections_to_checks(tables, corrections)
    failed = [c for c in checks if not c.applies]
    if failed:
        raise check_to_error(failed[0], len(failed) - 1)
    result = dict(tables)
    for table in ("objectives", "targets"):
        result[table] = tables[table].copy()
    rows = []
    for correction in corrections:
        row, _ = correction_to_row(tables, correction)
        assert row is not None  # checked above
        frame = result[correction.spec.table]
        frame[correction.field] = series_with_value(frame[correction.field], row, correction.new)
        rows.append(row)
    result["objectives"] = objectives_with_corrected_fields(result["objectives"], corrections)
    result["targets"] = targets_with_corrected_fields(result["targets"], corrections, rows)
    result["objectives"] = objectives_with_derived_columns(
        result["objectives"], result["targets"], [(c.objective_id, c.field) for c in corrections]
    )
    revision = str(tables["objectives"]["revision"].iloc[0])
    findings = corrections_to_findings(tables["objectives"], corrections)
    result["quality"] = pd.concat(
        [tables["quality"], findings_to_frame(findings, revision)], ignore_index=True
    )
    return result


def series_with_value(series: pd.Series, row: int, value: Value) -> pd.Series:
    """Given a column, a row index and a value, return the column with that cell set,
    in the column's own dtype (null as the dtype's null)."""
    values = series.copy()
    values.loc[row] = value
    return values.astype(series.dtype)


def objectives_with_corrected_fields(
    objectives: pd.DataFrame, corrections: list[Correction]
) -> pd.DataFrame:
    """Given objectives and the applied entries, return objectives with
    `corrected_fields`: the corrected fields of each objective and of its targets
    (`targets[N].field`), comma-joined in file order; "" when none."""
    labels: dict[str, list[str]] = {}
    for c in corrections:
        labels.setdefault(c.objective_id, []).append(c.field_label)
    result = objectives.copy()
    result[CORRECTED_FIELDS] = pd.array(
        [",".join(labels.get(oid, [])) for oid in objectives["objective_id"]],
        dtype=objectives["objective_id"].dtype,
    )
    return result


def targets_with_corrected_fields(
    targets: pd.DataFrame, corrections: list[Correction], rows: list[int]
) -> pd.DataFrame:
    """Given targets, the applied entries and each entry's row, return targets with
    `corrected_fields`: each target's corrected fields comma-joined; "" when none."""
    labels: dict[int, list[str]] = {}
    for c, row in zip(corrections, rows, strict=True):
        if c.spec.table == "targets":
            labels.setdefault(row, []).append(c.field)
    result = targets.copy()
    result[CORRECTED_FIELDS] = pd.array(
        [",".join(labels.get(int(i), [])) for i in targets.index],
        dtype=targets["objective_id"].dtype,
    )
    return result


def objectives_with_derived_columns(
    objectives: pd.DataFrame, targets: pd.DataFrame, changed: Iterable[tuple[str, str]]
) -> pd.DataFrame:
    """Given objectives, their targets and the (objective_id, field) pairs whose value
    changed, return objectives whose weight_total (after a weight changed) and
    dup_programme_name (after a DUP code changed) agree with the values they hold."""
    changed = list(changed)
    result = objectives
    if any(field == "weight_pct" for _, field in changed):
        result = objectives_with_target_totals(result, targets)
    dup_ids = {oid for oid, field in changed if field in ("dup_mission", "dup_programme")}
    if dup_ids and "dup_programme_name" in result:
        names = bundled_missioni_programmi().set_index(["mission", "programme"])["programme_name"]
        result = result.copy()
        column = result["dup_programme_name"].copy()
        for i in result.index[result["objective_id"].isin(dup_ids)]:
            key = (
                cell_to_value(result.at[i, "dup_mission"]),
                cell_to_value(result.at[i, "dup_programme"]),
            )
            column = series_with_value(column, int(i), names.get(key))
        result["dup_programme_name"] = column
    return result


def corrections_to_findings(
    objectives: pd.DataFrame, corrections: list[Correction]
) -> list[Finding]:
    """Given the objectives (for their first page) and the applied entries, return one
    `manual_correction` info finding per entry: replaced and new value, reason, who,
    when and where the entry is."""
    pages = dict(zip(objectives["objective_id"], objectives["page_first"], strict=True))
    findings = []
    for c in corrections:
        page = pages.get(c.objective_id)
        message = (
            f"hand correction by {c.by} on {c.date.isoformat()} ({c.file} line "
            f"{c.line}): {c.reason}"
        )
        findings.append(
            Finding(
                c.field_label,
                MANUAL_CORRECTION_RULE,
                "info",
                value_to_text(c.old),
                value_to_text(c.new),
                message,
                c.objective_id,
                None if page is None else int(page),
            )
        )
    return findings


def field_label_to_address(label: str) -> tuple[str, int | None]:
    """Given a corrected field's label (`deadline`, `targets[2].weight_pct`), return the
    field and the target_seq (None for an objective's field)."""
    if label.startswith("targets[") and "]." in label:
        seq, field = label[len("targets[") :].split("].", 1)
        return field, int(seq)
    return label, None


def tables_without_corrections(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Given tables written by the correction stage, return them as the stage read them:
    each `manual_correction` row's raw_value back in its cell, without those rows and
    without `corrected_fields`. Tables without such rows are returned unchanged."""
    quality = tables["quality"]
    mask = quality["rule"] == MANUAL_CORRECTION_RULE
    if not mask.any():
        return tables
    result = {name: frame.copy() for name, frame in tables.items()}
    changed = []
    for record in quality[mask].to_dict("records"):
        field, seq = field_label_to_address(str(record["field"]))
        spec = CORRECTABLE_FIELDS[field]
        raw = record["raw_value"]
        old = text_to_value(spec, None if pd.isna(raw) else str(raw))
        frame = result[spec.table]
        hit = frame["objective_id"] == record["objective_id"]
        if seq is not None:
            hit &= frame["target_seq"] == seq
        for i in frame.index[hit]:
            frame[field] = series_with_value(frame[field], int(i), old)
        changed.append((str(record["objective_id"]), field))
    for name in ("objectives", "targets"):
        result[name] = result[name].drop(columns=[CORRECTED_FIELDS], errors="ignore")
    result["objectives"] = objectives_with_derived_columns(
        result["objectives"], result["targets"], changed
    )
    result["quality"] = quality[~mask].reset_index(drop=True)
    return result


def document_with_corrections(
    document: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    file: str,
    corrections: list[Correction],
) -> dict[str, Any]:
    """Given document.json's content, the corrected tables, the corrections file and the
    applied entries, return document.json with its findings counts brought up to date
    and `corrections`: the file and how many entries were applied."""
    quality = tables["quality"]
    counts = dict(document.get("counts", {}))
    counts["findings"] = int(len(quality))
    counts["findings_by_severity"] = {
        s: int((quality["severity"] == s).sum()) for s in ("info", "warning", "error")
    }
    return {
        **document,
        "counts": counts,
        "corrections": {"file": file, "applied": len(corrections)},
    }
