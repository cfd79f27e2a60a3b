"""The text-layout finder's rules for what other producers print, on words placed in the
test: a first row set against a header printed once, a header cell's first line above
the others, a spreadsheet's word run past its cell, columns measured again on a page
that goes on without its header."""

from pipeline.extract.grid.text import (
    HeaderBand,
    RowGroup,
    TextSettings,
    band_reads_as_row,
    band_to_header,
    centred_blocks,
    groups_to_alignment,
    gutters_to_separators,
    line_inside_one_cell,
    page_to_continued_table,
    page_to_text_tables,
    remeasured_edges,
    words_to_gutters,
    words_to_separators,
    words_to_text,
)
from pipeline.extract.header import HeaderSettings
from pipeline.extract.page import Page, Word

SIZE = 7.0  # the font size, and so the unit height of these pages
# where each of the eight columns starts (points)
COLUMNS = (40.0, 60.0, 140.0, 190.0, 260.0, 380.0, 460.0, 540.0)


def line(top: float, texts: dict[int, str]) -> list[Word]:
    """Words of one printed line: column index → text, each word 4 points a letter."""
    words = []
    for column, text in texts.items():
        x = COLUMNS[column]
        for part in text.split():
            words.append(Word(part, x, top, x + 4 * len(part), top + SIZE, True))
            x += 4 * len(part) + 3
    return words


HEADER = {
    0: "n.",
    1: "Assegnatario",
    2: "DUP",
    3: "OGGETTO",
    4: "DESCRIZIONE",
    5: "INDICATORE",
    6: "RISULTATO ATTESO",
    7: "TEMPI",
}
HEADER_WRAP = {1: "obiettivo", 5: "PERFORMANCE", 7: "STABILITI"}


def header_of(band: list[Word]) -> HeaderBand | None:
    settings = TextSettings()
    return band_to_header(
        band,
        [],
        settings.header_cell_gap * SIZE,
        settings.min_columns,
        HeaderSettings(),
        settings.band_gap * SIZE,
    )


def body_rows(words: list[Word]) -> list[dict[int, str]]:
    """The text of each body row of the one table on a page of these words, by column."""
    (table,) = page_to_text_tables(Page(1, 600.0, 300.0, words))
    by_row: dict[int, dict[int, str]] = {}
    for cell in table.cells:
        by_row.setdefault(cell.row, {})[cell.col] = words_to_text(cell.words)
    return [by_row[r] for r in sorted(by_row)][1:]  # the header row left out


def test_a_first_row_set_against_the_header_stays_out_of_it():
    first_row = {
        0: "1",
        1: "ISTRUZIONE",
        2: "4.1.0",
        3: "Servizi",
        4: "Gestire",
        5: "Proposta",
        6: "Deliberazione",
        7: "31/12/2021",
    }
    # no padding: each line right under the one above, as a browser may print it
    band = line(100, HEADER) + line(108, HEADER_WRAP) + line(116, first_row)
    found = header_of(band)
    assert found is not None
    texts = {w.text for w in found.words}
    assert {"obiettivo", "PERFORMANCE", "STABILITI"} <= texts
    assert not texts & {"1", "ISTRUZIONE", "4.1.0", "31/12/2021"}


def test_the_relevance_tables_first_row_stays_out_of_its_header():
    band = line(100, {0: "Responsabili di servizio e uffici", 5: "Rilevanza obiettivi"})
    band += line(108, {0: "Istruzione", 5: "4%"})
    found = header_of(band)
    assert found is not None
    assert (
        words_to_text(list(found.words)) == "Responsabili di servizio e uffici Rilevanza obiettivi"
    )


def test_a_title_set_close_across_the_relevance_header_is_left_above_it():
    # the title's line lies across both header cells, joining them into one unless the
    # header is looked for a line down the band
    title = {0: "Tabella di relativa all'indicazione del grado di rilevanza degli obiettivi"}
    band = line(100, title) + line(108, {0: "Responsabili di servizio e uffici", 4: "Rilevanza"})
    band += line(116, {0: "Istruzione", 4: "4%"})
    found = header_of(band)
    assert found is not None
    assert words_to_text(list(found.words)) == "Responsabili di servizio e uffici Rilevanza"
    rows = body_rows(band + line(124, {0: "Cultura", 4: "6%"}))
    assert rows == [{0: "Istruzione", 1: "4%"}, {0: "Cultura", 1: "6%"}]


def test_a_header_cells_first_line_is_header_and_a_heading_across_cells_is_not():
    below = line(110, HEADER) + line(118, HEADER_WRAP)
    cell_line = tuple(line(102, {4: "DEGLI"}))
    heading = tuple(w for w in line(102, {0: "SERVIZI SOCIALI"}))
    gap = TextSettings().header_cell_gap * SIZE
    assert line_inside_one_cell(cell_line, below, gap)
    assert not line_inside_one_cell(heading, below, gap)


def test_a_row_may_close_a_gutter_with_a_word_too_long_for_its_cell_but_prose_may_not():
    header = line(100, HEADER)
    table = header + line(120, {0: "1", 1: "CULTURA", 2: "5.2", 3: "Museo", 4: "Testo"})
    gutter = TextSettings().min_gutter * SIZE
    # the subject's long word runs past the description column's start
    row = line(160, {0: "2", 1: "CULTURA", 2: "5.1", 5: "Indicatore", 7: "31/12/2021"})
    row.append(Word("interno/ore_totali_servizi", 190.0, 160, 290.0, 160 + SIZE, True))
    assert band_reads_as_row(row, table, header, gutter, 3)
    prose = line(160, {0: " ".join(["parola"] * 90)})
    assert not band_reads_as_row(prose, table, header, gutter, 3)


def test_columns_measured_on_one_row_are_measured_again_on_the_next_page():
    header = line(100, HEADER)
    band = HeaderBand(tuple(header), 100, 100 + SIZE, None)
    edges = [40.0, 58.0, 135.0, 185.0, 250.0, 375.0, 455.0, 535.0, 580.0]
    # the next page's subjects reach further right than the page before showed
    words = line(
        60, {0: "2", 1: "TRIBUTI", 2: "01.04", 4: "Testo", 5: "N.", 6: "Esito", 7: "31/12"}
    )
    words.append(Word("Accertamenti", 190.0, 60, 255.0, 60 + SIZE, True))
    again = remeasured_edges(edges, band, words, TextSettings().min_gutter * SIZE)
    assert again is not None and len(again) == len(edges)
    assert again[4] > 255.0  # the subject column now holds its widest word
    assert again[0] == edges[0] and again[-1] == edges[-1]
    # other columns altogether are no match
    assert remeasured_edges(edges[:4] + edges[-1:], band, words, 4.0) is None


def test_a_middle_aligned_first_rows_first_line_stays_out_of_the_header():
    # the row's tall cells start above its number, under cells the header ended above
    first_line = {1: "LAVORI PUBBLICI", 3: "Realizzazione opere"}
    band = line(100, HEADER) + line(108, HEADER_WRAP) + line(116, first_line)
    found = header_of(band)
    assert found is not None
    texts = {w.text for w in found.words}
    assert "obiettivo" in texts and not texts & {"LAVORI", "PUBBLICI", "Realizzazione"}


def test_a_plan_row_that_says_rilevanza_is_no_relevance_header():
    from pipeline.extract.header import is_relevance_header

    assert is_relevance_header({0: "Responsabili di servizio e uffici", 1: "Rilevanza obiettivi"})
    row = {0: "8", 1: "POLIZIA LOCALE", 2: "Presidio di rilevanza strategica", 3: "31/12/2021"}
    assert not is_relevance_header(row)


def test_a_row_printed_without_a_number_under_a_tight_row_is_a_row_of_its_own():
    # the second objective has no number and no assignee, and its description starts
    # right under the first one's: only its own DUP code and deadline part the two
    first = {0: "4", 1: "TRIBUTI", 2: "01.04.04", 3: "IMU", 4: "Emissione", 7: "30/06/2021"}
    second = {2: "01.04.04", 3: "IMU", 4: "Emissione", 7: "30/06/2022"}
    words = line(100, HEADER) + line(108, HEADER_WRAP) + line(124, first)
    words += line(132, {3: "2016", 4: "accertamenti 2016"}) + line(140, second)
    words += line(148, {3: "2017", 4: "accertamenti 2017"})
    body = body_rows(words)
    assert [(r[0], r[2], r[7]) for r in body] == [
        ("4", "01.04.04", "30/06/2021"),
        ("", "01.04.04", "30/06/2022"),
    ]
    assert [(r[3], r[4]) for r in body] == [
        ("IMU 2016", "Emissione accertamenti 2016"),
        ("IMU 2017", "Emissione accertamenti 2017"),
    ]


def test_figures_apart_from_their_centred_header_join_its_column():
    # "100%" set at the left of its column, "RISULTATO" centred over it: the strip the
    # figures stand in is named by no header word, and the result column holds nothing
    # else, so the figures are its cells, not the indicator's
    def word(text: str, x0: float, top: float) -> Word:
        return Word(text, x0, top, x0 + 4 * len(text), top + SIZE, True)

    header = [word("INDICATORE", 100, 100), word("RISULTATO", 230, 100)]
    body = []
    for k in range(4):
        top = 120 + 20 * k
        body += [word("Atti", 80, top), word("predisposti", 99, top), word("100%", 160, top)]
    words = header + body
    gutters = words_to_gutters(words, TextSettings().min_gutter * SIZE)
    assert [round(a) for a, _ in gutters] == [143, 176]  # two strips open: which is the column?
    (separator,) = gutters_to_separators(gutters, header, words)
    assert 143 < separator < 160


def test_a_named_column_left_empty_takes_its_figures_across_a_narrow_gutter():
    # the figures stand closer to the indicator's text than a gutter usually is (a
    # browser's thin cell padding): the result column its header names would be empty
    def word(text: str, x0: float, top: float) -> Word:
        return Word(text, x0, top, x0 + 4 * len(text), top + SIZE, True)

    header = [word("n.", 40, 100), word("INDICATORE", 60, 100), word("RISULTATO", 150, 100)]
    body = []
    for k in range(4):
        top = 120 + 20 * k
        body += [word(str(k + 1), 40, top), word("Atti", 60, top), word("predisposti", 79, top)]
        body += [word("100%", 126.5, top)]  # 3.5 points after "predisposti"
    settings = TextSettings()
    assert settings.narrow_gutter * SIZE < 3.5 < settings.min_gutter * SIZE
    separators = words_to_separators(header + body, header, body, SIZE, settings)
    assert len(separators) == 2 and 123 < separators[1] < 126.5


def pitch_lines(top: float, count: int, pitch: float = 10.5, height: float = 11.3) -> list:
    return [(top + k * pitch, top + k * pitch + height) for k in range(count)]


def test_a_centred_column_parts_into_blocks_centred_on_their_numbers():
    # three tight rows of a browser's centred table: 5, 2 and 4 lines of description,
    # 3 points between rows and lines overlapping by a point within a cell
    boxes = pitch_lines(307.4, 5) + pitch_lines(362.2, 2) + pitch_lines(386.2, 4)
    middles = [333.3, 372.8, 407.4]
    assert centred_blocks(boxes, middles, None, 1.5, 11.3) == [0] * 5 + [1] * 2 + [2] * 4
    # the first line missing (read into the header above): the block still ends at the
    # row gap, though a line level with the next number could centre a block of its own
    assert centred_blocks(boxes[1:], middles, None, 1.5, 11.3) == [0] * 4 + [1] * 2 + [2] * 4


def test_the_end_of_a_row_the_page_broke_is_a_leading_block():
    boxes = pitch_lines(60.0, 3) + pitch_lines(100.0, 3)
    middles = [116.5]
    assert centred_blocks(boxes, middles, 110.0, 1.5, 11.3) == [-1] * 3 + [0] * 3
    assert centred_blocks(boxes, middles, None, 1.5, 11.3) == [0] * 6  # none on a later group


def test_a_table_below_rows_going_on_from_the_page_before_starts_with_a_row_of_its_own():
    # a centred first row whose number sits low in it: the lines above where its block
    # would start read as the end of a row the page before broke, unless the table is set
    # below rows going on from that page (its header printed after them)
    words = line(100, HEADER) + line(108, HEADER_WRAP)
    for top in (116, 124, 132, 148):
        words += line(top, {4: "descrizione"})
    words += line(140, {0: "1", 1: "RAGIONERIA", 2: "01.03.10", 4: "riga", 7: "31/12/2021"})
    page = Page(1, 600.0, 300.0, words)

    def rows(continued: bool) -> int:
        (table,) = page_to_text_tables(page, continued=continued)
        return max(c.row for c in table.cells)

    assert rows(continued=False) == 2  # a fragment, then row 1
    assert rows(continued=True) == 1


def test_a_table_at_the_foot_of_a_page_is_not_set_at_the_bottom_by_its_broken_last_row():
    # one tight group of centred rows whose last row the page cut under its number
    lines = {
        0: [tuple(line(t, {0: str(k + 1)})) for k, t in enumerate((120.0, 150.0))],
        4: [tuple(line(t, {4: "testo"})) for t in (105.0, 113.0, 121.0, 129.0, 137.0, 145.0)],
    }
    groups = [RowGroup(lines)]
    assert groups_to_alignment(groups, 0, SIZE) == ("bottom", True)
    assert groups_to_alignment(groups, 0, SIZE, open_end=True) == ("middle", True)


def test_a_broken_row_alone_at_a_pages_foot_gives_way_to_the_documents_alignment():
    # a browser sets the parts of a row it breaks at the top: the one row of a table
    # starting at a page's foot looks set at the top, whatever the table is
    lines = {
        0: [tuple(line(200.0, {0: "1"}))],
        4: [tuple(line(t, {4: "testo"})) for t in (200.0, 208.0, 216.0, 224.0)],
    }
    groups = [RowGroup(lines)]
    assert groups_to_alignment(groups, 0, SIZE) == ("top", True)
    assert groups_to_alignment(groups, 0, SIZE, open_end=True) == ("top", False)
    assert groups_to_alignment(groups, 0, SIZE, open_end=True, prior="middle") == (
        "middle",
        True,
    )


def test_a_first_line_set_below_the_headers_own_line_spacing_is_no_header():
    # the header's cells wrap a point apart; the first row's description starts three
    # points under them, above its number (centred cells), under a cell that wraps
    header = line(100, HEADER) + line(108, {**HEADER_WRAP, 4: "DEGLI OBIETTIVI"})
    body = line(118, {4: "Pubblicare e verificare"}) + line(126, {0: "1", 4: "in modo"})
    found = header_of(header + body)
    assert found is not None
    texts = {w.text for w in found.words}
    assert "OBIETTIVI" in texts and not texts & {"Pubblicare", "verificare"}


def test_a_row_without_a_number_between_centred_rows_is_centred_on_its_own_codes():
    # centred rows set so tight that they touch: the second prints no number; its
    # description lines must not go to the numbered rows either side
    rows = [
        (130.0, {0: "4", 2: "01.04.04", 7: "30/06/2021"}, 114.0, 5),
        (178.0, {2: "01.04.04", 7: "30/06/2022"}, 154.0, 7),
        (226.0, {0: "5", 2: "01.04.04", 7: "31/12/2021"}, 210.0, 5),
    ]
    words = line(100, HEADER)
    for k, (middle_top, short, desc_top, count) in enumerate(rows):
        words += line(middle_top, short)
        words += [w for n in range(count) for w in line(desc_top + 8 * n, {4: f"riga{k}"})]
    body = body_rows(words)
    assert [r[7] for r in body] == ["30/06/2021", "30/06/2022", "31/12/2021"]
    assert [r[4] for r in body] == [" ".join([f"riga{k}"] * c) for k, (*_, c) in enumerate(rows)]


def test_rows_going_on_from_the_page_before_end_at_a_header_with_no_rows_under_it():
    def row(top: float, number: str, text: str) -> list[Word]:
        cells = {0: number, 1: "TRIBUTI", 2: "01.04.04", 3: "IMU", 4: text, 7: "31/12/2021"}
        return line(top, cells)

    first = Page(1, 600.0, 300.0, line(40, HEADER) + row(60, "1", "Prima") + row(80, "2", "Due"))
    (previous,) = page_to_text_tables(first)
    # the next page goes on with two rows, then the next sector's title and header sit at
    # its foot, their rows on the page after
    words = row(40, "3", "Tre") + row(60, "4", "Quattro")
    words += line(84, {0: "PERSONALE"}) + line(96, HEADER) + line(104, HEADER_WRAP)
    page = Page(2, 600.0, 300.0, words)
    continued = page_to_continued_table(page, previous, float("inf"), set())
    assert continued is not None
    first_row = min(c.row for c in continued.cells)  # the header carried over
    texts = {w.text for c in continued.cells if c.row > first_row for w in c.words}
    assert {"Tre", "Quattro"} <= texts
    assert not texts & {"PERSONALE", "DESCRIZIONE", "obiettivo"}


def test_a_rows_line_set_flush_against_a_centred_header_is_no_header():
    # the description's header is centred (its text starts right of the column's edge); a
    # page that broke a row sets the row's next line right under it, no padding, flush
    # left as the lines below it are (their right ends ragged)
    def centred(top: float, texts: dict[int, str]) -> list[Word]:
        return [
            Word(w.text, w.x0 + 6, w.top, w.x1 + 6, w.bottom, True) if w.x0 >= COLUMNS[4] else w
            for w in line(top, texts)
        ]

    header = centred(100, HEADER) + centred(108, {4: "DEGLI"})
    body = line(116, {4: "presenze-assenze"}) + line(124, {4: "esclusivamente"})
    body += line(132, {4: "l'invio"}) + line(140, {0: "1", 4: "le comunicazioni"})
    found = header_of(header + body)
    assert found is not None
    texts = {w.text for w in found.words}
    assert "DEGLI" in texts and "presenze-assenze" not in texts


def test_a_page_opening_with_a_rows_end_then_a_row_without_a_number_parts_all_three():
    # the page goes on with the end of a row, then a row printed without a number, then a
    # numbered one, all centred and set so tight that they touch
    words = line(100, HEADER) + line(108, HEADER_WRAP)
    words += [w for t in (118.0, 126.0) for w in line(t, {4: "fine"})]
    words += line(142, {2: "01.04.04", 7: "30/06/2022"})
    words += [w for t in (134.0, 142.0, 150.0) for w in line(t, {3: "IMU", 4: "senza"})]
    words += line(174, {0: "5", 2: "01.04.05", 7: "31/12/2021"})
    words += [w for t in (158.0, 166.0, 174.0, 182.0, 190.0) for w in line(t, {4: "cinque"})]
    body = body_rows(words)
    assert [(r[0], r[2], r[4]) for r in body] == [
        ("", "", "fine fine"),
        ("", "01.04.04", "senza senza senza"),
        ("5", "01.04.05", "cinque cinque cinque cinque cinque"),
    ]
