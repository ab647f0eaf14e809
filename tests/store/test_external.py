"""Another program rewrites the database while weigh has it open: weigh will not
overwrite that file, and keeps its own edits in the journal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import evidence.store as store_module
from evidence.errors import ReadOnlyStore, StoreError
from evidence.store import Store

from .edits import CASE_ID, base_case


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "weigh.json")
    s.put_case(base_case())
    s.compact()
    s.set_rating(CASE_ID, "X0", "H2", "CC")
    return s


def replace_file(db: Path, data: bytes) -> None:
    tmp = db.with_name("editor.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, db)


def rewrite_in_place_same_size(db: Path, data: bytes) -> None:
    st = db.stat()
    new = data.replace(b"Crash test case", b"Crash-test-case")
    assert len(new) == len(data)
    with db.open("r+b") as fh:
        fh.write(new)
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


@pytest.mark.parametrize("how", ["replaced", "in-place-same-size", "appended"])
def test_compaction_refuses_to_overwrite_a_file_changed_by_another_program(store: Store, how: str) -> None:
    db = store.path
    data = db.read_bytes()
    if how == "replaced":
        replace_file(db, data.replace(b"Crash test case", b"Edited elsewhere"))
    elif how == "in-place-same-size":
        rewrite_in_place_same_size(db, data)
    else:
        with db.open("ab") as fh:
            fh.write(b" ")
    theirs = db.read_bytes()
    journal = store.journal_path.read_bytes()
    assert journal  # our edit is only in the journal
    with pytest.raises(StoreError, match="changed by another program") as err:
        store.close()
    rescued = [p for p in db.parent.iterdir() if ".rescued-" in p.name]
    assert len(rescued) == 1 and f"saved in {rescued[0]}" in str(err.value)
    assert db.read_bytes() == theirs
    assert store.journal_path.read_bytes() == journal
    with Store.open(rescued[0], readonly=True) as copy:  # every acknowledged edit, where it says
        assert copy.history()[-1].seq == store.history()[-1].seq


def test_edits_stop_once_the_change_is_seen(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    replace_file(store.path, store.path.read_bytes())
    monkeypatch.setattr(store_module, "COMPACT_RECORDS", store.pending)
    before = store.case(CASE_ID)
    with pytest.raises(StoreError, match="changed by another program"):
        store.set_rating(CASE_ID, "X1", "H1", "II")
    assert store.case(CASE_ID) == before
    with pytest.raises(ReadOnlyStore, match="edits are off"):
        store.set_excluded(CASE_ID, "X1", True)
    store.close()  # no second complaint, nothing written
    # The other program's file kept our edit's base, so the journal still replays onto it.
    assert Store.open(store.path, readonly=True).case(CASE_ID).item("X0").ratings["H2"] == "CC"
