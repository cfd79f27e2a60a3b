"""`piano docs`: write the data dictionary generated from the pandera models."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path
from typing import Any

from pipeline.core.errors import StaleDocsError
from pipeline.core.folders import text_writer, write_file
from pipeline.docs import data_dictionary_to_markdown

DEFAULT_OUT = Path("docs/data-dictionary.md")


def register(subparsers: Any) -> None:
    """Add the `docs` command to the `piano` parser."""
    doc = inspect.cleandoc(run_docs.__doc__ or "")
    parser = subparsers.add_parser(
        "docs",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="FILE",
        help=f"where to write the Markdown (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail when FILE differs from what would be written",
    )
    parser.set_defaults(func=run_docs)


def run_docs(args: argparse.Namespace) -> None:
    """Write the data dictionary (docs/data-dictionary.md) from the pandera models.

    Example:

        piano docs
        piano docs --check

    Every output table's columns with their type, checks and meaning, read from
    pipeline/validate/schemas.py, pipeline/diff/schemas.py and pipeline/score/schemas.py: change a
    column's description there and run `piano docs`. With --check nothing is written and
    the command fails when the file is out of date.
    """
    markdown = data_dictionary_to_markdown()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != markdown:
            raise StaleDocsError(
                "out of date with the pandera models; run `piano docs`", file=str(args.out)
            )
        print(f"{args.out} is up to date")
        return
    write_file(args.out, text_writer(markdown))
    print(f"wrote {args.out}")
