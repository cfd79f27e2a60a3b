"""The scan matrix: scans made as office scanners make them (benchmarks/scans/), the
pairwise design they are chosen by, the truth each is scored against, and a smoke run of
piano on two pages of four harsh scans (the worst corner, sheets fed sideways and upside
down, an ocrmypdf text layer) held to the matrix's bars."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from benchmarks.scan_matrix import (
    extract_cold,
    load_scorer,
    report_to_misses,
    similarity_bar,
)
from benchmarks.scans.degrade import (
    picture_to_placed,
    pixels_to_blurred,
    pixels_to_lit,
    pixels_to_noisy,
    pixels_to_turned,
)
from benchmarks.scans.design import (
    LEVELS,
    WORST_CORNER,
    ScanSpec,
    Source,
    rows_to_uncovered,
    sources_to_specs,
)
from benchmarks.scans.make import (
    make_scan,
    read_reference,
    source_from_files,
    source_from_rendering,
)
from benchmarks.scans.settings import Lighting, ScanSettings, settings_to_page_plans
from benchmarks.scans.truth import (
    RowPages,
    pdf_to_open_pages,
    pdf_to_page_texts,
    reference_to_row_pages,
    reference_to_truth,
    windows_to_holding,
)

ROOT = Path(__file__).resolve().parent.parent
NOVEMBER = ROOT / "sources" / "desenzano-2021-11.pdf"
JULY = ROOT / "sources" / "desenzano-2021-07.pdf"
NOVEMBER_REFERENCE = ROOT / "tests" / "reference" / "desenzano-2021-11.json"
JULY_REFERENCE = ROOT / "tests" / "reference" / "desenzano-2021-07.json"

# two pages each of the November plan, as harsh as the matrix gets
SMOKE = {
    "worst-corner": (
        (1, 2),
        ScanSettings(
            dpi=150,
            skew=2.0,
            jpeg_quality=50,
            blur=0.8,
            noise=8.0,
            layer="none",
            turn=0,
            colour=False,
            lighting="uneven",
            seed=11,
        ),
    ),
    "sideways": (
        (3, 4),
        ScanSettings(dpi=200, skew=1.0, jpeg_quality=70, blur=0.0, noise=0.0, turn=90, seed=12),
    ),
    "upside-down": (
        (5, 6),
        ScanSettings(dpi=200, skew=1.0, jpeg_quality=90, blur=0.0, noise=8.0, turn=180, seed=13),
    ),
    "ocrmypdf-layer": (
        (7, 8),
        ScanSettings(
            dpi=200,
            skew=1.0,
            jpeg_quality=70,
            blur=0.8,
            noise=0.0,
            layer="ocrmypdf",
            turn=90,
            colour=True,
            seed=14,
        ),
    ),
}


@functools.cache
def november() -> Source:
    """The November plan as the matrix scans it (its rows found on its pages)."""
    return source_from_files(NOVEMBER, NOVEMBER_REFERENCE, 4)


def scan_jpegs(pdf: Path) -> list[bytes]:
    """The picture streams of a scan as stored in it (JPEG files, not re-encoded)."""
    with pikepdf.open(pdf) as document:
        return [
            image.read_raw_bytes()
            for page in document.pages
            for image in page.get_images().values()
        ]


def scan_pictures(pdf: Path) -> list[Image.Image]:
    """The pictures of a scan, decoded."""
    return [Image.open(io.BytesIO(data)) for data in scan_jpegs(pdf)]


# the design


def fake_sources(count: int) -> list[Source]:
    return [
        Source(
            Path(f"plan-{k}.pdf"),
            Path(f"plan-{k}.json"),
            12,
            ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12)),
        )
        for k in range(count)
    ]


def test_design_covers_every_pair_of_values_in_at_most_16_scans():
    specs = sources_to_specs(fake_sources(2))
    assert len(specs) <= 16
    rows = [{**spec.settings.to_dict(), "source": spec.source.name} for spec in specs]
    levels = {**LEVELS, "source": ("plan-0", "plan-1")}
    assert rows_to_uncovered(rows, levels) == set()
    assert {spec.settings.turn for spec in specs} == {0, 90, 180}


def test_design_starts_with_the_worst_corner_on_a_whole_source():
    worst = sources_to_specs(fake_sources(2))[0]
    assert all(getattr(worst.settings, name) == value for name, value in WORST_CORNER.items())
    assert worst.pages == tuple(range(1, 13)) and worst.name.endswith("-worst")


def test_design_reads_every_page_of_every_source_and_is_the_same_each_run():
    specs = sources_to_specs(fake_sources(2))
    for source in fake_sources(2):
        read = {k for spec in specs if spec.source == source for k in spec.pages}
        assert read == set(range(1, 13))
    again = sources_to_specs(fake_sources(2))
    assert [(s.name, s.pages, s.settings) for s in specs] == [
        (s.name, s.pages, s.settings) for s in again
    ]
    assert len({s.settings.seed for s in specs}) == len(specs)


def test_a_scan_holds_runs_of_pages_that_start_and_end_between_rows():
    source = Source(Path("plan.pdf"), Path("plan.json"), 6, ((1, 2, 3), (4, 5, 6)), (1, 3, 4, 6))
    assert [k for k in range(1, 7) if source.allows([k])] == [1, 4]
    assert source.allows([1, 2, 3]) and source.allows([2, 3, 5, 6])
    assert not source.allows([2, 3, 5])
    assert source.allows([1, 4, 5, 6]) and not source.allows([3, 4])


def test_a_run_of_pages_without_rows_joins_the_next_one():
    rows = [RowPages(1, 1, 3, 3), RowPages(1, 2, 4, 5), RowPages(2, 1, 6, 6)]
    windows = [(1,), (2,), (3,), (4, 5), (6,), (7,)]
    assert windows_to_holding(windows, rows) == [(1, 2, 3), (4, 5), (6, 7)]


def ruled_table_pdf(path: Path, pages: list[list[list[str]]]) -> Path:
    """A PDF of ruled tables, one per page, each row a list of cell texts."""
    canvas = Canvas(str(path), pagesize=landscape(A4))
    for rows in pages:
        top, height, widths = 500.0, 24.0, [40.0, 160.0, 300.0]
        for r, row in enumerate(rows):
            x = 40.0
            for width, text in zip(widths, row, strict=True):
                canvas.rect(x, top - (r + 1) * height, width, height)
                canvas.drawString(x + 3, top - (r + 1) * height + 8, text)
                x += width
        canvas.showPage()
    canvas.save()
    return path


def test_a_scan_starts_only_on_a_page_that_begins_with_the_header(tmp_path: Path):
    header = ["n.", "Assegnatario obiettivo", "OGGETTO"]
    pdf = ruled_table_pdf(
        tmp_path / "plan.pdf",
        [
            [header, ["1", "CULTURA", "Biblioteca"], ["2", "CULTURA", "Museo"]],
            [["3", "CULTURA", "Teatro"]],  # the header printed once, on the first page
            [header, ["", "", "the rest of row 3"], ["4", "CULTURA", "Eventi"]],
            [header, ["5", "SPORT", "Impianti"]],
        ],
    )
    assert pdf_to_open_pages(pdf, "n.", [1, 2, 3, 4]) == {2, 3}


# what happens to each sheet


def test_each_sheet_is_skewed_a_little_differently_and_either_way():
    plans = settings_to_page_plans(ScanSettings(skew=1.0, seed=3), list(range(1, 41)))
    sizes = [abs(p.skew) for p in plans]
    assert all(0.8 <= s <= 1.2 for s in sizes) and max(sizes) - min(sizes) > 0.1
    assert {math.copysign(1, p.skew) for p in plans} == {-1.0, 1.0}
    assert all(
        abs(p.skew) <= 2.0
        for p in settings_to_page_plans(ScanSettings(skew=2.0), list(range(1, 41)))
    )
    assert {p.skew for p in settings_to_page_plans(ScanSettings(skew=0.0), [1, 2, 3])} == {0}


def test_sideways_stacks_turn_every_sheet_one_way_and_upside_down_about_half():
    sideways = settings_to_page_plans(ScanSettings(turn=90, seed=5), list(range(1, 8)))
    assert len({p.turn for p in sideways}) == 1 and sideways[0].turn in (90, 270)
    upside = settings_to_page_plans(ScanSettings(turn=180, seed=5), list(range(1, 8)))
    assert sorted(p.turn for p in upside) == [0, 0, 0, 180, 180, 180, 180]
    assert [p.turn for p in settings_to_page_plans(ScanSettings(turn=180), [4])] == [180]


def test_positive_skew_turns_the_sheet_counter_clockwise():
    page = np.full((400, 800), 255, np.uint8)
    page[198:202, 100:700] = 0  # a ruling across the page
    placed = picture_to_placed(Image.fromarray(page), 2.0, (0.0, 0.0))
    left, right = (float(np.mean(np.nonzero(placed[:, x] < 128))) for x in (150, 650))
    assert left - right == pytest.approx(500 * math.tan(math.radians(2.0)), abs=1.0)


def test_a_quarter_turn_is_counter_clockwise_and_resamples_nothing():
    page = np.zeros((4, 6), np.float32)
    page[0, 0] = 1.0  # top left
    turned = pixels_to_turned(page, 90)
    assert turned.shape == (6, 4) and turned[5, 0] == 1.0  # now bottom left
    assert np.array_equal(pixels_to_turned(pixels_to_turned(page, 180), 180), page)


def test_noise_blur_and_lighting_are_as_large_as_set():
    paper = np.full((300, 300), 240.0, np.float32)
    noisy = pixels_to_noisy(paper, 8.0, 0, seed=1)
    assert float(np.std(noisy)) == pytest.approx(8.0, rel=0.05)
    specked = pixels_to_noisy(paper, 0.0, 20, seed=1)
    assert 0 < int(np.sum(specked < 200)) < 20 * 25
    edge = np.zeros((20, 40), np.float32)
    edge[:, 20:] = 255.0
    blurred = pixels_to_blurred(edge, 0.8)
    assert 0 < blurred[10, 19] < 128 < blurred[10, 20] < 255
    lit = pixels_to_lit(paper, Lighting(depth=0.15, direction=0.0))  # darker to the right
    assert lit[:, 0].mean() == pytest.approx(240.0) and lit[:, -1].mean() == pytest.approx(
        240.0 * 0.85, rel=0.01
    )


# scans on disk


def test_same_settings_make_the_same_pictures_and_no_rotate(tmp_path: Path):
    settings = ScanSettings(
        dpi=100, skew=1.0, jpeg_quality=60, noise=8.0, blur=0.8, turn=90, seed=7
    )
    spec = ScanSpec("one", november(), (4,), settings)
    first = make_scan(spec, tmp_path / "a").read_manifest()
    second = make_scan(spec, tmp_path / "b").read_manifest()
    assert first["pictures_sha256"] == second["pictures_sha256"]
    assert first["scan"]["sha256"] == second["scan"]["sha256"]
    reader = pypdf.PdfReader(tmp_path / "a" / "scan.pdf")
    assert [page.get("/Rotate") for page in reader.pages] == [None]
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert height > width  # a landscape sheet fed sideways: a portrait page
    (jpeg,) = scan_jpegs(tmp_path / "a" / "scan.pdf")
    assert hashlib.sha256(jpeg).hexdigest() == first["pictures_sha256"][0]  # as made
    picture = Image.open(io.BytesIO(jpeg))
    assert picture.format == "JPEG" and picture.mode == "L"
    assert picture.size == pytest.approx((827, 1169), abs=2)
    assert picture.info["dpi"] == pytest.approx((100, 100))


def test_the_recorded_skew_is_the_one_in_the_picture(tmp_path: Path):
    settings = ScanSettings(dpi=150, skew=2.0, jpeg_quality=90, seed=9)
    files = make_scan(ScanSpec("skew", november(), (2,), settings), tmp_path)
    recorded = files.read_manifest()["sheets"][0]["skew"]
    (picture,) = scan_pictures(files.pdf)
    ink = (np.asarray(picture.convert("L")) < 128).astype(np.float32)
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)

    def sharpness(angle: float) -> float:
        # the rulings and text lines line up with the rows once the skew is undone
        matrix = cv2.getRotationMatrix2D(centre, -angle, 1.0)
        straight = cv2.warpAffine(ink, matrix, ink.shape[::-1])
        return float(np.var(straight.sum(axis=1)))

    angles = np.arange(-2.5, 2.51, 0.05)
    found = float(angles[int(np.argmax([sharpness(a) for a in angles]))])
    assert abs(recorded) >= 1.8 and found == pytest.approx(recorded, abs=0.1)


def test_scan_command_writes_the_scan_its_manifest_and_its_truth(tmp_path: Path):
    out = tmp_path / "one"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.scans",
            "--source",
            str(NOVEMBER),
            "--reference",
            str(NOVEMBER_REFERENCE),
            "--pages",
            "4",
            "--dpi",
            "100",
            "--skew",
            "0.5",
            "--out",
            str(out),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == [4] and manifest["reference"]["file"] == (
        "tests/reference/desenzano-2021-11.json"
    )
    # page 4 of the November plan holds one row, the last of the social services' table
    assert manifest["truth"]["rows"] == [[3, 8]]
    want = read_reference(NOVEMBER_REFERENCE)["blocks"][2]["objectives"][7]
    assert [o for b in truth["blocks"] for o in b["objectives"]] == [want]
    assert not manifest["truth"]["title_included"] and manifest["truth"]["relevance_page"] == 19


def test_scan_command_refuses_pages_that_cut_a_row_in_two(tmp_path: Path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.scans",
            "--source",
            str(JULY),
            "--reference",
            str(JULY_REFERENCE),
            "--pages",
            "1",
            "--out",
            str(tmp_path / "x"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "would cut a row in two" in done.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("pdf", "reference"), [(NOVEMBER, NOVEMBER_REFERENCE), (JULY, JULY_REFERENCE)]
)
def test_each_run_of_pages_holds_the_rows_piano_reads_there_on_the_vector_plan(
    pdf: Path, reference: Path, tmp_path: Path
):
    source = source_from_files(pdf, reference, 4)
    assert [k for window in source.windows for k in window] == list(range(1, source.pages + 1))
    code, message, _, out = extract_cold(pdf, tmp_path / "run")
    assert code == 0, message
    read = pd.read_parquet(out / "objectives.parquet")
    transcription = read_reference(reference)
    rows = reference_to_row_pages(transcription, pdf_to_page_texts(pdf))
    for window in source.windows:
        inside = read[read["page_first"].isin(window)]
        assert inside["page_last"].isin(window).all(), f"a row runs out of pages {window}"
        truth = reference_to_truth(transcription, rows, list(window))
        want = [(b["block"], o["seq"]) for b in truth["blocks"] for o in b["objectives"]]
        assert list(zip(inside["block"], inside["seq"], strict=True)) == want


def test_a_rendering_is_scanned_with_the_pages_its_manifest_gives(tmp_path: Path):
    # a rendering's manifest (python -m benchmarks.renderings): the PDF and its reference
    # beside it, and the pages of every objective, found by the renderings' page finder
    (tmp_path / "references").mkdir()
    shutil.copy(NOVEMBER, tmp_path / "plan.pdf")
    shutil.copy(NOVEMBER_REFERENCE, tmp_path / "references" / "plan.json")
    rows = reference_to_row_pages(read_reference(NOVEMBER_REFERENCE), pdf_to_page_texts(NOVEMBER))
    said = [
        {
            "block": r.block,
            "seq": r.seq,
            "objective_id": f"{r.block:02d}.{r.seq:02d}",
            "page_first": r.first,
            "page_last": r.last + (r.last == 4),
        }
        for r in rows
    ]  # the manifest says the row on page 4 runs on to page 5
    manifest = tmp_path / "plan.json"
    manifest.write_text(
        json.dumps(
            {"pdf": "plan.pdf", "reference_file": "references/plan.json", "objectives": said}
        ),
        encoding="utf-8",
    )
    source = source_from_rendering(manifest, 4)
    assert source.pdf == tmp_path / "plan.pdf" and source.pages == 19
    assert [(r.first, r.last) for r in source.rows] == [
        (o["page_first"], o["page_last"]) for o in said
    ]
    assert 4 not in source.cuts and {3, 5} <= set(source.cuts)


def test_matrix_lists_at_most_16_scans_worst_corner_first():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scan_matrix", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert 9 <= len(lines) <= 16
    assert lines[0].startswith("01-desenzano-2021-11-worst") and "pages 1-19" in lines[0]
    assert "150dpi grey skew2 q50 blur0.8 noise8 turn0" in lines[0] and lines[0].endswith("none")
    assert any("turn90" in line for line in lines) and any("turn180" in line for line in lines)
    assert any("ocrmypdf" in line for line in lines)


# piano on the harsh scans, held to the matrix's bars


@pytest.fixture(scope="module")
def smoke_scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four two-page scans, made once; name → folder."""
    folder = tmp_path_factory.mktemp("smoke")
    source = november()
    for name, (pages, settings) in SMOKE.items():
        make_scan(ScanSpec(name, source, pages, settings), folder / name)
    return {name: folder / name for name in SMOKE}


def test_ocrmypdf_layer_is_text_read_from_the_sideways_picture(smoke_scans: dict[str, Path]):
    pdf = smoke_scans["ocrmypdf-layer"] / "scan.pdf"
    reader = pypdf.PdfReader(pdf)
    assert [page.get("/Rotate") for page in reader.pages] == [None, None]
    assert all(len(page.images) == 1 for page in reader.pages)
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    # the layer is there, but read from sideways lines it does not hold the header's words
    assert len(text.split()) >= 20
    assert "Assegnatario" not in text and "OGGETTO" not in text


@pytest.mark.parametrize("name", list(SMOKE))
def test_harsh_scan_gives_every_row_once_with_exact_keys_and_similar_cells(
    name: str, smoke_scans: dict[str, Path]
):
    folder = smoke_scans[name]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    revision = None if manifest["truth"]["title_included"] else manifest["truth"]["revision"]
    code, message, _, out = extract_cold(folder / "scan.pdf", folder / "run", revision)
    assert code == 0, f"piano extract exits {code}: {message}"
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    report = load_scorer().score(truth, out)
    dpi = SMOKE[name][1].dpi
    assert report_to_misses(report, dpi, code) == [], (
        f"recall {report['row_recall']:.3f}, precision {report['row_precision']:.3f}, "
        f"keys {report['normalised_accuracy']}, similarity {report['cell_similarity']:.4f} "
        f"(bar {similarity_bar(dpi)}); {report['first_misses'][:3]}"
    )
