"""Schema versions: an older file is upgraded in memory and saved only by an atomic
compaction, after a copy of the old file is kept. Schema 1 is the first real one,
so these tests define a schema 0: schema 1 without the ``history`` table. Schema 2
(edit records keep only the changed fields) is a real upgrade, tested at the end."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tinydb import TinyDB

import evidence.database as database_module
import evidence.store as store_module
from evidence.errors import CorruptDatabase, StoreError
from evidence.store import Store

from .edits import CASE_ID, base_case, digest, files_of, shape

if TYPE_CHECKING:
    from .faults import Faults


def add_history(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 0 → 1: the audit trail table appears, empty."""
    doc["history"] = {}
    return doc


@pytest.fixture
def schema0(tmp_path: Path) -> Path:
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    doc = json.loads(db.read_bytes())
    del doc["history"]
    doc["_meta"]["1"]["schema"] = 0
    db.write_text(json.dumps(doc))
    return db


@pytest.fixture
def with_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database_module, "MIGRATIONS", {**database_module.MIGRATIONS, 0: add_history})


def raw_schema(db: Path) -> int:
    return json.loads(db.read_bytes())["_meta"]["1"]["schema"]


def test_without_a_migration_an_older_file_is_refused_untouched(schema0: Path) -> None:
    before = digest(*files_of(schema0))
    for readonly in (True, False):
        with pytest.raises(
            CorruptDatabase, match="older weigh \\(schema 0\\) that this version cannot upgrade"
        ):
            Store.open(schema0, readonly=readonly)
    assert digest(*files_of(schema0)) == before


@pytest.mark.usefixtures("with_migration")
def test_read_only_open_upgrades_in_memory_only(schema0: Path) -> None:
    before = digest(*files_of(schema0))
    store = Store.open(schema0, readonly=True)
    assert store.migrated_from == 0
    assert shape(store.case(CASE_ID)) == shape(base_case())
    assert store.history() == []
    assert digest(*files_of(schema0)) == before
    assert not list(schema0.parent.glob("*.bak*"))


@pytest.mark.usefixtures("with_migration")
def test_writer_keeps_a_backup_then_compacts_atomically(schema0: Path) -> None:
    original = schema0.read_bytes()
    store = Store.open(schema0)
    assert store.migrated_from == 0
    assert store.backup_path == schema0.with_name("weigh.json.schema-0.bak")
    assert store.backup_path.read_bytes() == original
    assert store.backup_path.stat().st_mode & 0o777 == 0o600
    assert raw_schema(schema0) == database_module.SCHEMA  # written back by the compaction
    assert store.pending == 0
    store.set_rating(CASE_ID, "X0", "H2", "N")
    store.close()
    with TinyDB(schema0, access_mode="r") as tiny:
        assert set(tiny.tables()) == {"_meta", "cases", "history"}
    again = Store.open(schema0)
    assert again.migrated_from is None and again.backup_path is None
    assert again.case(CASE_ID).item("X0").ratings["H2"] == "N"
    again.close()
    assert store.backup_path.read_bytes() == original


@pytest.mark.usefixtures("with_migration")
def test_a_second_backup_never_overwrites_the_first(schema0: Path) -> None:
    old = schema0.read_bytes()
    first = schema0.with_name("weigh.json.schema-0.bak")
    first.write_bytes(b"an older backup the user kept")
    with Store.open(schema0) as store:
        assert store.backup_path == schema0.with_name("weigh.json.schema-0.bak-1")
    assert first.read_bytes() == b"an older backup the user kept"
    assert schema0.with_name("weigh.json.schema-0.bak-1").read_bytes() == old


@pytest.mark.usefixtures("with_migration")
def test_journal_of_the_old_file_is_replayed_then_folded(schema0: Path, tmp_path: Path) -> None:
    """An old weigh crashed with edits in its journal: they survive the upgrade."""
    other = tmp_path / "other"
    other.mkdir()
    with Store.open(other / "weigh.json") as src:
        src.put_case(base_case())
        store_module.COMPACT_RECORDS, saved = 10_000, store_module.COMPACT_RECORDS
        try:
            src.set_rating(CASE_ID, "X1", "H3", "CC")
            journal = (other / "weigh.json.journal").read_bytes()
        finally:
            store_module.COMPACT_RECORDS = saved
    # The schema-0 file has seq 1 (one case.put); the copied journal holds seq 1..2.
    schema0.with_name("weigh.json.journal").write_bytes(journal)
    with Store.open(schema0) as store:
        assert store.case(CASE_ID).item("X1").ratings["H3"] == "CC"
        assert store.pending == 0
    assert Store.open(schema0, readonly=True).case(CASE_ID).item("X1").ratings["H3"] == "CC"


def broken_migration(doc: dict[str, Any]) -> dict[str, Any]:
    doc["history"] = "not a table"
    return doc


def crashing_migration(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["no such key"]


@pytest.mark.parametrize(
    "migration,fragment", [(broken_migration, "history"), (crashing_migration, "no such key")]
)
def test_a_failing_migration_leaves_the_file_untouched(
    schema0: Path, monkeypatch: pytest.MonkeyPatch, migration: Any, fragment: str
) -> None:
    monkeypatch.setattr(database_module, "MIGRATIONS", {**database_module.MIGRATIONS, 0: migration})
    before = digest(*files_of(schema0))
    with pytest.raises(CorruptDatabase, match="cannot upgrade from schema 0") as err:
        Store.open(schema0)
    assert fragment in str(err.value)
    assert digest(*files_of(schema0)) == before
    assert not list(schema0.parent.glob("*.bak*"))


@pytest.mark.usefixtures("with_migration")
@pytest.mark.parametrize("func,nth", [("replace", 1), ("fsync", 1), ("fsync", 3), ("write", 2)])
def test_a_fault_while_upgrading_keeps_the_old_file(
    schema0: Path, faults: Faults, func: str, nth: int
) -> None:
    original = schema0.read_bytes()
    faults.add(func, nth, errno.EIO)
    with pytest.raises(StoreError):
        Store.open(schema0)
    faults.clear()
    if func == "replace" or (func == "write" and nth == 2) or (func == "fsync" and nth == 3):
        assert schema0.read_bytes() == original
    with Store.open(schema0) as store:  # disk fixed: the upgrade goes through
        assert shape(store.case(CASE_ID)) == shape(base_case())
    assert raw_schema(schema0) == database_module.SCHEMA
    backups = sorted(schema0.parent.glob("*.bak*"))
    assert backups and all(b.read_bytes() == original for b in backups)


def schema1_file(db: Path) -> dict[str, Any]:
    """A database as weigh wrote it before schema 2: no indicators, conclusion or group,
    an item edit kept whole twice (``doc`` and ``old``), records without ``v``."""
    item = {
        "id": "X0",
        "title": "First item",
        "details": "",
        "source": "",
        "url": None,
        "event_date": None,
        "reported_date": None,
        "tags": ["seed"],
        "credibility": "medium",
        "relevance": "medium",
        "admiralty": None,
        "kind": "report",
        "excluded": False,
        "ratings": {"H1": "C"},
        "notes": {},
    }
    doc = {
        "_meta": {"1": {"format": "weigh", "schema": 1, "seq": 3}},
        "cases": {
            "1": {
                "id": CASE_ID,
                "title": "Crash test case",
                "question": "",
                "description": "",
                "created": "2026-01-01T00:00:00Z",
                "updated": "2026-01-01T00:00:00Z",
                "hypotheses": [
                    {"id": h, "title": f"Hypothesis {h}", "description": "", "prior": 1.0}
                    for h in ("H1", "H2", "H3")
                ],
                "evidence": [{**item, "title": "First item, edited"}],
            }
        },
        "history": {
            "1": {
                "seq": 1,
                "ts": "2026-01-01T00:00:00+00:00",
                "op": "case.put",
                "case": CASE_ID,
                "title": "Crash test case",
                "hypotheses": 3,
                "evidence": 1,
            },
            "2": {
                "seq": 2,
                "ts": "2026-01-01T00:01:00+00:00",
                "op": "ev.update",
                "case": CASE_ID,
                "id": "X0",
                "doc": {**item, "title": "First item, edited"},
                "old": item,
            },
            "3": {
                "seq": 3,
                "ts": "2026-01-01T00:02:00+00:00",
                "op": "case.info",
                "case": CASE_ID,
                "new": {"title": "Crash test case", "question": "", "description": "Now"},
                "old": {"title": "Crash test case", "question": "", "description": ""},
            },
        },
    }
    db.write_text(json.dumps(doc))
    journal_record = {
        "seq": 4,
        "ts": "2026-01-01T00:03:00+00:00",
        "op": "ev.update",
        "case": CASE_ID,
        "id": "X0",
        "doc": {**item, "title": "Edited in the journal"},
        "old": {**item, "title": "First item, edited"},
    }
    from evidence.journal import encode

    db.with_name("weigh.json.journal").write_bytes(encode(json.dumps(journal_record).encode()))
    return doc


def test_a_schema_1_database_and_journal_are_upgraded_for_real(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    schema1_file(db)
    original = db.read_bytes()
    reader = Store.open(db, readonly=True)
    assert reader.migrated_from == 1
    assert reader.case(CASE_ID).item("X0").title == "Edited in the journal"
    assert db.read_bytes() == original  # a reader changes nothing
    with Store.open(db) as store:
        case = store.case(CASE_ID)
        assert case.indicators == [] and case.conclusion == "" and case.item("X0").group is None
        trail = store.history(CASE_ID)
        assert [r.op for r in trail] == ["case.put", "ev.update", "case.info", "ev.update"]
        assert [r.describe() for r in trail[1:]] == [
            "edited evidence X0: title First item → First item, edited",
            "edited case details: description",
            "edited evidence X0: title First item, edited → Edited in the journal",
        ]
        store.set_rating(CASE_ID, "X0", "H2", "II")
    assert store.backup_path is not None and store.backup_path.read_bytes() == original
    raw = json.loads(db.read_bytes())
    assert raw["_meta"]["1"]["schema"] == database_module.SCHEMA
    edit = raw["history"]["2"]
    assert edit["new"] == {"title": "First item, edited"} and edit["old"] == {"title": "First item"}
    assert "doc" not in edit  # the item is no longer kept twice
    with TinyDB(db) as plain:  # still an ordinary TinyDB file
        assert len(plain.table("history")) == 5


def test_a_schema_2_database_with_a_sync_that_renumbered_reads_and_is_upgraded(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    """Schema 3: a sync's record may say what it renumbered (``renumbered``) and that it undoes
    a sync (``undoes``). A weigh of schema 2 refused such a trail with 'history record 3 cannot
    be read (case.sync.renumbered: unknown field)'; now it says a newer weigh wrote the file
    (schema 3). A schema 2 database, as
    the last weigh wrote it (its sync record held ``renumbered`` already), still reads and,
    written, is kept as ``.schema-2.bak`` and upgraded: every record says schema 3."""
    from evidence.case_file import dump_case_file, parse_case_file
    from evidence.sync import read_sync_file, sync_case
    from hypotheses.models import Evidence
    from tests.conftest import weigh_text
    from tests.test_merge_git import start_case

    db, shared = tmp_path / "old.json", tmp_path / "case.json"
    shared.write_text(dump_case_file(start_case()), encoding="utf-8")
    with Store.open(db, analyst="ana") as store:
        sync_case(store, read_sync_file(shared, store.files))
        store.add_evidence("team", Evidence(id="E5", title="tanks"))
        theirs = parse_case_file(shared.read_bytes())
        shared.write_text(dump_case_file(theirs.model_copy(update={"evidence": [
            *theirs.evidence, Evidence(id="E5", title="memo")]})), encoding="utf-8")
        sync_case(store, read_sync_file(shared, store.files))
    doc = json.loads(db.read_bytes())
    (meta,) = doc["_meta"].values()
    meta["schema"] = 2  # as weigh wrote it before schema 3: the same records, each "v": 2
    for key in ("history_bytes", "history_crc", "history_count"):
        meta.pop(key, None)
    for record in doc["history"].values():
        record["v"] = 2
    assert "renumbered" in doc["history"][str(len(doc["history"]))]
    db.write_text(json.dumps(doc), encoding="utf-8")
    original = db.read_bytes()
    env = {**cli_env, "WEIGH_ANALYST": "ana"}
    done = weigh_text(env, "--db", str(db), "export", "--case", "team", "--history")
    assert done.returncode == 0, done.stderr
    assert 'evidence E5 added on both sides as different items: ours is now E6 ("tanks")' in done.stdout
    assert db.read_bytes() == original  # only read: untouched, no copy
    assert not list(tmp_path.glob("*.bak*"))
    theirs = parse_case_file(shared.read_bytes())
    shared.write_text(dump_case_file(theirs.model_copy(update={"title": "retitled"})), encoding="utf-8")
    done = weigh_text(env, "--db", str(db), "sync", str(shared))
    assert done.returncode == 0, done.stderr
    assert db.with_name("old.json.schema-2.bak").read_bytes() == original
    raw = json.loads(db.read_bytes())
    assert raw_schema(db) == database_module.SCHEMA == 3
    assert [r["v"] for r in raw["history"].values()] == [3] * len(raw["history"])
    with Store.open(db, readonly=True) as again:
        trail = again.history("team")
    assert [r.op for r in trail][-2:] == ["case.sync", "case.sync"] and trail[-1].v == 3
    assert 'ours is now E6 ("tanks")' in trail[-2].describe()


def schema_2_file(db: Path, *odd: dict[str, Any]) -> bytes:
    """A database as a weigh of schema 2 wrote it (every record ``"v": 2``), with ``odd``
    records after its own: the file's bytes."""
    with Store.open(db) as store:
        store.put_case(base_case())
        store.set_rating(CASE_ID, "X0", "H2", "N")
    doc = json.loads(db.read_bytes())
    (meta,) = doc["_meta"].values()
    meta["schema"] = 2
    for key in ("history_bytes", "history_crc", "history_count"):
        meta.pop(key, None)
    for record in doc["history"].values():
        record["v"] = 2
    for record in odd:
        n = len(doc["history"]) + 1
        doc["history"][str(n)] = {"v": 2, "seq": n, "ts": "2026-01-01T00:00:00+00:00", "case": CASE_ID,
                                  **record}
    db.write_text(json.dumps(doc), encoding="utf-8")
    return db.read_bytes()


@pytest.mark.parametrize(("odd", "reason"), [
    ({"op": "case.info", "new": {"title": "t"}, "old": "a word"}, "case.info.old"),
    ({"op": "case.info", "new": "a word", "old": {}}, "case.info.new"),
    ({"op": "ev.update", "id": "X0", "new": {}, "old": {}, "doc": "a word"}, "ev.update.doc"),
    ({"op": "case.info", "new": {}, "old": {}, "v": "2"}, "record schema '2' is not one weigh wrote"),
])
def test_a_schema_2_record_of_the_wrong_shape_is_refused_in_words(
        cli_env: dict[str, str], tmp_path: Path, odd: dict[str, Any], reason: str) -> None:
    """A schema 2 record is already in schema 2's shape: it is not put through the upgrade of a
    schema 1 record (which, given a field that is not an object, failed with Python's
    "'str' object has no attribute 'get'"); a record that does not fit is refused in words, the
    file untouched and not copied."""
    from tests.conftest import weigh_text

    db = tmp_path / "old.json"
    original = schema_2_file(db, odd)
    for args in (("cases",), ("delete", CASE_ID, "--yes")):
        done = weigh_text(cli_env, "--db", str(db), *args)
        assert done.returncode == 2
        assert "object has no attribute" not in done.stderr and "newer" not in done.stderr, done.stderr
        assert reason in done.stderr and done.stderr.endswith("file left untouched\n"), done.stderr
        assert db.read_bytes() == original
    assert not list(tmp_path.glob("*.bak*"))


def test_a_schema_2_database_reads_as_it_was(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Its records are not changed by the upgrade: the trail says what it said."""
    from tests.conftest import weigh_text

    db = tmp_path / "old.json"
    schema_2_file(db, {"op": "case.info", "new": {"description": "Now"}, "old": {"description": ""}})
    done = weigh_text(cli_env, "--db", str(db), "export", "--case", CASE_ID, "--history")
    assert done.returncode == 0, done.stderr
    assert "edited case details: description" in done.stdout
