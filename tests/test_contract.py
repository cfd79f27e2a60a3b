"""docs/contract.md is true: every file, column and key it promises is in piano's output,
and its canonical keys are the ones the code knows (docs/data-dictionary.md, generated)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import ROOT

from pipeline.cli import main

CONTRACT = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
DICTIONARY = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
EXTRACT_FILES = (
    "objectives.parquet",
    "targets.parquet",
    "sector_weights.parquet",
    "quality.parquet",
    "cells.parquet",
    "document.json",
)
DIFF_FILES = ("diff.parquet", "targets_diff.parquet", "sector_weights_diff.parquet")
SCORE_FILES = ("target_scores.parquet",)


def contract_to_promised_names(text: str) -> dict[str, list[str]]:
    """Given the contract, return each `### FILE` section's file name with the names in
    the first column of its table ("page_first, page_last" gives both)."""
    promised = {}
    for section in re.split(r"^### ", text, flags=re.M)[1:]:
        rows = re.findall(r"^\| ([^|]+?) \|", section, re.M)[1:]  # after the header row
        promised[section.split()[0]] = [
            name.strip() for row in rows if row != "---" for name in row.split(",")
        ]
    return promised


def document_keys(document: dict[str, Any], prefix: str = "") -> set[str]:
    """Given a JSON object, return its keys, nested ones dotted (`source.file`)."""
    keys = set()
    for key, value in document.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= document_keys(value, f"{prefix}{key}.")
    return keys


def names_in(path: Path) -> set[str]:
    if path.suffix == ".json":
        return document_keys(json.loads(path.read_text(encoding="utf-8")))
    return set(pd.read_parquet(path).columns)


def paragraph_after(label: str, text: str) -> str:
    return text.split(label, 1)[1].split("\n\n", 1)[0]


def backticked(text: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", text))


@pytest.fixture(scope="module")
def outputs(
    extracted: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Path]]:
    """Every file the contract names, as piano writes it: each bundled plan's extract,
    the July → November diff and the November plan scored with the bundled example."""
    folder = tmp_path_factory.mktemp("contract")
    old, new = extracted["desenzano-2021-07"], extracted["desenzano-2021-11"]
    assert main(["diff", str(old), str(new), "--out", str(folder / "diff")]) == 0
    assert (
        main(
            [
                "score",
                new.name,
                "--extracted-root",
                str(new.parent),
                "--achievements",
                str(ROOT / "sources/achievements/2021-11.example.csv"),
                "--out",
                str(folder / "score"),
            ]
        )
        == 0
    )
    files: dict[str, list[Path]] = {
        name: [f / name for f in extracted.values()] for name in EXTRACT_FILES
    }
    files.update({name: [folder / "diff" / name] for name in DIFF_FILES})
    files.update({name: [folder / "score" / name] for name in SCORE_FILES})
    return files


def test_every_file_of_the_contract_is_checked():
    assert set(contract_to_promised_names(CONTRACT)) == {*EXTRACT_FILES, *DIFF_FILES, *SCORE_FILES}


@pytest.mark.parametrize("name", [*EXTRACT_FILES, *DIFF_FILES, *SCORE_FILES])
def test_every_promised_column_is_written(name: str, outputs: dict[str, list[Path]]):
    promised = contract_to_promised_names(CONTRACT)[name]
    assert len(promised) >= 3
    for path in outputs[name]:
        assert set(promised) - names_in(path) == set(), path


def test_canonical_keys_are_the_ones_the_code_knows(extracted: dict[str, Path]):
    sectors = {key.strip() for key in paragraph_after("Sectors:", CONTRACT).rstrip(".").split(",")}
    # "every sector key, plus `sport` …"
    assignees = sectors | backticked(paragraph_after("Assignees:", CONTRACT))
    assert sectors == backticked(paragraph_after("Sector keys:", DICTIONARY))
    assert assignees == backticked(paragraph_after("Assignee keys:", DICTIONARY))
    for folder in extracted.values():
        objectives = pd.read_parquet(folder / "objectives.parquet")
        assert set(objectives["sector"].dropna()) <= sectors
        assert set(objectives["assignee"]) <= assignees
