"""End to end on the November plan published with its table borders switched off: every
page read by the text-layout finder, every objective found once in its block, the
printed cells as in the reference transcription, the relevance table still there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import score

from pipeline.extract.stage import Extraction, pdf_to_extraction

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sources" / "desenzano-2021-11-borderless.pdf"
REFERENCE = Path(__file__).resolve().parent / "reference" / "desenzano-2021-11.json"


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    return pdf_to_extraction(SOURCE)


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_every_page_is_read_by_the_text_finder(extraction: Extraction):
    assert {c.finder for c in extraction.choices} == {"text"}


def test_each_block_has_the_reference_number_of_rows(extraction: Extraction, reference: dict):
    want = [len(block["objectives"]) for block in reference["blocks"]]
    got = extraction.rows.groupby("block").size().tolist()
    assert got == want


def test_text_cells_match_the_reference(extraction: Extraction, reference: dict):
    ref = score.reference_rows(reference)
    rows = extraction.rows.reset_index(drop=True)
    pairs = score.pair_rows(ref, rows)
    assert len(pairs) == len(ref) == len(rows)
    exact = sum(
        score.squash(rows.iloc[j][column]) == ref[i][field]
        for i, j, _ in pairs
        for field, column in score.TEXT_FIELDS
    )
    assert exact / (len(ref) * len(score.TEXT_FIELDS)) >= 0.995


def test_relevance_table_is_still_read(extraction: Extraction, reference: dict):
    got = set(
        zip(extraction.relevance["label_raw"], extraction.relevance["value_raw"], strict=True)
    )
    want = {(row["label"], row["value"]) for row in reference["relevance"]["rows"]}
    assert want <= got


def test_no_row_is_doubtful(extraction: Extraction):
    assert (extraction.rows["row_confidence"] == 1.0).all()
    assert not [f for f in extraction.findings if f.rule == "low_row_confidence"]
