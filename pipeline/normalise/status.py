"""An objective's printed texts to its status: `active`, `suspended` or `postponed`.

The patterns are deliberately narrow, because plans use these words in passing too
("la legge ... ha spostato al 2021 la decorrenza" is not a postponed objective):

- suspended: the deadline cell says "Sospeso"/"Sospesa"; a result or indicator prints
  "(sospeso)"; the description says the work "è/sono/viene/vengono sospes…";
- postponed: "rinviat…/posticipat…/differit…/rimandat… al <year>" in the description,
  indicator, result or deadline, when the year is later than the plan's year.

A suspension wins over a postponement; both together are flagged. Every non-active
status comes with an `info` finding quoting the words it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.contract import Status
from pipeline.core.quality import Finding

SUSPENDED_DEADLINE = re.compile(r"^\W*sospes[oaie]\b", re.I)
SUSPENDED_MARK = re.compile(r"\(\s*sospes[oaie]\s*\)", re.I)
SUSPENDED_VERB = re.compile(
    r"\b(?:è|e'|sono|viene|vengono|risulta|risultano)\s+(?:stat[oaie]\s+)?sospes[oaie]\b",
    re.I,
)
POSTPONED = re.compile(
    r"\b(?:rinviat|posticipat|differit|rimandat)[oaie]\s+(?:al(?:l['’])?|nel(?:l['’])?|a)\s*"
    r"(?:anno\s+)?(?:\d{1,2}[/.]\d{1,2}[/.])?((?:19|20)\d{2})\b",
    re.I,
)


@dataclass(frozen=True)
class StatusReading:
    """An objective's status and the findings explaining it."""

    status: Status
    findings: tuple[Finding, ...]


def status_finding(rule: str, status: Status, field: str, snippet: str) -> Finding:
    """Given the rule, status, source field and matched words, return a status `Finding`."""
    return Finding(
        field="status",
        rule=rule,
        severity="info",
        raw_value=snippet,
        normalised_value=status,
        message=f"status {status!r} read from the {field}: {snippet!r}",
    )


def texts_to_suspension(
    description: str, indicator: str, expected_result: str, deadline_raw: str
) -> tuple[str, str] | None:
    """Given an objective's texts, return (field, words) saying it is suspended, or None."""
    found = SUSPENDED_DEADLINE.search(deadline_raw)
    if found:
        return "deadline_raw", deadline_raw.strip()
    for field, text in (("expected_result", expected_result), ("indicator", indicator)):
        found = SUSPENDED_MARK.search(text)
        if found:
            return field, found.group(0)
    found = SUSPENDED_VERB.search(description)
    if found:
        return "description", found.group(0)
    return None


def texts_to_postponement(
    description: str,
    indicator: str,
    expected_result: str,
    deadline_raw: str,
    plan_year: int | None,
) -> tuple[str, str] | None:
    """Given an objective's texts, return (field, words) saying it is postponed, or None."""
    fields = (
        ("description", description),
        ("expected_result", expected_result),
        ("indicator", indicator),
        ("deadline_raw", deadline_raw),
    )
    for field, text in fields:
        for found in POSTPONED.finditer(text):
            if plan_year is None or int(found.group(1)) > plan_year:
                return field, found.group(0)
    return None


def texts_to_status(
    description: str,
    indicator: str,
    expected_result: str,
    deadline_raw: str,
    plan_year: int | None = None,
) -> StatusReading:
    """Given an objective's description, indicator, result and deadline, return its status."""
    suspension = texts_to_suspension(description, indicator, expected_result, deadline_raw)
    postponement = texts_to_postponement(
        description, indicator, expected_result, deadline_raw, plan_year
    )
    if suspension and postponement:
        field, words = suspension
        other_field, other_words = postponement
        conflict = Finding(
            field="status",
            rule="status_conflict",
            severity="warning",
            raw_value=other_words,
            normalised_value="suspended",
            message=(
                f"the {other_field} also reads as postponed ({other_words!r}); "
                "the suspension is kept"
            ),
        )
        return StatusReading(
            "suspended",
            (status_finding("status_from_text", "suspended", field, words), conflict),
        )
    if suspension:
        field, words = suspension
        return StatusReading(
            "suspended", (status_finding("status_from_text", "suspended", field, words),)
        )
    if postponement:
        field, words = postponement
        return StatusReading(
            "postponed", (status_finding("status_from_text", "postponed", field, words),)
        )
    return StatusReading("active", ())
