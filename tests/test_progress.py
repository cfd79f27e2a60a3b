"""Progress: a bar on a terminal, one line per page on stdout in CI and pipes (stderr
keeps a failed run's one error line alone); the extract loop feeds it."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from pdf_factory import PageSpec, TableSpec, cells, plan_pdf

from pipeline.core.progress import progress_bar
from pipeline.extract.page import Page
from pipeline.extract.read.pages import pdf_progress
from pipeline.extract.stage import pdf_to_extraction

ROOT = Path(__file__).resolve().parent.parent


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


def test_off_a_terminal_each_item_done_is_one_line_and_stderr_stays_empty():
    stream, lines = io.StringIO(), io.StringIO()
    done = list(progress_bar(iter([1, 2, 3]), 3, "extract", stream=stream, lines=lines))
    assert done == [1, 2, 3]
    assert stream.getvalue() == ""
    assert lines.getvalue().splitlines() == [
        "extract: page 1/3",
        "extract: page 2/3",
        "extract: page 3/3",
    ]


def test_on_a_terminal_a_bar_shows_what_is_done_out_of_how_many():
    stream = Terminal()
    assert list(progress_bar(iter([1, 2, 3]), 3, "extract plan.pdf", stream=stream)) == [1, 2, 3]
    assert "extract plan.pdf:" in stream.getvalue()
    assert "0/3 [" in stream.getvalue()


def test_a_pdf_that_cannot_be_counted_is_left_to_the_read_to_report(tmp_path: Path):
    lines = io.StringIO()
    track = pdf_progress(tmp_path / "missing.pdf", "extract", io.StringIO(), lines)
    assert list(track(iter([]))) == []
    assert lines.getvalue() == ""


def test_extract_page_loop_goes_through_the_bar_page_by_page(tmp_path: Path):
    pdf = two_page_plan(tmp_path / "plan.pdf")
    stream = Terminal()
    track = pdf_progress(pdf, "extract plan.pdf", stream=stream)
    seen: list[int] = []

    def recording(pages: Iterable[Page]) -> Iterable[Page]:
        for page in track(pages):
            seen.append(page.number)
            yield page

    extraction = pdf_to_extraction(pdf, track=recording)
    assert seen == [1, 2]
    assert len(extraction.rows) == 2
    assert "0/2 [" in stream.getvalue()  # the bar knew the page count up front


def test_piped_extract_prints_a_line_per_page_on_stdout_and_only_its_summary_on_stderr(
    tmp_path: Path,
):
    pdf = two_page_plan(tmp_path / "plan.pdf")
    command = [sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(tmp_path / "o")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "extract plan.pdf: page 1/2",
        "extract plan.pdf: page 2/2",
    ]
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["piano extract"]
    quiet = subprocess.run(
        [*command, "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
