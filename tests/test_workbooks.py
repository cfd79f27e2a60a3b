"""The workbooks for people: `punteggi.xlsx` (score) and `modifiche.xlsx` (diff) read back
with openpyxl hold typed cells (numbers, dates, € amounts, percentages) equal to the
Parquet values, a frozen filtered header row and fitted columns; formula-like text stays
text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT
from openpyxl.worksheet.worksheet import Worksheet
from plan_frames import objective, plan, plan_to_folder

from pipeline import cli
from pipeline.core.workbook import Column, Sheet, sheets_to_workbook
from pipeline.diff.report import CHANGE_LABELS, FIELD_LABELS

PLAN = "desenzano-2021-11"


@pytest.fixture(scope="module")
def scored(extracted: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`piano score` on the November plan with the bundled example achievements."""
    out = tmp_path_factory.mktemp("scored") / PLAN
    code = cli.main(
        [
            "score",
            extracted[PLAN].name,  # the fixture's folder name, with a suffix
            "--extracted-root",
            str(extracted[PLAN].parent),
            "--achievements",
            str(ROOT / "sources" / "achievements" / "2021-11.example.csv"),
            "--fund",
            "120000",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def diffed(extracted: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`piano diff` from the July to the November plan."""
    out = tmp_path_factory.mktemp("diffs") / "2021-07__2021-11"
    old, new = extracted["desenzano-2021-07"], extracted[PLAN]
    assert cli.main(["diff", str(old), str(new), "--out", str(out)]) == 0
    return out


def sheet_rows(sheet: Worksheet) -> list[dict[str, object]]:
    """Given a worksheet, return its data rows as header -> cell."""
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def assert_header_frozen_and_filtered(sheet: Worksheet) -> None:
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert all(cell.font.b for cell in sheet[1])


def test_punteggi_has_the_fund_split_and_every_score_sheet(scored: Path):
    workbook = openpyxl.load_workbook(scored / "punteggi.xlsx")
    assert workbook.sheetnames == [
        "Ripartizione del fondo",
        "Settori",
        "Obiettivi",
        "Risultati attesi",
    ]
    for sheet in workbook.worksheets:
        assert_header_frozen_and_filtered(sheet)


def test_fund_split_cells_are_euro_and_percent_numbers_equal_to_the_parquet(scored: Path):
    sectors = pd.read_parquet(scored / "sector_scores.parquet")
    in_split = sectors[sectors["in_fund_split"].fillna(False).astype(bool)]
    rows = sheet_rows(openpyxl.load_workbook(scored / "punteggi.xlsx")["Ripartizione del fondo"])
    assert len(rows) == len(in_split) > 5
    for row, expected in zip(rows, in_split.itertuples(index=False), strict=True):
        euro, relevance = row["Quota (€)"], row["Rilevanza"]
        assert euro.data_type == "n" and "€" in euro.number_format
        assert euro.value == pytest.approx(expected.fund_share_eur)
        assert relevance.data_type == "n" and relevance.number_format.endswith("%")
        assert relevance.value == pytest.approx(expected.relevance_pct / 100)
        assert row["Quota del fondo"].value == pytest.approx(expected.fund_share_pct / 100)
    assert sum(r["Quota (€)"].value for r in rows) == pytest.approx(
        in_split["fund_share_eur"].sum()
    )


def test_objective_scores_are_numbers_and_deadlines_dates(scored: Path):
    objectives = pd.read_parquet(scored / "objective_scores.parquet")
    rows = sheet_rows(openpyxl.load_workbook(scored / "punteggi.xlsx")["Obiettivi"])
    assert [r["Obiettivo"].value for r in rows] == list(objectives["objective_id"])
    dated = 0
    for row, expected in zip(rows, objectives.itertuples(index=False), strict=True):
        score, deadline = row["Punteggio (0-100)"], row["Scadenza"]
        if pd.isna(expected.score):
            assert score.value is None
        else:
            assert score.data_type == "n" and score.value == pytest.approx(expected.score)
        if pd.isna(expected.deadline):
            assert deadline.value is None
        else:
            assert deadline.is_date and deadline.number_format == "DD/MM/YYYY"
            assert deadline.value.date() == pd.Timestamp(expected.deadline).date()
            dated += 1
        assert row["Risultati attesi"].value == expected.n_targets
    assert dated > len(rows) / 2
    sectors = pd.read_parquet(scored / "sector_scores.parquet").dropna(subset=["sector"])
    labels = dict(zip(sectors["sector"], sectors["label_raw"], strict=True))
    for row, expected in zip(rows, objectives.itertuples(index=False), strict=True):
        label = "Obiettivi trasversali" if pd.isna(expected.sector) else labels[expected.sector]
        assert str(row["Settore"].value).startswith(label)


def test_target_sheet_has_one_typed_row_per_target(scored: Path):
    targets = pd.read_parquet(scored / "target_scores.parquet")
    rows = sheet_rows(openpyxl.load_workbook(scored / "punteggi.xlsx")["Risultati attesi"])
    assert len(rows) == len(targets)
    for row, expected in zip(rows, targets.itertuples(index=False), strict=True):
        assert row["Risultato n."].value == expected.target_seq
        weight = row["Peso"]
        assert weight.value == pytest.approx(expected.weight_used_pct / 100)
        assert weight.number_format.endswith("%")
        assert row["Stato"].value in {"attivo", "sospeso", "rinviato"}


def test_text_columns_are_widened_to_their_text_up_to_a_limit(scored: Path):
    sheet = openpyxl.load_workbook(scored / "punteggi.xlsx")["Obiettivi"]
    headers = {cell.value: cell.column_letter for cell in sheet[1]}
    subject_width = sheet.column_dimensions[headers["Oggetto"]].width
    id_width = sheet.column_dimensions[headers["Obiettivo"]].width
    assert 20 < subject_width <= 60
    assert id_width < subject_width


def test_modifiche_rows_match_the_diff_parquet_in_italian(diffed: Path):
    diff = pd.read_parquet(diffed / "diff.parquet")
    workbook = openpyxl.load_workbook(diffed / "modifiche.xlsx")
    assert workbook.sheetnames == ["Modifiche", "Risultati attesi", "Rilevanza"]
    for sheet in workbook.worksheets:
        assert_header_frozen_and_filtered(sheet)
    rows = sheet_rows(workbook["Modifiche"])
    assert len(rows) == len(diff) > 10
    for row, expected in zip(rows, diff.itertuples(index=False), strict=True):
        assert row["Variazione"].value == CHANGE_LABELS[expected.change]
        if not pd.isna(expected.field):
            assert row["Campo"].value == FIELD_LABELS.get(expected.field, expected.field)
        new_value = "" if pd.isna(expected.new_value) else expected.new_value
        assert (row["Dopo"].value or "") == new_value.replace("\r", "")


def test_relevance_changes_are_percentages(tmp_path: Path):
    # July and November weigh their sectors alike: a relevance change is made here
    old = plan(
        "2021-07", [objective(1, "1", "Mensa", "Servizio mensa")], weights={"istruzione": 4.0}
    )
    new = plan(
        "2021-11",
        [objective(1, "1", "Mensa", "Servizio mensa")],
        weights={"istruzione": 5.5, "cultura": 60.0},
    )
    folders = [plan_to_folder(old, tmp_path / "old"), plan_to_folder(new, tmp_path / "new")]
    assert cli.main(["diff", *map(str, folders), "--out", str(tmp_path / "diff")]) == 0
    weights = pd.read_parquet(tmp_path / "diff" / "sector_weights_diff.parquet")
    rows = sheet_rows(openpyxl.load_workbook(tmp_path / "diff" / "modifiche.xlsx")["Rilevanza"])
    assert len(rows) == len(weights) > 0
    for row, expected in zip(rows, weights.itertuples(index=False), strict=True):
        for header, value in (
            ("Rilevanza prima", expected.old_pct),
            ("Rilevanza dopo", expected.new_pct),
        ):
            if pd.isna(value):
                assert row[header].value is None
            else:
                assert row[header].value == pytest.approx(value / 100)
                assert row[header].number_format.endswith("%")


def test_formula_like_text_is_a_quoted_string_cell(tmp_path: Path):
    frame = pd.DataFrame(
        {"text": ['=HYPERLINK("http://x")', "+39 030", "-10% al mese", "@x", "plain"]}
    )
    workbook = sheets_to_workbook([Sheet("Prova", frame, (Column("text", "Testo"),))])
    workbook.save(tmp_path / "prova.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "prova.xlsx")["Prova"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == list(frame["text"])
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]


def test_missing_values_are_empty_cells_and_dates_from_text_are_dates(tmp_path: Path):
    frame = pd.DataFrame(
        {
            "when": ["2021-12-31", None],
            "amount": pd.array([1234.5, None], dtype="Float64"),
            "count": pd.array([None, 3], dtype="Int64"),
        }
    )
    columns = (
        Column("when", "Data", "date"),
        Column("amount", "Importo", "euro"),
        Column("count", "Numero", "integer"),
    )
    sheets_to_workbook([Sheet("Prova", frame, columns)]).save(tmp_path / "prova.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "prova.xlsx")["Prova"]
    first, second = sheet[2], sheet[3]
    assert first[0].value == dt.datetime(2021, 12, 31) and first[0].is_date
    assert first[1].value == 1234.5 and first[2].value is None
    assert second[0].value is None and second[1].value is None and second[2].value == 3
