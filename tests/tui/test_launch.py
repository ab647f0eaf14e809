"""Start-up: the garbage collector sits out the launch and is always given back, and
what the first frame does not need is built after it.

No timing here (tests never assert wall-clock time): ``python -m tests.benchmarks``
measures the launch. These check the mechanisms that make it faster cannot leave
the app, or the process it runs in, worse off.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from textual.screen import Screen

from tests.conftest import ROOT
from tests.tui.conftest import flat_text
from tui.app import WeighApp
from tui.screens.main import MainScreen
from tui.screens.open_error import OpenErrorScreen


def recording_app(path: Path, state_file: Path) -> tuple[WeighApp, list[bool]]:
    """The app, and whether the collector ran while it opened the database (filled in
    when it does)."""
    app = WeighApp(path, state_file=state_file)
    seen: list[bool] = []
    opened = app.open_database

    def open_database(replace: Screen[None] | None = None) -> None:
        seen.append(gc.isenabled())
        opened(replace)

    app.open_database = open_database  # type: ignore[method-assign]
    return app, seen


async def test_the_collector_is_paused_while_the_case_opens_and_runs_once_it_is_drawn(
    db_path: Path, state_file: Path
) -> None:
    assert gc.isenabled()
    app, collector_on = recording_app(db_path, state_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.matrix.row_count > 0  # the real case, drawn
        assert collector_on == [False]
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what start-up built is out of its way
        await pilot.press("ctrl+q")
    assert gc.isenabled()


async def test_the_collector_runs_again_when_the_database_cannot_be_opened(
    tmp_path: Path, state_file: Path
) -> None:
    path = tmp_path / "weigh.json"
    path.write_bytes(b'{"_meta": {"1": {"format": "weigh", "sch')  # truncated
    app, collector_on = recording_app(path, state_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
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
    app._gc_paused = gc.isenabled()
    gc.disable()
    app.on_unmount()
    assert gc.isenabled()
    app.on_unmount()  # idempotent: nothing paused, nothing changed
    assert gc.isenabled()


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
