"""The fast analyse() gives bit-for-bit what the formulas give, computed the slow, obvious way.

The reference below is hypotheses/README.md's Scoring section read literally: known dates, same-fact
groups recounted among the items taking part, per-item terms, one
``math.fsum`` per hypothesis, and linchpins by rescoring the case without each
item. The fast code (lookup tables, column-at-a-time, subtract-one linchpins
with an exact fallback) must agree exactly: same floats, same sets, same counts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import MODELS, analyse
from hypotheses.vocabulary import LEVELS, RATINGS, Rating
from tests.test_scoring_props import cases as generated_cases

SETTINGS = settings(max_examples=80, deadline=None)

# The design's numbers, typed in again here rather than imported.
W = {"low": 1 / math.sqrt(2), "medium": 1.0, "high": math.sqrt(2)}
S = {"I": -1, "II": -2}
L = {"CC": 4, "C": 2, "N": 1, "I": 0.5, "II": 0.25, "NA": 1}
NUM = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2}


def known(ev: Evidence) -> date | None:
    dates = [d for d in (ev.event_date, ev.reported_date) if d is not None]
    return max(dates) if dates else None


def plain_top(scores: list[float]) -> frozenset[int]:
    if not scores:
        return frozenset()
    best = max(scores)
    return frozenset(i for i, s in enumerate(scores) if best - s <= 1e-9)


def plain_ranks(scores: list[float]) -> tuple[int, ...]:
    return tuple(1 + sum(1 for o in scores if o > s + 1e-9) for s in scores)


def plain_diag(ev: Evidence, hids: list[str]) -> float:
    values = [NUM[ev.ratings[h]] for h in hids if ev.ratings.get(h) in NUM]
    if len(values) < 2:
        return 0.0
    n = len(values)
    return math.sqrt((n * sum(v * v for v in values) - sum(values) ** 2) / (n * n))


def reference(case: Case, as_of: date | None = None) -> dict[str, object]:
    """Scores, ranks, rank-1 sets, posterior, diagnosticity, linchpins, coverage and
    margins, slowly: per-item terms, one ``math.fsum`` per hypothesis, linchpins
    by rescoring the case without each item (its group re-counted)."""
    hyps = case.hypotheses
    hids = [h.id for h in hyps]
    total_prior = math.fsum(h.prior for h in hyps)
    log_prior = [math.log(h.prior / total_prior) for h in hyps]
    used = [
        i for i, ev in enumerate(case.evidence)
        if not ev.excluded and (as_of is None or known(ev) is None or known(ev) <= as_of)  # type: ignore[operator]
    ]

    def scores(items: list[int]) -> dict[str, list[float]]:
        evs = [case.evidence[i] for i in items]
        size = Counter(ev.group for ev in evs if ev.group is not None)
        n = {ev.id: size[ev.group] if ev.group is not None else 1 for ev in evs}
        w = {ev.id: W[ev.credibility] * W[ev.relevance] for ev in evs}
        out: dict[str, list[float]] = {}
        out["inconsistency"] = [
            math.fsum([0.0] + [S.get(ev.ratings.get(h, ""), 0) / n[ev.id] for ev in evs]) for h in hids
        ]
        out["weighted"] = [
            math.fsum([0.0] + [(w[ev.id] / n[ev.id]) * S.get(ev.ratings.get(h, ""), 0) for ev in evs])
            for h in hids
        ]
        out["bayes"] = [
            math.fsum(
                [log_prior[j]]
                + [(w[ev.id] / n[ev.id]) * math.log(L[ev.ratings[h]]) for ev in evs if h in ev.ratings]
            )
            for j, h in enumerate(hids)
        ]
        return out

    full = scores(used)
    tops = {m: plain_top(full[m]) for m in MODELS}
    linchpins: list[tuple[str, ...]] = [() for _ in case.evidence]
    for i in used:
        rest = scores([k for k in used if k != i])
        linchpins[i] = tuple(m for m in MODELS if plain_top(rest[m]) != tops[m])
    margins: dict[str, float | None] = {}
    for m in MODELS:
        others = [s for j, s in enumerate(full[m]) if j not in tops[m]]
        margins[m] = max(full[m]) - max(others) if others else None
    peak = max(full["bayes"], default=0.0)
    exps = [math.exp(v - peak) for v in full["bayes"]]
    coverage = []
    for h in hids:
        codes = [case.evidence[i].ratings.get(h) for i in used]
        coverage.append((
            sum(1 for c in codes if c is not None and c != "NA"),
            sum(1 for c in codes if c in ("C", "CC")),
            sum(1 for c in codes if c in ("I", "II")),
            any(c is None for c in codes),
        ))
    return {
        "used": tuple(used),
        "scores": {m: tuple(full[m]) for m in MODELS},
        "ranks": {m: plain_ranks(full[m]) for m in MODELS},
        "top": tops,
        "posterior": tuple(e / math.fsum(exps) for e in exps),
        "diagnosticity": tuple(plain_diag(ev, hids) for ev in case.evidence),
        "linchpins": tuple(linchpins),
        "agree": len(set(tops.values())) == 1,
        "margin": margins,
        "coverage": coverage,
        "undated": sum(1 for i in used if known(case.evidence[i]) is None),
    }


def assert_same(case: Case, as_of: date | None = None) -> None:
    got = analyse(case, as_of)
    want = reference(case, as_of)
    assert got.used == want["used"]
    for m in MODELS:
        ms = got.models[m]
        assert ms.scores == want["scores"][m]
        assert all(type(s) is float for s in ms.scores)
        assert ms.ranks == want["ranks"][m]
        assert ms.top == want["top"][m]
    assert got.posterior == want["posterior"]
    assert got.diagnosticity == want["diagnosticity"]
    assert got.linchpins == want["linchpins"]
    assert got.agree == want["agree"]
    assert {m: got.margin(m) for m in MODELS} == want["margin"]
    assert [(c.rated, c.for_, c.against, c.incomplete) for c in got.coverage] == want["coverage"]
    assert got.undated_used == want["undated"]


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
        codes: list[Rating] = ["NA", "C", "N", "I"]
        evidence = [
            Evidence(id=f"E{k}", title="x", ratings={"H1": "N", "H2": "N", "H3": code})
            for k, code in enumerate(codes)
        ] + [Evidence(id="E9", title="x", credibility="high", ratings={"H1": "C", "H2": "C"})]
        assert_same(Case(id="p", title="p", hypotheses=hyps, evidence=evidence))


def test_many_hypotheses_diagnosticity_is_exact() -> None:
    rng = random.Random(1)
    hyps = [Hypothesis(id=f"H{i}", title="h") for i in range(40)]
    evidence = [
        Evidence(
            id=f"E{k}", title="x", ratings={h.id: rng.choice(RATINGS) for h in hyps if rng.random() < 0.8}
        )
        for k in range(30)
    ]
    assert_same(Case(id="m", title="m", hypotheses=hyps, evidence=evidence))


@SETTINGS
@given(cases())
def test_leader_timeline_equals_analyse_at_every_date(case: Case) -> None:
    from hypotheses.replay import leader_timeline
    from hypotheses.scoring import known_dates

    for model in MODELS:
        points = leader_timeline(case, model)
        assert [p.as_of for p in points] == known_dates(case)
        for point in points:
            want = analyse(case, point.as_of).models[model]
            assert point.scores.scores == want.scores
            assert [type(s) for s in point.scores.scores] == [type(s) for s in want.scores]
            assert point.scores.ranks == want.ranks and point.scores.top == want.top
            ids = [h.id for h in case.hypotheses]
            assert point.leaders == tuple(ids[i] for i in sorted(want.top))


def test_leader_timeline_on_skewed_priors_and_many_items() -> None:
    from hypotheses.replay import leader_timeline

    rng = random.Random(3)
    hyps = [Hypothesis(id=f"H{i}", title="h", prior=p) for i, p in enumerate((1e-6, 0.37, 5.0, 1.0))]
    evidence = [
        Evidence(
            id=f"E{k}",
            title="x",
            credibility=rng.choice(LEVELS),
            relevance=rng.choice(LEVELS),
            excluded=rng.random() < 0.1,
            event_date=None if rng.random() < 0.2 else date(2022, 1, 1) + timedelta(days=rng.randrange(60)),
            reported_date=None
            if rng.random() < 0.5
            else date(2022, 1, 1) + timedelta(days=rng.randrange(60)),
            group=rng.choice([None, None, "a", "b", "c"]),
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
            Evidence(
                id=f"E{i}",
                title="x",
                credibility="high",
                relevance="high",
                ratings={"H1": "N", "H2": "II" if i < k else "N"},
            )
            for i in range(12)
        ]
        case = Case(id="g", title="g", hypotheses=hyps, evidence=evidence)
        assert_same(case)
        if k == 1:
            assert analyse(case).linchpins[0] == MODELS
        if k >= 3:
            assert not any(analyse(case).linchpins)


@settings(max_examples=40, deadline=None)
@given(cases(), st.lists(st.tuples(st.integers(0, 13), st.integers(0, 11), st.integers(0, 5)), max_size=12))
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
            elif kind == 10:  # regroup: other items' shares change too
                evidence[i] = ev.model_copy(update={"group": (None, "g1", "g2")[pick % 3]})
            elif kind == 11:  # reported later or earlier: the known date moves
                evidence[i] = ev.model_copy(
                    update={"reported_date": date(2022, 3, 1) + timedelta(days=3 * pick)}
                )
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
        Evidence(
            id=f"E{k}",
            title="x",
            credibility=rng.choice(LEVELS),
            ratings={h.id: rng.choice(["N", "N", "N", "I", "C"]) for h in hyps},
        )
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


def test_only_the_scorer_keeps_the_scans_term_columns() -> None:
    """The incremental scorer keeps each scanned model's term columns to patch at the next
    edit; a one-shot analysis builds them per scan and keeps none (its peak memory on a
    large case)."""
    from hypotheses.scoring import Scorer, _code_columns, _Columns, group_sizes

    hyps = [Hypothesis(id="H1", title="a"), Hypothesis(id="H2", title="b")]
    evidence = [Evidence(id=f"E{k}", title="x", ratings={"H1": "C", "H2": "I" if k % 2 else "C"})
                for k in range(6)]
    codes = _code_columns(evidence, ["H1", "H2"])
    one_shot = _Columns(evidence, codes, group_sizes(evidence))
    kept = _Columns(evidence, codes, group_sizes(evidence), keep_terms=True)
    assert one_shot.terms("weighted") == kept.terms("weighted")
    assert one_shot.terms("weighted") is not one_shot.terms("weighted")  # built again: not kept
    assert kept.terms("weighted") is kept.terms("weighted")
    # the scorer's own columns keep what its linchpin scan built (close race: the scan runs)
    case = Case(id="r", title="r", hypotheses=hyps, evidence=evidence)
    scorer = Scorer()
    assert scorer.analyse(case) == analyse(case)
    assert scorer._cols is not None and scorer._cols._keep_terms
