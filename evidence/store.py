"""The evidence locker: many cases in one TinyDB file, edited through a journal.

Shape (see ../shared/notes/durable-store.md):
- ``<db>``: a TinyDB JSON database (tables ``_meta``, ``cases``, ``history``),
  only ever replaced whole and atomically (temp file, fsync, rename, dir fsync).
- ``<db>.journal``: one checksummed line per edit, fsynced before the edit is
  acknowledged; replayed on open, folded into ``<db>`` by compaction.
- ``<db>.lock``: held while a writer has the database open; holds its PID.

State lives in memory as frozen pydantic models, so a rating edit costs one
journal append, never a rewrite of the file.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import threading
import time
from datetime import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evidence.errors import (
    Conflict,
    CorruptDatabase,
    NotFound,
    ReadOnlyStore,
    StoreError,
    WeighError,
)
from evidence.fsio import atomic_write, fsync_dir, remove_stale_temps, write_all
from evidence.journal import JournalWriter, read_journal
from evidence.lock import WriterLock, owner_pid
from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis, Indicator, Rating, utcnow

SCHEMA = 1
COMPACT_RECORDS = 20_000
COMPACT_BYTES = 32 * 1024 * 1024
MAX_DB_BYTES = 2 * 1024**3
READ_ATTEMPTS = 50

# Upgrades of the raw file: MIGRATIONS[n] turns a schema-n document into schema
# n+1 (it may mutate and return its argument). They run before validation, in
# memory; a writer then keeps a copy of the old file and saves the result only
# by an atomic compaction. Schema 1 is the first weigh wrote, so none exist yet.
Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}


class Meta(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    format: Literal["weigh"]
    schema_: int = Field(alias="schema", ge=0)
    seq: int = Field(ge=0)


class DbFile(BaseModel):
    """The whole database file, validated in one pass (parsed in Rust: fast opens)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    meta: dict[str, Meta] = Field(alias="_meta")
    cases: dict[str, Case] = Field(default_factory=dict)
    history: dict[str, dict[str, Any]] = Field(default_factory=dict)


# What a case-details edit may change (id and timestamps are the store's).
_INFO_FIELDS = {"title", "question", "description", "conclusion"}


class CaseSummary(BaseModel):
    """A line of `weigh cases` and the case switcher."""

    id: str
    title: str
    hypotheses: int
    evidence: int
    updated: str


@dataclass
class _CaseState:
    info: CaseInfo
    hypotheses: list[Hypothesis]
    evidence: list[Evidence]
    index: dict[str, int]
    indicators: list[Indicator] = dataclass_field(default_factory=list)

    @classmethod
    def of(cls, case: Case) -> _CaseState:
        info = CaseInfo.model_construct(**{k: getattr(case, k) for k in CaseInfo.model_fields})
        evidence = list(case.evidence)
        return cls(
            info,
            list(case.hypotheses),
            evidence,
            {e.id: i for i, e in enumerate(evidence)},
            list(case.indicators),
        )

    def case(self) -> Case:
        fields = {k: getattr(self.info, k) for k in CaseInfo.model_fields}
        return Case.model_construct(
            **fields,
            hypotheses=list(self.hypotheses),
            evidence=list(self.evidence),
            indicators=list(self.indicators),
        )

    def reindex(self, start: int = 0) -> None:
        for i in range(start, len(self.evidence)):
            self.index[self.evidence[i].id] = i
        # every item is indexed now, so equal sizes mean no stale key: skip the O(n) scan
        if len(self.index) != len(self.evidence):
            for eid in [k for k, i in self.index.items() if i >= len(self.evidence)]:
                del self.index[eid]

    def hyp_pos(self, hid: str) -> int:
        for i, h in enumerate(self.hypotheses):
            if h.id == hid:
                return i
        raise NotFound(f"no hypothesis {hid!r} in case {self.info.id!r}")

    def ev_pos(self, eid: str) -> int:
        try:
            return self.index[eid]
        except KeyError:
            raise NotFound(f"no evidence {eid!r} in case {self.info.id!r}") from None





def _stat_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class Store:
    """A weigh database. Open with :meth:`Store.open`; every edit is durable on return."""

    def __init__(self, path: Path, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self.journal_path = path.with_name(path.name + ".journal")
        self.lock_path = path.with_name(path.name + ".lock")
        self._lock = threading.RLock()
        self._file_lock: WriterLock | None = None
        self._journal: JournalWriter | None = None
        self._cases: dict[str, _CaseState] = {}
        self._history: list[dict[str, Any]] = []
        # (case id, evidence id) → the records that touched that item: the detail
        # pane asks on every cursor move, so it must not scan the whole trail.
        self._item_history: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._seq = 0
        self._stat: tuple[int, int, int] | None = None
        self._failed: str | None = None
        self._closed = False
        self.created = False  # True when this open made a new, empty database
        self.migrated_from: int | None = None  # the file's schema, when it was upgraded
        self.backup_path: Path | None = None  # copy of the pre-migration file
        self._original: bytes | None = None

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, create: bool = True) -> Store:
        """Open (or create) a database; for writing, take its lock first.

        A symlinked database is followed to its target, so compaction's rename
        replaces the real file (beside which the journal and lock then live)
        instead of the link.
        """
        target = Path(path).expanduser().absolute()
        if target.is_symlink():
            target = target.resolve()
        store = cls(target, readonly)
        try:
            with _gc_paused():
                store._open(create)
        except BaseException:
            store._release()
            raise
        return store

    def _open(self, create: bool) -> None:
        if not self.readonly:
            self._take_lock()
            self._check_writable()
            self._remove_stale_temp()
        if not self.path.exists():
            if self.readonly or not create:
                raise StoreError(f"{self.path}: no such database")
            if self.journal_path.exists() and self.journal_path.stat().st_size:
                raise CorruptDatabase(
                    f"{self.path}: database file is missing but its journal exists; "
                    "restore the database file or move the journal away"
                )
            self._write_snapshot()
            self.created = True
        for attempt in range(READ_ATTEMPTS):
            # A reader races the writer's compactions: the file and the journal
            # must come from one generation, so re-read if the file was replaced.
            before = self._stat_or_error()
            db = self._read_snapshot()
            journal = read_journal(self.journal_path)
            if not self.readonly or self._stat_or_error() == before:
                break
            time.sleep(0.001 * attempt)
        else:
            raise StoreError(
                f"{self.path}: the database kept changing while it was read; try again"
            )
        self._seq = next(iter(db.meta.values())).seq
        self._cases = {}
        for c in db.cases.values():
            if c.id in self._cases:
                raise CorruptDatabase(
                    f"{self.path}: damaged: case id {c.id!r} appears twice; file left untouched"
                )
            self._cases[c.id] = _CaseState.of(c)
        self._history = []
        self._item_history = {}
        for rec in db.history.values():
            self._record_history(rec)
        self._stat = before
        self._replay(journal.records)
        if not self.readonly:
            try:
                self._journal = JournalWriter(
                    self.journal_path, journal.good_bytes, len(journal.records)
                )
            except OSError as exc:
                raise StoreError(
                    f"{self.journal_path}: cannot open journal: {_os_reason(exc)}"
                ) from None
            if self.migrated_from is not None:
                self._keep_backup()
                self.compact()
            elif len(journal.records) >= COMPACT_RECORDS or journal.good_bytes >= COMPACT_BYTES:
                self.compact()

    def _stat_or_error(self) -> tuple[int, int, int]:
        try:
            return _stat_key(self.path)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read: {_os_reason(exc)}") from None

    def _take_lock(self) -> None:
        self._file_lock = WriterLock.acquire(self.path)

    def _lock_owner(self) -> int | None:
        return owner_pid(self.path)

    def _check_writable(self) -> None:
        """Refuse to open for writing what cannot be saved, before any edit is taken."""
        parent = self.path.parent
        if not os.access(parent, os.W_OK | os.X_OK):
            raise ReadOnlyStore(
                f"{self.path}: the folder {parent} is not writable, so edits could not be "
                "saved; open the database read-only or make the folder writable"
            )
        try:
            st = self.path.stat()
        except OSError:
            return
        if stat.S_ISREG(st.st_mode) and (
            not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
            or not os.access(self.path, os.W_OK)
        ):
            raise ReadOnlyStore(
                f"{self.path}: the database file is read-only; open it read-only "
                "or make it writable (chmod u+w)"
            )

    def _remove_stale_temp(self) -> None:
        """A compaction killed midway leaves its temp file; only the writer makes one."""
        remove_stale_temps(self.path)

    def _read_snapshot(self) -> DbFile:
        try:
            size = self.path.stat().st_size
            if size > MAX_DB_BYTES:
                raise CorruptDatabase(f"{self.path}: {size} bytes is larger than weigh opens")
            data = self.path.read_bytes()
        except IsADirectoryError:
            raise CorruptDatabase(f"{self.path}: is a directory, not a database file") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read: {_os_reason(exc)}") from None
        try:
            db: DbFile | None = DbFile.model_validate_json(data)
            error: ValidationError | None = None
        except ValidationError as exc:
            db, error = None, exc
        if db is not None:
            schema = self._schema_of(db)
            if schema == SCHEMA:
                return db
            if schema > SCHEMA:
                raise CorruptDatabase(f"{self.path}: {_newer(schema)}; file left untouched")
        return self._migrate(data, error)

    def _schema_of(self, db: DbFile) -> int:
        if len(db.meta) != 1:
            raise CorruptDatabase(
                f"{self.path}: damaged: _meta holds {len(db.meta)} records, not 1; "
                "file left untouched"
            )
        return next(iter(db.meta.values())).schema_

    def _migrate(self, data: bytes, error: ValidationError | None) -> DbFile:
        """Upgrade an older schema in memory, or explain why the file cannot be read."""
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            doc = None
        schema = _raw_schema(doc)
        if schema is None or schema >= SCHEMA:
            assert error is not None
            raise CorruptDatabase(f"{self.path}: {self._diagnose(data, error)}; file left untouched")
        missing = [n for n in range(schema, SCHEMA) if n not in MIGRATIONS]
        if missing:
            raise CorruptDatabase(
                f"{self.path}: written by an older weigh (schema {schema}) that this version "
                "cannot upgrade; file left untouched"
            )
        assert isinstance(doc, dict)
        try:
            for n in range(schema, SCHEMA):
                doc = MIGRATIONS[n](doc)
                next(iter(doc["_meta"].values()))["schema"] = n + 1
            db = DbFile.model_validate_json(json.dumps(doc))
        except ValidationError as exc:
            raise CorruptDatabase(
                f"{self.path}: cannot upgrade from schema {schema}: {_describe_db(exc, doc)}; "
                "file left untouched"
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as exc:
            raise CorruptDatabase(
                f"{self.path}: cannot upgrade from schema {schema}: {exc!r}; file left untouched"
            ) from None
        self._schema_of(db)
        self.migrated_from = schema
        self._original = data
        return db

    def _keep_backup(self) -> None:
        """Copy the pre-migration file aside (never over anything) before replacing it."""
        assert self._original is not None and self.migrated_from is not None
        base = f"{self.path.name}.schema-{self.migrated_from}.bak"
        for n in range(1000):
            target = self.path.with_name(base if n == 0 else f"{base}-{n}")
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            except OSError as exc:
                raise StoreError(
                    f"{target}: cannot keep a backup before upgrading: {_os_reason(exc)}"
                ) from None
            try:
                try:
                    write_all(fd, self._original)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                fsync_dir(self.path.parent)
            except OSError as exc:
                raise StoreError(
                    f"{target}: cannot keep a backup before upgrading: {_os_reason(exc)}"
                ) from None
            self.backup_path = target
            self._original = None
            return
        raise StoreError(f"{self.path}: too many backup copies already; move some away")

    def _diagnose(self, data: bytes, exc: ValidationError) -> str:
        """Why a file failed to load, in a user's words (the slow path, errors only)."""
        if not data.strip():
            return "file is empty (not a weigh database)"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            return f"not UTF-8 text (bad byte at offset {err.start}); not a weigh database"
        try:
            doc = json.loads(text)
        except RecursionError:
            return "JSON nested too deeply; not a weigh database"
        except json.JSONDecodeError as err:
            what = "trailing data after the JSON" if err.msg == "Extra data" else err.msg
            return (
                f"not valid JSON, truncated or damaged ({what} at line {err.lineno}, "
                f"column {err.colno})"
            )
        except ValueError:  # json's guard against integers of more than 4,300 digits
            return "damaged: a number in it has more than 4,300 digits (not a weigh database)"
        if isinstance(doc, list):
            return "not a weigh database (a JSON list, not an object with a _meta table)"
        if not isinstance(doc, dict) or "_meta" not in doc:
            return "not a weigh database (no _meta table: a foreign JSON or TinyDB file)"
        meta = doc["_meta"]
        first = next(iter(meta.values()), None) if isinstance(meta, dict) else None
        if not isinstance(first, dict) or first.get("format") != "weigh":
            return "not a weigh database (_meta does not name the weigh format)"
        schema = first.get("schema")
        if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
            return _newer(schema)
        return f"damaged: {_describe_db(exc, doc)}"

    # ---------------------------------------------------------------- closing

    def close(self) -> None:
        """Fold the journal into the file and let go of the lock."""
        with self._lock:
            if self._closed:
                return
            try:
                if self._journal is not None and self._journal.size and self._failed is None:
                    self.compact()
            finally:
                self._release()

    def _release(self) -> None:
        self._closed = True
        try:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
        finally:
            if self._file_lock is not None:
                self._file_lock.release()
                self._file_lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reads

    def case_ids(self) -> list[str]:
        with self._lock:
            return list(self._cases)

    def has_case(self, case_id: str) -> bool:
        with self._lock:
            return case_id in self._cases

    def summaries(self) -> list[CaseSummary]:
        with self._lock:
            return [
                CaseSummary(
                    id=st.info.id,
                    title=st.info.title,
                    hypotheses=len(st.hypotheses),
                    evidence=len(st.evidence),
                    updated=st.info.updated.isoformat(),
                )
                for st in self._cases.values()
            ]

    def case(self, case_id: str) -> Case:
        """The case as it stands (frozen models, shared, never copied deeply)."""
        with self._lock:
            return self._state(case_id).case()

    def evidence(self, case_id: str, eid: str) -> Evidence:
        with self._lock:
            st = self._state(case_id)
            return st.evidence[st.ev_pos(eid)]

    def history(self, case_id: str | None = None) -> list[dict[str, Any]]:
        """Every change, oldest first: the audit trail (folded and journalled)."""
        with self._lock:
            return [r for r in self._history if case_id is None or r.get("case") == case_id]

    def item_history(self, case_id: str, eid: str) -> list[dict[str, Any]]:
        """The changes that touched one evidence item, oldest first (indexed, not scanned)."""
        with self._lock:
            return list(self._item_history.get((case_id, eid), ()))

    @property
    def pending(self) -> int:
        """Edits in the journal not yet folded into the database file."""
        return self._journal.records if self._journal else 0

    # ----------------------------------------------------------------- writes

    def put_case(self, case: Case, *, replace: bool = False) -> None:
        """Add a whole case (import, new case); an existing id needs ``replace``."""
        with self._lock:
            if case.id in self._cases and not replace:
                raise Conflict(f"case {case.id!r} already exists (use --replace to overwrite it)")
            self._commit({"op": "case.put", "case": case.id, "doc": case.model_dump(mode="json")})

    def update_case_info(self, info: CaseInfo) -> None:
        with self._lock:
            old = self._state(info.id).info
            self._commit(
                {
                    "op": "case.info",
                    "case": info.id,
                    "new": info.model_dump(mode="json", include=_INFO_FIELDS),
                    "old": old.model_dump(mode="json", include=_INFO_FIELDS),
                }
            )

    def delete_case(self, case_id: str) -> Case:
        with self._lock:
            case = self._state(case_id).case()
            self._commit({"op": "case.delete", "case": case_id})
            return case

    def add_hypothesis(self, case_id: str, hyp: Hypothesis, position: int | None = None) -> None:
        with self._lock:
            st = self._state(case_id)
            if any(h.id == hyp.id for h in st.hypotheses):
                raise Conflict(f"hypothesis {hyp.id!r} already exists in case {case_id!r}")
            pos = len(st.hypotheses) if position is None else max(0, min(position, len(st.hypotheses)))
            self._commit(
                {"op": "hyp.add", "case": case_id, "id": hyp.id, "pos": pos,
                 "doc": hyp.model_dump(mode="json")}
            )

    def update_hypothesis(self, case_id: str, hyp: Hypothesis) -> None:
        with self._lock:
            st = self._state(case_id)
            old = st.hypotheses[st.hyp_pos(hyp.id)]
            self._commit(
                {"op": "hyp.update", "case": case_id, "id": hyp.id,
                 "doc": hyp.model_dump(mode="json"), "old": old.model_dump(mode="json")}
            )

    def delete_hypothesis(self, case_id: str, hid: str) -> HypothesisRemoval:
        """Remove a column with its ratings and notes; the return value undoes it."""
        with self._lock:
            st = self._state(case_id)
            pos = st.hyp_pos(hid)
            removal = HypothesisRemoval(
                hypothesis=st.hypotheses[pos],
                position=pos,
                ratings={e.id: e.ratings[hid] for e in st.evidence if hid in e.ratings},
                notes={e.id: e.notes[hid] for e in st.evidence if hid in e.notes},
            )
            self._commit(
                {"op": "hyp.delete", "case": case_id, "id": hid, **removal.record()}
            )
            return removal

    def restore_hypothesis(self, case_id: str, removal: HypothesisRemoval) -> None:
        with self._lock:
            st = self._state(case_id)
            if any(h.id == removal.hypothesis.id for h in st.hypotheses):
                raise Conflict(f"hypothesis {removal.hypothesis.id!r} already exists")
            # Cells of items deleted since the hypothesis was removed went with them.
            kept = HypothesisRemoval(
                hypothesis=removal.hypothesis,
                position=min(removal.position, len(st.hypotheses)),
                ratings={e: r for e, r in removal.ratings.items() if e in st.index},
                notes={e: n for e, n in removal.notes.items() if e in st.index},
            )
            self._commit(
                {"op": "hyp.restore", "case": case_id, "id": kept.hypothesis.id, **kept.record()}
            )

    def add_evidence(self, case_id: str, ev: Evidence, position: int | None = None) -> None:
        with self._lock:
            st = self._state(case_id)
            if ev.id in st.index:
                raise Conflict(f"evidence {ev.id!r} already exists in case {case_id!r}")
            self._check_columns(st, ev)
            pos = len(st.evidence) if position is None else max(0, min(position, len(st.evidence)))
            self._commit(
                {"op": "ev.add", "case": case_id, "id": ev.id, "pos": pos,
                 "doc": ev.model_dump(mode="json")}
            )

    def update_evidence(self, case_id: str, ev: Evidence) -> None:
        with self._lock:
            st = self._state(case_id)
            old = st.evidence[st.ev_pos(ev.id)]
            self._check_columns(st, ev)
            self._commit(
                {"op": "ev.update", "case": case_id, "id": ev.id,
                 "doc": ev.model_dump(mode="json"), "old": old.model_dump(mode="json")}
            )

    def delete_evidence(self, case_id: str, eid: str) -> tuple[Evidence, int]:
        """Remove an item; returns it and its position so the caller can undo."""
        with self._lock:
            st = self._state(case_id)
            pos = st.ev_pos(eid)
            old = st.evidence[pos]
            self._commit(
                {"op": "ev.delete", "case": case_id, "id": eid, "pos": pos,
                 "old": old.model_dump(mode="json")}
            )
            return old, pos

    def set_rating(self, case_id: str, eid: str, hid: str, code: Rating | None) -> None:
        """Set one cell (None clears it): one small journal record."""
        with self._lock:
            st = self._state(case_id)
            ev = st.evidence[st.ev_pos(eid)]
            st.hyp_pos(hid)
            if code is not None and code not in ("CC", "C", "N", "I", "II", "NA"):
                raise ValueError(f"rating: {code!r} is not one of CC, C, N, I, II, NA")
            old = ev.ratings.get(hid)
            if old == code:
                return
            self._commit(
                {"op": "rate", "case": case_id, "id": eid, "hyp": hid, "new": code, "old": old}
            )

    def set_excluded(self, case_id: str, eid: str, excluded: bool) -> None:
        with self._lock:
            st = self._state(case_id)
            ev = st.evidence[st.ev_pos(eid)]
            if ev.excluded == excluded:
                return
            self._commit(
                {"op": "exclude", "case": case_id, "id": eid, "new": excluded, "old": ev.excluded}
            )

    # ------------------------------------------------------- journal & apply

    def _state(self, case_id: str) -> _CaseState:
        try:
            return self._cases[case_id]
        except KeyError:
            raise NotFound(f"no case {case_id!r} in {self.path}") from None

    @staticmethod
    def _check_columns(st: _CaseState, ev: Evidence) -> None:
        hids = {h.id for h in st.hypotheses}
        for field in ("ratings", "notes"):
            for hid in getattr(ev, field):
                if hid not in hids:
                    raise Conflict(f"evidence {ev.id}: {field}: unknown hypothesis id {hid!r}")

    def _commit(self, record: dict[str, Any]) -> None:
        """Journal the edit durably, then apply it; on failure nothing changes."""
        self._check_editable()
        assert self._journal is not None
        if self._journal.records >= COMPACT_RECORDS or self._journal.size >= COMPACT_BYTES:
            # Before the append, so a failed compaction fails this edit unacknowledged.
            self.compact()
        record = {"seq": self._seq + 1, "ts": utcnow().isoformat(), **record}
        start = self._journal.size
        try:
            self._journal.append(record)
        except OSError as exc:
            self._failed = _os_reason(exc)
            raise StoreError(
                f"{self.journal_path}: edit NOT saved: {self._failed}; edits are off until weigh "
                "is reopened"
            ) from None
        try:
            self._apply(record)
        except BaseException:
            # A record the state rejects would make every later open fail: take it back.
            try:
                self._journal.truncate(start)
            except OSError as exc:
                self._failed = _os_reason(exc)
            raise
        self._seq = record["seq"]

    def _check_editable(self) -> None:
        if self._closed:
            raise ReadOnlyStore(f"{self.path}: the database is closed")
        if self.readonly:
            raise ReadOnlyStore(f"{self.path}: opened read-only")
        if self._failed is not None:
            raise ReadOnlyStore(
                f"{self.path}: edits are off after an earlier write error ({self._failed}); "
                "reopen weigh once the disk is fixed"
            )

    def _replay(self, records: list[dict[str, Any]]) -> None:
        expected = self._seq + 1
        for record in records:
            seq = record["seq"]
            if seq <= self._seq:
                continue  # already folded into the file by a compaction
            if seq != expected:
                raise CorruptDatabase(
                    f"{self.journal_path}: journal record {seq} follows {expected - 1}: "
                    "records are missing; files left untouched"
                )
            try:
                self._apply(record)
            except (KeyError, IndexError, ValueError, TypeError, AttributeError, WeighError) as exc:
                raise CorruptDatabase(
                    f"{self.journal_path}: journal record {seq} ({record.get('op')}) "
                    f"does not fit the database: {exc}; files left untouched"
                ) from None
            self._seq = seq
            expected = seq + 1

    def _apply(self, rec: dict[str, Any]) -> None:
        op = rec["op"]
        APPLY[op](self, rec)
        if op != "case.delete":
            st = self._cases[rec["case"]]
            st.info = st.info.model_copy(update={"updated": _ts(rec)})
        self._record_history(_history_entry(rec))

    def _record_history(self, rec: dict[str, Any]) -> None:
        self._history.append(rec)
        for eid in touched_items(rec):
            self._item_history.setdefault((rec.get("case"), eid), []).append(rec)

    # ---------------------------------------------------------------- compact

    def compact(self) -> None:
        """Write all state to a new file atomically, then empty the journal.

        Any failure turns edits off (never retried: a failed fsync may have lost
        pages silently); the journal still holds every acknowledged edit.
        """
        with self._lock:
            if self.readonly or self._journal is None:
                raise ReadOnlyStore(f"{self.path}: opened read-only")
            self._check_editable()
            try:
                current = _stat_key(self.path)
            except OSError as exc:
                self._failed = _os_reason(exc)
                raise StoreError(
                    f"{self.path}: cannot check the database: {self._failed}; "
                    "your edits are safe in the journal"
                ) from None
            if current != self._stat:
                self._failed = "the file was changed by another program"
                raise StoreError(
                    f"{self.path}: changed by another program since weigh opened it; "
                    "not overwriting it (your edits are safe in the journal; reopen weigh)"
                )
            try:
                self._write_snapshot()
                self._stat = _stat_key(self.path)
            except (StoreError, OSError) as exc:
                self._failed = str(exc) if isinstance(exc, StoreError) else _os_reason(exc)
                raise StoreError(f"{exc}; your edits are safe in the journal") from None
            try:
                self._journal.reset()
            except OSError as exc:
                # The file already holds every record (seq makes replay skip them).
                self._failed = _os_reason(exc)
                raise StoreError(
                    f"{self.journal_path}: cannot reset journal: {self._failed}"
                ) from None

    def _snapshot_bytes(self) -> bytes:
        db = DbFile.model_construct(
            meta={"1": Meta(format="weigh", schema=SCHEMA, seq=self._seq)},
            cases={str(i): st.case() for i, st in enumerate(self._cases.values(), 1)},
            history={str(i): r for i, r in enumerate(self._history, 1)},
        )
        return db.model_dump_json(by_alias=True).encode("utf-8")

    def _write_snapshot(self) -> None:
        try:
            atomic_write(self.path, self._snapshot_bytes())
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write the database: {_os_reason(exc)}") from None


def _describe_db(exc: ValidationError, doc: dict[str, Any], limit: int = 3) -> str:
    """Like ``describe``, but a problem inside a case names the case and item by id."""
    parts: list[str] = []
    errors = exc.errors(include_url=False)
    for err in errors[:limit]:
        loc = err["loc"]
        cases = doc.get("cases")
        if len(loc) >= 2 and loc[0] == "cases" and isinstance(cases, dict):
            case_doc = cases.get(str(loc[1]))
            cid = case_doc.get("id") if isinstance(case_doc, dict) else None
            label = f"case {str(cid)[:64]!r}" if isinstance(cid, str) else f"cases.{loc[1]}"
            rest = list(loc[2:])
            if len(rest) >= 2 and rest[0] in ("evidence", "hypotheses") and isinstance(rest[1], int):
                items = case_doc.get(rest[0]) if isinstance(case_doc, dict) else None
                kind = "evidence" if rest[0] == "evidence" else "hypothesis"
                item = items[rest[1]] if isinstance(items, list) and rest[1] < len(items) else None
                iid = item.get("id") if isinstance(item, dict) else None
                label += f": {kind} {iid[:40]}" if isinstance(iid, str) else f": {kind} #{rest[1] + 1}"
                rest = rest[2:]
            where = ": ".join(p for p in (label, ".".join(str(r) for r in rest)) if p)
        else:
            where = ".".join(str(r) for r in loc)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        parts.append(f"{where}: {msg}" if where else msg)
    if len(errors) > limit:
        more = len(errors) - limit
        parts.append(f"and {more} more problem{'s' if more > 1 else ''}")
    return "; ".join(parts)


def _newer(schema: int) -> str:
    return f"written by a newer weigh (schema {schema}; this version reads {SCHEMA})"


def _raw_schema(doc: Any) -> int | None:
    """The schema number a parsed file claims, if it looks like a weigh database."""
    if not isinstance(doc, dict) or not isinstance(doc.get("_meta"), dict):
        return None
    metas = list(doc["_meta"].values())
    if len(metas) != 1 or not isinstance(metas[0], dict) or metas[0].get("format") != "weigh":
        return None
    schema = metas[0].get("schema")
    return schema if isinstance(schema, int) and not isinstance(schema, bool) else None


@dataclass(frozen=True)
class HypothesisRemoval:
    """A deleted hypothesis with the cells it took along: enough to put it back."""

    hypothesis: Hypothesis
    position: int
    ratings: dict[str, str]
    notes: dict[str, str]

    def record(self) -> dict[str, Any]:
        return {
            "pos": self.position,
            "doc": self.hypothesis.model_dump(mode="json"),
            "ratings": self.ratings,
            "notes": self.notes,
        }


def _ts(rec: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(rec["ts"])


def touched_items(rec: dict[str, Any]) -> list[str]:
    """The evidence items a change record touched (fields, ratings or notes)."""
    op = str(rec.get("op", ""))
    if op in ("rate", "exclude") or op.startswith("ev."):
        return [rec["id"]] if isinstance(rec.get("id"), str) else []
    if op in ("hyp.delete", "hyp.restore"):
        return list(dict.fromkeys([*(rec.get("ratings") or {}), *(rec.get("notes") or {})]))
    return []


def _history_entry(rec: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail keeps: whole imported cases would bloat it, so not those."""
    if rec["op"] == "case.put":
        doc = rec["doc"]
        return {k: v for k, v in rec.items() if k != "doc"} | {
            "title": doc.get("title"),
            "hypotheses": len(doc.get("hypotheses", [])),
            "evidence": len(doc.get("evidence", [])),
        }
    return rec


# ------------------------------------------------------------------ appliers


def _case_put(store: Store, rec: dict[str, Any]) -> None:
    store._cases[rec["case"]] = _CaseState.of(Case.model_validate(rec["doc"], strict=False))


def _case_info(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    st.info = CaseInfo.model_validate({**st.info.model_dump(mode="json"), **rec["new"]}, strict=False)


def _case_delete(store: Store, rec: dict[str, Any]) -> None:
    del store._cases[rec["case"]]


def _hyp_add(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    st.hypotheses.insert(rec["pos"], Hypothesis.model_validate(rec["doc"]))


def _hyp_update(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    st.hypotheses[st.hyp_pos(rec["id"])] = Hypothesis.model_validate(rec["doc"])


def _hyp_delete(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    hid = rec["id"]
    del st.hypotheses[st.hyp_pos(hid)]
    for i, ev in enumerate(st.evidence):
        if hid in ev.ratings or hid in ev.notes:
            st.evidence[i] = ev.model_copy(
                update={
                    "ratings": {k: v for k, v in ev.ratings.items() if k != hid},
                    "notes": {k: v for k, v in ev.notes.items() if k != hid},
                }
            )
    # indicators may rate only hypotheses the case has
    for i, ind in enumerate(st.indicators):
        if hid in ind.ratings:
            st.indicators[i] = ind.model_copy(
                update={"ratings": {k: v for k, v in ind.ratings.items() if k != hid}}
            )


def _hyp_restore(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    hid = rec["id"]
    st.hypotheses.insert(rec["pos"], Hypothesis.model_validate(rec["doc"]))
    for field in ("ratings", "notes"):
        for eid, value in rec[field].items():
            i = st.ev_pos(eid)
            ev = st.evidence[i]
            st.evidence[i] = ev.model_copy(update={field: {**getattr(ev, field), hid: value}})


def _ev_add(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    pos = rec["pos"]
    st.evidence.insert(pos, Evidence.model_validate(rec["doc"]))
    st.reindex(pos)


def _ev_update(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    st.evidence[st.ev_pos(rec["id"])] = Evidence.model_validate(rec["doc"])


def _ev_delete(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    pos = st.ev_pos(rec["id"])
    del st.evidence[pos]
    del st.index[rec["id"]]
    st.reindex(pos)
    # an indicator observed as this item no longer points at it
    for i, ind in enumerate(st.indicators):
        if ind.evidence_id == rec["id"]:
            st.indicators[i] = ind.model_copy(update={"evidence_id": None})


def _rate(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    i = st.ev_pos(rec["id"])
    ev = st.evidence[i]
    ratings = dict(ev.ratings)
    if rec["new"] is None:
        ratings.pop(rec["hyp"], None)
    else:
        if rec["new"] not in ("CC", "C", "N", "I", "II", "NA"):
            raise TypeError(f"bad rating {rec['new']!r}")
        ratings[rec["hyp"]] = rec["new"]
    st.evidence[i] = ev.model_copy(update={"ratings": ratings})


def _exclude(store: Store, rec: dict[str, Any]) -> None:
    st = store._cases[rec["case"]]
    i = st.ev_pos(rec["id"])
    st.evidence[i] = st.evidence[i].model_copy(update={"excluded": bool(rec["new"])})


APPLY: dict[str, Callable[[Store, dict[str, Any]], None]] = {
    "case.put": _case_put,
    "case.info": _case_info,
    "case.delete": _case_delete,
    "hyp.add": _hyp_add,
    "hyp.update": _hyp_update,
    "hyp.delete": _hyp_delete,
    "hyp.restore": _hyp_restore,
    "ev.add": _ev_add,
    "ev.update": _ev_update,
    "ev.delete": _ev_delete,
    "rate": _rate,
    "exclude": _exclude,
}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a database loads.

    Loading builds a few dozen objects per evidence item, and the collector
    would rescan all of them again and again as they pile up (about half of
    the open time at 10,000 items). Reference counting still frees memory
    meanwhile; collection resumes as before once the load is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def opened(path: str | Path, *, readonly: bool = False) -> Iterator[Store]:
    store = Store.open(path, readonly=readonly)
    try:
        yield store
    finally:
        store.close()
