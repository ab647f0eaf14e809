"""Private files (0600) and the cost of an edit: one small append, whatever the case size."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis

from .edits import CASE_ID, base_case


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o077])
def test_database_journal_and_lock_are_private(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        with Store.open(tmp_path / "weigh.json") as store:
            store.put_case(base_case())
            store.set_rating(CASE_ID, "X0", "H2", "C")
            for p in (store.path, store.journal_path, store.lock_path):
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
        # After the compaction on close, the new file is private too.
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_compaction_makes_a_loosened_file_private_again(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    os.chmod(db, 0o644)
    with Store.open(db) as store:
        store.set_rating(CASE_ID, "X0", "H2", "C")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def big_case(items: int) -> Case:
    hyps = [Hypothesis(id=f"H{i}", title=f"Hypothesis {i}") for i in range(1, 9)]
    return Case(
        id=CASE_ID, title="Big", hypotheses=hyps,
        evidence=[
            Evidence(id=f"E{i}", title=f"Item {i} " + "x" * 200, details="d" * 2000,
                     ratings={h.id: "C" for h in hyps})
            for i in range(items)
        ],
    )


@pytest.mark.parametrize("items", [10, 2000])
def test_a_rating_edit_is_one_small_append(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           items: int) -> None:
    with Store.open(tmp_path / "weigh.json") as store:
        store.put_case(big_case(items))
        store.compact()
        calls: dict[str, list[int]] = {"write": [], "fsync": [], "replace": [], "ftruncate": []}
        for name in calls:
            real = getattr(os, name)

            def spy(*args: object, _real: object = real, _name: str = name) -> object:
                size = len(args[1]) if _name == "write" else 0
                calls[_name].append(size)
                return _real(*args)  # type: ignore[operator]

            monkeypatch.setattr(os, name, spy)
        size_before = store.journal_path.stat().st_size
        store.set_rating(CASE_ID, f"E{items - 1}", "H8", "II")
        monkeypatch.undo()
        assert len(calls["write"]) == 1 and calls["write"][0] < 300
        assert len(calls["fsync"]) == 1
        assert calls["replace"] == [] and calls["ftruncate"] == []
        assert store.journal_path.stat().st_size - size_before == calls["write"][0]
        assert store.case(CASE_ID).item(f"E{items - 1}").ratings["H8"] == "II"


def test_new_files_are_made_durable_by_syncing_their_folder(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's data fsynced is not enough: its name lives in the folder."""
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    store = Store.open(tmp_path / "weigh.json")
    # database: temp file, then the folder after the rename; journal: the folder after creating it
    assert synced == ["file", "dir", "dir"]
    store.close()


def test_failing_to_sync_a_new_journals_folder_fails_the_open(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from evidence.errors import StoreError

    real = os.fsync
    calls = [0]

    def failing(fd: int) -> None:
        calls[0] += 1
        if calls[0] == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(StoreError, match="cannot open journal: Input/output error"):
        Store.open(tmp_path / "weigh.json")
    monkeypatch.undo()
    with Store.open(tmp_path / "weigh.json") as store:
        assert store.case_ids() == []
