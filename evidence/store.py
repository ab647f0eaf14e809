"""The evidence locker: many cases in one TinyDB database, edited through a journal.

Three files (the README's "How it works" tells the whole story):

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

The README's "How it works" (under Development) shows how the parts fit.
"""

from __future__ import annotations

import gc
import os
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ValidationError

from evidence.database import (
    CASES,
    HISTORY,
    META,
    FileIdentity,
    History,
    identity,
    keep_backup,
    meta_document,
    open_db,
    weigh_storage,
)
from evidence.errors import (
    Conflict,
    CorruptDatabase,
    NotFound,
    ReadOnlyStore,
    StoreError,
    WeighError,
)
from evidence.fsio import remove_stale_temps
from evidence.journal import JournalWriter, read_journal
from evidence.lock import WriterLock
from evidence.operations import (
    CaseDelete,
    CaseEdit,
    CasePut,
    CaseRestore,
    CaseState,
    EvAdd,
    EvDelete,
    EvUpdate,
    Exclude,
    HypAdd,
    HypDelete,
    HypRestore,
    HypUpdate,
    IndAdd,
    IndDelete,
    IndObserve,
    IndUnobserve,
    IndUpdate,
    Operation,
    Rate,
    Record,
    check_columns,
    check_indicator,
    diff,
    parse_record,
    record_problem,
)
from hypotheses.models import (
    RATINGS,
    Case,
    CaseInfo,
    Evidence,
    Hypothesis,
    Indicator,
    IndicatorStatus,
    Rating,
    utcnow,
)

COMPACT_RECORDS = 20_000
COMPACT_BYTES = 32 * 1024 * 1024
READ_ATTEMPTS = 50
# What a case-details edit may change (id and timestamps are the store's).
CASE_DETAILS = ("title", "question", "description", "conclusion")


class CaseSummary(BaseModel):
    """A line of `weigh cases` and the case switcher."""

    id: str
    title: str
    hypotheses: int
    evidence: int
    updated: str


@dataclass(frozen=True)
class HypothesisRemoval:
    """A deleted hypothesis with the cells it took along: enough to put it back."""

    hypothesis: Hypothesis
    position: int
    ratings: dict[str, str]
    notes: dict[str, str]
    indicator_ratings: dict[str, str] = field(default_factory=dict)


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
        self._cases: dict[str, CaseState] = {}
        # The audit trail: the file's history table, unparsed until someone reads
        # it (a long trail must not slow opening), then the records since, as JSON
        # documents; typed records are made from both only when asked for.
        self._trail = History()
        self._history: list[dict[str, Any]] = []
        self._typed: list[Operation] = []
        # (case id, evidence id) → its records: the detail pane asks on every cursor move.
        self._item_history: dict[tuple[str, str], list[Operation]] | None = None
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
        if (self.readonly or not create) and not os.path.lexists(self.path):
            raise StoreError(self._missing())  # before the lock: nothing is created
        if not self.readonly:
            self._file_lock = WriterLock.acquire(self.path)
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
        self._cases = {}
        for doc in cases:
            case = Case.model_construct(**doc)
            if case.id in self._cases:
                raise CorruptDatabase(
                    f"{self.path}: damaged: case id {case.id!r} appears twice; file left untouched"
                )
            self._cases[case.id] = CaseState.of(case)
        self._trail, self._history = trail, []
        self._typed, self._item_history = [], None
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
            raise StoreError(
                f"{self.path}: the database file has {links} names (hard links), so another "
                "weigh could write it under another name unseen; open it read-only, or remove "
                "the extra link (copy the file instead)"
            )

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
        with self._lock:
            return [r for r in self._typed_history() if case_id is None or r.case == case_id]

    def item_history(self, case_id: str, eid: str) -> list[Operation]:
        """The changes that touched one evidence item, oldest first (indexed, not scanned)."""
        with self._lock:
            if self._item_history is None:
                self._item_history = {}
                for rec in self._typed_history():
                    self._index_record(rec)
            return list(self._item_history.get((case_id, eid), ()))

    def _typed_history(self) -> list[Operation]:
        if len(self._typed) < len(self._trail) + len(self._history):
            docs = [*self._trail.values(), *self._history] if self._trail else self._history
            self._typed_from(docs)
        return self._typed

    def _typed_from(self, docs: list[dict[str, Any]]) -> None:
        for raw in docs[len(self._typed):]:
            try:
                self._typed.append(parse_record(raw))
            except (ValidationError, ValueError) as exc:
                raise CorruptDatabase(
                    f"{self.path}: history record {raw.get('seq')!r} cannot be read "
                    f"({record_problem(exc)}); file left untouched"
                ) from None

    def _index_record(self, rec: Operation) -> None:
        assert self._item_history is not None
        for eid in rec.touched():
            self._item_history.setdefault((rec.case, eid), []).append(rec)

    def has_history(self) -> bool:
        """Whether anything was ever recorded (a new database has no trail yet)."""
        with self._lock:
            return bool(self._trail) or bool(self._history)

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
            self._commit(CasePut, case.id, doc=case)

    def update_case_info(self, info: CaseInfo) -> None:
        """Change a case's details; only the fields that differ are recorded."""
        with self._lock:
            old = self._state(info.id).info.model_dump(mode="json", include=set(CASE_DETAILS))
            new = info.model_dump(mode="json", include=set(CASE_DETAILS))
            changes, before = diff(old, new)
            if changes:
                self._commit(CaseEdit, info.id, new=changes, old=before)

    def delete_case(self, case_id: str) -> Case:
        """Remove a case; the returned case puts it back with :meth:`restore_case`."""
        with self._lock:
            case = self._state(case_id).case()
            self._commit(CaseDelete, case_id)
            return case

    def restore_case(self, case: Case) -> None:
        """Put back a deleted case (refused if a case with its id exists again)."""
        with self._lock:
            if case.id in self._cases:
                raise Conflict(f"case {case.id!r} already exists")
            self._commit(CaseRestore, case.id, doc=case)

    def add_hypothesis(self, case_id: str, hyp: Hypothesis, position: int | None = None) -> None:
        with self._lock:
            st = self._state(case_id)
            if any(h.id == hyp.id for h in st.hypotheses):
                raise Conflict(f"hypothesis {hyp.id!r} already exists in case {case_id!r}")
            pos = len(st.hypotheses) if position is None else max(0, min(position, len(st.hypotheses)))
            self._commit(HypAdd, case_id, id=hyp.id, pos=pos, doc=hyp)

    def update_hypothesis(self, case_id: str, hyp: Hypothesis) -> None:
        with self._lock:
            st = self._state(case_id)
            old = st.hypotheses[st.hyp_pos(hyp.id)]
            changes, before = diff(old.model_dump(mode="json"), hyp.model_dump(mode="json"))
            if changes:
                self._commit(HypUpdate, case_id, id=hyp.id, new=changes, old=before)

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
                indicator_ratings={m.id: m.ratings[hid] for m in st.indicators if hid in m.ratings},
            )
            self._commit(HypDelete, case_id, id=hid, pos=pos, doc=removal.hypothesis,
                         ratings=removal.ratings, notes=removal.notes,
                         indicator_ratings=removal.indicator_ratings)
            return removal

    def restore_hypothesis(self, case_id: str, removal: HypothesisRemoval) -> None:
        with self._lock:
            st = self._state(case_id)
            if any(h.id == removal.hypothesis.id for h in st.hypotheses):
                raise Conflict(f"hypothesis {removal.hypothesis.id!r} already exists")
            # Cells of items deleted since the hypothesis was removed went with them.
            self._commit(
                HypRestore, case_id, id=removal.hypothesis.id,
                pos=min(removal.position, len(st.hypotheses)), doc=removal.hypothesis,
                ratings={e: r for e, r in removal.ratings.items() if e in st.index},
                notes={e: n for e, n in removal.notes.items() if e in st.index},
                indicator_ratings={m: r for m, r in removal.indicator_ratings.items()
                                   if any(i.id == m for i in st.indicators)},
            )

    def add_evidence(self, case_id: str, ev: Evidence, position: int | None = None) -> None:
        with self._lock:
            st = self._state(case_id)
            if ev.id in st.index:
                raise Conflict(f"evidence {ev.id!r} already exists in case {case_id!r}")
            check_columns(st, ev)
            pos = len(st.evidence) if position is None else max(0, min(position, len(st.evidence)))
            self._commit(EvAdd, case_id, id=ev.id, pos=pos, doc=ev)

    def update_evidence(self, case_id: str, ev: Evidence) -> None:
        """Replace an item; the record keeps only the fields that changed."""
        with self._lock:
            st = self._state(case_id)
            old = st.item(ev.id)
            check_columns(st, ev)
            changes, before = diff(old.model_dump(mode="json"), ev.model_dump(mode="json"))
            if changes:
                self._commit(EvUpdate, case_id, id=ev.id, new=changes, old=before)

    def delete_evidence(self, case_id: str, eid: str) -> tuple[Evidence, int]:
        """Remove an item; returns it and its position so the caller can undo."""
        with self._lock:
            st = self._state(case_id)
            pos = st.ev_pos(eid)
            old = st.evidence[pos]
            linked = [m.id for m in st.indicators if m.evidence_id == eid]
            self._commit(EvDelete, case_id, id=eid, pos=pos, old=old, unlinked=linked)
            return old, pos

    def set_rating(self, case_id: str, eid: str, hid: str, code: Rating | None) -> None:
        """Set one cell (None clears it): one small journal record."""
        with self._lock:
            st = self._state(case_id)
            ev = st.item(eid)
            st.hyp_pos(hid)
            if code is not None and code not in RATINGS:
                raise ValueError(f"rating: {code!r} is not one of {', '.join(RATINGS)}")
            old = ev.ratings.get(hid)
            if old != code:
                self._commit(Rate, case_id, id=eid, hyp=hid, new=code, old=old)

    def set_excluded(self, case_id: str, eid: str, excluded: bool) -> None:
        with self._lock:
            ev = self._state(case_id).item(eid)
            if ev.excluded != excluded:
                self._commit(Exclude, case_id, id=eid, new=excluded, old=ev.excluded)

    # ------------------------------------------------------------ indicators

    def add_indicator(self, case_id: str, ind: Indicator, position: int | None = None) -> None:
        """Register an indicator (it may rate only the case's hypotheses)."""
        with self._lock:
            st = self._state(case_id)
            if any(m.id == ind.id for m in st.indicators):
                raise Conflict(f"indicator {ind.id!r} already exists in case {case_id!r}")
            check_indicator(st, ind)
            n = len(st.indicators)
            pos = n if position is None else max(0, min(position, n))
            self._commit(IndAdd, case_id, id=ind.id, pos=pos, doc=ind)

    def update_indicator(self, case_id: str, ind: Indicator) -> None:
        """Replace an indicator; the record keeps only the fields that changed."""
        with self._lock:
            st = self._state(case_id)
            old = st.indicators[st.ind_pos(ind.id)]
            check_indicator(st, ind)
            changes, before = diff(old.model_dump(mode="json"), ind.model_dump(mode="json"))
            if changes:
                self._commit(IndUpdate, case_id, id=ind.id, new=changes, old=before)

    def delete_indicator(self, case_id: str, mid: str) -> tuple[Indicator, int]:
        """Remove an indicator; returns it and its position (``add_indicator`` puts it back)."""
        with self._lock:
            st = self._state(case_id)
            pos = st.ind_pos(mid)
            old = st.indicators[pos]
            self._commit(IndDelete, case_id, id=mid, pos=pos, old=old)
            return old, pos

    def observe_indicator(self, case_id: str, mid: str, evidence: Evidence | None = None) -> Evidence:
        """Mark an indicator observed and add the evidence item that records it, in one record.

        The item carries the indicator's pre-registered ratings (whatever ratings
        ``evidence`` had), so hindsight cannot re-rate it. Without ``evidence``
        the item is made from the indicator: the first free ``E<n>`` id, its title
        and details. :meth:`unobserve_indicator` takes it back.
        """
        with self._lock:
            st = self._state(case_id)
            ind = st.indicators[st.ind_pos(mid)]
            if ind.status == "observed" and ind.evidence_id is not None:
                raise Conflict(f"indicator {mid} is already observed as evidence {ind.evidence_id}")
            if evidence is None:
                n = len(st.evidence) + 1
                while f"E{n}" in st.index:
                    n += 1
                evidence = Evidence(id=f"E{n}", title=ind.title, details=ind.details)
            item = evidence.model_copy(update={"ratings": dict(ind.ratings)})
            if item.id in st.index:
                raise Conflict(f"evidence {item.id!r} already exists in case {case_id!r}")
            check_columns(st, item)
            self._commit(IndObserve, case_id, id=mid, pos=len(st.evidence), evidence=item,
                         old_status=ind.status, old_evidence_id=ind.evidence_id)
            return item

    def unobserve_indicator(self, case_id: str, mid: str, status: IndicatorStatus = "watching") -> None:
        """Undo an observation: remove the item it added, set the indicator back to ``status``."""
        with self._lock:
            st = self._state(case_id)
            ind = st.indicators[st.ind_pos(mid)]
            if ind.status != "observed" or ind.evidence_id is None:
                raise Conflict(f"indicator {mid} is not observed")
            pos = st.ev_pos(ind.evidence_id)
            self._commit(IndUnobserve, case_id, id=mid, pos=pos, evidence=st.evidence[pos],
                         old_status=status, old_evidence_id=None)

    # ------------------------------------------------------- journal & apply

    def _state(self, case_id: str) -> CaseState:
        try:
            return self._cases[case_id]
        except KeyError:
            raise NotFound(f"no case {case_id!r} in {self.path}") from None

    def _commit(self, kind: type[Record], case_id: str, **fields: Any) -> None:
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
        record = kind(seq=self._seq + 1, ts=utcnow(), case=case_id, **fields)
        start = self._journal.size
        try:
            self._journal.append(record.model_dump_json().encode("utf-8"))
        except OSError as exc:
            self._failed = _os_reason(exc)
            raise StoreError(
                f"{self.journal_path}: edit NOT saved: {self._failed}; edits are off until weigh "
                "is reopened"
            ) from None
        why = self._file_lock.verify() if self._file_lock else None
        if why is not None:
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
            except OSError as exc:
                current, why = None, f"it cannot be checked ({_os_reason(exc)})"
            if current is not None and current != self._db_ident:
                why = (f"the file now has {current.nlink} names (a hard link)"
                       if current.nlink > 1 else "the file was changed by another program")
        if why is not None:
            self._refuse(why, "edit NOT saved")

    def _refuse(self, why: str, outcome: str) -> None:
        self._refused = why
        raise StoreError(
            f"{self.path}: {outcome}: another weigh or program may be writing this database "
            f"({why}); edits are off, your earlier edits are safe in its journal; close weigh "
            "and reopen it"
        )

    def _replay(self, records: list[dict[str, Any]]) -> None:
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
        kept = rec.for_history()
        self._history.append(kept.model_dump(mode="json"))
        if len(self._typed) == len(self._trail) + len(self._history) - 1:
            self._typed.append(kept)  # type: ignore[arg-type]
            if self._item_history is not None:
                self._index_record(kept)  # type: ignore[arg-type]

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
                    "not overwriting it (your edits are safe in the journal; reopen weigh)"
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

    def _write_snapshot(self) -> None:
        """Every table anew through TinyDB, landing as one atomic replacement of the file."""
        with open_db(self.path) as db:
            storage = weigh_storage(db)
            with storage.transaction():
                db.drop_tables()
                db.table(META).insert(meta_document(self._seq))
                db.table(CASES).insert_multiple(_case_document(st) for st in self._cases.values())
                # The trail only grows: its old records are appended to as bytes
                # (TinyDB's insert would parse and rewrite every one of them).
                trail = self._trail.extended(self._history)
                storage.put_table(HISTORY, trail)
            self._db_ident = storage.identity
        self._trail, self._history = trail, []


def _case_document(st: CaseState) -> dict[str, Any]:
    """A case as its TinyDB document (item models inside; the storage serialises them)."""
    return {**dict(st.info), "hypotheses": st.hypotheses, "evidence": st.evidence,
            "indicators": st.indicators}


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
