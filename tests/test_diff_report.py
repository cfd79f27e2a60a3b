"""The markdown memo: it only renders the PlanDiff."""

from __future__ import annotations

import datetime as dt

from plan_frames import objective, plan

from pipeline.diff.compare import compare_plans
from pipeline.diff.report import diff_to_counts, diff_to_markdown, words_to_markdown_diff

KENNEL = objective(
    7,
    "7",
    "gestione canile",
    "Rinnovare il Disciplinare con i Comuni associati.",
    sector="ecologia",
)


def test_changed_words_are_struck_and_bold_unchanged_words_plain():
    assert (
        words_to_markdown_diff(
            "entro settembre e il 70% degli accessi", "entro ottobre e il 75% degli accessi"
        )
        == "entro ~~settembre~~ **ottobre** e il ~~70%~~ **75%** degli accessi"
    )


def test_rewrapping_is_not_highlighted_and_new_item_breaks_are_kept():
    assert words_to_markdown_diff("Avvio procedure\n(peso 60%)", "Avvio procedure (peso 60%)") == (
        "Avvio procedure (peso 60%)"
    )
    assert words_to_markdown_diff("almeno 25", "almeno 30\nentro giugno") == (
        "almeno ~~25~~ **30  \nentro giugno**"
    )


def test_markdown_characters_in_the_text_are_escaped():
    assert words_to_markdown_diff("a_b *c*", "a_b *d*") == "a\\_b ~~\\*c\\*~~ **\\*d\\***"


def test_memo_shows_counts_relevance_and_each_change_with_highlights():
    old = plan("2021-07", [KENNEL], weights={"ecologia": 4.0})
    new = plan(
        "2021-11",
        [
            {
                **KENNEL,
                "description": "Rinnovare il Disciplinare: rinviato al 2022.",
                "status": "postponed",
                "deadline_raw": "31/12/2022",
                "deadline": dt.date(2022, 12, 31),
            }
        ],
        weights={"ecologia": 4.0},
        labels={"ecologia": "Ecologia"},
    )

    memo = diff_to_markdown(compare_plans(old, new))

    assert "# Piano delle performance: variazioni dalla revisione 2021-07 alla 2021-11" in memo
    assert "| Ecologia | 1 | 1 | 0 | 0 | 1 | 0 |" in memo
    assert "## Rilevanza degli obiettivi\n\nNessuna variazione." in memo
    assert "### n. 7 — gestione canile (modificato; 01.07 → 01.07)" in memo
    assert (
        "- **DESCRIZIONE**: Rinnovare il ~~Disciplinare con i Comuni associati.~~ "
        "**Disciplinare: rinviato al 2022.**" in memo
    )
    assert "- **TEMPI STABILITI**: ~~31/12/2021~~ **31/12/2022**" in memo
    # the normalised date repeats the printed cell, so only the printed one is shown
    assert "Scadenza" not in memo
    assert "- **Stato**: ~~attivo~~ **rinviato**" in memo


def test_added_objective_is_shown_in_full_and_counted():
    new_one = objective(
        8,
        "8",
        "Presidio territorio",
        "Rafforzare il presidio notturno.",
        indicator="Presidi effettuati\nPresidi richiesti",
    )
    diff = compare_plans(plan("2021-07", [KENNEL]), plan("2021-11", [KENNEL, new_one]))

    memo = diff_to_markdown(diff)

    assert "### n. 8 — Presidio territorio (aggiunto; — → 01.08)" in memo
    assert "- **INDICATORE PERFORMANCE**: Presidi effettuati  \nPresidi richiesti" in memo
    counts = diff_to_counts(diff)
    assert counts.to_dict("records") == [
        {
            "sector": "ecologia",
            "old": 1,
            "new": 1,
            "added": 0,
            "removed": 0,
            "modified": 0,
            "renumbered": 0,
        },
        {
            "sector": "istruzione",
            "old": 0,
            "new": 1,
            "added": 1,
            "removed": 0,
            "modified": 0,
            "renumbered": 0,
        },
    ]


def test_memo_of_identical_revisions_says_nothing_changed():
    frames = plan("2021-11", [KENNEL])

    assert "Nessun obiettivo è cambiato." in diff_to_markdown(compare_plans(frames, frames))


def test_a_target_whose_unit_is_no_longer_read_is_shown_not_a_crash():
    # regression: a target field that becomes null (an OCR'd "≥ 90%" read as "290%") made
    # the memo fail on pandas' NA
    old = plan(
        "2021-07",
        [KENNEL],
        [{"objective_id": "01.07", "target_seq": 1, "text": "≥ 90%", "unit": "%"}],
        weights={"ecologia": 4.0},
    )
    new = plan(
        "2021-11",
        [{**KENNEL, "expected_result": "290"}],
        [{"objective_id": "01.07", "target_seq": 1, "text": "≥ 90", "unit": None}],
        weights={"ecologia": 4.0},
    )

    memo = diff_to_markdown(compare_plans(old, new))

    assert "**Risultato 1, " in memo
    assert "~~%~~" in memo
