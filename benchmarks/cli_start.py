"""Time how long `piano --version` and `piano --help` take to answer, against a bare
`python -c pass` measured in the same run (the interpreter's own start on this machine,
at this moment: the machine may be shared), and fail past a ratio (10× by default).

Each round runs the three commands once each, interleaved, every one in a fresh
process; the median of the rounds is reported. Run it by hand after touching the CLI's
imports:

    python3 benchmarks/cli_start.py
    python3 benchmarks/cli_start.py --rounds 5 --max-ratio 10
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_ROUNDS = 15
DEFAULT_MAX_RATIO = 10.0
# the installed command beside this interpreter (.venv/bin/piano), else the module
ENTRY = Path(sys.executable).parent / "piano"
PIANO = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "pipeline"]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "piano --version": [*PIANO, "--version"],
    "piano --help": [*PIANO, "--help"],
}


def command_to_seconds(command: list[str]) -> float:
    """Given a command line, run it once with its output discarded; return its wall time."""
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def rounds_to_medians(rounds: int) -> dict[str, float]:
    """Given a number of rounds, return each command's median wall time over them."""
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            times[name].append(command_to_seconds(command))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--max-ratio", type=float, default=DEFAULT_MAX_RATIO)
    args = parser.parse_args()
    medians = rounds_to_medians(args.rounds)
    bare = medians["python -c pass"]
    print(f"{'command':<18} {'median ms':>10} {'× python':>9}")
    for name, seconds in medians.items():
        print(f"{name:<18} {seconds * 1000:>10.1f} {seconds / bare:>8.1f}×")
    worst = max(medians[n] / bare for n in COMMANDS if n.startswith("piano"))
    verdict = "within" if worst <= args.max_ratio else "past"
    print(f"slowest piano command: {worst:.1f}× python -c pass, {verdict} {args.max_ratio:g}×")
    return 0 if worst <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
