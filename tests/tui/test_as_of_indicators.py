"""Issue 22: with an as-of date set, an indicator observed with `o` is reported on that
date (not today), and overdue is judged against it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.seed import DEFAULT_CASE_ID
from tests.tui.conftest import until
from tui.screens.indicators import IndicatorsScreen

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


async def test_observed_with_an_as_of_date_is_reported_on_it(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: main.session.view.state.as_of is not None, "the as-of date")
        as_of = main.session.view.state.as_of
        case = main.store.case(DEFAULT_CASE_ID)
        before = {ev.id for ev in case.evidence}
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, IndicatorsScreen), "the indicators")
        assert app.screen.today == as_of
        await pilot.press("o")
        await pilot.pause()
        added = [ev for ev in main.store.case(DEFAULT_CASE_ID).evidence if ev.id not in before]
        assert len(added) == 1 and added[0].reported_date == as_of
