"""The verdict never claims more than the evidence separates: what it says when the priors,
not the ratings, decide it (hand-computed cases)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse
from hypotheses.summary import Verdict, verdict

if TYPE_CHECKING:
    from hypotheses.vocabulary import Rating


def _case(priors: tuple[float, float], *ratings: tuple[Rating, Rating]) -> Case:
    return Case(
        id="p", title="Priors",
        hypotheses=[Hypothesis(id="H1", title="one", prior=priors[0]),
                    Hypothesis(id="H2", title="two", prior=priors[1])],
        evidence=[Evidence(id=f"E{n}", title="item", ratings={"H1": a, "H2": b})
                  for n, (a, b) in enumerate(ratings, 1)],
    )


def _bayes(case: Case) -> Verdict:
    return verdict(analyse(case), "bayes")


def test_a_lead_made_by_the_priors_alone_says_so() -> None:
    """Priors 1000 : 1, five items N for both: log scores ln(1000/1001) and ln(1/1001), a
    margin of ln 1000 = 6.91, every bit of it the prior's."""
    v = _bayes(_case((1000, 1), *[("N", "N")] * 5))
    assert math.isclose(v.margin or 0, math.log(1000))
    assert v.headline.startswith("Under Bayes (log-linear), H1 leads by 6.91 in log score")
    assert v.headline.endswith(
        "The priors decide this: with equal priors the evidence alone leaves H1, H2 not separated.")
    assert v.brief == ("H1 leads by 6.91 in log score on its prior; "
                       "the evidence alone leaves H1, H2 not separated")


def test_priors_that_overturn_the_evidence_say_whom_the_evidence_puts_first() -> None:
    """E1 rates H1 I and H2 C: on the evidence H2 is 2 ln 2 = 1.39 ahead; priors 1000 : 1
    turn it into H1 by ln 1000 − 2 ln 2 = 5.52."""
    v = _bayes(_case((1000, 1), ("I", "C")))
    assert math.isclose(v.margin or 0, math.log(1000) - 2 * math.log(2))
    assert "H1 leads by 5.52" in v.headline
    assert v.headline.endswith("with equal priors the evidence alone puts H2 first.")


def test_priors_that_pull_a_hypothesis_into_the_band_say_the_evidence_separates() -> None:
    """E1 rates H1 C, H2 N: on the evidence H1 is ln 2 ahead, exactly one medium item, so
    apart; priors 1 : 3 leave H2 ahead by ln 3 − ln 2 = 0.41, inside the band."""
    v = _bayes(_case((1, 3), ("C", "N")))
    assert v.band == ("H1", "H2")
    assert v.headline.endswith("with equal priors the evidence alone puts H1 first.")
    assert v.brief == "Not separated: H1, H2 within one medium item; the evidence alone puts H1 first"


def test_priors_that_change_nothing_are_not_mentioned() -> None:
    """Priors 3 : 1 on three items H1 C, H2 I: the evidence alone puts H1 first by 6 ln 2."""
    for case in (_case((3, 1), *[("C", "I")] * 3), _case((1, 1), ("I", "C"))):
        v = _bayes(case)
        assert "priors" not in v.headline and "prior" not in v.brief
    assert "priors" not in verdict(analyse(_case((1000, 1), ("N", "N"))), "weighted").headline
