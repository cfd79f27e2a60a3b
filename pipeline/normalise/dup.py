"""DUP cells to the Missione and Programma of the budget classification (D.Lgs. 118/2011).

The DUP code's first level is the mission and its second the programme, whatever the
printed shape: `4.1.0`, `01.04.04`, `12.06`, `1.10.`, `5.2.1/9` all read (mission,
programme) from their first two levels; a compact `0104` reads as 1, 4. A level holding
alternatives (`5.1/2`) keeps the first and is flagged as ambiguous. A blank cell gives a
`missing_dup` warning; a code whose mission or programme is not in
`data/missioni_programmi.csv` is flagged too. Findings use the field `dup_raw`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.quality import Finding, Severity

CODE_TOKEN = re.compile(r"\d+(?:[./]\d+)*")


@dataclass(frozen=True)
class DupCode:
    """A DUP cell's mission and programme (None when unknown) and the findings on it."""

    mission: int | None
    programme: int | None
    findings: tuple[Finding, ...]


def dup_finding(
    rule: str, severity: Severity, raw: str, normalised: str | None, message: str
) -> Finding:
    """Given a rule, severity, raw cell, reading and message, return a DUP `Finding`."""
    return Finding(
        field="dup_raw",
        rule=rule,
        severity=severity,
        raw_value=raw,
        normalised_value=normalised,
        message=message,
    )


def token_to_levels(token: str) -> list[list[str]]:
    """Given one printed code ("5.2.1/9"), return its levels, each a list of alternatives."""
    return [level.split("/") for level in token.strip(".").split(".") if level]


def text_to_dup_code(text: str, known: frozenset[tuple[int, int]] | None = None) -> DupCode:
    """Given a DUP cell, return its `DupCode`, checked against `known` pairs if given."""
    raw = text.strip()
    if not raw:
        message = "the DUP cell is empty"
        return DupCode(None, None, (dup_finding("missing_dup", "warning", text, None, message),))
    findings: list[Finding] = []
    tokens = CODE_TOKEN.findall(raw)
    if not tokens:
        message = f"no DUP code in {raw!r}"
        return DupCode(None, None, (dup_finding("dup_unparseable", "warning", raw, None, message),))
    if len(tokens) > 1:
        message = f"{len(tokens)} codes in one cell; the first, {tokens[0]!r}, is read"
        findings.append(dup_finding("dup_several_codes", "warning", raw, tokens[0], message))
    leftover = CODE_TOKEN.sub(" ", raw)
    if re.search(r"[^\W_]", leftover):
        message = f"text beside the DUP code ignored: {leftover.strip()!r}"
        findings.append(dup_finding("dup_extra_text", "info", raw, tokens[0], message))
    levels = token_to_levels(tokens[0])
    if len(levels) == 1 and len(levels[0]) == 1 and len(levels[0][0]) == 4:
        compact = levels[0][0]
        levels = [[compact[:2]], [compact[2:]]]
        message = f"compact code {compact!r} read as mission {compact[:2]}, programme {compact[2:]}"
        findings.append(dup_finding("dup_compact_code", "info", raw, compact, message))
    if any(len(alternative) > 2 for level in levels[:2] for alternative in level):
        message = f"{tokens[0]!r}: a mission or programme has more than two digits"
        findings.append(dup_finding("dup_unparseable", "warning", raw, None, message))
        return DupCode(None, None, tuple(findings))
    if len(levels) < 2:
        message = f"{tokens[0]!r} has no programme level"
        findings.append(dup_finding("dup_incomplete", "warning", raw, None, message))
        return DupCode(int(levels[0][0]), None, tuple(findings))
    for name, level in (("mission", levels[0]), ("programme", levels[1])):
        if len(level) > 1:
            message = f"{name} is printed as alternatives {'/'.join(level)}; the first is kept"
            findings.append(dup_finding("dup_ambiguous", "warning", raw, level[0], message))
    mission, programme = int(levels[0][0]), int(levels[1][0])
    reading = f"{mission}.{programme}"
    if known is not None and (mission, programme) not in known:
        if mission in {m for m, _ in known}:
            message = f"mission {mission} has no programme {programme} in D.Lgs. 118/2011"
        else:
            message = f"mission {mission} (code {reading}) is not in D.Lgs. 118/2011"
        findings.append(dup_finding("dup_unknown_code", "warning", raw, reading, message))
    return DupCode(mission, programme, tuple(findings))
