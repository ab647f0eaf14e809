"""Starting fresh only when asked: the damaged files are moved aside, never deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence import recovery
from evidence.errors import CorruptDatabase, DatabaseLocked, StoreError
from evidence.recovery import set_aside
from evidence.store import Store

from .edits import CASE_ID, base_case


class FrozenClock(datetime):
    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery, "datetime", FrozenClock)


def broken_db(tmp_path: Path) -> Path:
    db = tmp_path / "weigh.json"
    db.write_bytes(b'{"_meta": {"1": {"format": "weigh", "sch')
    db.with_name("weigh.json.journal").write_bytes(b"0000 torn\n")
    return db


@pytest.mark.usefixtures("frozen")
def test_set_aside_moves_database_and_journal_then_a_fresh_one_opens(tmp_path: Path) -> None:
    db = broken_db(tmp_path)
    data, journal = db.read_bytes(), db.with_name("weigh.json.journal").read_bytes()
    with pytest.raises(CorruptDatabase):
        Store.open(db)
    moved = set_aside(db)
    assert moved == tmp_path / "weigh.json.broken-20260102T030405Z"
    assert moved.read_bytes() == data
    assert moved.with_name(moved.name + ".journal").read_bytes() == journal
    assert not db.exists() and not db.with_name("weigh.json.journal").exists()
    with Store.open(db) as store:
        assert store.created
        store.put_case(base_case())
    assert moved.read_bytes() == data  # untouched by the new database


@pytest.mark.usefixtures("frozen")
def test_set_aside_never_overwrites_an_earlier_broken_copy(tmp_path: Path) -> None:
    db = broken_db(tmp_path)
    first = set_aside(db)
    db.write_bytes(b"second broken file")
    second = set_aside(db)
    assert second == tmp_path / "weigh.json.broken-20260102T030405Z-1"
    assert first.read_bytes().startswith(b'{"_meta"')
    assert second.read_bytes() == b"second broken file"
    assert not second.with_name(second.name + ".journal").exists()


def test_set_aside_a_directory_at_the_path(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    db.mkdir()
    (db / "inside.txt").write_text("keep me")
    with pytest.raises(StoreError, match="is a directory; weigh sets aside only its own"):
        set_aside(db)  # `weigh --db FOLDER` then S: the folder is never renamed
    assert (db / "inside.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weigh.json"]


def test_set_aside_refuses_a_database_in_use(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
        with pytest.raises(DatabaseLocked, match=r"open in this weigh itself \(PID"):
            set_aside(db)
        assert store.case_ids() == [CASE_ID]
    assert db.exists()


def test_set_aside_with_nothing_there(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"nothing|no database"):
        set_aside(tmp_path / "weigh.json")
    assert list(tmp_path.iterdir()) == []


def test_set_aside_only_a_journal(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    db.with_name("weigh.json.journal").write_bytes(b"orphan")
    with pytest.raises(CorruptDatabase, match="journal exists"):
        Store.open(db)
    moved = set_aside(db)
    assert moved.with_name(moved.name + ".journal").read_bytes() == b"orphan"
    with Store.open(db) as store:
        assert store.created
