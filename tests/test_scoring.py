"""Scoring checked against hand-worked examples of the formulas in hypotheses/README.md (Scoring)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from hypotheses.models import Case, Evidence, Hypothesis, suggested_credibility
from hypotheses.scoring import (
    LEVEL_WEIGHT,
    analyse,
    diagnosticity,
    posteriors,
    ranks,
    top_set,
    weight,
)
from tests.conftest import make_case

LN2 = math.log(2)
R2 = math.sqrt(2)
LN3 = math.log(1 / 3)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_weights_are_credibility_times_relevance() -> None:
    assert LEVEL_WEIGHT == {"low": 1 / R2, "medium": 1.0, "high": R2}
    ev = Evidence(id="E1", title="x", credibility="high", relevance="low")
    assert close(weight(ev), 1.0)
    assert close(weight(Evidence(id="E1", title="x", credibility="high", relevance="high")), 2.0)
    assert close(weight(Evidence(id="E1", title="x", credibility="low", relevance="low")), 0.5)


def test_example_a_inconsistency(case_a: Case) -> None:
    # H1: E2 I → −1.  H2: E1 I, E3 II → −3.  H3: E1 II → −2.
    a = analyse(case_a)
    assert a.models["inconsistency"].scores == (-1, -3, -2)
    assert a.models["inconsistency"].ranks == (1, 3, 2)


def test_example_a_weighted(case_a: Case) -> None:
    # w(E1)=1, w(E2)=√2, w(E3)=(1/√2)(√2)=1.  H1: −√2.  H2: −1 − 2·1 = −3.  H3: −2.
    s = analyse(case_a).models["weighted"].scores
    assert close(s[0], -R2) and close(s[1], -3.0) and close(s[2], -2.0)
    assert analyse(case_a).models["weighted"].ranks == (1, 3, 2)


def test_example_a_bayes(case_a: Case) -> None:
    # ln L: C ln2, I −ln2, II −2ln2, N 0, NA 0.
    expected = [
        LN3 + LN2 - R2 * LN2,  # H1: E1 C, E2 I (w √2), E3 NA
        LN3 - LN2 + R2 * LN2 - 2 * LN2,  # H2: E1 I, E2 C, E3 II
        LN3 - 2 * LN2 + LN2,  # H3: E1 II, E2 N, E3 C
    ]
    a = analyse(case_a)
    for got, want in zip(a.models["bayes"].scores, expected, strict=True):
        assert close(got, want)
    total = sum(math.exp(x) for x in expected)
    for got, want in zip(a.posterior, expected, strict=True):
        assert close(got, math.exp(want) / total)
    assert a.models["bayes"].ranks == (1, 3, 2)
    assert close(sum(a.posterior), 1.0)


def test_example_a_diagnosticity(case_a: Case) -> None:
    a = analyse(case_a)
    # E1: 1, −1, −2 → variance 14/9.  E2: −1, 1, 0 → 2/3.  E3: NA left out; −2, 1 → 9/4.
    assert close(a.diagnosticity[0], math.sqrt(14 / 9))
    assert close(a.diagnosticity[1], math.sqrt(2 / 3))
    assert close(a.diagnosticity[2], 1.5)


def test_example_a_linchpins_and_agreement(case_a: Case) -> None:
    # Without E1 every model's leader becomes H3; without E3 it becomes {H1,H2} or H2;
    # without E2 H1 still leads everywhere.
    a = analyse(case_a)
    assert a.linchpins == (
        ("inconsistency", "weighted", "bayes"),
        (),
        ("inconsistency", "weighted", "bayes"),
    )
    assert a.agree is True


def test_diagnosticity_needs_two_numeric_ratings() -> None:
    ev = Evidence(id="E1", title="x", ratings={"H1": "CC", "H2": "NA"})
    assert diagnosticity(ev, ["H1", "H2", "H3"]) == 0.0
    assert diagnosticity(Evidence(id="E1", title="x"), ["H1"]) == 0.0
    same = Evidence(id="E1", title="x", ratings={"H1": "C", "H2": "C"})
    assert diagnosticity(same, ["H1", "H2"]) == 0.0
    spread = Evidence(id="E1", title="x", ratings={"H1": "CC", "H2": "II"})
    assert diagnosticity(spread, ["H1", "H2"]) == 2.0


def test_ties_share_a_rank_competition_style() -> None:
    case = make_case({"E1": {"H1": "N", "H2": "N", "H3": "I"}})
    a = analyse(case)
    assert a.models["inconsistency"].ranks == (1, 1, 3)
    assert a.models["weighted"].ranks == (1, 1, 3)
    assert a.models["bayes"].ranks == (1, 1, 3)
    assert a.models["weighted"].order == [0, 1, 2]  # ties keep case order


def test_tie_tolerance_is_1e9() -> None:
    assert ranks([-1.0, -1.0 + 5e-10, -3.0]) == [1, 1, 3]
    assert ranks([-1.0, -1.0 + 2e-9, -3.0]) == [2, 1, 3]
    assert top_set([0.0, 1e-9, -1.0]) == frozenset({0, 1})
    assert ranks([0.0, 0.0, 0.0, -1.0, -1.0]) == [1, 1, 1, 4, 4]


def test_na_and_unrated_count_for_nothing() -> None:
    case = make_case({"E1": {"H1": "NA", "H2": "I"}, "E2": {"H2": "C"}})
    a = analyse(case)
    assert a.models["inconsistency"].scores == (0, -1)
    s = a.models["bayes"].scores
    assert close(s[0], math.log(0.5))  # NA and unrated: factor 1
    assert close(s[1], math.log(0.5) - LN2 + LN2)


def test_excluded_item_takes_no_part() -> None:
    case = make_case(
        {"E1": {"H1": "II", "H2": "C"}, "E2": {"H1": "C", "H2": "I"}},
        E1={"excluded": True},
    )
    a = analyse(case)
    assert a.used == (1,)
    assert a.models["inconsistency"].scores == (0, -1)
    assert a.linchpins[0] == ()  # an item that takes no part is no linchpin
    assert a.diagnosticity[0] == 1.5  # but its diagnosticity is still shown


def test_as_of_leaves_out_later_items_but_keeps_undated() -> None:
    case = make_case(
        {"E1": {"H1": "I", "H2": "C"}, "E2": {"H1": "C", "H2": "II"}, "E3": {"H1": "II", "H2": "N"}},
        E1={"event_date": "2022-03-01"},
        E2={"event_date": "2022-03-20"},
    )
    early = analyse(case, as_of=date(2022, 3, 15))
    assert early.used == (0, 2)
    assert early.models["inconsistency"].scores == (-3, 0)
    assert analyse(case, as_of=date(2022, 3, 20)).used == (0, 1, 2)  # on the day counts
    assert analyse(case).models["inconsistency"].scores == (-3, -2)


def test_priors_are_normalised() -> None:
    case = Case(
        id="p",
        title="Priors",
        hypotheses=[Hypothesis(id="H1", title="a", prior=2.0), Hypothesis(id="H2", title="b", prior=1.0)],
    )
    a = analyse(case)
    assert close(a.models["bayes"].scores[0], math.log(2 / 3))
    assert close(a.posterior[0], 2 / 3) and close(a.posterior[1], 1 / 3)
    assert a.models["inconsistency"].ranks == (1, 1)
    assert a.agree is False  # bayes leads with H1, the others tie


def test_models_disagree_flag() -> None:
    # H1: one CC, one I.  H2: all N.  Inconsistency prefers H2; Bayes prefers H1.
    case = make_case(
        {"E1": {"H1": "CC", "H2": "N"}, "E2": {"H1": "CC", "H2": "N"}, "E3": {"H1": "I", "H2": "N"}}
    )
    a = analyse(case)
    assert a.models["inconsistency"].top == frozenset({1})
    assert a.models["bayes"].top == frozenset({0})
    assert a.agree is False


def test_linchpin_when_removal_breaks_a_tie() -> None:
    case = make_case(
        {"E1": {"H1": "I", "H2": "N"}, "E2": {"H1": "N", "H2": "I"}, "E3": {"H1": "N", "H2": "N"}}
    )
    a = analyse(case)
    assert a.models["inconsistency"].top == frozenset({0, 1})
    assert "inconsistency" in a.linchpins[0] and "inconsistency" in a.linchpins[1]
    assert a.linchpins[2] == ()


def test_posteriors_do_not_overflow() -> None:
    p = posteriors([-5000.0, -5001.0, 800.0])
    assert close(p[2], 1.0) and p[0] >= 0.0
    assert close(sum(posteriors([1000.0, 1000.0])), 1.0)


def test_empty_case() -> None:
    a = analyse(Case(id="e", title="Empty"))
    assert a.used == () and a.posterior == () and a.agree is True


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("A1", "high"),
        ("B2", "high"),
        ("A3", "medium"),
        ("C1", "medium"),
        ("C3", "medium"),
        ("D1", "low"),
        ("E2", "low"),
        ("A4", "low"),
        ("B5", "low"),
        ("F6", "medium"),
        ("C6", "medium"),
    ],
)
def test_admiralty_suggests_credibility(code: str, level: str) -> None:
    assert suggested_credibility(code) == level
