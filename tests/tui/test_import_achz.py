"""A PARC ACH file imported from the workbench: its path pasted, the case id typed.

A file the reader refuses stays in the dialog with the reason and writes nothing: that
path is the same for every format (test_import_csv.py drives it); the .achz reader's
refusals, a DTD bomb among them, are checked below the interface in test_achz_hostile.py."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from evidence.seed import open_store
from evidence.store import Store
from tests.achz_files import achz
from tests.tui.conftest import import_from_workbench
from tests.tui.host import paste, workers_done


def vase(tmp_path: Path) -> tuple[Path, Path]:
    """A new database and a PARC file to import into it."""
    db = tmp_path / "w.json"
    open_store(db).close()
    parc = tmp_path / "vase.achz"
    parc.write_bytes(achz())
    return db, parc


async def import_vase(pilot: Pilot, parc: Path) -> None:
    """ctrl+o, i: the file's path pasted, 'vase' typed as its case id, and the import made."""
    await pilot.pause()
    await pilot.press("ctrl+o", "i")
    await pilot.pause()
    await paste(pilot, str(parc))
    await pilot.press("tab", *"vase", "enter")
    await workers_done(pilot.app)
    await pilot.pause()


async def test_an_achz_file_opens_as_a_case(make_app, tmp_path: Path) -> None:
    db, parc = vase(tmp_path)
    screen, shown = await import_from_workbench(make_app(db), parc, "vase")
    assert screen == "MainScreen"
    assert "Paw prints on the shelf" in shown and "The dog was outside" in shown
    with Store.open(db, readonly=True) as after:
        case = after.case("vase")
    assert [h.title for h in case.hypotheses] == ["The cat", "The dog"]
    assert case.item("E1").ratings == {"H1": "CC", "H2": "I"}
    assert case.item("E2").ratings == {"H1": "N", "H2": "II"}
    assert case.item("E1").credibility == "high"


async def test_what_a_parc_file_could_not_bring_stays_in_the_dialog_and_the_toast_is_short(
        make_app, tmp_path: Path) -> None:
    """The mapping report the command line prints came as one toast, thirty seconds over the
    next dialog and then gone. It now stays in the import dialog, where the import was asked
    for, until the analyst has read it and opens the case (enter, or esc: the import is
    made); the toast is the one line of what was done."""
    from evidence.importing import parse_import, store_existing
    from tests.tui.conftest import box_rows, flat_text, notices, screen_text, until, unwrapped
    from tests.tui.host import shown
    from tui.screens.import_dialog import ImportDialog
    from tui.screens.main import MainScreen

    db, parc = vase(tmp_path)
    with Store.open(db, readonly=True) as store:
        report = parse_import(parc, parc.read_bytes(), "vase", store_existing(store)).report
    assert len(report) > 5  # the file has things PARC holds that weigh maps or drops
    done = "Imported case vase from vase.achz: 2 hypotheses, 2 evidence."
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await import_vase(pilot, parc)
        assert isinstance(app.screen, ImportDialog)  # read at leisure: no timeout
        assert shown(app, "#import-report") == "\n".join(report)  # the CLI's very lines
        # a line too long for the box goes on four cells in, not at its left edge as a line
        rows = [row for row in box_rows(app, "#import-report-box") if row]
        assert any(row.startswith("    ") for row in rows), rows
        lines = unwrapped(rows, "    ")[:-1]  # the last may go on below the box's fold
        assert len(lines) >= 3 and lines == report[:len(lines)], rows
        text = flat_text(app)
        assert done in text and "Read 2 hypotheses" in text and "Open the case (enter)" in text
        assert "Cancel" not in text and "As case id" not in text  # nothing to cancel or fill in
        assert notices(app) == ""  # no toast over the dialog
        box = app.screen.query_one("#import-report-box")
        await pilot.press("tab")  # the report scrolls by keys
        assert app.focused is box
        await until(pilot, lambda: bool(box.border_subtitle), "the box's frame saying it scrolls")
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y > 0 and report[-1] in screen_text(app)
        await pilot.press("enter")  # opens the case
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and "Paw prints on the shelf" in screen_text(app)
        assert notices(app) == done  # one line
        await pilot.press("ctrl+q")


async def test_esc_after_an_import_with_a_report_opens_the_case_it_made(make_app, tmp_path: Path) -> None:
    """The import is made once the report shows: esc cannot undo it, so it opens the case too
    (a replacement is undone with u in the workbench, which needs the result)."""
    from tests.tui.conftest import notices, screen_text
    from tui.screens.main import MainScreen

    db, parc = vase(tmp_path)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await import_vase(pilot, parc)
        await pilot.press("escape")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and "Paw prints on the shelf" in screen_text(app)
        assert notices(app) == "Imported case vase from vase.achz: 2 hypotheses, 2 evidence."
        await pilot.press("ctrl+q")
