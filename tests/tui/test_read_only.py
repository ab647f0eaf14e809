"""A read-only workbench (another weigh is editing the database) offers no edit: the keys that
would edit are dimmed in the footer, and pressing one says why, once, before anything is typed.
Red team: `a` opened the form, the analyst typed, and ctrl+s threw the text away with a toast."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import flat_text, notices, palette_lists, until
from tests.tui.host import RAISED, press_at_once
from tui.screens.case_switcher import CaseSwitcher
from tui.screens.indicators import IndicatorsScreen
from tui.screens.main import MainScreen
from tui.widgets.ranking import RankingPanel

WHY = "Read-only: this weigh itself"  # the reason: who is editing (here, the test's own process)


@pytest.fixture
def held(db_path: Path) -> Iterator[Store]:
    """Another weigh (this process) editing the database: the app opens it read-only."""
    holder = Store.open(db_path)
    yield holder
    holder.close()


def said(app: App[object]) -> list[str]:
    """Every toast the app raised, oldest first."""
    return list(RAISED.get(app, []))


async def each_says_why(pilot: Pilot[object], app: App[object], keys: tuple[str, ...]) -> None:
    """Each key, pressed on the screen on show, opens nothing and says why, once."""
    screen = app.screen
    for key in keys:
        count = len(said(app))
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is screen, f"{key} opened {app.screen}"
        assert len(said(app)) == count + 1 and said(app)[-1].startswith(WHY)


def footer_key(app: App[object], key: str) -> tuple[str, bool]:
    """The footer's key as drawn: its description, and whether it is shown disabled (dim)."""
    for widget in app.screen.query("FooterKey"):
        if getattr(widget, "key", None) == key:
            return str(getattr(widget, "description", "")), widget.has_class("-disabled")
    raise AssertionError(f"no footer key {key}")


async def test_the_keys_that_edit_are_dimmed_and_each_says_why_once(
    db_path: Path, make_app, held: Store
) -> None:
    before = held.case(DEFAULT_CASE_ID)
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        assert "READ-ONLY" in flat_text(app)
        assert "your own case" not in flat_text(app)  # no hint to start what cannot be made here
        before_model = main.session.view.state.model
        # the footer draws its keys once the keys typed while the case opened have run
        await until(pilot, lambda: bool(app.screen.query("FooterKey")), "the footer's keys")
        assert footer_key(app, "a") == ("Add", True)  # dimmed: it does not act here
        assert footer_key(app, "u") == ("Undo", True)
        assert footer_key(app, "c")[1]  # the rating keys too
        assert footer_key(app, "m") == ("Model", False)  # what only changes the view still acts
        for key in ("a", "A", "D", "u", "U", "ctrl+t", "c", "I", "backspace", "space", "w", "e",
                    "enter", "delete"):
            count = len(said(app))
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is main, f"{key} opened {app.screen}"
            assert said(app)[count:] == [said(app)[-1]], f"{key}: said once"
            assert said(app)[-1].startswith(WHY), f"{key}: {said(app)[-1]}"
            assert f"(PID {os.getpid()}) is editing this database" in said(app)[-1]
            assert "start weigh again to edit" in said(app)[-1]
        await pilot.press("tab")  # the ranking: its edit keys too
        assert isinstance(app.focused, RankingPanel)
        for key in ("e", "delete"):
            count = len(said(app))
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is main and len(said(app)) == count + 1
            assert said(app)[-1].startswith(WHY)
        count = len(said(app))
        await pilot.press("m")  # what only changes the view still acts: no refusal
        await pilot.pause()
        assert not [notice for notice in said(app)[count:] if notice.startswith(WHY)]
        assert main.session.view.state.model != before_model
        await pilot.press("ctrl+q")
    assert held.case(DEFAULT_CASE_ID) == before


async def test_the_case_switcher_and_the_indicators_panel_refuse_their_edits_too(
    db_path: Path, make_app, held: Store
) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        switcher = app.screen
        assert isinstance(switcher, CaseSwitcher)
        assert switcher.query_one("#new", Button).disabled
        # its line of keys offers only what works here (found by a tester: it offered new,
        # import, sync, delete and undo, each of which only said why not)
        keys = str(switcher.query_one("#switcher-keys").render())
        assert "enter open · esc cancel · read-only: no case can be made, imported, synced or deleted" in keys
        assert "n new empty case" not in keys and "del delete" not in keys
        await each_says_why(pilot, app, ("n", "i", "s", "delete", "u"))
        await pilot.press("escape", "M")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, IndicatorsScreen)
        keys = str(panel.query_one("#indicator-keys").render())  # only what works, as above
        assert "read-only: no indicator can be added, edited, observed or deleted" in keys
        assert "a add" not in keys and "u undo" not in keys
        await each_says_why(pilot, app, ("a", "e", "o", "l", "delete", "enter", "u"))
        await pilot.press("escape", "ctrl+q")


async def test_the_command_palette_says_why_rather_than_opening_a_form(
    db_path: Path, make_app, held: Store
) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("ctrl+p")
        await press_at_once(pilot, *"add evidence")
        await until(pilot, lambda: palette_lists(app, "add evidence"), "the palette's hit")
        await pilot.press("enter")
        await until(pilot, lambda: WHY in notices(app), "the reason")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+q")


async def test_a_database_that_cannot_be_saved_opens_read_only_saying_why(db_path: Path, make_app) -> None:
    """A read-only database file (or folder, or disk) stopped the workbench at 'cannot open this
    database', whose words said to open it read-only, which nothing offered: it opens read-only."""
    before = db_path.read_bytes()
    db_path.chmod(0o444)  # mode bits: what weigh checks, so this holds under root too
    try:
        app = make_app(db_path)
        async with app.run_test(size=(160, 48)) as pilot:
            assert isinstance(app.screen, MainScreen)
            text = flat_text(app)
            assert "READ-ONLY" in text and "the database file is read-only" in text
            await pilot.press("c")
            await pilot.pause()
            assert said(app)[-1].startswith("Read-only: ")
            assert said(app)[-1].endswith("make it writable (chmod u+w) and start weigh again to edit.")
            await pilot.press("ctrl+q")
    finally:
        db_path.chmod(0o600)
    assert db_path.read_bytes() == before
