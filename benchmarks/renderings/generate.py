"""Render the matrix: each PDF with a manifest beside it (`NAME.pdf`, `NAME.json`).

The manifest holds what `tests/score.py` does not check: the reference the PDF renders,
its producer and settings, municipality and revision, and for every objective its
block, seq, objective_id and the pages its cells are printed on (found in the PDF by
`pages.py`, independently of piano). A constructed revision's manifest also lists its
edits and the change rows `piano diff` must give against its base rendering. A PDF is
rendered again only when the generator's code, its settings or its reference changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.renderings.matrix import (
    CONSTRUCTED,
    REFERENCES,
    RenderSettings,
    base_of,
    covering_design,
    revised_settings,
)
from benchmarks.renderings.pages import PageFindingError, pdf_to_stream, plan_to_row_pages
from benchmarks.renderings.plan import read_reference, reference_to_excerpt, reference_to_plan
from benchmarks.renderings.producers import plan_to_pdf
from benchmarks.renderings.revision import reference_to_revision
from benchmarks.renderings.traits import pdf_to_traits

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "tests" / "reference"
GENERATOR_DIR = Path(__file__).resolve().parent
SMOKE_BASE = "excerpt-2021-11"
SMOKE_REVISED = "excerpt-2021-12"
# the smoke test's plan: two blocks of six rows plus their longest later row each
SMOKE_BLOCKS, SMOKE_ROWS, SMOKE_LONG_ROWS = 2, 6, 1


@dataclass(frozen=True)
class Rendering:
    """One PDF to render: its settings and the transcription it prints."""

    settings: RenderSettings
    reference: dict[str, Any]
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The PDF's file name stem."""
        return self.settings.name


def generator_key() -> str:
    """A hash of the generator's own code: a change re-renders every PDF."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _references() -> dict[str, dict[str, Any]]:
    refs = {name: read_reference(REFERENCE_DIR / f"{name}.json") for name in REFERENCES}
    return refs


def _with_revision(base: Rendering, revised_name: str) -> Rendering:
    revision = reference_to_revision(base.reference)
    return Rendering(
        replace(base.settings, reference=revised_name),
        revision.reference,
        {
            "base": base.name,
            "edits": [dataclasses.asdict(e) for e in revision.edits],
            "expected_changes": revision.changes,
            "expected_sector_weight_changes": revision.sector_weight_changes,
            "expected_target_changes": revision.target_weight_changes,
        },
    )


def matrix_renderings() -> list[Rendering]:
    """The benchmark's matrix: the pairwise design over both revisions, plus the
    constructed December revision through every producer."""
    refs = _references()
    design = covering_design()
    renderings = [Rendering(s, refs[s.reference]) for s in design]
    for revised in revised_settings(design):
        base = Rendering(base_of(revised), refs[REFERENCES[1]])
        renderings.append(_with_revision(base, CONSTRUCTED))
    return renderings


def smoke_settings() -> list[RenderSettings]:
    """One small rendering per producer: portrait, header printed once, front matter,
    headings on, the size that makes long rows break across a page."""
    shared = {
        "reference": SMOKE_BASE,
        "repeat_header": False,
        "landscape": False,
        "front_matter": True,
        "large": True,
        "headings": True,
        "one_per_page": False,
    }
    return [
        RenderSettings(
            producer="chromium", ruled=True, serif=False, font="Carlito", valign="top", **shared
        ),
        RenderSettings(
            producer="weasyprint",
            ruled=False,
            serif=True,
            font="Liberation Serif",
            valign="middle",
            **shared,
        ),
        RenderSettings(
            producer="writer", ruled=True, serif=True, font="Caladea", valign="top", **shared
        ),
        RenderSettings(
            producer="calc",
            ruled=True,
            serif=False,
            font="Liberation Sans",
            valign="middle",
            **shared,
        ),
        RenderSettings(
            producer="reportlab", ruled=False, serif=False, font="Carlito", valign="top", **shared
        ),
        RenderSettings(
            producer="ghostscript",
            ruled=True,
            serif=True,
            font="Liberation Serif",
            valign="top",
            source="writer",
            **shared,
        ),
    ]


def smoke_renderings() -> list[Rendering]:
    """The smoke test's renderings: each producer's small plan and its revision."""
    excerpt = reference_to_excerpt(
        read_reference(REFERENCE_DIR / f"{REFERENCES[1]}.json"),
        SMOKE_BLOCKS,
        SMOKE_ROWS,
        SMOKE_LONG_ROWS,
    )
    renderings = []
    for settings in smoke_settings():
        base = Rendering(settings, excerpt)
        renderings += [base, _with_revision(base, SMOKE_REVISED)]
    return renderings


def _key(rendering: Rendering) -> str:
    digest = hashlib.sha256(generator_key().encode())
    digest.update(json.dumps(rendering.reference, sort_keys=True).encode())
    digest.update(rendering.name.encode())
    return digest.hexdigest()[:16]


def render(rendering: Rendering, out: Path) -> dict[str, Any]:
    """Render one PDF and its manifest into `out` (unless both are up to date); return
    the manifest."""
    pdf, manifest_path = out / f"{rendering.name}.pdf", out / f"{rendering.name}.json"
    reference_path = out / "references" / f"{rendering.settings.reference}.json"
    key = _key(rendering)
    if pdf.exists() and manifest_path.exists():
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("key") == key and reference_path.exists():
            return manifest
    started = time.perf_counter()
    plan = reference_to_plan(rendering.settings.reference, rendering.reference)
    with tempfile.TemporaryDirectory(prefix="layout-") as folder:
        layout = Path(folder) / "layout.pdf"
        plan_to_pdf(plan, rendering.settings, pdf, layout)
        seconds = time.perf_counter() - started
        stream, pages = pdf_to_stream(layout)
    try:
        rows = plan_to_row_pages(plan, stream, pages, headings=rendering.settings.headings)
    except PageFindingError as error:
        raise PageFindingError(f"{pdf.name}: {error}") from error
    reference_path.parent.mkdir(parents=True, exist_ok=True)
    reference_path.write_text(
        json.dumps(rendering.reference, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    doc = rendering.reference["document"]
    manifest = {
        "name": rendering.name,
        "key": key,
        "pdf": pdf.name,
        "reference": rendering.settings.reference,
        "reference_file": str(reference_path.relative_to(out)),
        "producer": rendering.settings.producer,
        "layout_producer": rendering.settings.layout_producer,
        "settings": dataclasses.asdict(rendering.settings),
        "municipality": doc["municipality"],
        "revision": doc["revision"],
        "revision_label": doc["revision_label"],
        "pages": max(pages) if pages else 0,
        "rows_split_across_pages": sum(r.page_first != r.page_last for r in rows),
        "render_seconds": round(seconds, 2),
        "traits": pdf_to_traits(pdf),
        "objectives": [dataclasses.asdict(r) for r in rows],
        **rendering.extra,
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _render_one(args: tuple[Rendering, Path]) -> dict[str, Any]:
    return render(*args)


def render_all(renderings: list[Rendering], out: Path, jobs: int = 2) -> list[dict[str, Any]]:
    """Render every PDF (`jobs` at a time, each producer in its own process); return
    the manifests in the order given."""
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_render_one, [(r, out) for r in renderings]))
