"""The audit trail from the workbench itself: the detail pane's history and the `h` key."""

from __future__ import annotations

from tests.tui.conftest import flat_text
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
