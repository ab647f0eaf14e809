"""A database holding a 5,000-digit number gets the damaged-file screen, not a traceback."""

from __future__ import annotations

import os

from evidence.seed import open_store
from tests.tui.conftest import flat_text, until
from tests.tui.host import shown
from tui.screens.open_error import OpenErrorScreen


async def test_a_huge_number_in_the_database_shows_the_damaged_file_screen(tmp_path, make_app):
    path = tmp_path / "weigh.json"
    open_store(path).close()
    text = path.read_text(encoding="utf-8")
    # (the file leaves out fields at their defaults, so the number goes into the first hypothesis)
    damaged = text.replace('"hypotheses":[{', '"hypotheses":[{"prior":1' + "0" * 5000 + ",", 1)
    assert damaged != text
    path.write_text(damaged, encoding="utf-8")
    before = os.stat(path).st_mtime_ns
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpenErrorScreen)
        shown = flat_text(app)
        assert "weigh cannot open this database" in shown
        assert "a number in it has more than 4,300 digits" in shown
        await pilot.press("q")
    assert app.return_code == 2
    assert path.read_text(encoding="utf-8") == damaged
    assert os.stat(path).st_mtime_ns == before


async def test_a_crafted_audit_trail_is_said_in_the_detail_pane_not_a_crash(tmp_path, make_app):
    """Red team: history bytes with a matching checksum but bad JSON crashed the workbench
    at start, printing local variables."""
    from tests.store.test_bad_files import craft_trail

    path = tmp_path / "weigh.json"
    open_store(path).close()
    craft_trail(path, b'{"1":{"seq":1,')
    damaged = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        # the detail pane is drawn once the case is up
        await until(pilot, lambda: "History" in shown(app, "#detail-text"), "the detail pane")
        assert app.is_running
        assert "the history table is damaged" in shown(app, "#detail-text")
        await pilot.press("ctrl+q")
    assert path.read_bytes() == damaged
