"""The plan's lateness rules: "(-10% ogni mese ritardo)", "penalità del 5% mensile".

A lateness rule says how much of a target's score a month of delay costs. It is a rule of
the objective, printed beside one of its results, never a sub-target of its own: the
objective keeps it as `penalty_pct_per_month` (10.0) and `penalty_raw` (the clause as
printed), and `pipeline.normalise.targets` takes the clause out of the target texts.

A clause is a rate and a month: a signed percentage before "ogni mese (di) ritardo", "al
mese", "per mese" or "mensile" ("-10% per ogni mese di ritardo", "– 7,5 % al mese"), or
a penalty word before the percentage ("penalità del 5% mensile", "riduzione del 10% per
ogni mese di ritardo"); brackets around it belong to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.core.quality import Finding

RATE = r"(?P<pct>\d{1,3}(?:[.,]\d+)?)\s*%"
MINUS = r"[-\u2013\u2014\u2212]"
PER_MONTH = (
    r"(?:(?:(?:per|a|ad)\s+)?(?:ogni|ciascun)\s+mese|al\s+mese|per\s+mese|mensil[ei])"
    r"(?:\s+(?:di\s+)?ritardo)?"
)
PENALTY_WORD = (
    r"(?:penalit[àa]|penale|penalizzazione|riduzione|decurtazione|detrazione|abbattimento)"
)
CLAUSE = (
    rf"(?:{PENALTY_WORD}\s+(?:(?:del|di|pari\s+al?)\s+)?(?:{MINUS}\s*)?|{MINUS}\s*)"
    rf"{RATE}\s*(?:[^\W\d_]+\s+){{0,3}}?{PER_MONTH}"
)
# an opening bracket before the clause is taken only with its closing one
PENALTY_CLAUSE = re.compile(rf"(?P<open>\(\s*)?{CLAUSE}(?(open)\s*\))", re.IGNORECASE)

# where an objective's rule is looked for, in order
RULE_FIELDS = ("expected_result", "indicator", "description", "subject")


@dataclass(frozen=True)
class PenaltyClause:
    """One lateness clause in a text: where it stands, its rate and its printed text."""

    start: int
    end: int
    pct_per_month: float
    raw: str


def text_to_penalty_clauses(text: str) -> list[PenaltyClause]:
    """Given a text, return its lateness clauses in order."""
    return [
        PenaltyClause(
            m.start(), m.end(), float(m.group("pct").replace(",", ".")), " ".join(m[0].split())
        )
        for m in PENALTY_CLAUSE.finditer(text)
    ]


def text_without_penalty_clauses(text: str) -> str:
    """Given a text, return it with each lateness clause replaced by one space."""
    return PENALTY_CLAUSE.sub(" ", text)


def text_to_penalty_rule(text: object) -> float | None:
    """Given a text, return the percent per month of its first lateness clause, or None."""
    if not isinstance(text, str):
        return None
    clauses = text_to_penalty_clauses(text)
    return clauses[0].pct_per_month if clauses else None


def cells_to_penalty(
    cells: Mapping[str, str],
) -> tuple[PenaltyClause | None, list[Finding]]:
    """Given an objective's text cells by field, return its lateness rule (the first clause
    in RULE_FIELDS order) and findings: `penalty_rule` (info) for the rule read,
    `penalty_rules_differ` (warning) when another clause states another rate."""
    found = [
        (field, clause)
        for field in RULE_FIELDS
        for clause in text_to_penalty_clauses(cells.get(field) or "")
    ]
    if not found:
        return None, []
    field, rule = found[0]
    findings = [
        Finding(
            field="penalty_pct_per_month",
            rule="penalty_rule",
            severity="info",
            raw_value=rule.raw,
            normalised_value=f"{rule.pct_per_month:g}",
            message=f"the {field} states a lateness rule of {rule.pct_per_month:g}% per month:"
            " a rule of the objective, not a sub-target",
        )
    ]
    other = sorted({c.pct_per_month for _, c in found} - {rule.pct_per_month})
    if other:
        findings.append(
            Finding(
                field="penalty_pct_per_month",
                rule="penalty_rules_differ",
                severity="warning",
                raw_value="; ".join(c.raw for _, c in found),
                normalised_value=f"{rule.pct_per_month:g}",
                message=f"lateness rules of {[f'{p:g}%' for p in other]} are printed beside"
                f" the {field}'s {rule.pct_per_month:g}%; the first is used",
            )
        )
    return rule, findings


def objectives_to_penalties(objectives: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Given objectives (objective_id, page_first and the RULE_FIELDS texts), return
    penalty_pct_per_month (Float64) and penalty_raw (string), one row per objective, and
    the findings tied to their objective."""
    rates: list[float | None] = []
    raws: list[str | None] = []
    findings: list[Finding] = []
    for record in objectives.to_dict("records"):
        cells = {f: str(record[f]) for f in RULE_FIELDS if pd.notna(record.get(f))}
        rule, found = cells_to_penalty(cells)
        rates.append(None if rule is None else rule.pct_per_month)
        raws.append(None if rule is None else rule.raw)
        page = int(record["page_first"]) if pd.notna(record.get("page_first")) else None
        findings += [replace(f, objective_id=record["objective_id"], page=page) for f in found]
    frame = pd.DataFrame(
        {
            "penalty_pct_per_month": pd.array(rates, dtype="Float64"),
            "penalty_raw": pd.array(raws, dtype="string"),
        },
        index=objectives.index,
    )
    return frame, findings
