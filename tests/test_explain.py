"""The hypothesis view's facts: items for and against, strongest first; coverage; indicators."""

from __future__ import annotations

from datetime import date

import pytest

from hypotheses.explain import brief
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.scoring import analyse

HYPS = [Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")]


def ev(eid: str, h1: str | None, **kw: object) -> Evidence:
    ratings = {"H2": "N"}
    if h1 is not None:
        ratings["H1"] = h1
    return Evidence.model_validate({"id": eid, "title": eid, "ratings": ratings, **kw})


def case(*items: Evidence, indicators: list[Indicator] | None = None) -> Case:
    return Case(id="c", title="c", hypotheses=HYPS, evidence=list(items),
                indicators=indicators or [])


def test_against_strongest_first_weight_and_rating_then_case_order() -> None:
    c = case(
        ev("E1", "I"),                                           # 1
        ev("E2", "II", credibility="low", relevance="low"),      # 2 × 1/2 = 1, ties E1: case order
        ev("E3", "I", credibility="high", relevance="high"),     # 2
        ev("E4", "II", credibility="high"),                      # 2√2
        ev("E5", "C"),
        ev("E6", "N"),
        ev("E7", "NA"),
    )
    b = brief(analyse(c), "H1", "weighted")
    assert [w.evidence.id for w in b.against] == ["E4", "E3", "E1", "E2"]
    assert b.against[0].strength == pytest.approx(2 * 2**0.5)
    assert [w.evidence.id for w in b.for_] == ["E5"]
    cov = b.coverage  # the analysis's counts, matching the lists shown
    assert (cov.rated, cov.unrated, cov.for_, cov.against, b.used) == (6, 0, 1, 4, 7)  # NA is not rated
    assert not cov.incomplete


def test_strength_is_what_the_item_moves_the_models_score_by_in_medium_items() -> None:
    """The strength read |rating| × weight under every model: under the inconsistency
    models, which count no rating for a hypothesis, a C item showed 1.00 though it moves
    nothing, and the unweighted one's weights counted. Hand-worked: E1 I of low weight
    (½), E2 CC of medium, E3 II of high credibility, medium relevance (√2)."""
    c = case(ev("E1", "I", credibility="low", relevance="low"), ev("E2", "CC"),
             ev("E3", "II", credibility="high"))

    def strengths(model: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        b = brief(analyse(c), "H1", model)
        return ([(w.evidence.id, round(w.strength, 6)) for w in b.against],
                [(w.evidence.id, round(w.strength, 6)) for w in b.for_])

    root2 = round(2 * 2**0.5, 6)
    assert strengths("inconsistency") == ([("E3", 2.0), ("E1", 1.0)], [("E2", 0.0)])
    assert strengths("weighted") == ([("E3", root2), ("E1", 0.5)], [("E2", 0.0)])
    # Bayes: |ln L| × weight ÷ ln 2 (one medium item): II ¼ → 2 × √2; I ½ → ½; CC 4 → 2
    assert strengths("bayes") == ([("E3", root2), ("E1", 0.5)], [("E2", 2.0)])


def test_same_fact_group_divides_strength_among_items_taking_part() -> None:
    c = case(
        ev("E1", "II", group="drafting"),
        ev("E2", "II", group="drafting"),
        ev("E3", "II", group="drafting", excluded=True),  # takes no part: n = 2
        ev("E4", "I"),
    )
    b = brief(analyse(c), "H1", "weighted")
    assert [(w.evidence.id, w.group_size, w.strength) for w in b.against] == [
        ("E1", 2, 1.0), ("E2", 2, 1.0), ("E4", 1, 1.0)
    ]


def test_as_of_leaves_later_items_out_and_unrated_makes_it_incomplete() -> None:
    c = case(
        ev("E1", "I", event_date="2022-03-01"),
        ev("E2", "CC", event_date="2022-04-01"),
        ev("E3", None),
    )
    b = brief(analyse(c, date(2022, 3, 15)), "H1", "weighted")
    assert [w.evidence.id for w in b.against] == ["E1"]
    assert b.for_ == []
    assert (b.coverage.rated, b.coverage.unrated, b.used) == (1, 1, 2)
    assert b.coverage.incomplete


def test_indicators_that_rate_it_and_overdue_ones() -> None:
    m1 = Indicator(id="M1", title="a", ratings={"H1": "C"}, expected_by=date(2022, 5, 1))
    m2 = Indicator(id="M2", title="b", ratings={"H2": "I"}, expected_by=date(2022, 5, 1),
                   status="lapsed")
    m3 = Indicator(id="M3", title="c", ratings={"H1": "II"})
    c = case(ev("E1", "C"), indicators=[m1, m2, m3])
    assert [i.id for i in brief(analyse(c), "H1", "weighted").indicators] == ["M1", "M3"]
    assert [i.id for i in c.overdue_indicators(date(2022, 5, 2))] == ["M1"]
    assert c.overdue_indicators(date(2022, 5, 1)) == []  # on the day is not late


def test_unknown_hypothesis_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        brief(analyse(case(ev("E1", "C"))), "H9", "weighted")


def test_an_indicator_observed_as_an_item_known_later_was_watched_then() -> None:
    """The hypothesis view as of a date read it 'observed', though its item came later."""
    m1 = Indicator(id="M1", title="a", ratings={"H1": "C"}, status="observed", evidence_id="E2")
    c = case(ev("E1", "I", event_date="2022-03-01"), ev("E2", "C", reported_date="2022-04-01"),
             indicators=[m1])
    before = brief(analyse(c, date(2022, 3, 15)), "H1", "weighted").indicators
    assert [(i.id, i.status) for i in before] == [("M1", "watching")]
    after = brief(analyse(c, date(2022, 4, 1)), "H1", "weighted").indicators
    assert [(i.id, i.status) for i in after] == [("M1", "observed")]
