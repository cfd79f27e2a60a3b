"""One settings path: every settings class is reachable from params.yaml, and every bad
key or value, in any command, is a SettingsError naming the file, the key and the value."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import typing
from pathlib import Path

import pytest
from conftest import ROOT

import pipeline
from pipeline.cli import main
from pipeline.core.errors import SettingsError
from pipeline.core.settings import Settings, settings_from_file
from pipeline.diff.compare import DiffSettings
from pipeline.extract.stage import ExtractSettings
from pipeline.normalise.stage import NormaliseSettings
from pipeline.review.crops import ReviewSettings
from pipeline.score.model import ScoreSettings

# params.yaml's sections, each read by one settings class
SECTIONS: dict[str, type[Settings]] = {
    "extract": ExtractSettings,
    "normalise": NormaliseSettings,
    "score": ScoreSettings,
    "diff": DiffSettings,
    "review": ReviewSettings,
}


def settings_classes() -> set[type[Settings]]:
    """Every Settings subclass the package defines."""
    for module in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[Settings]] = set()
    todo = list(Settings.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return found


def reachable(cls: type[Settings]) -> set[type[Settings]]:
    """The class and every settings class that is a section under it."""
    out = {cls}
    for name, typ in typing.get_type_hints(cls).items():
        fields = {f.name for f in dataclasses.fields(cls)}
        if name in fields and isinstance(typ, type) and issubclass(typ, Settings):
            out |= reachable(typ)
    return out


def test_every_settings_class_is_reachable_from_params_yaml():
    from_params = set().union(*(reachable(cls) for cls in SECTIONS.values()))
    assert settings_classes() == from_params


def test_the_bundled_params_yaml_is_read_by_every_section():
    for section, cls in SECTIONS.items():
        assert isinstance(settings_from_file(cls, ROOT / "params.yaml", section), cls)


@pytest.mark.parametrize(
    ("section", "params", "key", "problem"),
    [
        ("extract", {"read": {"engine": "ocr"}}, "extract.read.engine", "must be one of"),
        (
            "extract",
            {"ruled_grid": {"snap_tolerance": -1}},
            "extract.ruled_grid.snap_tolerance",
            "must be >= 0",
        ),
        (
            "extract",
            {"header": {"min_keyword_score": 0}},
            "extract.header.min_keyword_score",
            "must be > 0",
        ),
        ("extract", {"ocr": {"workers": 1.5}}, "extract.ocr.workers", "must be a whole number"),
        ("extract", {"ocr": {"language": "ita; rm"}}, "extract.ocr.language", "must read like"),
        (
            "extract",
            {"read": {"min_scan_dpi": 500}},
            "extract.read.min_scan_dpi",
            "must be <= extract.read.max_scan_dpi",
        ),
        (
            "extract",
            {"cells": {"enlargements": [0.5]}},
            "extract.cells.enlargements",
            "must be >= 1",
        ),
        ("extract", {"text_grid": "wide"}, "extract.text_grid", "must be a section"),
        ("normalise", {"min_label_score": 200}, "normalise.min_label_score", "must be <= 100"),
        ("normalise", {"weight_total": float("nan")}, "normalise.weight_total", "finite"),
        ("score", {"excluded_statuses": ["lost"]}, "score.excluded_statuses", "must be one of"),
        (
            "diff",
            {"similarity_weights": {"subject": 0}},
            "diff.similarity_weights",
            "not be all zero",
        ),
        ("review", {"png_colors": 1}, "review.png_colors", "must be >= 2 (or 0)"),
        ("review", {"scale": True}, "review.scale", "must be a number"),
    ],
)
def test_a_bad_value_names_its_key_and_value(section, params, key, problem):
    with pytest.raises(SettingsError, match=re.escape(problem)) as raised:
        SECTIONS[section].from_params(params, key=section, file="params.yaml")
    assert raised.value.field == key and raised.value.file == "params.yaml"
    assert raised.value.one_line().startswith(f"params.yaml, field {key}: ")


def test_a_value_in_range_and_a_list_for_a_tuple_are_taken():
    settings = ExtractSettings.from_params(
        {"cells": {"enlargements": [2, 3]}, "read": {"x_tolerance": 2}}, key="extract"
    )
    assert settings.cells.enlargements == (2.0, 3.0) and settings.read.x_tolerance == 2.0
    assert ReviewSettings.from_params({"png_colors": 0}).png_colors == 0


def params_file(folder: Path, text: str) -> Path:
    path = folder / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["extract", "sources/desenzano-2021-11.pdf", "--out", "{out}"],
        ["stage", "extract", "sources/desenzano-2021-11.pdf", "--out", "{out}"],
        ["stage", "normalise", "{out}", "--out", "{out}"],
        ["score", "desenzano-2021-11", "--achievements", "x.csv", "--out", "{out}"],
        ["diff", "{out}", "{out}", "--out", "{out}"],
        ["review", "desenzano-2021-11", "--out", "{out}"],
    ],
)
def test_every_command_refuses_a_bad_params_file_with_exit_11(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    params = params_file(
        tmp_path,
        "extract: {read: {engine: x}}\nnormalise: {min_label_score: x}\nscore: {fund_eur: x}\n"
        "diff: {min_similarity: x}\nreview: {scale: x}\n",
    )
    out = tmp_path / "out"
    argv = [str(ROOT / a) if a.startswith("sources/") else a.format(out=out) for a in command]
    assert main([*argv, "--params", str(params)]) == 11
    err = capsys.readouterr().err
    assert err.startswith(f"piano: error: {params}, field ") and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"extract: [unclosed\n", "malformed YAML"),
        (b"extract:\n  read: {engine: \xe9}\n", "not UTF-8"),
        (b"- just\n- a list\n", "mapping of sections"),
        (b"a: &a [1]\n" + b"".join(b"b%d: [*a, *a, *a]\n" % k for k in range(40)), "aliases"),
    ],
)
def test_a_params_file_that_cannot_be_read_is_a_settings_error(
    content: bytes, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    params = tmp_path / "params.yaml"
    params.write_bytes(content)
    code = main(
        [
            "extract",
            str(ROOT / "sources/desenzano-2021-11.pdf"),
            "--out",
            str(tmp_path / "out"),
            "--params",
            str(params),
        ]
    )
    assert code == 11
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1
