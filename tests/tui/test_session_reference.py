"""The workbench session (what the matrix, ranking and timeline show) agrees with the
independent reference summary at every as-of stop, before and after an edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.store import Store
from tests.summary_reference import (
    MODELS,
    close,
    engine_differences,
    known_date,
    reference_summary,
    takes_part,
)
from tests.test_replay_reference import as_summary
from tests.test_summary_reference import CASES
from tests.tui.conftest import shown_leaders
from tui.edit_session import EditSession


@pytest.fixture(params=["group-dates", "reported"])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EditSession]:
    store = Store.open(tmp_path / "db.json")
    store.put_case(CASES[request.param])
    s = EditSession(store)
    s.open(request.param)
    yield s
    store.close()


def check_every_stop(s: EditSession) -> None:
    s.view.step_date(-len(s.view.state.stops))
    seen = []
    while True:
        case, as_of = s.store.case(s.require()), s.view.state.as_of
        seen.append(as_of)
        assert s.view.analysis is not None
        for model in MODELS:
            ref = reference_summary(case, model, as_of)
            assert engine_differences(as_summary(s.view.analysis, model), ref) == []
        for ev in case.evidence:
            facts = s.view.facts(ev)
            known = known_date(ev)
            assert facts.active == takes_part(ev, as_of), (ev.id, as_of)
            assert facts.later == (as_of is not None and known is not None and known > as_of), (ev.id, as_of)
        ref = reference_summary(case, s.view.state.model, None)
        leader = shown_leaders(s.view)[0]
        series = s.view.leader_series()
        assert len(series) == len(s.view.state.stops)
        for stop, value in zip(s.view.state.stops, series, strict=True):
            model = s.view.state.model
            row = next(r for r in reference_summary(case, model, stop)["ranking"] if r["id"] == leader)
            assert close(value, row["posterior"] if model == "bayes" else row[model])
        assert ref["ranking"]  # the case has hypotheses
        if s.view.step_date(1).redraw == "none":
            break
    assert seen == s.view.state.stops


def test_session_matches_reference_at_every_stop_under_each_model(session: EditSession) -> None:
    for _ in MODELS:
        check_every_stop(session)
        session.view.cycle_model()


def test_session_matches_reference_after_edits(session: EditSession) -> None:
    session.rate("E2", "H1", "CC")
    check_every_stop(session)
    session.toggle_excluded("E1", ("E1", "H1"))
    check_every_stop(session)
    session.undo()
    session.rate("E3", "H2", None)
    check_every_stop(session)


def test_reported_after_the_as_of_date_is_marked_later(tmp_path: Path) -> None:
    """E1 happened on 1 March but was reported on 1 April: at 20 March it does not count,
    and its row and detail say it is later (not merely dimmed without a reason)."""
    with Store.open(tmp_path / "db.json") as store:
        store.put_case(CASES["reported"])
        s = EditSession(store)
        s.open("reported")
        while s.view.state.as_of is None or s.view.state.as_of.isoformat() != "2022-03-20":
            s.view.step_date(-1)
        e1 = store.evidence("reported", "E1")
        facts = s.view.facts(e1)
        assert (facts.active, facts.later) == (False, True)
        e2 = store.evidence("reported", "E2")  # event 20 March, reported 2 March: known 20 March
        assert (s.view.facts(e2).active, s.view.facts(e2).later) == (True, False)
