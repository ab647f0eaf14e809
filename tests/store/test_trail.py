"""The audit trail stays cheap as it grows: its bytes are kept, not parsed, on open and
appended to, not rewritten, on compaction; a trail edited by hand is read the slow way."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from evidence import operations
from evidence import trail as trail_module
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
    with pytest.raises(CorruptDatabase) as refused:
        Store.open(db, readonly=True)  # at the open: the damaged-file screen, not a later crash
    # in words, not pydantic's union-tag message listing every tag
    said = str(refused.value)
    assert "cannot be read (field 'op' is 'rage', not a kind this version of weigh knows)" in said
    assert "tag" not in str(refused.value)


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


def _trail_of(db: Path) -> list[dict[str, object]]:
    return [r.model_dump(mode="json") for r in Store.open(db, readonly=True).history()]


def test_a_worker_types_the_trail_without_holding_the_store(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`read_trail` parses outside the store's lock: another thread reads the store while it
    types, and then every record is typed, once, as a read on the spot types them."""
    db = aged(tmp_path)
    store = Store.open(db, readonly=True)
    total = store.untyped_records()
    assert total == len(_trail_of(db)) > 30
    seen: list[str] = []
    readers: list[threading.Thread] = []
    real = operations.parse_record

    def parse(raw: dict[str, object]) -> object:
        if not readers:  # as a worker types, another thread asks the store
            readers.append(threading.Thread(target=lambda: seen.append(store.evidence(CASE_ID, "X0").id),
                                            daemon=True))
            readers[0].start()
            readers[0].join(5)  # a reader the store's lock keeps waiting has answered nothing
            assert seen == ["X0"], "the store was held while the trail was typed"
        return real(raw)

    monkeypatch.setattr(operations, "parse_record", parse)
    store.read_trail()
    assert seen == ["X0"] and store.untyped_records() == 0
    assert [r.model_dump(mode="json") for r in store.history()] == _trail_of(db)


def test_a_read_on_the_spot_meanwhile_wins_and_nothing_is_typed_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = aged(tmp_path)
    store = Store.open(db, readonly=True)
    real = operations.parse_record
    asked: list[int] = []

    def parse(raw: dict[str, object]) -> object:
        if not asked:  # the detail pane asks before the worker is done: typed there and then
            asked.append(0)
            asked[0] = len(store.item_history(CASE_ID, "E0"))
        return real(raw)

    monkeypatch.setattr(operations, "parse_record", parse)
    store.read_trail()
    records = store.history()
    assert [r.model_dump(mode="json") for r in records] == _trail_of(db)
    assert len({id(r) for r in records}) == len(records)
    assert asked[0] == len(store.item_history(CASE_ID, "E0")) > 0


def test_a_reader_told_to_stop_hands_nothing_over(tmp_path: Path) -> None:
    store = Store.open(aged(tmp_path), readonly=True)
    total = store.untyped_records()
    store.read_trail(stop=lambda: True)
    assert store.untyped_records() == total


def test_a_record_that_does_not_fit_leaves_the_reader_quiet_and_the_pane_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker gives up without a word; the next read (the detail pane's) names the record."""
    from evidence.errors import CorruptDatabase

    store = Store.open(aged(tmp_path), readonly=True)
    total = store.untyped_records()
    real = operations.parse_record

    def parse(raw: dict[str, object]) -> object:
        if raw.get("seq") == 5:
            raise ValueError("not a record")
        return real(raw)

    monkeypatch.setattr(operations, "parse_record", parse)
    store.read_trail()
    assert store.untyped_records() == total
    with pytest.raises(CorruptDatabase, match=r"history record 5 cannot be read \(not a record\)"):
        store.item_history(CASE_ID, "X0")


def test_every_read_of_a_long_trail_types_it_without_holding_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`history` (the ranking history's worker) on a trail not typed yet: another thread's
    reads go on while it types, as with the detail pane's reader."""
    db = aged(tmp_path)
    store = Store.open(db, readonly=True)
    seen: list[str] = []
    readers: list[threading.Thread] = []
    real = operations.parse_record

    def parse(raw: dict[str, object]) -> object:
        if not readers:
            readers.append(threading.Thread(target=lambda: seen.append(store.evidence(CASE_ID, "X0").id),
                                            daemon=True))
            readers[0].start()
            readers[0].join(5)
            assert seen == ["X0"], "the store was held while the trail was typed"
        return real(raw)

    monkeypatch.setattr(operations, "parse_record", parse)
    assert [r.model_dump(mode="json") for r in store.history()] == _trail_of(db)
    assert seen == ["X0"] and store.untyped_records() == 0


def _gated_reader(store: Store, monkeypatch: pytest.MonkeyPatch, stop: threading.Event | None = None,
                  ) -> tuple[threading.Thread, threading.Event, dict[str, int]]:
    """A worker typing the trail, held at its first record until the returned event is set;
    parse calls are counted by thread name."""
    started, go = threading.Event(), threading.Event()
    calls: dict[str, int] = {}
    real = operations.parse_record

    def parse(raw: dict[str, object]) -> object:
        name = threading.current_thread().name
        calls[name] = calls.get(name, 0) + 1
        if name == "worker" and not started.is_set():
            started.set()
            assert go.wait(10)
        return real(raw)

    monkeypatch.setattr(operations, "parse_record", parse)
    monkeypatch.setattr(trail_module, "_STOP_EVERY", 1)
    worker = threading.Thread(target=lambda: store.read_trail(stop=None if stop is None else stop.is_set),
                              name="worker", daemon=True)
    worker.start()
    assert started.wait(10)
    return worker, go, calls


def test_a_read_asked_for_while_a_worker_types_waits_for_its_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`a` (the next id) pressed while the detail pane's worker reads a long trail: the
    workbench waits for the worker's records instead of typing them all a second time."""
    db = aged(tmp_path)
    store = Store.open(db, readonly=True)
    total = store.untyped_records()
    worker, go, calls = _gated_reader(store, monkeypatch)
    answer: list[frozenset[str]] = []
    asker = threading.Thread(target=lambda: answer.append(store.ids_ever(CASE_ID)), name="asker",
                             daemon=True)
    asker.start()
    asker.join(1)
    assert asker.is_alive() and not answer, "the second read typed the trail itself"
    go.set()
    worker.join(10)
    asker.join(10)
    assert answer and "E0" in answer[0]
    assert calls == {"worker": total}
    assert store.untyped_records() == 0


def test_a_worker_that_stops_hands_the_typing_to_the_read_that_waited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = aged(tmp_path)
    store = Store.open(db, readonly=True)
    total = store.untyped_records()
    stop = threading.Event()
    worker, go, calls = _gated_reader(store, monkeypatch, stop)
    answer: list[int] = []
    asker = threading.Thread(target=lambda: answer.append(len(store.history())), name="asker",
                             daemon=True)
    asker.start()
    stop.set()  # the app quits mid-read: the worker gives up at its next record
    go.set()
    worker.join(10)
    asker.join(10)
    assert answer == [total]
    assert calls["worker"] == 1 and calls["asker"] == total
    assert store.untyped_records() == 0


def test_an_indicator_observed_while_a_worker_types_waits_and_skips_every_id_ever_issued(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Observing makes an item whose id no record ever named: the store reads the trail for
    it before taking its own lock, so the worker can hand its records over (no deadlock)."""
    from hypotheses.models import Indicator

    db = aged(tmp_path)
    store = Store.open(db)
    store.add_indicator(CASE_ID, Indicator(id="M1", title="Talks resume", ratings={"H1": "C"}))
    store.close()
    issued = Store.open(db, readonly=True).ids_ever(CASE_ID)
    assert {"E0", "E2", "E4"} <= issued  # deleted by the aged case's edits
    store = Store.open(db)
    worker, go, _ = _gated_reader(store, monkeypatch)
    made: list[str] = []
    observer = threading.Thread(
        target=lambda: made.append(store.observe_indicator(CASE_ID, "M1").evidence.id),
        name="observer", daemon=True)
    observer.start()
    go.set()
    worker.join(10)
    observer.join(10)
    assert not observer.is_alive() and not worker.is_alive(), "deadlock"
    assert made and made[0] not in issued
    store.close()


def test_a_record_that_is_not_an_object_is_refused_in_words() -> None:
    """A hand-edited trail can hold a list or a number where a record goes."""
    raws: list[Any] = [[], 5, "rate"]
    for raw in raws:
        with pytest.raises(ValueError) as refused:
            operations.parse_record(raw)
        assert operations.record_problem(refused.value) == "not an object with named fields"
