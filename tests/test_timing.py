"""Stage timings: steps charged exclusively, and `piano extract`'s chain naming each."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pdf_factory import PageSpec, TableSpec, cells, plan_pdf

from pipeline.chain import pdf_to_folder
from pipeline.core.timing import StageTimings


def test_a_nested_step_is_not_charged_to_the_step_around_it():
    timings = StageTimings()
    with timings.stage("outer"):
        time.sleep(0.02)
        with timings.stage("inner"):
            time.sleep(0.05)
    assert timings.seconds["inner"] >= 0.05
    assert 0.02 <= timings.seconds["outer"] < 0.05
    assert list(timings.seconds) == ["outer", "inner"]


def test_steps_of_worker_threads_keep_their_own_nesting():
    timings = StageTimings()

    def work() -> None:
        with timings.stage("ocr"):
            time.sleep(0.03)

    with timings.stage("rows"):
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    # the worker's step overlaps the calling thread's: both are charged in full
    assert timings.seconds["ocr"] >= 0.03
    assert timings.seconds["rows"] >= 0.03


def test_piano_extract_reports_every_step(tmp_path: Path):
    pdf = plan_pdf(
        tmp_path / "plan.pdf",
        [
            PageSpec(
                [
                    TableSpec(
                        [
                            cells(
                                "1",
                                "ISTRUZIONE",
                                "4.1.0",
                                "Scuole",
                                "Descrizione.",
                                "Indicatore",
                                "Risultato (Peso 100%)",
                                "31/12/2021",
                            )
                        ],
                        title="ISTRUZIONE",
                    )
                ],
                lines_above=["PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"],
            )
        ],
    )
    timings = StageTimings()
    pdf_to_folder(pdf, tmp_path / "out", timings=timings)
    assert {"read", "grid", "rows", "normalise", "correct", "validate", "write"} <= set(
        timings.seconds
    )
    assert (tmp_path / "out" / "objectives.parquet").exists()
