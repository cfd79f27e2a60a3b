"""The hand-corrections file format: `corrections/<revision>.yaml`, a list of entries,
each replacing one value the pipeline produces with the value an analyst decided on.

An entry names the objective by `objective_id` and by the printed `number` and
`subject` it has now (so that an entry never lands on another row once the plan or the
extractor changes), the `field`, the value it replaces (`old`), the corrected value
(`new`), a `reason`, who made it (`by`) and when (`date`). A target field (`weight_pct`,
`operator`, `value`, `unit`, `text`) also needs `target_seq` and the target's current
`target_text`. An optional `source` (the source PDF's name without `.pdf`) limits the
entry to one of the sources that hold the revision, e.g. a scan's OCR error.

Pure: YAML text in, `Correction`s out, and back; any problem raises `CorrectionError`
with the file and the 1-based line of the entry or key.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from pipeline.core.contract import (
    ASSIGNEE_KEYS,
    DEADLINE_STATUSES,
    OBJECTIVE_ID_PATTERN,
    OPERATORS,
    SECTOR_KEYS,
    STATUSES,
    is_revision,
)
from pipeline.core.errors import CorrectionError
from pipeline.core.yamlfile import check_aliases

Value = str | int | float | dt.date | None
Kind = Literal["text", "int", "float", "date"]
REVISION_FILE = re.compile(r"^(\d{4}-(?:0[1-9]|1[0-2]))\.yaml$")


# wide enough that ruamel never folds a long printed cell over several lines
YAML_WIDTH = 4096


@dataclass(frozen=True)
class FieldSpec:
    """What a correctable column holds: its table, kind, nullability and allowed values."""

    table: Literal["objectives", "targets"]
    kind: Kind
    nullable: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None


# The columns an entry may correct. Derived columns (dup_programme_name, target_count,
# weight_total) follow their inputs; ids, blocks and pages are the layout, not a reading.
CORRECTABLE_FIELDS: dict[str, FieldSpec] = {
    "sector": FieldSpec("objectives", "text", nullable=True, choices=SECTOR_KEYS),
    "number": FieldSpec("objectives", "text", nullable=True),
    "assignee_raw": FieldSpec("objectives", "text"),
    "assignee": FieldSpec("objectives", "text", choices=ASSIGNEE_KEYS),
    "dup_raw": FieldSpec("objectives", "text", nullable=True),
    "dup_mission": FieldSpec("objectives", "int", nullable=True, low=0, high=99),
    "dup_programme": FieldSpec("objectives", "int", nullable=True, low=0, high=99),
    "subject": FieldSpec("objectives", "text"),
    "description": FieldSpec("objectives", "text"),
    "indicator": FieldSpec("objectives", "text"),
    "expected_result": FieldSpec("objectives", "text"),
    "deadline_raw": FieldSpec("objectives", "text"),
    "deadline": FieldSpec("objectives", "date", nullable=True),
    "deadline_status": FieldSpec("objectives", "text", choices=DEADLINE_STATUSES),
    "status": FieldSpec("objectives", "text", choices=STATUSES),
    "block_title": FieldSpec("objectives", "text", nullable=True),
    "penalty_pct_per_month": FieldSpec("objectives", "float", nullable=True, low=0, high=100),
    "penalty_raw": FieldSpec("objectives", "text", nullable=True),
    "text": FieldSpec("targets", "text"),
    "weight_pct": FieldSpec("targets", "float", nullable=True, low=0, high=100),
    "operator": FieldSpec("targets", "text", nullable=True, choices=OPERATORS),
    "value": FieldSpec("targets", "float", nullable=True),
    "unit": FieldSpec("targets", "text", nullable=True),
}

REQUIRED_KEYS = ("objective_id", "number", "subject", "field", "old", "new", "reason", "by", "date")
TARGET_KEYS = ("target_seq", "target_text")
OPTIONAL_KEYS = ("source",)


# the order `correction_to_yaml_text` writes an entry's keys in
KEY_ORDER = (
    "objective_id",
    "number",
    "subject",
    "target_seq",
    "target_text",
    "source",
    "field",
    "old",
    "new",
    "reason",
    "by",
    "date",
)


@dataclass(frozen=True)
class Correction:
    """One entry of a corrections file: replace `old` by `new` in `field` of an objective
    (or of its target `target_seq`), recognised by its printed number and subject."""

    file: str
    line: int
    objective_id: str
    number: str | None
    subject: str
    field: str
    old: Value
    new: Value
    reason: str
    by: str
    date: dt.date
    target_seq: int | None = None
    target_text: str | None = None
    source: str | None = None

    @property
    def spec(self) -> FieldSpec:
        """The corrected column's spec."""
        return CORRECTABLE_FIELDS[self.field]

    @property
    def key(self) -> tuple[str, str, int | None, str | None]:
        """What two entries may not share: objective, field, target and source."""
        return (self.objective_id, self.field, self.target_seq, self.source)

    @property
    def field_label(self) -> str:
        """`field`, or `targets[N].field` for a target's field (corrected_fields' items)."""
        if self.target_seq is None:
            return self.field
        return f"targets[{self.target_seq}].{self.field}"


def revision_to_file_name(revision: str) -> str:
    """Given a revision (`2021-11`), return its corrections file's name (`2021-11.yaml`);
    raise CorrectionError for anything else (a revision is never a path)."""
    if not is_revision(revision):
        raise CorrectionError("a plan revision reads YYYY-MM", field="revision", value=revision)
    return f"{revision}.yaml"


def file_name_to_revision(name: str) -> str | None:
    """Given a file name, return the revision it holds corrections for, or None."""
    match = REVISION_FILE.match(name)
    return match.group(1) if match else None


def squash(text: str | None) -> str:
    """Given printed text (or None), return it with every run of whitespace as one space:
    how recognising text is compared, so YAML line folding does not matter."""
    return " ".join((text or "").split())


def value_to_text(value: Value) -> str | None:
    """Given a field value, return it as quality.parquet's raw/normalised value text."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text_to_value(spec: FieldSpec, text: str | None) -> Value:
    """Given a column's spec and a value as text (quality.parquet, the command line),
    return the typed value; raise ValueError when the text does not read as one."""
    if text is None:
        return None
    if spec.kind == "text":
        return text
    if spec.kind == "int":
        return int(text.strip())
    if spec.kind == "float":
        return float(text.strip().replace(",", "."))
    return dt.date.fromisoformat(text.strip())


def yaml_value_to_value(raw: Any) -> Any:
    """Given a scalar as ruamel loads it, return the plain Python value (ruamel's
    scalar subclasses of str and float become str and float)."""
    if isinstance(raw, bool) or raw is None:
        return raw
    if isinstance(raw, str):
        return str(raw)
    if isinstance(raw, int):
        return int(raw)
    if isinstance(raw, float):
        return float(raw)
    return raw


def value_type_problem(spec: FieldSpec, value: Any) -> str | None:
    """Given a column's spec and a plain YAML value, return why the value cannot go in
    the column (wrong type, null where not allowed), or None when it can."""
    if value is None:
        return None if spec.nullable else "may not be null"
    if spec.kind == "text" and not isinstance(value, str):
        return f"must be text (quote it: '{value}')"
    if spec.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        return "must be a whole number"
    if spec.kind == "float" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "must be a number"
    if spec.kind == "date" and (isinstance(value, dt.datetime) or not isinstance(value, dt.date)):
        return "must be a date written YYYY-MM-DD, unquoted"
    return None


def value_range_problem(spec: FieldSpec, value: Value) -> str | None:
    """Given a column's spec and a value of the right type, return why the column's
    schema would refuse it (not a canonical key, out of range), or None."""
    if value is None:
        return None
    if spec.choices and value not in spec.choices:
        return f"must be one of {list(spec.choices)}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.low is not None and value < spec.low:
            return f"must be at least {spec.low:g}"
        if spec.high is not None and value > spec.high:
            return f"must be at most {spec.high:g}"
    return None


def typed_value(spec: FieldSpec, value: Any) -> Value:
    """Given a column's spec and a plain value that passed `value_type_problem`, return
    it as the column holds it (a whole number in a float column becomes a float)."""
    if spec.kind == "float" and value is not None:
        return float(value)
    return value  # type: ignore[no-any-return]


def yaml_text_to_corrections(text: str, file: str) -> list[Correction]:
    """Given a corrections file's text and its name (for messages), return its entries
    in file order; raise `CorrectionError` naming the file and line of the first
    problem: malformed YAML, an unknown key or field, a missing key, a wrong type, a
    value the column refuses, or two entries correcting the same value."""
    check_aliases(text, file, CorrectionError)
    loader = YAML(typ="rt")
    try:
        document = loader.load(text)
    except YAMLError as error:
        raise yaml_error_to_correction_error(error, file) from error
    if document is None:
        return []
    if not isinstance(document, CommentedSeq):
        raise CorrectionError(
            "a corrections file holds a list of entries (`- objective_id: ...`)", file=file, line=1
        )
    corrections = []
    for index, item in enumerate(document):
        line = document.lc.item(index)[0] + 1
        if not isinstance(item, CommentedMap):
            raise CorrectionError(
                "an entry is a mapping of keys (objective_id, field, old, new, ...)",
                file=file,
                line=line,
            )
        corrections.append(mapping_to_correction(item, file, line))
    check_no_duplicates(corrections)
    return corrections


def yaml_error_to_correction_error(error: YAMLError, file: str) -> CorrectionError:
    """Given ruamel's parse error, return a CorrectionError at the line of the problem,
    naming the line of what was being read when it differs (an unclosed bracket)."""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if not isinstance(error, MarkedYAMLError):
        return CorrectionError(f"malformed YAML: {problem}", file=file)
    mark, context = error.problem_mark or error.context_mark, error.context_mark
    line = mark.line + 1 if mark is not None else None
    if error.context and context is not None and context.line + 1 != line:
        problem = f"{problem}, {error.context} from line {context.line + 1}"
    return CorrectionError(f"malformed YAML: {problem}", file=file, line=line)


def mapping_to_correction(item: CommentedMap, file: str, line: int) -> Correction:
    """Given one entry as ruamel loaded it and its line, return the Correction; raise
    `CorrectionError` at the line of the offending key."""

    def key_line(key: str) -> int:
        return int(item.lc.key(key)[0]) + 1 if key in item else line

    def fail(message: str, key: str, value: Any = None) -> CorrectionError:
        return CorrectionError(
            message,
            file=file,
            line=key_line(key),
            field=key,
            value=None if value is None else str(value),
        )

    known = (*REQUIRED_KEYS, *TARGET_KEYS, *OPTIONAL_KEYS)
    for key in item:
        if key not in known:
            raise fail(f"unknown key {key!r}; an entry takes {list(known)}", str(key))
    values = {k: yaml_value_to_value(v) for k, v in item.items()}
    field = values.get("field")
    if not isinstance(field, str) or field not in CORRECTABLE_FIELDS:
        raise fail(
            f"unknown field; correctable fields: {sorted(CORRECTABLE_FIELDS)}", "field", field
        )
    spec = CORRECTABLE_FIELDS[field]
    required = [*REQUIRED_KEYS, *(TARGET_KEYS if spec.table == "targets" else ())]
    missing = [k for k in required if k not in item]
    if missing:
        raise CorrectionError(f"entry lacks {missing}", file=file, line=line)
    if spec.table == "objectives":
        for key in TARGET_KEYS:
            if key in item:
                raise fail(f"{field!r} is an objective's field; {key} is for target fields", key)
    text_keys = {
        "subject": False,
        "number": True,
        "reason": False,
        "by": False,
        "target_text": False,
        "source": True,
    }
    for key, nullable in text_keys.items():
        if key in values and (
            values[key] is None
            and not nullable
            or values[key] is not None
            and not isinstance(values[key], str)
        ):
            raise fail(
                f"{key} must be text" + ("" if not nullable else " or null"), key, values[key]
            )
    for key in ("reason", "by"):
        if not values[key].strip():
            raise fail(f"{key} may not be empty", key)
    objective_id = values["objective_id"]
    if not isinstance(objective_id, str) or not re.match(OBJECTIVE_ID_PATTERN, objective_id):
        raise fail("objective_id must be quoted text like '06.10'", "objective_id", objective_id)
    if "target_seq" in values and (
        isinstance(values["target_seq"], bool)
        or not isinstance(values["target_seq"], int)
        or values["target_seq"] < 1
    ):
        raise fail("target_seq must be a whole number from 1", "target_seq", values["target_seq"])
    if isinstance(values["date"], dt.datetime) or not isinstance(values["date"], dt.date):
        raise fail("date must be a date written YYYY-MM-DD, unquoted", "date", values["date"])
    for key in ("old", "new"):
        problem = value_type_problem(spec, values[key])
        if problem is None and key == "new":
            problem = value_range_problem(spec, values[key])
        if problem is not None:
            raise fail(f"{key}: {field} {problem}", key, values[key])
    old, new = typed_value(spec, values["old"]), typed_value(spec, values["new"])
    if old == new:
        raise fail("new equals old: nothing to correct", "new", new)
    return Correction(
        file=file,
        line=line,
        objective_id=objective_id,
        number=values["number"],
        subject=values["subject"],
        field=field,
        old=old,
        new=new,
        reason=values["reason"].strip(),
        by=values["by"].strip(),
        date=values["date"],
        target_seq=values.get("target_seq"),
        target_text=values.get("target_text"),
        source=values.get("source"),
    )


def check_no_duplicates(corrections: Iterable[Correction]) -> None:
    """Given a file's entries, raise `CorrectionError` when two correct the same value
    (same objective, field, target and source): which one wins would be a guess."""
    seen: dict[tuple[str, str, int | None, str | None], Correction] = {}
    for correction in corrections:
        first = seen.setdefault(correction.key, correction)
        if first is not correction:
            raise CorrectionError(
                f"a second entry for {correction.objective_id} {correction.field_label} "
                f"(the first is at line {first.line}); merge them into one",
                file=correction.file,
                line=correction.line,
                row=correction.objective_id,
                field=correction.field,
            )


def correction_to_mapping(correction: Correction) -> CommentedMap:
    """Given a Correction, return its entry as a ruamel mapping in `KEY_ORDER`, leaving
    out the keys it does not use; multi-line text as `|-` blocks for a readable diff."""
    entry = CommentedMap()
    for key in KEY_ORDER:
        value = getattr(correction, key)
        if key in (*TARGET_KEYS, "source") and value is None:
            continue
        if isinstance(value, str) and "\n" in value:
            value = LiteralScalarString(value)
        entry[key] = value
    return entry


def correction_to_yaml_text(correction: Correction) -> str:
    """Given a Correction, return its entry as YAML text (a one-item list) that appends
    to a corrections file and reads back as the same Correction."""
    for literal in (True, False):
        entry = correction_to_mapping(correction)
        if not literal:
            for key, value in entry.items():
                if isinstance(value, LiteralScalarString):
                    entry[key] = str(value)
        text = dump_yaml(CommentedSeq([entry]))
        read = yaml_text_to_corrections(text, correction.file)
        if len(read) == 1 and same_values(read[0], correction):
            return text
    raise CorrectionError(
        "the entry does not read back as written",
        file=correction.file,
        row=correction.objective_id,
        field=correction.field,
    )


def same_values(a: Correction, b: Correction) -> bool:
    """Given two Corrections, return whether they say the same, wherever they stand."""
    return all(getattr(a, k) == getattr(b, k) for k in KEY_ORDER)


def dump_yaml(data: Any) -> str:
    """Given ruamel data, return it as block-style YAML text: `- key: value` entries."""
    dumper = YAML(typ="rt")
    dumper.width = YAML_WIDTH
    dumper.indent(mapping=2, sequence=2, offset=0)
    dumper.representer.add_representer(type(None), represent_null)
    stream = io.StringIO()
    dumper.dump(data, stream)
    return stream.getvalue()


def represent_null(representer: Any, _: None) -> Any:
    """Write None as `null`, not as an empty value a reader could take for a typo."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")
