"""Reading scans as offices make them: a sheet fed upside down is turned upright from its
picture, every scanned cell keeps its OCR confidence and a doubtful one is a warning,
two touching lines of a cell are not read as one, and an OCR cache entry made by another
Tesseract is read again."""

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from scan_factory import images_to_pdf, pdf_to_page_images

from pipeline.extract.grid.model import Cell, Table
from pipeline.extract.ocr.cells import (
    CellOcrSettings,
    crop_to_ink_box,
    pixels_to_levels,
    pixels_to_noise,
    reading_confidence,
    stretched_to_denoised,
)
from pipeline.extract.ocr.orient import (
    MIN_ACROSS_SHARE,
    Orientation,
    orientation_to_turns,
    osd_text_to_orientation,
    pixels_to_across_share,
    pixels_to_turned,
)
from pipeline.extract.ocr.tesseract import OcrCache, OcrSettings, OcrWord
from pipeline.extract.rows import (
    AssembledPlan,
    CellPart,
    LogicalRow,
    plan_to_frames,
    rows_to_ocr_findings,
)
from pipeline.extract.stage import Extraction, ExtractSettings, pdf_to_extraction
from pipeline.review.html import fields_table_html

ROOT = Path(__file__).resolve().parent.parent
VECTOR = ROOT / "sources" / "desenzano-2021-11.pdf"


def read_scan(pdf: Path, cache: Path) -> Extraction:
    return pdf_to_extraction(pdf, ExtractSettings(ocr=OcrSettings(cache_dir=str(cache))))


@pytest.fixture(scope="module")
def upright_and_upside_down(tmp_path_factory: pytest.TempPathFactory) -> tuple[Extraction, ...]:
    """Page 4 of the vector plan scanned at 200 dpi, as fed and upside down; both read."""
    folder = tmp_path_factory.mktemp("turned")
    (picture,) = pdf_to_page_images(VECTOR, [4], dpi=200)
    upright = images_to_pdf([picture], folder / "upright.pdf")
    turned = images_to_pdf([picture.transpose(Image.Transpose.ROTATE_180)], folder / "turned.pdf")
    return read_scan(upright, folder / "cache-a"), read_scan(turned, folder / "cache-b")


def test_a_sheet_scanned_upside_down_is_read_as_the_upright_one_with_a_finding(
    upright_and_upside_down: tuple[Extraction, ...],
):
    upright, turned = upright_and_upside_down
    assert len(upright.rows) >= 1
    columns = ["number", "assignee_raw", "dup_raw", "deadline_raw"]
    assert turned.rows[columns].equals(upright.rows[columns])
    found = [f for f in turned.findings if f.rule == "scan_turned"]
    assert [(f.page, f.raw_value, f.severity) for f in found] == [(1, "180", "info")]
    assert not [f for f in upright.findings if f.rule == "scan_turned"]


def test_a_sheet_upside_down_at_150_dpi_is_turned_as_its_cells_read_best(
    upright_and_upside_down: tuple[Extraction, ...], tmp_path: Path
):
    # at 150 dpi Tesseract's orientation detection takes this sheet for upright (turn 0,
    # confidence over the bar): only reading its cells tells
    upright, _ = upright_and_upside_down
    (picture,) = pdf_to_page_images(VECTOR, [4], dpi=150)
    pdf = images_to_pdf([picture.transpose(Image.Transpose.ROTATE_180)], tmp_path / "turned.pdf")
    turned = read_scan(pdf, tmp_path / "cache")
    columns = ["number", "assignee_raw", "dup_raw", "deadline_raw"]
    assert turned.rows[columns].equals(upright.rows[columns])
    found = [f for f in turned.findings if f.rule == "scan_turned"]
    assert [(f.page, f.raw_value) for f in found] == [(1, "180")]


def test_turns_tried_on_a_page_that_reads_poorly_start_with_osd_guess_and_suit_its_letters():
    # letters side by side: only a half turn can help; stacked: only a quarter turn
    assert orientation_to_turns(Orientation(0, 9.0), sideways=False) == [180]
    assert orientation_to_turns(Orientation(180, 0.4), sideways=False) == [180]
    assert orientation_to_turns(Orientation(270, 0.4), sideways=True) == [270, 90]
    assert orientation_to_turns(Orientation(180, 0.4), sideways=True) == [90, 270]
    assert orientation_to_turns(Orientation(90, 0.4), sideways=False) == [180]


def test_a_reading_confidence_is_the_median_of_cells_that_hold_words():
    def cell(confidence: float | None) -> Cell:
        return Cell(0.0, 0.0, 1.0, 1.0, 0, 0, 0, ocr_confidence=confidence)

    def table(*cells: Cell) -> Table:
        return Table(1, 0.0, 0.0, 1.0, 1.0, list(cells), "image")

    assert reading_confidence([table(cell(90.0), cell(None), cell(30.0), cell(95.0))]) == 90.0
    assert reading_confidence([table(cell(None))]) == 0.0


def test_every_scanned_cell_with_text_keeps_its_ocr_confidence(
    upright_and_upside_down: tuple[Extraction, ...],
):
    upright, _ = upright_and_upside_down
    cells = upright.cells
    assert cells["ocr_confidence"].dtype == "float64"
    assert cells["ocr_confidence"].between(0, 100).sum() >= len(upright.rows) * 6
    assert not (cells["ocr_confidence"] > 100).any()


def test_a_vector_cell_has_no_ocr_confidence():
    part = CellPart(1, 0, 0, 10, 10, "Biblioteca", None, None)
    row = LogicalRow(block=1, block_title=None, cells={"subject": [part]})
    scanned = CellPart(1, 0, 0, 10, 10, "Biblioteca", None, None, 88.5)
    other = LogicalRow(block=1, block_title=None, cells={"subject": [scanned]})
    _, cells, _ = plan_to_frames(AssembledPlan([row, other], [], [], []))
    assert cells["ocr_confidence"].dtype == "float64"
    assert cells["ocr_confidence"].isna().tolist() == [True, False]
    assert cells["ocr_confidence"].iloc[1] == 88.5


def test_a_doubtful_cell_is_a_warning_naming_its_objective_and_page():
    sure = CellPart(1, 0, 0, 10, 10, "Servizi scolastici", None, None, 91.0)
    doubtful = CellPart(2, 0, 0, 10, 10, "4 2 0", None, None, 41.5)
    blank = CellPart(2, 0, 0, 10, 10, "", None, None, 0.0)
    rows = [
        LogicalRow(block=1, block_title=None, cells={"subject": [sure]}),
        LogicalRow(block=1, block_title=None, cells={"dup_raw": [doubtful], "indicator": [blank]}),
    ]
    (finding,) = rows_to_ocr_findings(rows, 60.0)
    assert (finding.rule, finding.severity, finding.field) == (
        "low_ocr_confidence",
        "warning",
        "dup_raw",
    )
    assert (finding.objective_id, finding.page, finding.raw_value) == ("01.02", 2, "4 2 0")
    assert "42" in finding.message and "60" in finding.message


def test_two_lines_joined_by_a_stroke_are_two_lines():
    scale = 150 / 72
    page = np.full((120, 400), 235, np.uint8)
    for y, text in ((40, "Assegnatario"), (62, "obiettivo")):
        cv2.putText(page, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 30, 2)
    settings = CellOcrSettings()
    levels = pixels_to_levels(page, settings)
    apart = crop_to_ink_box(page, levels, scale, settings)
    assert apart is not None and apart.lines == 2
    page[35:60, 60:62] = 30  # blur joins a descender to the letter below
    joined = crop_to_ink_box(page, levels, scale, settings)
    assert joined is not None and joined.lines == 2
    one = np.full((120, 400), 235, np.uint8)
    cv2.putText(one, "Servizi (scolastici)", (10, 50), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 30, 2)
    single = crop_to_ink_box(one, pixels_to_levels(one, settings), scale, settings)
    assert single is not None and single.lines == 1


def test_a_page_whose_letters_stack_is_told_sideways_at_150_dpi_and_a_turned_one_not():
    (picture,) = pdf_to_page_images(VECTOR, [4], dpi=150)
    pixels = np.asarray(picture.convert("L"))
    scale = 150 / 72
    upright = pixels_to_across_share(pixels, scale)
    for turn in (90, 270):
        assert pixels_to_across_share(pixels_to_turned(pixels, turn), scale) < MIN_ACROSS_SHARE
    assert pixels_to_across_share(pixels_to_turned(pixels, 180), scale) > MIN_ACROSS_SHARE
    assert upright > MIN_ACROSS_SHARE
    # a page with next to no text tells nothing: it is not taken for sideways
    assert pixels_to_across_share(np.full((400, 300), 250, np.uint8), scale) == 1.0


def test_osd_output_gives_the_clockwise_turn_and_its_confidence():
    text = (
        "Page number: 0\nOrientation in degrees: 270\nRotate: 90\nOrientation confidence: 19.12\n"
    )
    found = osd_text_to_orientation(text)
    assert (found.turn, found.confidence) == (90, pytest.approx(19.12))
    assert osd_text_to_orientation("") == osd_text_to_orientation("Too few characters")
    assert osd_text_to_orientation("").confidence == 0.0
    picture = np.zeros((2, 3), np.uint8)
    picture[0, 0] = 1  # top left
    turned = pixels_to_turned(picture, 90)  # clockwise: top left goes top right
    assert turned.shape == (3, 2) and turned[0, 1] == 1


def test_an_ocr_cache_entry_made_by_another_tesseract_is_read_again(tmp_path: Path):
    settings = OcrSettings()
    word = OcrWord("Ragioneria", 1, 2, 3, 4, 95.0)
    first = OcrCache(tmp_path, _engine="tesseract 5.3.0 ita:aaaa")
    first._checked = True
    assert first.read("picture", {"psm": 6}, settings, lambda: [word]) == [word]
    key = first.key("picture", {"psm": 6}, settings)
    same = OcrCache(tmp_path, _engine="tesseract 5.3.0 ita:aaaa")
    assert same.get(key, settings) == [word]
    other = OcrCache(tmp_path, _engine="tesseract 5.4.1 ita:bbbb")
    assert other.get(key, settings) is None
    # with no Tesseract to run at all, what was read is used as it is
    assert OcrCache(tmp_path, _engine=None).get(key, settings) == [word]


def test_a_grainy_page_has_its_crops_denoised_and_a_clean_one_not():
    rng = np.random.default_rng(3)
    clean = np.full((300, 400), 240, np.uint8)
    cv2.putText(clean, "Servizi scolastici", (10, 150), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 30, 2)
    grainy = np.clip(clean + rng.normal(0, 8, clean.shape), 0, 255).astype(np.uint8)
    settings = CellOcrSettings()
    clean_grain = pixels_to_noise(clean, pixels_to_levels(clean, settings))
    grain = pixels_to_noise(grainy, pixels_to_levels(grainy, settings))
    assert clean_grain < settings.min_noise <= grain
    assert np.array_equal(stretched_to_denoised(clean, clean_grain, settings), clean)
    denoised = stretched_to_denoised(grainy, grain, settings)
    paper = (slice(200, 300), slice(0, 400))
    assert float(np.std(denoised[paper])) < float(np.std(grainy[paper])) / 2


def test_the_review_report_marks_a_field_read_from_a_doubtful_cell():
    objective = {"dup_raw": "420", "subject": "Servizi scolastici"}
    table = fields_table_html(objective, [], ["dup_raw"])
    rows = table.split("</tr>")
    assert "OCR incerto" in next(r for r in rows if "dup_raw" in r)
    assert "OCR incerto" not in next(r for r in rows if "subject" in r)
