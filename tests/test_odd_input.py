"""Odd but valid input extracts as usual, with a finding where the oddity is worth
knowing: an encrypted PDF that needs no password, pages displayed turned (/Rotate), a
column no field is known for, a long document. Each runs twice: rerunning on the same
file leaves the output folder byte-identical."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from input_corpus import (
    extra_column_plan,
    good_plan,
    headerless_block_plan,
    long_plan,
    owner_only_pdf,
    rotated_plan,
)
from pypdf import PdfWriter

from pipeline.cli import main
from pipeline.extract.page import Page
from pipeline.extract.read.pages import pdf_to_pages
from pipeline.extract.read.settings import ReadSettings

# turning a page upright is the pdfplumber reader's work (the pdfium reader hands it
# every turned page); the pages compared to 0.01 pt are read by it on both sides
PLUMBER = ReadSettings(engine="pdfplumber")


def folder_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def extract(pdf: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Run `piano extract` twice; assert it succeeded silently and that the second run
    left the folder byte-identical (a rerun on the same file changes nothing); return
    the output folder."""
    assert main(["extract", str(pdf), "--out", str(out)]) == 0
    first = folder_hashes(out)
    assert main(["extract", str(pdf), "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert folder_hashes(out) == first
    return out


def rules(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "quality.parquet")


def same_page(a: Page, b: Page, tolerance: float = 0.01) -> bool:
    """True when two page models have the same size, words and rulings (to 0.01 pt)."""

    def close(x: object, y: object) -> bool:
        values = list(zip(vars(x).values(), vars(y).values(), strict=True))
        return all(abs(u - v) <= tolerance if isinstance(u, float) else u == v for u, v in values)

    def ordered(items: list) -> list:
        return sorted(
            items,
            key=lambda i: (
                getattr(i, "text", ""),
                round(i.top),
                round(i.x0),
                round(i.x1),
                round(i.bottom),
            ),
        )

    return (
        abs(a.width - b.width) <= tolerance
        and abs(a.height - b.height) <= tolerance
        and len(a.words) == len(b.words)
        and len(a.rulings) == len(b.rulings)
        and all(close(x, y) for x, y in zip(ordered(a.words), ordered(b.words), strict=True))
        and all(close(x, y) for x, y in zip(ordered(a.rulings), ordered(b.rulings), strict=True))
    )


def test_pdf_encrypted_with_an_empty_user_password_extracts_with_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    clear = extract(good_plan(tmp_path / "chiaro.pdf"), tmp_path / "clear", capsys)
    locked = extract(owner_only_pdf(tmp_path / "limitato.pdf"), tmp_path / "locked", capsys)
    pd.testing.assert_frame_equal(
        pd.read_parquet(locked / "objectives.parquet"),
        pd.read_parquet(clear / "objectives.parquet"),
    )
    found = rules(locked).query("rule == 'pdf_encrypted'")
    assert found["severity"].tolist() == ["info"]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_page_displayed_turned_is_read_upright(tmp_path: Path, degrees: int):
    pdf = rotated_plan(tmp_path / "ruotato.pdf", degrees, pages=(2,))
    upright = list(pdf_to_pages(tmp_path / "upright-ruotato.pdf", PLUMBER))
    turned = list(pdf_to_pages(pdf, PLUMBER))
    assert [p.rotation for p in turned] == [0, degrees, 0]
    assert all(same_page(a, b) for a, b in zip(upright, turned, strict=True))


def test_rotated_page_extracts_like_the_upright_one_with_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    turned = extract(rotated_plan(tmp_path / "ruotato.pdf", 90), tmp_path / "turned", capsys)
    upright = extract(tmp_path / "upright-ruotato.pdf", tmp_path / "upright", capsys)
    for table in ("objectives", "targets", "cells"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(turned / f"{table}.parquet"),
            pd.read_parquet(upright / f"{table}.parquet"),
        )
    found = rules(turned).query("rule == 'page_rotated'")
    assert found[["page", "raw_value", "severity"]].values.tolist() == [[2, "90", "info"]]
    assert rules(upright).query("rule == 'page_rotated'").empty


def test_rotate_that_makes_sideways_content_upright_changes_nothing(tmp_path: Path):
    # content drawn turned on the page, with a /Rotate that shows it upright: the page
    # reads as displayed, so the /Rotate must not be undone
    upright = good_plan(tmp_path / "dritto.pdf")
    writer = PdfWriter(clone_from=upright)
    for page in writer.pages:
        page.rotate(270)
        page.transfer_rotation_to_content()
        page.rotate(90)
    writer.write(tmp_path / "compensato.pdf")
    pages = list(pdf_to_pages(tmp_path / "compensato.pdf", PLUMBER))
    assert [p.rotation for p in pages] == [0, 0]
    assert all(same_page(a, b) for a, b in zip(pdf_to_pages(upright, PLUMBER), pages, strict=True))


def test_unknown_column_reaches_objectives_in_extra_with_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = extract(extra_column_plan(tmp_path / "con-note.pdf"), tmp_path / "out", capsys)
    objectives = pd.read_parquet(out / "objectives.parquet")
    assert [json.loads(x) for x in objectives["extra"]] == [{"NOTE": "Vedi allegato"}, {"NOTE": ""}]
    assert objectives["description"].tolist() == ["Descrizione.", "Descrizione."]
    found = rules(out).query("rule == 'extra_column'")
    assert found[["raw_value", "severity"]].values.tolist() == [["NOTE", "warning"]]


def test_a_first_block_without_header_row_is_named_by_the_next_header_of_its_grid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = extract(
        headerless_block_plan(tmp_path / "senza-intestazione.pdf"), tmp_path / "out", capsys
    )
    objectives = pd.read_parquet(out / "objectives.parquet")
    assert objectives["assignee_raw"].tolist() == ["ISTRUZIONE", "TRIBUTI"]
    assert objectives["block"].tolist() == [1, 2]
    found = rules(out).query("rule == 'header_carried_over'")
    assert found["severity"].tolist() == ["info"] and found["page"].tolist() == [1]


def test_long_plan_extracts_every_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # the 1,000-page run and its memory are measured by benchmarks/memory.py
    out = extract(long_plan(tmp_path / "lungo.pdf", 40), tmp_path / "out", capsys)
    objectives = pd.read_parquet(out / "objectives.parquet")
    assert len(objectives) == 120
    assert objectives["page_last"].max() == 40
    assert objectives["description"].str.count("riga").eq(6).all()
    assert json.loads((out / "document.json").read_text())["pages"] == 40
