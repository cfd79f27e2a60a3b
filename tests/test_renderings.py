"""piano on one small plan printed by each PDF producer, through the benchmark's own code
(`benchmarks.renderings_bench`): two blocks, front matter with a running header and a
"Pagina N di M" footer, bold sector headings, the header row printed once per table,
long rows breaking across a page, whose sub-targets must be those of the same rows in the
bundled ruled PDF; and the constructed revision of that plan, whose diff must be exactly
its edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.renderings.generate import smoke_renderings
from benchmarks.renderings.matrix import PRODUCERS
from benchmarks.renderings_bench import evaluate_all

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], dict[str, Any]]:
    """Render (cached in build/, like the benchmark) and evaluate the smoke set; return
    (producer, base|revised) → result."""
    out = ROOT / "build" / "renderings-smoke"
    renderings = smoke_renderings()
    evaluated = evaluate_all(renderings, out)
    return {(r["producer"], "revised" if "diff_ok" in r else "base"): r for r in evaluated}


def _base(results: dict[tuple[str, str], dict[str, Any]], producer: str) -> dict[str, Any]:
    result = results[(producer, "base")]
    assert result["exit"] == 0, f"{result['name']}: piano extract failed: {result['error']}"
    return result


def test_smoke_set_has_rows_broken_across_pages(results):
    split = {p: results[(p, "base")]["rows_split"] for p in PRODUCERS}
    # a spreadsheet never breaks a row; every other producer here does
    assert all(n > 0 for p, n in split.items() if p != "calc"), split


@pytest.mark.parametrize("producer", PRODUCERS)
def test_every_row_found_and_none_extra(results, producer):
    result = _base(results, producer)
    assert (result["recall"], result["precision"]) == (1.0, 1.0), result["first_misses"]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_printed_cells_read_exactly(results, producer):
    result = _base(results, producer)
    assert result["cell_accuracy"] >= 0.999, result["first_misses"]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_normalised_fields_right(results, producer):
    result = _base(results, producer)
    assert result["normalised_fields"] == {k: 1.0 for k in result["normalised_fields"]}


@pytest.mark.parametrize("producer", PRODUCERS)
def test_blocks_ids_and_pages_as_printed(results, producer):
    result = _base(results, producer)
    positions = (result["blocks_ok"], result["ids_ok"], result["pages_ok"])
    assert positions == (1.0, 1.0, 1.0), result["position_misses"]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_municipality_and_revision_read_from_the_title(results, producer):
    result = _base(results, producer)
    assert (result["municipality"], result["revision"]) == (
        "Comune di Desenzano del Garda",
        "2021-11",
    )


@pytest.mark.parametrize("producer", PRODUCERS)
def test_targets_are_those_of_the_bundled_ruled_plan(results, producer):
    result = _base(results, producer)
    assert result["targets_plan"] == "desenzano-2021-11"
    assert result["targets_ok"] == 1.0, result["target_misses"]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_pdfium_and_pdfplumber_readers_agree(results, producer):
    result = _base(results, producer)
    assert result["readers_agree"], result["readers_difference"]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_diff_of_constructed_revision_is_exactly_its_edits(results, producer):
    result = results[(producer, "revised")]
    assert result.get("exit") == 0, f"{result['name']}: piano extract failed: {result['error']}"
    assert result["diff_ok"], (result.get("diff_missing"), result.get("diff_extra"))
