"""A ruled table the page cut open: its rows come back whole, the words across the cut
included."""

from pipeline.extract.grid.ruled import page_to_ruled_tables
from pipeline.extract.page import Page, Ruling, Word

# three columns, ruled at their sides and under each of two rows; no rule on top: the
# page cut the table there, in the middle of a row
XS = (40.0, 120.0, 300.0, 500.0)
TOP, MIDDLE, BOTTOM = 68.0, 140.0, 220.0


def cut_page(words: list[Word]) -> Page:
    rulings = [Ruling(x, TOP, x, BOTTOM) for x in XS]
    rulings += [Ruling(XS[0], y, XS[-1], y) for y in (MIDDLE, BOTTOM)]
    return Page(1, 842.0, 595.0, words, rulings)


def test_a_word_printed_across_the_cut_goes_in_the_first_row():
    across = Word("LAVORI", 50.0, 62.0, 80.0, 72.0)  # its centre above the table's top
    inside = [Word("SERVIZI", 50.0, 90.0, 85.0, 98.5), Word("Testo", 130.0, 90.0, 160.0, 98.5)]
    below = Word("Altro", 130.0, 160.0, 160.0, 168.5)
    away = Word("Pagina", 50.0, 20.0, 90.0, 28.5)  # a line above, not across the cut
    (table,) = page_to_ruled_tables(cut_page([across, *inside, below, away]))
    first = table.row_cells(0)
    assert [w.text for w in first[0].words] == ["LAVORI", "SERVIZI"]
    assert [w.text for w in first[1].words] == ["Testo"]
    assert [w.text for w in table.row_cells(1)[1].words] == ["Altro"]
    assert all(w.text != "Pagina" for c in table.cells for w in c.words)


def test_a_table_closed_by_its_rules_keeps_only_the_words_inside():
    page = cut_page([Word("Fuori", 50.0, 62.0, 80.0, 72.0)])
    page.rulings.append(Ruling(XS[0], TOP, XS[-1], TOP))
    (table,) = page_to_ruled_tables(page)
    assert all(not c.words for c in table.cells)
