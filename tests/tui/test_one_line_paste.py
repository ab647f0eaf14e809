"""A paste of several lines into a one-line field keeps every line, joined with spaces
(Textual's Input kept the first line and dropped the rest without a word)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from hypotheses.models import MAX_TEXT
from tests.tui.conftest import flat_text, notices
from tests.tui.host import paste
from tui.screens.note_dialog import NoteDialog
from tui.widgets.one_line_input import one_line

PASTED = "The envoy said so\non the record,\n\n   twice.  \n"


def test_lines_are_joined_with_single_spaces() -> None:
    assert one_line(PASTED) == "The envoy said so on the record, twice."
    assert one_line("  one line, its spaces kept  ") == "  one line, its spaces kept  "
    assert one_line("a path\n") == "a path"
    assert one_line("\r\n\n") == ""
    assert one_line("first\r\nsecond\u2028third") == "first second third"


async def test_a_note_pasted_over_several_lines_keeps_them_all(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        eid, hid = app.screen.matrix.current()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await paste(pilot, PASTED)
        assert "The envoy said so on the record, twice." in flat_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:
        assert store.case(DEFAULT_CASE_ID).item(eid).notes[hid] == "The envoy said so on the record, twice."


async def test_a_title_pasted_into_a_form_keeps_every_line_at_the_cursor(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", *"Seen: ")
        await paste(pilot, "Convoy at the border\ncrossing, 40 trucks")
        await pilot.press(*" (photo)")
        title = app.screen.query_one("#title", Input)
        assert title.value == "Seen: Convoy at the border crossing, 40 trucks (photo)"
        assert "Seen: Convoy at the border crossing, 40 trucks (photo)" in flat_text(app)


async def test_a_paste_longer_than_a_note_holds_says_why_nothing_came(db_path: Path, make_app) -> None:
    """A note holds MAX_TEXT characters: a longer paste is refused in words (found by a
    tester: it vanished without one, the field left as it was)."""
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("w", *"kept")
        await pilot.pause()
        await paste(pilot, "x" * (MAX_TEXT + 1))
        note = app.screen.query_one("#note", Input)
        assert note.value == "kept"
        assert (f"Not pasted: with it this field would hold {MAX_TEXT + 5:,} characters, more "
                f"than the {MAX_TEXT:,} it can") in notices(app)
        await paste(pilot, " and pasted")  # a paste that fits goes in as before
        assert note.value == "kept and pasted"
        await pilot.press("escape", "y")
        await pilot.press("ctrl+q")
