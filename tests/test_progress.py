"""Progress bars: shown on a terminal, silent in CI and pipes; the extract loop feeds them."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from pdf_factory import PageSpec, TableSpec, cells, plan_pdf

from pipeline.core.progress import progress_bar
from pipeline.extract.page import Page
from pipeline.extract.read.pages import pdf_progress
from pipeline.extract.stage import pdf_to_extraction


class Terminal(io.StringIO):
    """A stream that says it is a TTY, as stderr does in a person's shell."""

    def isatty(self) -> bool:
        return True


def two_page_plan(path: Path) -> Path:
    row = cells(
        "1",
        "ISTRUZIONE",
        "4.1.0",
        "Oggetto",
        "Descrizione.",
        "Indicatore",
        "Risultato (Peso 100%)",
        "31/12/2021",
    )
    title = "PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"
    return plan_pdf(
        path,
        [
            PageSpec([TableSpec([row], title="ISTRUZIONE")], [title]),
            PageSpec([TableSpec([row], title="TRIBUTI")]),
        ],
    )


def test_off_a_terminal_items_pass_through_and_nothing_is_written():
    stream = io.StringIO()
    assert list(progress_bar(iter([1, 2, 3]), 3, "extract", stream=stream)) == [1, 2, 3]
    assert stream.getvalue() == ""


def test_on_a_terminal_a_bar_shows_what_is_done_out_of_how_many():
    stream = Terminal()
    assert list(progress_bar(iter([1, 2, 3]), 3, "extract plan.pdf", stream=stream)) == [1, 2, 3]
    assert "extract plan.pdf:" in stream.getvalue()
    assert "0/3 [" in stream.getvalue()


def test_off_a_terminal_the_pdf_is_not_even_opened_to_count_pages(tmp_path: Path):
    assert pdf_progress(tmp_path / "missing.pdf", "extract", stream=io.StringIO()) is None


def test_extract_page_loop_goes_through_the_bar_page_by_page(tmp_path: Path):
    pdf = two_page_plan(tmp_path / "plan.pdf")
    stream = Terminal()
    track = pdf_progress(pdf, "extract plan.pdf", stream=stream)
    assert track is not None
    seen: list[int] = []

    def recording(pages: Iterable[Page]) -> Iterable[Page]:
        for page in track(pages):
            seen.append(page.number)
            yield page

    extraction = pdf_to_extraction(pdf, track=recording)
    assert seen == [1, 2]
    assert len(extraction.rows) == 2
    assert "0/2 [" in stream.getvalue()  # the bar knew the page count up front
