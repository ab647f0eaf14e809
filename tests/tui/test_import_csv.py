"""A spreadsheet matrix imported from the workbench: ctrl+o, i, the path, enter."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from evidence.seed import DEFAULT_CASE_ID, open_store
from evidence.store import Store
from tests.tui.conftest import flat_text


async def import_from_tui(db: Path, tmp_path: Path, path: Path, case_id: str) -> tuple[object, str]:
    from tui.app import WeighApp

    app = WeighApp(db, state_file=tmp_path / "state.json")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(path)
        app.screen.query_one("#import-case-id", Input).value = case_id
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.screen, flat_text(app)


async def test_a_csv_matrix_opens_as_a_case(tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    open_store(db).close()
    matrix = tmp_path / "matrix.csv"
    # semicolons and no BOM, as a European spreadsheet saves them
    matrix.write_text("id;title;H1: Only one\r\nE1;From the sheet;CC\r\n", encoding="utf-8")
    screen, shown = await import_from_tui(db, tmp_path, matrix, "sheet")
    assert type(screen).__name__ == "MainScreen"
    assert "From the sheet" in shown and "Only one" in shown
    with Store.open(db, readonly=True) as after:
        got = after.case("sheet")
    assert got.item("E1").ratings == {"H1": "CC"}


async def test_a_bad_csv_is_refused_in_the_dialog(tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    open_store(db).close()
    before = db.read_bytes()
    matrix = tmp_path / "bad.csv"
    matrix.write_text("id,title,H1: One\r\nE1,fine,C\r\nE2,,Q\r\n", encoding="utf-8")
    screen, shown = await import_from_tui(db, tmp_path, matrix, "bad")
    assert type(screen).__name__ == "ImportDialog"
    assert "line 3, column title: required: must not be empty" in shown
    assert "line 3, column H1: One: 'Q' is not a rating" in shown
    with Store.open(db, readonly=True) as after:
        assert after.case_ids() == [DEFAULT_CASE_ID]
    assert db.read_bytes() == before
