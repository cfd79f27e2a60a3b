"""The two PDF readers (`extract: read: engine`) give the same page model: PDFium's
characters and paths rebuilt as pdfminer's, so every grid finder and cell rule reads
the same words, space flags and rulings whichever reads the file."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pdf_factory import PageSpec, TableSpec, cells, plan_pdf
from reportlab.pdfgen import canvas

from pipeline.core.errors import SettingsError
from pipeline.extract.read.chars import word_text
from pipeline.extract.read.pages import pdf_to_pages
from pipeline.extract.read.settings import ReadSettings

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("pdfium", "pdfplumber")


def pages_by(engine: str, pdf: Path) -> list:
    return list(pdf_to_pages(pdf, ReadSettings(engine=engine)))


@pytest.mark.parametrize("name", ["desenzano-2021-11", "desenzano-2021-11-borderless"])
def test_pdfium_reads_the_same_words_and_rulings_as_pdfplumber(name: str):
    pdf = ROOT / "sources" / f"{name}.pdf"
    for fast, slow in zip(pages_by("pdfium", pdf), pages_by("pdfplumber", pdf), strict=True):
        assert [(w.text, w.space_after) for w in fast.words] == [
            (w.text, w.space_after) for w in slow.words
        ]
        assert (
            max(
                (
                    abs(a.x0 - b.x0) + abs(a.top - b.top) + abs(a.bottom - b.bottom)
                    for a, b in zip(fast.words, slow.words, strict=True)
                ),
                default=0,
            )
            < 0.6
        )
        assert len(fast.rulings) == len(slow.rulings)
        assert (fast.width, fast.height, fast.kind) == pytest.approx(
            (slow.width, slow.height, slow.kind)
        )


def test_a_line_end_hyphen_keeps_the_space_the_text_layer_has(tmp_path: Path):
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
                                "evasione- |elusione",
                                "evasione-|elusione",
                                "Fatto",
                                "31/12/2021",
                            )
                        ]
                    )
                ]
            )
        ],
    )
    for engine in ("pdfium", "pdfplumber"):
        words = {
            (w.text, w.x0 > 500): w.space_after
            for w in pages_by(engine, pdf)[0].words
            if w.text == "evasione-"
        }
        assert words == {("evasione-", False): True, ("evasione-", True): False}, engine


def test_a_scanned_page_is_read_by_pdfplumber_whatever_the_engine():
    pages = pages_by("pdfium", ROOT / "sources" / "desenzano-2021-11-scan.pdf")
    assert {p.kind for p in pages} != {"vector"}
    assert all(p.image is not None for p in pages if p.kind != "vector")


def test_an_unknown_engine_is_refused():
    with pytest.raises(SettingsError, match="must be one of pdfium, pdfplumber") as raised:
        ReadSettings(engine="tesseract")
    assert raised.value.field == "engine"


def test_ligatures_are_spelt_out_and_letters_shifted_into_a_high_byte_put_back():
    assert word_text("\ufb01ne") == "fine"
    # Ghostscript's ToUnicode for Chromium's "ti" ligature: each letter in a high byte
    assert word_text("Is\u7400\u6900tuire") == "Istituire"
    assert word_text("\u6600ormazione") == "formazione"
    # an ideograph among no Latin letter is text, not a shifted letter
    assert word_text("\u7400\u6900") == "\u7400\u6900"
    assert word_text("città") == "città"


def test_a_letter_of_another_script_in_a_latin_word_is_a_lost_glyph():
    # Ghostscript maps a ligature it cannot name to a Hangul syllable
    assert word_text("af\ucf00dato") == "af\ufffddato"
    assert word_text("\ucf00\ucf01") == "\ucf00\ucf01"  # a word of that script is text
    assert word_text("Nguyễn") == "Nguyễn"  # Latin Extended Additional


def test_surrogates_are_paired_and_a_lone_one_is_replaced():
    assert word_text("x\ud835\udc00y") == "x\U0001d400y"
    assert word_text("Is\udd00x") == "Is\ufffdx"
    assert word_text("Is\udd00x").encode("utf-8") == b"Is\xef\xbf\xbdx"


def test_a_glyph_mapped_to_no_letter_reads_the_same_with_both_readers():
    # pdfminer's marker and PDFium's control character for one unmapped "à"
    assert word_text("Universit(cid:1)") == word_text("Universit\x01") == "Universit\ufffd"


def damaged_map_pdf(path: Path) -> Path:
    """A line in an embedded TrueType subset whose ToUnicode map has lost three entries
    as re-distilling leaves them: code 9 (a glyph of "à") with no entry, code 3 mapped to
    U+0000, code 2 (a "ti" ligature) mapped to "t" and a lone surrogate."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    page = canvas.Canvas(str(path))
    page.setFont("DejaVu", 12)
    page.drawString(72, 700, "Universita della citta per l'attivazione")
    page.save()
    with pikepdf.open(path, allow_overwriting_input=True) as document:
        content = document.pages[0].Contents
        text = content.read_bytes()
        for printed, code in ((b"Universita", b"Universit\\011"), (b"citta", b"citt\\003")):
            text = text.replace(printed, code)
        content.write(text.replace(b"attivazione", b"at\\002vazione"))
        (font,) = [f for f in document.pages[0].Resources.Font.values() if "/ToUnicode" in f]
        cmap = font.ToUnicode.read_bytes().replace(b"<09> <0000>\n", b"")
        font.ToUnicode.write(cmap.replace(b"<02> <0000>", b"<02> <7400DD00>"))
        document.save(path)
    return path


def test_a_glyph_its_font_maps_badly_is_a_lost_glyph_with_both_readers(tmp_path: Path):
    pdf = damaged_map_pdf(tmp_path / "damaged.pdf")
    words = {engine: [w.text for w in pages_by(engine, pdf)[0].words] for engine in ENGINES}
    # PDFium gives the code of a glyph mapped to nothing (a tab here) or U+0000, pdfminer
    # drops a lone surrogate: each is a lost letter, to be read from the page, not a gap
    assert words["pdfium"] == words["pdfplumber"]
    assert words["pdfium"] == ["Universit\ufffd", "della", "citt\ufffd", "per", "l'at\ufffdvazione"]


def test_a_cell_with_a_letter_the_pdf_does_not_map_is_a_warning_naming_it():
    from pipeline.extract.rows import CellPart, LogicalRow, rows_to_unmapped_findings

    damaged = CellPart(3, 0, 0, 10, 10, word_text("Universit(cid:1) del Garda"), None, None)
    clean = CellPart(3, 0, 0, 10, 10, "Biblioteca", None, None)
    rows = [
        LogicalRow(block=2, block_title=None, cells={"subject": [clean]}),
        LogicalRow(block=2, block_title=None, cells={"subject": [damaged], "indicator": [clean]}),
    ]
    (finding,) = rows_to_unmapped_findings(rows)
    assert (finding.rule, finding.severity, finding.field) == (
        "unmapped_glyph",
        "warning",
        "subject",
    )
    assert (finding.objective_id, finding.page) == ("02.02", 3)
    assert finding.raw_value == "Universit\ufffd del Garda"


def test_lines_of_a_row_of_centred_cells_are_not_chained_together(tmp_path: Path):
    # each cell's lines sit a little lower than the last cell's, as centred cells do: a
    # chain of tops 2.5 pt apart runs from one line of the first cell to the next
    path = tmp_path / "centred.pdf"
    page = canvas.Canvas(str(path), pagesize=(600, 300))
    page.setFont("Helvetica", 8.5)
    page.drawString(40, 200, "Servizio di")
    page.drawString(40, 189.8, "autocontrollo")
    for k, text in enumerate(["ISTRUZIONE", "4.6.0", "Predisposizione"]):
        page.drawString(150 + 100 * k, 197.5 - 2.5 * k, text)
    page.save()
    for engine in ("pdfium", "pdfplumber"):
        words = {w.text for w in pages_by(engine, path)[0].words}
        assert words == {
            "Servizio",
            "di",
            "autocontrollo",
            "ISTRUZIONE",
            "4.6.0",
            "Predisposizione",
        }, engine
