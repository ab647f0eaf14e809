"""Snapshots of every other screen and dialog (pytest-textual-snapshot).

Each screen stands alone over a bare app with weigh's stylesheets, so a picture
changes only when that screen does (the Pilot tests reach each one from the
workbench). A temp database seeded with the bundled case, a fixed terminal
size, the cursor blink off, paths and the history's clock pinned: the picture
depends on nothing but the code. Regenerate only on purpose:
``pytest tests/tui/test_snapshots_screens.py --snapshot-update`` after a change
to what a screen shows, and look at the new pictures before committing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

import tui
from evidence.seed import DEFAULT_CASE_ID, open_store
from tests.tui.host import press_at_once, workers_done
from tui.screens.case_switcher import CaseSwitcher
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.hypothesis_form import HypothesisForm
from tui.screens.import_dialog import ImportDialog
from tui.screens.new_case_form import NewCaseForm
from tui.screens.open_error import OpenErrorScreen
from tui.screens.ranking_history import RankingHistoryScreen

if TYPE_CHECKING:
    from evidence.store import Store

PINNED = Path("/data")


class ScreenHost(App[None]):
    """One screen over an empty app, styled as weigh styles it."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(tui.__file__).parent / name for name in ("app.tcss", "forms.tcss")
    ]

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.push_screen(self.make())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "weigh.json") as opened:
        yield opened


async def still(pilot: Pilot[object]) -> None:
    """Cursor blink off in every text field on screen, then settle."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def test_hypothesis_form_with_an_error(snap_compare) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await press_at_once(pilot, *"Kyiv [b]stalled[/b]")
        await pilot.press("tab", "tab", "end", "ctrl+u")
        await press_at_once(pilot, *"abc", "ctrl+s")
        await still(pilot)

    app = ScreenHost(lambda: HypothesisForm(new_id="H7"))
    assert snap_compare(app, run_before=run_before, terminal_size=(90, 28))


def test_case_switcher(snap_compare, store: Store) -> None:
    app = ScreenHost(lambda: CaseSwitcher(store, DEFAULT_CASE_ID))
    assert snap_compare(app, run_before=still, terminal_size=(100, 20))


def test_new_case_form_with_an_error(snap_compare, store: Store) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("tab", *"Minsk II", "ctrl+s")  # an id typed by hand, no title
        await still(pilot)

    app = ScreenHost(lambda: NewCaseForm(store))
    assert snap_compare(app, run_before=run_before, terminal_size=(90, 28))


def test_import_dialog_with_an_error(snap_compare, store: Store) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        await still(pilot)
        await pilot.press("ctrl+s")  # no path given
        await still(pilot)

    app = ScreenHost(lambda: ImportDialog(store))
    assert snap_compare(app, run_before=run_before, terminal_size=(90, 20))


def test_export_dialog(snap_compare, store: Store) -> None:
    case = store.case(DEFAULT_CASE_ID)
    app = ScreenHost(lambda: ExportDialog(case, "bayes", date(2022, 3, 15), PINNED))
    assert snap_compare(app, run_before=still, terminal_size=(90, 20))


def test_delete_confirmation(snap_compare) -> None:
    app = ScreenHost(lambda: ConfirmScreen("Delete evidence E1 “First round of talks”? (u undoes)"))
    assert snap_compare(app, run_before=still, terminal_size=(80, 16))


def test_ranking_history(snap_compare, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.history

    monkeypatch.setattr(evidence.history, "when", lambda rec: "2022-04-01 12:00 UTC")  # the clock, pinned
    case = store.case(DEFAULT_CASE_ID)
    first, second = case.evidence[1], case.evidence[2]
    store.set_rating(DEFAULT_CASE_ID, first.id, "H2", "II")
    store.set_rating(DEFAULT_CASE_ID, second.id, "H2", "C")

    async def run_before(pilot: Pilot[object]) -> None:
        await workers_done(pilot.app)
        await still(pilot)

    app = ScreenHost(lambda: RankingHistoryScreen(store, DEFAULT_CASE_ID))
    assert snap_compare(app, run_before=run_before, terminal_size=(120, 32))


def test_open_error_screen(snap_compare) -> None:
    path = PINNED / "weigh.json"
    message = f"{path}: not a weigh database: line 1, column 1: expected a JSON object"
    app = ScreenHost(lambda: OpenErrorScreen(message, path, damaged=True))
    assert snap_compare(app, terminal_size=(100, 24))
