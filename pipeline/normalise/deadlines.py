"""TEMPI STABILITI cells to deadlines, following CONTRACT.md's deadline policy.

- a valid `dd/mm/yyyy` or `dd.mm.yyyy` (or `31 dicembre 2021`) → that date, `ok`;
- an impossible day (31/06/2021) → the last day of that month, `repaired`;
- an obvious year typo (31/12/20201) → the year one digit away that is closest to the
  plan's year, `repaired`; a two-digit year → 20yy, `repaired`;
- several dates (paragraphs, or "31.12.2020 e la restante parte 30/06/2021") → the latest;
- words only ("Sospeso") → null, `not_a_date`; an empty cell → null, `missing`.

Every repair and doubt comes back as a `Finding` (field `deadline`).
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pipeline.core.contract import DeadlineStatus
from pipeline.core.quality import Finding, Severity

# a year further than this from the plan's year is kept but flagged
DEFAULT_MAX_YEAR_DISTANCE = 10
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100

NUMERIC_DATE = re.compile(
    r"(?<![\d/.])(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,5})(?![\d/])"
)
MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
        start=1,
    )
}
WORDED_DATE = re.compile(r"(?<!\d)(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})(?!\d)", re.I)
YEAR_TOKEN = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class DateReading:
    """One date-shaped piece of a cell, as read: its date (None if unusable) and findings."""

    raw: str
    value: date | None
    repaired: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Deadline:
    """A deadline cell's normalised value, status and findings."""

    value: date | None
    status: DeadlineStatus
    findings: tuple[Finding, ...]


def deadline_finding(
    rule: str, severity: Severity, raw: str, normalised: date | None, message: str
) -> Finding:
    """Given a rule, severity, raw text, value and message, return a deadline `Finding`."""
    return Finding(
        field="deadline",
        rule=rule,
        severity=severity,
        raw_value=raw,
        normalised_value=None if normalised is None else normalised.isoformat(),
        message=message,
    )


def year_text_to_year(year_text: str, context_year: int | None) -> tuple[int | None, str | None]:
    """Given the printed year digits, return the year and the repair made (None if none).

    Five digits are a typo with one stray digit: of the years one deletion away, the one
    closest to `context_year` wins; a tie or no context makes it unusable.
    """
    if len(year_text) == 4:
        return int(year_text), None
    if len(year_text) == 2:
        return 2000 + int(year_text), "two_digit_year"
    if len(year_text) != 5:
        return None, None
    candidates = sorted(
        {
            int(year_text[:i] + year_text[i + 1 :])
            for i in range(len(year_text))
            if EARLIEST_YEAR <= int(year_text[:i] + year_text[i + 1 :]) <= LATEST_YEAR
        }
    )
    if len(candidates) == 1:
        return candidates[0], "year_typo"
    if context_year is None or not candidates:
        return None, None
    ranked = sorted(candidates, key=lambda y: abs(y - context_year))
    if len(ranked) > 1 and abs(ranked[0] - context_year) == abs(ranked[1] - context_year):
        return None, None
    return ranked[0], "year_typo"


def date_parts_to_reading(
    raw: str, day: int, month: int, year_text: str, context_year: int | None
) -> DateReading:
    """Given a date's printed day, month and year digits, return its `DateReading`."""
    year, year_repair = year_text_to_year(year_text, context_year)
    if year is None:
        message = f"date {raw!r}: year {year_text!r} cannot be read or repaired"
        finding = deadline_finding("deadline_unrepairable", "warning", raw, None, message)
        return DateReading(raw, None, False, (finding,))
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        message = f"date {raw!r}: day {day} / month {month} is not a calendar date"
        finding = deadline_finding("deadline_unrepairable", "warning", raw, None, message)
        return DateReading(raw, None, False, (finding,))
    findings: list[Finding] = []
    last_day = calendar.monthrange(year, month)[1]
    if day > last_day:
        value = date(year, month, last_day)
        message = f"date {raw!r}: day {day} does not exist in that month; read as its last day"
        findings.append(deadline_finding("deadline_impossible_day", "warning", raw, value, message))
    else:
        value = date(year, month, day)
    if year_repair == "year_typo":
        message = f"date {raw!r}: year {year_text!r} has a stray digit; read as {year}"
        findings.append(deadline_finding("deadline_year_typo", "warning", raw, value, message))
    elif year_repair == "two_digit_year":
        message = f"date {raw!r}: two-digit year read as {year}"
        findings.append(deadline_finding("deadline_two_digit_year", "info", raw, value, message))
    return DateReading(raw, value, bool(findings), tuple(findings))


def text_to_date_readings(text: str, context_year: int | None) -> list[DateReading]:
    """Given a cell's text, return a `DateReading` for each date-shaped piece, in order."""
    found: list[tuple[int, DateReading]] = []
    for m in NUMERIC_DATE.finditer(text):
        reading = date_parts_to_reading(
            m.group(0), int(m.group(1)), int(m.group(2)), m.group(3), context_year
        )
        found.append((m.start(), reading))
    for m in WORDED_DATE.finditer(text):
        month = MONTHS[m.group(2).lower()]
        reading = date_parts_to_reading(
            m.group(0), int(m.group(1)), month, m.group(3), context_year
        )
        found.append((m.start(), reading))
    return [reading for _, reading in sorted(found, key=lambda pair: pair[0])]


def text_to_deadline(
    text: str, context_year: int | None = None, plan_year: int | None = None
) -> Deadline:
    """Given a TEMPI STABILITI cell, return its `Deadline` (value, status, findings).

    `context_year` picks between candidate repairs of a mistyped year (the plan's year,
    or the year most of its deadlines carry); a deadline before `plan_year` is flagged.
    """
    raw = text.strip()
    if not raw:
        message = "the deadline cell is empty"
        finding = deadline_finding("deadline_missing", "warning", text, None, message)
        return Deadline(None, "missing", (finding,))
    readings = text_to_date_readings(raw, context_year)
    findings = [f for r in readings for f in r.findings]
    usable = [r for r in readings if r.value is not None]
    if not usable:
        message = f"the deadline {raw!r} holds no usable date"
        findings.append(deadline_finding("deadline_not_a_date", "warning", raw, None, message))
        return Deadline(None, "not_a_date", tuple(findings))
    chosen = max(usable, key=lambda r: r.value or date.min)
    value = chosen.value
    assert value is not None  # usable readings all have a value
    distinct = {r.value for r in usable}
    if len(distinct) > 1:
        message = f"the cell holds {len(distinct)} different dates; the latest is kept"
        findings.append(deadline_finding("deadline_several_dates", "warning", raw, value, message))
    elif len(usable) > 1:
        message = f"the same date is printed {len(usable)} times"
        findings.append(deadline_finding("deadline_repeated_date", "info", raw, value, message))
    if plan_year is not None and value.year < plan_year:
        message = f"deadline {value.isoformat()} falls before the plan year {plan_year}"
        findings.append(
            deadline_finding("deadline_before_plan_year", "warning", raw, value, message)
        )
    if context_year is not None and abs(value.year - context_year) > DEFAULT_MAX_YEAR_DISTANCE:
        message = f"deadline year {value.year} is far from the plan's year {context_year}"
        findings.append(
            deadline_finding("deadline_implausible_year", "warning", raw, value, message)
        )
    status: DeadlineStatus = "repaired" if chosen.repaired else "ok"
    return Deadline(value, status, tuple(findings))


def deadline_texts_to_context_year(texts: Iterable[str]) -> int | None:
    """Given every deadline cell of a plan, return the year most of their dates carry."""
    counts = Counter(
        int(year)
        for text in texts
        for m in NUMERIC_DATE.finditer(text)
        for year in YEAR_TOKEN.findall(m.group(3))
        if len(m.group(3)) == 4
    )
    if not counts:
        return None
    return counts.most_common(1)[0][0]
