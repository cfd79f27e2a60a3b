"""The "Rilevanza degli obiettivi" table to sector_weights: one row per sector.

Each printed label is matched to a sector key (sectors only; an unmatched label raises
`NormalisationError` naming it, its page and the three closest keys), each value
("14%", "4,5 %") read as a percentage. The "totale" row is dropped and checked against
the sum of the others. Findings: `relevance_sum`, `relevance_total_mismatch`,
`relevance_total_unread`, `relevance_missing` (warnings); `relevance_sector_without_objectives`,
`relevance_missing_sector` (info).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from pipeline.core.contract import TEXT_DTYPE
from pipeline.core.errors import NormalisationError
from pipeline.core.quality import Finding
from pipeline.normalise.registry import (
    DEFAULT_MIN_LABEL_MARGIN,
    DEFAULT_MIN_LABEL_SCORE,
    Registry,
    label_to_match,
    label_to_normal_form,
    match_to_findings,
)

DEFAULT_RELEVANCE_TOTAL = 100.0
DEFAULT_RELEVANCE_TOLERANCE = 0.01
RELEVANCE_COLUMNS = ["label_raw", "value_raw"]
SECTOR_WEIGHT_COLUMNS = ["revision", "sector", "label_raw", "relevance_pct", "page"]
PERCENT_VALUE = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%?\s*$")


def value_text_to_percent(text: str) -> float | None:
    """Given a printed relevance value ("14%", "4,5 %"), return the percentage, else None."""
    m = PERCENT_VALUE.match(text)
    return float(m.group(1).replace(",", ".")) if m else None


def label_to_is_total(label: str) -> bool:
    """Given a printed relevance label, return whether it is the table's total row."""
    return label_to_normal_form(label).startswith("TOTAL")


def relevance_row_to_sector(
    label: str,
    page: int | None,
    registry: Registry,
    min_score: float = DEFAULT_MIN_LABEL_SCORE,
    min_margin: float = DEFAULT_MIN_LABEL_MARGIN,
) -> tuple[str, list[Finding]]:
    """Given a relevance label and its page, return its sector key and findings."""
    match = label_to_match(label, registry, ("sector",), min_score, min_margin)
    if match.key is None:
        raise NormalisationError(
            f"relevance label {label!r} names no sector; closest keys: {match.closest_text()}",
            page=page,
            field="sector",
            value=label,
        )
    return match.key, match_to_findings(match, "sector", page)


def relevance_to_sector_weights(
    relevance: pd.DataFrame,
    revision: str,
    registry: Registry,
    min_score: float = DEFAULT_MIN_LABEL_SCORE,
    min_margin: float = DEFAULT_MIN_LABEL_MARGIN,
    total: float = DEFAULT_RELEVANCE_TOTAL,
    tolerance: float = DEFAULT_RELEVANCE_TOLERANCE,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Given the relevance rows (label_raw, value_raw, page), return sector_weights
    (revision, sector, label_raw, relevance_pct, page) and the findings.
    """
    missing = [c for c in RELEVANCE_COLUMNS if c not in relevance.columns]
    if missing:
        raise NormalisationError(f"relevance lacks columns {missing}", field="relevance")
    pages = relevance["page"] if "page" in relevance.columns else [None] * len(relevance)
    findings: list[Finding] = []
    records, totals = [], []
    for label, value, page in zip(
        relevance["label_raw"], relevance["value_raw"], pages, strict=True
    ):
        label = "" if pd.isna(label) else str(label)
        value = "" if pd.isna(value) else str(value)
        page_no = None if pd.isna(page) else int(page)
        percent = value_text_to_percent(value)
        if percent is None and label_to_is_total(label):
            # the total is a check on the rows, not data: unread, the rows still are
            findings.append(unread_total_to_finding(value, page_no))
            continue
        if percent is None:
            raise NormalisationError(
                "relevance value is not a percentage",
                page=page_no,
                field="relevance_pct",
                value=value,
            )
        if label_to_is_total(label):
            totals.append((value, percent, page_no))
            continue
        sector, found = relevance_row_to_sector(label, page_no, registry, min_score, min_margin)
        findings += found
        records.append((revision, sector, label, percent, page_no))
    frame = sector_weights_to_dtypes(pd.DataFrame(records, columns=SECTOR_WEIGHT_COLUMNS))
    check_sectors_unique(frame)
    if frame.empty:
        message = "the plan has no relevance table"
        findings.append(
            Finding("relevance_pct", "relevance_missing", "warning", None, None, message)
        )
        return frame, findings
    return frame, findings + sector_weights_to_sum_findings(frame, totals, total, tolerance)


def unread_total_to_finding(value: str, page: int | None) -> Finding:
    """Given a printed total that does not read as a percentage, return its warning."""
    message = (
        f"the relevance table's total {value!r} does not read as a percentage; the rows "
        "are checked against the expected total instead"
    )
    return Finding(
        "relevance_pct", "relevance_total_unread", "warning", value, None, message, None, page
    )


def check_sectors_unique(frame: pd.DataFrame) -> None:
    """Given sector_weights, raise `NormalisationError` when two labels name one sector."""
    doubled = frame[frame["sector"].duplicated(keep=False)]
    if not doubled.empty:
        page = doubled["page"].iloc[0]
        raise NormalisationError(
            f"relevance labels {list(doubled['label_raw'])} name the same sector",
            page=None if pd.isna(page) else int(page),
            field="sector",
            value=str(doubled["sector"].iloc[0]),
        )


def sector_weights_to_sum_findings(
    frame: pd.DataFrame,
    totals: list[tuple[str, float, int | None]],
    total: float = DEFAULT_RELEVANCE_TOTAL,
    tolerance: float = DEFAULT_RELEVANCE_TOLERANCE,
) -> list[Finding]:
    """Given sector_weights and the printed totals (text, value, page), flag a sum that is
    not `total` and a printed total that differs from the sum.
    """
    findings = []
    added = float(frame["relevance_pct"].sum())
    if not math.isclose(added, total, abs_tol=tolerance):
        message = f"relevance values add up to {added:g}, not {total:g}"
        findings.append(
            Finding("relevance_pct", "relevance_sum", "warning", None, f"{added:g}", message)
        )
    for text, value, page in totals:
        if not math.isclose(value, added, abs_tol=tolerance):
            message = f"the printed total {text!r} differs from the sum of the rows, {added:g}"
            rule = "relevance_total_mismatch"
            findings.append(
                Finding("relevance_pct", rule, "warning", text, f"{added:g}", message, None, page)
            )
    return findings


def sector_weights_to_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Given a sector_weights frame, return it with sector_weights.parquet's dtypes."""
    typed = frame.copy()
    for col in ("revision", "sector", "label_raw"):
        typed[col] = typed[col].astype(TEXT_DTYPE)
    typed["relevance_pct"] = typed["relevance_pct"].astype("float64")
    typed["page"] = typed["page"].astype("Int64")
    return typed


def sectors_to_coverage_findings(
    block_sectors: Mapping[int, str | None], sector_weights: pd.DataFrame
) -> list[Finding]:
    """Given each block's sector and sector_weights, note sectors missing on either side."""
    if sector_weights.empty:
        return []
    with_objectives = {s for s in block_sectors.values() if s is not None}
    weighted = set(sector_weights["sector"])
    findings = []
    for sector in sorted(weighted - with_objectives):
        message = f"sector {sector!r} has a relevance but no block of objectives"
        rule = "relevance_sector_without_objectives"
        findings.append(Finding("sector", rule, "info", sector, sector, message))
    for sector in sorted(with_objectives - weighted):
        message = f"sector {sector!r} has objectives but no relevance row"
        findings.append(
            Finding("sector", "relevance_missing_sector", "info", sector, sector, message)
        )
    return findings
