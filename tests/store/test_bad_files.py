"""Bad database files: a clear error naming the file and the problem, bytes untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from evidence.database import SCHEMA
from evidence.errors import CorruptDatabase, NotAFile
from evidence.store import Store

from .edits import CASE_ID, base_case, digest, files_of

if TYPE_CHECKING:
    from tests.conftest import WeighRun


def good_doc(tmp_path: Path) -> dict[str, Any]:
    src = tmp_path / "good" / "weigh.json"
    src.parent.mkdir()
    with Store.open(src) as store:
        store.put_case(base_case())
        store.put_case(base_case("second"))
    return json.loads(src.read_bytes())


def _case(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["cases"]["1"]


def _dup_case(d: dict[str, Any]) -> None:
    d["cases"]["2"]["id"] = d["cases"]["1"]["id"]


def _dup_evidence(d: dict[str, Any]) -> None:
    _case(d)["evidence"][1]["id"] = _case(d)["evidence"][0]["id"]


def _dup_hyp(d: dict[str, Any]) -> None:
    _case(d)["hypotheses"][1]["id"] = "H1"


def _set(path: list[Any], value: Any) -> Any:
    def change(d: dict[str, Any]) -> None:
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _drop(key: str) -> Any:
    return lambda d: d.pop(key)


# name → (bytes or a change to a good document, fragment the message must contain)
BAD: dict[str, tuple[Any, str]] = {
    "empty": (b"", "file is empty"),
    "whitespace": (b"  \n\t \n", "file is empty"),
    "truncated-json": (None, "not valid JSON: it ends "),
    "trailing-junk": (None, "not valid JSON: more text after the end of the JSON at line 1, column "),
    "trailing-second-object": (None,
                               "not valid JSON: more text after the end of the JSON at line 2, column 1"),
    "non-utf8": (b'{"_meta": {"1": {"format": "weigh", "schema": 2, "seq": 0}}, "x": "\xff\xfe"}',
                 "not UTF-8 text (bad byte at offset"),
    "latin1-text": ("{\"_meta\": \"caf\xe9\"}".encode("latin-1"), "not UTF-8"),
    "nul-bytes": (b"\0" * 64, "not valid JSON"),
    "json-list": (b"[1, 2, 3]", "a JSON list"),
    "json-string": (b'"weigh"', "not a weigh database"),
    "json-number": (b"42", "not a weigh database"),
    "json-null": (b"null", "not a weigh database"),
    "foreign-object": (b'{"name": "my app", "version": 3}', "no _meta table"),
    "other-tinydb-app": (b'{"_default": {"1": {"todo": "buy milk", "done": false}}}', "no _meta table"),
    "empty-tinydb": (b"{}", "no _meta table"),
    "meta-other-format": (_set(["_meta", "1", "format"], "notes-app"), "does not name the weigh format"),
    "meta-empty": (_set(["_meta"], {}), "_meta"),
    "meta-two-records": (_set(["_meta", "2"], {"format": "weigh", "schema": 1, "seq": 0}),
                         "_meta holds 2 records"),
    "newer-schema": (_set(["_meta", "1", "schema"], SCHEMA + 1), f"newer weigh (schema {SCHEMA + 1}"),
    "much-newer-schema-other-shape": (lambda d: (_set(["_meta", "1", "schema"], 7)(d),
                                                 _set(["cases"], [])(d)), "newer weigh (schema 7"),
    "schema-not-a-number": (_set(["_meta", "1", "schema"], "one"), "schema"),
    "negative-seq": (_set(["_meta", "1", "seq"], -4), "_meta.1.seq: must be 0 or more (got -4)"),
    "infinite-seq": (_set(["_meta", "1", "seq"], float("inf")), "_meta.1.seq: not a finite number: inf"),
    "unknown-rating-code": (lambda d: _case(d)["evidence"][0]["ratings"].update(H1="XX"),
                            "case 'crash': evidence X0: ratings.H1"),
    "duplicate-case-ids": (_dup_case, "case id 'crash' appears twice"),
    "duplicate-evidence-ids": (_dup_evidence, "case 'crash': evidence X0: duplicate id"),
    "duplicate-hypothesis-ids": (_dup_hyp, "case 'crash': hypothesis H1: duplicate id"),
    "rating-for-unknown-hypothesis": (lambda d: _case(d)["evidence"][0]["ratings"].update(H9="C"),
                                      "evidence X0: ratings: unknown hypothesis id 'H9'"),
    "unknown-table": (_set(["notes"], {}), "notes: unknown field"),
    "unknown-evidence-field": (lambda d: _case(d)["evidence"][0].update(colour="red"),
                               "colour: unknown field"),
    "impossible-date": (lambda d: _case(d)["evidence"][1].update(event_date="2022-02-30"),
                        "event_date"),
    "title-missing": (lambda d: _case(d).pop("title"), "title: required field is missing"),
    "cases-not-a-table": (_set(["cases"], [1, 2]), "cases"),
    "deeply-nested": (b'{"_meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not a weigh database"),
}


def make_bad(tmp_path: Path, name: str) -> tuple[Path, str]:
    spec, fragment = BAD[name]
    db = tmp_path / "weigh.json"
    if isinstance(spec, bytes):
        data = spec
    else:
        doc = good_doc(tmp_path)
        good = json.dumps(doc).encode()
        if name == "truncated-json":
            data = good[: len(good) * 2 // 3]
        elif name == "trailing-junk":
            data = good + b"\x00garbage"
        elif name == "trailing-second-object":
            data = good + b"\n" + good
        else:
            spec(doc)
            data = json.dumps(doc).encode()
    db.write_bytes(data)
    return db, fragment


@pytest.mark.parametrize("name", list(BAD))
@pytest.mark.parametrize("readonly", [False, True], ids=["write", "read"])
def test_bad_database_file(tmp_path: Path, name: str, readonly: bool) -> None:
    db, fragment = make_bad(tmp_path, name)
    before = digest(*files_of(db))
    with pytest.raises(CorruptDatabase) as err:
        Store.open(db, readonly=readonly)
    message = str(err.value)
    assert message.startswith(str(db) + ":"), message
    assert fragment in message, message
    assert "\n" not in message and len(message) < 600
    assert digest(*files_of(db)) == before
    assert not db.with_name(db.name + ".journal").exists()
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


@pytest.mark.parametrize("readonly", [False, True])
def test_directory_at_the_path(tmp_path: Path, readonly: bool) -> None:
    db = tmp_path / "weigh.json"
    db.mkdir()
    (db / "keep.txt").write_text("mine")
    with pytest.raises(NotAFile, match="is a directory, not a weigh database") as err:
        Store.open(db, readonly=readonly)
    assert str(db) in str(err.value)
    assert (db / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in db.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weigh.json"]  # no lock beside it


def test_a_fifo_as_the_database_gets_no_lock_beside_it(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    os.mkfifo(db)
    with pytest.raises(NotAFile, match="is a FIFO"):
        Store.open(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weigh.json"]


@pytest.mark.parametrize("command", [["cases"], ["export"], ["import", "in.json"], ["delete", "x", "--yes"]])
def test_a_symlink_loop_as_the_database_is_one_line(
    tmp_path: Path, command: list[str], weigh_here: WeighRun
) -> None:
    """Tester: ``--db`` a symlink loop (a → b → a) ended every command in a traceback
    (pathlib's RuntimeError 'Symlink loop from …')."""
    from evidence.case_file import dump_case_file

    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "a.json").symlink_to("b.json")
    (folder / "b.json").symlink_to("a.json")
    (folder / "in.json").write_text(dump_case_file(base_case()))
    args = [str(folder / arg) if arg == "in.json" else arg for arg in command]
    done = weigh_here("--db", str(folder / "a.json"), *args)
    err = str(done.stderr)
    assert done.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert f"{folder / 'a.json'}: is a symbolic link loop" in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["a.json", "b.json", "in.json"]


def test_missing_database_read_only(tmp_path: Path) -> None:
    from evidence.errors import StoreError

    with pytest.raises(StoreError, match="no such database"):
        Store.open(tmp_path / "nope.json", readonly=True)
    assert list(tmp_path.iterdir()) == []


def test_bad_file_table_is_large_enough() -> None:
    assert len(BAD) >= 30


@pytest.mark.parametrize("readonly", [False, True])
def test_directory_at_the_journal_path(tmp_path: Path, readonly: bool) -> None:
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    db.with_name("weigh.json.journal").unlink()
    db.with_name("weigh.json.journal").mkdir()
    before = digest(db)
    with pytest.raises(NotAFile, match=r"weigh\.json\.journal: is a directory"):
        Store.open(db, readonly=readonly)
    assert digest(db) == before


def test_symlinked_database_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "data" / "weigh.json"
    real.parent.mkdir()
    with Store.open(real) as store:
        store.put_case(base_case())
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with Store.open(link) as store:
        store.set_rating("crash", "X0", "H3", "CC")
        store.compact()
    assert link.is_symlink() and link.resolve() == real
    assert Store.open(real, readonly=True).case("crash").item("X0").ratings["H3"] == "CC"


def test_a_huge_sparse_journal_is_refused_unread(tmp_path: Path) -> None:
    """Red team: a 3 GB sparse journal was read whole (MemoryError)."""
    from evidence.journal import MAX_JOURNAL_BYTES

    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    journal = db.with_name("weigh.json.journal")
    with journal.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: no disk used
    before = digest(db)
    for readonly in (False, True):
        with pytest.raises(CorruptDatabase, match=f"more than the {MAX_JOURNAL_BYTES:,} weigh ever writes"):
            Store.open(db, readonly=readonly)
    assert digest(db) == before and journal.stat().st_size == 3 * 1024**3


def craft_trail(db: Path, raw: bytes) -> None:
    """Put ``raw`` where the history table's bytes go, with a checksum that matches it
    (what a crafted file can do: weigh then trusts the bytes and reads them only later)."""
    import re
    import zlib

    data = db.read_bytes()
    start = data.index(b',"history":') + len(b',"history":')
    end = data.rindex(b',"_meta":')
    meta = data[end:]
    meta = re.sub(rb'"history_bytes":\d+', b'"history_bytes":%d' % len(raw), meta)
    meta = re.sub(rb'"history_crc":\d+', b'"history_crc":%d' % zlib.crc32(raw), meta)
    meta = re.sub(rb'"history_count":\d+', b'"history_count":1', meta)  # as the raw's one key "1"
    db.write_bytes(data[:start] + raw + meta)


TRAILS = {
    "bad JSON": b'{"1":{"seq":1,',
    "deep nesting": b'{"1":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "a 4,400-digit number": b'{"1":{"seq":' + b"9" * 4_400 + b"}}",
}


@pytest.mark.parametrize("shape", sorted(TRAILS))
def test_a_crafted_trail_is_one_line_never_a_traceback(
    tmp_path: Path, shape: str, weigh_here: WeighRun
) -> None:
    """Red team: history bytes with a matching checksum but bad JSON, deep nesting or a
    4,300-digit number: `export --history` exited 1 with a traceback (here, through main in
    this process, a traceback would be the exception itself)."""
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    craft_trail(db, TRAILS[shape])
    with Store.open(db, readonly=True) as store:  # the trail is read when asked for
        assert store.case(CASE_ID).id == CASE_ID
        with pytest.raises(CorruptDatabase, match="history"):
            store.history(CASE_ID)
    before = digest(db)
    done = weigh_here("--db", str(db), "export", "--history")
    err = str(done.stderr)
    assert done.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "history" in err and digest(db) == before


@pytest.mark.parametrize("count", [0, 1, 5, 10**20])
def test_a_damaged_record_count_is_not_trusted(tmp_path: Path, count: int, weigh_here: WeighRun) -> None:
    """Tester: _meta's history_count lies outside the trail's checksum. Damaged to 0, the
    audit trail read as empty ('No recorded changes') and the next edit appended to its bytes
    without a comma, damaging the trail for good; to 10**20, every command ended in an
    OverflowError traceback. A count that does not fit the trail sends the open the slow way,
    which counts the records (and the next write stores the right count)."""
    import re

    db = tmp_path / "trail" / "weigh.json"
    db.parent.mkdir()
    with Store.open(db) as store:
        store.put_case(base_case())
        store.set_rating(CASE_ID, "X0", "H2", "CC")
        store.set_rating(CASE_ID, "X1", "H3", "I")
    data = db.read_bytes()
    assert b'"history_count":3' in data
    db.write_bytes(re.sub(rb'"history_count":\d+', b'"history_count":%d' % count, data))
    done = weigh_here("--db", str(db), "export", "--history")
    assert done.returncode == 0, done.stderr
    assert str(done.stdout).count("rating X") == 2, done.stdout
    with Store.open(db) as store:
        assert len(store.history(CASE_ID)) == 3
        store.set_rating(CASE_ID, "X0", "H3", "N")
    assert b'"history_count":4' in db.read_bytes()
    with Store.open(db, readonly=True) as store:
        assert len(store.history(CASE_ID)) == 4


def test_a_record_count_is_checked_against_the_top_level_keys_only() -> None:
    """A deletion's ratings keyed by item ids "8", "9" (a CSV's ids): the key search matched
    them, refusing the true count 3 (every open the slow way) and accepting a damaged 9
    (found by a reviewer)."""
    from evidence.database import _count_fits

    trail = (b'{"1":{"v":2,"op":"case.put"},"2":{"v":2,"op":"rate","r":{"8":"C","9":"I"}},'
             b'"3":{"v":2,"op":"hyp.delete","r":{"1":"C","4":"I","9":"I"}}}')
    assert [n for n in range(12) if _count_fits(trail, n)] == [3]
    assert _count_fits(b"{}", 0) and not _count_fits(b"{}", 1)
    assert _count_fits(b'{"1":{"v":2,"r":{"1":"C","2":"I"}}}', 1)


def test_a_document_put_in_the_history_table_by_plain_tinydb_is_refused_at_open(tmp_path: Path) -> None:
    """Red team: the README says TinyDB(path) reads the file safely; inserting one document
    into its history table with it crashed the workbench at start."""
    from tinydb import TinyDB

    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    with TinyDB(db) as plain:
        plain.table("history").insert({"hello": "world"})
    before = digest(db)
    for readonly in (False, True):
        with pytest.raises(CorruptDatabase, match=r"history record None cannot be read "
                           r"\(field 'op', which names the kind, is missing\)"):
            Store.open(db, readonly=readonly)
    assert digest(db) == before
