"""Scanned plans end to end on two pages of the committed scan (18 objectives): with its
OCR text layer, and as an image-only copy made here that the pipeline reads with its own
OCR. Also: page kinds, the OCR cache, and the message when Tesseract is missing."""

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pypdfium2 as pdfium
import pytest
from PIL import Image
from rapidfuzz import fuzz
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from scan_factory import image_only_copy

from pipeline.cli import main
from pipeline.core.errors import OcrUnavailableError, SettingsError
from pipeline.extract.ocr.cells import CellOcrSettings, crop_to_ink_box, pixels_to_levels
from pipeline.extract.ocr.tesseract import (
    OcrCache,
    OcrSettings,
    OcrWord,
    check_tesseract,
    tsv_to_words,
)
from pipeline.extract.read.pages import pdf_to_pages
from pipeline.extract.read.plumber import page_facts_to_kind
from pipeline.extract.read.settings import ReadSettings
from pipeline.extract.stage import Extraction, ExtractSettings, map_ahead, pdf_to_extraction

ROOT = Path(__file__).resolve().parent.parent
SCAN = ROOT / "sources" / "desenzano-2021-11-scan.pdf"
VECTOR = ROOT / "sources" / "desenzano-2021-11.pdf"
REFERENCE = ROOT / "tests" / "reference" / "desenzano-2021-11.json"
FIELDS = {
    "number": "number",
    "assignee": "assignee_raw",
    "dup": "dup_raw",
    "subject": "subject",
    "description": "description",
    "indicator": "indicator",
    "expected_result": "expected_result",
    "deadline": "deadline_raw",
}


def squash(value: object) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return " ".join(str(value or "").split())


def settings_with(cache: Path, **ocr: object) -> ExtractSettings:
    return ExtractSettings(ocr=OcrSettings(cache_dir=str(cache), **ocr))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Pages 1–2 of the scan (OCR layer kept), their image-only copy, and an OCR cache."""
    folder = tmp_path_factory.mktemp("scan")
    source = pdfium.PdfDocument(SCAN)
    subset = pdfium.PdfDocument.new()
    subset.import_pages(source, [0, 1])
    subset.save(folder / "scan-p1-2.pdf")
    source.close()
    image_only_copy(SCAN, folder / "image-only-p1-2.pdf", pages=[1, 2])
    return {
        "layer": folder / "scan-p1-2.pdf",
        "image": folder / "image-only-p1-2.pdf",
        "cache": folder / "ocr-cache",
    }


@pytest.fixture(scope="module")
def layer_run(two_pages: dict[str, Path]) -> Extraction:
    return pdf_to_extraction(two_pages["layer"], settings_with(two_pages["cache"]))


@pytest.fixture(scope="module")
def image_run(two_pages: dict[str, Path]) -> Extraction:
    return pdf_to_extraction(two_pages["image"], settings_with(two_pages["cache"]))


def reference_rows(blocks: int) -> list[dict[str, str]]:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return [
        {name: squash(obj.get(name)) for name in FIELDS}
        for block in reference["blocks"][:blocks]
        for obj in block["objectives"]
    ]


def similarity(extraction: Extraction, want: list[dict[str, str]]) -> float:
    rows = extraction.rows
    assert len(rows) == len(want)
    scores = [
        fuzz.ratio(squash(rows.iloc[k][column]), row[name]) / 100
        if (row[name] or squash(rows.iloc[k][column]))
        else 1.0
        for k, row in enumerate(want)
        for name, column in FIELDS.items()
    ]
    return sum(scores) / len(scores)


def test_page_kinds_are_told_apart(two_pages: dict[str, Path]):
    assert next(iter(pdf_to_pages(VECTOR))).kind == "vector"
    layer = list(pdf_to_pages(two_pages["layer"]))
    image = list(pdf_to_pages(two_pages["image"]))
    assert [p.kind for p in layer] == ["ocr_layer", "ocr_layer"]
    assert [p.kind for p in image] == ["image_only", "image_only"]
    assert all(p.words and p.image is not None and not p.rulings for p in layer)
    assert all(not p.words and p.image is not None for p in image)
    assert image[0].image is not None and image[0].image.pixels.shape == (1655, 2339)


def test_visible_text_over_a_page_sized_picture_is_a_vector_page(tmp_path: Path):
    # a letterhead or watermark picture under real text: no OCR, no straightening
    picture = Image.new("L", (842, 595), 235)
    canvas = Canvas(str(tmp_path / "background.pdf"), pagesize=landscape(A4))
    canvas.drawImage(ImageReader(picture), 0, 0, *landscape(A4))
    canvas.drawString(40, 500, "Piano delle performance")
    canvas.showPage()
    canvas.save()
    page = next(iter(pdf_to_pages(tmp_path / "background.pdf")))
    assert page.kind == "vector" and page.image is None
    assert [w.text for w in page.words] == ["Piano", "delle", "performance"]


def test_page_kind_rules():
    settings = ReadSettings()
    assert page_facts_to_kind(500, 0.1, 0.0, settings) == "vector"
    assert page_facts_to_kind(0, 0.99, 0.0, settings) == "image_only"
    assert page_facts_to_kind(500, 0.99, 1.0, settings) == "ocr_layer"
    assert page_facts_to_kind(500, 0.99, 0.0, settings) == "vector"


def test_scan_with_ocr_layer_gives_the_reference_rows(layer_run: Extraction):
    want = reference_rows(blocks=2)
    rows = layer_run.rows
    assert rows["number"].tolist() == [r["number"] for r in want]
    assert rows["block"].tolist() == [1] * 11 + [2] * 7
    assert rows["deadline_raw"].tolist() == [r["deadline"] for r in want]
    assert similarity(layer_run, want) >= 0.97
    assert {c.finder for c in layer_run.choices} == {"image"}
    assert layer_run.info.revision == "2021-11"


def test_image_only_copy_gives_the_same_rows_after_ocr(
    layer_run: Extraction, image_run: Extraction
):
    want = reference_rows(blocks=2)
    assert image_run.rows["number"].tolist() == layer_run.rows["number"].tolist()
    assert image_run.rows["assignee_raw"].tolist() == layer_run.rows["assignee_raw"].tolist()
    assert image_run.rows["deadline_raw"].tolist() == [r["deadline"] for r in want]
    assert similarity(image_run, want) >= 0.97
    # the document's title is read by the page OCR, outside the table
    assert image_run.info.revision == "2021-11"


def test_second_run_reads_ocr_from_the_cache(two_pages: dict[str, Path], image_run: Extraction):
    assert image_run.ocr_runs > 0
    # with no Tesseract at all, a warm cache still gives the same rows
    settings = settings_with(two_pages["cache"], tesseract_cmd="/nonexistent/tesseract")
    started = time.perf_counter()
    again = pdf_to_extraction(two_pages["image"], settings)
    assert again.ocr_runs == 0
    assert again.rows.equals(image_run.rows)
    assert time.perf_counter() - started < 30


def test_missing_tesseract_is_one_line_naming_the_package(
    two_pages: dict[str, Path], tmp_path: Path
):
    settings = settings_with(tmp_path / "empty-cache", tesseract_cmd=str(tmp_path / "none"))
    with pytest.raises(OcrUnavailableError) as raised:
        pdf_to_extraction(two_pages["image"], settings)
    line = raised.value.one_line()
    assert "\n" not in line and "tesseract-ocr" in line
    assert line.startswith("image-only-p1-2.pdf, page 1: OCR is needed")
    assert raised.value.exit_code == 8


def test_missing_language_model_names_its_package():
    with pytest.raises(OcrUnavailableError, match="tesseract-ocr-xyz"):
        check_tesseract(OcrSettings(language="xyz"))


def test_tesseract_tsv_becomes_words_per_picture():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
        "height\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t3\t4\t20\t10\t96.5\tCULTURA\n"
        "5\t2\t1\t1\t1\t1\t5\t6\t8\t10\t91.0\t6\n"
        "5\t2\t1\t1\t1\t2\t9\t6\t8\t10\t10.0\t \n"
    )
    assert tsv_to_words(tsv) == [
        OcrWord("CULTURA", 3.0, 4.0, 20.0, 10.0, 96.5, 0, (1, 1, 1)),
        OcrWord("6", 5.0, 6.0, 8.0, 10.0, 91.0, 1, (1, 1, 1)),
    ]


def test_cache_keeps_words_by_picture_and_settings(tmp_path: Path):
    cache = OcrCache(tmp_path)
    settings = OcrSettings()
    words = [OcrWord("n.", 1.0, 2.0, 3.0, 4.0, 95.0, 0, (1, 1, 1))]
    calls = []

    def read() -> list[OcrWord]:
        calls.append(1)
        return words

    assert cache.read("abc", {"step": "cells"}, settings, read) == words
    assert cache.read("abc", {"step": "cells"}, settings, read) == words
    assert len(calls) == 1 and (cache.misses, cache.hits) == (1, 1)
    cache.read("abc", {"step": "cells"}, OcrSettings(language="eng"), read)
    assert len(calls) == 2


def test_noise_in_a_blank_cell_is_not_read_as_text():
    # regression: a blank cell's scan noise, contrast stretched, came back as garbage
    rng = np.random.default_rng(1)
    page = np.full((300, 300), 240, np.uint8)
    page[:50, :50] = 20  # some ink on the page, so that it has an ink level
    cell = page[100:250, 100:250]
    cell[:] = np.clip(rng.normal(238, 6, cell.shape), 0, 255).astype(np.uint8)
    cell[rng.integers(0, 150, 30), rng.integers(0, 150, 30)] = 90  # lone dark specks
    settings = CellOcrSettings()
    levels = pixels_to_levels(page, settings)
    assert crop_to_ink_box(cell, levels, 200 / 72, settings) is None
    cell[60:80, 40:44] = 20  # a printed "1"
    box = crop_to_ink_box(cell, levels, 200 / 72, settings)
    assert box is not None and box.lines == 1


def test_pages_come_back_in_order_from_the_workers():
    assert list(map_ahead(lambda n: n * n, iter(range(7)), workers=2)) == [n * n for n in range(7)]


def test_ocr_settings_come_from_params():
    settings = ExtractSettings.from_params(
        {"ocr": {"workers": 1, "cache_dir": "x"}, "cells": {"enlargements": [2.0, 1.5]}}
    )
    assert settings.ocr.workers == 1 and settings.cells.enlargements == (2.0, 1.5)
    with pytest.raises(SettingsError, match="unknown setting") as raised:
        ExtractSettings.from_params({"ocr": {"psm": 6}}, key="extract")
    assert raised.value.field == "extract.ocr.psm"


def params_file(folder: Path, **ocr: str) -> Path:
    lines = ["extract:", "  ocr:"] + [f"    {key}: {value}" for key, value in ocr.items()]
    path = folder / "params.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_without_tesseract_exits_with_one_line_naming_the_package(
    two_pages: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    params = params_file(
        tmp_path, tesseract_cmd=str(tmp_path / "none"), cache_dir=str(tmp_path / "cache")
    )
    out = tmp_path / "out"
    code = main(["extract", str(two_pages["image"]), "--out", str(out), "--params", str(params)])
    err = capsys.readouterr().err.strip()
    assert code == OcrUnavailableError.exit_code
    assert len(err.splitlines()) == 1
    assert "image-only-p1-2.pdf, page 1" in err and "Debian package tesseract-ocr" in err
    assert not out.exists()


def test_scan_normalises_to_the_reference_keys_and_dates(
    two_pages: dict[str, Path], image_run: Extraction, tmp_path: Path
):
    # the OCR readings of the fixtures are cached: this run reads no picture again
    params = params_file(tmp_path, cache_dir=str(two_pages["cache"]))
    out = tmp_path / "out"
    assert (
        main(["extract", str(two_pages["image"]), "--out", str(out), "--params", str(params)]) == 0
    )
    rows = pd.read_parquet(out / "objectives.parquet")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    expected = [obj["expected"] for block in reference["blocks"][:2] for obj in block["objectives"]]
    assert rows["assignee"].tolist() == [e["assignee"] for e in expected]
    assert rows["sector"].tolist() == [e["sector"] for e in expected]
    assert [d.isoformat() if d is not None else None for d in rows["deadline"]] == [
        e["deadline"] for e in expected
    ]
