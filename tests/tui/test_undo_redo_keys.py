"""`u` and `U` as a user presses them: after an edit of each kind, `u` puts the screen
back exactly as it was and `U` shows the edit again (every kind, notes and indicators
too, and the history replay are checked below the screen, in test_undo_redo.py)."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import flat_text, notices, screen_text

#: Keys that make one edit of each kind on the main screen, from a rating cell.
EDITS: dict[str, list[str]] = {
    "rate": ["I"],
    "clear a rating": ["backspace"],
    "exclude": ["space"],
    "delete evidence": ["delete", "y"],
    "add hypothesis": ["A", *"Another explanation", "ctrl+s"],
    "case details": ["D", *" (draft)", "ctrl+s"],
}


def stored(db: Path) -> dict[str, object]:
    with Store.open(db, readonly=True) as store:
        return store.case(DEFAULT_CASE_ID).model_dump(exclude={"updated", "created"})


async def test_u_undoes_and_shift_u_redoes_each_kind_of_edit(db_path, make_app) -> None:
    """Every kind in one session: each ends undone, so the next starts from the screen a
    fresh session shows (asserted: the screen equals the one before the first edit)."""
    original = stored(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(110, 36)) as pilot:  # narrow: no detail pane (it lists the trail)
        await pilot.pause()
        await pilot.press("down", "down", "right")
        await pilot.pause()
        start = screen_text(app)
        for done, (kind, keys) in enumerate(EDITS.items(), 1):
            before = screen_text(app)
            assert before == start, kind
            await pilot.press(*keys)
            await pilot.pause()
            edited = screen_text(app)
            assert edited != before, kind
            await pilot.press("u")
            await pilot.pause()
            assert screen_text(app) == before, kind
            assert notices(app).count("Undid ") == 2 * done - 1, kind
            await pilot.press("U")
            await pilot.pause()
            assert screen_text(app) == edited, kind
            assert notices(app).count("Redid ") == done, kind
            await pilot.press("u")
            await pilot.pause()
        await pilot.press("ctrl+q")
    assert stored(db_path) == original  # on disk too, after the last u


async def test_redo_is_in_the_help_and_a_new_edit_ends_it(db_path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 80)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Redo the last change undone" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("down", "right", "c", "u", "x")  # undo, then a new edit
        await pilot.pause()
        await pilot.press("U")
        await pilot.pause()
        assert "Nothing to redo" in notices(app)
        await pilot.press("ctrl+q")
