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
