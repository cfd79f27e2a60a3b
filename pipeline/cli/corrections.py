"""`piano corrections check|add`: review the hand corrections in `corrections/` against
the pipeline's current output, and write a new entry without typing YAML."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from pipeline.core.errors import CorrectionError, InputError
from pipeline.correct.apply import (
    CorrectionCheck,
    correction_to_check,
    corrections_for_source,
    show,
    source_to_stem,
    tables_to_new_correction,
)
from pipeline.correct.corrections import (
    CORRECTABLE_FIELDS,
    revision_to_file_name,
    text_to_value,
    typed_value,
    value_range_problem,
    value_to_text,
)
from pipeline.correct.files import (
    DEFAULT_CORRECTIONS_DIR,
    append_correction,
    corrections_dir_to_files,
    name_to_plan_folder,
    plan_to_uncorrected_tables,
    read_corrections_file,
    root_to_plan_folders,
)

DEFAULT_EXTRACTED_ROOT = Path("build")


def register(subparsers: Any) -> None:
    doc = run_corrections.__doc__ or ""
    parser = subparsers.add_parser(
        "corrections",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    check_doc = run_check.__doc__ or ""
    check = actions.add_parser(
        "check",
        help=check_doc.splitlines()[0],
        description=check_doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_folder_options(check)
    check.add_argument("--json", action="store_true", help="print the states as JSON")
    check.set_defaults(func=run_check)

    add_doc = run_add.__doc__ or ""
    add = actions.add_parser(
        "add",
        help=add_doc.splitlines()[0],
        description=add_doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("name", metavar="NAME", help="the plan, e.g. desenzano-2021-11")
    add.add_argument("objective_id", metavar="OBJECTIVE_ID", help="e.g. 06.10")
    add.add_argument(
        "field",
        metavar="FIELD",
        choices=sorted(CORRECTABLE_FIELDS),
        help="the column to correct: " + ", ".join(sorted(CORRECTABLE_FIELDS)),
    )
    add.add_argument(
        "new_value",
        metavar="NEW_VALUE",
        help="the corrected value (dates YYYY-MM-DD; `null` for none)",
    )
    add.add_argument("--target-seq", type=int, help="the target, for a target's field")
    add.add_argument("--reason", required=True, help="why: what the page shows, who decided")
    add.add_argument("--by", required=True, help="who makes the correction")
    add.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        help="YYYY-MM-DD (default: today)",
    )
    add.add_argument(
        "--only-this-source",
        action="store_true",
        help="apply to this plan's source PDF only, not to other sources of "
        "the revision (e.g. an OCR error of a scan)",
    )
    add_folder_options(add)
    add.set_defaults(func=run_add)


def add_folder_options(parser: argparse.ArgumentParser) -> None:
    """Add --corrections-dir and --extracted-root to a `corrections` action."""
    parser.add_argument(
        "--corrections-dir",
        type=Path,
        default=DEFAULT_CORRECTIONS_DIR,
        help="folder of <revision>.yaml files (default: corrections)",
    )
    parser.add_argument(
        "--extracted-root",
        type=Path,
        default=DEFAULT_EXTRACTED_ROOT,
        help="`build` (DVC's stage folders, default) or `extracted` "
        "(piano extract's output folders)",
    )


def run_corrections(args: argparse.Namespace) -> None:
    """Check the hand corrections in corrections/ or add one.

    Example:
        piano corrections check
        piano corrections add desenzano-2021-11 06.10 deadline 2021-06-01 \\
            --reason "what the page shows, who decided" --by "A. Rossi"

    `check` reports every entry's state against the plans under --extracted-root;
    `add` appends an entry to corrections/<revision>.yaml. The format is described in
    corrections/README.md.
    """


def run_check(args: argparse.Namespace) -> None:
    """Report whether each hand correction still applies; write nothing.

    Example:
        piano corrections check
        piano corrections check --extracted-root extracted --json

    Each entry of corrections/<revision>.yaml is checked against every plan of that
    revision under --extracted-root (before its corrections): `applied` (the value it
    replaces is still there), `stale` (the pipeline now gives another value),
    `already_equal` (it gives the corrected value: delete the entry) or
    `missing_objective` (no such objective, or it no longer reads as the entry says).
    Exits non-zero unless every entry applies.
    """
    if not args.corrections_dir.is_dir():
        raise InputError("no such corrections folder", file=str(args.corrections_dir))
    files = corrections_dir_to_files(args.corrections_dir)
    plans = root_to_plan_folders(args.extracted_root) if files else []
    checks: list[tuple[str, CorrectionCheck]] = []
    unbuilt = []
    for revision, path in files.items():
        corrections = read_corrections_file(path)
        matched = False
        for plan in plans:
            tables, document = plan_to_uncorrected_tables(plan)
            if document.get("revision") != revision:
                continue
            matched = True
            source = str(document.get("source", {}).get("file", plan.name))
            checks += [
                (plan.name, correction_to_check(tables, c))
                for c in corrections_for_source(corrections, source)
            ]
        if corrections and not matched:
            unbuilt.append(str(path))
    if args.json:
        print(
            json.dumps([check_to_dict(name, c) for name, c in checks], indent=2, ensure_ascii=False)
        )
    else:
        for name, check in checks:
            print(check_to_line(name, check))
        print(
            f"{sum(c.applies for _, c in checks)} of {len(checks)} entries apply "
            f"({len(files)} file{'s' if len(files) != 1 else ''} in {args.corrections_dir})"
        )
    failing = [c for _, c in checks if not c.applies]
    if unbuilt:
        raise CorrectionError(
            f"no plan of this revision under {args.extracted_root} to check "
            "against; run `dvc repro` first",
            file=unbuilt[0],
        )
    if failing:
        first = failing[0].correction
        raise CorrectionError(
            f"{len(failing)} entr{'y' if len(failing) == 1 else 'ies'} not applicable",
            file=first.file,
            line=first.line,
        )


def check_to_line(name: str, check: CorrectionCheck) -> str:
    """Given a plan name and a check, return its report line: where, what, state, why."""
    c = check.correction
    return (
        f"{c.file}:{c.line}  {name}  {c.objective_id} {c.field_label}  "
        f"{check.state}: {check.detail}"
    )


def check_to_dict(name: str, check: CorrectionCheck) -> dict[str, Any]:
    """Given a plan name and a check, return it as JSON-able data."""
    c = check.correction
    return {
        "file": c.file,
        "line": c.line,
        "plan": name,
        "objective_id": c.objective_id,
        "field": c.field_label,
        "state": check.state,
        "old": value_to_text(c.old),
        "new": value_to_text(c.new),
        "current": value_to_text(check.current),
        "detail": check.detail,
    }


def run_add(args: argparse.Namespace) -> None:
    """Append a hand correction for one field of one objective to its revision's file.

    Example:
        piano corrections add desenzano-2021-11 06.10 deadline 2021-06-01 \\
            --reason "what the page shows and who decided" --by "A. Rossi"
        piano corrections add desenzano-2021-11-scan 05.02 weight_pct 40 --target-seq 1 \\
            --only-this-source --reason "OCR read 4O%; the page prints 40%" --by "A. Rossi"

    Reads the value the pipeline gives now (the `old` the entry replaces) and the
    objective's printed number and subject from NAME's folder under --extracted-root,
    and appends the entry to <corrections-dir>/<revision>.yaml, leaving the rest of the
    file as it was. Review the entry in the file before committing it.
    """
    plan = name_to_plan_folder(args.extracted_root, args.name)
    tables, document = plan_to_uncorrected_tables(plan)
    path = args.corrections_dir / revision_to_file_name(str(document["revision"]))
    source = str(document.get("source", {}).get("file", plan.name))
    correction = tables_to_new_correction(
        tables,
        args.objective_id,
        args.field,
        cli_text_to_value(args.field, args.new_value),
        target_seq=args.target_seq,
        reason=args.reason,
        by=args.by,
        date=args.date,
        file=str(path),
        source=source_to_stem(source) if args.only_this_source else None,
    )
    if not args.corrections_dir.is_dir():
        raise InputError("no such corrections folder", file=str(args.corrections_dir))
    written = append_correction(path, correction)
    print(
        f"{written.file}:{written.line}  {written.objective_id} {written.field_label}  "
        f"{show(written.old)} → {show(written.new)}"
    )


def cli_text_to_value(field: str, text: str) -> Any:
    """Given a field and NEW_VALUE as typed, return the typed value; `null` is None where
    the column may be null. Raises CorrectionError when the column would refuse it."""
    spec = CORRECTABLE_FIELDS[field]
    if text == "null" and spec.nullable:
        return None
    try:
        value = typed_value(spec, text_to_value(spec, text))
    except ValueError as error:
        kinds = {"int": "a whole number", "float": "a number", "date": "a date YYYY-MM-DD"}
        raise CorrectionError(
            f"NEW_VALUE does not read as {kinds.get(spec.kind, spec.kind)}", field=field, value=text
        ) from error
    problem = value_range_problem(spec, value)
    if problem is not None:
        raise CorrectionError(f"NEW_VALUE {problem}", field=field, value=text)
    return value
