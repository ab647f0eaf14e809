"""The audit trail from the workbench itself: the detail pane's history and the `h` key."""

from __future__ import annotations

from tests.tui.conftest import flat_text, palette_lists, until
from tests.tui.host import workers_done
from tui.screens.main import MainScreen


async def test_detail_pane_shows_the_items_history(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(170, 48)) as pilot:
        await pilot.pause()
        eid, hid = app.screen.matrix.current()
        assert "No recorded change to this item" in flat_text(app)
        await pilot.press("I")
        await pilot.pause()
        text = flat_text(app)
        assert "History 1 change" in text
        assert f"rating {eid} × {hid}: N → II" in text
        await pilot.press("down")
        await pilot.pause()
        assert f"rating {eid} × {hid}" not in flat_text(app)  # another item, its own trail


async def test_h_opens_how_the_ranking_moved_and_escape_returns(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(170, 48)) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        eid, hid = main.matrix.current()
        await pilot.press("I", "h")
        await workers_done(app)
        await pilot.pause()
        assert "How the ranking moved" in flat_text(app)
        assert f"rating {eid} × {hid}: N → II" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main
        # and from the command palette, by name
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"ranking moved")
        await until(pilot, lambda: palette_lists(app, "ranking moved"), "the palette's hit")
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        assert "How the ranking moved" in flat_text(app)
