"""The timeline's leader series, patched item by item, equals a fresh analysis at
every stop, bit for bit (the sparkline and the "leader H2: …" figure)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hypotheses.models import KINDS, LEVELS, RATINGS, Case, Evidence, Hypothesis
from hypotheses.scoring import MODELS, analyse, event_dates
from tui.widgets.timeline import LeaderSeries

HIDS = ("H1", "H2", "H3")
DATES = [date(2022, 3, d) for d in (1, 5, 9, 29)]

item = st.fixed_dictionaries({
    "event_date": st.sampled_from([None, *DATES]),
    "credibility": st.sampled_from(LEVELS),
    "relevance": st.sampled_from(LEVELS),
    "kind": st.sampled_from(KINDS),
    "excluded": st.booleans(),
    "ratings": st.dictionaries(st.sampled_from(HIDS), st.sampled_from(RATINGS)),
})
edit = st.tuples(st.integers(0, 100), st.sampled_from(HIDS), st.sampled_from((*RATINGS, None)),
                 st.booleans())


def expected(case: Case, model: str, hid: str, stops: list[date | None]) -> list[float]:
    k = [h.id for h in case.hypotheses].index(hid)
    out = []
    for stop in stops:
        a = analyse(case, stop)
        out.append(a.posterior[k] if model == "bayes" else a.models[model].scores[k])
    return out


@settings(max_examples=25, deadline=None)
@given(items=st.lists(item, min_size=1, max_size=12), edits=st.lists(edit, max_size=6),
       priors=st.lists(st.sampled_from([0.5, 1.0, 3.0]), min_size=3, max_size=3))
def test_patched_series_equal_fresh_analysis(items, edits, priors):
    hyps = [Hypothesis(id=h, title=h, prior=p) for h, p in zip(HIDS, priors)]
    evidence = [Evidence(id=f"E{i}", title=f"item {i}", **fields) for i, fields in enumerate(items)]
    case = Case(id="c", title="C", hypotheses=hyps, evidence=evidence)
    stops: list[date | None] = [*event_dates(case), None]
    series = {m: LeaderSeries(m) for m in MODELS}
    for model in MODELS:
        assert series[model].series(case, "H2", stops) == expected(case, model, "H2", stops)
    for pos, hid, code, toggle in edits:  # one item at a time, as the TUI edits
        pos %= len(evidence)
        ev = evidence[pos]
        ratings = {k: v for k, v in ev.ratings.items() if k != hid}
        if code is not None:
            ratings[hid] = code
        evidence[pos] = ev.model_copy(update={"ratings": ratings,
                                              "excluded": ev.excluded ^ toggle})
        case = case.model_copy(update={"evidence": list(evidence)})
        for model in MODELS:
            for h in ("H1", "H3"):
                assert series[model].series(case, h, stops) == expected(case, model, h, stops)


def test_unknown_hypothesis_has_no_series():
    case = Case(id="c", title="C", hypotheses=[Hypothesis(id="H1", title="one")])
    assert LeaderSeries("weighted").series(case, "H9", [None]) == []
