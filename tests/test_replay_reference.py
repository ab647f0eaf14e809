"""The workbench's engines agree with the independent summary at every as-of date.

The workbench does not call the JSON export: it keeps a ``Scorer`` up to date
item by item and draws the timeline and leader series from the replay engine.
Each must give, for every known date of a random case (and for "all dates"),
what ``tests/summary_reference.py`` computes from the written definitions,
also after a run of one-item edits fed to the same engines.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hypotheses.replay import Replay, leader_timeline, leaders_over_time
from hypotheses.scoring import Analysis, Scorer, known_dates
from tests.summary_reference import (
    MODELS,
    close,
    engine_differences,
    leaders,
    reference_summary,
    scores,
    takes_part,
)
from tests.test_summary_reference import CODES, DAYS, small_cases

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence


def as_summary(a: Analysis, model: str) -> dict[str, Any]:
    """An ``Analysis`` laid out as the summary document, to compare field for field."""
    case = a.case
    ranking = []
    for i in a.models[model].order:
        h, cov = case.hypotheses[i], a.coverage[i]
        ranking.append(
            {
                "id": h.id,
                "title": h.title,
                "rank": a.models[model].ranks[i],
                "inconsistency": a.models["inconsistency"].scores[i],
                "weighted": a.models["weighted"].scores[i],
                "posterior": a.posterior[i],
                "log_score": a.models["bayes"].scores[i],
                "rated": cov.rated,
                "for": cov.for_,
                "against": cov.against,
                "tested": cov.tested,
            }
        )
    return {
        "case": case.id,
        "as_of": a.as_of.isoformat() if a.as_of else None,
        "evidence_used": len(a.used),
        "undated_used": a.undated_used,
        "models_agree": a.agree,
        "margin": {m: a.margin(m) for m in MODELS},
        "ranking": ranking,
        "evidence": [
            {"id": ev.id, "diagnosticity": a.diagnosticity[k], "linchpin": list(a.linchpins[k]),
             "excluded": ev.excluded}
            for k, ev in enumerate(case.evidence)
        ],
    }


def stops(case: Case) -> list[date | None]:
    return [*known_dates(case), None]


def check_engines(case: Case, scorer: Scorer, replays: dict[str, Replay]) -> None:
    """Scorer, replay totals and series, leader timeline and leaders over time against the reference."""
    when = stops(case)
    for as_of in when:
        analysis = scorer.analyse(case, as_of)
        for model in MODELS:
            found = engine_differences(as_summary(analysis, model), reference_summary(case, model, as_of))
            assert found == [], (as_of, model)
    expected = {d: scores(case, [ev for ev in case.evidence if takes_part(ev, d)]) for d in when}
    hids = [h.id for h in case.hypotheses]
    for model in MODELS:
        totals = replays[model].totals(case, when)
        for d, row in zip(when, totals, strict=True):
            assert all(close(got, expected[d][model][h]) for got, h in zip(row, hids, strict=True)), (
                d,
                model,
            )
        for h in hids:
            series = replays[model].series(case, h, when)
            want = [reference_summary(case, model, d)["ranking"] if model == "bayes" else None for d in when]
            for d, got, rows in zip(when, series, want, strict=True):
                value = (
                    next(r["posterior"] for r in rows if r["id"] == h)
                    if rows is not None
                    else expected[d][model][h]
                )
                assert close(got, value), (d, model, h)
        timeline = leader_timeline(case, model)
        assert [p.as_of for p in timeline] == known_dates(case)
        for point in timeline:
            assert set(point.leaders) == leaders(expected[point.as_of][model])
            assert list(point.leaders) == [h for h in hids if h in point.leaders]  # case order
    for stop in leaders_over_time(case):
        ref = reference_summary(case, "weighted", stop.as_of)
        assert (stop.used, stop.undated) == (ref["evidence_used"], ref["undated_used"])
        for model in MODELS:
            assert set(stop.band[model]) >= leaders(expected[stop.as_of][model])  # leaders inside
            assert list(stop.band[model]) == ref["band"][model]  # what a timeline names


@st.composite
def edits(draw: st.DrawFn, case: Case) -> list[Case]:
    """A run of one-item edits as the workbench makes them: rate, exclude, regroup, redate."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        if not case.evidence:
            break
        k = draw(st.integers(0, len(case.evidence) - 1))
        ev = case.evidence[k]
        what = draw(st.sampled_from(["rate", "rate", "exclude", "group", "date"]))
        if what == "rate" and case.hypotheses:
            h = draw(st.sampled_from([h.id for h in case.hypotheses]))
            code = draw(CODES)
            ratings = {x: c for x, c in ev.ratings.items() if x != h} | ({h: code} if code else {})
            new = ev.model_copy(update={"ratings": ratings})
        elif what == "exclude":
            new = ev.model_copy(update={"excluded": not ev.excluded})
        elif what == "group":
            new = ev.model_copy(update={"group": draw(st.sampled_from([None, "g", "h"]))})
        else:
            new = ev.model_copy(update={"event_date": draw(DAYS)})
        evidence: list[Evidence] = [*case.evidence[:k], new, *case.evidence[k + 1 :]]
        case = case.model_copy(update={"evidence": evidence})
        out.append(case)
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_engines_match_reference_at_every_date_and_after_edits(data: st.DataObject) -> None:
    case = data.draw(small_cases())
    scorer = Scorer()
    replays = {m: Replay(m) for m in MODELS}
    check_engines(case, scorer, replays)
    for edited in data.draw(edits(case)):
        check_engines(edited, scorer, replays)
