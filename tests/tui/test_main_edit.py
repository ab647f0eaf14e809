"""Add, edit and delete through the modal forms (part B's screens): the main
screen applies the result to the store, selects the new item, and `u` undoes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import DEFAULT_ITEMS, flat_text, notices, shown_ids, until
from tests.tui.host import paste, press_at_once
from tui.edit_session import next_id
from tui.screens.main import MainScreen


def stored_case(db_path: Path):
    with Store.open(db_path, readonly=True) as store:
        return store.case(DEFAULT_CASE_ID)


def test_next_id_follows_the_highest_number():
    assert next_id("E", []) == "E1"
    assert next_id("E", ["E1", "E9", "E3", "X20", "E10b"]) == "E10"
    assert next_id("H", ["H1", "H2"]) == "H3"


async def test_add_evidence_with_two_tags_then_rate_it_against_every_hypothesis(
    db_path, make_app
):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        await pilot.press("a", *"Draft", "escape", "y")  # escape, y (discard): nothing is added
        await pilot.pause()
        assert app.screen is main
        assert len(main.store.case(DEFAULT_CASE_ID).evidence) == DEFAULT_ITEMS
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert form is not main
        await paste(pilot, "New [bold] item [/]")
        form.query_one("#tags").focus()
        await paste(pilot, "alpha, beta")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is main
        assert main.matrix.current() == (f"E{DEFAULT_ITEMS + 1}", "H1")  # selected on its first rating cell
        await press_at_once(pilot, "c", "right", "C", "right", "n", "right", "i", "right", "I", "right", "x")
        assert "New [bold] item [/]" in flat_text(app)
        await pilot.press("ctrl+q")
    ev = stored_case(db_path).item(f"E{DEFAULT_ITEMS + 1}")
    assert ev.title == "New [bold] item [/]"
    assert ev.tags == ["alpha", "beta"]
    assert ev.ratings == {"H1": "C", "H2": "CC", "H3": "N", "H4": "I", "H5": "II", "H6": "NA"}


async def test_delete_undo_and_edit_evidence_then_a_deleted_items_id_is_not_reused(db_path, make_app):
    """Two parts in one session on the bundled case: delete asks, u restores the item in
    place, e edits it and u takes the edit back (the case as it began, on disk too); then
    the last item deleted and a new one added gets a fresh id."""
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await delete_evidence_asks_then_undo_restores_it_in_place_and_e_edits_it(pilot, db_path)
        await a_deleted_items_id_is_not_given_to_the_next_item(pilot)
        await pilot.press("ctrl+q")


async def delete_evidence_asks_then_undo_restores_it_in_place_and_e_edits_it(pilot, db_path):
    app = pilot.app
    main = app.screen
    assert isinstance(main, MainScreen)
    await pilot.press("down", "down")
    eid, _ = main.matrix.current()
    order = [e.id for e in main.store.case(DEFAULT_CASE_ID).evidence]
    await pilot.press("delete")
    await pilot.pause()
    await pilot.press("n")  # no: nothing happens
    await pilot.pause()
    assert eid in [e.id for e in main.store.case(DEFAULT_CASE_ID).evidence]
    await pilot.press("delete")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    assert eid not in [e.id for e in main.store.case(DEFAULT_CASE_ID).evidence]
    assert main.matrix.row_count == DEFAULT_ITEMS - 1
    assert f"Deleted {eid}" in notices(app)
    assert len(stored_case(db_path).evidence) == DEFAULT_ITEMS - 1  # on disk at once
    await pilot.press("u")
    assert main.matrix.current()[0] == eid
    # e edits the focused item; u takes the edit back
    old = main.store.evidence(DEFAULT_CASE_ID, eid)
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("ctrl+u")
    await paste(pilot, "Renamed item")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is main
    assert main.store.evidence(DEFAULT_CASE_ID, eid).title == "Renamed item"
    assert "Renamed item" in flat_text(app)
    await pilot.press("u")
    assert main.store.evidence(DEFAULT_CASE_ID, eid) == old
    assert [e.id for e in stored_case(db_path).evidence] == order  # back in its place, on disk
    assert stored_case(db_path).item(eid).title == old.title


async def test_add_delete_and_undo_a_hypothesis(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        await pilot.press("A")
        await pilot.pause()
        await paste(pilot, "Seventh explanation")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is main
        assert main.matrix.current()[1] == "H7"
        await pilot.press("c")
        eid = main.matrix.current()[0]
        assert "Seventh explanation" in flat_text(app)
        # delete H2 from the ranking panel, then undo: its ratings come back
        ratings_h2 = {e.id: e.ratings["H2"] for e in main.store.case(DEFAULT_CASE_ID).evidence
                      if "H2" in e.ratings}
        await pilot.press("tab")
        assert main.ranking.has_focus
        main.ranking.select("H2")
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert [h.id for h in main.store.case(DEFAULT_CASE_ID).hypotheses] == [
            "H1", "H3", "H4", "H5", "H6", "H7"]
        await pilot.press("u")
        case = main.store.case(DEFAULT_CASE_ID)
        assert [h.id for h in case.hypotheses] == ["H1", "H2", "H3", "H4", "H5", "H6", "H7"]
        assert {e.id: e.ratings["H2"] for e in case.evidence if "H2" in e.ratings} == ratings_h2
        await pilot.press("ctrl+q")
    case = stored_case(db_path)
    assert case.hypothesis("H7").title == "Seventh explanation"
    assert case.item(eid).ratings["H7"] == "C"


async def test_case_switcher_opens_another_case_and_it_is_reopened(db_path, make_app):
    from hypotheses.models import Case, Evidence, Hypothesis

    with Store.open(db_path) as store:
        store.put_case(Case(id="second", title="Second case",
                            hypotheses=[Hypothesis(id="H1", title="Only one")],
                            evidence=[Evidence(id="E1", title="The one item")]))
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert app.screen is not main
        app.screen.query_one("#case-list").focus()
        ids = [o.id for o in app.screen.query_one("#case-list", OptionList).options]
        await press_at_once(pilot, "home", *["down"] * ids.index("second"), "enter")
        await pilot.pause()
        assert app.screen is main
        assert main.case_id == "second"
        assert "The one item" in flat_text(app)
        assert main.matrix.current() == ("E1", "H1")
        await pilot.press("c", "ctrl+q")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.screen.case_id == "second"
        assert app.screen.store.evidence("second", "E1").ratings == {"H1": "C"}
        await pilot.press("ctrl+q")


async def a_deleted_items_id_is_not_given_to_the_next_item(pilot):
    """Issue 22, bug 2: delete the last item, add one: a fresh id, with no one else's history."""
    app = pilot.app
    main = app.screen
    assert isinstance(main, MainScreen)
    last = f"E{DEFAULT_ITEMS}"
    main.matrix.focus()
    rows = shown_ids(main)
    at = rows.index(last)  # from whichever end is nearer
    if at < len(rows) // 2:
        await press_at_once(pilot, "ctrl+home", *["down"] * at)
    else:
        await press_at_once(pilot, "ctrl+end", *["up"] * (len(rows) - 1 - at))
    assert main.matrix.current()[0] == last
    await pilot.press("delete")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    await paste(pilot, "Fresh item")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is main
    assert main.matrix.current()[0] == f"E{DEFAULT_ITEMS + 1}"
    await until(pilot, lambda: "History" in flat_text(app), "the new item's history")
    assert f"deleted evidence {last}" not in flat_text(app)
