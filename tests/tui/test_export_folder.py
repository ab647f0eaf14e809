"""The export dialog's first folder (issue 22): the last export's, else the last import's,
else the documents folder, else home; never the folder weigh happened to start in."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from evidence.case_file import dump_case_file
from evidence.seed import default_case
from tests.tui.host import paste, workers_done
from tui.state_file import export_folder, remember_export_folder, remember_import_folder


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own, started from somewhere else (the current folder)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs: ~/Documents
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    elsewhere = tmp_path / "checkout"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return home


def test_the_first_export_folder_in_order_of_what_the_user_did(
        home: Path, state_file: Path, tmp_path: Path) -> None:
    assert export_folder(state_file) == home
    (home / "Documents").mkdir()
    assert export_folder(state_file) == home / "Documents"
    cases, reports = tmp_path / "cases", tmp_path / "reports"
    cases.mkdir()
    remember_import_folder(state_file, cases)
    assert export_folder(state_file) == cases
    remember_export_folder(state_file, reports)  # not a folder (any more): passed over
    assert export_folder(state_file) == cases
    reports.mkdir()
    assert export_folder(state_file) == reports


async def test_after_an_import_the_export_dialog_offers_its_folder(
        home: Path, db_path: Path, make_app, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "mine.json").write_text(dump_case_file(default_case()), encoding="utf-8")
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+e")
        assert Path(app.screen.query_one("#path", Input).value).parent == home
        await pilot.press("escape", "ctrl+o", "i")
        await paste(pilot, str(cases / "mine.json"))
        await pilot.press("tab", *"mine", "enter")
        await workers_done(app)
        await pilot.press("ctrl+e")
        assert Path(app.screen.query_one("#path", Input).value) == cases / "mine.md"
