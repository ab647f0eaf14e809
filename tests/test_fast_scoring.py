"""The fast analyse() gives bit-for-bit what the formulas give, computed the slow, obvious way.

The reference below is DESIGN.md read literally: per-item terms, one
``math.fsum`` per hypothesis, and linchpins by rescoring the case without each
item. The fast code (lookup tables, column-at-a-time, subtract-one linchpins
with an exact fallback) must agree exactly: same floats, same ints, same sets.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_scoring_props import cases as generated_cases
from hypotheses.models import LEVELS, RATINGS, Case, Evidence, Hypothesis
from hypotheses.scoring import (
    INCONSISTENCY,
    LOG_LIKELIHOOD,
    MODELS,
    analyse,
    diagnosticity,
    posteriors,
    ranks,
    takes_part,
    top_set,
    weight,
)

SETTINGS = settings(max_examples=80, deadline=None)


def reference(case: Case, as_of: date | None = None) -> dict[str, object]:
    """Scores, ranks, rank-1 sets, posterior, diagnosticity and linchpins, slowly."""
    hyps = case.hypotheses
    hids = [h.id for h in hyps]
    total_prior = math.fsum(h.prior for h in hyps)
    log_prior = [math.log(h.prior / total_prior) for h in hyps]
    used = [i for i, ev in enumerate(case.evidence) if takes_part(ev, as_of)]

    def scores(items: list[int]) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        evs = [case.evidence[i] for i in items]
        out["inconsistency"] = [
            sum(INCONSISTENCY.get(ev.ratings.get(h), 0) for ev in evs) for h in hids  # type: ignore[arg-type]
        ]
        out["weighted"] = [
            math.fsum([0.0] + [weight(ev) * INCONSISTENCY.get(ev.ratings.get(h), 0) for ev in evs])  # type: ignore[arg-type]
            for h in hids
        ]
        out["bayes"] = [
            math.fsum(
                [log_prior[j]]
                + [weight(ev) * LOG_LIKELIHOOD[ev.ratings[h]] for ev in evs if h in ev.ratings]
            )
            for j, h in enumerate(hids)
        ]
        return out

    full = scores(used)
    tops = {m: top_set(full[m]) for m in MODELS}
    linchpins: list[tuple[str, ...]] = [() for _ in case.evidence]
    for i in used:
        rest = scores([k for k in used if k != i])
        linchpins[i] = tuple(m for m in MODELS if top_set(rest[m]) != tops[m])
    return {
        "used": tuple(used),
        "scores": {m: tuple(full[m]) for m in MODELS},
        "ranks": {m: tuple(ranks(full[m])) for m in MODELS},
        "top": tops,
        "posterior": posteriors(full["bayes"]),
        "diagnosticity": tuple(diagnosticity(ev, hids) for ev in case.evidence),
        "linchpins": tuple(linchpins),
        "agree": len(set(tops.values())) == 1,
    }


def assert_same(case: Case, as_of: date | None = None) -> None:
    got = analyse(case, as_of)
    want = reference(case, as_of)
    assert got.used == want["used"]
    for m in MODELS:
        ms = got.models[m]
        assert ms.scores == want["scores"][m]  # type: ignore[index]
        # same types too: inconsistency stays integer, the others float
        assert [type(s) for s in ms.scores] == [type(s) for s in want["scores"][m]]  # type: ignore[index]
        assert ms.ranks == want["ranks"][m]  # type: ignore[index]
        assert ms.top == want["top"][m]  # type: ignore[index]
    assert got.posterior == want["posterior"]
    assert got.diagnosticity == want["diagnosticity"]
    assert got.linchpins == want["linchpins"]
    assert got.agree == want["agree"]


def cases() -> st.SearchStrategy[Case]:
    return generated_cases(min_h=0, max_h=6, max_e=14, priors=(0.3, 1.0, 1.0, 2.5), days=10)


@SETTINGS
@given(cases(), st.one_of(st.none(), st.integers(0, 11)))
def test_fast_analyse_equals_the_formulas_read_literally(case: Case, day: int | None) -> None:
    as_of = None if day is None else date(2022, 3, 1) + timedelta(days=day)
    assert_same(case, as_of)


def test_a_few_hundred_random_items_with_near_ties() -> None:
    # Mostly N with few inconsistent cells keeps several hypotheses close,
    # so many items are linchpins and ties appear and break.
    rng = random.Random(6)
    hyps = [Hypothesis(id=f"H{i}", title=f"h{i}") for i in range(1, 5)]
    for _ in range(3):
        evidence = [
            Evidence(
                id=f"E{k}",
                title="x",
                credibility=rng.choice(LEVELS),
                relevance=rng.choice(LEVELS),
                ratings={h.id: rng.choice(["N", "N", "N", "C", "I", "II", "CC", "NA"]) for h in hyps},
            )
            for k in range(150)
        ]
        assert_same(Case(id="r", title="r", hypotheses=hyps, evidence=evidence))


def test_priors_a_hair_apart_take_the_exact_path() -> None:
    # Log priors differing by about TIE put d_in/d_out right at the threshold:
    # subtracting one term is not trusted there, the sums are taken again.
    for gap in (0.9e-9, 1e-9, 1.0000000001e-9, 1.1e-9, 2e-9):
        hyps = [
            Hypothesis(id="H1", title="a", prior=1.0),
            Hypothesis(id="H2", title="b", prior=math.exp(gap)),
            Hypothesis(id="H3", title="c", prior=0.5),
        ]
        evidence = [
            Evidence(id=f"E{k}", title="x", ratings={"H1": "N", "H2": "N", "H3": code})
            for k, code in enumerate(["NA", "C", "N", "I"])
        ] + [Evidence(id="E9", title="x", credibility="high", ratings={"H1": "C", "H2": "C"})]
        assert_same(Case(id="p", title="p", hypotheses=hyps, evidence=evidence))


def test_many_hypotheses_diagnosticity_is_exact() -> None:
    rng = random.Random(1)
    hyps = [Hypothesis(id=f"H{i}", title="h") for i in range(40)]
    evidence = [
        Evidence(id=f"E{k}", title="x", ratings={h.id: rng.choice(RATINGS) for h in hyps if rng.random() < 0.8})
        for k in range(30)
    ]
    assert_same(Case(id="m", title="m", hypotheses=hyps, evidence=evidence))


@SETTINGS
@given(cases())
def test_leader_timeline_equals_analyse_at_every_date(case: Case) -> None:
    from hypotheses.scoring import event_dates, leader_timeline

    for model in MODELS:
        points = leader_timeline(case, model)
        assert [p.as_of for p in points] == event_dates(case)
        for point in points:
            want = analyse(case, point.as_of).models[model]
            assert point.scores.scores == want.scores
            assert [type(s) for s in point.scores.scores] == [type(s) for s in want.scores]
            assert point.scores.ranks == want.ranks and point.scores.top == want.top
            ids = [h.id for h in case.hypotheses]
            assert point.leaders == tuple(ids[i] for i in sorted(want.top))


def test_leader_timeline_on_skewed_priors_and_many_items() -> None:
    from hypotheses.scoring import leader_timeline

    rng = random.Random(3)
    hyps = [Hypothesis(id=f"H{i}", title="h", prior=p) for i, p in enumerate((1e-6, 0.37, 5.0, 1.0))]
    evidence = [
        Evidence(
            id=f"E{k}", title="x",
            credibility=rng.choice(LEVELS), relevance=rng.choice(LEVELS),
            excluded=rng.random() < 0.1,
            event_date=None if rng.random() < 0.2 else date(2022, 1, 1) + timedelta(days=rng.randrange(60)),
            ratings={h.id: rng.choice(RATINGS) for h in hyps if rng.random() < 0.9},
        )
        for k in range(300)
    ]
    case = Case(id="t", title="t", hypotheses=hyps, evidence=evidence)
    for model in MODELS:
        for point in leader_timeline(case, model)[::7]:
            assert point.scores == analyse(case, point.as_of).models[model]


def test_leader_far_ahead_or_just_within_reach() -> None:
    # H2 trails by k very-inconsistent ratings. One item moves a total by at most
    # its spread, so with k=1 removing that item ties the race (a linchpin for
    # every model) and with k≥3 nothing can: the quick exit must agree with rescoring.
    hyps = [Hypothesis(id="H1", title="a"), Hypothesis(id="H2", title="b")]
    for k in (1, 2, 3, 6):
        evidence = [
            Evidence(id=f"E{i}", title="x", credibility="high", relevance="high",
                     ratings={"H1": "N", "H2": "II" if i < k else "N"})
            for i in range(12)
        ]
        case = Case(id="g", title="g", hypotheses=hyps, evidence=evidence)
        assert_same(case)
        if k == 1:
            assert analyse(case).linchpins[0] == MODELS
        if k >= 3:
            assert not any(analyse(case).linchpins)


@settings(max_examples=40, deadline=None)
@given(cases(), st.lists(st.tuples(st.integers(0, 13), st.integers(0, 9), st.integers(0, 5)), max_size=12))
def test_incremental_scorer_equals_analyse_after_every_edit(
    case: Case, edits: list[tuple[int, int, int]]
) -> None:
    """The TUI's path: one Scorer, an edit, rescore; after each step the same Analysis."""
    from hypotheses.scoring import Scorer

    scorer = Scorer()
    assert scorer.analyse(case) == analyse(case)
    hids = [h.id for h in case.hypotheses]
    for target, kind, pick in edits:
        evidence = list(case.evidence)
        if kind == 9 and evidence:  # delete an item: a full rescoring
            del evidence[target % len(evidence)]
        elif kind == 8:  # add one
            evidence.append(Evidence(id=f"N{len(evidence)}", title="n", ratings={h: "I" for h in hids}))
        elif evidence:
            i = target % len(evidence)
            ev = evidence[i]
            if kind <= 4 and hids:  # rate (or clear) one cell
                hid = hids[pick % len(hids)]
                ratings = dict(ev.ratings)
                code = (*RATINGS, None)[(kind + pick) % 7]
                if code is None:
                    ratings.pop(hid, None)
                else:
                    ratings[hid] = code
                evidence[i] = ev.model_copy(update={"ratings": ratings})
            elif kind == 5:
                evidence[i] = ev.model_copy(update={"credibility": LEVELS[pick % 3]})
            elif kind == 6:
                evidence[i] = ev.model_copy(update={"relevance": LEVELS[pick % 3]})
            else:
                evidence[i] = ev.model_copy(update={"excluded": not ev.excluded})
        case = case.model_copy(update={"evidence": evidence})
        as_of = None if pick < 4 else date(2022, 3, 1) + timedelta(days=pick)
        assert scorer.analyse(case, as_of) == analyse(case, as_of)
        assert scorer.analyse(case, as_of) == analyse(case, as_of)  # and again, unchanged


def test_incremental_scorer_through_a_long_run_of_close_races() -> None:
    # Close scores keep the linchpin scan (and its cached term columns) in play,
    # so the patched columns are checked where it matters.
    from hypotheses.scoring import Scorer

    rng = random.Random(11)
    hyps = [Hypothesis(id=f"H{i}", title="h") for i in range(1, 5)]
    evidence = [
        Evidence(id=f"E{k}", title="x", credibility=rng.choice(LEVELS),
                 ratings={h.id: rng.choice(["N", "N", "N", "I", "C"]) for h in hyps})
        for k in range(120)
    ]
    case = Case(id="r", title="r", hypotheses=hyps, evidence=evidence)
    scorer = Scorer()
    linchpins_seen = 0
    for step in range(60):
        evs = list(case.evidence)
        i = rng.randrange(len(evs))
        if step % 10 == 9:
            evs[i] = evs[i].model_copy(update={"relevance": rng.choice(LEVELS)})
        else:
            hid = rng.choice(hyps).id
            evs[i] = evs[i].model_copy(update={"ratings": {**evs[i].ratings, hid: rng.choice(RATINGS)}})
        case = case.model_copy(update={"evidence": evs})
        got = scorer.analyse(case)
        assert got == analyse(case)
        linchpins_seen += sum(1 for x in got.linchpins if x)
    assert linchpins_seen > 0  # the scan really ran on patched columns
