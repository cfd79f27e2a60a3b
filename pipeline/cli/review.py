"""`piano review`: the thin runner of the review report: read an extracted folder and
its source PDF, render each page the objectives were read from once, crop every
objective, write the HTML report and the crops, all or nothing."""

from __future__ import annotations

import argparse
import inspect
import time
from pathlib import Path
from typing import Any

from pipeline.core.contract import check_plan_name
from pipeline.core.folders import (
    bytes_writer,
    text_writer,
    write_folder,
)
from pipeline.core.progress import progress_bar
from pipeline.core.settings import settings_from_file
from pipeline.review.crops import (
    ReviewSettings,
    cells_to_regions,
    pages_to_crops,
    regions_to_page_boxes,
)
from pipeline.review.files import check_source, folder_to_review_tables, source_path
from pipeline.review.html import review_to_pages
from pipeline.review.render import pdf_to_rendered_pages

DEFAULT_EXTRACTED_ROOT = Path("extracted")
DEFAULT_SOURCES_ROOT = Path("sources")


def register(subparsers: Any) -> None:
    """Add the `review` command to the `piano` parser."""
    doc = inspect.cleandoc(run_review.__doc__ or "")
    parser = subparsers.add_parser(
        "review",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "name", metavar="NAME", help="extracted folder name, e.g. desenzano-2021-11"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="report folder")
    parser.add_argument(
        "--source",
        type=Path,
        metavar="PDF",
        help="the plan PDF (default: document.json's file under --sources-root)",
    )
    parser.add_argument(
        "--extracted-root",
        type=Path,
        default=DEFAULT_EXTRACTED_ROOT,
        metavar="DIR",
        help=f"where NAME is (default: {DEFAULT_EXTRACTED_ROOT})",
    )
    parser.add_argument(
        "--sources-root",
        type=Path,
        default=DEFAULT_SOURCES_ROOT,
        metavar="DIR",
        help=f"where the PDFs are (default: {DEFAULT_SOURCES_ROOT})",
    )
    parser.add_argument(
        "--params",
        type=Path,
        default=Path("params.yaml"),
        help="settings file, `review:` section (default: params.yaml, if present)",
    )
    parser.set_defaults(func=run_review)


def run_review(args: argparse.Namespace) -> None:
    """Write an HTML report showing each objective beside the part of the PDF it came from.

    Example:

        piano review desenzano-2021-11 --out reports/desenzano-2021-11

    Reads extracted/NAME (objectives, targets, sector_weights, quality, cells and
    document.json) and the source PDF, and writes into DIR, all or nothing: index.html,
    the summary (findings by severity and sector and by rule, every objective by
    sector), one OBJECTIVE_ID.html per objective (its fields, sub-targets, findings,
    corrections, and a picture of the page region it was read from with each cell's box
    drawn) and its OBJECTIVE_ID-pN.png crops. Open DIR/index.html from disk: no server
    and nothing from the network. The PDF must be the one the folder was extracted
    from (same sha256). Crop settings: the `review:` section of --params.
    """
    started = time.perf_counter()
    settings = settings_from_file(ReviewSettings, args.params, "review")
    tables = folder_to_review_tables(args.extracted_root / check_plan_name(args.name), args.name)
    source = args.source or source_path(tables, args.sources_root)
    check_source(source, tables)
    regions = cells_to_regions(tables.cells)
    pages = sorted(int(p) for p in regions["page"].unique())
    rendered = progress_bar(
        pdf_to_rendered_pages(
            source,
            pages,
            settings.scale,
            # a pixel more all round, so that rounding never cuts a crop's edge
            regions_to_page_boxes(regions, settings.context_pt + 1 / settings.scale),
            settings.max_crop_pixels,
            settings.max_image_pixels,
        ),
        len(pages),
        f"review {args.name}",
    )
    crops = pages_to_crops(rendered, regions, tables.cells, settings)
    files = {name: text_writer(text) for name, text in review_to_pages(tables, crops).items()}
    files.update({crop.file_name: bytes_writer(crop.png) for crop in crops})
    write_folder(args.out, files)
    print(
        f"wrote {args.out}: {len(tables.objectives)} objectives, {len(crops)} crops from "
        f"{len(pages)} pages in {time.perf_counter() - started:.1f} s; "
        f"open {args.out / 'index.html'}"
    )
