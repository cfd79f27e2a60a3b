"""Property-based tests of the text-level stages: rebuilding rows from a grid of cells
never loses or repeats a word, a cell read across pages reads as one cell, and the
normalisers take any text without crashing (a failure is a PianoError or a finding)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_factory import HEADER, WIDTHS

from pipeline.core.contract import OBJECTIVE_FIELDS, STATUSES
from pipeline.core.errors import PianoError
from pipeline.extract.document import lines_to_document_info
from pipeline.extract.grid.model import boxes_to_table
from pipeline.extract.header import cells_to_header
from pipeline.extract.lines import Line, lines_to_text
from pipeline.extract.page import Page, Word
from pipeline.extract.rows import CellPart, parts_to_text, tables_to_plan
from pipeline.normalise.registry import label_to_key, load_registry, title_to_match
from pipeline.normalise.relevance import label_to_is_total, value_text_to_percent
from pipeline.normalise.stage import normalise_plan
from pipeline.normalise.status import texts_to_status
from pipeline.normalise.targets import objective_to_targets, text_to_threshold

PAD, LEADING, HEIGHT, CHAR_WIDTH, SPACE = 3.0, 9.0, 7.0, 3.5, 2.0
# no vowels, n, r, t, g: no token can name a header field ("n.", "tempi", "target")
TOKEN = st.text(alphabet="bcfhjkqwxyz0123456789.,;:%()/", min_size=1, max_size=8)
# blank cells are common: a row broken by a page prints its n., DUP and deadline once
CELL: st.SearchStrategy[list[str]] = st.one_of(st.just([]), st.lists(TOKEN, min_size=1, max_size=7))
ROW = st.lists(CELL, min_size=len(HEADER), max_size=len(HEADER))
PAGE = st.tuples(st.booleans(), st.lists(ROW, min_size=1, max_size=4))  # header?, rows
ANY_TEXT = st.text(max_size=60)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cell_to_words(tokens: list[str], x0: float, x1: float, top: float) -> tuple[list[Word], float]:
    """Set tokens left to right in a cell, wrapping at its right edge; return the words
    and the cell's bottom."""
    words: list[Word] = []
    x, y = x0 + PAD, top + PAD
    for token in tokens:
        width = min(CHAR_WIDTH * len(token), x1 - x0 - 2 * PAD)
        if x + width > x1 - PAD and x > x0 + PAD:
            x, y = x0 + PAD, y + LEADING
        words.append(Word(token, x, y, x + width, y + HEIGHT, space_after=True))
        x += width + SPACE
    return words, y + HEIGHT + PAD


def grid_to_page(
    number: int, rows: list[list[list[str]]], header: bool
) -> tuple[Page, list[tuple[float, float, float, float]]]:
    """Given a page number, rows of cells (tokens per cell) and whether the plan header
    heads them, return the page with its words and the cell boxes row by row."""
    xs = [30.0]
    for width in WIDTHS:
        xs.append(xs[-1] + width)
    printed = ([[h.split() for h in HEADER]] if header else []) + rows
    words: list[Word] = []
    boxes = []
    top = 40.0
    for row in printed:
        laid = [cell_to_words(tokens, xs[c], xs[c + 1], top) for c, tokens in enumerate(row)]
        bottom = max(b for _, b in laid)
        for c, (cell_words, _) in enumerate(laid):
            words += cell_words
            boxes.append((xs[c], top, xs[c + 1], bottom))
        top = bottom
    return Page(number, 842.0, max(top + 40.0, 595.0), words=words), boxes


@PROPERTY
@given(PAGE)
def test_every_word_of_a_grid_lands_in_exactly_one_cell(page_spec):
    header, rows = page_spec
    page, boxes = grid_to_page(1, rows, header)
    table = boxes_to_table(boxes, page, "ruled")
    assert Counter(w for c in table.cells for w in c.words) == Counter(page.words)
    assert table.n_rows == len(rows) + header
    for cell, box in zip(sorted(table.cells, key=lambda c: (c.top, c.x0)), boxes, strict=True):
        assert (cell.x0, cell.top) == box[:2]


@PROPERTY
@given(st.lists(PAGE, min_size=1, max_size=3))
def test_rebuilt_rows_hold_every_word_of_the_pages_once(pages):
    pages[0] = (True, pages[0][1])  # the first table must name its columns
    read = []
    for number, (header, rows) in enumerate(pages, start=1):
        page, boxes = grid_to_page(number, rows, header)
        read.append((page, [boxes_to_table(boxes, page, "ruled")]))
    plan = tables_to_plan(read, "piano.pdf")
    printed = Counter(t for _, rows in pages for row in rows for cell in row for t in cell)
    rebuilt = Counter(
        t for row in plan.rows for name in OBJECTIVE_FIELDS for t in row.text(name).split()
    )
    assert rebuilt == printed


# hyphens, weights closing an item and dates alone exercise every way lines are joined
WORD_TEXT = st.one_of(
    st.text(alphabet="abcXYZ-'.1", min_size=1, max_size=6),
    st.sampled_from(["-", "(Peso", "50%)", "(60%).", "31/12/2021"]),
)
WORD = st.builds(
    lambda text, x0, width, top, height, space: Word(
        text, x0, top, x0 + width, top + height, space
    ),
    WORD_TEXT,
    st.floats(0, 400),
    st.floats(1, 80),
    st.floats(0, 700),
    st.floats(4, 12),
    st.booleans(),
)
LINE = st.builds(Line, st.lists(WORD, min_size=1, max_size=6).map(tuple), st.floats(50, 600))


@PROPERTY
@given(st.lists(LINE, max_size=8), st.lists(st.integers(0, 8), max_size=4))
def test_cell_read_in_parts_reads_as_the_whole_cell(lines, cuts):
    # the parts of a cell broken by pages keep only their text and line ends; joined,
    # they must read as the lines read together
    bounds = [0, *sorted(c for c in set(cuts) if c <= len(lines)), len(lines)]
    parts = [
        CellPart.from_lines(k + 1, 0.0, 0.0, 600.0, 10.0, lines[a:b])
        for k, (a, b) in enumerate(pairwise(bounds))
    ]
    assert parts_to_text(parts) == lines_to_text(lines)


REGISTRY = load_registry()


@PROPERTY
@given(ANY_TEXT)
def test_label_parsers_take_any_text(text):
    key, findings = label_to_key(text, REGISTRY, "sector")
    assert key is not None or findings
    assert title_to_match(text, REGISTRY).raw == text
    percent = value_text_to_percent(text)
    assert percent is None or percent >= 0
    assert label_to_is_total(text) in (True, False)
    found = cells_to_header(dict(enumerate(text.split("|"))))
    assert found is None or found.fields
    lines_to_document_info(text.splitlines())


@PROPERTY
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT, ANY_TEXT, st.one_of(st.none(), st.integers(1990, 2100)))
def test_status_and_target_parsers_take_any_text(description, indicator, result, deadline, year):
    assert texts_to_status(description, indicator, result, deadline, year).status in STATUSES
    targets, _ = objective_to_targets(description, indicator, result)
    assert all(t.text for t in targets)
    text_to_threshold(result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(*[ANY_TEXT] * len(OBJECTIVE_FIELDS)), min_size=1, max_size=4))
def test_normalise_plan_takes_any_cell_text(cells):
    rows = pd.DataFrame([dict(zip(OBJECTIVE_FIELDS, texts, strict=True)) for texts in cells])
    rows.insert(0, "block", 1)
    rows.insert(1, "seq", range(1, len(rows) + 1))
    rows.insert(2, "block_title", pd.array(["ISTRUZIONE"] * len(rows), dtype="string"))
    rows.insert(3, "page_first", 1)
    rows.insert(4, "page_last", 1)
    relevance = pd.DataFrame(columns=["label_raw", "value_raw", "page"])
    try:
        plan = normalise_plan(rows, relevance, "2021-11", 2021)
    except PianoError:
        return
    assert len(plan.objectives) == len(rows)
    assert set(plan.objectives["status"]) <= set(STATUSES)
