"""Every field of every model survives the store: journal replay and compaction alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import TinyDB

from evidence.errors import NotFound
from evidence.operations import Rate
from evidence.store import Store
from hypotheses.models import Evidence, Hypothesis
from tests.test_case_file import full_case


def _same(a, b) -> bool:
    return a.model_dump(exclude={"updated"}) == b.model_dump(exclude={"updated"})


def test_round_trip_through_journal_and_file(tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    case = full_case()
    store = Store.open(db)
    store.put_case(case)
    # A crash here (no close): the journal alone must give the case back.
    assert _same(Store.open(db, readonly=True).case(case.id), case)
    store.close()  # folds the journal into the TinyDB file
    assert _same(Store.open(db, readonly=True).case(case.id), case)
    tables = TinyDB(db, access_mode="r").tables()
    assert {"_meta", "cases"} <= tables


def test_edits_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    with Store.open(db) as store:
        store.put_case(full_case())
        store.set_rating("full", "E2", "H1", "C")
        store.set_rating("full", "E1", "H2", None)
        store.set_excluded("full", "E1", False)
        store.add_evidence(
            "full", Evidence(id="E3", title="new", tags=["a-b"], ratings={"H2": "N"}), position=0
        )
        store.add_hypothesis("full", Hypothesis(id="H3", title="third", prior=3.0))
        store.update_hypothesis("full", Hypothesis(id="H1", title="renamed", prior=1.5))
        removal = store.delete_hypothesis("full", "H2")
        expected = store.case("full")
    with Store.open(db) as store:
        got = store.case("full")
        assert _same(got, expected)
        assert [e.id for e in got.evidence] == ["E3", "E1", "E2"]
        assert [h.id for h in got.hypotheses] == ["H1", "H3"]
        assert all("H2" not in e.ratings and "H2" not in e.notes for e in got.evidence)
        store.revert(removal)
        restored = store.case("full")
        assert [h.id for h in restored.hypotheses] == ["H1", "H2", "H3"]
        assert restored.item("E1").notes["H2"] == "because <b>"
        store.revert(store.delete_evidence("full", "E1"))
        assert [e.id for e in store.case("full").evidence] == ["E3", "E1", "E2"]
    history = Store.open(db, readonly=True).history("full")
    assert [r.op for r in history][:3] == ["case.put", "rate", "rate"]
    assert isinstance(history[1], Rate) and history[1].old is None and history[1].new == "C"


def test_seeding_survives_a_crash_before_the_default_case(tmp_path: Path) -> None:
    from evidence.seed import DEFAULT_CASE_ID, open_store

    db = tmp_path / "w.json"
    Store.open(db)._release()  # created empty, then "killed" before seeding
    with open_store(db) as store:
        assert store.case_ids() == [DEFAULT_CASE_ID]
        store.delete_case(DEFAULT_CASE_ID)
    with open_store(db) as store:
        assert store.case_ids() == []  # deleted on purpose: not seeded again


def test_reverting_a_column_delete_the_case_no_longer_fits_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(full_case())
        removal = store.delete_hypothesis("full", "H2")
        store.delete_evidence("full", "E1")  # E1 held H2's only rating and note
        before = store.case("full")
        with pytest.raises(NotFound, match="no evidence 'E1'"):
            store.revert(removal)
        assert _same(store.case("full"), before)
    with Store.open(tmp_path / "w.json", readonly=True) as again:
        assert _same(again.case("full"), before)  # the refused record left nothing behind


def test_item_history_index_matches_a_scan_of_the_trail(tmp_path: Path) -> None:
    from evidence.history import evidence_history

    db = tmp_path / "w.json"
    with Store.open(db) as store:
        store.put_case(full_case())
        store.set_rating("full", "E2", "H1", "C")
        store.set_excluded("full", "E1", False)
        removal = store.delete_hypothesis("full", "H2")  # touches E1 (rating and note)
        store.revert(removal)
        store.update_evidence("full", store.evidence("full", "E2").model_copy(update={"title": "t2"}))
        live = {e: store.item_history("full", e) for e in ("E1", "E2", "E9")}
    for reopened in (Store.open(db, readonly=True), Store.open(db)):
        with reopened as store:
            trail = store.history("full")
            for eid, records in live.items():
                assert store.item_history("full", eid) == evidence_history(trail, eid) == records
    assert [r.op for r in live["E1"]] == ["exclude", "hyp.delete", "hyp.restore"]
    assert live["E9"] == []


def test_indicators_conclusion_and_groups_survive_the_store(tmp_path: Path) -> None:
    db = tmp_path / "w.json"
    case = full_case()
    with Store.open(db) as store:
        store.put_case(case)
        store.update_case_info(case.info.model_copy(update={"conclusion": "Now H2."}))
    with Store.open(db) as store:
        got = store.case("full")
        assert got.conclusion == "Now H2."
        assert got.indicators == case.indicators
        assert got.item("E1").group == "drafting"
        # a deleted column leaves no indicator rating behind, a deleted item no link
        store.delete_hypothesis("full", "H2")
        store.delete_evidence("full", "E2")
        edited = store.case("full")
    assert all("H2" not in m.ratings for m in edited.indicators)
    assert edited.indicator("M2").evidence_id is None
    for readonly in (True, False):  # journal replay, then the compacted file
        with Store.open(db, readonly=readonly) as store:
            assert _same(store.case("full"), edited)
