"""Every kind of edit a user can make, checked against the case and turned into a typed record.

Each method checks what the edit needs (the case, item and hypothesis exist,
no id is taken twice, a rating is a known code), works out the record's old
values from the state, and hands the record to the store's ``_commit``, which
journals it durably before applying it. Each returns the record it committed
(None when nothing changed): the workbench keeps those records to undo and
redo them (``Store.revert``). The store itself
(``evidence.store``) keeps the files; this module keeps the rules.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from evidence.case_state import CaseState, SyncBase, check_columns, check_indicator, column_layers
from evidence.errors import Conflict
from evidence.record_schema import diff
from hypotheses.models import MAX_TEXT, Case, CaseInfo, Evidence, Hypothesis, Indicator
from hypotheses.vocabulary import RATINGS, Rating

# What a case-details edit may change (id and timestamps are the store's).
CASE_DETAILS = ("title", "question", "description", "conclusion")
R = TypeVar("R", bound="Record")


class _Records:
    """``evidence.operations``, imported at the first edit: opening a database and showing its
    case commits no record, and the record classes take a while to build (the workbench
    loads them once its first frame is out, ``tui.app``)."""

    def __getattr__(self, name: str) -> Any:
        from evidence import operations

        return getattr(operations, name)


if TYPE_CHECKING:
    from evidence import operations as records
    from evidence.operations import (
        CaseEdit,
        CasePut,
        CaseSolo,
        CaseSync,
        CaseTeam,
        EvAdd,
        EvDelete,
        EvUpdate,
        Exclude,
        HypAdd,
        HypDelete,
        HypUpdate,
        IndAdd,
        IndDelete,
        IndObserve,
        IndUpdate,
        Note,
        Rate,
        Record,
        SyncConflict,
        SyncRenumbered,
        SyncSide,
    )
else:
    records = _Records()


class CaseEdits:
    """The edit methods of :class:`evidence.store.Store`, apart from how it keeps its files.

    Every method holds the store's lock, so the check and the commit see one state.
    """

    _lock: threading.RLock
    _cases: dict[str, CaseState]
    # (case id, created) → the sync base of a case this store deleted: its restore puts it back
    _deleted_bases: dict[tuple[str, datetime], SyncBase | None]

    @property
    def analyst(self) -> str:
        """Who the edits are by: whose layer a team case's vote or note writes."""
        raise NotImplementedError

    def _state(self, case_id: str) -> CaseState:
        raise NotImplementedError

    def _commit(self, kind: type[R], case_id: str, **fields: Any) -> R:
        raise NotImplementedError

    def ids_ever(self, case_id: str) -> frozenset[str]:
        raise NotImplementedError

    def put_case(self, case: Case, *, replace: bool = False) -> CasePut:
        """Add a whole case (import, new case); an existing id needs ``replace``."""
        with self._lock:
            before = self._cases.get(case.id)
            if before is not None and not replace:
                raise Conflict(f"case {case.id!r} already exists (use --replace to overwrite it)")
            # The replaced case goes into the audit trail whole: a replacement can be undone by hand.
            old = before.case() if before is not None else None
            return self._commit(records.CasePut, case.id, doc=case, old=old)

    def sync_base(self, case_id: str) -> SyncBase | None:
        """The case as last synced with a file (``weigh sync``), if ever."""
        with self._lock:
            st = self._cases.get(case_id)
            return st.synced if st is not None else None

    def record_sync(self, case_id: str, was: Case | None, sides: tuple[SyncSide, SyncSide], file: str,
                    conflicts: list[SyncConflict],
                    renumbered: list[SyncRenumbered] | None = None) -> CaseSync | None:
        """Commit a sync's change (``sides``: old, new) made from ``was``, the case as it stood;
        refused if the case changed meanwhile; None when it changes nothing."""
        old, new = sides
        with self._lock:
            st = self._cases.get(case_id)
            if (st.case() if st is not None else None) != was:
                raise Conflict(f"case {case_id!r} changed while it was being synced; sync again")
            if old == new:
                return None
            return self._commit(records.CaseSync, case_id, file=file, old=old, new=new, conflicts=conflicts,
                                renumbered=renumbered or [])

    def update_case_info(self, info: CaseInfo) -> CaseEdit | None:
        """Change a case's details; only the fields that differ are recorded."""
        with self._lock:
            old = self._state(info.id).info.model_dump(mode="json", include=set(CASE_DETAILS))
            new = info.model_dump(mode="json", include=set(CASE_DETAILS))
            changes, before = diff(old, new)
            return self._commit(records.CaseEdit, info.id, new=changes, old=before) if changes else None

    def delete_case(self, case_id: str) -> Case:
        """Remove a case; the returned case puts it back with :meth:`restore_case`."""
        with self._lock:
            st = self._state(case_id)
            case = st.case()
            self._commit(records.CaseDelete, case_id)
            self._deleted_bases[(case.id, case.info.created)] = st.synced
            return case

    def restore_case(self, case: Case) -> None:
        """Put back a deleted case (refused if a case with its id exists again), with the
        sync base it had when this store deleted it."""
        with self._lock:
            if case.id in self._cases:
                raise Conflict(f"case {case.id!r} already exists")
            base = self._deleted_bases.pop((case.id, case.info.created), None)
            self._commit(records.CaseRestore, case.id, doc=case, synced=base)

    def add_hypothesis(self, case_id: str, hyp: Hypothesis, position: int | None = None) -> HypAdd:
        with self._lock:
            st = self._state(case_id)
            if any(h.id == hyp.id for h in st.hypotheses):
                raise Conflict(f"hypothesis {hyp.id!r} already exists in case {case_id!r}")
            pos = len(st.hypotheses) if position is None else max(0, min(position, len(st.hypotheses)))
            return self._commit(records.HypAdd, case_id, id=hyp.id, pos=pos, doc=hyp)

    def update_hypothesis(self, case_id: str, hyp: Hypothesis) -> HypUpdate | None:
        with self._lock:
            st = self._state(case_id)
            old = st.hypotheses[st.hyp_pos(hyp.id)]
            changes, before = diff(old.model_dump(mode="json"), hyp.model_dump(mode="json"))
            if not changes:
                return None
            return self._commit(records.HypUpdate, case_id, id=hyp.id, new=changes, old=before)

    def delete_hypothesis(self, case_id: str, hid: str) -> HypDelete:
        """Remove a column with its ratings and notes (the record keeps them, to put it back)."""
        with self._lock:
            st = self._state(case_id)
            pos = st.hyp_pos(hid)
            return self._commit(
                records.HypDelete, case_id, id=hid, pos=pos, doc=st.hypotheses[pos],
                ratings={e.id: e.ratings[hid] for e in st.evidence if hid in e.ratings},
                notes={e.id: e.notes[hid] for e in st.evidence if hid in e.notes},
                indicator_ratings={m.id: m.ratings[hid] for m in st.indicators if hid in m.ratings},
                layers=column_layers(st.evidence, hid),
            )

    def add_evidence(self, case_id: str, ev: Evidence, position: int | None = None) -> EvAdd:
        with self._lock:
            st = self._state(case_id)
            if ev.id in st.index:
                raise Conflict(f"evidence {ev.id!r} already exists in case {case_id!r}")
            check_columns(st, ev)
            pos = len(st.evidence) if position is None else max(0, min(position, len(st.evidence)))
            return self._commit(records.EvAdd, case_id, id=ev.id, pos=pos, doc=ev)

    def update_evidence(self, case_id: str, ev: Evidence) -> EvUpdate | None:
        """Replace an item; the record keeps only the fields that changed."""
        with self._lock:
            st = self._state(case_id)
            old = st.item(ev.id)
            check_columns(st, ev)
            changes, before = diff(old.model_dump(mode="json"), ev.model_dump(mode="json"))
            if not changes:
                return None
            return self._commit(records.EvUpdate, case_id, id=ev.id, new=changes, old=before)

    def delete_evidence(self, case_id: str, eid: str) -> EvDelete:
        """Remove an item (the record keeps it, its place and the indicators observed as it)."""
        with self._lock:
            st = self._state(case_id)
            pos = st.ev_pos(eid)
            linked = [m.id for m in st.indicators if m.evidence_id == eid]
            return self._commit(records.EvDelete, case_id, id=eid, pos=pos, old=st.evidence[pos],
                                unlinked=linked)

    def set_rating(self, case_id: str, eid: str, hid: str, code: Rating | None) -> Rate | None:
        """Set one cell (None clears it): one small journal record. In a team case the
        cell is the current analyst's vote (who joins the case with a first one)."""
        with self._lock:
            st = self._state(case_id)
            ev = st.item(eid)
            st.hyp_pos(hid)
            if code is not None and code not in RATINGS:
                raise ValueError(f"rating: {code!r} is not one of {', '.join(RATINGS)}")
            old = self._cell(st, ev, "ratings", hid)
            if old == code:
                return None
            return self._commit(records.Rate, case_id, id=eid, hyp=hid, new=code, old=old,
                                joins=self._joins(st))

    def set_note(self, case_id: str, eid: str, hid: str, text: str | None) -> Note | None:
        """Write one cell's note ('' or None removes it); in a team case, the current analyst's."""
        with self._lock:
            st = self._state(case_id)
            ev = st.item(eid)
            st.hyp_pos(hid)
            if text and len(text) > MAX_TEXT:
                raise ValueError(f"note: too long: at most {MAX_TEXT:,} characters (got {len(text):,})")
            old = self._cell(st, ev, "notes", hid) or None
            if old == (text or None):
                return None
            return self._commit(records.Note, case_id, id=eid, hyp=hid, new=text or None, old=old,
                                joins=self._joins(st))

    def _cell(self, st: CaseState, ev: Evidence, field: str, hid: str) -> str | None:
        """One cell as the current analyst sees it to change it: theirs in a team case."""
        if st.info.analysts:
            cells: dict[str, str] = getattr(ev, f"{field}_by").get(self.analyst, {})
            return cells.get(hid)
        value: str | None = getattr(ev, field).get(hid)
        return value

    def _joins(self, st: CaseState) -> bool:
        """Whether an edit of a team case by the current analyst makes them join it."""
        return bool(st.info.analysts) and self.analyst not in st.info.analysts

    def make_team(self, case_id: str) -> CaseTeam:
        """Make a one-analyst case a team case: its ratings and notes become the current
        analyst's layer. :meth:`make_solo` undoes it."""
        with self._lock:
            st = self._state(case_id)
            if st.info.analysts:
                raise Conflict(f"case {case_id!r} is already a team case "
                               f"(analysts: {', '.join(st.info.analysts)})")
            return self._commit(records.CaseTeam, case_id, analyst=self.analyst)

    def make_solo(self, case_id: str) -> CaseSolo:
        """Undo :meth:`make_team` while the current analyst is still the case's only one."""
        with self._lock:
            st = self._state(case_id)
            if st.info.analysts != [self.analyst]:
                listed = ", ".join(st.info.analysts) or "none"
                raise Conflict(f"case {case_id!r} can go back to one analyst only while "
                               f"{self.analyst} is its only analyst (analysts: {listed})")
            return self._commit(records.CaseSolo, case_id)

    def set_excluded(self, case_id: str, eid: str, excluded: bool) -> Exclude | None:
        with self._lock:
            ev = self._state(case_id).item(eid)
            if ev.excluded == excluded:
                return None
            return self._commit(records.Exclude, case_id, id=eid, new=excluded, old=ev.excluded)

    # ------------------------------------------------------------ indicators

    def add_indicator(self, case_id: str, ind: Indicator, position: int | None = None) -> IndAdd:
        """Register an indicator (it may rate only the case's hypotheses)."""
        with self._lock:
            st = self._state(case_id)
            if any(m.id == ind.id for m in st.indicators):
                raise Conflict(f"indicator {ind.id!r} already exists in case {case_id!r}")
            check_indicator(st, ind)
            n = len(st.indicators)
            pos = n if position is None else max(0, min(position, n))
            return self._commit(records.IndAdd, case_id, id=ind.id, pos=pos, doc=ind)

    def update_indicator(self, case_id: str, ind: Indicator) -> IndUpdate | None:
        """Replace an indicator; the record keeps only the fields that changed."""
        with self._lock:
            st = self._state(case_id)
            old = st.indicators[st.ind_pos(ind.id)]
            check_indicator(st, ind)
            changes, before = diff(old.model_dump(mode="json"), ind.model_dump(mode="json"))
            if not changes:
                return None
            return self._commit(records.IndUpdate, case_id, id=ind.id, new=changes, old=before)

    def delete_indicator(self, case_id: str, mid: str) -> IndDelete:
        """Remove an indicator (the record keeps it and its place)."""
        with self._lock:
            st = self._state(case_id)
            pos = st.ind_pos(mid)
            return self._commit(records.IndDelete, case_id, id=mid, pos=pos, old=st.indicators[pos])

    def observe_indicator(self, case_id: str, mid: str, evidence: Evidence | None = None) -> IndObserve:
        """Mark an indicator observed and add the evidence item that records it, in one record.

        The item carries the indicator's pre-registered ratings (whatever ratings
        ``evidence`` had), so hindsight cannot re-rate it. Without ``evidence``
        the item is made from the indicator: the first free ``E<n>`` id, its title
        and details (the record's ``evidence``). ``Store.revert`` takes it back.
        """
        # a deleted item's id is never reused; read before the lock (a long trail is typed
        # without holding it), and the ids a trail ever named only grow
        issued = self.ids_ever(case_id) if evidence is None else frozenset()
        with self._lock:
            st = self._state(case_id)
            ind = st.indicators[st.ind_pos(mid)]
            if ind.status == "observed" and ind.evidence_id is not None:
                raise Conflict(f"indicator {mid} is already observed as evidence {ind.evidence_id}")
            if evidence is None:
                n = len(st.evidence) + 1
                while f"E{n}" in st.index or f"E{n}" in issued:
                    n += 1
                evidence = Evidence(id=f"E{n}", title=ind.title, details=ind.details)
            item = evidence.model_copy(update={"ratings": dict(ind.ratings)})
            joins = False
            if st.info.analysts:  # the pre-registered ratings become the observer's votes
                layers = {self.analyst: dict(ind.ratings)} if ind.ratings else {}
                item = item.model_copy(update={"ratings": {}, "ratings_by": layers})
                joins = bool(layers) and self._joins(st)
            if item.id in st.index:
                raise Conflict(f"evidence {item.id!r} already exists in case {case_id!r}")
            if not joins:
                check_columns(st, item)
            return self._commit(records.IndObserve, case_id, id=mid, pos=len(st.evidence), evidence=item,
                                old_status=ind.status, old_evidence_id=ind.evidence_id, joins=joins)
