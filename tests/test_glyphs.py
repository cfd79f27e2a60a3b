"""Letters a PDF's text layer lost are read from the page: a line printed by reportlab and
re-distilled by Ghostscript, which drops the Unicode mapping of its accented letters,
reads as the original does, with a warning per mended word; a reading that does not
spell the rest of the word, or reads a lost glyph as a plain letter, is not taken."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from benchmarks.renderings.layout import register_font
from pipeline.extract.ocr.glyphs import page_to_mended_page, word_to_mended
from pipeline.extract.ocr.tesseract import OcrCache, OcrSettings
from pipeline.extract.page import LOST_GLYPH, Page
from pipeline.extract.read.pages import pdf_to_pages
from pipeline.extract.read.settings import ReadSettings
from pipeline.extract.stage import page_to_findings

LINES = [
    "Servizi della Università: qualità, più attività e più ricettività",
    "Il programma è in fase di verifica",
]


@pytest.fixture(scope="module")
def redistilled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A two-line page printed by reportlab, and its copy re-distilled by Ghostscript."""
    folder = tmp_path_factory.mktemp("glyphs")
    regular, _ = register_font("Liberation Serif")
    source = folder / "source.pdf"
    page = canvas.Canvas(str(source), pagesize=(400, 200))
    page.setFont(regular, 9)
    for k, line in enumerate(LINES):
        page.drawString(40, 150 - 20 * k, line)
    page.save()
    copy = folder / "gs.pdf"
    command = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite"]
    subprocess.run([*command, f"-sOutputFile={copy}", str(source)], check=True)
    return source, copy


def only_page(pdf: Path, engine: str = "pdfium") -> Page:
    (page,) = pdf_to_pages(pdf, ReadSettings(engine=engine))  # type: ignore[arg-type]
    return page


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_lost_letters_are_read_from_the_page_as_the_original_prints_them(
    redistilled: tuple[Path, Path], engine: str, tmp_path: Path
):
    source, copy = redistilled
    printed = [w.text for w in only_page(source, engine).words]
    damaged = only_page(copy, engine)
    lost = [w.text for w in damaged.words if LOST_GLYPH in w.text]
    assert len(lost) >= 6  # the copy really lost them: "Universit�:", "�", …
    mended = page_to_mended_page(damaged, OcrCache(tmp_path), OcrSettings())
    assert [w.text for w in mended.words] == printed
    assert mended.glyph_picture is None
    findings = [f for f in page_to_findings(mended) if f.rule == "unmapped_glyph_read"]
    assert [(f.raw_value, f.normalised_value) for f in findings] == [
        (a.text, b.text) for a, b in zip(damaged.words, mended.words, strict=True) if a != b
    ]
    assert {f.severity for f in findings} == {"warning"}


def test_a_page_whose_text_layer_lost_nothing_is_not_rendered(redistilled: tuple[Path, Path]):
    source, _ = redistilled
    assert only_page(source).glyph_picture is None


@pytest.mark.parametrize(
    ("word", "reading", "mended"),
    [
        ("attivit\ufffd", "attività", "attività"),
        ("at\ufffdvazione", "attivazione", "attivazione"),  # a "tti" ligature
        ("\ufffd", "è", "è"),
        ("attivit\ufffd", "attivita", None),  # a plain letter is what a font's map keeps
        ("\ufffd 90%", "> 90%", None),
        ("qualit\ufffd", "qualità.", None),  # one glyph prints one letter or a ligature
        ("attivit\ufffd", "attivitá", "attivitá"),
        ("attivit\ufffd", "attlvità", None),  # the mapped letters must read as printed
        ("tut\ufffd", "", None),
    ],
)
def test_a_reading_is_taken_only_where_it_spells_the_mapped_letters(word, reading, mended):
    assert word_to_mended(word, reading) == mended
