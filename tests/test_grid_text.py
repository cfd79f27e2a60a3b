"""The text-layout finder on small borderless plans drawn in the test: vertically centred
short cells, rows set too tight to part, paragraphs set apart inside a cell, a word run
across a gutter, titles and page numbers around the table, and the per-page choice
between the ruled and the text finder."""

from pathlib import Path

import pytest
from pdf_factory import WRAPPED_HEADER, PageSpec, TableSpec, cells, plan_pdf

from pipeline.extract.grid.choose import page_to_tables
from pipeline.extract.grid.text import page_to_text_tables
from pipeline.extract.read.pages import pdf_to_pages
from pipeline.extract.stage import pdf_to_extraction

TITLE = "PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"


def row(
    number: str,
    description: str,
    deadline: str = "31/12/2021",
    assignee: str = "CULTURA",
    indicator: str = "Indicatore",
    dup: str = "5.2.1",
) -> list[list[str]]:
    return cells(
        number,
        assignee,
        dup,
        f"Oggetto {number or 'x'}",
        description,
        indicator,
        "Risultato (Peso 100%)",
        deadline,
    )


def borderless(rows: list[list[list[str]]], **options) -> TableSpec:
    return TableSpec(rows, header=list(WRAPPED_HEADER), ruled=False, **options)


def squashed(text: str) -> str:
    return " ".join(text.split())


def test_centred_short_cells_stay_in_their_row_without_borders(tmp_path: Path):
    long = [f"riga {k} della descrizione lunga" for k in range(12)]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row(
                                "1",
                                "|".join(long),
                                deadline="30/06/2021",
                                indicator="Primo|indicatore",
                            ),
                            row("2", "Breve.", deadline="31/12/2021", assignee="SPORT"),
                            row("3", "|".join(long[:5]), deadline="28/02/2022"),
                        ],
                        title="CULTURA - SPORT",
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    assert rows["deadline_raw"].tolist() == ["30/06/2021", "31/12/2021", "28/02/2022"]
    assert rows["assignee_raw"].tolist() == ["CULTURA", "SPORT", "CULTURA"]
    assert squashed(rows.iloc[0]["description"]) == " ".join(long)
    assert rows.iloc[1]["description"] == "Breve."
    assert squashed(rows.iloc[0]["indicator"]) == "Primo indicatore"
    assert rows["row_confidence"].tolist() == [1.0, 1.0, 1.0]
    assert rows["block_title"].tolist() == ["CULTURA - SPORT"] * 3


def test_top_aligned_rows_with_no_rule_at_all(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [row("1", "Uno|su due righe."), row("2", "Due.", deadline="30/06/2021")],
                        title="ECOLOGIA",
                        valign="top",
                        header_rule=False,
                    ),
                    borderless(
                        [row("1", "Tre|su|tre righe.", assignee="URBANISTICA")],
                        title="URBANISTICA",
                        valign="top",
                        header_rule=False,
                    ),
                ],
                lines_above=[TITLE],
            )
        ],
    )
    page = next(pdf_to_pages(pdf))
    assert page.rulings == []
    rows = pdf_to_extraction(pdf).rows
    assert rows["block_title"].tolist() == ["ECOLOGIA", "ECOLOGIA", "URBANISTICA"]
    assert rows["deadline_raw"].tolist() == ["31/12/2021", "30/06/2021", "31/12/2021"]
    assert [squashed(d) for d in rows["description"]] == [
        "Uno su due righe.",
        "Due.",
        "Tre su tre righe.",
    ]


def test_row_whose_tallest_cell_is_a_short_one(tmp_path: Path):
    # the description is one line; the deadline and the number are what make the row tall
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row("1", "Prima|descrizione|su tre righe."),
                            row(
                                "2",
                                "Una riga.",
                                deadline="Rispetto|tempistica|prevista dalla|normativa",
                            ),
                            row("3", "Terza.", deadline="30/06/2022"),
                        ]
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    assert squashed(rows.iloc[1]["deadline_raw"]) == "Rispetto tempistica prevista dalla normativa"
    assert rows.iloc[1]["description"] == "Una riga."
    assert rows.iloc[2]["deadline_raw"] == "30/06/2022"


@pytest.mark.parametrize("valign", ["middle", "top"])
def test_rows_set_too_tight_to_part_are_split_at_their_numbers(tmp_path: Path, valign: str):
    # with no cell padding the last line of one row touches the first of the next:
    # only the n. column tells the rows apart, read by how the cells are set
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row("1", "Uno a|uno b|uno c", indicator="Primo|indicatore"),
                            row("2", "Due a|due b"),
                            row("3", "Tre a|tre b|tre c|tre d", deadline="30/06/2022"),
                        ],
                        pad=0.0,
                        valign=valign,
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    assert [squashed(d) for d in rows["description"]] == [
        "Uno a uno b uno c",
        "Due a due b",
        "Tre a tre b tre c tre d",
    ]
    assert rows.iloc[2]["deadline_raw"] == "30/06/2022"
    assert (rows["row_confidence"] < 1.0).all()


def test_paragraphs_set_apart_inside_a_cell_stay_in_their_row(tmp_path: Path):
    # an empty line inside the description leaves more room than a row gap
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row("1", "Prima."),
                            row("2", "Paragrafo uno.||Paragrafo due."),
                            row("3", "Terza."),
                        ]
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    assert squashed(rows.iloc[1]["description"]) == "Paragrafo uno. Paragrafo due."
    assert rows["row_confidence"].tolist()[0] == 1.0
    assert rows["row_confidence"].tolist()[1] < 1.0


def test_word_run_across_a_gutter_stays_in_its_column_and_lowers_confidence(tmp_path: Path):
    address = "www.comune.desenzano.brescia.it/amministrazione-trasparente/performance/piano"
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row("1", "Prima."),
                            row("2", f"{address}|Pubblicare|il piano."),
                            row("3", "Terza."),
                        ]
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    extraction = pdf_to_extraction(pdf)
    rows = extraction.rows
    assert rows["indicator"].tolist() == ["Indicatore"] * 3
    assert squashed(rows.iloc[1]["description"]) == f"{address} Pubblicare il piano."
    assert rows["row_confidence"].tolist()[1] < 0.95
    doubts = [f for f in extraction.findings if f.rule == "low_row_confidence"]
    assert [f.page for f in doubts] == [1]
    assert "block 1 row 2" in doubts[0].message


def test_rows_of_a_minimum_height_and_the_page_number_under_them(tmp_path: Path):
    # rows stand further apart than a fixed gap would allow; the page number stands
    # nearer the last row than two row gaps, so only its reading keeps it out
    printed = [row(str(k), "Descrizione|su due righe.") for k in range(1, 11)]
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [PageSpec([borderless(printed, min_row_height=44.0)], lines_above=[TITLE], footer="1")],
    )
    page = next(pdf_to_pages(pdf))
    table = page_to_text_tables(page)[0]
    tops = sorted({min(w.top for w in c.words) for c in table.cells if c.col == 0 and c.row})
    last_row = max(w.bottom for c in table.cells for w in c.words)
    footer = next(w for w in page.words if w.text == "1" and w.x0 > 780)
    assert footer.top - last_row < 2 * (tops[1] - tops[0])
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == [str(k) for k in range(1, 11)]
    assert rows["deadline_raw"].tolist() == ["31/12/2021"] * 10


def test_empty_row_inside_a_table_does_not_end_it(tmp_path: Path):
    # an office left an empty row: the white space is wider than any gap between rows,
    # but the rows under it still fill the table's columns
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row("1", "Uno."),
                            row("2", "Due."),
                            cells("", "", "", "", " ", "", "", ""),
                            row("3", "Tre."),
                            row("4", "Quattro."),
                        ]
                    )
                ],
                lines_above=[TITLE],
                footer="1",
            )
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3", "4"]


def test_title_left_at_a_page_bottom_is_no_row(tmp_path: Path):
    # the renderer kept the next block's title on this page and its table on the next
    orphan = TableSpec([], header=None, title="URBANISTICA", ruled=False)
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [borderless([row("1", "Uno."), row("2", "Due.")], title="ECOLOGIA"), orphan],
                lines_above=[TITLE],
            ),
            PageSpec([borderless([row("1", "Tre.", assignee="URBANISTICA")])]),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "1"]
    assert rows["block"].tolist() == [1, 1, 2]


def test_ruled_page_keeps_the_ruled_finder_and_borderless_page_gets_the_text_one(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [TableSpec([row("1", "Rigata.")], header=list(WRAPPED_HEADER))], lines_above=[TITLE]
            ),
            PageSpec([borderless([row("2", "Senza bordi.")])]),
        ],
    )
    choices = [page_to_tables(page)[1] for page in pdf_to_pages(pdf)]
    assert [c.finder for c in choices] == ["ruled", "text"]
    assert "(ruled, image found none)" in choices[1].reason
    extraction = pdf_to_extraction(pdf)
    logged = [f for f in extraction.findings if f.rule == "grid_finder"]
    assert [f.normalised_value for f in logged] == ["ruled", "text"]
    assert extraction.rows["description"].tolist() == ["Rigata.", "Senza bordi."]


def test_page_without_a_plan_header_gives_no_text_table(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    TableSpec(
                        [cells("a", "b"), cells("c", "d")],
                        header=None,
                        ruled=False,
                        widths=[100.0, 100.0],
                    )
                ],
                lines_above=[TITLE],
            )
        ],
    )
    assert page_to_text_tables(next(pdf_to_pages(pdf))) == []


def test_row_broken_across_pages_without_a_rule_is_rejoined(tmp_path: Path):
    # no rule shows the break: the second page's first row has only the text that goes on
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [row("1", "Breve."), row("2", "Prima parte della|descrizione che")],
                        title="CULTURA",
                    )
                ],
                lines_above=[TITLE],
            ),
            PageSpec(
                [
                    borderless(
                        [cells("", "", "", "", "continua qui.", "", "", ""), row("3", "Dopo.")]
                    )
                ]
            ),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    assert (
        squashed(rows.iloc[1]["description"]) == "Prima parte della descrizione che continua qui."
    )
    assert (rows.iloc[1]["page_first"], rows.iloc[1]["page_last"]) == (1, 2)
    assert rows["block"].tolist() == [1, 1, 1]


def test_row_broken_with_its_centred_cells_on_the_next_page_is_rejoined(tmp_path: Path):
    # the renderer centred DUP, indicator, result and deadline in the row's second part:
    # the next page's first line has no n. and no assignee and goes on with a sentence
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [
                            row("1", "Breve."),
                            cells(
                                "2",
                                "CULTURA",
                                "",
                                "Oggetto",
                                "Prima parte della|descrizione che",
                                "",
                                "",
                                "",
                            ),
                        ],
                        title="CULTURA",
                    )
                ],
                lines_above=[TITLE],
            ),
            PageSpec(
                [
                    borderless(
                        [
                            cells(
                                "",
                                "",
                                "5.2.1",
                                "",
                                "continua qui e|finisce.",
                                "Indicatore",
                                "Risultato (Peso 100%)",
                                "31/12/2021",
                            ),
                            row("3", "Dopo."),
                        ]
                    )
                ]
            ),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "3"]
    assert (
        squashed(rows.iloc[1]["description"])
        == "Prima parte della descrizione che continua qui e finisce."
    )
    assert rows.iloc[1]["subject"] == "Oggetto"
    assert rows.iloc[1]["dup_raw"] == "5.2.1"
    assert rows.iloc[1]["deadline_raw"] == "31/12/2021"


def test_objective_without_number_at_a_page_top_stays_its_own_row(tmp_path: Path):
    # no n. and no assignee either, but it starts a new sentence and prints its own
    # DUP and deadline: an objective of its own (the plan has one such)
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    borderless(
                        [row("1", "Breve."), row("2", "Accertamenti IMU 2016 e|eventuali ricorsi")],
                        title="TRIBUTI",
                    )
                ],
                lines_above=[TITLE],
            ),
            PageSpec(
                [
                    borderless(
                        [
                            row(
                                "",
                                "Emissione accertamenti|IMU 2017",
                                assignee="",
                                deadline="30/06/2022",
                            ),
                            row("3", "Dopo."),
                        ]
                    )
                ]
            ),
        ],
    )
    rows = pdf_to_extraction(pdf).rows
    assert rows["number"].tolist() == ["1", "2", "", "3"]
    assert squashed(rows.iloc[1]["description"]) == "Accertamenti IMU 2016 e eventuali ricorsi"
    assert rows.iloc[2]["deadline_raw"] == "30/06/2022"
