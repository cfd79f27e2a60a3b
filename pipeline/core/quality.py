"""Findings: every repair, doubt and validation result, as rows of quality.parquet."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from pipeline.core.contract import Severity

QUALITY_COLUMNS = [
    "revision",
    "objective_id",
    "field",
    "rule",
    "severity",
    "raw_value",
    "normalised_value",
    "message",
]


@dataclass(frozen=True)
class Finding:
    """One repair, doubt or validation finding about one field of one objective."""

    field: str
    rule: str
    severity: Severity
    raw_value: str | None
    normalised_value: str | None
    message: str
    objective_id: str | None = None
    page: int | None = None

    def for_objective(self, objective_id: str | None) -> Finding:
        """Given a finding, return the same finding attached to `objective_id`."""
        return Finding(**{**asdict(self), "objective_id": objective_id})


def findings_to_frame(findings: list[Finding], revision: str) -> pd.DataFrame:
    """Given findings, return quality.parquet's columns (plus `page`), in input order."""
    rows = [{"revision": revision, **asdict(f)} for f in findings]
    frame = pd.DataFrame(rows, columns=[*QUALITY_COLUMNS, "page"])
    frame["page"] = frame["page"].astype("Int64")
    for col in QUALITY_COLUMNS:
        frame[col] = frame[col].astype("string")
    return frame


def frame_to_findings(frame: pd.DataFrame) -> list[Finding]:
    """Given a quality frame (as written by `findings_to_frame`), return its Findings."""

    def text(value: object) -> str | None:
        return None if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]

    findings = []
    for record in frame.to_dict("records"):
        page = record.get("page")
        findings.append(
            Finding(
                field=str(record["field"]),
                rule=str(record["rule"]),
                severity=record["severity"],
                raw_value=text(record["raw_value"]),
                normalised_value=text(record["normalised_value"]),
                message=str(record["message"]),
                objective_id=text(record["objective_id"]),
                page=None if page is None or pd.isna(page) else int(page),
            )
        )
    return findings
