"""`u` and `U` as a user presses them: after an edit of each kind, `u` puts the screen
back exactly as it was and `U` shows the edit again (every kind, notes and indicators
too, and the history replay are checked below the screen, in test_undo_redo.py)."""

from __future__ import annotations

import re
from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import flat_text, notices, screen_text
from tests.tui.host import press_at_once
from tui.widgets.ranking import RankingPanel

#: Keys that make one edit of each kind on the main screen, from a rating cell: the first
#: pressed alone (it may open a form), the rest, if any, at once (typed fast).
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
            await pilot.press(keys[0])
            if keys[1:]:
                await press_at_once(pilot, *keys[1:])
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


async def test_a_hypothesis_deleted_and_undone_is_back_in_its_place_in_every_report(
        db_path, make_app, tmp_path: Path) -> None:
    """Its cells came back last in each row: the Markdown report then listed an indicator's
    ratings as 'H2 N, H3 C, …, H1 CC'. Now each row reads in the order of the columns."""
    from tests.tui.test_dialogs_export import settle, type_path

    report = tmp_path / "after-undo.md"
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("tab")  # the ranking, on its first row
        deleted = app.screen.query_one(RankingPanel).selected_id()
        await pilot.press("delete", "y")
        await pilot.pause()
        assert f"Deleted {deleted}" in notices(app)
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await type_path(pilot, str(report))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")
    columns = [f"H{k}" for k in range(1, 7)]
    section = report.read_text(encoding="utf-8").split("## Indicators", 1)[1].split("\n## ", 1)[0]
    listed = [line for line in section.splitlines() if line.startswith("- **M")]
    assert listed
    for line in listed:
        named = [h for h in re.findall(r"\b(H\d+) (?:CC|C|N|II|I|NA)\b", line.rsplit(";", 1)[1])]
        assert named == [h for h in columns if h in named] and deleted in named, line
    with Store.open(db_path, readonly=True) as store:
        case = store.case(DEFAULT_CASE_ID)
    assert all(list(ind.ratings) == [h for h in columns if h in ind.ratings] for ind in case.indicators)
