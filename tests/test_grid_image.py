"""The image grid finder on drawn plan pages rendered to pictures: the skew is measured
and undone, the grid comes out where the vector PDF has it, words follow the turn, and
a page with no table has none. No OCR runs here."""

from pathlib import Path

import cv2
import numpy as np
import pytest
from pdf_factory import PageSpec, TableSpec, cells, plan_pdf, text_pdf
from PIL import Image
from scan_factory import images_to_pdf, pdf_to_page_images

from pipeline.extract.grid.choose import page_to_tables
from pipeline.extract.grid.image import (
    ImageGridSettings,
    ink_to_line_masks,
    line_masks_to_skew,
    page_to_image_tables,
    page_to_straight_page,
    pixels_to_ink,
)
from pipeline.extract.grid.ruled import page_to_ruled_tables
from pipeline.extract.page import Page, PageImage, Word
from pipeline.extract.read.pages import pdf_to_pages

TITLE = "PIANO DELLE PERFORMANCE (aggiornamento novembre 2021)"
DPI = 200.0
SCALE = DPI / 72.0


def drawn_plan(tmp_path: Path) -> Path:
    rows = [
        cells(
            str(n),
            "CULTURA",
            "5.2.1",
            f"Oggetto {n}",
            "Descrizione|su due righe",
            "Indicatore",
            "Risultato (Peso 100%)",
            "31/12/2021",
        )
        for n in (1, 2, 3)
    ]
    return plan_pdf(
        tmp_path / "plan.pdf", [PageSpec([TableSpec(rows, title="CULTURA")], lines_above=[TITLE])]
    )


def turned_copy(source: Path, target: Path, degrees: float) -> Path:
    """An image-only copy of page 1 of `source`, its picture turned by `degrees`
    (counter-clockwise, as a sheet put askew on the scanner)."""
    picture = pdf_to_page_images(source, [1], DPI)[0]
    turned = picture.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return images_to_pdf([turned], target, DPI)


def first_page(path: Path) -> Page:
    return next(iter(pdf_to_pages(path)))


def skew_of(pixels: np.ndarray) -> float:
    settings = ImageGridSettings()
    ink = pixels_to_ink(pixels, SCALE, settings)
    return line_masks_to_skew(*ink_to_line_masks(ink, SCALE, settings), SCALE, settings)


@pytest.mark.parametrize("degrees", [1.0, -1.0, 0.4])
def test_grid_of_a_page_turned_up_to_one_degree_comes_out_where_it_was_drawn(
    tmp_path: Path, degrees: float
):
    vector_pdf = drawn_plan(tmp_path)
    drawn = page_to_ruled_tables(first_page(vector_pdf))[0]
    page = first_page(turned_copy(vector_pdf, tmp_path / "turned.pdf", degrees))
    assert page.kind == "image_only" and not page.rulings

    straight = page_to_straight_page(page)
    assert straight.image is not None
    # PIL turns counter-clockwise: a horizontal line then rises to the right
    assert straight.image.angle == pytest.approx(-degrees, abs=0.05)
    assert abs(skew_of(straight.image.pixels)) < 0.05

    tables = page_to_image_tables(straight)
    assert len(tables) == 1
    found = tables[0]
    assert found.finder == "image"
    assert (found.n_rows, len(found.column_edges)) == (drawn.n_rows, len(drawn.column_edges))
    for want, got in zip(drawn.cells, found.cells, strict=True):
        assert (got.row, got.col) == (want.row, want.col)
        for a, b in (
            (want.x0, got.x0),
            (want.top, got.top),
            (want.x1, got.x1),
            (want.bottom, got.bottom),
        ):
            assert abs(a - b) < 1.5


def test_words_of_a_turned_page_land_in_their_cells_once_straightened(tmp_path: Path):
    vector_pdf = drawn_plan(tmp_path)
    drawn = page_to_ruled_tables(first_page(vector_pdf))[0]
    page = first_page(turned_copy(vector_pdf, tmp_path / "turned.pdf", 1.0))
    assert page.image is not None
    # an OCR layer puts each word where the turned picture shows it
    h, w = page.image.pixels.shape
    turn = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 1.0, 1.0)
    words = []
    for cell in drawn.cells:
        x, y = (cell.x0 + cell.x1) / 2 * SCALE, (cell.top + cell.bottom) / 2 * SCALE
        tx, ty = turn @ np.array([x, y, 1.0])
        words.append(
            Word(
                f"r{cell.row}c{cell.col}",
                tx / SCALE - 4,
                ty / SCALE - 3,
                tx / SCALE + 4,
                ty / SCALE + 3,
            )
        )
    page.words = words

    found = page_to_image_tables(page_to_straight_page(page))[0]
    for cell in found.cells:
        assert [w.text for w in cell.words] == [f"r{cell.row}c{cell.col}"]


def test_page_with_no_table_has_no_grid(tmp_path: Path):
    text = text_pdf(
        tmp_path / "text.pdf", ["Relazione sulla performance", "Nessuna tabella in questa pagina."]
    )
    picture = pdf_to_page_images(text, [1], DPI)[0]
    page = first_page(images_to_pdf([picture], tmp_path / "scan.pdf", DPI))
    straight = page_to_straight_page(page)
    assert straight.image is not None and straight.image.angle == 0.0
    tables, choice = page_to_tables(straight)
    assert tables == [] and choice.finder is None
    assert "no table found" in choice.reason


def test_a_lone_rule_under_a_title_is_no_table():
    pixels = np.full((400, 800), 255, np.uint8)
    cv2.line(pixels, (50, 100), (750, 100), 0, 3)
    page = Page(
        1, 800 / SCALE, 400 / SCALE, kind="image_only", image=PageImage(pixels=pixels, scale=SCALE)
    )
    assert page_to_image_tables(page_to_straight_page(page)) == []


@pytest.mark.parametrize("degrees", [0.0, 0.3, -0.8, 1.0])
def test_skew_is_measured_from_long_lines(degrees: float):
    pixels = np.full((1000, 1600), 255, np.uint8)
    for y in range(100, 900, 100):
        cv2.line(pixels, (100, y), (1500, y), 0, 3)
    for x in (100, 600, 1500):
        cv2.line(pixels, (x, 100), (x, 800), 0, 3)
    turn = cv2.getRotationMatrix2D((800, 500), -degrees, 1.0)  # cv2: positive turns left
    turned = cv2.warpAffine(pixels, turn, (1600, 1000), borderValue=255)
    assert skew_of(turned) == pytest.approx(degrees, abs=0.05)


def test_vector_pages_are_left_to_the_ruled_finder(tmp_path: Path):
    page = first_page(drawn_plan(tmp_path))
    assert page.kind == "vector" and page.image is None
    assert page_to_image_tables(page) == []
    assert page_to_tables(page)[1].finder == "ruled"
