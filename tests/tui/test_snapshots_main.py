"""Snapshots of the main screen (160×48 and 80×24) and the help screen.

A temp database seeded with the bundled case; the case bar's database path is
pinned so the picture does not depend on the temp directory's name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence.seed import open_store
from tests.tui.conftest import opened


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The history pane shows when an edit was made: pin it so the picture does not drift."""
    import evidence.store

    moment = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(evidence.store, "utcnow", lambda: moment)


@pytest.fixture
def snap_db(tmp_path: Path) -> Path:
    path = tmp_path / "weigh.json"
    open_store(path).close()
    return path


async def _settle(pilot) -> None:
    await opened(pilot)
    main = pilot.app.screen
    main.db_path = Path("/data/weigh.json")
    for inp in pilot.app.query("Input"):
        inp.cursor_blink = False
    await pilot.pause()


def _make(snap_db: Path, tmp_path: Path):
    from tui.app import WeighApp

    return WeighApp(snap_db, state_file=tmp_path / "state.json")


def test_main_screen_160x48(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("down", "right", "c")
        await _settle(pilot)

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(160, 48), run_before=run_before)


def test_main_screen_80x24(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("m")
        await _settle(pilot)

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_help_screen(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(120, 48), run_before=run_before)
