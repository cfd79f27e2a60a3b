"""The whole of `piano extract` in one process: extract, normalise, correct, validate and
write, all or nothing."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.folders import tables_to_folder
from pipeline.core.timing import StageTimings
from pipeline.correct.files import correct_tables
from pipeline.extract.read.pages import PageTrack
from pipeline.extract.stage import ExtractSettings, extraction_to_tables, pdf_to_extraction
from pipeline.normalise.stage import NormaliseSettings, extraction_to_outputs
from pipeline.validate.stage import validate_outputs


def pdf_to_folder(
    source: Path,
    out: Path,
    extract: ExtractSettings | None = None,
    normalise: NormaliseSettings | None = None,
    revision: str | None = None,
    corrections_dir: Path | None = None,
    track: PageTrack | None = None,
    timings: StageTimings | None = None,
) -> None:
    """Given a plan PDF and an output folder, run what `piano extract` runs: extract,
    normalise, correct (with `corrections_dir`, if given), validate and write, all or
    nothing. `timings`, if given, gets the seconds of each step: read, grid, rows (see
    `pdf_to_extraction`), normalise, correct, validate, write."""
    timings = timings if timings is not None else StageTimings()
    extraction = pdf_to_extraction(source, extract, track=track, timings=timings)
    with timings.stage("normalise"):
        tables, document = extraction_to_outputs(
            *extraction_to_tables(extraction), revision, normalise or NormaliseSettings()
        )
    with timings.stage("correct"):
        tables, document = correct_tables(tables, document, corrections_dir)
    with timings.stage("validate"):
        validate_outputs(tables, extraction.source)
    with timings.stage("write"):
        tables_to_folder(tables, document, out)
