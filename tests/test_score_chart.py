"""The score chart: what an office reads off it."""

from __future__ import annotations

from score_frames import achievement_rows, objectives_frame, sector_weights_frame, targets_frame

from pipeline.score.chart import euro_to_text, sector_scores_to_figure
from pipeline.score.model import ScoreSettings, plan_to_scores


def chart_scores(fund):
    objectives = objectives_frame(
        {"objective_id": "01.01", "sector": "istruzione"},
        {"objective_id": "16.01", "sector": None},
    )
    targets = targets_frame(
        {"objective_id": "01.01", "target_seq": 1}, {"objective_id": "16.01", "target_seq": 1}
    )
    rows = achievement_rows(
        {"objective_id": "01.01", "target_seq": 1, "achieved_pct": "90"},
        {"objective_id": "16.01", "target_seq": 1, "achieved_pct": "70"},
    )
    weights = sector_weights_frame({"istruzione": 2.5, "cultura": 97.5})
    return plan_to_scores(objectives, targets, weights, rows, ScoreSettings(fund_eur=fund))


def figure_texts(figure):
    return [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]


def test_chart_labels_sectors_with_relevance_and_shows_the_remainder():
    scores = chart_scores(10000.0)
    figure = sector_scores_to_figure(scores.sector_scores, scores.split)
    texts = figure_texts(figure)
    score_axes, fund_axes = figure.axes[:2]
    labels = [t.get_text() for t in score_axes.get_yticklabels()]
    assert labels == [
        "Istruzione (rilevanza 2,5%)",
        "Cultura (rilevanza 97,5%)",
        "Obiettivi trasversali (fuori ripartizione)",
    ]
    assert "€ 225,00" in " ".join(texts)  # 10000 x 2.5% x 90%
    assert "non distribuito € 9.775,00" in " ".join(texts)


def test_chart_without_a_fund_shows_percent_of_the_fund():
    scores = chart_scores(None)
    texts = " ".join(figure_texts(sector_scores_to_figure(scores.sector_scores, None)))
    assert "2,25%" in texts and "non distribuito 97,75%" in texts


def test_euro_amounts_are_written_the_italian_way():
    assert euro_to_text(1234567.5) == "€ 1.234.567,50"
