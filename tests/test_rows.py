"""The row assembler on small ruled plans drawn in the test: header repeated on each
page, rows broken across pages, centred short cells, block boundaries."""

from pathlib import Path

import pytest
from pdf_factory import HEADER, PageSpec, TableSpec, cells, plan_pdf

from pipeline.core.errors import ExtractionError, TableHeaderError
from pipeline.extract.stage import pdf_to_extraction

TITLE = "PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"


def row(
    number: str, assignee: str, description: str, deadline: str = "31/12/2021", dup: str = "4.1.0"
) -> list[list[str]]:
    return cells(
        number,
        assignee,
        dup,
        f"Oggetto {number or 'x'}",
        description,
        "Indicatore",
        "Risultato (Peso 100%)",
        deadline,
    )


def test_row_broken_across_pages_comes_back_as_one_row(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    TableSpec(
                        [
                            row("1", "ISTRUZIONE", "Breve."),
                            row("2", "ISTRUZIONE", "Prima parte della|descrizione"),
                        ],
                        title="ISTRUZIONE",
                        valign="top",
                    )
                ],
                lines_above=[TITLE],
            ),
            PageSpec(
                [
                    TableSpec(
                        [
                            cells("", "", "", "", "che continua qui.", "", "", ""),
                            row("3", "ISTRUZIONE", "Dopo."),
                        ],
                        valign="top",
                    )
                ]
            ),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    broken = rows.iloc[1]
    # the test's lines are set short, so they stay separate lines of one cell
    expected = "Prima parte della descrizione che continua qui."
    assert " ".join(broken["description"].split()) == expected
    assert (broken["page_first"], broken["page_last"]) == (1, 2)
    assert rows["block"].tolist() == [1, 1, 1]


def test_numberless_objective_at_page_top_is_not_merged(tmp_path: Path):
    # its own DUP and deadline make it an objective of its own
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [TableSpec([row("1", "TRIBUTI", "Uno.")], title="TRIBUTI")], lines_above=[TITLE]
            ),
            PageSpec([TableSpec([row("", "", "Senza numero.", dup="1.4.0")])]),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert len(rows) == 2
    assert rows.iloc[1]["description"] == "Senza numero."


def test_centred_short_cells_stay_in_their_row(tmp_path: Path):
    long = [f"riga {k} della descrizione lunga" for k in range(12)]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    TableSpec(
                        [
                            row("1", "CULTURA", "|".join(long), deadline="30/06/2021"),
                            row("2", "CULTURA", "Breve.", deadline="31/12/2021"),
                        ],
                        title="CULTURA",
                        valign="middle",
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["deadline_raw"].tolist() == ["30/06/2021", "31/12/2021"]
    assert rows["number"].tolist() == ["1", "2"]
    assert rows.iloc[0]["description"].startswith("riga 0 della")


def test_repeated_header_is_dropped_and_numbering_restart_starts_a_block(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [TableSpec([row("1", "ECONOMATO", "A."), row("2", "ECONOMATO", "B.")])],
                lines_above=[TITLE],
            ),
            PageSpec([TableSpec([row("3", "ECONOMATO", "C.")])]),
            PageSpec([TableSpec([row("1", "TRIBUTI", "D.")])]),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["block"].tolist() == [1, 1, 1, 2]
    assert rows["seq"].tolist() == [1, 2, 3, 1]
    assert "Assegnatario obiettivo" not in rows["assignee_raw"].tolist()


def test_titled_tables_on_one_page_are_separate_blocks(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    TableSpec([row("1", "ECOLOGIA", "A.")], title="ECOLOGIA"),
                    TableSpec([row("1", "URBANISTICA", "B.")], title="URBANISTICA"),
                ],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["block"].tolist() == [1, 2]
    assert rows["block_title"].tolist() == ["ECOLOGIA", "URBANISTICA"]


def test_header_words_vary_but_columns_map_by_meaning(tmp_path: Path):
    header = [
        "n.",
        "Assegnatario Obiettivo",
        "Rif. DUP",
        "OGGETTO / ATTIVITA'",
        "DESCRIZIONE",
        "INDICATORE",
        "RISULTATO",
        "TEMPI STABILITI",
    ]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [TableSpec([row("1", "POLIZIA LOCALE", "A.", dup="3.1.0")], header=header)],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows.iloc[0]["dup_raw"] == "3.1.0"
    assert rows.iloc[0]["subject"] == "Oggetto 1"


def test_header_without_a_required_column_names_it(tmp_path: Path):
    header = [h for h in HEADER if h != "RISULTATO ATTESO"]
    widths = [22.0, 80.0, 40.0, 90.0, 250.0, 100.0, 60.0]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    TableSpec(
                        [cells("1", "ISTRUZIONE", "4.1.0", "O", "D", "I", "31/12/2021")],
                        header=header,
                        widths=widths,
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    with pytest.raises(ExtractionError, match="expected_result") as error:
        pdf_to_extraction(pdf)
    assert error.value.page == 1


RUNNING = "Comune di Lonato del Garda — Piano della performance 2021"


def test_a_running_header_is_no_block_title_and_no_municipality(tmp_path: Path):
    # the running header sits close above each page's table, where a title would
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [TableSpec([row("1", "ECONOMATO", "A."), row("2", "ECONOMATO", "B.")])],
                lines_above=["Comune di Desenzano del Garda", TITLE],
                running_header=RUNNING,
                footer="Pagina 1 di 2",
            ),
            PageSpec(
                [TableSpec([row("3", "ECONOMATO", "C.")], header=None)],
                running_header=RUNNING,
                footer="Pagina 2 di 2",
            ),
        ],
    )
    extraction = pdf_to_extraction(pdf)
    assert extraction.rows["block"].tolist() == [1, 1, 1]
    assert RUNNING not in extraction.rows["block_title"].tolist()
    assert extraction.info.municipality == "Comune di Desenzano del Garda"
    rules = [f.rule for f in extraction.findings]
    assert rules.count("header_carried_over") == 1


def test_a_ruled_row_the_page_cut_open_comes_back_whole(tmp_path: Path):
    first = row("1", "ECONOMATO", "riga 0 della|descrizione")
    rest = cells("", "", "", "", "che continua", "", "", "")
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [TableSpec([row("1", "ECONOMATO", "A."), first[:]], open_bottom=True)],
                lines_above=[TITLE],
            ),
            PageSpec([TableSpec([rest, row("3", "ECONOMATO", "C.")], header=None, open_top=True)]),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "1", "3"]
    assert " ".join(rows.iloc[1]["description"].split()) == "riga 0 della descrizione che continua"
    assert (rows.iloc[1]["page_first"], rows.iloc[1]["page_last"]) == (1, 2)


def test_a_table_of_another_grid_after_the_header_cannot_be_named(tmp_path: Path):
    widths = [30.0, 100.0, 100.0, 200.0, 150.0, 162.0]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec([TableSpec([row("1", "ECONOMATO", "A.")])], lines_above=[TITLE]),
            PageSpec(
                [
                    TableSpec(
                        [cells("2", "ECONOMATO", "B", "C", "D", "E")], header=None, widths=widths
                    )
                ]
            ),
        ],
    )
    with pytest.raises(TableHeaderError, match="its grid is not that of the header on page 1"):
        pdf_to_extraction(pdf)


def test_headerless_tables_with_no_plan_header_anywhere_are_no_plan(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "report.pdf",
        [PageSpec([TableSpec([row("1", "ECONOMATO", "A.")], header=None)], lines_above=[TITLE])],
    )
    with pytest.raises(ExtractionError, match="no table with a plan header") as error:
        pdf_to_extraction(pdf)
    assert not isinstance(error.value, TableHeaderError)


def test_a_damaged_header_with_the_grid_of_the_last_one_carries_its_columns(tmp_path: Path):
    damaged = [
        "n.",
        "Asseg#atario",
        "D#P",
        "OGG#TTO",
        "DESCR#ZIONE",
        "IND#CATORE",
        "R#SULTATO",
        "T#MPI",
    ]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec([TableSpec([row("1", "ECONOMATO", "A.")])], lines_above=[TITLE]),
            PageSpec([TableSpec([row("2", "ECONOMATO", "B.")], header=damaged)]),
        ],
    )
    extraction = pdf_to_extraction(pdf)
    assert extraction.rows["number"].tolist() == ["1", "2"]
    assert extraction.rows["dup_raw"].tolist() == ["4.1.0", "4.1.0"]
    assert "header_unreadable" in [f.rule for f in extraction.findings]


def test_a_deadline_in_words_going_on_past_the_page_continues_its_row():
    from pipeline.extract.lines import Line
    from pipeline.extract.page import Word
    from pipeline.extract.rows import CellPart, LogicalRow, is_continuation

    def part(text: str) -> CellPart:
        words = tuple(Word(w, 10.0 * k, 0.0, 10.0 * k + 8, 7.0) for k, w in enumerate(text.split()))
        return CellPart.from_lines(1, 0.0, 0.0, 200.0, 10.0, [Line(words, 200.0)])

    def logical(**texts: str) -> LogicalRow:
        return LogicalRow(block=1, block_title=None, cells={f: [part(t)] for f, t in texts.items()})

    before = logical(number="1", dup_raw="01.04.04", deadline_raw="Rispetto tempistica")
    after = logical(indicator="Definizione nuove modalità", deadline_raw="prevista dalla norma")
    assert is_continuation(after, before)
    # an objective printed without a number has a deadline of its own
    unnumbered = logical(dup_raw="01.04.04", indicator="Numero", deadline_raw="30/06/2022")
    assert not is_continuation(unnumbered, before)


def test_a_column_whose_header_reads_nothing_and_holds_the_numbers_is_n():
    from pipeline.extract.grid.model import Cell, Table
    from pipeline.extract.header import cells_to_header
    from pipeline.extract.page import Word
    from pipeline.extract.rows import header_with_number_column, table_row_texts

    def table_of(first_column: list[str]) -> Table:
        printed = [
            ["Assegnatario", "OGGETTO", "DESCRIZIONE", "RISULTATO ATTESO"],
            ["ISTRUZIONE", "Mense", "Gestire", "100%"],
            ["ISTRUZIONE", "Trasporti", "Gestire", "100%"],
            ["CULTURA", "Biblioteca", "Aprire", "100%"],
        ]
        cells = []
        for r, texts in enumerate(printed):
            for c, text in enumerate([first_column[r], *texts]):
                x, y = 100.0 * c, 20.0 * r
                words = tuple(Word(w, x + 2, y + 2, x + 40, y + 9) for w in text.split())
                cells.append(Cell(x, y, x + 90, y + 15, r, c, c, words))
        return Table(1, 0.0, 0.0, 500.0, 80.0, cells, "image")

    numbered = table_of(["", "1", "2", "3"])
    header = cells_to_header(table_row_texts(numbered, 0))
    assert header is not None and "number" not in header.fields.values()
    named, col = header_with_number_column(header, numbered)
    assert col == 0 and named.fields[0] == "number"
    # a blank header over text is no n. column
    assert header_with_number_column(header, table_of(["", "nota", "2", "vedi"])) == (header, None)


def test_a_header_cell_damaged_past_recognition_is_named_by_elimination():
    from pipeline.extract.header import cells_to_header, header_by_elimination

    def header_of(*texts: str):
        found = cells_to_header(dict(enumerate(texts)))
        assert found is not None
        return header_by_elimination(found)

    header = header_of("n.", "Obiettivo", "DUP", "OGGETTO", "DESCRIZIONE", "RISULTATO", "TEMPI")
    assert header.missing() == [] and header.guessed == {1: "assignee_raw"}
    assert header.fields[1] == "assignee_raw" and 1 not in header.unknown
    # a column that stands elsewhere, or two left, name nothing
    moved = header_of("n.", "DUP", "OGGETTO", "DESCRIZIONE", "NOTE", "RISULTATO")
    assert moved.missing() == ["assignee_raw"] and moved.guessed == {}
    two = header_of("n.", "Obiettivo", "Altro", "OGGETTO", "DESCRIZIONE", "RISULTATO")
    assert two.missing() == ["assignee_raw"]
