"""The README's way to clear a filter (issue 22): `/`, ctrl+u, Enter shows every row again."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import DEFAULT_ITEMS

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_the_readmes_keys_clear_a_filter(db_path, make_app):
    assert "To clear it: `/`, `ctrl+u`, Enter." in README.read_text(encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main = app.screen
        await pilot.press("/", *"zzz-no-such-item", "enter")
        await pilot.pause()
        assert main.matrix.row_count == 0
        await pilot.press("/", "ctrl+u", "enter")
        await pilot.pause()
        assert main.matrix.row_count == DEFAULT_ITEMS
