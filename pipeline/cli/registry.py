"""`piano registry add`: a sector or assignee label into the project's registry.yaml."""

from __future__ import annotations

import argparse
import inspect
from pathlib import Path
from typing import Any

from pipeline.core.errors import InputError
from pipeline.core.folders import text_writer, write_file
from pipeline.core.project import folder_to_project_root
from pipeline.normalise.registry import (
    KINDS,
    REGISTRY_FILE,
    bundled_registry_text,
    registry_text_with_label,
)


def register(subparsers: Any) -> None:
    """Add the `registry` command to the `piano` parser."""
    doc = inspect.cleandoc(run_registry_add.__doc__ or "")
    parser = subparsers.add_parser(
        "registry",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("key", metavar="KEY", help="the canonical key, e.g. pnrr_transizione_digitale")
    add.add_argument("--label", required=True, help="the label as printed in the plan")
    add.add_argument("--kind", required=True, choices=KINDS, help="sector, or assignee only")
    add.add_argument(
        "--sector", help="assignee: the sector it belongs to (default: none, cross-cutting)"
    )
    add.add_argument(
        "--registry",
        type=Path,
        help=f"the file to edit (default: the project's {REGISTRY_FILE})",
    )
    add.set_defaults(func=run_registry_add)


def run_registry_add(args: argparse.Namespace) -> None:
    """Add a printed sector or assignee label to the project's registry.yaml.

    Example:

        piano registry add pnrr_digitale --label "PNRR E DIGITALE" --kind sector
        piano registry add biblioteca --label "BIBLIOTECA" --kind assignee --sector cultura

    The project is the nearest folder at or above the working one that holds dvc.yaml
    or params.yaml; its registry.yaml is made from the bundled registry when missing. A
    new KEY becomes an entry (an assignee's sector given by --sector); a known KEY gets
    the label among its aliases. The file is checked whole and replaced in one step.
    """
    path = args.registry
    if path is None:
        root = folder_to_project_root()
        if root is None:
            raise InputError(
                "no project here: no dvc.yaml or params.yaml in this folder or above "
                "(or name the file with --registry)"
            )
        path = root / REGISTRY_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else bundled_registry_text()
    updated = registry_text_with_label(
        text, args.key, args.label, args.kind, args.sector, str(path)
    )
    write_file(path, text_writer(updated))
    print(f"{path}: {args.kind} {args.key} answers to {args.label!r}")
