"""The audit trail from the workbench itself: the detail pane's history and the `h` key."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import flat_text, until
from tests.tui.host import workers_done
from tui.screens.main import MainScreen


async def test_the_items_history_in_the_pane_and_h_opens_how_the_ranking_moved(db_path, make_app):
    """(The palette finds this screen by "history": test_main_view's palette test.)"""
    app = make_app(db_path)
    async with app.run_test(size=(170, 48)) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        eid, hid = main.matrix.current()
        assert "No recorded change to this item" in flat_text(app)
        await pilot.press("I")
        await pilot.pause()
        text = flat_text(app)
        assert "History 1 change" in text
        assert f"rating {eid} × {hid}: N → II" in text
        await pilot.press("down")
        await pilot.pause()
        assert f"rating {eid} × {hid}" not in flat_text(app)  # another item, its own trail
        await pilot.press("h")
        await workers_done(app)
        await pilot.pause()
        assert "How the ranking moved" in flat_text(app)
        assert f"rating {eid} × {hid}: N → II" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main


async def test_a_long_trail_is_read_in_a_worker_while_the_case_shows(
        tmp_path: Path, make_app: Callable[[Path], App[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The case shows without waiting for the changes recorded (a case edited for years has
    hundreds of thousands): the item's history says it is being read, keys act meanwhile,
    and the history follows."""
    db = tmp_path / "aged.json"
    with Store.open(db) as store:
        store.put_case(Case(id="aged", title="An aged case", hypotheses=[Hypothesis(id="H1", title="One")],
                            evidence=[Evidence(id="E1", title="First"), Evidence(id="E2", title="Second")]))
        for n in range(12):
            store.set_rating("aged", "E1", "H1", ("C", "I")[n % 2])
    gate = threading.Event()
    read_trail = Store.read_trail

    def gated(self: Store, stop: Callable[[], bool] | None = None) -> None:
        assert gate.wait(30), "the test never opened the gate"
        read_trail(self, stop)

    monkeypatch.setattr(Store, "read_trail", gated)
    app = make_app(db)
    try:
        async with App.run_test(app, size=(170, 48)) as pilot:  # not waiting for the history
            await until(pilot, lambda: "reading the 13 recorded changes" in flat_text(app), "reading")
            assert "An aged case" in flat_text(app) and "E1 First" in flat_text(app)  # the case shows
            await pilot.press("down")  # keys act while the trail is read
            await until(pilot, lambda: "E2 Second" in flat_text(app), "the second item")
            assert "reading the 13 recorded changes" in flat_text(app)
            await pilot.press("up")
            gate.set()
            await until(pilot, lambda: "History 12 changes" in flat_text(app), "the item's history")
            assert "rating E1 × H1: I → C" in flat_text(app)
            assert "reading" not in flat_text(app)
            await pilot.press("ctrl+q")
    finally:
        gate.set()
