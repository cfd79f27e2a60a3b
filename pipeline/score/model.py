"""The score model: what each office achieved, scored against the plan's sub-targets, up to
sector scores and the split of the variable bonus fund (art. 67 c.5 CCNL 21/05/2018).

Pure transforms, in pipeline order (the formulas in words are in docs/score-model.md):

    plan_to_score_targets              objectives + targets -> one row per sub-target
    score_targets_to_template          score targets -> the CSV an office fills in
    achievement_rows_to_achievements   CSV rows as text -> typed, checked achievements
    achievements_to_target_scores      score targets + achievements -> target scores
    target_scores_to_objective_scores  target scores -> objective scores
    objective_scores_to_sector_scores  objective scores + relevance table -> sector scores
    sector_scores_to_fund_split        sector scores + fund -> euro shares and remainder

Reading and writing files happens only in `pipeline.score.files`.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from pipeline.core.contract import STATUSES
from pipeline.core.contract import TARGET_COLUMNS as CONTRACT_TARGET_COLUMNS
from pipeline.core.errors import ScoreInputError, ValidationError
from pipeline.core.numbers import italian_number_to_float
from pipeline.core.quality import Finding
from pipeline.core.settings import Settings, setting
from pipeline.core.validation import model_to_columns, model_to_dtypes
from pipeline.score.schemas import (
    ObjectiveScoresSchema,
    SectorScoresSchema,
    TargetScoresSchema,
)

THRESHOLD_SCORINGS = ("binary", "proportional")


DEFAULT_EXCLUDED_STATUSES: tuple[str, ...] = ("suspended", "postponed")


# the plan's own rule where it states one ("-10% ogni mese ritardo"), so the default does
# not treat the offices whose targets print no rule more leniently than those that do
DEFAULT_LATE_PENALTY_PCT_PER_MONTH = 10.0
DEFAULT_THRESHOLD_SCORING = "binary"
DEFAULT_FUND_EUR: float | None = None

WEIGHT_TOLERANCE = 1e-6  # printed weights this close to 100 count as summing to 100

OBJECTIVE_COLUMNS = [
    "revision",
    "objective_id",
    "sector",
    "assignee",
    "subject",
    "expected_result",
    "deadline",
    "status",
    "penalty_pct_per_month",
]


# the columns of targets.parquet the model reads (the producer's, less where each target
# was read and the items it pairs with)
TARGET_COLUMNS = [
    c for c in CONTRACT_TARGET_COLUMNS if c not in ("source_field", "indicator_text", "result_text")
]


SECTOR_WEIGHT_COLUMNS = ["revision", "sector", "label_raw", "relevance_pct"]

KEY = ["objective_id", "target_seq"]
FILL_IN_COLUMNS = ["achieved_pct", "measured_value", "completed_on", "note"]
REQUIRED_ACHIEVEMENT_COLUMNS = ["objective_id", "target_seq", *FILL_IN_COLUMNS[:3]]
TEMPLATE_COLUMNS = [
    "revision",
    "objective_id",
    "target_seq",
    "sector",
    "assignee",
    "subject",
    "status",
    "deadline",
    "target_text",
    "weight_pct",
    "threshold",
    *FILL_IN_COLUMNS,
]
ACHIEVEMENT_COLUMNS = [*KEY, *FILL_IN_COLUMNS, "line"]
# the output tables' columns and dtypes, as their pandera models define them
TARGET_SCORE_COLUMNS = model_to_columns(TargetScoresSchema)
OBJECTIVE_SCORE_COLUMNS = model_to_columns(ObjectiveScoresSchema)
SECTOR_SCORE_COLUMNS = model_to_columns(SectorScoresSchema)
# what the office reports and the score made of it: the rest are the plan's score targets
RESULT_COLUMNS = (
    "achieved_pct",
    "measured_value",
    "completed_on",
    "months_late",
    "base_score",
    "penalty",
    "score",
    "note",
)
SCORE_TARGET_COLUMNS = [c for c in TARGET_SCORE_COLUMNS if c not in RESULT_COLUMNS]
COLUMN_DTYPES = {
    **model_to_dtypes(TargetScoresSchema),
    **model_to_dtypes(ObjectiveScoresSchema),
    **model_to_dtypes(SectorScoresSchema),
    "line": "Int64",
}


EXAMPLE_NOTE = "EXAMPLE: invented value, not a real achievement"


# deterministic stand-ins for what an office reports, cycled over the targets
EXAMPLE_ACHIEVED_PCTS = (100.0, 100.0, 90.0, 80.0, 100.0, 60.0, 100.0, 75.0)
EXAMPLE_MISSED_EVERY = 5  # every 5th quantified target misses its threshold
EXAMPLE_LATE_EVERY = 7  # every 7th target is completed late

DATE_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
EXCEL_ID_HINT = (
    "; spreadsheet programs can turn ids such as 03.07 into numbers or dates:"
    " format the column as text"
)


@dataclass(frozen=True)
class ScoreSettings(Settings):
    """Knobs of the score model, read from the `score:` section of params.yaml."""

    excluded_statuses: tuple[str, ...] = setting(
        DEFAULT_EXCLUDED_STATUSES, choices=STATUSES, distinct=True
    )
    late_penalty_pct_per_month: float = setting(DEFAULT_LATE_PENALTY_PCT_PER_MONTH, low=0, high=100)
    threshold_scoring: str = setting(DEFAULT_THRESHOLD_SCORING, choices=THRESHOLD_SCORINGS)
    fund_eur: float | None = setting(DEFAULT_FUND_EUR, low=0)


@dataclass(frozen=True)
class FundSplit:
    """The fund, what the sector scores distribute of it and what is left, in euro."""

    fund_eur: float
    distributed_eur: float
    remainder_eur: float


def check_input_columns(frame: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    """Given an input table, raise ValidationError naming `file` if it lacks any of `columns`."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(f"missing column(s) {missing} needed by the score model", file=file)


def frame_to_revision(frame: pd.DataFrame, file: str) -> str:
    """Given a table with `revision`, return its single revision (ValidationError if mixed)."""
    revisions = frame["revision"].dropna().unique().tolist()
    if len(revisions) != 1:
        raise ValidationError(
            f"expected exactly one revision, found {sorted(revisions)}", file=file, field="revision"
        )
    return str(revisions[0])


def weights_to_weights_used(weights: Sequence[float | None]) -> tuple[list[float], str]:
    """Given one objective's printed target weights (None where unweighted), return the weights
    used, summing to 100, and how they were obtained (the `weighting` value)."""
    printed = [w for w in weights if w is not None]
    total = sum(printed)
    if not printed or total <= 0:
        return [100.0 / len(weights)] * len(weights), "equal"
    if len(printed) == len(weights):
        if abs(total - 100.0) <= WEIGHT_TOLERANCE:
            return [float(w) for w in printed], "printed"
        return [w * 100.0 / total for w in printed], "rescaled"
    if total < 100.0 - WEIGHT_TOLERANCE:
        share = (100.0 - total) / (len(weights) - len(printed))
        return [share if w is None else float(w) for w in weights], "shared_rest"
    return [0.0 if w is None else w * 100.0 / total for w in weights], "unweighted_zero"


def weighting_to_finding(
    objective_id: str, weights: Sequence[float | None], used: Sequence[float], weighting: str
) -> Finding | None:
    """Given one objective's printed and used weights, return the finding that reports how
    they were adjusted, or None when they were used as printed or shared equally."""
    if weighting in ("printed", "equal"):
        return None
    raw = "+".join("-" if w is None else f"{w:g}" for w in weights)
    total = sum(w for w in weights if w is not None)
    messages = {
        "rescaled": f"printed weights sum to {total:g}%, rescaled to 100%",
        "shared_rest": (
            f"printed weights sum to {total:g}%; the targets without a weight share"
            f" the remaining {100 - total:g}%"
        ),
        "unweighted_zero": (
            f"printed weights already sum to {total:g}%; the targets without a weight"
            " get weight 0 and the printed ones are rescaled to 100%"
        ),
    }
    return Finding(
        field="weight_pct",
        rule=f"weights_{weighting}",
        severity="warning",
        raw_value=raw,
        normalised_value="+".join(f"{u:.4g}" for u in used),
        message=messages[weighting],
        objective_id=objective_id,
    )


def objective_to_whole_target(objective: Mapping[str, Any]) -> pd.DataFrame:
    """Given an objective (expected_result, subject) without sub-targets, return the one
    target it is scored as: its expected result (else subject) as text, no weight, no
    threshold."""
    text = next(
        (t for col in ("expected_result", "subject") if isinstance(t := objective[col], str) and t),
        "(whole objective)",
    )
    return pd.DataFrame(
        [
            {
                "target_seq": 1,
                "text": text,
                "weight_pct": None,
                "operator": None,
                "value": None,
                "unit": None,
            }
        ]
    )


def plan_to_score_targets(
    objectives: pd.DataFrame, targets: pd.DataFrame, settings: ScoreSettings
) -> tuple[pd.DataFrame, list[Finding]]:
    """Given objectives (objective_id, sector, assignee, subject, status, deadline,
    expected_result, penalty_pct_per_month) and targets (objective_id, target_seq, text,
    weight_pct, operator, value, unit), return SCORE_TARGET_COLUMNS, one row per sub-target
    in plan order with the weight and lateness rule it is scored by (the objective's own
    rule, else the default), and findings; an objective without targets is one whole
    target."""
    check_input_columns(objectives, OBJECTIVE_COLUMNS, "objectives.parquet")
    check_input_columns(targets, TARGET_COLUMNS, "targets.parquet")
    revision = frame_to_revision(objectives, "objectives.parquet")
    if set(targets["revision"].dropna()) - {revision}:
        raise ValidationError(
            f"targets of another revision than {revision}", file="targets.parquet", field="revision"
        )
    unknown = sorted(set(targets["objective_id"]) - set(objectives["objective_id"]))
    if unknown:
        raise ValidationError(
            f"targets of objectives missing from objectives.parquet: {unknown}",
            file="targets.parquet",
            field="objective_id",
        )
    if objectives["objective_id"].duplicated().any():
        raise ValidationError("duplicate objective_id", file="objectives.parquet")
    if targets.duplicated(KEY).any():
        raise ValidationError("duplicate objective_id + target_seq", file="targets.parquet")

    findings: list[Finding] = []
    deadlines = pd.to_datetime(objectives["deadline"]).astype("datetime64[ns]")
    by_objective = {oid: group for oid, group in targets.groupby("objective_id", sort=False)}
    rows: list[dict[str, Any]] = []
    for position, objective in enumerate(objectives.to_dict("records")):
        oid = objective["objective_id"]
        own = by_objective.get(oid)
        if own is None:
            own = objective_to_whole_target(objective)
            findings.append(
                Finding(
                    field="targets",
                    rule="no_sub_targets",
                    severity="info",
                    raw_value=None,
                    normalised_value="1 target",
                    message="no sub-targets in targets.parquet: the objective is scored as one",
                    objective_id=oid,
                )
            )
        own = own.sort_values("target_seq")
        weights = [None if pd.isna(w) else float(w) for w in own["weight_pct"]]
        used, weighting = weights_to_weights_used(weights)
        finding = weighting_to_finding(oid, weights, used, weighting)
        if finding:
            findings.append(finding)
        rule = objective["penalty_pct_per_month"]
        rule = None if pd.isna(rule) else float(rule)
        for target, weight_used in zip(own.to_dict("records"), used, strict=True):
            rows.append(
                {
                    "revision": revision,
                    "objective_id": oid,
                    "target_seq": int(target["target_seq"]),
                    "sector": objective["sector"],
                    "assignee": objective["assignee"],
                    "subject": objective["subject"],
                    "status": objective["status"],
                    "included": objective["status"] not in settings.excluded_statuses,
                    "deadline": deadlines.iloc[position],
                    "text": target["text"],
                    "weight_pct": target["weight_pct"],
                    "weight_used_pct": weight_used,
                    "weighting": weighting,
                    "operator": target["operator"],
                    "value": target["value"],
                    "unit": target["unit"],
                    "penalty_pct_per_month": (
                        settings.late_penalty_pct_per_month if rule is None else rule
                    ),
                    "penalty_source": "default" if rule is None else "plan",
                }
            )
    return frame_to_dtypes(pd.DataFrame(rows, columns=SCORE_TARGET_COLUMNS)), findings


def frame_to_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Given any of the model's frames, return it with its known columns in their output
    dtypes (COLUMN_DTYPES: nullable string, Float64, Int64, boolean, datetime64[ns])."""
    frame = frame.copy()
    for col in frame.columns:
        if col in COLUMN_DTYPES:
            frame[col] = frame[col].astype(COLUMN_DTYPES[col])
    return frame


def number_to_text(value: object) -> str:
    """Given a number or NA, return it as short text ("50", "3.5") or ""."""
    return "" if pd.isna(value) else f"{float(value):g}"  # type: ignore[arg-type]


def target_to_has_threshold(operator: object, value: object) -> bool:
    """Given a target's operator and value, return whether it is quantified ("> 3.5")."""
    return isinstance(operator, str) and pd.notna(value)  # type: ignore[call-overload]


def target_to_threshold_text(operator: object, value: object, unit: object) -> str:
    """Given a target's operator, value and unit, return its threshold as text, or ""."""
    if not target_to_has_threshold(operator, value):
        return ""
    parts = [str(operator), number_to_text(value), unit if isinstance(unit, str) else ""]
    return " ".join(p for p in parts if p)


def score_targets_to_template(score_targets: pd.DataFrame) -> pd.DataFrame:
    """Given score targets, return TEMPLATE_COLUMNS as text: what the plan says about each
    sub-target and the empty columns an office fills in (achieved_pct or measured_value,
    completed_on, note)."""
    threshold = [
        target_to_threshold_text(op, value, unit)
        for op, value, unit in zip(
            score_targets["operator"], score_targets["value"], score_targets["unit"], strict=True
        )
    ]
    template = pd.DataFrame(
        {
            "revision": score_targets["revision"],
            "objective_id": score_targets["objective_id"],
            "target_seq": score_targets["target_seq"].astype(str),
            "sector": score_targets["sector"],
            "assignee": score_targets["assignee"],
            "subject": score_targets["subject"],
            "status": score_targets["status"],
            "deadline": score_targets["deadline"].dt.strftime("%Y-%m-%d"),
            "target_text": score_targets["text"],
            "weight_pct": score_targets["weight_pct"].map(number_to_text),
            "threshold": threshold,
        }
    )
    for col in FILL_IN_COLUMNS:
        template[col] = ""
    return template[TEMPLATE_COLUMNS].fillna("").astype("string")


def threshold_to_example_measure(operator: str, threshold: float, meets: bool) -> float:
    """Given a quantified target, return a round measured value that meets it (or misses)."""
    step = abs(threshold) * 0.1 if threshold else 1.0
    above = round(threshold + step, 2)
    below = round(threshold - step, 2)
    if meets:
        return {">": above, ">=": threshold, "<": below, "<=": threshold}.get(operator, threshold)
    return {">": below, ">=": below, "<": above, "<=": above}.get(operator, above)


def score_targets_to_example_achievements(score_targets: pd.DataFrame) -> pd.DataFrame:
    """Given score targets, return the template (TEMPLATE_COLUMNS) filled deterministically with
    invented achievements, each row's `note` saying it is an example: cycled percentages,
    measured values that mostly meet their threshold, and some late completions."""
    example = score_targets_to_template(score_targets)
    for i, target in enumerate(score_targets.to_dict("records")):
        if not target["included"]:
            example.loc[i, "note"] = f"{EXAMPLE_NOTE} ({target['status']}: not scored)"
            continue
        if target_to_has_threshold(target["operator"], target["value"]):
            meets = (i + 1) % EXAMPLE_MISSED_EVERY != 0
            measured = threshold_to_example_measure(
                target["operator"], float(target["value"]), meets
            )
            example.loc[i, "measured_value"] = f"{measured:g}"
        else:
            pct = EXAMPLE_ACHIEVED_PCTS[i % len(EXAMPLE_ACHIEVED_PCTS)]
            example.loc[i, "achieved_pct"] = f"{pct:g}"
        if pd.notna(target["deadline"]):
            late = (i + 1) % EXAMPLE_LATE_EVERY == 0
            done = target["deadline"] + pd.DateOffset(days=40 if late else 0)
            example.loc[i, "completed_on"] = done.strftime("%Y-%m-%d")
        example.loc[i, "note"] = EXAMPLE_NOTE
    return example


def text_to_number(text: str) -> float:
    """Given a number as an office types it ("3,5", "1.234", "1.234,5", "95%"), return it
    as a float (see `italian_number_to_float`); ValueError when it is not a number."""
    number = italian_number_to_float(text)
    if number is None:
        raise ValueError(f"not a number: {text!r}")
    return number


def text_to_date(text: str) -> pd.Timestamp:
    """Given a date as dd/mm/yyyy, dd.mm.yyyy or yyyy-mm-dd, return it; ValueError otherwise."""
    t = text.strip()
    if match := DATE_DMY.fullmatch(t):
        day, month, year = (int(g) for g in match.groups())
    elif match := DATE_ISO.fullmatch(t):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(f"not a date: {text!r}")
    return pd.Timestamp(date(year, month, day))  # date() rejects 31/06


def achievement_rows_to_achievements(
    rows: pd.DataFrame, score_targets: pd.DataFrame, file: str
) -> pd.DataFrame:
    """Given an achievements file's rows as text (objective_id, target_seq, achieved_pct,
    measured_value, completed_on, optional note and revision, and `line`, the file line) and
    the score targets, return ACHIEVEMENT_COLUMNS typed; raise ScoreInputError naming `file`
    and the line of the first problem (unknown objective or target, duplicate row, value out
    of range, unparsable number or date, missing value or row) and how many more there are."""
    revision = str(score_targets["revision"].iloc[0]) if len(score_targets) else None
    targets = {
        (t["objective_id"], int(t["target_seq"])): t for t in score_targets.to_dict("records")
    }
    objective_ids = set(score_targets["objective_id"])
    seen: dict[tuple[str, int], int] = {}
    parsed: list[dict[str, Any]] = []
    problems: list[ScoreInputError] = []
    for raw in rows.to_dict("records"):
        line = int(raw["line"])
        cells = {k: ("" if pd.isna(v) else str(v).strip()) for k, v in raw.items() if k != "line"}

        def problem(field: str, value: str | None, message: str, at: int = line) -> None:
            problems.append(ScoreInputError(message, file=file, line=at, field=field, value=value))

        oid, seq_text = cells["objective_id"], cells["target_seq"]
        row_revision = cells.get("revision", "")
        if row_revision and revision and row_revision != revision:
            problem("revision", row_revision, f"row is for another revision than {revision}")
            continue
        if oid not in objective_ids:
            problem("objective_id", oid, f"unknown objective{EXCEL_ID_HINT}")
            continue
        try:
            key = (oid, int(seq_text))
        except ValueError:
            problem("target_seq", seq_text, "target_seq is not a whole number")
            continue
        if key not in targets:
            problem("target_seq", seq_text, f"objective {oid} has no such target")
            continue
        if key in seen:
            problem("target_seq", seq_text, f"duplicate row (first on line {seen[key]})")
            continue
        seen[key] = line
        values, row_problems = achievement_cells_to_values(cells, targets[key])
        problems.extend(replace(p, file=file, line=line) for p in row_problems)
        parsed.append({"objective_id": oid, "target_seq": key[1], **values, "line": line})
    problems.extend(missing_rows_to_problems(list(targets.values()), seen, file))
    if problems:
        raise problems_to_error(problems)
    return frame_to_dtypes(pd.DataFrame(parsed, columns=ACHIEVEMENT_COLUMNS))


def achievement_cells_to_values(
    cells: Mapping[str, str], target: Mapping[str, Any]
) -> tuple[dict[str, Any], list[ScoreInputError]]:
    """Given one achievements row's text cells and its score target (operator, value,
    included), return its typed achieved_pct, measured_value, completed_on and note, and the
    problems in them (not yet placed in a file and line)."""
    problems: list[ScoreInputError] = []

    def problem(field: str, message: str) -> None:
        problems.append(ScoreInputError(message, field=field, value=cells[field] or None))

    values: dict[str, Any] = dict.fromkeys(FILL_IN_COLUMNS)
    for col, parse, hint in (
        ("achieved_pct", text_to_number, "not a number"),
        ("measured_value", text_to_number, "not a number"),
        ("completed_on", text_to_date, "not a date; write dd/mm/yyyy or yyyy-mm-dd"),
    ):
        if cells[col]:
            try:
                values[col] = parse(cells[col])
            except ValueError:
                problem(col, hint)
    values["note"] = cells.get("note") or None
    pct, measured = values["achieved_pct"], values["measured_value"]
    if pct is not None and not 0 <= pct <= 100:
        problem("achieved_pct", "must be between 0 and 100")
    if cells["achieved_pct"] and cells["measured_value"]:
        problem("measured_value", "fill either achieved_pct or measured_value, not both")
    elif measured is not None and not target_to_has_threshold(target["operator"], target["value"]):
        problem("measured_value", "the target has no quantified threshold: fill achieved_pct")
    elif not cells["achieved_pct"] and not cells["measured_value"] and target["included"]:
        problem("achieved_pct", "no achieved_pct or measured_value for a target that is scored")
    return values, problems


def missing_rows_to_problems(
    targets: Sequence[Mapping[str, Any]], seen: Mapping[tuple[str, int], int], file: str
) -> list[ScoreInputError]:
    """Given the score targets in plan order and the line each (objective_id, target_seq)
    was found on, return a problem for each included target without a row, placed at the
    line of the row before it in plan order."""
    problems = []
    last_line: int | None = None
    for target in targets:
        key = (target["objective_id"], int(target["target_seq"]))
        if key in seen:
            last_line = seen[key]
        elif target["included"]:
            where = "after this line" if last_line is not None else "in the file"
            problems.append(
                ScoreInputError(
                    f"no row for objective {key[0]} target {key[1]} {where};"
                    " every scored sub-target needs one",
                    file=file,
                    line=last_line,
                    field="objective_id",
                    value=key[0],
                )
            )
    return problems


def problems_to_error(problems: Sequence[ScoreInputError]) -> ScoreInputError:
    """Given every problem in an achievements file, rows' problems in file order before the
    missing rows (often a consequence of a mistyped key), return the first, its message
    saying how many more there are and on which lines (first ten)."""
    first, rest = problems[0], problems[1:]
    if not rest:
        return first
    lines = sorted({p.line for p in rest if p.line is not None})
    listed = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
    return replace(
        first, message=f"{first.message} (and {len(rest)} more problem(s), on line(s) {listed})"
    )


def date_plus_months(day: date, months: int) -> date:
    """Given a date, return the same day `months` later; a month's last day stays the last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if is_month_end else min(day.day, last))


def dates_to_months_late(deadline: date, completed_on: date) -> int:
    """Given a deadline and a completion date, return the months of delay, each started month
    counting whole (one day late is one month; 0 when on time)."""
    if completed_on <= deadline:
        return 0
    months = (completed_on.year - deadline.year) * 12 + completed_on.month - deadline.month
    if date_plus_months(deadline, months) < completed_on:
        months += 1
    return max(months, 1)


def measure_to_base_score(operator: str, threshold: float, measured: float, scoring: str) -> float:
    """Given a quantified threshold ("> 3.5") and the measured value, return 0-100: 100 when the
    threshold is met, else 0 ("binary") or how close the value came ("proportional")."""
    met = {
        ">": measured > threshold,
        ">=": measured >= threshold,
        "<": measured < threshold,
        "<=": measured <= threshold,
        "=": measured == threshold,
    }[operator]
    if met:
        return 100.0
    if scoring == "binary":
        return 0.0
    if operator in (">", ">="):
        ratio = measured / threshold if threshold > 0 else 0.0
    elif operator in ("<", "<="):
        ratio = threshold / measured if measured > 0 and threshold >= 0 else 0.0
    else:
        ratio = 1 - abs(measured - threshold) / abs(threshold) if threshold else 0.0
    return 100.0 * min(1.0, max(0.0, ratio))


def achievements_to_target_scores(
    score_targets: pd.DataFrame, achievements: pd.DataFrame, settings: ScoreSettings
) -> tuple[pd.DataFrame, list[Finding]]:
    """Given score targets and checked achievements (achieved_pct or measured_value,
    completed_on, note), return TARGET_SCORE_COLUMNS: base_score (the percentage given, or
    the measured value against the threshold), months_late against the objective's deadline,
    penalty = months_late x penalty_pct_per_month, score = max(0, base_score - penalty);
    NA where nothing was reported. Findings note completions that have no deadline."""
    merged = score_targets.merge(
        achievements.drop(columns=["line"]), on=KEY, how="left", validate="one_to_one"
    )
    findings: list[Finding] = []
    base_scores, months, penalties, scores = [], [], [], []
    for t in merged.to_dict("records"):
        if pd.notna(t["measured_value"]):
            base: float | None = measure_to_base_score(
                t["operator"],
                float(t["value"]),
                float(t["measured_value"]),
                settings.threshold_scoring,
            )
        elif pd.notna(t["achieved_pct"]):
            base = float(t["achieved_pct"])
        else:
            base = None
        late = 0
        if pd.notna(t["completed_on"]) and pd.notna(t["deadline"]):
            late = dates_to_months_late(t["deadline"].date(), t["completed_on"].date())
        elif pd.notna(t["completed_on"]):
            findings.append(
                Finding(
                    field="completed_on",
                    rule="no_deadline",
                    severity="info",
                    raw_value=t["completed_on"].strftime("%Y-%m-%d"),
                    normalised_value=None,
                    message=f"target {t['target_seq']}: the objective has no deadline,"
                    " so no lateness penalty applies",
                    objective_id=t["objective_id"],
                )
            )
        penalty = late * float(t["penalty_pct_per_month"])
        base_scores.append(base)
        months.append(late if base is not None else None)
        penalties.append(penalty if base is not None else None)
        scores.append(max(0.0, base - penalty) if base is not None else None)
    merged["base_score"] = pd.array(base_scores, dtype="Float64")
    merged["months_late"] = pd.array(months, dtype="Int64")
    merged["penalty"] = pd.array(penalties, dtype="Float64")
    merged["score"] = pd.array(scores, dtype="Float64")
    return frame_to_dtypes(merged[TARGET_SCORE_COLUMNS]), findings


def target_scores_to_objective_scores(target_scores: pd.DataFrame) -> pd.DataFrame:
    """Given target scores (score, weight_used_pct, weight_pct, weighting), return
    OBJECTIVE_SCORE_COLUMNS: score = sum(weight_used_pct x target score) / 100, NA unless
    every target of the objective has a score."""
    rows = []
    for _, group in target_scores.groupby("objective_id", sort=False):
        first = group.iloc[0]
        printed = group["weight_pct"].dropna()
        complete = bool(group["score"].notna().all())
        rows.append(
            {
                **{col: first[col] for col in OBJECTIVE_SCORE_COLUMNS if col in group.columns},
                "n_targets": len(group),
                "weight_sum_pct": float(printed.sum()) if len(printed) else None,
                "score": (
                    float((group["weight_used_pct"] * group["score"]).sum()) / 100.0
                    if complete
                    else None
                ),
            }
        )
    return frame_to_dtypes(pd.DataFrame(rows, columns=OBJECTIVE_SCORE_COLUMNS))


def objective_scores_to_sector_scores(
    objective_scores: pd.DataFrame, sector_weights: pd.DataFrame
) -> tuple[pd.DataFrame, list[Finding]]:
    """Given objective scores (sector, included, score) and the relevance table (sector,
    label_raw, relevance_pct), return SECTOR_SCORE_COLUMNS without the euro share: score =
    mean of the included objectives' scores, fund_share_pct = relevance_pct x score / 100.
    Sectors come in relevance-table order; sectors without a relevance row, and the
    cross-cutting objectives (sector NA) as one last row, are reported but kept out of the
    fund split. Findings report those rows and a relevance table not summing to 100."""
    check_input_columns(sector_weights, SECTOR_WEIGHT_COLUMNS, "sector_weights.parquet")
    revision = frame_to_revision(objective_scores, "objectives.parquet")
    findings: list[Finding] = []
    total = float(sector_weights["relevance_pct"].sum())
    if total > 100.0 + WEIGHT_TOLERANCE:
        raise ValidationError(
            f"relevance_pct sums to {total:g}%: the sectors would share more than the fund",
            file="sector_weights.parquet",
            field="relevance_pct",
        )
    if total < 100.0 - WEIGHT_TOLERANCE:
        findings.append(
            Finding(
                field="relevance_pct",
                rule="relevance_below_100",
                severity="warning",
                raw_value=f"{total:g}",
                normalised_value=None,
                message=f"relevance_pct sums to {total:g}%: the rest of the fund is not"
                " distributed",
            )
        )
    if set(sector_weights["revision"].dropna()) - {revision}:
        raise ValidationError(
            f"relevance rows of another revision than {revision}",
            file="sector_weights.parquet",
            field="revision",
        )
    if sector_weights["sector"].duplicated().any():
        raise ValidationError(
            "a sector has more than one relevance row",
            file="sector_weights.parquet",
            field="sector",
        )
    weighted = sector_weights.set_index("sector")
    by_sector = {
        sector: group
        for sector, group in objective_scores.groupby("sector", sort=False, dropna=False)
    }
    extra = [s for s in by_sector if pd.notna(s) and s not in weighted.index]
    order = [*weighted.index, *extra, *[s for s in by_sector if pd.isna(s)]]
    rows = []
    for sector in order:
        group = by_sector.get(sector, objective_scores.iloc[0:0])
        in_split = pd.notna(sector) and sector in weighted.index
        included = group[group["included"].fillna(False).astype(bool)]
        score = float(included["score"].mean()) if included["score"].notna().any() else None
        relevance = float(weighted.loc[sector, "relevance_pct"]) if in_split else None
        share = None
        if in_split:
            share = 0.0 if score is None else relevance * score / 100.0  # type: ignore[operator]
        rows.append(
            {
                "revision": revision,
                "sector": None if pd.isna(sector) else sector,
                "label_raw": weighted.loc[sector, "label_raw"] if in_split else None,
                "in_fund_split": in_split,
                "n_objectives": len(group),
                "n_included": len(included),
                "score": score,
                "relevance_pct": relevance,
                "fund_share_pct": share,
                "fund_share_eur": None,
            }
        )
        finding = sector_to_finding(sector, in_split, score)
        if finding:
            findings.append(finding)
    return frame_to_dtypes(pd.DataFrame(rows, columns=SECTOR_SCORE_COLUMNS)), findings


def sector_to_finding(sector: Any, in_split: bool, score: float | None) -> Finding | None:
    """Given one sector row's key, whether it is in the fund split and its score, return the
    finding that explains a row kept out of the split or scoring nothing, or None."""
    if pd.isna(sector):
        return Finding(
            field="sector",
            rule="cross_cutting_not_in_fund_split",
            severity="info",
            raw_value=None,
            normalised_value=None,
            message="cross-cutting objectives are scored and reported but have no relevance"
            " row, so they take no part in the fund split",
        )
    if not in_split:
        return Finding(
            field="sector",
            rule="sector_without_relevance",
            severity="warning",
            raw_value=str(sector),
            normalised_value=None,
            message=f"sector {sector} has objectives but no relevance row: kept out of the"
            " fund split",
        )
    if score is None:
        return Finding(
            field="sector",
            rule="sector_without_scored_objectives",
            severity="warning",
            raw_value=str(sector),
            normalised_value="0",
            message=f"sector {sector} has no scored objective: its relevance share stays"
            " undistributed",
        )
    return None


def sector_scores_to_fund_split(
    sector_scores: pd.DataFrame, fund_eur: float | None
) -> tuple[pd.DataFrame, FundSplit | None]:
    """Given sector scores (fund_share_pct) and the fund in euro (or None), return them with
    fund_share_eur = fund x fund_share_pct / 100 rounded to the cent so that the shares add
    up to the rounded total share exactly (largest remainder), and the FundSplit whose
    remainder = fund - shares, to the cent; fund None leaves fund_share_eur NA."""
    sector_scores = sector_scores.copy()
    if fund_eur is None:
        sector_scores["fund_share_eur"] = pd.array([None] * len(sector_scores), dtype="Float64")
        return sector_scores, None
    fund_cents = int(Decimal(str(fund_eur)).scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))
    shares = sector_scores["fund_share_pct"]
    in_split = sector_scores["in_fund_split"].fillna(False).astype(bool) & shares.notna()
    # rounded to 6 decimals of a cent first, so float noise (1234.9999999) cannot floor wrong
    exact = {i: round(fund_cents * float(shares[i]) / 100.0, 6) for i in shares.index[in_split]}
    cents = {i: math.floor(x) for i, x in exact.items()}
    total = min(fund_cents, math.floor(sum(exact.values()) + 0.5))
    leftover = max(0, total - sum(cents.values()))
    # the cents lost to flooring go to the largest fractions; sorted() is stable, so ties go
    # to the earlier row and the split is deterministic
    for i in sorted(exact, key=lambda i: cents[i] - exact[i])[:leftover]:
        cents[i] += 1
    sector_scores["fund_share_eur"] = pd.array(
        [cents[i] / 100 if i in cents else None for i in sector_scores.index], dtype="Float64"
    )
    distributed = sum(cents.values())
    split = FundSplit(
        fund_eur=fund_cents / 100,
        distributed_eur=distributed / 100,
        remainder_eur=(fund_cents - distributed) / 100,
    )
    return sector_scores, split


@dataclass(frozen=True)
class Scores:
    """Everything one score run produces: the three tables, the fund split and findings."""

    target_scores: pd.DataFrame
    objective_scores: pd.DataFrame
    sector_scores: pd.DataFrame
    split: FundSplit | None
    findings: list[Finding]


def plan_to_scores(
    objectives: pd.DataFrame,
    targets: pd.DataFrame,
    sector_weights: pd.DataFrame,
    achievement_rows: pd.DataFrame,
    settings: ScoreSettings,
    file: str = "achievements.csv",
) -> Scores:
    """Given the extracted plan (objectives, targets, sector_weights), an achievements file's
    rows as text (with `line`) and settings, return the Scores of the whole chain; bad
    achievements raise ScoreInputError naming `file` and the line."""
    score_targets, findings = plan_to_score_targets(objectives, targets, settings)
    achievements = achievement_rows_to_achievements(achievement_rows, score_targets, file)
    target_scores, late_findings = achievements_to_target_scores(
        score_targets, achievements, settings
    )
    objective_scores = target_scores_to_objective_scores(target_scores)
    sector_scores, sector_findings = objective_scores_to_sector_scores(
        objective_scores, sector_weights
    )
    sector_scores, split = sector_scores_to_fund_split(sector_scores, settings.fund_eur)
    return Scores(
        target_scores=target_scores,
        objective_scores=objective_scores,
        sector_scores=sector_scores,
        split=split,
        findings=[*findings, *late_findings, *sector_findings],
    )


def scores_to_summary(scores: Scores) -> dict[str, Any]:
    """Given Scores, return the run's headline figures as plain data (score_summary.json):
    revision, counts, distributed and remainder in % of the fund and, with a fund, in euro."""
    objectives = scores.objective_scores
    sectors = scores.sector_scores
    distributed_pct = float(sectors.loc[sectors["in_fund_split"], "fund_share_pct"].sum())
    split = scores.split
    return {
        "revision": str(objectives["revision"].iloc[0]) if len(objectives) else None,
        "objectives": len(objectives),
        "objectives_included": int(objectives["included"].sum()),
        "sectors_in_fund_split": int(sectors["in_fund_split"].sum()),
        "distributed_pct": round(distributed_pct, 6),
        "remainder_pct": round(100.0 - distributed_pct, 6),
        "fund_eur": split.fund_eur if split else None,
        "distributed_eur": split.distributed_eur if split else None,
        "remainder_eur": split.remainder_eur if split else None,
        "findings": {
            severity: sum(f.severity == severity for f in scores.findings)
            for severity in ("info", "warning", "error")
        },
    }
