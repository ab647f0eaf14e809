"""Snapshots of every other screen and dialog, as a user reaches them.

Each starts from a temp database seeded with the bundled case, at a fixed
terminal size, with the cursor blink off and every path on screen pinned, so
the picture depends on nothing but the code. Regenerate only on purpose:
``pytest tests/tui/test_snapshots_screens.py --snapshot-update`` after a change
to what a screen shows, and look at the new pictures before committing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App, CSSPathType
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

import tui
from evidence.seed import open_store
from tui.app import WeighApp
from tui.screens.open_error import OpenErrorScreen

PINNED_DB = Path("/data/weigh.json")


@pytest.fixture
def app(tmp_path: Path) -> WeighApp:
    path = tmp_path / "weigh.json"
    open_store(path).close()
    return WeighApp(path, state_file=tmp_path / "state.json")


async def still(pilot: Pilot[object]) -> None:
    """Cursor blink off in every text field on screen, the database path pinned, then settle."""
    for screen in pilot.app.screen_stack:
        if hasattr(screen, "db_path") and hasattr(screen, "redraw_panels"):
            screen.db_path = PINNED_DB
            screen.redraw_panels()
        for field in screen.query(Input):
            field.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False
    await pilot.pause()


def test_hypothesis_form_with_an_error(snap_compare, app: WeighApp) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("A")
        await still(pilot)
        await pilot.press(*"Kyiv [b]stalled[/b]", "tab", "tab", "end", "ctrl+u", *"abc", "ctrl+s")
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


def test_case_switcher(snap_compare, app: WeighApp) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("ctrl+o")
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


def test_new_case_form(snap_compare, app: WeighApp) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("ctrl+o", "n")
        await still(pilot)
        await pilot.press(*"Minsk II", "ctrl+s")
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


def test_import_dialog_with_an_error(snap_compare, app: WeighApp) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("ctrl+o", "i")
        await still(pilot)
        await pilot.press("ctrl+s")  # no path given
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


def test_export_dialog(snap_compare, app: WeighApp) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("ctrl+e")
        await still(pilot)
        pilot.app.screen.query_one("#path", Input).value = "/data/istanbul-2022.md"
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


def test_delete_asks_first(snap_compare, app: WeighApp) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("delete")
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 32))


class ErrorHost(App[None]):
    """The open-error screen as the app shows it, with a fixed message and path."""

    CSS_PATH: ClassVar[CSSPathType | None] = [
        Path(tui.__file__).parent / name for name in ("app.tcss", "forms.tcss")
    ]

    def on_mount(self) -> None:
        self.push_screen(OpenErrorScreen(
            f"{PINNED_DB}: not a weigh database: line 1, column 1: expected a JSON object",
            PINNED_DB, damaged=True,
        ))


def test_open_error_screen(snap_compare) -> None:
    assert snap_compare(ErrorHost(), terminal_size=(100, 24))


def test_ranking_history(snap_compare, app: WeighApp, monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.history

    monkeypatch.setattr(evidence.history, "when", lambda rec: "2022-04-01 12:00 UTC")  # the clock, pinned

    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("down", "right", "I", "down", "c", "h")  # two ratings, then the history
        await pilot.app.workers.wait_for_complete()
        await still(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(120, 32))
