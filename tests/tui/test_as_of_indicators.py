"""Issue 22: with an as-of date set, an indicator observed with `o` is reported on that
date (not today), and overdue is judged against it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.seed import DEFAULT_CASE_ID
from tests.tui.conftest import box_rows, flat_text, notices, screen_text, until
from tui.screens.indicators import IndicatorsScreen

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


async def as_of_then_indicators(pilot, app) -> MainScreen:
    """The workbench stepped to its latest date (``[``), then its indicators panel (``M``)."""
    await pilot.pause()
    main: MainScreen = app.screen
    await pilot.press("left_square_bracket")
    await until(pilot, lambda: main.session.view.state.as_of is not None, "the as-of date")
    await pilot.press("M")
    await until(pilot, lambda: isinstance(app.screen, IndicatorsScreen), "the indicators")
    return main


async def test_observed_with_an_as_of_date_is_reported_on_it(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await as_of_then_indicators(pilot, app)
        as_of = main.session.view.state.as_of
        before = {ev.id for ev in main.store.case(DEFAULT_CASE_ID).evidence}
        assert app.screen.today == as_of
        await pilot.press("o")
        await pilot.pause()
        added = [ev for ev in main.store.case(DEFAULT_CASE_ID).evidence if ev.id not in before]
        assert len(added) == 1 and added[0].reported_date == as_of


async def test_an_indicator_observed_later_reads_as_watched_and_a_deleted_item_says_so(
        db_path, make_app):
    """Stepped back before the item it was observed as was known, the panel said 'observed
    → E50' (the report said 'still watched') and the verdict left it out; deleting that item
    did not say the indicator was observed as it, and after it the panel said 'observed' and
    nothing else, though o files it again. o and l on the row reading 'watching' said only
    that it is observed."""
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await as_of_then_indicators(pilot, app)
        seen_on = main.session.view.state.as_of
        await pilot.press("o")
        await until(pilot, lambda: app.screen is main, "the workbench")
        eid = main.store.case(DEFAULT_CASE_ID).indicator("M1").evidence_id
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: main.session.view.state.as_of != seen_on, "an earlier date")
        earlier = main.session.view.state.as_of
        # the verdict names it among what to watch, as it did before it was observed
        assert "to tell H1 from H5, watch M1, M3" in flat_text(app)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, IndicatorsScreen), "the indicators")
        rows = screen_text(app)
        assert " M1   watching " in rows and " M1   observed " not in rows
        said = flat_text(app)
        assert "10 watching" in said
        assert (f"M1 was still watched on {earlier}: observed later, as {eid}, "
                f"known from {seen_on}") in said
        # o and l refuse it as observed, and say why a row reading 'watching' is
        await pilot.press("o", "l")
        assert (f"M1 is already observed as {eid} (known from {seen_on}, after {earlier})"
                in notices(app))
        assert f"M1 is observed (known from {seen_on}, after {earlier}): u undoes" in notices(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main, "the workbench")
        await pilot.press("delete")
        await until(pilot, lambda: "Delete evidence" in flat_text(app), "the question")
        asked = " ".join(row.strip() for row in box_rows(app, "#confirm-message"))
        assert asked.endswith("”? Indicator M1 was observed as it: it stays observed, and o in "
                              "the indicators panel (M) files it again. (u undoes)")
        await pilot.press("y")
        await until(pilot, lambda: main.store.case(DEFAULT_CASE_ID).indicator("M1").evidence_id
                    is None, "the item deleted")
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, IndicatorsScreen), "the indicators")
        assert " M1   observed " in screen_text(app)
        assert "M1 is observed, but its item was deleted: o files it again" in flat_text(app)


async def test_deleting_an_item_two_indicators_were_observed_as_names_both(db_path, make_app):
    """A case file may file two indicators as one item: the question said 'Indicator M1, M2
    was observed as it: it stays observed'."""
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await as_of_then_indicators(pilot, app)
        await pilot.press("o")
        await until(pilot, lambda: app.screen is main, "the workbench")
        case = main.store.case(DEFAULT_CASE_ID)
        m2 = case.indicator("M2")
        main.session.update_indicator(m2, m2.model_copy(update={
            "status": "observed", "evidence_id": case.indicator("M1").evidence_id}))
        await pilot.press("delete")
        await until(pilot, lambda: "Delete evidence" in flat_text(app), "the question")
        asked = " ".join(row.strip() for row in box_rows(app, "#confirm-message"))
        assert asked.endswith("”? Indicators M1, M2 were observed as it: they stay observed, and o "
                              "in the indicators panel (M) files each again. (u undoes)")
