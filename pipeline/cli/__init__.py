"""The `piano` command: a thin layer that parses arguments, calls the library and turns
library errors into one line on stderr and an exit code.

Each command lives in its own module exposing `register(subparsers)`; the module's
`run_*` function's docstring is the command's help text. Running a command imports only
its own module (`piano extract` does not pay for the diff's scipy or the score's
matplotlib); `piano --help` imports them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pipeline import __version__
from pipeline.core.errors import PianoError

# modules that add a subcommand, in the order `piano --help` lists them; each module is
# named after its command
COMMAND_MODULES = [
    "pipeline.cli.extract",
    "pipeline.cli.stage",
    "pipeline.cli.corrections",
    "pipeline.cli.score",
    "pipeline.cli.diff",
    "pipeline.cli.review",
    "pipeline.cli.docs",
]


def command_name(module: str) -> str:
    """Given a command module's name, return the command it adds."""
    return module.rsplit(".", 1)[-1]


def argv_to_command(argv: Sequence[str]) -> str | None:
    """Given the arguments after `piano`, return the command named (the first argument
    that is no option: the top-level options take no value), or None."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Return the `piano` argument parser with every command registered, or only
    `command` when it is one (an unknown name gets them all, for argparse's error)."""
    parser = argparse.ArgumentParser(
        prog="piano",
        description="Turn municipal performance plans (PDF) into validated Parquet.",
    )
    parser.add_argument("--version", action="version", version=f"piano {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [m for m in COMMAND_MODULES if command_name(m) == command] or COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `piano`; return the exit code (0 on success)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv_to_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        args.func(args)
    except PianoError as error:
        if args.debug:
            raise
        print(f"piano: error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        # an interrupt during the final renames is held until all are done, so the
        # folder holds either the previous run's files or this run's, never a mix
        print("piano: interrupted; no output file was left half written", file=sys.stderr)
        return 130
    return 0
