"""A team case in the workbench: who you are, the lens switch, rating as two analysts."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import flat_text, notices, screen_text
from tui.screens.main import MainScreen


def make_team(db_path: Path, analyst: str = "ana") -> None:
    with Store.open(db_path, analyst=analyst) as store:
        store.make_team(DEFAULT_CASE_ID)


def top_line(app: object) -> str:
    return screen_text(app).splitlines()[0]


async def test_two_analysts_rate_in_turn_and_the_lens_shows_each(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    make_team(db_path)
    monkeypatch.setenv("WEIGH_ANALYST", "ana")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        assert "you: ana" in top_line(app) and "lens: team" in top_line(app)
        eid, hid = screen.matrix.current()
        await pilot.press("C")  # ana: CC
        await pilot.press("ctrl+q")
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "you: ben" in top_line(app)
        assert screen.matrix.current() == (eid, hid)
        await pilot.press("I")  # ben: II; the team's consensus of CC and II is N
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip().startswith("N")
        await pilot.press("l")  # ana's lens: her vote, whoever is rating
        assert "lens: ana" in top_line(app)
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == "CC"
        await pilot.press("c")  # the keys still write ben's vote
        await pilot.press("l")
        assert "lens: ben" in top_line(app)
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == "C"
        await pilot.press("l")
        assert "lens: team" in top_line(app)
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:
        ev = store.evidence(DEFAULT_CASE_ID, eid)
    assert ev.ratings_by["ana"][hid] == "CC" and ev.ratings_by["ben"][hid] == "C"


async def test_the_ranking_follows_the_lens(db_path: Path, make_app,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    make_team(db_path)  # ana holds every rating; ben has none
    with Store.open(db_path, analyst="ben") as store:
        store.set_rating(DEFAULT_CASE_ID, "E1", "H1", "C")
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        team = flat_text(app)
        await pilot.press("l", "l")  # ben's lens: one rated item
        assert "lens: ben" in top_line(app)
        assert flat_text(app) != team
        assert "1/" in flat_text(app)  # coverage: one item rated in ben's matrix
        await pilot.press("ctrl+q")


async def test_a_one_analyst_case_has_no_lens(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "lens:" not in top_line(app) and "you:" not in top_line(app)
        await pilot.press("l")
        await pilot.pause(0.1)
        assert "one-analyst case" in notices(app)
        await pilot.press("ctrl+q")
