"""Disk faults (ENOSPC, EIO, EACCES) at every write, fsync, rename and truncate.

What must hold each time: the edit raises StoreError, the store does not show
it, later edits are refused with a clear message, and reopening once the disk
is fixed shows every edit saved before.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import evidence.store as store_module
from evidence.errors import ReadOnlyStore, StoreError
from evidence.store import Store

from .edits import CASE_ID, base_case, crash_image, digest, edit, files_of, shape

if TYPE_CHECKING:
    from .faults import Faults

SAVED = 5  # edits made and acknowledged before the fault


def opened_with_edits(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "weigh.json")
    store.put_case(base_case())
    for n in range(SAVED):
        edit(store, n)
    return store


def check_after_fault(store: Store, before: object, faults: Faults, err: pytest.ExceptionInfo) -> None:
    assert isinstance(err.value, StoreError)
    message = str(err.value)
    assert str(store.path.name) in message
    assert shape(store.case(CASE_ID)) == before, "the failed edit shows in memory"
    faults.clear()
    with pytest.raises(ReadOnlyStore, match="edits are off after an earlier write error"):
        store.set_rating(CASE_ID, "X1", "H1", "CC")
    assert shape(store.case(CASE_ID)) == before
    store.close()  # no compaction, no exception: the journal keeps everything
    reopened = Store.open(store.path)
    assert shape(reopened.case(CASE_ID)) == before
    reopened.set_rating(CASE_ID, "X1", "H1", "CC")  # the fixed disk takes edits again
    reopened.close()
    assert Store.open(store.path, readonly=True).case(CASE_ID).item("X1").ratings["H1"] == "CC"


APPEND_FAULTS = [
    ("write", errno.ENOSPC, False),
    ("write", errno.ENOSPC, True),
    ("write", errno.EIO, False),
    ("fsync", errno.EIO, False),
    ("fsync", errno.EIO, True),
    ("fsync", errno.ENOSPC, False),
]


@pytest.mark.parametrize("func,code,persistent", APPEND_FAULTS)
@pytest.mark.parametrize("which", ["set_rating", "add_evidence", "update_evidence", "delete"])
def test_fault_in_a_journal_append(tmp_path: Path, faults: Faults, func: str, code: int,
                                   persistent: bool, which: str) -> None:
    store = opened_with_edits(tmp_path)
    before = shape(store.case(CASE_ID))
    faults.add(func, 1, code, persistent=persistent)
    with pytest.raises(StoreError, match="edit NOT saved") as err:
        if which == "set_rating":
            store.set_rating(CASE_ID, "X0", "H2", "II")
        elif which == "add_evidence":
            edit(store, 6)  # n % 6 == 0: adds an item
        elif which == "update_evidence":
            ev = store.evidence(CASE_ID, "X0")
            store.update_evidence(CASE_ID, ev.model_copy(update={"title": "changed", "tags": []}))
        else:
            store.delete_evidence(CASE_ID, "X1")
    assert os.strerror(code) in str(err.value)
    check_after_fault(store, before, faults, err)


def test_failed_append_whose_rollback_also_fails(tmp_path: Path, faults: Faults) -> None:
    """fsync fails and the truncate that takes the record back fails too: the record may
    stay on disk (like any unacknowledged write in a crash), nothing earlier is lost."""
    store = opened_with_edits(tmp_path)
    before = shape(store.case(CASE_ID))
    faults.add("fsync", 1, errno.EIO)
    faults.add("ftruncate", 1, errno.EIO)
    with pytest.raises(StoreError) as err:
        store.set_rating(CASE_ID, "X0", "H2", "II")
    assert shape(store.case(CASE_ID)) == before
    faults.clear()
    store.close()
    after = Store.open(store.path, readonly=True).case(CASE_ID)
    assert after.item("X0").ratings.get("H2") in (None, "II")
    assert shape(after.model_copy(update={"evidence": [
        e if e.id != "X0" else e.model_copy(update={"ratings": {"H1": "C"}}) for e in after.evidence
    ]})) == before
    assert "EIO" not in str(err.value) and os.strerror(errno.EIO) in str(err.value)


# A compaction made by the edit that crosses the threshold: calls in order are
# open(temp) write(temp) fsync(temp) replace fsync(dir) ftruncate(journal) fsync(journal),
# then the edit's own append.
COMPACTION_FAULTS = [
    ("open", 1, errno.EACCES),   # folder turned read-only: temp file cannot be made
    ("open", 1, errno.ENOSPC),
    ("write", 1, errno.ENOSPC),  # disk full writing the temp file
    ("fsync", 1, errno.EIO),     # temp file
    ("replace", 1, errno.EIO),
    ("fsync", 2, errno.EIO),     # the directory, after the rename
    ("ftruncate", 1, errno.EIO), # journal reset
    ("fsync", 3, errno.EIO),     # journal reset's fsync
]


@pytest.mark.parametrize("func,nth,code", COMPACTION_FAULTS)
def test_fault_in_a_compaction(tmp_path: Path, faults: Faults, monkeypatch: pytest.MonkeyPatch,
                               func: str, nth: int, code: int) -> None:
    store = opened_with_edits(tmp_path)
    monkeypatch.setattr(store_module, "COMPACT_RECORDS", store.pending)
    before = shape(store.case(CASE_ID))

    def temp_file(args: tuple[object, ...]) -> bool:
        return str(args[0]).endswith(".tmp")

    only = temp_file if func == "open" else None
    faults.add(func, nth, code, only=only)
    with pytest.raises(StoreError) as err:
        store.set_rating(CASE_ID, "X0", "H2", "II")
    assert faults.faults[0].fired == 1
    assert os.strerror(code) in str(err.value)
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    check_after_fault(store, before, faults, err)


@pytest.mark.parametrize("func,nth,code", COMPACTION_FAULTS)
def test_fault_in_compaction_on_close(tmp_path: Path, faults: Faults, func: str, nth: int,
                                      code: int) -> None:
    store = opened_with_edits(tmp_path)
    before = shape(store.case(CASE_ID))
    faults.add(func, nth, code, only=(lambda a: str(a[0]).endswith(".tmp")) if func == "open" else None)
    with pytest.raises(StoreError, match=r"weigh\.json"):
        store.close()
    faults.clear()
    with pytest.raises(ReadOnlyStore, match="closed"):
        store.set_rating(CASE_ID, "X0", "H2", "II")
    assert shape(Store.open(store.path, readonly=True).case(CASE_ID)) == before
    with Store.open(store.path) as again:  # the lock was let go despite the error
        assert shape(again.case(CASE_ID)) == before


@pytest.mark.parametrize("func,nth,code", COMPACTION_FAULTS)
def test_fault_in_compaction_while_opening(tmp_path: Path, faults: Faults,
                                           monkeypatch: pytest.MonkeyPatch, func: str, nth: int,
                                           code: int) -> None:
    """A journal over the threshold is folded in on open; if that fails the open fails
    cleanly, and the next open (disk fixed) has everything."""
    monkeypatch.setattr(store_module, "COMPACT_RECORDS", 1000)
    store = opened_with_edits(tmp_path)
    before = shape(store.case(CASE_ID))
    db = crash_image(store, tmp_path / "image")
    store.close()
    monkeypatch.setattr(store_module, "COMPACT_RECORDS", 3)
    faults.add(func, nth, code, only=(lambda a: str(a[0]).endswith(".tmp")) if func == "open" else None)
    with pytest.raises(StoreError) as err:
        Store.open(db)
    assert "weigh.json" in str(err.value) and os.strerror(code) in str(err.value)
    faults.clear()
    assert shape(Store.open(db, readonly=True).case(CASE_ID)) == before
    with Store.open(db) as again:
        assert shape(again.case(CASE_ID)) == before
        assert again.pending == 0  # folded in this time
    assert shape(Store.open(db, readonly=True).case(CASE_ID)) == before


@pytest.mark.parametrize("func,code", [("open", errno.EACCES), ("ftruncate", errno.EIO),
                                       ("fsync", errno.EIO)])
def test_fault_opening_the_journal(tmp_path: Path, faults: Faults, func: str, code: int) -> None:
    """Opening for writing with a torn tail to cut off: open, truncate or fsync fails."""
    store = opened_with_edits(tmp_path)
    before = shape(store.case(CASE_ID))
    db = crash_image(store, tmp_path / "image")
    store.close()
    with db.with_name(db.name + ".journal").open("ab") as fh:
        fh.write(b"torn")
    files = digest(*files_of(db))
    # the writer's open (for appending), not the read that comes first

    def writer_open(a: tuple[Any, ...]) -> bool:
        return str(a[0]).endswith(".journal") and bool(a[1] & os.O_WRONLY)

    faults.add(func, 1, code, only=writer_open if func == "open" else None)
    with pytest.raises(StoreError, match="cannot open journal"):
        Store.open(db)
    faults.clear()
    if func == "open":
        assert digest(*files_of(db)) == files
    assert shape(Store.open(db, readonly=True).case(CASE_ID)) == before
    with Store.open(db) as again:
        assert shape(again.case(CASE_ID)) == before


@pytest.mark.parametrize("func,nth", [("open", 1), ("write", 1), ("fsync", 1), ("replace", 1),
                                      ("fsync", 2)])
def test_fault_creating_a_new_database(tmp_path: Path, faults: Faults, func: str, nth: int) -> None:
    db = tmp_path / "weigh.json"
    faults.add(func, nth, errno.ENOSPC,
               only=(lambda a: str(a[0]).endswith(".tmp")) if func == "open" else None)
    with pytest.raises(StoreError, match="cannot write the database"):
        Store.open(db)
    faults.clear()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "weigh.json") == ["weigh.json.lock"]
    with Store.open(db) as store:  # the lock was let go; a retry works
        store.put_case(base_case())
    assert Store.open(db, readonly=True).case_ids() == [CASE_ID]


def test_explicit_compaction_refused_after_a_failure(tmp_path: Path, faults: Faults) -> None:
    store = opened_with_edits(tmp_path)
    faults.add("fsync", 1, errno.EIO)
    with pytest.raises(StoreError):
        store.set_rating(CASE_ID, "X0", "H2", "II")
    faults.clear()
    with pytest.raises(ReadOnlyStore, match="edits are off"):
        store.compact()
    store.close()


# ------------------------------------------------------------ read-only places

needs_mode_bits = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permission bits"
)


def _db_in(folder: Path) -> Path:
    db = folder / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    return db


@needs_mode_bits
def test_read_only_folder(tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir()
    db = _db_in(tmp_path / "ro")
    before = digest(*files_of(db))
    os.chmod(db.parent, 0o500)
    try:
        with pytest.raises(ReadOnlyStore, match="not writable") as err:
            Store.open(db)
        assert str(db.parent) in str(err.value)
        assert Store.open(db, readonly=True).case_ids() == [CASE_ID]
    finally:
        os.chmod(db.parent, 0o700)
    assert digest(*files_of(db)) == before


def test_read_only_folder_as_any_user(tmp_path: Path, faults: Faults,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path under root: the permission check reports the folder as not writable."""
    (tmp_path / "ro").mkdir()
    db = _db_in(tmp_path / "ro")
    before = digest(*files_of(db))
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == db.parent
                        else real_access(p, mode, **kw))
    with pytest.raises(ReadOnlyStore, match="not writable") as err:
        Store.open(db)
    assert str(db.parent) in str(err.value)
    assert Store.open(db, readonly=True).case_ids() == [CASE_ID]
    assert digest(*files_of(db)) == before


def test_folder_refusing_the_lock_file(tmp_path: Path, faults: Faults) -> None:
    """The lock file cannot be created (EACCES from the OS, as in a read-only folder)."""
    db = _db_in(tmp_path)
    db.with_name(db.name + ".lock").unlink()
    before = digest(*files_of(db))
    faults.add("open", 1, errno.EACCES, only=lambda a: str(a[0]).endswith(".lock"))
    with pytest.raises(StoreError, match="cannot create the lock file: Permission denied"):
        Store.open(db)
    faults.clear()
    assert digest(*files_of(db)) == before


@pytest.mark.parametrize("mode", [0o400, 0o444, 0o500])
def test_read_only_database_file(tmp_path: Path, mode: int) -> None:
    """Checked from the mode bits, so it holds under root too: never replaced behind the
    user's back by a compaction's rename."""
    db = _db_in(tmp_path)
    os.chmod(db, mode)
    before = digest(*files_of(db))
    try:
        with pytest.raises(ReadOnlyStore, match="database file is read-only") as err:
            Store.open(db)
        assert str(db) in str(err.value)
        assert Store.open(db, readonly=True).case_ids() == [CASE_ID]
        assert digest(*files_of(db)) == before
        assert os.stat(db).st_mode & 0o777 == mode
    finally:
        os.chmod(db, 0o600)


def test_short_writes_still_make_whole_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write may write less than asked (signals, pipes, some filesystems): keep going."""
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    store = opened_with_edits(tmp_path)
    store.set_rating(CASE_ID, "X0", "H2", "II")
    expected = shape(store.case(CASE_ID))
    image = crash_image(store, tmp_path / "image")
    store.close()
    monkeypatch.undo()
    assert shape(Store.open(image, readonly=True).case(CASE_ID)) == expected
    assert shape(Store.open(store.path, readonly=True).case(CASE_ID)) == expected


def test_a_write_that_makes_no_progress_is_an_error_not_a_hang(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store = opened_with_edits(tmp_path)
    before = shape(store.case(CASE_ID))
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(StoreError, match="edit NOT saved"):
        store.set_rating(CASE_ID, "X0", "H2", "II")
    monkeypatch.setattr(os, "write", real)
    assert shape(store.case(CASE_ID)) == before
    store.close()
    assert shape(Store.open(store.path, readonly=True).case(CASE_ID)) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_an_import_whose_fold_fails_says_it_is_imported_and_a_retry_works(
    tmp_path: Path, faults: Faults, capsys: pytest.CaptureFixture[str], code: int
) -> None:
    """Red team: on a full disk (or under `ulimit -f`) `weigh import` said "cannot write the
    database" and exited 2 though the case was there, and a retry failed."""
    from evidence.case_file import dump_case_file
    from tui.cli import main

    db = tmp_path / "weigh.json"
    Store.open(db).close()
    src = tmp_path / "case.weigh.json"
    src.write_text(dump_case_file(base_case("imported")))
    faults.add("replace", 1, code, persistent=True)  # the journal append works; the fold does not
    assert main(["--db", str(db), "import", str(src)]) == 0
    out, err = capsys.readouterr()
    assert "Imported case imported" in out
    assert err.count("\n") == 1 and err.startswith("weigh: warning: ")
    assert "Every acknowledged edit is in weigh.json.journal" in err
    faults.clear()
    assert Store.open(db, readonly=True).has_case("imported")
    assert main(["--db", str(db), "import", str(src)]) == 0  # the retry: nothing to do, and said so
    out, err = capsys.readouterr()
    assert "already in the database as this file has it" in out and err == ""


def test_an_edit_that_would_make_the_database_too_large_to_open_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Red team: two .achz imports made a 2.17 GB database that every command then refused."""
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    monkeypatch.setattr(store_module, "MAX_DB_BYTES", db.stat().st_size + 100)
    before = digest(db)
    with Store.open(db) as store, pytest.raises(StoreError, match=r"larger than .* the most weigh opens"):
        store.put_case(base_case("second"))
    assert digest(db) == before
    assert not Store.open(db, readonly=True).has_case("second")
