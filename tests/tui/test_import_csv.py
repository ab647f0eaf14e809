"""A spreadsheet matrix imported from the workbench: ctrl+o, i, the path, enter."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID, open_store
from evidence.store import Store
from tests.tui.conftest import import_from_workbench


async def test_a_csv_matrix_opens_as_a_case(tmp_path: Path, make_app) -> None:
    db = tmp_path / "w.json"
    open_store(db).close()
    matrix = tmp_path / "matrix.csv"
    # semicolons and no BOM, as a European spreadsheet saves them
    matrix.write_text("id;title;H1: Only one\r\nE1;From the sheet;CC\r\n", encoding="utf-8")
    screen, shown = await import_from_workbench(make_app(db), matrix, "sheet")
    assert screen == "MainScreen"
    assert "From the sheet" in shown and "Only one" in shown
    with Store.open(db, readonly=True) as after:
        got = after.case("sheet")
    assert got.item("E1").ratings == {"H1": "CC"}


async def test_a_bad_csv_is_refused_in_the_dialog(tmp_path: Path, make_app) -> None:
    db = tmp_path / "w.json"
    open_store(db).close()
    before = db.read_bytes()
    matrix = tmp_path / "bad.csv"
    matrix.write_text("id,title,H1: One\r\nE1,fine,C\r\nE2,,Q\r\n", encoding="utf-8")
    screen, shown = await import_from_workbench(make_app(db), matrix, "bad")
    assert screen == "ImportDialog"
    assert "line 3, column title: required: must not be empty" in shown
    assert "line 3, column H1: One: 'Q' is not a rating" in shown
    with Store.open(db, readonly=True) as after:
        assert after.case_ids() == [DEFAULT_CASE_ID]
    assert db.read_bytes() == before


async def test_the_workbench_says_what_an_import_did(tmp_path: Path, make_app) -> None:
    """The case opens and a toast says what was written, as the command line would."""
    from tests.tui.conftest import notices

    db = tmp_path / "w.json"
    open_store(db).close()
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("id;title;H1: Only one\r\nE1;From the sheet;CC\r\n", encoding="utf-8")
    app = make_app(db)
    screen, _ = await import_from_workbench(app, matrix, "sheet")
    assert screen == "MainScreen"
    assert "Imported case sheet from matrix.csv: 1 hypothesis, 1 evidence." in notices(app)


async def test_importing_a_case_the_database_holds_as_is_says_nothing_was_imported(
        tmp_path: Path, make_app) -> None:
    """The bundled case exported as a case file and imported again under its own id: the
    dialog closes on it, and says that it imported nothing rather than nothing at all."""
    from evidence.export import write_export
    from tests.tui.conftest import notices

    db = tmp_path / "w.json"
    open_store(db).close()
    with Store.open(db, readonly=True) as store:
        case = store.case(DEFAULT_CASE_ID)
    same = tmp_path / "same.weigh.json"
    write_export(case, "case", same)
    app = make_app(db)
    screen, _ = await import_from_workbench(app, same, "")
    assert screen == "MainScreen"
    told = notices(app)
    assert (f"Case {DEFAULT_CASE_ID} is already in the database as same.weigh.json has it; "
            "nothing imported.") in told
    assert "Imported case" not in told
