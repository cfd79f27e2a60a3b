"""The project's registry.yaml: an unknown sector stops the run naming the file, the page,
the label and the command that adds it; after `piano registry add`, or with
`normalise: unknown_labels: derive`, every row gets its sector and assignee key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from input_corpus import TITLE, objective
from pdf_factory import PageSpec, TableSpec, plan_pdf

from pipeline.cli import main
from pipeline.normalise.registry import bundled_registry_text, yaml_to_registry

NEW_SECTOR = "PNRR E TRANSIZIONE DIGITALE"
NEW_KEY = "pnrr_transizione_digitale"
ADD = ["registry", "add", NEW_KEY, "--label", NEW_SECTOR, "--kind", "sector"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (params.yaml) holding a revision with a sector no registry knows,
    on its second page, as the working folder."""
    root = tmp_path / "project"
    (root / "sources").mkdir(parents=True)
    (root / "params.yaml").write_text("normalise:\n  min_label_score: 65.0\n", "utf-8")
    plan_pdf(
        root / "sources" / "comune-2022-11.pdf",
        [
            PageSpec(
                [TableSpec([objective("1", "ISTRUZIONE")], title="ISTRUZIONE")],
                lines_above=[TITLE],
            ),
            PageSpec(
                [
                    TableSpec(
                        [objective("1", NEW_SECTOR), objective("2", NEW_SECTOR)],
                        title=NEW_SECTOR,
                    )
                ]
            ),
        ],
    )
    monkeypatch.chdir(root)
    return root


def extract(project: Path) -> int:
    pdf = project / "sources" / "comune-2022-11.pdf"
    return main(["extract", str(pdf), "--out", str(project / "extracted" / "comune-2022-11")])


def objectives(project: Path) -> pd.DataFrame:
    return pd.read_parquet(project / "extracted" / "comune-2022-11" / "objectives.parquet")


def test_unknown_sector_stops_naming_the_registry_page_label_and_command(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    (project / "registry.yaml").write_text(bundled_registry_text(), "utf-8")
    assert extract(project) == 5
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("piano: error: comune-2022-11.pdf, page 2")
    assert "registry.yaml" in line
    assert repr(NEW_SECTOR) in line
    assert "closest: " in line
    assert f'piano registry add {NEW_KEY} --label "{NEW_SECTOR}" --kind sector' in line
    assert not (project / "extracted").exists()


def test_after_registry_add_every_row_has_its_sector_and_assignee(
    project: Path, capsys: pytest.CaptureFixture[str]
):
    assert not (project / "registry.yaml").exists()
    assert main(ADD) == 0
    # made from the bundled registry, with the new entry last
    registry = yaml_to_registry((project / "registry.yaml").read_text("utf-8"))
    assert registry.keys()[-1] == NEW_KEY
    assert len(registry.keys()) == len(yaml_to_registry(bundled_registry_text()).keys()) + 1
    assert extract(project) == 0
    table = objectives(project)
    assert list(table["sector"]) == ["istruzione", NEW_KEY, NEW_KEY]
    assert list(table["assignee"]) == ["istruzione", NEW_KEY, NEW_KEY]
    quality = pd.read_parquet(project / "extracted" / "comune-2022-11" / "quality.parquet")
    assert "label_key_derived" not in set(quality["rule"])


def test_derive_gives_every_row_its_derived_key_with_a_warning(project: Path):
    params = {"normalise": {"unknown_labels": "derive"}}
    (project / "params.yaml").write_text(yaml.safe_dump(params), "utf-8")
    assert extract(project) == 0
    table = objectives(project)
    assert list(table["sector"]) == ["istruzione", NEW_KEY, NEW_KEY]
    assert list(table["assignee"]) == ["istruzione", NEW_KEY, NEW_KEY]
    quality = pd.read_parquet(project / "extracted" / "comune-2022-11" / "quality.parquet")
    derived = quality[quality["rule"] == "label_key_derived"]
    assert len(derived) == 1
    assert (derived["severity"].iloc[0], derived["normalised_value"].iloc[0]) == (
        "warning",
        NEW_KEY,
    )
    assert not (project / "registry.yaml").exists()  # derive writes no file


def test_registry_add_twice_adds_the_label_once_and_keeps_the_comment(project: Path):
    assert main(ADD) == 0
    first = (project / "registry.yaml").read_text("utf-8")
    assert main(ADD) == 0
    assert (project / "registry.yaml").read_text("utf-8") == first
    assert first.startswith("# ")
    assert main([*ADD[:2], NEW_KEY, "--label", "PNRR", "--kind", "sector"]) == 0
    registry = yaml_to_registry((project / "registry.yaml").read_text("utf-8"))
    assert registry.entry(NEW_KEY).aliases == (NEW_SECTOR, "PNRR")


def test_registry_add_of_an_assignee_takes_its_sector(project: Path):
    args = ["registry", "add", "biblioteca", "--label", "BIBLIOTECA", "--kind", "assignee"]
    assert main([*args, "--sector", "cultura"]) == 0
    registry = yaml_to_registry((project / "registry.yaml").read_text("utf-8"))
    assert registry.sector_of("biblioteca") == "cultura"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Not A Key", "--label", "X", "--kind", "sector"], "lower-case words"),
        (["biblioteca", "--label", "B", "--kind", "assignee", "--sector", "nowhere"], "unknown"),
        (["sport", "--label", "SPORT", "--kind", "sector"], "kind assignee"),
        (["cultura", "--label", "TRIBUTI", "--kind", "sector"], "names both"),
    ],
)
def test_registry_add_that_would_spoil_the_registry_leaves_it_as_it_was(
    project: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
):
    (project / "registry.yaml").write_text(bundled_registry_text(), "utf-8")
    assert main(["registry", "add", *arguments]) == 5
    assert message in capsys.readouterr().err
    assert (project / "registry.yaml").read_text("utf-8") == bundled_registry_text()


def test_registry_add_outside_a_project_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.chdir(tmp_path)
    assert main(ADD) == 2
    assert "no project here" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
