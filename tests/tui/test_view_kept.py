"""Each case is shown again as it was left (issue 22): its model, sort and focused cell,
kept per case and per database in the state file, across a restart and a case switch."""

from __future__ import annotations

import json
from pathlib import Path

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import screen_text, until
from tui.edit_session import EditSession
from tui.state_file import SavedView, remember_view, saved_view


def two_cases(db: Path) -> None:
    with Store.open(db) as store:
        for cid in ("alpha", "beta"):
            store.put_case(Case(id=cid, title=f"Case {cid}", hypotheses=[
                Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")], evidence=[
                Evidence(id=f"E{n}", title=f"{cid} item {n}") for n in (1, 2, 3)]))


def test_saved_views_are_per_database_and_case_and_odd_entries_are_passed_over(
        tmp_path: Path, state_file: Path) -> None:
    db, other = tmp_path / "a.json", tmp_path / "b.json"
    remember_view(state_file, db, "alpha", SavedView("bayes", "weight", "E3", "H2"))
    assert saved_view(state_file, db, "alpha") == SavedView("bayes", "weight", "E3", "H2")
    assert saved_view(state_file, db, "beta") is None
    assert saved_view(state_file, other, "alpha") is None
    data = json.loads(state_file.read_text())
    data["views"][str(db.absolute())]["beta"] = {"model": 7, "sort": "date"}
    state_file.write_text(json.dumps(data))
    assert saved_view(state_file, db, "beta") is None


def test_the_session_leaves_one_case_and_finds_the_other_as_left(
        tmp_path: Path, state_file: Path) -> None:
    db = tmp_path / "db.json"
    two_cases(db)
    with Store.open(db) as store:
        session = EditSession(store, state_file)
        session.open("alpha")
        session.view.cycle_model()
        session.view.cycle_sort((None, None))
        alpha = (session.view.state.model, session.view.state.sort)
        session.open("beta", leaving=("E2", "H2"))
        session.view.state.model = "inconsistency"
        session.open("alpha", leaving=("E1", "H1"))
        assert (session.view.state.model, session.view.state.sort) == alpha
        assert session.start_focus == ("E2", "H2")
        remember_view(state_file, db, "beta", SavedView("no-such-model", "no-such-sort"))
        session.open("beta", leaving=(None, None))
        assert session.view.state.model == alpha[0]  # unknown names change nothing


async def test_a_restart_and_a_switch_show_each_case_as_left(tmp_path: Path, make_app):
    db = tmp_path / "db.json"
    two_cases(db)
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.screen.case_id == "alpha"
        await pilot.press("m", "s", "down", "down", "right")  # bayes, diagnosticity, E3 × H2
        await pilot.press("ctrl+o", "down", "enter")
        await until(pilot, lambda: app.screen.case_id == "beta", "case beta")
        await pilot.press("m", "down")  # beta: bayes → inconsistency, E2 × H1
        await pilot.press("ctrl+q")
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.screen.case_id == "beta"
        assert app.screen.matrix.current() == ("E2", "H1")
        assert app.screen.session.view.state.model == "inconsistency"
        await pilot.press("ctrl+o", "up", "enter")
        await until(pilot, lambda: app.screen.case_id == "alpha", "case alpha")
        assert app.screen.matrix.current() == ("E3", "H2")
        assert app.screen.session.view.state.model == "bayes"
        assert "Bayes" in screen_text(app) and "sort: diagnosticity" in screen_text(app)
