"""Start-up: the workbench's shell shows at once and the case fills it from a worker;
keys typed meanwhile reach the workbench in order (or are refused, visibly); the
garbage collector sits out the launch and is always given back, and what the
first frame does not need is built after it.

No timing here (tests never assert wall-clock time): ``python -m tests.benchmarks``
measures the launch. These check the mechanisms that make it faster cannot leave
the app, or the process it runs in, worse off.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.app import App
from textual.widget import Widget

import tui.app
from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from hypotheses import gc_policy
from hypotheses.scoring_models import DEFAULT_MODEL
from tests.conftest import ROOT
from tests.tui.conftest import flat_text, notices, opened, until
from tui import opening
from tui.app import WeighApp
from tui.edit_session import EditSession
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.open_error import OpenErrorScreen
from tui.widgets import still_loading
from tui.widgets.still_loading import StillLoading

if TYPE_CHECKING:
    from tui.opening import Opened


def recording_app(path: Path, state_file: Path,
                  monkeypatch: pytest.MonkeyPatch) -> tuple[WeighApp, list[bool]]:
    """The app, and whether the collector ran while it opened the database (filled in
    when it does)."""
    app = WeighApp(path, state_file=state_file)
    seen: list[bool] = []

    def open_workbench(db_path: Path, state: Path) -> Opened:
        seen.append(gc.isenabled())
        return opening.open_workbench(db_path, state)

    monkeypatch.setattr(tui.app, "open_workbench", open_workbench)
    return app, seen


async def test_the_collector_is_paused_while_the_case_opens_and_runs_once_it_is_drawn(
    db_path: Path, state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gc.isenabled()
    app, collector_on = recording_app(db_path, state_file, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, MainScreen)
        assert app.screen.matrix.row_count > 0  # the real case, drawn
        assert collector_on == [False]
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what start-up built is out of its way
        await pilot.press("ctrl+q")
    assert gc.isenabled()


async def test_the_collector_runs_again_when_the_database_cannot_be_opened(
    tmp_path: Path, state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "weigh.json"
    path.write_bytes(b'{"_meta": {"1": {"format": "weigh", "sch')  # truncated
    app, collector_on = recording_app(path, state_file, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, OpenErrorScreen)
        assert "weigh cannot open this database" in flat_text(app)
        assert collector_on == [False]
        assert gc.isenabled()
        await pilot.press("q")
    assert gc.isenabled()


def test_an_app_that_stops_before_its_first_frame_gives_the_collector_back(
    db_path: Path, state_file: Path
) -> None:
    """Unmounting ends the pause too, drawn or not."""
    app = WeighApp(db_path, state_file=state_file)
    app._gc_paused = gc_policy.pause()
    app.on_unmount()
    assert gc.isenabled()
    app.on_unmount()  # idempotent: nothing paused, nothing changed
    assert gc.isenabled()


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Start-up's worker waits for this event before it opens the database, so a test
    can type while the workbench's panels are still loading (set at the end in any case,
    so a failed test leaves no thread waiting)."""
    event = threading.Event()

    def open_workbench(db_path: Path, state: Path) -> Opened:
        event.wait()
        return opening.open_workbench(db_path, state)

    monkeypatch.setattr(tui.app, "open_workbench", open_workbench)
    yield event
    event.set()


def footer_keys(app: App[object]) -> dict[str, bool]:
    """The footer's keys by description: True where the key is live, False where dimmed."""
    return {getattr(key, "description", ""): not key.has_class("-disabled")
            for key in app.screen.query("FooterKey")}


def other_code(code: str | None) -> tuple[str, str]:
    """A rating key that changes a cell rated ``code``, and the code it sets."""
    return ("i", "I") if code == "C" else ("c", "C")


async def test_keys_typed_while_the_case_opens_reach_the_workbench_in_order(
    db_path: Path, state_file: Path, release: threading.Event
) -> None:
    with Store.open(db_path, readonly=True) as store:
        session = EditSession(store)
        session.open(DEFAULT_CASE_ID)
        first = session.view.rows()  # in the order the workbench shows them
    (key1, code1), (key2, code2) = (other_code(first[0].ratings.get("H1")),
                                    other_code(first[1].ratings.get("H1")))
    app = WeighApp(db_path, state_file=state_file)
    async with App.run_test(app, size=(160, 48)) as pilot:
        await pilot.pause()
        shell = app.screen
        assert isinstance(shell, MainScreen)
        assert shell.case is None and shell.ranking.loading  # the shell, loading
        assert shell.matrix.row_count == 0
        assert "opening" in flat_text(app)
        assert footer_keys(app) == {}  # no keys until they act: drawn once, live
        # rate, move down, rate, open the help, then one more key the help would get
        await pilot.press(key1, "down", key2, "question_mark", "c")
        assert shell.case is None  # nothing acted yet
        release.set()
        await opened(pilot)
        assert isinstance(app.screen, HelpScreen)  # ? opened the help, last of the keys acted on
        assert "1 key typed while the case opened was not used" in notices(app)
        assert shell.matrix.item(first[0].id).ratings.get("H1") == code1
        assert shell.matrix.item(first[1].id).ratings.get("H1") == code2
        await pilot.press("escape")
        await pilot.pause()
        assert shell.matrix.current() == (first[1].id, "H1")
        assert footer_keys(app)["Undo"] is True  # the footer, rebuilt for the open case
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:  # on disk, in that order
        assert store.evidence(DEFAULT_CASE_ID, first[0].id).ratings.get("H1") == code1
        assert store.evidence(DEFAULT_CASE_ID, first[1].id).ratings.get("H1") == code2


async def test_the_loading_panels_keep_still_until_the_wait_outlasts_a_moment(
    db_path: Path, state_file: Path, release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panels' dots animate only once the open takes longer than ``STILL_FOR``: each
    indicator sets a timer for it (held here, so the test never waits on the clock) that
    starts the animation."""
    made: list[Widget] = []
    timers: list[tuple[float, Callable[[], object]]] = []

    def loading_widget(app: WeighApp) -> Widget:
        made.append(make(app))
        return made[-1]

    def set_timer(widget: StillLoading, delay: float, callback: Callable[[], object],
                  **_: object) -> None:
        timers.append((delay, callback))

    make = WeighApp.get_loading_widget
    monkeypatch.setattr(WeighApp, "get_loading_widget", loading_widget)
    monkeypatch.setattr(StillLoading, "set_timer", set_timer)
    app = WeighApp(db_path, state_file=state_file)
    async with App.run_test(app, size=(160, 48)) as pilot:
        await pilot.pause()
        shell = app.screen
        assert isinstance(shell, MainScreen)
        assert [type(w) for w in made] == [StillLoading] * 3  # ranking, timeline, detail
        assert flat_text(app).count("●") >= 3 * 5  # the dots, drawn
        assert [w.auto_refresh for w in made] == [None] * 3  # and still
        assert [delay for delay, _ in timers] == [still_loading.STILL_FOR] * 3
        for _, moved in timers:  # the wait outlasts the moment
            moved()
        assert [w.auto_refresh for w in made] == [1 / 16] * 3  # Textual's own rate
        release.set()
        await opened(pilot)
        assert "●" not in flat_text(app)  # gone with the wait
        assert shell.matrix.row_count > 0
        await pilot.press("ctrl+q")


async def test_an_edit_key_typed_while_a_read_only_case_opens_says_why_it_did_nothing(
    db_path: Path, state_file: Path, release: threading.Event
) -> None:
    """Another weigh edits the database: `a` typed before the case shows opens no form, and
    says why once the case is there; `m` typed after it still acts."""
    holder = Store.open(db_path)
    try:
        app = WeighApp(db_path, state_file=state_file)
        async with App.run_test(app, size=(160, 48)) as pilot:
            await pilot.pause()
            shell = app.screen
            assert isinstance(shell, MainScreen)
            await pilot.press("a", "m")  # typed before the case shows
            release.set()
            await opened(pilot)
            assert shell.loaded
            assert app.screen is shell  # no form that could not be saved
            assert "Read-only: this weigh itself" in notices(app)
            assert "changes made here could not be saved" in notices(app)
            # the footer draws its keys once the held keys have run, a refresh or two later
            await until(pilot, lambda: "Add" in footer_keys(app), "the footer's keys")
            assert footer_keys(app)["Add"] is False and footer_keys(app)["Model"] is True
            assert isinstance(shell, MainScreen)
            assert shell.session.view.state.model != DEFAULT_MODEL  # m acted
            await pilot.press("ctrl+q")
    finally:
        holder.close()


async def test_keys_held_for_a_database_that_will_not_open_never_reach_the_error_screen(
    tmp_path: Path, state_file: Path, release: threading.Event
) -> None:
    path = tmp_path / "weigh.json"
    damaged = b'{"_meta": {"1": {"format": "weigh", "sch'
    path.write_bytes(damaged)
    app = WeighApp(path, state_file=state_file)
    async with App.run_test(app, size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("S", "q")  # set aside and quit, had the error screen been up
        release.set()
        await opened(pilot)
        assert isinstance(app.screen, OpenErrorScreen)
        assert app.is_running
        assert "2 keys typed while the database opened were not used" in notices(app)
        await pilot.press("q")
    assert path.read_bytes() == damaged
    kept = {p.name for p in tmp_path.iterdir() if p.name.startswith("weigh")}
    assert kept <= {"weigh.json", "weigh.json.lock"}  # not set aside


def test_record_validators_are_built_on_demand_or_all_at_once() -> None:
    """Importing the store builds no record validator; reading a record builds its own
    kind's (the first frame's item history reads one or two kinds); build_validators
    builds them all."""
    code = (
        "from datetime import datetime, UTC\n"
        "from evidence import operations as o\n"
        "print(o.Rate.__pydantic_complete__, o.EvAdd.__pydantic_complete__)\n"
        "r = o.parse_record({'op': 'rate', 'ts': '2026-01-01T00:00:00Z', 'case': 'c',"
        " 'id': 'E1', 'hyp': 'H1', 'new': 'C'})\n"
        "print(type(r).__name__, o.Rate.__pydantic_complete__, o.EvAdd.__pydantic_complete__)\n"
        "o.build_validators()\n"
        "print(o.Rate.__pydantic_complete__, o.EvAdd.__pydantic_complete__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout.split("\n")
    assert out[:3] == ["False False", "Rate True False", "True True"]


def test_the_workbench_command_starts_the_app_with_the_collector_running(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bare `weigh` pauses the collector only while it imports the app."""
    import tui.app
    from tui.cli import main

    seen: list[tuple[Path, bool, bool]] = []

    def run_app(path: Path) -> int:
        seen.append((path, gc.isenabled(), gc.get_freeze_count() > 0))
        return 0

    monkeypatch.setattr(tui.app, "run_app", run_app)
    assert main(["--db", str(db_path)]) == 0
    assert seen == [(db_path, True, True)]
    assert gc.isenabled()
