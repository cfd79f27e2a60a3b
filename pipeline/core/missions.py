"""The budget classification of D.Lgs. 118/2011: missions and programmes, with their names."""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

import pandas as pd

from pipeline.core.contract import TEXT_DTYPE

MISSIONI_PROGRAMMI_COLUMNS = [
    "mission",
    "mission_name",
    "programme",
    "programme_name",
    "regions_only",
]


def csv_text_to_missioni_programmi(text: str) -> pd.DataFrame:
    """Given the missions/programmes CSV text, return it with typed columns.

    Columns: mission (Int64), mission_name (string), programme (Int64),
    programme_name (string), regions_only (bool: the official name says "solo per le
    Regioni").
    """
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if list(table.columns) != MISSIONI_PROGRAMMI_COLUMNS:
        raise ValueError(f"missioni_programmi: expected columns {MISSIONI_PROGRAMMI_COLUMNS}")
    return pd.DataFrame(
        {
            "mission": table["mission"].astype("Int64"),
            "mission_name": table["mission_name"].astype(TEXT_DTYPE),
            "programme": table["programme"].astype("Int64"),
            "programme_name": table["programme_name"].astype(TEXT_DTYPE),
            "regions_only": table["regions_only"].str.lower().eq("true"),
        }
    )


@lru_cache(maxsize=1)
def bundled_missioni_programmi() -> pd.DataFrame:
    """Return the bundled table of missions and programmes (cached; do not mutate)."""
    text = (
        resources.files("pipeline.core").joinpath("data/missioni_programmi.csv").read_text("utf-8")
    )
    return csv_text_to_missioni_programmi(text)


def load_missioni_programmi() -> pd.DataFrame:
    """Return a copy of the missions and programmes of D.Lgs. 118/2011, one row each.

    Join it to objectives on (dup_mission, dup_programme) = (mission, programme).
    """
    return bundled_missioni_programmi().copy()


@lru_cache(maxsize=1)
def known_mission_programmes() -> frozenset[tuple[int, int]]:
    """Return the (mission, programme) pairs of the bundled classification."""
    table = bundled_missioni_programmi()
    return frozenset(zip(table["mission"].astype(int), table["programme"].astype(int), strict=True))
