"""`piano score`: the thin runner of the score model (`pipeline.score`).

It reads an extracted folder and an achievements CSV, calls the model, validates the
tables and writes them; every output goes to a temporary file in the output folder first
and is renamed into place only when all of them are written, so a failed run leaves the
folder as it was.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from pathlib import Path

from pipeline.core.contract import check_plan_name
from pipeline.core.errors import PianoError
from pipeline.core.settings import settings_from_file
from pipeline.score.files import score_folder, scores_to_report, write_scores, write_template
from pipeline.score.model import (
    ScoreSettings,
    text_to_number,
)

DEFAULT_EXTRACTED_ROOT = Path("extracted")
DEFAULT_SCORED_ROOT = Path("scored")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `score` command to the `piano` parser."""
    doc = inspect.cleandoc(run_score.__doc__ or "")
    parser = subparsers.add_parser(
        "score",
        help=doc.splitlines()[0],
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=(
            "piano score template NAME --out FILE.csv [--example]\n"
            "       piano score NAME --achievements FILE.csv [--fund EUR] [--out DIR]"
        ),
    )
    parser.add_argument(
        "words",
        nargs="+",
        metavar="[template] NAME",
        help="extracted folder name, e.g. "
        "desenzano-2021-11; `template NAME` writes the CSV to fill in",
    )
    parser.add_argument(
        "--extracted-root",
        type=Path,
        default=DEFAULT_EXTRACTED_ROOT,
        help=f"folder holding the extracted folders (default: {DEFAULT_EXTRACTED_ROOT})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"template: the CSV to write; score: output folder (default: "
        f"{DEFAULT_SCORED_ROOT}/NAME)",
    )
    parser.add_argument("--achievements", type=Path, help="the filled-in achievements CSV")
    parser.add_argument(
        "--fund", type=text_to_fund, help="variable bonus fund in euro (overrides params.yaml)"
    )
    parser.add_argument(
        "--params", type=Path, help="params.yaml whose `score:` section sets the model's knobs"
    )
    parser.add_argument(
        "--example",
        action="store_true",
        help="template: fill in invented example values, marked as such",
    )
    parser.set_defaults(func=run_score)


def text_to_fund(text: str) -> float:
    """Given the --fund argument ("120000", "120.000,50"), return the amount in euro."""
    if text.strip().endswith("%"):
        raise argparse.ArgumentTypeError(f"the fund is an amount in euro, not {text!r}")
    try:
        amount = text_to_number(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an amount in euro: {text!r}") from error
    if amount < 0:
        raise argparse.ArgumentTypeError("the fund cannot be negative")
    return amount


def run_score(args: argparse.Namespace) -> None:
    """Score a plan's sub-targets, objectives and sectors, and split the bonus fund.

    First write the CSV each office fills in (one row per sub-target; fill achieved_pct,
    or measured_value where the target has a threshold, completed_on and note):

        piano score template desenzano-2021-11 --out achievements-2021.csv

    then score it, writing objective_scores.parquet, sector_scores.parquet,
    target_scores.parquet, score_quality.parquet, score_summary.json and score_chart.png:

        piano score desenzano-2021-11 --achievements achievements-2021.csv --fund 120000

    The formulas are in docs/score-model.md. A bad achievements file fails with its line
    number and nothing is written.
    """
    words = args.words
    if words[0] == "template" and len(words) == 2:
        if args.out is None:
            raise PianoError("piano score template needs --out FILE.csv")
        if args.achievements is not None or args.fund is not None:
            raise PianoError("--achievements and --fund belong to `piano score NAME`")
        settings = settings_from_file(ScoreSettings, args.params, "score")
        folder = args.extracted_root / check_plan_name(words[1])
        count = write_template(folder, args.out, args.example, settings)
        print(f"wrote {args.out}: {count} sub-targets")
        return
    if len(words) != 1:
        raise PianoError(f"expected `template NAME` or NAME, got {' '.join(words)!r}")
    if args.achievements is None:
        raise PianoError("piano score NAME needs --achievements FILE.csv")
    if args.example:
        raise PianoError("--example belongs to `piano score template`")
    settings = settings_from_file(ScoreSettings, args.params, "score")
    if args.fund is not None:
        settings = dataclasses.replace(settings, fund_eur=args.fund)
    out = args.out or DEFAULT_SCORED_ROOT / words[0]
    scores = score_folder(
        args.extracted_root / check_plan_name(words[0]), args.achievements, settings
    )
    write_scores(scores, out)
    print(scores_to_report(scores, out))
