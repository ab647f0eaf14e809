"""The workbench session (what the matrix, ranking and timeline show) agrees with the
independent reference summary at every as-of stop, before and after an edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.store import Store
from tests.summary_reference import MODELS, close, differences, known_date, reference_summary, takes_part
from tests.test_replay_reference import as_summary
from tests.test_summary_reference import CASES
from tui.workbench_session import WorkbenchSession


@pytest.fixture(params=["group-dates", "reported"])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WorkbenchSession]:
    store = Store.open(tmp_path / "db.json")
    store.put_case(CASES[request.param])
    s = WorkbenchSession(store)
    s.open(request.param)
    yield s
    store.close()


def check_every_stop(s: WorkbenchSession) -> None:
    s.step_date(-len(s.stops))
    seen = []
    while True:
        case, as_of = s.store.case(s.require()), s.as_of
        seen.append(as_of)
        assert s.analysis is not None
        for model in MODELS:
            assert differences(as_summary(s.analysis, model), reference_summary(case, model, as_of)) == []
        for ev in case.evidence:
            facts = s.facts(ev)
            known = known_date(ev)
            assert facts.active == takes_part(ev, as_of), (ev.id, as_of)
            assert facts.later == (as_of is not None and known is not None and known > as_of), (ev.id, as_of)
        ref = reference_summary(case, s.model, None)
        leader = s.leaders()[0]
        series = s.leader_series()
        assert len(series) == len(s.stops)
        for stop, value in zip(s.stops, series, strict=True):
            row = next(r for r in reference_summary(case, s.model, stop)["ranking"] if r["id"] == leader)
            assert close(value, row["posterior"] if s.model == "bayes" else row[s.model])
        assert ref["ranking"]  # the case has hypotheses
        if s.step_date(1).redraw == "none":
            break
    assert seen == s.stops


def test_session_matches_reference_at_every_stop_under_each_model(session: WorkbenchSession) -> None:
    for _ in MODELS:
        check_every_stop(session)
        session.cycle_model()


def test_session_matches_reference_after_edits(session: WorkbenchSession) -> None:
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
        s = WorkbenchSession(store)
        s.open("reported")
        while s.as_of is None or s.as_of.isoformat() != "2022-03-20":
            s.step_date(-1)
        e1 = store.evidence("reported", "E1")
        facts = s.facts(e1)
        assert (facts.active, facts.later) == (False, True)
        e2 = store.evidence("reported", "E2")  # event 20 March, reported 2 March: known 20 March
        assert (s.facts(e2).active, s.facts(e2).later) == (True, False)
