"""Properties any correct scoring must have, over generated cases."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import MODELS, analyse, top_set
from hypotheses.vocabulary import LEVELS, RATINGS

# 30 generated cases a property: the hand-worked cases (test_scoring.py) pin the formulas,
# these the invariants, and every run draws new cases.
SETTINGS = settings(max_examples=30, deadline=None)


@st.composite
def cases(
    draw: st.DrawFn,
    min_h: int = 1,
    max_h: int = 5,
    max_e: int = 12,
    priors: tuple[float, ...] = (0.5, 1.0, 2.0),
    days: int = 30,
    groups: tuple[str | None, ...] = (None, None, None, "g1", "g2", "g3"),
) -> Case:
    """Generated cases; the fast-scoring tests widen the ranges (no hypotheses, odd priors).

    Items carry event and/or reported dates and same-fact groups, so known dates
    and group division are exercised.
    """
    nh = draw(st.integers(min_h, max_h))
    hyps = [
        Hypothesis(id=f"H{i + 1}", title=f"h{i}", prior=draw(st.sampled_from(priors)))
        for i in range(nh)
    ]
    evidence = []
    for j in range(draw(st.integers(0, max_e))):
        ratings = {
            h.id: code
            for h in hyps
            if (code := draw(st.sampled_from((*RATINGS, None)))) is not None
        }
        day = draw(st.one_of(st.none(), st.integers(0, days)))
        reported = draw(st.one_of(st.none(), st.integers(0, days)))
        evidence.append(
            Evidence(
                id=f"E{j + 1}",
                title=f"e{j}",
                credibility=draw(st.sampled_from(LEVELS)),
                relevance=draw(st.sampled_from(LEVELS)),
                excluded=draw(st.booleans()),
                event_date=None if day is None else date(2022, 3, 1) + timedelta(days=day),
                reported_date=None if reported is None else date(2022, 3, 1) + timedelta(days=reported),
                group=draw(st.sampled_from(groups)),
                ratings=ratings,
            )
        )
    return Case(id="g", title="generated", hypotheses=hyps, evidence=evidence)


def _without(case: Case, index: int) -> Case:
    return case.model_copy(update={"evidence": case.evidence[:index] + case.evidence[index + 1 :]})


@SETTINGS
@given(cases())
def test_posteriors_sum_to_one(case: Case) -> None:
    a = analyse(case)
    assert math.isclose(sum(a.posterior), 1.0, rel_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in a.posterior)


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_evidence_order_does_not_matter(case: Case, rnd) -> None:
    shuffled = list(case.evidence)
    rnd.shuffle(shuffled)
    a, b = analyse(case), analyse(case.model_copy(update={"evidence": shuffled}))
    for m in MODELS:
        assert a.models[m].ranks == b.models[m].ranks
        for x, y in zip(a.models[m].scores, b.models[m].scores, strict=True):
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12)
    moved = {ev.id: a.linchpins[i] for i, ev in enumerate(case.evidence)}
    assert moved == {ev.id: b.linchpins[i] for i, ev in enumerate(shuffled)}


@SETTINGS
@given(cases(), st.data())
def test_excluding_an_item_equals_deleting_it(case: Case, data: st.DataObject) -> None:
    if not case.evidence:
        return
    i = data.draw(st.integers(0, len(case.evidence) - 1))
    ev = case.evidence[i].model_copy(update={"excluded": True})
    excluded = case.model_copy(update={"evidence": [*case.evidence[:i], ev, *case.evidence[i + 1 :]]})
    a, b = analyse(excluded), analyse(_without(case, i))
    for m in MODELS:
        assert a.models[m].scores == b.models[m].scores
        assert a.models[m].ranks == b.models[m].ranks


@SETTINGS
@given(cases())
def test_linchpins_match_leave_one_out_rescoring(case: Case) -> None:
    a = analyse(case)
    for i in range(len(case.evidence)):
        if i not in a.used:
            assert a.linchpins[i] == ()
            continue
        b = analyse(_without(case, i))
        expected = tuple(m for m in MODELS if b.models[m].top != a.models[m].top)
        assert a.linchpins[i] == expected


@SETTINGS
@given(cases(), st.integers(0, 31))
def test_as_of_equals_dropping_items_known_later(case: Case, day: int) -> None:
    cut = date(2022, 3, 1) + timedelta(days=day)
    kept = [
        ev for ev in case.evidence
        if all(d is None or d <= cut for d in (ev.event_date, ev.reported_date))
    ]
    a = analyse(case, as_of=cut)
    b = analyse(case.model_copy(update={"evidence": kept}))
    for m in MODELS:
        assert a.models[m].scores == b.models[m].scores


@SETTINGS
@given(cases())
def test_ranks_are_consistent_with_scores(case: Case) -> None:
    a = analyse(case)
    for m in MODELS:
        scores, rk = a.models[m].scores, a.models[m].ranks
        assert a.models[m].top == top_set(scores)
        assert {i for i, r in enumerate(rk) if r == 1} == set(a.models[m].top)
        for i in range(len(scores)):
            for j in range(len(scores)):
                if scores[i] > scores[j] + 1e-9:
                    assert rk[i] < rk[j]


@SETTINGS
@given(cases())
def test_summary_timeline_equals_an_analysis_per_date(case: Case) -> None:
    from hypotheses.replay import leaders_over_time
    from hypotheses.scoring import known_dates
    from hypotheses.separation import band, untold
    from hypotheses.summary import verdict

    points = leaders_over_time(case)
    assert [p.as_of for p in points] == known_dates(case)
    for point in points:
        a = analyse(case, point.as_of)
        assert point.used == len(a.used)
        assert point.undated == a.undated_used
        ids = a.hypothesis_ids
        assert point.band == {m: tuple(ids[i] for i in band(a, m)) for m in MODELS}
        assert point.unweighed == {m: tuple(ids[i] for i in sorted(a.models[m].top)
                                            if not a.coverage[i].rated) for m in MODELS}
        # a lone leader no item known then tells from the runner-up: as the verdict then says
        assert point.untold == {m: untold(a, m) for m in MODELS}
        assert point.untold == {m: verdict(a, m).untold for m in MODELS}
