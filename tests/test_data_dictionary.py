"""The data dictionary is generated from the pandera models and never drifts from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.diff.schemas import ObjectiveDiffSchema
from pipeline.docs import data_dictionary_to_markdown
from pipeline.validate.dictionary import model_to_data_dictionary
from pipeline.validate.schemas import ObjectivesSchema

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "data-dictionary.md"

# the columns CONTRACT.md promises, by file, with the type it gives each
CONTRACT_COLUMNS = {
    "objectives.parquet": {
        "revision": "string",
        "objective_id": "string",
        "block": "int",
        "seq": "int",
        "sector": "string, nullable",
        "number": "string, nullable",
        "assignee_raw": "string",
        "assignee": "string",
        "dup_raw": "string, nullable",
        "dup_mission": "int, nullable",
        "dup_programme": "int, nullable",
        "subject": "string",
        "description": "string",
        "indicator": "string",
        "expected_result": "string",
        "deadline_raw": "string",
        "deadline": "date, nullable",
        "deadline_status": "string",
        "status": "string",
        "page_first": "int",
        "page_last": "int",
        "penalty_pct_per_month": "float, nullable",
        "penalty_raw": "string, nullable",
    },
    "targets.parquet": {
        "revision": "string",
        "objective_id": "string",
        "target_seq": "int",
        "text": "string",
        "weight_pct": "float, nullable",
        "operator": "string, nullable",
        "value": "float, nullable",
        "unit": "string, nullable",
    },
    "sector_weights.parquet": {
        "revision": "string",
        "sector": "string",
        "label_raw": "string",
        "relevance_pct": "float",
    },
    "quality.parquet": {
        "revision": "string",
        "objective_id": "string, nullable",
        "field": "string",
        "rule": "string",
        "severity": "string",
        "raw_value": "string, nullable",
        "normalised_value": "string, nullable",
        "message": "string",
    },
    "cells.parquet": {
        "revision": "string",
        "objective_id": "string",
        "field": "string",
        "page": "int",
        "x0": "float",
        "top": "float",
        "x1": "float",
        "bottom": "float",
    },
    "diff.parquet": {
        "change": "string",
        "sector": "string, nullable",
        "old_objective_id": "string, nullable",
        "new_objective_id": "string, nullable",
        "field": "string, nullable",
        "old_value": "string, nullable",
        "new_value": "string, nullable",
    },
    "sector_weights_diff.parquet": {
        "sector": "string",
        "old_pct": "float, nullable",
        "new_pct": "float, nullable",
    },
}


def markdown_sections(markdown: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Given the dictionary, return file -> column -> (type, meaning) from its tables."""
    sections: dict[str, dict[str, tuple[str, str]]] = {}
    current: dict[str, tuple[str, str]] = {}
    for line in markdown.splitlines():
        if line.startswith("### "):
            current = sections.setdefault(line[4:].strip(), {})
        elif match := re.match(r"\| `(\w+)` \| ([^|]+) \| (?:[^|]|\\\|)* \| (.+) \|$", line):
            current[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return sections


def test_committed_dictionary_is_what_the_schemas_generate():
    assert COMMITTED.read_text(encoding="utf-8") == data_dictionary_to_markdown(), (
        "docs/data-dictionary.md is stale: run `piano docs` and commit it"
    )


@pytest.mark.parametrize("file_name", sorted(CONTRACT_COLUMNS))
def test_every_contract_column_is_listed_with_its_type_and_meaning(file_name: str):
    listed = markdown_sections(COMMITTED.read_text(encoding="utf-8"))[file_name]
    for column, contract_type in CONTRACT_COLUMNS[file_name].items():
        assert column in listed, f"{file_name}: {column} missing"
        kind, meaning = listed[column]
        assert kind == contract_type, f"{file_name}: {column} is {kind}, not {contract_type}"
        assert len(meaning) > 5, f"{file_name}: {column} has no meaning"


def test_types_are_named_the_same_on_every_pandas_string_storage():
    types = model_to_data_dictionary(ObjectivesSchema).set_index("column")["type"]
    assert types["revision"] == "string"
    assert types["dup_mission"] == "int"
    assert types["deadline"] == "date"
    assert set(model_to_data_dictionary(ObjectiveDiffSchema)["type"]) <= {"string", "float"}


def test_canonical_key_sets_are_named_once_not_repeated_per_column():
    markdown = data_dictionary_to_markdown()
    assert markdown.count("`servizi_demografici`") == 2  # the two key lists at the end
    assert "a sector key (see [canonical keys](#canonical-keys))" in markdown


def test_piano_docs_writes_the_file_and_check_fails_once_it_is_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "docs" / "data-dictionary.md"
    assert main(["docs", "--check", "--out", str(out)]) == 13
    assert main(["docs", "--out", str(out)]) == 0
    assert main(["docs", "--check", "--out", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("OGGETTO", "SUBJECT"), "utf-8")
    assert main(["docs", "--check", "--out", str(out)]) == 13
    assert "run `piano docs`" in capsys.readouterr().err
