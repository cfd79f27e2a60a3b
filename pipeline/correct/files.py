"""The correction stage's edges: read `corrections/<revision>.yaml`, find the plan folders
`piano corrections` checks against, append an entry to a file. Everything else is in
`pipeline.correct.corrections` (the format) and `pipeline.correct.apply` (the transform)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.core.contract import OUTPUT_TABLES, check_plan_name
from pipeline.core.errors import CorrectionError, InputError
from pipeline.core.folders import folder_to_tables, tables_to_folder, text_writer, write_file
from pipeline.core.yamlfile import yaml_file_to_text
from pipeline.correct.apply import (
    apply_corrections,
    corrections_for_source,
    document_with_corrections,
    tables_without_corrections,
)
from pipeline.correct.corrections import (
    Correction,
    correction_to_yaml_text,
    file_name_to_revision,
    revision_to_file_name,
    yaml_text_to_corrections,
)

DEFAULT_CORRECTIONS_DIR = Path("corrections")


def corrections_dir_or_default(path: Path | None) -> Path | None:
    """Given `--corrections-dir` (None when not given), return the folder to read, or
    None when the default folder does not exist (no corrections). A folder named on the
    command line must exist: a typo must not silently skip every correction."""
    if path is None:
        return DEFAULT_CORRECTIONS_DIR if DEFAULT_CORRECTIONS_DIR.is_dir() else None
    if not path.is_dir():
        raise InputError("no such corrections folder", file=str(path))
    return path


def read_corrections_file(path: Path) -> list[Correction]:
    """Given a corrections file, return its entries (CorrectionError on any problem)."""
    return yaml_text_to_corrections(yaml_file_to_text(path, CorrectionError), str(path))


def corrections_dir_to_files(folder: Path) -> dict[str, Path]:
    """Given a corrections folder, return revision → file for every `YYYY-MM.yaml` in
    it; a YAML file with another name raises CorrectionError (it would be ignored)."""
    files = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        revision = file_name_to_revision(path.name)
        if revision is None:
            raise CorrectionError(
                "a corrections file is named after its plan revision, e.g. 2021-11.yaml",
                file=str(path),
            )
        files[revision] = path
    return files


def revision_to_corrections(
    folder: Path | None, revision: str
) -> tuple[Path | None, list[Correction]]:
    """Given a corrections folder (or None) and a revision, return its file and entries;
    (None, []) when the revision has no file."""
    if folder is None:
        return None, []
    path = folder / revision_to_file_name(revision)
    if not path.exists():
        return None, []
    return path, read_corrections_file(path)


def correct_tables(
    tables: dict[str, pd.DataFrame], document: dict[str, Any], folder: Path | None
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given the normalised tables, document.json's content and the corrections folder,
    return both with the revision's corrections for this source applied; unchanged when
    the revision has no corrections file."""
    path, corrections = revision_to_corrections(folder, str(document["revision"]))
    if path is None:
        return tables, document
    mine = corrections_for_source(corrections, str(document.get("source", {}).get("file", "")))
    corrected = apply_corrections(tables, mine)
    return corrected, document_with_corrections(document, corrected, str(path), mine)


@dataclass(frozen=True)
class PlanFolder:
    """A plan's output under an extracted root: its name (the source PDF's stem), the
    folder and whether it was written by the correction stage or a later one."""

    name: str
    path: Path
    corrected: bool


def root_to_plan_folders(root: Path) -> list[PlanFolder]:
    """Given `build` (DVC's stage folders: `build/<plan>/normalise`) or `extracted`
    (final outputs: `extracted/<plan>`), return each plan's folder holding the tables
    before correction, or after it when that is all there is."""
    if not root.is_dir():
        raise InputError("no such folder; run `dvc repro` or `piano extract` first", file=str(root))
    plans = []
    for path in sorted(p for p in root.iterdir() if p.is_dir()):
        if (path / "normalise" / "document.json").exists():
            plans.append(PlanFolder(path.name, path / "normalise", corrected=False))
        elif (path / "document.json").exists():
            plans.append(PlanFolder(path.name, path, corrected=True))
    return plans


def name_to_plan_folder(root: Path, name: str) -> PlanFolder:
    """Given an extracted root and a plan name, return its folder (InputError if none,
    or if the name is no plain folder name)."""
    check_plan_name(name)
    for plan in root_to_plan_folders(root):
        if plan.name == name:
            return plan
    raise InputError(
        f"no plan {name!r} under {root}; run `dvc repro` or `piano extract` first", file=str(root)
    )


def plan_to_uncorrected_tables(plan: PlanFolder) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Given a plan folder, return its tables as the correction stage reads them (the
    corrections recorded in its quality table undone) and its document.json."""
    tables, document = folder_to_tables(plan.path, ("objectives", "targets", "quality"))
    return tables_without_corrections(tables), document


def append_correction(path: Path, correction: Correction) -> Correction:
    """Given a corrections file (existing or not) and an entry, append the entry to the
    file, leaving its text, comments included, as it was; return the entry as read back
    from the file (with its line). Nothing is written if the result does not read back."""
    header = (
        f"# Hand corrections of plan revision {path.stem}; the format is in "
        "README.md beside this file.\n"
    )
    before = path.read_text(encoding="utf-8") if path.exists() else header
    if before and not before.endswith("\n"):
        before += "\n"
    text = before + ("\n" if before.strip() else "") + correction_to_yaml_text(correction)
    entries = yaml_text_to_corrections(text, str(path))
    if not entries or entries[-1].key != correction.key:
        raise CorrectionError(
            "the file does not end in a list of entries; the entry cannot be appended",
            file=str(path),
        )
    write_file(path, text_writer(text))
    return entries[-1]


def folder_to_corrected_folder(folder: Path, out: Path, corrections_dir: Path | None) -> None:
    """Given the normalised tables' folder and the corrections folder, write the tables
    with the revision's corrections applied into `out`, all or nothing."""
    tables, document = folder_to_tables(folder, OUTPUT_TABLES)
    tables_to_folder(*correct_tables(tables, document, corrections_dir), out)
