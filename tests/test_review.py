"""The review report: regions and crops of the page, findings counted by sector and
severity, corrections shown when present, and `piano review` on a bundled plan."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from plan_frames import objective, plan

from pipeline.cli import main
from pipeline.core.errors import SettingsError
from pipeline.core.quality import Finding, findings_to_frame
from pipeline.review.crops import (
    FIELD_COLOURS,
    WHOLE_PLAN,
    ReviewSettings,
    ReviewTables,
    cells_to_regions,
    corrected_fields_to_list,
    objectives_to_corrected_fields,
    quality_to_severity_counts,
    rendered_page_to_crop,
)
from pipeline.review.html import review_to_pages
from pipeline.review.render import RenderedPage

ROOT = Path(__file__).resolve().parent.parent


def cells_frame(rows: list[tuple[str, str, int, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["objective_id", "field", "page", "x0", "top", "x1", "bottom"]
    ).assign(revision="2021-11")


def review_tables(quality: list[Finding], **objective_columns: list) -> ReviewTables:
    frames = plan(
        "2021-11",
        [
            objective(1, "1", "Mensa", "Gara della mensa."),
            objective(2, "2", "Trasporto", "Scuolabus."),
            objective(
                1, None, "Trasparenza", "Per tutti.", block=2, sector=None, assignee="tutte_le_aree"
            ),
        ],
    )
    objectives = frames.objectives
    objectives.loc[2, "block"] = 2
    for column, values in objective_columns.items():
        objectives[column] = values
    objectives["page_first"] = objectives["page_last"] = 1
    cells = cells_frame([("01.01", "subject", 1, 100, 100, 200, 140)])
    return ReviewTables(
        "piano-2021-11",
        {"revision": "2021-11", "source": {"file": "p.pdf"}},
        objectives,
        frames.targets,
        frames.sector_weights,
        findings_to_frame(quality, "2021-11"),
        cells,
    )


def blank_page(number: int = 1) -> RenderedPage:
    return RenderedPage(number, Image.new("RGB", (842, 595), "black"), 1.0, 0.0, 0.0, 0)


def test_region_is_the_box_around_an_objectives_cells_on_each_page():
    cells = cells_frame(
        [
            ("01.01", "number", 1, 40, 500, 60, 540),
            ("01.01", "subject", 1, 60, 500, 200, 560),
            ("01.01", "number", 2, 40, 50, 60, 80),
        ]
    )
    regions = cells_to_regions(cells)
    assert regions[["page", "x0", "top", "x1", "bottom"]].values.tolist() == [
        [1, 40, 500, 200, 560],
        [2, 40, 50, 60, 80],
    ]


def test_crop_shows_the_cells_outlined_in_their_field_colour_and_fades_the_rest():
    cells = cells_frame([("01.01", "subject", 1, 100, 100, 200, 140)])
    region = cells_to_regions(cells).iloc[0]
    settings = ReviewSettings(context_pt=10, dim=0.5, box_width_px=2)
    crop = rendered_page_to_crop(blank_page(), region, cells, settings)
    assert crop.size == (120, 60)  # the region and 10 pt of page around it
    red = tuple(int(FIELD_COLOURS["subject"][i : i + 2], 16) for i in (1, 3, 5))
    assert crop.getpixel((10, 30)) == red  # the left edge of the subject cell
    assert crop.getpixel((50, 30)) == (0, 0, 0)  # inside: the page as printed
    assert crop.getpixel((3, 3)) == (127, 127, 127)  # around: faded half way to white


def test_boxes_follow_the_scale_and_a_crop_box_offset():
    page = RenderedPage(1, Image.new("RGB", (100, 100)), 2.0, 10.0, 5.0, 0)
    assert page.box_to_pixels(20, 15, 30, 25) == (20, 20, 40, 40)
    assert page.box_to_pixels(-50, 0, 500, 500) == (0, 0, 100, 100)  # clipped


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        (float("nan"), []),
        ("subject, deadline_raw", ["subject", "deadline_raw"]),
        (["subject"], ["subject"]),
        (np.array(["dup_raw", "number"]), ["dup_raw", "number"]),
    ],
)
def test_corrected_fields_read_as_a_list_from_any_parquet_shape(value, expected):
    assert corrected_fields_to_list(value) == expected


def test_corrections_come_from_the_column_and_the_manual_correction_findings():
    tables = review_tables(
        [
            Finding(
                "deadline_raw",
                "manual_correction",
                "info",
                "31/06/2021",
                "30/06/2021",
                "corrections/x.yaml: fixed",
                "01.02",
            )
        ],
        corrected_fields=[["subject"], None, None],
    )
    assert objectives_to_corrected_fields(tables.objectives, tables.quality) == {
        "01.01": ["subject"],
        "01.02": ["deadline_raw"],
    }


def test_without_corrections_nothing_is_marked_corrected():
    tables = review_tables([])
    assert objectives_to_corrected_fields(tables.objectives, tables.quality) == {}
    assert "corrected by hand" not in review_to_pages(tables, [])["01.01.html"]


def test_findings_are_counted_by_sector_in_block_order_and_severity():
    tables = review_tables(
        [
            Finding("weight_pct", "weights_sum", "warning", None, None, "m", "01.01"),
            Finding("deadline", "deadline_year_typo", "warning", None, None, "m", "01.02"),
            Finding("number", "number_missing", "info", None, None, "m", "02.01"),
            Finding("page", "grid_finder", "info", None, None, "m"),
        ]
    )
    counts = quality_to_severity_counts(tables.quality, tables.objectives)
    assert counts.index.tolist() == ["istruzione", "(cross-cutting)", WHOLE_PLAN]
    assert counts.loc["istruzione"].tolist() == [0, 2, 0, 2]
    assert counts.loc[WHOLE_PLAN, "info"] == 1
    assert counts.columns.tolist() == ["info", "warning", "error", "total"]


def test_objective_page_shows_its_corrections_beside_its_findings():
    tables = review_tables(
        [
            Finding(
                "subject",
                "manual_correction",
                "info",
                "Mensa scolastca",
                "Mensa scolastica",
                "corrections/2021-11.yaml: typo in the printed subject",
                "01.01",
            )
        ],
        corrected_fields=["subject", None, None],
    )
    page = review_to_pages(tables, [])["01.01.html"]
    assert "corrected by hand" in page
    assert re.search(r'<tr class="corrected"><th>.*subject.*corrected</span></th>', page)
    assert "Mensa scolastca" in page and "typo in the printed subject" in page
    assert 'id="corrections"' in page
    summary = review_to_pages(tables, [])["index.html"]
    assert "corrected: subject" in summary


def test_unknown_review_setting_is_refused():
    with pytest.raises(SettingsError, match="unknown setting") as raised:
        ReviewSettings.from_params({"dpi": 300}, key="review")
    assert raised.value.field == "review.dpi"


class Links(HTMLParser):
    """Collects every href and src of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.targets += [v for k, v in attrs if k in ("href", "src") and v]


def test_piano_review_writes_a_summary_and_a_page_and_crop_per_objective(
    review_report: Path, extracted: dict[str, Path]
):
    objectives = pd.read_parquet(extracted["desenzano-2021-11"] / "objectives.parquet")
    pages = {p.name for p in review_report.glob("*.html")}
    assert pages == {"index.html"} | {f"{o}.html" for o in objectives["objective_id"]}
    assert len(list(review_report.glob("*.png"))) >= len(objectives)
    with Image.open(review_report / "01.01-p1.png") as crop:
        assert crop.width > 1000  # a whole table row at 2 px per point


def test_every_link_and_image_of_the_report_is_a_file_in_the_report(review_report: Path):
    for page in review_report.glob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            if target.startswith(("#", "data:")):
                continue
            assert "://" not in target, f"{page.name}: external resource {target}"
            assert (review_report / target.split("#")[0]).is_file(), f"{page.name}: {target}"


def test_review_refuses_a_pdf_that_is_not_the_extracted_one(
    extracted: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    folder = extracted["desenzano-2021-11"]
    out = tmp_path / "report"
    code = main(
        [
            "review",
            folder.name,
            "--extracted-root",
            str(folder.parent),
            "--source",
            str(ROOT / "sources" / "desenzano-2021-07.pdf"),
            "--out",
            str(out),
        ]
    )
    assert code == 14
    assert "sha256 differs" in capsys.readouterr().err
    assert not out.exists()


def test_review_of_a_missing_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["review", "nope", "--extracted-root", str(tmp_path), "--out", str(tmp_path / "r")])
    assert code == 14
    assert "run `piano extract`" in capsys.readouterr().err
