"""A key's whole effect is made in the turn of the event loop that handles it, so it
reaches the screen in one frame: the cursor's move and the detail pane's new item, a
typed filter character's echo and the filtered rows, scrolled to the cursor. Nothing is
awaited between the key's action and the assertions, so no frame can be drawn between
them either; a panel that learnt of the change from a message would not have redrawn yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.seed import DEFAULT_CASE_ID
from tests.tui.conftest import shown_ids
from tui.widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


async def test_a_cursor_move_redraws_the_detail_pane_in_the_same_turn(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        rows = shown_ids(screen)
        second = screen.store.evidence(DEFAULT_CASE_ID, rows[1])
        assert screen.matrix.current()[0] == rows[0]
        screen.matrix.action_cursor(1, 0)  # what the down key runs
        assert screen.cell == screen.matrix.current() == (rows[1], screen.cell[1])
        assert second.title in str(screen.query_one("#detail-text").render())


async def test_a_typed_filter_character_filters_in_the_same_turn(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        case = screen.store.case(DEFAULT_CASE_ID)
        tag = case.evidence[0].tags[0]
        tagged = {e.id for e in case.evidence if tag in e.tags}
        assert len(tagged) < len(case.evidence)
        await pilot.press("ctrl+end", "slash")  # from the last row: the matrix scrolled down
        assert screen.matrix.scroll_offset.y > 0
        bar = screen.query_one(FilterBar)
        bar.insert_text_at_cursor(f"#{tag}")  # what typing it runs
        assert set(shown_ids(screen)) == tagged
        matrix = screen.matrix  # and scrolled to the cursor on the new rows (row 0 is the header)
        assert matrix.scroll_offset.y <= matrix.cursor_row < matrix.scroll_offset.y + matrix.size.height - 1
        assert screen.session.view.state.filter_query == f"#{tag}"
