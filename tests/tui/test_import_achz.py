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
