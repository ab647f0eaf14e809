"""The verdict never claims more than the evidence separates: what it says when the priors,
not the ratings, decide it (hand-computed cases)."""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse
from hypotheses.separation import top_note
from hypotheses.summary import Verdict, leader_words, verdict

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
    # no item tells them apart: no verdict, and the priors are named as what puts H1 ahead
    assert v.headline == (
        "No verdict under Bayes (log-linear): H1 has the top score, by 6.91 in log score (10.0 items "
        "of medium weight), but no item rated for both tells it from H2. The priors decide this: "
        "with equal priors the evidence alone leaves H1, H2 not separated.")
    assert v.brief == ("No verdict: H1 tops, but no item tells it from H2; "
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
    assert not [w for w in v.brief_warnings if w.startswith("Not separated")]  # said once, above


def test_a_narrow_line_takes_fewer_words_each_a_whole_thought() -> None:
    """The workbench's verdict line takes the longest wording of the brief that fits
    (``brief_within``); each shorter one still names the top and says how firmly."""
    untold = _bayes(_case((1000, 1), *[("N", "N")] * 5))
    assert untold.briefs == ("No verdict: H1 tops, but no item tells it from H2; evidence alone: H1, H2 "
                             "not separated", "No verdict: H1 tops, but no item tells it from H2")
    overturned = _bayes(_case((1000, 1), ("I", "C")))
    assert overturned.briefs == ("H1 leads by 5.52 in log score on its prior; evidence alone: H2 first",
                                 "H1 leads on its prior; evidence alone: H2 first",
                                 "H1 leads on its prior, not on the evidence")
    pulled = _bayes(_case((1, 3), ("C", "N")))
    assert pulled.briefs == ("Not separated: H1, H2 within one medium item; evidence alone: H1 first",
                             "Not separated: H1, H2; evidence alone: H1 first", "Not separated: H1, H2")
    plain = _bayes(_case((1, 1), *[("C", "I")] * 3))
    assert plain.brief.endswith("; 3/3 rated, +3 −0") and plain.briefs == (plain.brief.split(";")[0],)
    for v in (untold, overturned, pulled, plain):
        forms = (v.brief, *v.briefs)
        assert [len(f) for f in forms] == sorted((len(f) for f in forms), reverse=True)
        for width in range(10, 120):
            fitting = v.brief_within(partial(_within, width))
            assert len(fitting) <= width or fitting == forms[-1]


def _within(width: int, words: str) -> bool:
    return len(words) <= width


def test_priors_that_change_no_leader_are_not_said_to_decide_it() -> None:
    """Priors 3 : 1 on three items H1 C, H2 I: the evidence alone puts H1 first by 6 ln 2.
    The headline does not say the priors decide it; the priors' share of the margin (ln 3
    of 6 ln 2 + ln 3) is a warning of its own. Equal priors: no word of them at all."""
    unequal, equal = _bayes(_case((3, 1), *[("C", "I")] * 3)), _bayes(_case((1, 1), ("I", "C")))
    for v in (unequal, equal):
        assert "priors" not in v.headline and "prior" not in v.brief
    assert ("Unequal priors make part of this lead: the evidence alone puts H1 ahead by 4.16 in log "
            "score (6.0 items of medium weight), the priors the other 1.10.") in unequal.warnings
    # 6 ln 2 is six medium items; ln 3 is log2(3) = 1.58 of them
    assert "the priors make 1.6 of those items: the evidence alone, 6.0" in unequal.brief_warnings
    assert not any("prior" in w for w in equal.warnings)
    assert "priors" not in verdict(analyse(_case((1000, 1), ("N", "N"))), "weighted").headline


def _three(*items: dict[str, Rating]) -> Case:
    return Case(id="r", title="Runners-up",
                hypotheses=[Hypothesis(id=f"H{i}", title=f"h{i}") for i in (1, 2, 3)],
                evidence=[Evidence(id=f"E{n}", title="item", ratings=r) for n, r in enumerate(items, 1)])


def test_a_lead_over_hypotheses_never_rated_says_nothing_was_weighed_against_them() -> None:
    """Bayes, E1 rates H1 C and nothing else: H1 ln 2 ahead of H2 and H3 (exactly one
    medium item, so a lone leader), who were never rated."""
    v = _bayes(_three({"H1": "C"}))
    assert v.band == ("H1",) and math.isclose(v.margin or 0, math.log(2))
    assert ("H2, H3 have no rating at all: they rank below H1 only for want of ratings; nothing "
            "has been weighed for or against them.") in v.warnings
    assert "H2, H3 never rated" in v.brief_warnings


def test_a_lead_from_items_only_one_of_the_pair_was_rated_on_says_so() -> None:
    """Weighted: E1 rates only H1 (I, −1), E2 only H2 (N): H2 leads H1 by one item, but
    no item rates both (separation 0)."""
    case = Case(id="d", title="Different items",
                hypotheses=[Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")],
                evidence=[Evidence(id="E1", title="a", ratings={"H1": "I"}),
                          Evidence(id="E2", title="b", ratings={"H2": "N"})])
    v = verdict(analyse(case), "weighted")
    # no verdict: a lead only cells left unrated make is no lead (it read 'H2 leads by 1.00')
    assert v.headline == ("No verdict under weighted inconsistency (PARC): H2 has the top score, by 1.00 "
                          "(1.0 item of medium weight), but no item rated for both tells it from H1.")
    assert v.brief == "No verdict: H2 tops, but no item tells it from H1"
    assert v.untold == ("H1",) and v.unweighed
    assert top_note(analyse(case), "weighted") == "no item tells it from H1"
    assert leader_words(analyse(case), "weighted") == "top score H2 (no item tells it from H1)"
    assert leader_words(analyse(case), "weighted", short=True) == "unweighed top H2"
    # no lead, so nothing about how firm it is (E1 is a linchpin: 'the lead hangs on E1')
    assert analyse(case).linchpins[0] and not [w for w in v.warnings if "lead hangs" in w]


def test_a_lead_on_shared_items_carries_neither_warning() -> None:
    """E1 rates H1 C, H2 I, H3 I: every pair is told apart by E1 and all are rated."""
    for model in ("weighted", "bayes"):
        v = verdict(analyse(_three({"H1": "C", "H2": "I", "H3": "I"})), model)
        assert not [w for w in v.warnings if "no rating" in w or "differently" in w]


def test_no_verdict_on_several_unrated_leaders_reads_in_the_plural() -> None:
    v = verdict(analyse(_three({"H1": "I"})), "weighted")
    assert v.headline == ("No verdict under weighted inconsistency (PARC): the top score goes to H2, H3, "
                          "which no rated item bears on — they have not won, they have not been weighed.")


def test_a_band_that_only_consistent_ratings_tell_apart_says_the_model_does_not_count_them() -> None:
    """Ten items rate H1 C, H2 I, H3 N: inconsistency scores H1 0, H2 −10, H3 0, so H1 and H3
    are not separated under it, though all ten rate them differently (C against N)."""
    case = _three(*[{"H1": "C", "H2": "I", "H3": "N"}] * 10)
    for model, label in (("inconsistency", "inconsistency (Heuer)"),
                         ("weighted", "weighted inconsistency (PARC)")):
        v = verdict(analyse(case), model)
        assert v.band == ("H1", "H3")
        assert (f"Items such as E1 rate H1 and H3 differently only by how consistent they are "
                f"(CC, C or N), which {label} does not count (it counts ratings against): "
                "Bayes (log-linear) does."
                ) in v.warnings
    assert not [w for w in _bayes(case).warnings if "how consistent" in w]
    assert _bayes(case).band == ("H1",)


def test_a_lead_that_hangs_on_one_item_names_it() -> None:
    """E1 rates H1 II (−2), E2–E4 rate both C: H2 leads by two items, all of it E1's; without
    E1 they tie, so E1 is the linchpin though H2 has three ratings for it."""
    case = Case(id="l", title="Linchpin",
                hypotheses=[Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")],
                evidence=[Evidence(id="E1", title="a", ratings={"H1": "II", "H2": "N"}),
                          *(Evidence(id=f"E{n}", title="b", ratings={"H1": "C", "H2": "C"})
                            for n in (2, 3, 4))])
    for model in ("weighted", "bayes"):
        v = verdict(analyse(case), model)
        assert v.band == ("H2",)
        assert ("The lead hangs on E1: without it, the leader changes (a linchpin; check it first)."
                in v.warnings)
        assert "lead hangs on E1" in v.brief_warnings


def test_a_lead_on_one_same_fact_group_says_it_rests_on_one_fact() -> None:
    """Three items of group g rate H1 C and H2 I: three items bear on H1 (not barely tested by
    the plain count), but they are one fact; weighted: H2 3 × (−1/3) = −1, one item behind."""
    case = Case(id="g", title="Group",
                hypotheses=[Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")],
                evidence=[Evidence(id=f"E{n}", title="a", group="g", ratings={"H1": "C", "H2": "I"})
                          for n in (1, 2, 3)])
    v = verdict(analyse(case), "weighted")
    assert v.band == ("H1",) and math.isclose(v.margin or 0, 1.0)
    assert ("H1 rests on 1 fact: the 3 items that bear on it include same-fact group g, each counted "
            "as one fact.") in v.warnings
    assert "H1 rests on 1 fact (3 items)" in v.brief_warnings
    ungrouped = case.model_copy(update={"evidence": [ev.model_copy(update={"group": None})
                                                     for ev in case.evidence]})
    assert not [w for w in verdict(analyse(ungrouped), "weighted").warnings if "fact" in w]


def test_c_against_cc_tells_nothing_apart_under_a_model_that_scores_them_alike() -> None:
    """Inconsistency: E1 rates H1 C and H2 CC (both 0), E2 rates only H2, I: H1 leads by one
    item, all of it E2's, which only H2 was rated on; under Bayes E1 tells them apart."""
    case = Case(id="cc", title="C and CC",
                hypotheses=[Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")],
                evidence=[Evidence(id="E1", title="a", ratings={"H1": "C", "H2": "CC"}),
                          Evidence(id="E2", title="b", ratings={"H2": "I"})])
    v = verdict(analyse(case), "inconsistency")
    assert v.band == ("H1",)
    assert v.headline.startswith("No verdict under inconsistency (Heuer): H1 has the top score")
    assert v.headline.endswith("but no item rated for both tells it from H2.")
    assert verdict(analyse(case), "bayes").untold == ()  # Bayes tells C from CC


def test_no_verdict_names_every_leader_when_one_nobody_rated_shares_the_top() -> None:
    """Weighted: E1 rates H1 C and H2 I; H3 is never rated: H1 and H3 share the top (0), and
    the headline named H3 alone, as if it were top by itself (found by a tester)."""
    v = verdict(analyse(_three({"H1": "C", "H2": "I"})), "weighted")
    assert v.headline == ("No verdict under weighted inconsistency (PARC): the top score goes to H3, "
                          "which no rated item bears on, tied with H1 — it has not won, it has not "
                          "been weighed.")
    assert v.brief == "No verdict: top score H3 rests on no rated item, tied with H1"


def test_the_short_words_name_only_the_unrated_of_a_tied_top() -> None:
    """E1 rates H1 C and H2 I; H3 never rated: H1 and H3 share the top. The narrow line said
    'unrated top H1, H3', though H1 is rated (found by a reviewer)."""
    from hypotheses.separation import short_top

    a = analyse(_three({"H1": "C", "H2": "I"}))
    assert top_note(a, "weighted") == "H3 on no rated item"
    assert leader_words(a, "weighted", short=True) == "top H1, H3 (H3 unrated)"
    assert short_top(("H2",), "on no rated item") == "unrated top H2"
    assert short_top(("H1", "H2"), "not separated") == "≈ H1, H2"
    assert short_top(("H1",), "") == "H1"
