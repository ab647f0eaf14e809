"""A PARC ACH file imported from the workbench: its path pasted, the case id typed."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID, open_store
from evidence.store import Store
from tests.achz_files import achz, pack, project_xml
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


async def test_a_hostile_achz_is_refused_in_the_dialog(make_app, tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    open_store(db).close()
    before = db.read_bytes()
    bomb = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    parc = tmp_path / "bad.achz"
    parc.write_bytes(pack(project_xml(declaration=bomb)))
    screen, shown = await import_from_workbench(make_app(db), parc, "bad")
    assert screen == "ImportDialog"
    assert "bad.achz: the XML has a DTD" in shown
    with Store.open(db, readonly=True) as after:
        assert after.case_ids() == [DEFAULT_CASE_ID]
    assert db.read_bytes() == before
