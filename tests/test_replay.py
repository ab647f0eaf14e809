"""The replay engine: the workbench's leader series, patched item by item, equals a
fresh analysis at every stop, bit for bit (the sparkline and the "leader H2: …"
figure), with known dates and same-fact groups."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.replay import LeaderSeries
from hypotheses.scoring import MODELS, analyse, known_dates
from hypotheses.vocabulary import KINDS, LEVELS, RATINGS

HIDS = ("H1", "H2", "H3")
DATES = [date(2022, 3, d) for d in (1, 5, 9, 29)]

item = st.fixed_dictionaries({
    "event_date": st.sampled_from([None, *DATES]),
    "reported_date": st.sampled_from([None, *DATES]),
    "group": st.sampled_from([None, None, "a", "b"]),
    "credibility": st.sampled_from(LEVELS),
    "relevance": st.sampled_from(LEVELS),
    "kind": st.sampled_from(KINDS),
    "excluded": st.booleans(),
    "ratings": st.dictionaries(st.sampled_from(HIDS), st.sampled_from(RATINGS)),
})
edit = st.tuples(st.integers(0, 100), st.sampled_from(HIDS), st.sampled_from((*RATINGS, None)),
                 st.booleans(), st.sampled_from([None, None, None, "a", "b"]))


def expected(case: Case, model: str, hid: str, stops: list[date | None]) -> list[float]:
    k = [h.id for h in case.hypotheses].index(hid)
    out = []
    for stop in stops:
        a = analyse(case, stop)
        out.append(a.shown(model)[k])
    return out


@settings(max_examples=25, deadline=None)
@given(items=st.lists(item, min_size=1, max_size=12), edits=st.lists(edit, max_size=6),
       priors=st.lists(st.sampled_from([0.5, 1.0, 3.0]), min_size=3, max_size=3))
def test_patched_series_equal_fresh_analysis(items, edits, priors):
    hyps = [Hypothesis(id=h, title=h, prior=p) for h, p in zip(HIDS, priors, strict=True)]
    evidence = [Evidence(id=f"E{i}", title=f"item {i}", **fields) for i, fields in enumerate(items)]
    case = Case(id="c", title="C", hypotheses=hyps, evidence=evidence)
    stops: list[date | None] = [*known_dates(case), None]
    series = {m: LeaderSeries(m) for m in MODELS}
    for model in MODELS:
        assert series[model].series(case, "H2", stops) == expected(case, model, "H2", stops)
    for pos, hid, code, toggle, group in edits:  # one item at a time, as the TUI edits
        pos %= len(evidence)
        ev = evidence[pos]
        ratings = {k: v for k, v in ev.ratings.items() if k != hid}
        if code is not None:
            ratings[hid] = code
        update = {"ratings": ratings, "excluded": ev.excluded ^ toggle}
        if group is not None:
            update["group"] = group if ev.group != group else None
        evidence[pos] = ev.model_copy(update=update)
        case = case.model_copy(update={"evidence": list(evidence)})
        for model in MODELS:
            for h in ("H1", "H3"):
                assert series[model].series(case, h, stops) == expected(case, model, h, stops)


def test_unknown_hypothesis_has_no_series():
    case = Case(id="c", title="C", hypotheses=[Hypothesis(id="H1", title="one")])
    assert LeaderSeries("weighted").series(case, "H9", [None]) == []


def test_a_group_growing_over_time_is_re_divided_at_each_date() -> None:
    # Three items state one fact, known on three dates: the fact weighs 1, then ½+½,
    # then ⅓·3 — never 3 — and the series follows analyse at every date.
    hyps = [Hypothesis(id="H1", title="a"), Hypothesis(id="H2", title="b")]
    evidence = [
        Evidence(id=f"E{i}", title="same fact", group="drafting", event_date=d,
                 ratings={"H1": "II", "H2": "N"})
        for i, d in enumerate(DATES[:3])
    ]
    case = Case(id="c", title="C", hypotheses=hyps, evidence=evidence)
    stops: list[date | None] = [*DATES[:3], None]
    got = LeaderSeries("inconsistency").series(case, "H1", stops)
    assert got == [-2.0, -2.0, -2.0, -2.0]
    assert got == expected(case, "inconsistency", "H1", stops)
    assert LeaderSeries("bayes").series(case, "H1", stops) == expected(case, "bayes", "H1", stops)


def test_stops_out_of_order_still_give_each_stop_its_total() -> None:
    hyps = [Hypothesis(id="H1", title="a"), Hypothesis(id="H2", title="b")]
    evidence = [
        Evidence(id=f"E{i}", title="x", event_date=d, ratings={"H1": "I"}) for i, d in enumerate(DATES)
    ]
    case = Case(id="c", title="C", hypotheses=hyps, evidence=evidence)
    stops: list[date | None] = [None, DATES[0], DATES[2]]
    assert LeaderSeries("inconsistency").series(case, "H1", stops) == [-4.0, -1.0, -3.0]
