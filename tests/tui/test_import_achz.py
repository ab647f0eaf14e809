"""A PARC ACH file imported from the workbench: its path pasted, the case id typed.

A file the reader refuses stays in the dialog with the reason and writes nothing: that
path is the same for every format (test_import_csv.py drives it); the .achz reader's
refusals, a DTD bomb among them, are checked below the interface in test_achz_hostile.py."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import open_store
from evidence.store import Store
from tests.achz_files import achz
from tests.tui.conftest import import_from_workbench


async def test_an_achz_file_opens_as_a_case(make_app, tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    open_store(db).close()
    parc = tmp_path / "vase.achz"
    parc.write_bytes(achz())
    screen, shown = await import_from_workbench(make_app(db), parc, "vase")
    assert screen == "MainScreen"
    assert "Paw prints on the shelf" in shown and "The dog was outside" in shown
    with Store.open(db, readonly=True) as after:
        case = after.case("vase")
    assert [h.title for h in case.hypotheses] == ["The cat", "The dog"]
    assert case.item("E1").ratings == {"H1": "CC", "H2": "I"}
    assert case.item("E2").ratings == {"H1": "N", "H2": "II"}
    assert case.item("E1").credibility == "high"


async def test_what_a_parc_file_could_not_bring_is_said_on_screen(make_app, tmp_path: Path) -> None:
    """The mapping report the command line prints is not lost in the workbench: a toast."""
    from evidence.importing import parse_import, store_existing
    from tests.tui.conftest import notices

    db = tmp_path / "w.json"
    open_store(db).close()
    parc = tmp_path / "vase.achz"
    parc.write_bytes(achz())
    with Store.open(db, readonly=True) as store:
        report = parse_import(parc, parc.read_bytes(), "vase", store_existing(store)).report
    assert report  # the file has something PARC holds that weigh maps or drops
    app = make_app(db)
    screen, _ = await import_from_workbench(app, parc, "vase")
    assert screen == "MainScreen"
    told = notices(app)
    assert all(line in told for line in report)
    assert "Imported case vase from vase.achz: 2 hypotheses, 2 evidence." in told
