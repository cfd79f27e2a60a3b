"""Make one scan of a vector plan, or the whole scan matrix.

    python -m benchmarks.scans --source sources/desenzano-2021-11.pdf \
        --reference tests/reference/desenzano-2021-11.json --out build/scans/one \
        [--pages 1-4] [--dpi 150] [--skew 2] [--jpeg-quality 50] [--blur 0.8] [--noise 8] \
        [--layer none|ocrmypdf] [--turn 0|90|180] [--colour] [--lighting even|uneven] \
        [--seed 0]
    python -m benchmarks.scans --matrix [--list] [--out build/scans] \
        [--source PDF --reference REF ...] [--rendering NAME.json ...]

Writes DIR/scan.pdf, DIR/manifest.json (source, reference, pages, settings, each sheet's
skew, shift and turn) and DIR/truth.json (the reference cut to the rows on those pages,
for `python tests/score.py --reference DIR/truth.json`). Any vector plan with its
reference transcription will do, its rows found on its pages by their text; a rendering
of `python -m benchmarks.renderings` is named by its manifest, which gives the PDF, the
reference and the pages of every row. The pages must hold whole rows only and start on
a page that begins with the table's header. With --matrix, one such folder per scan of
the pairwise design under --out (default: the bundled vector plans); --list only prints
the design.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.scans.design import DEFAULT_WINDOW, ScanSpec, Source, sources_to_specs
from benchmarks.scans.make import (
    DEFAULT_JOBS,
    ROOT,
    make_scan,
    shown_path,
    source_from_files,
    source_from_rendering,
)
from benchmarks.scans.settings import LAYERS, LIGHTINGS, TURNS, ScanSettings

# the vector plans the matrix scans unless told otherwise: (PDF, reference)
DEFAULT_SOURCES = (
    (
        ROOT / "sources" / "desenzano-2021-11.pdf",
        ROOT / "tests" / "reference" / "desenzano-2021-11.json",
    ),
    (
        ROOT / "sources" / "desenzano-2021-07.pdf",
        ROOT / "tests" / "reference" / "desenzano-2021-07.json",
    ),
)


def text_to_pages(text: str, count: int) -> list[int]:
    """Given pages as written on the command line ("1-4,7") and the page count, return
    them as 1-based numbers (all pages for "")."""
    if not text:
        return list(range(1, count + 1))
    pages: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        pages.extend(range(int(first), int(last or first) + 1))
    if not pages or min(pages) < 1 or max(pages) > count or len(set(pages)) != len(pages):
        raise ValueError(f"pages {text!r}: each page once, between 1 and {count}")
    return pages


def spec_to_line(spec: ScanSpec) -> str:
    """Given a scan, return one line naming it, its source, pages and settings."""
    pages = spec.pages
    shown = (
        f"{pages[0]}-{pages[-1]}"
        if list(pages) == list(range(pages[0], pages[-1] + 1))
        else ",".join(map(str, pages))
    )
    return f"{spec.name:<28} {spec.source.name:<22} pages {shown:<6} {spec.settings.label()}"


def parser_for_scans() -> argparse.ArgumentParser:
    """The command line of `python -m benchmarks.scans`."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scans", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--source",
        type=Path,
        action="append",
        default=[],
        help="a vector plan PDF (with --matrix: repeat, one per --reference)",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        action="append",
        default=[],
        help="its reference transcription (tests/reference/*.json)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "build" / "scans",
        help="the scan's folder (with --matrix: the folder of all)",
    )
    parser.add_argument(
        "--rendering",
        type=Path,
        action="append",
        default=[],
        help="a rendering's manifest (python -m benchmarks.renderings), instead of a source",
    )
    parser.add_argument("--pages", default="", help="1-based pages, e.g. 1-4,7 (default all)")
    defaults = ScanSettings()
    parser.add_argument("--dpi", type=int, default=defaults.dpi)
    parser.add_argument(
        "--skew",
        type=float,
        default=defaults.skew,
        help="each sheet's skew, degrees (sign and size vary a little)",
    )
    parser.add_argument("--jpeg-quality", type=int, default=defaults.jpeg_quality)
    parser.add_argument("--blur", type=float, default=defaults.blur, help="sigma, pixels")
    parser.add_argument("--noise", type=float, default=defaults.noise, help="sigma, grey levels")
    parser.add_argument("--layer", choices=LAYERS, default=defaults.layer)
    parser.add_argument(
        "--turn",
        type=int,
        choices=TURNS,
        default=defaults.turn,
        help="90: every sheet fed sideways; 180: about half upside down",
    )
    parser.add_argument("--colour", action="store_true", help="colour, not greyscale")
    parser.add_argument("--lighting", choices=LIGHTINGS, default=defaults.lighting)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="ocrmypdf --jobs")
    parser.add_argument("--matrix", action="store_true", help="make the whole matrix")
    parser.add_argument(
        "--window",
        type=int,
        default=DEFAULT_WINDOW,
        help="with --matrix: pages per scan where rows allow",
    )
    parser.add_argument("--list", action="store_true", help="with --matrix: only list it")
    return parser


def arguments_to_sources(
    pairs: list[tuple[Path, Path]], renderings: list[Path], window: int
) -> list[Source]:
    """Given (PDF, reference) pairs and rendering manifests from the command line, return
    their sources (the bundled vector plans when there are none)."""
    if not pairs and not renderings:
        pairs = list(DEFAULT_SOURCES)
    return [source_from_files(pdf, ref, window) for pdf, ref in pairs] + [
        source_from_rendering(manifest, window) for manifest in renderings
    ]


def main(argv: list[str] | None = None) -> int:
    """Make the scan (or the matrix) the command line asks for."""
    parser = parser_for_scans()
    args = parser.parse_args(argv)
    if len(args.source) != len(args.reference):
        parser.error("give one --reference for each --source")
    pairs = list(zip(args.source, args.reference, strict=True))
    if args.matrix:
        sources = arguments_to_sources(pairs, args.rendering, args.window)
        specs = sources_to_specs(sources, seed=args.seed)
        for spec in specs:
            print(spec_to_line(spec), flush=True)
            if not args.list:
                make_scan(spec, args.out / spec.name, args.jobs)
        return 0
    if len(pairs) + len(args.rendering) != 1:
        parser.error("give one --source and its --reference, or one --rendering (or --matrix)")
    (source,) = arguments_to_sources(pairs, args.rendering, DEFAULT_WINDOW)
    try:
        pages = text_to_pages(args.pages, source.pages)
    except ValueError as error:
        parser.error(str(error))
    if not source.allows(pages):
        parser.error(
            f"pages {args.pages} would cut a row in two or start where the table goes on "
            f"from the page before; a scan may end on pages {list(source.cuts)}"
        )
    settings = ScanSettings(
        dpi=args.dpi,
        skew=args.skew,
        jpeg_quality=args.jpeg_quality,
        blur=args.blur,
        noise=args.noise,
        layer=args.layer,
        turn=args.turn,
        colour=args.colour,
        lighting=args.lighting,
        seed=args.seed,
    )
    spec = ScanSpec(args.out.name, source, tuple(pages), settings)
    files = make_scan(spec, args.out, args.jobs)
    print(f"{shown_path(files.pdf)}: {spec_to_line(spec)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
