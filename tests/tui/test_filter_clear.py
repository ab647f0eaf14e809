"""The README's way to clear a filter (issue 22): `/`, ctrl+u, Enter shows every row again.

The keys are driven in test_main_view.py's filter test, which ends with exactly them
after a filter that matches nothing; here, that the README still tells the user so."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
MAIN_VIEW = Path(__file__).resolve().parent / "test_main_view.py"


def test_the_readme_gives_the_keys_the_filter_test_presses() -> None:
    assert "To clear it: `/`, `ctrl+u`, Enter." in README.read_text(encoding="utf-8")
    assert 'await pilot.press("slash", "ctrl+u", "enter")' in MAIN_VIEW.read_text(encoding="utf-8")


async def test_the_help_screen_says_how_to_clear_a_filter(db_path, make_app) -> None:
    """Only the README said it: the help's filter-line keys gave Escape alone."""
    from tests.tui.conftest import flat_text

    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        for _ in range(6):  # the filter line's keys are below the fold
            await pilot.press("pagedown")
        await pilot.pause()
        assert "Empty the line: every item shows again (Enter closes it)" in flat_text(app)
        await pilot.press("escape", "ctrl+q")
