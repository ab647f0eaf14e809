"""The audit trail stays cheap as it grows: its bytes are kept, not parsed, on open and
appended to, not rewritten, on compaction; a trail edited by hand is read the slow way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import TinyDB

from evidence.store import Store
from evidence.trail import History

from .edits import CASE_ID, base_case, edit


def aged(tmp_path: Path, compactions: int = 3) -> Path:
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    n = 0
    for _ in range(compactions):
        with Store.open(db) as store:
            for _ in range(12):
                edit(store, n)
                n += 1
    return db


def test_open_edit_and_compaction_never_parse_the_old_trail(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    db = aged(tmp_path)
    before = Store.open(db, readonly=True)
    trail = [r.model_dump() for r in before.history()]

    def refuse(self: History) -> None:
        raise AssertionError("the old trail was parsed")

    monkeypatch.setattr(History, "_parsed", refuse)
    with Store.open(db) as store:
        store.set_rating(CASE_ID, "X0", "H3", "CC")
        assert store.has_history()
    monkeypatch.undo()
    after = Store.open(db, readonly=True).history()
    assert [r.model_dump() for r in after[:-1]] == trail
    assert after[-1].describe() == "rating X0 × H3: unrated → CC"
    with TinyDB(db) as plain:  # ids 1…n in order, readable by TinyDB itself
        docs = plain.table("history").all()
        assert [d.doc_id for d in docs] == list(range(1, len(trail) + 2))
        assert [d["seq"] for d in docs] == sorted(d["seq"] for d in docs)


def test_a_trail_edited_by_hand_is_validated_whole_and_written_back(tmp_path: Path) -> None:
    db = aged(tmp_path, compactions=1)
    doc = json.loads(db.read_bytes())
    first = doc["history"]["2"]
    first["ts"] = "2020-01-01T00:00:00Z"  # someone's fix: the checksum no longer matches
    db.write_text(json.dumps(doc, indent=2))
    store = Store.open(db)
    assert store.history()[1].ts.year == 2020
    store.set_rating(CASE_ID, "X0", "H3", "CC")
    store.close()
    meta = json.loads(db.read_bytes())["_meta"]["1"]
    assert meta["history_count"] == len(doc["history"]) + 1
    assert Store.open(db, readonly=True).history()[1].ts.year == 2020


def test_a_damaged_trail_with_a_matching_length_is_still_refused(tmp_path: Path) -> None:
    from evidence.errors import CorruptDatabase

    db = aged(tmp_path, compactions=1)
    data = db.read_bytes().replace(b'"op":"rate"', b'"op":"rage"', 1)
    db.write_bytes(data)  # the checksum fails: the whole file is validated and the record refused
    with pytest.raises(CorruptDatabase, match=r"history record .* cannot be read"):
        Store.open(db, readonly=True)  # at the open: the damaged-file screen, not a later crash


def test_compaction_extends_the_trails_checksum_without_reading_the_old_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zlib  # the module evidence.database checksums with

    db = aged(tmp_path)
    old_trail = len(json.dumps(json.loads(db.read_bytes())["history"], separators=(",", ":")))
    store = Store.open(db)  # reading checks the old checksum once
    sizes: list[int] = []
    real = zlib.crc32

    def spy(data: bytes, value: int = 0) -> int:
        sizes.append(len(data))
        return real(data, value)

    monkeypatch.setattr(zlib, "crc32", spy)
    store.set_rating(CASE_ID, "X0", "H3", "CC")
    store.close()
    monkeypatch.undo()
    assert sizes and max(sizes) < old_trail / 4
    assert Store.open(db, readonly=True).history()[-1].describe() == "rating X0 × H3: unrated → CC"


def test_an_extended_history_is_the_json_of_all_its_documents_with_their_checksum() -> None:
    import zlib

    docs = {"1": {"op": "a"}, "2": {"op": "b", "t": "é\n"}}
    start = History.of(docs)
    grown = start.extended([{"op": "c"}]).extended([{"op": "d"}, {"op": "e"}])
    assert json.loads(grown.raw) == {**docs, "3": {"op": "c"}, "4": {"op": "d"}, "5": {"op": "e"}}
    assert grown.crc == zlib.crc32(grown.raw) and grown.size == len(grown.raw) and len(grown) == 5
    assert json.loads(start.raw) == docs and start.crc == zlib.crc32(start.raw)  # unchanged
    empty = History().extended([{"op": "x"}])
    assert json.loads(empty.raw) == {"1": {"op": "x"}} and empty.crc == zlib.crc32(empty.raw)


def test_a_replaced_case_stays_whole_in_the_audit_trail(tmp_path: Path) -> None:
    """Red team: a CSV import replaced a 49-item case with 1, and the audit entry kept
    `"doc": null`, so the old content could not be recovered."""
    from evidence.operations import CasePut

    db = tmp_path / "weigh.json"
    old = base_case()
    with Store.open(db) as store:
        store.put_case(old)
        store.put_case(old.model_copy(update={"evidence": old.evidence[:1]}), replace=True)
    with Store.open(db, readonly=True) as store:  # folded into the file, read back
        last = store.history(CASE_ID)[-1]
    assert isinstance(last, CasePut) and last.doc is None and last.old is not None
    assert last.old.evidence == old.evidence and len(old.evidence) > 1
    assert "kept in this record" in last.describe()
