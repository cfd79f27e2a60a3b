"""The benchmark's adapters (benchmarks/adapters.py) turn the peers' tables into contract
rows, so `python -m benchmarks.compare` does not rot between runs. Nothing is timed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import score
import yaml
from pdf_factory import PageSpec, TableSpec, cells, plan_pdf

from benchmarks import adapters
from benchmarks.compare import (
    README_END,
    README_START,
    name_to_reference,
    params_to_plans,
    readme_with_section,
)

ROOT = Path(__file__).resolve().parent.parent
ROWS = [
    cells(
        "1",
        "ISTRUZIONE",
        "4.1.0",
        "Servizi scolastici",
        "Gestire le risorse.",
        "Proposta",
        "Deliberazione (Peso 100%)",
        "31/12/2021",
    ),
    cells(
        "2",
        "CULTURA",
        "5.2.0",
        "Biblioteca",
        "Aprire la sala.",
        "Apertura",
        "Sala aperta (Peso 100%)",
        "30/06/2021",
    ),
]


@pytest.fixture(scope="module")
def drawn_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drawn")
    return plan_pdf(folder / "plan.pdf", [PageSpec([TableSpec(ROWS, title="ISTRUZIONE")])])


def test_columns_are_told_by_header_meaning():
    header = [
        "n.",
        "Assegnatario\nobiettivo",
        "OGGETTO",
        "DESCRIZIONE DEGLI OBIETTIVI ASSEGNATI",
        "TEMPI STABILITI",
    ]
    assert adapters.header_to_columns(header) == {
        0: "number",
        1: "assignee_raw",
        2: "subject",
        3: "description",
        4: "deadline_raw",
    }


def test_a_table_of_unknown_columns_gives_no_rows():
    assert adapters.table_to_rows([["Settore", "Peso"], ["Ragioneria", "60%"]]) == []


@pytest.mark.parametrize(
    "tables",
    [
        lambda pdf: adapters.pdfplumber_to_tables(pdf, "lines"),
        lambda pdf: adapters.camelot_to_tables(pdf, "lattice"),
    ],
    ids=["pdfplumber", "camelot-lattice"],
)
def test_peer_tables_become_contract_rows(drawn_table: Path, tables, tmp_path: Path):
    rows = adapters.tables_to_rows(tables(drawn_table))
    assert [r["number"] for r in rows] == ["1", "2"]
    assert rows[1]["description"] == "Aprire la sala."
    assert rows[0]["deadline_raw"] == "31/12/2021"
    frame = pd.read_parquet(adapters.rows_to_folder(rows, tmp_path) / "objectives.parquet")
    assert list(frame.columns) == adapters.CONTRACT_COLUMNS


def test_scorer_reads_an_adapters_folder(tmp_path: Path):
    rows = [
        dict(
            zip(
                adapters.CONTRACT_COLUMNS,
                ["1", "ISTRUZIONE", "4.1.0", "Scuole", "Gestire.", "Proposta", "Fatto", "31/12"],
                strict=True,
            )
        )
    ]
    reference = {
        "blocks": [
            {
                "block": 1,
                "objectives": [
                    {
                        "seq": 1,
                        "number": "1",
                        "assignee": ["ISTRUZIONE"],
                        "dup": ["4.1.0"],
                        "subject": ["Scuole"],
                        "description": ["Gestire."],
                        "indicator": ["Proposta"],
                        "expected_result": ["Fatto"],
                        "deadline": ["31/12"],
                    }
                ],
            }
        ],
        "relevance": {"rows": []},
    }
    report = score.score(reference, adapters.rows_to_folder(rows, tmp_path))
    assert report["cell_accuracy"] == 1.0


def test_floor_readers_read_every_page(drawn_table: Path):
    assert adapters.pdfplumber_to_words(drawn_table) > 20
    assert adapters.pdfium_to_text(drawn_table) > 100


def test_every_plan_of_params_is_benchmarked_with_its_reference():
    plans = params_to_plans(ROOT / "params.yaml")
    listed = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))["plans"]
    assert [p.name for p in plans] == list(listed)
    for plan in plans:
        assert plan.reference is not None, plan.name
        assert json.loads(plan.reference.read_text(encoding="utf-8"))["blocks"]


def test_a_copy_of_a_plan_shares_its_reference(tmp_path: Path):
    (tmp_path / "comune-2021-11.json").write_text("{}")
    assert name_to_reference("comune-2021-11-scan", tmp_path) == tmp_path / "comune-2021-11.json"
    assert name_to_reference("altro-2020", tmp_path) is None


def test_readme_has_the_benchmark_markers():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index(README_START) < readme.index(README_END)
    assert "python -m benchmarks.compare" in readme


def test_readme_section_is_replaced_between_markers():
    readme = f"# x\n\n{README_START}\nold table\n{README_END}\nafter\n"
    assert (
        readme_with_section(readme, "new table\n")
        == f"# x\n\n{README_START}\nnew table\n{README_END}\nafter\n"
    )


def test_the_whole_benchmark_runs_on_a_drawn_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from benchmarks.compare import main

    (tmp_path / "sources").mkdir()
    plan_pdf(
        tmp_path / "sources" / "comune-2021-11.pdf",
        [
            PageSpec(
                [TableSpec(ROWS, title="ISTRUZIONE")],
                lines_above=["PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"],
            )
        ],
    )
    params = tmp_path / "params.yaml"
    params.write_text("plans:\n  comune-2021-11:\n    source: sources/comune-2021-11.pdf\n")
    results = tmp_path / "results.json"
    assert main(["--runs", "1", "--params", str(params), "--json", str(results)]) == 0
    printed = capsys.readouterr().out
    assert "| comune-2021-11 | 1 | **piano extract**" in printed
    tools = {t["tool"] for t in json.loads(results.read_text())["plans"][0]["tools"]}
    assert {
        "pipeline",
        "cli",
        "pdfplumber-lines",
        "camelot-lattice",
        "pdfplumber-words",
        "pdfium-text",
    } <= tools
