"""Revision diff: compare two extracted plan revisions and list what changed.

Pure transforms, frames in and frames out; reading and writing folders happens in
`pipeline.diff.files`, rendering in `pipeline.diff.report`.

The chain:

- `objectives_to_similarity` scores every old objective against every new one of the same
  sector by what the objective *is* (subject, description, indicator);
- `similarity_to_pairs` pairs them one-to-one with the globally best assignment, pairs
  below `min_similarity` left unpaired; the printed number is only a tie-breaking hint;
- `objectives_to_pairs` does that sector by sector and returns the crosswalk between the
  two revisions (`pairs.parquet`);
- `pairs_to_objective_changes` lists the changes (`diff.parquet`): unpaired old objectives
  are `removed`, unpaired new ones `added`, a paired objective whose printed number
  changed is `renumbered`, and every other compared field that differs (whitespace
  collapsed) is one `modified` row;
- `targets_to_changes` does the same for sub-targets (`targets_diff.parquet`),
  `sector_weights_to_changes` for the relevance table (`sector_weights_diff.parquet`);
- `compare_plans` runs the chain and returns a `PlanDiff`.

Nothing here knows about a particular revision: any two revisions can be compared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.core.contract import PLAN_COLUMN, table_with_plans
from pipeline.core.errors import DiffInputError
from pipeline.core.settings import Settings, setting

CHANGE_KINDS = ("added", "removed", "modified", "renumbered")


# Fields that say what an objective is, and how much each counts in the similarity.
# The description says most; subject and indicator often repeat across a sector.
DEFAULT_SIMILARITY_WEIGHTS: Mapping[str, float] = {
    "subject": 1.0,
    "description": 2.0,
    "indicator": 1.0,
}


# Below this similarity (0-100) two objectives are not the same one: the old is removed
# and the new added. Measured on the 2021 plans: of the pairs of *different* objectives
# of one sector, half score below 40 and 95% below 61 (shared bureaucratic wording);
# the real changes score 79 (description rewritten, same subject) and 84 (subject
# retitled). Sibling objectives built on one template ("Accertamenti IMU 2016" / "2017")
# score up to 99: only the global assignment, where each has a better true partner,
# keeps those apart, not this threshold.
DEFAULT_MIN_SIMILARITY = 65.0


# Added to a candidate pair's score when the printed numbers agree. Small on purpose: it
# breaks ties between look-alike objectives but never makes a pair on its own (the
# `min_similarity` test ignores it), so a reused number is never a "modification".
DEFAULT_NUMBER_HINT = 2.0


# Printed and normalised fields compared between paired objectives. `number` changes
# are reported as `renumbered`, all others as `modified`.
DEFAULT_COMPARED_FIELDS: tuple[str, ...] = (
    "number",
    "assignee_raw",
    "assignee",
    "dup_raw",
    "subject",
    "description",
    "indicator",
    "expected_result",
    "deadline_raw",
    "deadline",
    "status",
)


# Sub-targets of paired objectives are paired by their text the same way. Items of one
# objective share its words, so they resemble each other (median 50 in the 2021 plans)
# and the assignment, helped by the same target_seq, does most of the work; the real
# target edits of 2021 score 79 ("almeno 25" -> "almeno 30") to 97.
DEFAULT_TARGET_MIN_SIMILARITY = 60.0
DEFAULT_TARGET_SEQ_HINT = 2.0
DEFAULT_TARGET_FIELDS: tuple[str, ...] = ("text", "weight_pct", "operator", "value", "unit")


# Relevance percentages closer than this are equal (they are printed as whole numbers).
PCT_TOLERANCE = 1e-6

OBJECTIVE_DIFF_COLUMNS = [
    "change",
    "sector",
    "old_objective_id",
    "new_objective_id",
    "field",
    "old_value",
    "new_value",
    "old_number",
    "new_number",
    "subject",
    "similarity",
]
TARGET_DIFF_COLUMNS = [
    "change",
    "sector",
    "old_objective_id",
    "new_objective_id",
    "old_target_seq",
    "new_target_seq",
    "field",
    "old_value",
    "new_value",
    "similarity",
]
SECTOR_WEIGHT_DIFF_COLUMNS = ["change", "sector", "old_pct", "new_pct", "old_label", "new_label"]
PAIR_COLUMNS = [
    "sector",
    "old_objective_id",
    "new_objective_id",
    "old_number",
    "new_number",
    "similarity",
]


@dataclass(frozen=True)
class DiffSettings(Settings):
    """Thresholds and field lists of the revision diff (`params.yaml`, section `diff:`)."""

    min_similarity: float = setting(DEFAULT_MIN_SIMILARITY, above=0, high=100)
    number_hint: float = setting(DEFAULT_NUMBER_HINT, low=0)
    similarity_weights: Mapping[str, float] = setting(
        factory=lambda: dict(DEFAULT_SIMILARITY_WEIGHTS), low=0, nonempty=True, nonzero=True
    )
    compared_fields: tuple[str, ...] = setting(
        DEFAULT_COMPARED_FIELDS, nonempty=True, distinct=True
    )
    target_min_similarity: float = setting(DEFAULT_TARGET_MIN_SIMILARITY, above=0, high=100)
    target_seq_hint: float = setting(DEFAULT_TARGET_SEQ_HINT, low=0)
    target_fields: tuple[str, ...] = setting(DEFAULT_TARGET_FIELDS, nonempty=True, distinct=True)


@dataclass(frozen=True)
class PlanFrames:
    """The three tables of one `piano extract` output folder that the diff reads;
    `source` (the folder) names the input in error messages."""

    objectives: pd.DataFrame
    targets: pd.DataFrame
    sector_weights: pd.DataFrame
    source: str | None = None


@dataclass(frozen=True)
class PlanDiff:
    """What changed between two revisions: data first, rendered by `pipeline.diff.report`.

    - objectives: diff.parquet, one row per change (`OBJECTIVE_DIFF_COLUMNS`)
    - targets: targets_diff.parquet (`TARGET_DIFF_COLUMNS`)
    - sector_weights: sector_weights_diff.parquet (`SECTOR_WEIGHT_DIFF_COLUMNS`)
    - pairs: pairs.parquet, every objective of either revision with its partner
    - added / removed: the full input rows of added / removed objectives
    - sector_labels: sector key -> label as printed in the relevance table
    """

    old_revision: str | None
    new_revision: str | None
    objectives: pd.DataFrame
    targets: pd.DataFrame
    sector_weights: pd.DataFrame
    pairs: pd.DataFrame
    added: pd.DataFrame
    removed: pd.DataFrame
    sector_labels: dict[str, str]


# ---------------------------------------------------------------- values and text


def value_to_text(value: object) -> str | None:
    """Given one cell of any column, return it as a string (None for null).

    Dates become ISO `yyyy-mm-dd`; whole floats lose their `.0` (`40.0` -> `40`); text
    is returned as it is, line breaks included.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return value_to_text(pd.Timestamp(value))
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def text_to_key(value: object) -> str:
    """Given a cell, return its text with all whitespace collapsed; null becomes "".

    Two cells with the same key are the same: a cell re-wrapped over other lines, or split
    into items differently, is not a change.
    """
    text = value_to_text(value)
    return " ".join(text.split()) if text else ""


def _text_to_match_key(value: object) -> str:
    return text_to_key(value).casefold()


def _texts_to_similarity(old: Sequence[str], new: Sequence[str]) -> np.ndarray:
    """Given match keys, return the old x new matrix of text similarity (0-100).

    The mean of `ratio` (order and length matter) and `token_set_ratio` (forgives words
    added around the old text, as when a description is rewritten to explain a delay).
    """
    ratio = process.cdist(old, new, scorer=fuzz.ratio, dtype=np.float64, workers=1)
    token_set = process.cdist(old, new, scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1)
    return np.asarray((ratio + token_set) / 2.0)


# ---------------------------------------------------------------- pairing


def objectives_to_similarity(
    old: pd.DataFrame, new: pd.DataFrame, settings: DiffSettings
) -> np.ndarray:
    """Given old and new objectives (columns in `settings.similarity_weights`), return the
    old x new matrix of similarity (0-100).

    The weighted mean of the per-field text similarity; a field empty on both sides is
    left out of the mean (it says nothing about identity), so is an all-empty pair (0).
    """
    total = np.zeros((len(old), len(new)))
    weight_sum = np.zeros((len(old), len(new)))
    for column, weight in settings.similarity_weights.items():
        if weight == 0:
            continue
        old_keys = [_text_to_match_key(v) for v in old[column]]
        new_keys = [_text_to_match_key(v) for v in new[column]]
        both_empty = np.outer([not k for k in old_keys], [not k for k in new_keys])
        counted = np.where(both_empty, 0.0, weight)
        total += counted * _texts_to_similarity(old_keys, new_keys)
        weight_sum += counted
    return np.divide(total, weight_sum, out=np.zeros_like(total), where=weight_sum > 0)


def similarity_to_pairs(
    similarity: np.ndarray, hint: np.ndarray, min_similarity: float
) -> list[tuple[int | None, int | None]]:
    """Given an old x new similarity matrix and a hint bonus matrix of the same shape,
    return the globally best one-to-one pairing as (old, new) indexes of every item of
    either side: each new item in order with its old partner or None, then each old item
    without partner as (old, None).

    Pairs below `min_similarity` are forbidden (the hint does not count for that test);
    among the allowed ones the assignment maximises the summed similarity plus hint.
    Forbidden cells weigh 0, so an optimal assignment that uses one is equally good
    without it: dropping them afterwards keeps the result optimal.
    """
    n_old, n_new = similarity.shape
    partner_of_new: dict[int, int] = {}
    if similarity.size:
        allowed = similarity >= min_similarity
        gain = np.where(allowed, similarity + hint, 0.0)
        # scipy.optimize takes half a second to import: only pairing rows needs it
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(gain, maximize=True)
        partner_of_new = {int(j): int(i) for i, j in zip(rows, cols, strict=True) if allowed[i, j]}
    paired_old = set(partner_of_new.values())
    return [(partner_of_new.get(j), j) for j in range(n_new)] + [
        (i, None) for i in range(n_old) if i not in paired_old
    ]


def _sector_keys(frame: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(s) else str(s) for s in frame["sector"]]


def _sectors_in_order(old: pd.DataFrame, new: pd.DataFrame) -> list[str | None]:
    """Sectors in the new revision's document order, then those only in the old one."""
    order: list[str | None] = []
    for key in _sector_keys(new) + _sector_keys(old):
        if key not in order:
            order.append(key)
    return order


def _in_document_order(objectives: pd.DataFrame) -> pd.DataFrame:
    return objectives.sort_values(
        ["block", "seq"] if "block" in objectives else ["seq"], kind="stable"
    ).reset_index(drop=True)


def _cell_text(frame: pd.DataFrame, index: int | None, column: str) -> str | None:
    return None if index is None else value_to_text(frame.at[index, column])


def _pair_similarity(similarity: np.ndarray, i: int | None, j: int | None) -> float | None:
    return None if i is None or j is None else round(float(similarity[i, j]), 2)


def objectives_to_pairs(
    old: pd.DataFrame, new: pd.DataFrame, settings: DiffSettings
) -> pd.DataFrame:
    """Given old and new objectives (objective_id, sector, seq, number and the similarity
    fields), return every objective of either revision with its partner: `PAIR_COLUMNS`.

    Objectives are paired only inside their sector (null sector: the cross-cutting block
    is a sector of its own). Paired rows have both ids and their similarity; an old
    objective without partner has a null new_objective_id, and the other way round.
    Rows come in the new document order, objectives only in the old one after them.
    """
    old = _in_document_order(old)
    new = _in_document_order(new)
    old_sectors, new_sectors = _sector_keys(old), _sector_keys(new)
    rows: list[dict[str, Any]] = []
    for sector in _sectors_in_order(old, new):
        old_part = old[[s == sector for s in old_sectors]].reset_index(drop=True)
        new_part = new[[s == sector for s in new_sectors]].reset_index(drop=True)
        similarity = objectives_to_similarity(old_part, new_part, settings)
        old_numbers = [text_to_key(v) for v in old_part["number"]]
        new_numbers = [text_to_key(v) for v in new_part["number"]]
        same_number = np.array(
            [[bool(o) and o == n for n in new_numbers] for o in old_numbers], dtype=bool
        ).reshape(len(old_part), len(new_part))
        hint = np.where(same_number, settings.number_hint, 0.0)
        for i, j in similarity_to_pairs(similarity, hint, settings.min_similarity):
            rows.append(
                {
                    "sector": sector,
                    "old_objective_id": _cell_text(old_part, i, "objective_id"),
                    "new_objective_id": _cell_text(new_part, j, "objective_id"),
                    "old_number": _cell_text(old_part, i, "number"),
                    "new_number": _cell_text(new_part, j, "number"),
                    "similarity": _pair_similarity(similarity, i, j),
                }
            )
    return _typed_frame(rows, PAIR_COLUMNS, floats=("similarity",))


def _typed_frame(
    rows: list[dict[str, Any]],
    columns: list[str],
    floats: Sequence[str] = (),
    ints: Sequence[str] = (),
) -> pd.DataFrame:
    """Rows to a frame whose text columns are nullable `string`, numbers nullable too."""
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        dtype = "Float64" if column in floats else "Int64" if column in ints else "string"
        values = frame[column].astype(object)
        frame[column] = pd.array(values.where(values.notna(), None).tolist(), dtype=dtype)
    return frame


# ---------------------------------------------------------------- changes


def _record_changes(
    old_row: Mapping[str, Any], new_row: Mapping[str, Any], columns: Sequence[str]
) -> list[tuple[str, str | None, str | None]]:
    """(field, old text, new text) for each column whose whitespace-collapsed text differs."""
    changes = []
    for column in columns:
        old_value, new_value = old_row[column], new_row[column]
        if text_to_key(old_value) != text_to_key(new_value):
            changes.append((column, value_to_text(old_value), value_to_text(new_value)))
    return changes


def pairs_to_objective_changes(
    pairs: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame, settings: DiffSettings
) -> pd.DataFrame:
    """Given the pairs of `objectives_to_pairs` and both objective tables, return one row
    per change: `OBJECTIVE_DIFF_COLUMNS`, in the order of `pairs`.

    - `added` / `removed`: field null, new_value / old_value the objective's description;
    - `renumbered`: field `number`, the printed numbers (one may be null);
    - `modified`: one row per other compared field whose text differs.
    old_number, new_number and subject (new side if any) say which objective a row is
    about; similarity is the pair's score (null for added / removed).
    """
    old_by_id = old.set_index("objective_id", drop=False)
    new_by_id = new.set_index("objective_id", drop=False)
    rows: list[dict[str, Any]] = []
    for pair in pairs.itertuples(index=False):
        old_row = None if pd.isna(pair.old_objective_id) else old_by_id.loc[pair.old_objective_id]
        new_row = None if pd.isna(pair.new_objective_id) else new_by_id.loc[pair.new_objective_id]
        subject_row = new_row if new_row is not None else old_row
        assert subject_row is not None  # a pair row has at least one side
        base = {
            "sector": pair.sector,
            "old_objective_id": pair.old_objective_id,
            "new_objective_id": pair.new_objective_id,
            "old_number": pair.old_number,
            "new_number": pair.new_number,
            "subject": value_to_text(subject_row["subject"]),
            "similarity": pair.similarity,
        }
        if old_row is None or new_row is None:
            description = value_to_text(subject_row["description"])
            added = old_row is None
            rows.append(
                {
                    **base,
                    "change": "added" if added else "removed",
                    "old_value": None if added else description,
                    "new_value": description if added else None,
                }
            )
            continue
        changes = _record_changes(old_row, new_row, settings.compared_fields)
        # the renumbering first: it says which objective the modifications are about
        changes.sort(key=lambda change: change[0] != "number")
        for column, old_text, new_text in changes:
            change = "renumbered" if column == "number" else "modified"
            rows.append(
                {
                    **base,
                    "change": change,
                    "field": column,
                    "old_value": old_text,
                    "new_value": new_text,
                }
            )
    return _typed_frame(rows, OBJECTIVE_DIFF_COLUMNS, floats=("similarity",))


def _targets_of(targets: pd.DataFrame, objective_id: object) -> pd.DataFrame:
    if pd.isna(objective_id):
        return targets.iloc[0:0]
    part = targets[targets["objective_id"] == objective_id]
    return part.sort_values("target_seq", kind="stable").reset_index(drop=True)


def targets_to_changes(
    pairs: pd.DataFrame,
    old_targets: pd.DataFrame,
    new_targets: pd.DataFrame,
    settings: DiffSettings,
) -> pd.DataFrame:
    """Given objective pairs and both targets tables (objective_id, target_seq and
    `settings.target_fields`), return one row per target change: `TARGET_DIFF_COLUMNS`.

    Targets of a paired objective are paired by text like objectives are (threshold
    `target_min_similarity`, same target_seq as hint); unpaired ones are `added` /
    `removed` with both objective ids set. All targets of an added (removed) objective
    are `added` (`removed`) with a null old (new) objective id. Added / removed rows have
    a null field and the target text as value; `modified` rows one per differing field.
    A target that only moved inside its objective is not a change.
    """
    rows: list[dict[str, Any]] = []
    for pair in pairs.itertuples(index=False):
        old_part = _targets_of(old_targets, pair.old_objective_id)
        new_part = _targets_of(new_targets, pair.new_objective_id)
        similarity = _texts_to_similarity(
            [_text_to_match_key(v) for v in old_part["text"]],
            [_text_to_match_key(v) for v in new_part["text"]],
        )
        same_seq = np.equal.outer(
            old_part["target_seq"].to_numpy(dtype=np.int64),
            new_part["target_seq"].to_numpy(dtype=np.int64),
        )
        hint = np.where(same_seq, settings.target_seq_hint, 0.0)
        for i, j in similarity_to_pairs(similarity, hint, settings.target_min_similarity):
            base = {
                "sector": pair.sector,
                "old_objective_id": pair.old_objective_id,
                "new_objective_id": pair.new_objective_id,
                "old_target_seq": None if i is None else old_part.at[i, "target_seq"],
                "new_target_seq": None if j is None else new_part.at[j, "target_seq"],
            }
            if i is None:
                rows.append(
                    {**base, "change": "added", "new_value": _cell_text(new_part, j, "text")}
                )
            elif j is None:
                rows.append(
                    {**base, "change": "removed", "old_value": _cell_text(old_part, i, "text")}
                )
            else:
                for column, old_text, new_text in _record_changes(
                    old_part.iloc[i], new_part.iloc[j], settings.target_fields
                ):
                    rows.append(
                        {
                            **base,
                            "change": "modified",
                            "field": column,
                            "old_value": old_text,
                            "new_value": new_text,
                            "similarity": _pair_similarity(similarity, i, j),
                        }
                    )
    return _typed_frame(
        rows, TARGET_DIFF_COLUMNS, floats=("similarity",), ints=("old_target_seq", "new_target_seq")
    )


def _same_pct(old: Any, new: Any) -> bool:
    """Both null, or both numbers closer than `PCT_TOLERANCE`."""
    if pd.isna(old) or pd.isna(new):
        return bool(pd.isna(old) and pd.isna(new))
    return math.isclose(float(old), float(new), abs_tol=PCT_TOLERANCE)


def sector_weights_to_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Given both relevance tables (sector, label_raw, relevance_pct), return one row per
    sector whose percentage or printed label changed, or that is in one table only:
    `SECTOR_WEIGHT_DIFF_COLUMNS` (change `modified`, `added` or `removed`), in the new
    table's order, sectors only in the old table last.
    """
    old_by_sector = old.set_index("sector")
    new_by_sector = new.set_index("sector")
    sectors = list(dict.fromkeys([*new["sector"], *old["sector"]]))
    rows = []
    for sector in sectors:
        in_old, in_new = sector in old_by_sector.index, sector in new_by_sector.index
        old_pct = old_by_sector.at[sector, "relevance_pct"] if in_old else None
        new_pct = new_by_sector.at[sector, "relevance_pct"] if in_new else None
        old_label = old_by_sector.at[sector, "label_raw"] if in_old else None
        new_label = new_by_sector.at[sector, "label_raw"] if in_new else None
        if (
            in_old
            and in_new
            and _same_pct(old_pct, new_pct)
            and text_to_key(old_label) == text_to_key(new_label)
        ):
            continue
        change = "modified" if in_old and in_new else ("added" if in_new else "removed")
        rows.append(
            {
                "change": change,
                "sector": sector,
                "old_pct": old_pct,
                "new_pct": new_pct,
                "old_label": old_label,
                "new_label": new_label,
            }
        )
    return _typed_frame(rows, SECTOR_WEIGHT_DIFF_COLUMNS, floats=("old_pct", "new_pct"))


def sector_weights_to_labels(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, str]:
    """Given both relevance tables (sector, label_raw), return sector key -> printed
    label, the new table's label winning."""
    labels: dict[str, str] = {}
    for table in (old, new):
        for sector, label in zip(table["sector"], table["label_raw"], strict=True):
            if not pd.isna(sector) and text_to_key(label):
                labels[str(sector)] = text_to_key(label)
    return labels


# always read, whatever the settings: ids, order, the pairing hint and the row labels
OBJECTIVE_KEY_COLUMNS = (
    "revision",
    "objective_id",
    "seq",
    "sector",
    "number",
    "subject",
    "description",
)
TARGET_KEY_COLUMNS = ("revision", "objective_id", "target_seq", "text")
SECTOR_WEIGHT_COLUMNS = ("revision", "sector", "label_raw", "relevance_pct")


def check_plan_frames(plan: PlanFrames, settings: DiffSettings) -> None:
    """Given one revision's tables, raise `DiffInputError` (file: `plan.source`) if a column the
    diff needs is missing, objective ids or (objective_id, target_seq) repeat, a target
    names an unknown objective, a sector repeats in the relevance table, or the tables
    hold more than one revision.
    """
    where = plan.source
    needed = {
        "objectives.parquet": (
            plan.objectives,
            [*OBJECTIVE_KEY_COLUMNS, *settings.similarity_weights, *settings.compared_fields],
        ),
        "targets.parquet": (plan.targets, [*TARGET_KEY_COLUMNS, *settings.target_fields]),
        "sector_weights.parquet": (plan.sector_weights, list(SECTOR_WEIGHT_COLUMNS)),
    }
    for name, (frame, columns) in needed.items():
        missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
        if missing:
            raise DiffInputError(
                f"{name} lacks column(s) {', '.join(missing)}", file=where, field=missing[0]
            )
    revisions = {
        str(r)
        for frame in (plan.objectives, plan.targets, plan.sector_weights)
        for r in frame["revision"].dropna().unique()
    }
    if len(revisions) > 1:
        raise DiffInputError(
            f"tables hold several revisions: {', '.join(sorted(revisions))}", file=where
        )
    duplicated = plan.objectives["objective_id"][plan.objectives["objective_id"].duplicated()]
    if len(duplicated):
        raise DiffInputError(
            "objective_id repeats in objectives.parquet",
            file=where,
            field="objective_id",
            value=str(duplicated.iloc[0]),
        )
    target_keys = plan.targets[["objective_id", "target_seq"]]
    if target_keys.duplicated().any():
        first = target_keys[target_keys.duplicated()].iloc[0]
        raise DiffInputError(
            "(objective_id, target_seq) repeats in targets.parquet",
            file=where,
            row=str(first["objective_id"]),
            value=str(first["target_seq"]),
        )
    orphans = set(plan.targets["objective_id"]) - set(plan.objectives["objective_id"])
    if orphans:
        raise DiffInputError(
            "targets.parquet names objective(s) not in objectives.parquet",
            file=where,
            field="objective_id",
            value=", ".join(sorted(map(str, orphans))),
        )
    sectors = plan.sector_weights["sector"]
    if sectors.duplicated().any() or sectors.isna().any():
        raise DiffInputError(
            "sector missing or repeated in sector_weights.parquet",
            file=where,
            field="sector",
            value=str(sectors[sectors.duplicated()].tolist()),
        )


def plan_frames_to_plan_name(plan: PlanFrames) -> str:
    """Given one revision's tables, return its plan's name: the objectives' `plan`, else
    the folder's name (a folder written before the column was), else `?`."""
    if PLAN_COLUMN in plan.objectives:
        values = plan.objectives[PLAN_COLUMN].dropna().unique()
        if len(values):
            return str(values[0])
    return Path(plan.source).name if plan.source else "?"


def _revision_of(plan: PlanFrames) -> str | None:
    values = plan.objectives["revision"].dropna().unique()
    return str(values[0]) if len(values) else None


# ---------------------------------------------------------------- the diff


def compare_plans(
    old: PlanFrames, new: PlanFrames, settings: DiffSettings | None = None
) -> PlanDiff:
    """Given the tables of an old and a new revision, return their `PlanDiff`."""
    settings = settings or DiffSettings()
    check_plan_frames(old, settings)
    check_plan_frames(new, settings)
    pairs = objectives_to_pairs(old.objectives, new.objectives, settings)
    objective_changes = pairs_to_objective_changes(pairs, old.objectives, new.objectives, settings)
    added_ids = pairs.loc[pairs["old_objective_id"].isna(), "new_objective_id"]
    removed_ids = pairs.loc[pairs["new_objective_id"].isna(), "old_objective_id"]
    plans = (plan_frames_to_plan_name(old), plan_frames_to_plan_name(new))
    return PlanDiff(
        old_revision=_revision_of(old),
        new_revision=_revision_of(new),
        objectives=table_with_plans(objective_changes, *plans, "string"),
        targets=table_with_plans(
            targets_to_changes(pairs, old.targets, new.targets, settings), *plans, "string"
        ),
        sector_weights=table_with_plans(
            sector_weights_to_changes(old.sector_weights, new.sector_weights), *plans, "string"
        ),
        pairs=table_with_plans(pairs, *plans, "string"),
        added=_rows_by_id(new.objectives, added_ids),
        removed=_rows_by_id(old.objectives, removed_ids),
        sector_labels=sector_weights_to_labels(old.sector_weights, new.sector_weights),
    )


def _rows_by_id(objectives: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The objectives with these ids, in the order of `ids`."""
    by_id = objectives.set_index("objective_id", drop=False)
    return by_id.loc[list(ids)].reset_index(drop=True)


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Given a frame, return its rows as JSON-ready dicts: nulls None, dates ISO text,
    numpy numbers plain Python numbers."""
    records = []
    for row in frame.astype(object).itertuples(index=False):
        record: dict[str, Any] = {}
        for column, value in zip(frame.columns, row, strict=True):
            if isinstance(value, np.integer | np.floating | np.bool_):
                value = value.item()
            if (
                value is pd.NA
                or value is pd.NaT
                or (isinstance(value, float) and math.isnan(value))
            ):
                value = None
            elif isinstance(value, dt.date | pd.Timestamp | np.datetime64):
                value = value_to_text(value)
            record[str(column)] = value
        records.append(record)
    return records


def plan_diff_to_dict(diff: PlanDiff) -> dict[str, Any]:
    """Given a `PlanDiff`, return it as plain JSON-ready data (what `--json` prints)."""
    return {
        "old_revision": diff.old_revision,
        "new_revision": diff.new_revision,
        "objectives": frame_to_records(diff.objectives),
        "targets": frame_to_records(diff.targets),
        "sector_weights": frame_to_records(diff.sector_weights),
        "pairs": frame_to_records(diff.pairs),
        "added": frame_to_records(diff.added),
        "removed": frame_to_records(diff.removed),
        "sector_labels": dict(diff.sector_labels),
    }
