"""The evidence locker: many cases in one TinyDB database, edited through a journal.

Three files (evidence/README.md tells the whole story):

- ``<db>``: a TinyDB database (tables ``_meta``, ``cases``, ``history``), read
  and written only through ``tinydb.TinyDB`` with ``WeighStorage``
  (``evidence.database``), which replaces it whole and atomically.
- ``<db>.journal``: one checksummed typed record (``evidence.operations``)
  per edit, fsynced before the edit is acknowledged; replayed on open,
  folded into ``<db>`` by compaction (TinyDB rewrites the whole file on
  every write, so it cannot take one edit per key press itself).
- ``<db>.lock``: held while a writer has the database open.

State lives in memory as frozen pydantic models (one ``CaseState`` per case),
so a rating costs one journal append, never a rewrite of the file. Before and
after every append the store checks that the lock, journal and database are
still the files it opened: a second writer (a deleted lock, a hard link) is
refused instead of having its edits, or ours, silently lost.

The edit methods (what each checks, which record it commits) are in
``evidence.edits``; the audit trail in memory is ``evidence.trail``. evidence/README.md
shows how the parts fit.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, Self, TypeVar

from pydantic import ValidationError

from evidence.analyst import NoAnalyst, current_analyst
from evidence.case_state import CaseState, SyncBase
from evidence.database import (
    CASES,
    HISTORY,
    MAX_DB_BYTES,
    META,
    SYNCED,
    keep_backup,
    meta_document,
    open_db,
    weigh_storage,
)
from evidence.db_files import DbFiles, FileIdentity, identity
from evidence.edits import CaseEdits
from evidence.errors import (
    CorruptDatabase,
    DatabaseLocked,
    NotAFile,
    NotFound,
    ReadOnlyStore,
    StoreError,
    WeighError,
)
from evidence.fsio import remove_stale_temps
from evidence.journal import JournalWriter, read_journal
from evidence.lock import WriterLock
from evidence.record_pieces import record_json
from evidence.trail import Trail
from hypotheses import gc_policy
from hypotheses.models import (
    Case,
    Evidence,
    utcnow,
)

if TYPE_CHECKING:  # the records' classes load with the first record typed (see _replay)
    from evidence.operations import Operation, Record

R = TypeVar("R", bound="Record")
COMPACT_RECORDS = 20_000
COMPACT_BYTES = 32 * 1024 * 1024
READ_ATTEMPTS = 50


class CaseSummary(NamedTuple):
    """A line of `weigh cases` and the case switcher (a NamedTuple: no validator to build
    before the workbench's first frame, which lists no case)."""

    id: str
    title: str
    hypotheses: int
    evidence: int
    updated: str


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class Store(CaseEdits):
    """A weigh database. Open with :meth:`Store.open`; every edit is durable on return."""

    def __init__(self, path: Path, readonly: bool, analyst: str | None = None) -> None:
        self.files = DbFiles.at(path)
        self.path = self.files.db
        self._analyst = analyst
        self.readonly = readonly
        self.journal_path = self.files.journal
        self.lock_path = self.files.lock
        self._lock = threading.RLock()
        # One thread types the trail at a time: a second read waits for the first's records
        # rather than typing them all again. Taken only without ``_lock`` held (the typing
        # thread takes ``_lock`` to hand its records over).
        self._typist = threading.RLock()
        self._file_lock: WriterLock | None = None
        self._journal: JournalWriter | None = None
        self._cases: dict[str, CaseState] = {}
        self._deleted_bases: dict[tuple[str, datetime], SyncBase | None] = {}
        # The audit trail: the file's history table, unparsed until someone reads
        # it (a long trail must not slow opening), then the records since, as JSON
        # documents; typed records are made from both only when asked for.
        self._trail = Trail()
        self._seq = 0
        self._db_ident: FileIdentity | None = None
        self._failed: str | None = None  # a write error: edits off until reopened
        self._refused: str | None = None  # a second writer seen: edits off until reopened
        self._closed = False
        self.created = False  # True when this open made a new, empty database
        self.migrated_from: int | None = None  # the file's schema, when it was upgraded
        self.backup_path: Path | None = None  # copy of the pre-migration file
        self.readonly_reason: str | None = None  # why a read-only store is read-only, for the user

    # ----------------------------------------------------------------- opening

    @property
    def analyst(self) -> str:
        """Who this store's edits are by (``evidence.analyst``): asked for at the first edit,
        so a read-only open never needs one."""
        if self._analyst is None:
            self._analyst = current_analyst()
        return self._analyst

    def _author(self, case_id: str) -> str | None:
        """Who an edit is by. Without a login name to go by, an edit of a one-analyst case
        names no one (as before teams) rather than fail; a team case's needs its analyst."""
        try:
            return self.analyst
        except NoAnalyst:
            if case_id in self._cases and self._cases[case_id].info.analysts:
                raise
            return None

    @classmethod
    def open(
        cls, path: str | Path, *, readonly: bool = False, create: bool = True, analyst: str | None = None
    ) -> Store:
        """Open (or create) a database; for writing, take its lock first. ``analyst``: who
        the edits are by (default: ``evidence.analyst.current_analyst()``).

        A symlinked database is followed to its target, so compaction's rename
        replaces the real file (beside which the journal and lock then live)
        instead of the link.
        """
        store = cls(Path(path), readonly, analyst)
        try:
            with gc_policy.paused():  # loading builds a few dozen objects per item
                store._open(create)
        except BaseException:
            store._release()
            raise
        return store

    def _open(self, create: bool) -> None:
        if (self.readonly or not create) and not os.path.lexists(self.path):
            raise StoreError(self._missing())  # before the lock: nothing is created
        kind = self.files.kind_problem()
        if kind is not None:
            raise NotAFile(kind)  # a folder or FIFO: no lock beside it, nothing to set aside
        if not self.readonly:
            try:
                self._file_lock = WriterLock.acquire(self.path)
            except DatabaseLocked:
                raise
            except StoreError:
                self._check_writable()  # a read-only folder or disk is said so, not as an errno
                raise
            self._check_writable()
            remove_stale_temps(self.path)
        if not self.path.exists():
            if self.readonly or not create:
                raise StoreError(self._missing())
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
            with open_db(self.path) as db:
                meta = db.table(META).all()
                cases = db.table(CASES).all()
                synced = db.table(SYNCED).all()
                storage = weigh_storage(db)
                trail = storage.history()  # TinyDB's history table, its bytes kept unparsed
                assert len(db.table(HISTORY)) == len(trail)
                before, migrated_from, original = storage.identity, storage.migrated_from, storage.original
            journal = read_journal(self.journal_path)
            if not self.readonly or self._identity() == before:
                break
            time.sleep(0.001 * attempt)
        else:
            raise StoreError(f"{self.path}: the database kept changing while it was read; try again")
        self._seq = meta[0]["seq"]
        self._cases = self._states(cases, synced)
        self._trail = Trail(trail)
        self._db_ident = before
        self._replay(journal.records)
        self.migrated_from = migrated_from
        if self.readonly:
            return
        self._check_single_name()
        try:
            self._journal = JournalWriter(self.journal_path, journal.good_bytes, len(journal.records))
        except OSError as exc:
            raise StoreError(f"{self.journal_path}: cannot open journal: {_os_reason(exc)}") from None
        if migrated_from is not None:
            assert original is not None
            self.backup_path = keep_backup(self.path, original, migrated_from)
            self.compact()
        elif len(journal.records) >= COMPACT_RECORDS or journal.good_bytes >= COMPACT_BYTES:
            self.compact()

    def _states(self, cases: list[Any], synced: list[Any]) -> dict[str, CaseState]:
        """The cases as read, each with its sync base (a base of a case no longer there is
        dropped at the next compaction)."""
        states: dict[str, CaseState] = {}
        for doc in cases:
            case = Case.model_construct(**doc)
            if case.id in states:
                raise CorruptDatabase(
                    f"{self.path}: damaged: case id {case.id!r} appears twice; file left untouched"
                )
            states[case.id] = CaseState.of(case)
        for doc in synced:
            if doc["case"] in states:
                states[doc["case"]].synced = SyncBase(file=doc["file"], text=doc["text"])
        return states

    def _missing(self) -> str:
        return (f"{self.path}: no such database (the workbench, 'weigh', or 'weigh import FILE' "
                "creates one)")

    def _identity(self) -> FileIdentity:
        try:
            return identity(self.path)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read: {_os_reason(exc)}") from None

    def _check_single_name(self) -> None:
        """A database with two names (a hard link) could get two writers, one per name."""
        links = self._db_ident.nlink if self._db_ident else 1
        if links > 1:
            raise ReadOnlyStore(
                f"{self.path}: the database file has {links} names (hard links), so another "
                "weigh could write it under another name unseen; remove the extra link (copy "
                "the file instead)"
            )

    def _check_writable(self) -> None:
        """Refuse to open for writing what cannot be saved, before any edit is taken."""
        why = self.files.editable_problem()
        if why is not None:
            raise ReadOnlyStore(why)

    # ---------------------------------------------------------------- closing

    def close(self) -> None:
        """Fold the journal into the file and let go of the lock."""
        with self._lock:
            if self._closed:
                return
            try:
                if (self._journal is not None and self._journal.size and self._failed is None
                        and self._refused is None):
                    self.compact()
            finally:
                self._release()

    def close_quietly(self) -> None:
        """Close after a failure that is being reported already (its own error is dropped)."""
        try:
            self.close()
        except WeighError:
            pass

    def close_reporting(self) -> str | None:
        """Close; if folding the journal into the file failed, say so in words (the
        acknowledged edits are safe in the journal, and the next open folds them in)."""
        try:
            self.close()
        except WeighError as exc:
            return (f"{exc}. Every acknowledged edit is in {self.journal_path.name}; weigh "
                    "folds it into the database at the next open, once the disk has room")
        return None

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

    def __enter__(self) -> Self:
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
                    id=st.info.id, title=st.info.title, hypotheses=len(st.hypotheses),
                    evidence=len(st.evidence), updated=st.info.updated.isoformat(),
                )
                for st in self._cases.values()
            ]

    def case(self, case_id: str) -> Case:
        """The case as it stands (frozen models, shared, never copied deeply)."""
        with self._lock:
            return self._state(case_id).case()

    def evidence(self, case_id: str, eid: str) -> Evidence:
        with self._lock:
            return self._state(case_id).item(eid)

    def history(self, case_id: str | None = None) -> list[Operation]:
        """Every change, oldest first: the audit trail (folded and journalled)."""
        self._type_trail()
        with self._lock:
            return [r for r in self._trail.records(str(self.path))
                    if case_id is None or r.case == case_id]

    def item_history(self, case_id: str, eid: str) -> list[Operation]:
        """The changes that touched one evidence item, oldest first (indexed, not scanned)."""
        self._type_trail()
        with self._lock:
            return self._trail.of_item(case_id, eid, str(self.path))

    def untyped_records(self) -> int:
        """How many audit-trail records the next read of the whole trail would type (the
        first :meth:`item_history` or :meth:`ids_ever` reads it all)."""
        with self._lock:
            return self._trail.untyped()

    def read_trail(self, stop: Callable[[], bool] | None = None) -> None:
        """Type the whole audit trail in the calling thread (a worker's); ``stop()`` true gives
        up, and a damaged trail says so at its next read (:meth:`_type_trail`)."""
        with suppress(WeighError):
            self._type_trail(stop)

    def _type_trail(self, stop: Callable[[], bool] | None = None) -> None:
        """Type what is left of the trail, holding the store's lock only to take it and to hand
        the records over, so reads and edits in other threads go on meanwhile (every read of
        the trail types it so). A read asked for while another thread types waits for its
        records (a worker that stops hands the typing on). A record that does not fit raises,
        naming it. Never called with ``_lock`` held."""
        with self._typist:
            with self._lock:
                trail = self._trail
                if not trail.untyped():
                    return
                pending = trail.pending()
            with gc_policy.paused_then_frozen():  # records that stay as long as the store
                typed = pending.typed(str(self.path), stop)
            if typed is not None:
                with self._lock:
                    if self._trail is trail:  # not replaced by a compaction meanwhile
                        trail.adopt(pending, typed)

    def ids_ever(self, case_id: str) -> frozenset[str]:
        """The ids the case's trail ever named (deleted items' too): never to be issued again."""
        self._type_trail()
        with self._lock:
            return self._trail.ids_of(case_id, str(self.path))

    def has_history(self) -> bool:
        """Whether anything was ever recorded (a new database has no trail yet)."""
        with self._lock:
            return bool(self._trail)

    @property
    def pending(self) -> int:
        """Edits in the journal not yet folded into the database file."""
        return self._journal.records if self._journal else 0

    # ------------------------------------------------------- journal & apply

    def _state(self, case_id: str) -> CaseState:
        try:
            return self._cases[case_id]
        except KeyError:
            raise NotFound(f"no case {case_id!r} in {self.path}") from None

    def _commit(self, kind: type[R], case_id: str, **fields: Any) -> R:
        """Journal a new record of ``kind`` by this store's analyst durably, then apply it
        (see :meth:`_put`)."""
        self._check_editable()  # before asking who the analyst is: a read-only store has none
        if "analyst" not in fields:
            fields["analyst"] = self._author(case_id)
        return self._put(kind(seq=self._seq + 1, ts=utcnow(), case=case_id, **fields))

    def revert(self, record: Record) -> Record:
        """Commit the inverse of ``record`` (undo; the inverse of an undo is its redo):
        a journalled edit like any other, refused if the case no longer fits it."""
        with self._lock:
            return self._put(record.inverse().model_copy(update={"seq": self._seq + 1, "ts": utcnow()}))

    def _put(self, record: R) -> R:
        """Journal the edit durably, then apply it; on failure nothing changes.

        The lock, journal and database must still be the files this store
        opened, before the append (else refuse) and after it (else the edit is
        not acknowledged): a second writer never gets to lose our edits.
        """
        self._check_editable()
        assert self._journal is not None
        if self._journal.records >= COMPACT_RECORDS or self._journal.size >= COMPACT_BYTES:
            # Before the append, so a failed compaction fails this edit unacknowledged.
            self.compact()
        self._check_alone()
        body = record_json(record)
        self._check_room(len(body))
        start = self._journal.size
        try:
            self._journal.append(body)
        except OSError as exc:
            self._failed = _os_reason(exc)
            raise StoreError(
                f"{self.journal_path}: edit NOT saved: {self._failed}; edits are off until weigh "
                "is reopened"
            ) from None
        why = self._file_lock.verify() if self._file_lock else None
        if why is not None:
            self._take_back(start)  # never acknowledged: must not come back at the next open
            self._refuse(why, "edit not acknowledged")
        try:
            self._apply(record)  # type: ignore[arg-type]
        except BaseException:
            # A record the state rejects would make every later open fail: take it back.
            try:
                self._journal.truncate(start)
            except OSError as exc:
                self._failed = _os_reason(exc)
            raise
        self._seq = record.seq
        return record

    def _check_room(self, size: int) -> None:
        """Refuse an edit that could make the database larger than weigh opens (the file,
        the journal and this record, counted as if all of them were folded in)."""
        assert self._journal is not None
        folded = (self._db_ident.size if self._db_ident else 0) + self._journal.size + size
        if folded > MAX_DB_BYTES:
            raise StoreError(
                f"{self.path}: this edit ({size:,} bytes) would make the database larger than "
                f"{MAX_DB_BYTES // 2**30} GiB, the most weigh opens; nothing was saved"
            )

    def _check_editable(self) -> None:
        if self._closed:
            raise ReadOnlyStore(f"{self.path}: the database is closed")
        if self.readonly:
            raise ReadOnlyStore(f"{self.path}: {self.readonly_reason or 'opened read-only'}")
        if self._refused is not None:
            raise ReadOnlyStore(
                f"{self.path}: edits are off: another weigh or program may be writing this "
                f"database ({self._refused}); close weigh and reopen it"
            )
        if self._failed is not None:
            raise ReadOnlyStore(
                f"{self.path}: edits are off after an earlier write error ({self._failed}); "
                "reopen weigh once the disk is fixed"
            )

    def _check_alone(self) -> None:
        """Refuse to write if another writer may have the database (see :meth:`_commit`)."""
        assert self._journal is not None
        why = (self._file_lock.verify() if self._file_lock else None) or self._journal.verify()
        if why is None:
            try:
                current = identity(self.path)
            except FileNotFoundError:
                current, why = None, "the file was deleted or moved away"
            except OSError as exc:
                current, why = None, f"it cannot be checked: {_os_reason(exc)}"
            if current is not None and current != self._db_ident:
                why = (f"the file now has {current.nlink} names (a hard link)"
                       if current.nlink > 1 else "the file was changed by another program")
        if why is not None:
            self._refuse(why, "edit NOT saved")

    def _db_unchanged(self) -> bool:
        try:
            return identity(self.path) == self._db_ident
        except OSError:
            return False

    def _take_back(self, start: int) -> None:
        """Cut a just-appended record off again, if the journal is still only ours."""
        assert self._journal is not None
        if self._journal.verify() is None:
            try:
                self._journal.truncate(start)
            except OSError as exc:
                self._failed = _os_reason(exc)

    def _refuse(self, why: str, outcome: str) -> NoReturn:
        """Turn edits off; the edits acknowledged so far are copied to a rescue file,
        since the journal that held them may be another program's now."""
        self._refused = why
        raise StoreError(
            f"{self.path}: {outcome}: another weigh or program may be writing this database "
            f"({why}); edits are off; {self._rescue()}; close weigh and reopen it"
        )

    def _rescue(self) -> str:
        """Save every case and the trail as held in memory to a new database file beside
        this one, and say where (or why that failed)."""
        if (self._journal is None or not self._journal.records) and self._db_unchanged():
            return "every edit was already saved in the database file"
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.rescued-{stamp}")
        try:
            if os.path.lexists(target):
                raise FileExistsError(target)
            self._write_snapshot(target)
        except (OSError, WeighError) as exc:
            return f"your edits could not be copied to {target.name} ({exc}); keep weigh open"
        return (f"your acknowledged edits are saved in {target} "
                f"(open it with weigh --db {target})")

    def _replay(self, records: list[dict[str, Any]]) -> None:
        """Apply the journal's records newer than the file (edits a crash or a kill left
        unfolded). An empty journal, the rule, types no record: opening a database to show a
        case does not wait for the records' classes."""
        if not records:
            return
        from evidence.operations import parse_record, record_problem

        expected = self._seq + 1
        for raw in records:
            seq = raw["seq"]
            if seq <= self._seq:
                continue  # already folded into the file by a compaction
            if seq != expected:
                raise CorruptDatabase(
                    f"{self.journal_path}: journal record {seq} follows {expected - 1}: "
                    "records are missing; files left untouched"
                )
            try:
                self._apply(parse_record(raw))
            except (ValidationError, KeyError, IndexError, ValueError, TypeError, WeighError) as exc:
                raise CorruptDatabase(
                    f"{self.journal_path}: journal record {seq} ({raw.get('op')}) "
                    f"does not fit the database: {record_problem(exc)}; files left untouched"
                ) from None
            self._seq = seq
            expected = seq + 1

    def _apply(self, rec: Operation) -> None:
        rec.apply(self._cases)
        self._trail.add(rec.for_history())  # type: ignore[arg-type]

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
                current = identity(self.path)
            except OSError as exc:
                self._failed = _os_reason(exc)
                raise StoreError(
                    f"{self.path}: cannot check the database: {self._failed}; "
                    "your edits are safe in the journal"
                ) from None
            if current != self._db_ident:
                self._failed = "the file was changed by another program"
                raise StoreError(
                    f"{self.path}: changed by another program since weigh opened it; "
                    f"not overwriting it ({self._rescue()}; reopen weigh)"
                )
            why = self._file_lock.verify() if self._file_lock else None
            if why is not None:
                self._refuse(why, "not compacted")
            try:
                self._write_snapshot()
            except StoreError as exc:
                self._failed = str(exc)
                raise StoreError(f"{exc}; your edits are safe in the journal") from None
            try:
                self._journal.reset()
            except OSError as exc:
                # The file already holds every record (seq makes replay skip them).
                self._failed = _os_reason(exc)
                raise StoreError(f"{self.journal_path}: cannot reset journal: {self._failed}") from None

    def _write_snapshot(self, elsewhere: Path | None = None) -> None:
        """Every table anew through TinyDB, landing as one atomic replacement of the file
        (or as a new file ``elsewhere``, leaving this store's file and trail as they are)."""
        with open_db(elsewhere or self.path) as db:
            storage = weigh_storage(db)
            with storage.transaction():
                db.drop_tables()
                db.table(META).insert(meta_document(self._seq))
                db.table(CASES).insert_multiple(_case_document(st) for st in self._cases.values())
                db.table(SYNCED).insert_multiple(
                    {"case": st.info.id, **st.synced.model_dump()} for st in self._cases.values()
                    if st.synced is not None and st.synced.text is not None)
                # The trail only grows: its old records are appended to as bytes
                # (TinyDB's insert would parse and rewrite every one of them).
                trail = self._trail.folded_all()
                storage.put_table(HISTORY, trail.folded)
            if elsewhere is not None:
                return
            self._db_ident = storage.identity
        self._trail = trail


def _case_document(st: CaseState) -> dict[str, Any]:
    """A case as its TinyDB document (item models inside; the storage serialises them).
    A one-analyst case names no analysts: its document is as before teams."""
    info = {k: v for k, v in dict(st.info).items() if k != "analysts" or v}
    return {**info, "hypotheses": st.hypotheses, "evidence": st.evidence, "indicators": st.indicators}


@contextmanager
def opened(path: str | Path, *, readonly: bool = False) -> Iterator[Store]:
    store = Store.open(path, readonly=readonly)
    try:
        yield store
    finally:
        store.close()
