"""Bad input: each kind of unusable file gives one line naming the file, the page where
one applies and the problem, its own exit code, no traceback (unless --debug), and
leaves the output folder of an earlier good run byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from input_corpus import (
    foreign_block_plan,
    good_plan,
    missing_column_plan,
    no_table_pdf,
    random_bytes_pdf,
    truncated_pdf,
    user_password_pdf,
    zero_page_pdf,
)

from pipeline.cli import main
from pipeline.core import errors
from pipeline.core.errors import EncryptedPdfError

ROOT = Path(__file__).resolve().parent.parent


def folder_hashes(folder: Path) -> dict[str, str]:
    """Given a folder, return the SHA-256 of every file in it (hidden ones too) by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of a good run, made once for the module."""
    folder = tmp_path_factory.mktemp("good")
    out = folder / "out"
    assert main(["extract", str(good_plan(folder / "piano.pdf")), "--out", str(out)]) == 0
    return out


@pytest.fixture
def previous_output(tmp_path: Path, good_output: Path) -> Path:
    """A copy of the good run's output folder that a bad run must leave as it is."""
    out = tmp_path / "out"
    shutil.copytree(good_output, out)
    return out


# builder, file name, exit code, the message after "piano: error: "
BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], str, int, str]] = {
    "truncated": (
        truncated_pdf,
        "troncato.pdf",
        2,
        "troncato.pdf: the PDF is truncated: it does not end with %%EOF",
    ),
    "random_bytes": (
        random_bytes_pdf,
        "casuale.pdf",
        2,
        "casuale.pdf: not a PDF: there is no %PDF- header in its first 1024 bytes",
    ),
    "user_password": (
        user_password_pdf,
        "protetto.pdf",
        15,
        "protetto.pdf: the PDF is encrypted with a user password; piano "
        "cannot open it without one (ask for an unprotected copy)",
    ),
    "zero_pages": (zero_page_pdf, "vuoto.pdf", 2, "vuoto.pdf: the PDF has no pages"),
    "no_tables": (
        no_table_pdf,
        "lettera.pdf",
        3,
        "lettera.pdf: no table with a plan header (n., Assegnatario, OGGETTO, "
        "DESCRIZIONE, RISULTATO …) was found",
    ),
    "missing_column": (
        missing_column_plan,
        "senza-risultato.pdf",
        16,
        "senza-risultato.pdf, page 2: the table header has no column for expected_result",
    ),
    "foreign_block": (
        foreign_block_plan,
        "altra-griglia.pdf",
        16,
        "altra-griglia.pdf, page 2: a table has no header row and its grid is not that of "
        "the header on page 1, so its columns cannot be named (value: '2 | ISTRUZIONE | 4.1.0",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_gives_one_line_its_exit_code_and_leaves_the_output_as_it_was(
    case: str, tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    build, name, exit_code, message = BAD_INPUTS[case]
    pdf = build(tmp_path / name)
    before = folder_hashes(previous_output)
    code = main(["extract", str(pdf), "--out", str(previous_output)])
    captured = capsys.readouterr()
    assert code == exit_code
    # stdout: at most the pages read before the error, one line each
    assert all(line.startswith(f"extract {name}: page ") for line in captured.out.splitlines())
    assert len(captured.err.splitlines()) == 1, captured.err
    assert captured.err.startswith(f"piano: error: {message}"), captured.err
    assert folder_hashes(previous_output) == before


def test_missing_file_is_named_with_exit_code_2(
    tmp_path: Path, previous_output: Path, capsys: pytest.CaptureFixture[str]
):
    before = folder_hashes(previous_output)
    missing = tmp_path / "nessuno.pdf"
    assert main(["extract", str(missing), "--out", str(previous_output)]) == 2
    assert capsys.readouterr().err == f"piano: error: {missing}: file not found\n"
    assert folder_hashes(previous_output) == before


def test_debug_shows_the_error_itself(tmp_path: Path):
    pdf = user_password_pdf(tmp_path / "protetto.pdf")
    with pytest.raises(EncryptedPdfError):
        main(["--debug", "extract", str(pdf), "--out", str(tmp_path / "out")])


def test_command_line_prints_no_traceback_on_bad_input(tmp_path: Path, previous_output: Path):
    pdf = truncated_pdf(tmp_path / "troncato.pdf")
    before = folder_hashes(previous_output)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(previous_output)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("piano: error: troncato.pdf: the PDF is truncated")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert folder_hashes(previous_output) == before


def readme_exit_codes() -> dict[str, int]:
    """Return error class → exit code from the README's exit-code table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## When the input is bad", 1)[1].split("\n## ", 1)[0]
    return {m[1]: int(m[0]) for m in re.findall(r"^\| (\d+) \| `(\w+)` \|", section, re.M)}


def test_readme_lists_every_error_class_with_its_exit_code():
    classes = {
        c.__name__: c.exit_code
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.PianoError)
    }
    assert readme_exit_codes() == classes
    codes = [c for name, c in classes.items() if name != "PianoError"]
    assert len(codes) == len(set(codes)), "two failure kinds share an exit code"


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_readme_shows_each_bad_input_message_with_its_exit_code(case: str):
    _, name, exit_code, message = BAD_INPUTS[case]
    shown = re.sub(r"page \d+", "page N", message.replace(name, "FILE")).split(" (value:")[0]
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\|", "|")
    rows = [line for line in readme.splitlines() if f"`{shown}" in line]
    assert rows and rows[0].endswith(f"| {exit_code} |"), shown
