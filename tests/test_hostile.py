"""Hostile and damaged inputs (tests/hostile_corpus.py builds them): each is refused with
one line and its own exit code, or read with a finding, within a guard against hangs,
and leaves the output folder of an earlier good run byte for byte as it was."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pandas as pd
import pytest
from hostile_corpus import (
    alias_bomb_yaml,
    damaged_stream_plan,
    formula_plan,
    huge_page_plan,
    huge_scan_pdf,
    image_bomb_pdf,
    long_cell_plan,
    many_pages_pdf,
    many_words_pdf,
    raw_pdf,
)
from input_corpus import good_plan

from pipeline.cli import main
from pipeline.core.errors import LINE_CHARS, PianoError
from pipeline.extract.ocr.tesseract import OcrCache, OcrSettings, OcrWord
from pipeline.extract.read.limits import content_to_damage
from pipeline.extract.stage import ocr_cache_to_findings
from pipeline.score.files import read_achievements_csv

ROOT = Path(__file__).resolve().parent.parent
GUARD_SECONDS = 120


class Hang(Exception):
    """A run took longer than the guard allows."""


@pytest.fixture(autouse=True)
def guard() -> Iterator[None]:
    """Fail a test that runs longer than GUARD_SECONDS instead of hanging the suite."""

    def fail(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"more than {GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def folder_hashes(folder: Path) -> dict[str, str]:
    """Given a folder, return the SHA-256 of every file in it (hidden ones too) by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of a good run, made once for the module."""
    folder = tmp_path_factory.mktemp("good")
    out = folder / "out"
    assert main(["extract", str(good_plan(folder / "piano.pdf")), "--out", str(out)]) == 0
    return out


@pytest.fixture
def previous_output(tmp_path: Path, good_output: Path) -> Path:
    """A copy of the good run's output folder that a refused run must leave as it is."""
    out = tmp_path / "previous" / "out"
    shutil.copytree(good_output, out)
    return out


def one_error_line(err: str) -> str:
    """Given what piano printed on stderr, return its one line, checking it is one line
    of at most LINE_CHARS characters besides the file and no traceback."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err[:2000]
    assert lines[0].startswith("piano: error: ")
    return lines[0]


def refused(
    args: list[str], capsys: pytest.CaptureFixture[str], exit_code: int, folder: Path | None
) -> str:
    """Run piano with args, check it exits with `exit_code` and one line and leaves
    `folder` (if given) as it was; return the line."""
    before = folder_hashes(folder) if folder else None
    code = main(args)
    line = one_error_line(capsys.readouterr().err)
    assert code == exit_code, line
    if folder is not None:
        assert folder_hashes(folder) == before
    return line


def refused_extract(
    pdf: Path, out: Path, capsys: pytest.CaptureFixture[str], exit_code: int
) -> str:
    """Run `piano extract PDF --out OUT`, check it is refused with `exit_code` and one
    line, leaving OUT as it was; return the line."""
    return refused(["extract", str(pdf), "--out", str(out)], capsys, exit_code, out)


def test_a_huge_scanned_page_is_refused_before_it_is_rendered(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = huge_scan_pdf(tmp_path / "enorme.pdf")
    assert pdf.stat().st_size < 1000
    line = refused(
        ["extract", str(pdf), "--out", str(previous_output)], capsys, 17, previous_output
    )
    assert line.startswith("piano: error: enorme.pdf, page 1: rendering the scanned page")
    assert "30,000 × 30,000 pixels" in line and "extract.read.max_page_pixels" in line


def test_two_huge_scanned_pages_stop_at_the_first(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = huge_scan_pdf(tmp_path / "enormi.pdf", pages=2)
    line = refused(
        ["extract", str(pdf), "--out", str(previous_output)], capsys, 17, previous_output
    )
    assert "enormi.pdf, page 1:" in line


def test_a_picture_that_decodes_to_too_many_pixels_is_refused_before_it_is_decoded(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = image_bomb_pdf(tmp_path / "bomba.pdf", side_px=20_000)
    assert pdf.stat().st_size < 200_000
    line = refused(
        ["extract", str(pdf), "--out", str(previous_output)], capsys, 18, previous_output
    )
    assert "bomba.pdf, page 1: a picture on the page is 20,000 × 20,000 pixels" in line


def test_a_page_of_fifty_thousand_words_is_refused_before_it_is_read(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = many_words_pdf(tmp_path / "parole.pdf", 50_000)
    line = refused(
        ["extract", str(pdf), "--out", str(previous_output)], capsys, 19, previous_output
    )
    assert "parole.pdf, page 1: the page holds 50,000 words" in line


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_too_many_pages_are_refused_before_any_is_read(
    engine: str, tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pages, limit = (5_001, "") if engine == "pdfium" else (11, "\n    max_pages: 10")
    pdf = many_pages_pdf(tmp_path / "pagine.pdf", pages)
    params = tmp_path / "params.yaml"
    params.write_text(f"extract:\n  read:\n    engine: {engine}{limit}\n", encoding="utf-8")
    args = ["extract", str(pdf), "--out", str(previous_output), "--params", str(params)]
    line = refused(args, capsys, 20, previous_output)
    assert f"pagine.pdf: the PDF has {pages:,} pages, more than extract.read.max_pages" in line


@pytest.mark.parametrize("in_header", [True, False], ids=["header", "description"])
def test_a_huge_cell_is_refused_in_one_short_line(
    in_header: bool, tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = long_cell_plan(tmp_path / "cella.pdf", 25_000, in_header=in_header)
    line = refused(
        ["extract", str(pdf), "--out", str(previous_output)], capsys, 21, previous_output
    )
    assert "cella.pdf, page 1: a table cell holds" in line and "extract.max_cell_chars" in line
    assert len(line) <= len("piano: error: ") + len("cella.pdf") + LINE_CHARS


def test_a_damaged_content_stream_stops_the_run_naming_the_page(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = damaged_stream_plan(tmp_path / "danneggiato.pdf", page=2)
    line = refused_extract(pdf, previous_output, capsys, 2)
    assert line.startswith("piano: error: danneggiato.pdf, page 2: cannot read the page: ")
    assert "on_unreadable_page: skip" in line


def test_skip_reads_the_other_pages_and_reports_the_unreadable_one(tmp_path: Path):
    pdf = damaged_stream_plan(tmp_path / "danneggiato.pdf", page=2)
    params = tmp_path / "params.yaml"
    params.write_text("extract:\n  on_unreadable_page: skip\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(pdf), "--out", str(out), "--params", str(params)]) == 0
    document = json.loads((out / "document.json").read_text(encoding="utf-8"))
    assert document["unreadable_pages"] == [2] and document["pages"] == 2
    quality = pd.read_parquet(out / "quality.parquet")
    skipped = quality[quality["rule"] == "page_unreadable"]
    assert skipped["severity"].tolist() == ["error"]
    assert len(pd.read_parquet(out / "objectives.parquet")) == 2  # page 1's objectives


def test_garbage_in_an_unfiltered_content_stream_is_damage_and_operators_are_not():
    assert content_to_damage(b"BT /F1 7 Tf 1 0 0 1 20 30 Tm (a (b) c) Tj [(x) 5 (y)] TJ ET") is None
    assert content_to_damage(b"q 1 0 0 1 0 0 cm BI /W 2 /H 1 ID \x00\xff EI Q") is None
    damage = content_to_damage(b"BT (ok) Tj \xff\xfe\x00garbage ET")
    assert damage is not None and "byte 11" in damage


def test_an_unfiltered_damaged_page_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = raw_pdf(tmp_path / "rotto.pdf", [(595.0, 842.0, b"BT (a) Tj \xff\xff\xffzz ET", {})])
    line = refused(["extract", str(pdf), "--out", str(tmp_path / "out")], capsys, 2, None)
    assert "rotto.pdf, page 1: cannot read the page: its content stream is damaged" in line


def test_review_of_a_plan_on_a_huge_page_renders_only_its_crops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = huge_page_plan(tmp_path / "grande.pdf")
    extracted = tmp_path / "extracted"
    assert main(["extract", str(pdf), "--out", str(extracted / "grande")]) == 0
    report = tmp_path / "report"
    args = ["review", "grande", "--out", str(report), "--extracted-root", str(extracted)]
    assert main([*args, "--source", str(pdf)]) == 0
    crops = sorted(report.glob("*.png"))
    assert crops
    from PIL import Image

    for crop in crops:
        with Image.open(crop) as image:
            assert image.width * image.height < 2_000_000  # not 28,800² pixels
    params = tmp_path / "params.yaml"
    params.write_text("review:\n  max_crop_pixels: 1000\n", encoding="utf-8")
    line = refused([*args, "--source", str(pdf), "--params", str(params)], capsys, 17, report)
    assert "grande.pdf, page 1: rendering the page's crops" in line


def test_formula_like_cells_are_quoted_in_the_template_and_read_back_as_they_were(
    tmp_path: Path,
):
    pdf = formula_plan(tmp_path / "formule.pdf")
    extracted = tmp_path / "extracted"
    assert main(["extract", str(pdf), "--out", str(extracted / "formule")]) == 0
    template = tmp_path / "modello.csv"
    args = ["score", "template", "formule", "--out", str(template)]
    assert main([*args, "--extracted-root", str(extracted)]) == 0
    with template.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    subjects = [row["subject"] for row in rows]
    assert subjects and all(not s.startswith(("=", "+", "-", "@")) for s in subjects)
    assert "'=1+1 oggetto" in subjects and "'@SOMMA(A1) oggetto" in subjects
    objectives = pd.read_parquet(extracted / "formule" / "objectives.parquet")
    read = read_achievements_csv(template)
    assert set(read["subject"]) == set(objectives["subject"])


def test_a_yaml_alias_bomb_in_a_corrections_file_is_refused_in_one_line(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    corrections = tmp_path / "corrections"
    corrections.mkdir()
    bomb = alias_bomb_yaml(corrections / "2021-11.yaml")
    assert bomb.stat().st_size < 1000
    pdf = good_plan(tmp_path / "piano.pdf")
    args = ["extract", str(pdf), "--out", str(previous_output)]
    line = refused([*args, "--corrections-dir", str(corrections)], capsys, 6, previous_output)
    assert "2021-11.yaml, line" in line and "more than 100 aliases" in line


def test_a_revision_that_is_a_path_is_refused_by_stage_normalise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    pdf = good_plan(tmp_path / "piano.pdf")
    stage = tmp_path / "extract"
    assert main(["stage", "extract", str(pdf), "--out", str(stage)]) == 0
    args = ["stage", "normalise", str(stage), "--out", str(tmp_path / "n"), "--revision"]
    line = refused([*args, "../../x"], capsys, 2, None)
    assert "--revision must read YYYY-MM" in line
    assert not (tmp_path / "n").exists()


def test_plan_names_and_revisions_that_are_paths_never_reach_outside_their_folder(
    tmp_path: Path, good_output: Path, capsys: pytest.CaptureFixture[str]
):
    extracted = tmp_path / "extracted"
    shutil.copytree(good_output, extracted / "piano")
    corrections = tmp_path / "corrections"
    corrections.mkdir()
    add = ["corrections", "add", "../piano", "01.01", "subject", "Nuovo", "--reason", "r"]
    folders = ["--by", "b", "--corrections-dir", str(corrections)]
    folders += ["--extracted-root", str(extracted)]
    assert "a plan name is a folder's name" in refused([*add, *folders], capsys, 2, None)
    achievements = ["--achievements", str(tmp_path / "a.csv")]
    for command in (
        ["review", "../x", "--out", str(tmp_path / "r")],
        ["score", "../x", *achievements],
    ):
        line = refused([*command, "--extracted-root", str(extracted)], capsys, 2, None)
        assert "never a path" in line
    document = json.loads((extracted / "piano" / "document.json").read_text(encoding="utf-8"))
    document["revision"] = "../../fuori"
    (extracted / "piano" / "document.json").write_text(json.dumps(document), encoding="utf-8")
    add[2] = "piano"
    line = refused([*add, *folders], capsys, 6, None)
    assert "a plan revision reads YYYY-MM" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corrections", "extracted"]
    assert not list(corrections.iterdir())


def test_a_bad_ocr_cache_entry_is_read_again_with_a_warning(tmp_path: Path):
    cache = OcrCache(tmp_path / "cache")
    settings = OcrSettings()
    key = cache.key("picture", {"psm": 6}, settings)
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_text('{"parole": []}', encoding="utf-8")
    word = OcrWord("Ragioneria", 1, 2, 3, 4, 95.0)
    cache._checked = True  # Tesseract is not asked for: the reading is made here
    assert cache.read("picture", {"psm": 6}, settings, lambda: [word]) == [word]
    ((path, why),) = cache.bad_entries
    assert path == cache.path(key) and "KeyError" in why
    assert OcrCache(tmp_path / "cache").get(key) == [word]  # written anew
    (finding,) = ocr_cache_to_findings(cache)
    assert finding.severity == "warning" and finding.rule == "ocr_cache_entry_unreadable"


@pytest.mark.parametrize(
    "command",
    [
        ["extract", "PDF", "--out", "OUT"],
        ["stage", "extract", "PDF", "--out", "OUT"],
        ["stage", "normalise", "OUT", "--out", "OUT2"],
        ["score", "plan", "--achievements", "A.csv"],
        ["diff", "OUT", "OUT", "--out", "OUT2"],
        ["review", "plan", "--out", "OUT2"],
    ],
)
def test_a_params_file_that_is_not_utf8_is_a_settings_error_in_every_command(
    command: list[str], tmp_path: Path, good_output: Path, capsys: pytest.CaptureFixture[str]
):
    params = tmp_path / "params.yaml"
    params.write_bytes(b"extract:\n  read:\n    engine: pdf\xe9um\n")
    names = {"PDF": str(good_plan(tmp_path / "piano.pdf")), "OUT": str(good_output)}
    names |= {"OUT2": str(tmp_path / "out2"), "A.csv": str(tmp_path / "a.csv")}
    args = [names.get(a, a) for a in command] + ["--params", str(params)]
    if command[0] in ("score", "review"):
        args += ["--extracted-root", str(good_output.parent)]
    line = refused(args, capsys, 11, None)
    assert "params.yaml: not UTF-8 text" in line


def test_an_error_line_is_cut_to_its_limit_with_its_value():
    error = PianoError("x" * 100_000, file="plan.pdf", page=3, value="v" * 100_000)
    line = error.one_line()
    assert line.startswith("plan.pdf, page 3: xxx") and len(line) <= len("plan.pdf, ") + 300
    assert "\n" not in line


def test_a_command_line_run_on_a_hostile_file_prints_no_traceback(tmp_path: Path):
    pdf = huge_scan_pdf(tmp_path / "enorme.pdf", pages=2)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        env=env,
        timeout=GUARD_SECONDS,
    )
    assert result.returncode == 17
    assert one_error_line(result.stderr).startswith("piano: error: enorme.pdf, page 1:")


def test_a_diff_memo_reads_missing_target_texts_of_any_kind_as_empty():
    from pipeline.diff.report import text_to_markdown, words_to_markdown_diff

    for missing in (None, float("nan"), pd.NA):
        assert text_to_markdown(missing) == "—"
        assert words_to_markdown_diff(missing, "nuovo testo") == "**nuovo testo**"
        assert words_to_markdown_diff("vecchio", missing) == "~~vecchio~~"


def test_a_content_stream_that_inflates_past_its_limit_or_not_at_all_is_damage():
    import zlib

    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    from pipeline.extract.read.limits import MAX_CONTENT_BYTES, stream_problem

    def deflated(data: bytes) -> PDFStream:
        return PDFStream({"Filter": LIT("FlateDecode"), "Length": len(data)}, data)

    bomb = zlib.compress(b" " * (MAX_CONTENT_BYTES + 1), 9)
    assert len(bomb) < MAX_CONTENT_BYTES // 500
    assert "inflates to more than 64 MiB" in str(stream_problem(deflated(bomb)))
    page = zlib.compress(b"BT /F1 7 Tf (Oggetto) Tj ET" * 100)
    assert stream_problem(deflated(page)) is None
    broken = page[:20] + bytes(255 - b for b in page[20:40]) + page[40:]
    assert "cannot be inflated" in str(stream_problem(deflated(broken)))
