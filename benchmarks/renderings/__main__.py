"""Render the matrix of plan PDFs with their manifests.

    python -m benchmarks.renderings --out DIR [--smoke] [--only NAME ...] [--jobs 2]

Without `--smoke`: the pairwise matrix over both reference revisions plus the
constructed December revision through every producer (30 PDFs, a few minutes). With
`--smoke`: the smoke test's small plan and its revision, one per producer. `--only`
keeps the renderings whose name contains one of the given strings ("calc", "2021-12").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.renderings.generate import matrix_renderings, render_all, smoke_renderings


def main(argv: list[str] | None = None) -> int:
    """Render and print one line per PDF: pages, rows split across pages, traits."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for PDFs and manifests")
    parser.add_argument("--smoke", action="store_true", help="the small smoke-test plans")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="name substrings to keep")
    parser.add_argument("--jobs", type=int, default=2, help="renderings at once (default 2)")
    args = parser.parse_args(argv)
    renderings = smoke_renderings() if args.smoke else matrix_renderings()
    if args.only:
        renderings = [r for r in renderings if any(o in r.name for o in args.only)]
    started = time.perf_counter()
    manifests = render_all(renderings, args.out, args.jobs)
    for m in manifests:
        t = m["traits"]
        flags = [
            name
            for name, on in (
                ("type0", t["type0_identity_h"]),
                ("no-spaces", t["no_space_glyphs"]),
                ("ligatures", t["ligatures"]),
                ("small-runs", t["many_small_runs"]),
            )
            if on
        ]
        print(
            f"{m['name']}: {m['pages']} pages, {len(m['objectives'])} objectives, "
            f"{m['rows_split_across_pages']} split across pages; {' '.join(flags) or '-'}"
        )
    print(f"{len(manifests)} PDFs in {args.out} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
