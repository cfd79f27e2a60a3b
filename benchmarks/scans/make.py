"""Write scans to disk: draw a vector PDF's pages, put each through the scanner
(`benchmarks.scans.degrade`), save the JPEGs as an image-only PDF (one picture per page,
no /Rotate, as a scanner writes it) and, for a text layer, run `ocrmypdf -l ita` on that
PDF as an office would. Beside each scan: `manifest.json` (source, reference, pages,
settings, what happened to each sheet) and `truth.json` (the reference cut to the rows on
those pages). A scan whose manifest matches what it would be made from is kept."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import img2pdf
import pypdfium2 as pdfium
from PIL import Image

from benchmarks.scans.degrade import SUPERSAMPLE, page_to_jpeg
from benchmarks.scans.design import ScanSpec, Source
from benchmarks.scans.settings import ScanSettings, settings_to_page_plans
from benchmarks.scans.truth import (
    RowPages,
    RowPlacementError,
    cuts_to_windows,
    pdf_to_open_pages,
    pdf_to_page_texts,
    reference_to_row_pages,
    reference_to_truth,
    relevance_page,
    row_pages_to_cuts,
    squash,
    windows_to_holding,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parent
OCRMYPDF_LANGUAGE = "ita"
DEFAULT_JOBS = 2
# the generator's modules that decide what a scan holds
MAKING_MODULES = ("settings.py", "degrade.py", "truth.py", "make.py")


class ScanToolError(RuntimeError):
    """A tool the scans need (ocrmypdf) is missing or failed."""


@dataclass(frozen=True)
class ScanFiles:
    """A scan on disk: the PDF, its manifest and its truth (a reference transcription)."""

    pdf: Path
    manifest: Path
    truth: Path

    def read_manifest(self) -> dict[str, Any]:
        """The manifest's contents."""
        data: dict[str, Any] = json.loads(self.manifest.read_text(encoding="utf-8"))
        return data


def file_sha256(path: Path) -> str:
    """Given a file, return the hex SHA-256 of its bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shown_path(path: Path) -> str:
    """Given a path, return it relative to the repository when it is inside."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(resolved)


def read_reference(path: Path) -> dict[str, Any]:
    """Given a reference transcription's path, return its contents."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def rows_to_source(pdf: Path, reference: Path, rows: list[RowPages], window: int) -> Source:
    """Given a vector PDF, its reference transcription, the pages of its rows and a
    wished-for run length, return the source with the runs of pages a scan may hold."""
    pages = pdf_page_count(pdf)
    first_header = squash(str(read_reference(reference)["blocks"][0]["header"][0]))
    # only a page after a cut the rows allow needs its table read to confirm the cut
    maybe = row_pages_to_cuts(rows, pages, set())
    after = {k + 1 for k in maybe if k < pages}
    cuts = row_pages_to_cuts(rows, pages, pdf_to_open_pages(pdf, first_header, after))
    windows = windows_to_holding(cuts_to_windows(cuts, window), rows)
    return Source(pdf, reference, pages, tuple(windows), tuple(cuts), tuple(rows))


def source_from_files(pdf: Path, reference: Path, window: int) -> Source:
    """Given a vector PDF, its reference transcription and a wished-for run length, return
    the source, its rows found on its pages by their text (when some row cannot be
    found, a scan holds the whole document)."""
    try:
        rows = reference_to_row_pages(read_reference(reference), pdf_to_page_texts(pdf))
    except RowPlacementError:
        pages = pdf_page_count(pdf)
        return Source(pdf, reference, pages, (tuple(range(1, pages + 1)),), (pages,))
    return rows_to_source(pdf, reference, rows, window)


def source_from_rendering(manifest: Path, window: int) -> Source:
    """Given the manifest of a rendering (`python -m benchmarks.renderings`: NAME.json
    beside NAME.pdf, naming its reference file and the pages of every objective), return
    the source with the rows' pages the manifest gives."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    rows = [
        RowPages(o["block"], o["seq"], o["page_first"], o["page_last"]) for o in data["objectives"]
    ]
    folder = manifest.parent
    return rows_to_source(folder / data["pdf"], folder / data["reference_file"], rows, window)


def pdf_page_count(pdf: Path) -> int:
    """Given a PDF, return its number of pages."""
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def pdf_to_pictures(
    source: Path, pages: list[int], settings: ScanSettings
) -> Iterator[Image.Image]:
    """Given a vector PDF, 1-based pages and the scan's settings, yield each page drawn at
    `SUPERSAMPLE` × the scan's resolution, in grey or in colour."""
    document = pdfium.PdfDocument(source)
    try:
        for number in pages:
            page = document[number - 1]
            bitmap = page.render(
                scale=settings.dpi * SUPERSAMPLE / 72.0, grayscale=not settings.colour
            )
            yield bitmap.to_pil().convert("RGB" if settings.colour else "L")
            page.close()
    finally:
        document.close()


def jpegs_to_pdf(jpegs: list[bytes], target: Path) -> Path:
    """Given JPEG files that record their resolution, write them as an image-only PDF at
    `target`, each page the size of its picture (no re-encoding, no date) and return it.
    img2pdf's own writer: with pikepdf 10 its pikepdf writer leaves the file's /ID to the
    clock (img2pdf compares version strings: "10.18.0" < "6.2.0"), so the same pictures
    made different files a second apart."""
    target.write_bytes(img2pdf.convert(jpegs, nodate=True, engine=img2pdf.Engine.internal))
    return target


def tool_path(name: str) -> str:
    """Given a command's name, return it from this interpreter's environment or PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise ScanToolError(f"{name} is not installed: pip install '.[dev]' installs it")
    return found


def ocrmypdf_version() -> str:
    """The version of ocrmypdf that makes the text layers."""
    return subprocess.run(
        [tool_path("ocrmypdf"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def pdf_to_ocrmypdf(
    image_pdf: Path, target: Path, jobs: int = DEFAULT_JOBS, extra: tuple[str, ...] = ()
) -> Path:
    """Given an image-only PDF, write it with the text layer `ocrmypdf -l ita` gives it
    (its defaults: PDF/A, pages left as scanned) at `target` and return it."""
    command = [
        tool_path("ocrmypdf"),
        "-l",
        OCRMYPDF_LANGUAGE,
        "--jobs",
        str(jobs),
        "--quiet",
        *extra,
        str(image_pdf),
        str(target),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ScanToolError(f"ocrmypdf failed on {image_pdf.name} (exit {done.returncode}): {last}")
    return target


def generator_sha256() -> str:
    """The SHA-256 of the generator's own code, so that a change in it makes new scans."""
    digest = hashlib.sha256()
    for name in MAKING_MODULES:
        path = PACKAGE / name
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def spec_to_key(spec: ScanSpec) -> str:
    """Given a scan, return the key of everything it is made from."""
    parts = {
        "source": file_sha256(spec.source.pdf),
        "reference": file_sha256(spec.source.reference),
        "pages": list(spec.pages),
        "settings": spec.settings.to_dict(),
        "generator": generator_sha256(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def folder_to_files(folder: Path) -> ScanFiles:
    """Given a scan's folder, return where its files are."""
    return ScanFiles(folder / "scan.pdf", folder / "manifest.json", folder / "truth.json")


def make_scan(spec: ScanSpec, folder: Path, jobs: int = DEFAULT_JOBS) -> ScanFiles:
    """Given a scan and a folder, write the scan, its manifest and its truth there (kept
    as they are when the manifest already has this scan's key) and return their paths."""
    if not spec.source.allows(spec.pages):
        raise ValueError(
            f"{spec.name}: pages {list(spec.pages)} of {spec.source.name} would cut a row in "
            f"two or start where a table goes on from the page before"
        )
    files = folder_to_files(folder)
    key = spec_to_key(spec)
    if (
        files.manifest.exists()
        and files.pdf.exists()
        and files.truth.exists()
        and (files.read_manifest().get("key") == key)
    ):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    files.manifest.unlink(missing_ok=True)  # written last: a half-made scan has none
    pages = list(spec.pages)
    plans = settings_to_page_plans(spec.settings, pages)
    jpegs = [
        page_to_jpeg(picture, plan, spec.settings)
        for picture, plan in zip(
            pdf_to_pictures(spec.source.pdf, pages, spec.settings), plans, strict=True
        )
    ]
    image_pdf = jpegs_to_pdf(jpegs, folder / "image-only.pdf")
    layer_tool = None
    if spec.settings.layer == "ocrmypdf":
        pdf_to_ocrmypdf(image_pdf, files.pdf, jobs)
        image_pdf.unlink()
        layer_tool = ocrmypdf_version()
    else:
        image_pdf.replace(files.pdf)

    reference = read_reference(spec.source.reference)
    texts = pdf_to_page_texts(spec.source.pdf)
    whole = sorted(pages) == list(range(1, spec.source.pages + 1))
    truth = reference if whole else reference_to_truth(reference, list(spec.source.rows), pages)
    files.truth.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    relevance = relevance_page(reference, texts)
    manifest = {
        "name": spec.name,
        "key": key,
        "made_by": "python -m benchmarks.scans",
        "source": {
            "file": shown_path(spec.source.pdf),
            "sha256": file_sha256(spec.source.pdf),
            "pages": spec.source.pages,
        },
        "reference": {
            "file": shown_path(spec.source.reference),
            "sha256": file_sha256(spec.source.reference),
        },
        "pages": pages,
        "settings": spec.settings.to_dict(),
        "label": spec.settings.label(),
        "sheets": [plan.to_dict() for plan in plans],
        "pictures_sha256": [hashlib.sha256(j).hexdigest() for j in jpegs],
        "layer_tool": layer_tool,
        "scan": {"file": files.pdf.name, "sha256": file_sha256(files.pdf)},
        "truth": {
            "file": files.truth.name,
            "rows": [[b["block"], o["seq"]] for b in truth["blocks"] for o in b["objectives"]],
            "revision": reference["document"]["revision"],
            # the title (and the revision printed in it) is on a plan's first page
            "title_included": 1 in pages,
            "relevance_page": relevance,
            "relevance_included": relevance in pages,
        },
    }
    files.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return files
