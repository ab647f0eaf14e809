"""Every kind of edit as one typed record: apply, inverse, describe, and the items it touches.

A record is what the journal appends and what the audit trail (the database's
``history`` table) keeps. Each kind is a pydantic model in one discriminated
union (``op`` names the kind), so the store's replay, the words of the audit
trail and every step back come from the same class. A record knows its
:meth:`Record.inverse`: the record that puts the case back as it was. The
workbench's undo and redo commit inverses through the store (journalled like
any edit), and the history view rewinds a copy of the case with the same
inverses, so the two cannot disagree. evidence/README.md
explains how records travel from a key press to the disk.

Records carry the schema number ``v``; :func:`parse_record` upgrades older
records (journals written by an earlier weigh) before validating them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from evidence.case_state import CaseState, SyncBase, check_columns, check_indicator, state_of
from evidence.errors import Conflict, WeighError
from evidence.record_schema import RECORD_SCHEMA, upgrade_record
from hypotheses.models import AnalystId, Case, CaseInfo, Evidence, Hypothesis, Indicator
from hypotheses.validation import describe
from hypotheses.vocabulary import CASE_LISTS, IndicatorStatus, Rating, counted

CLIP = 40
# Fields short enough to show as "old → new" in a change line.
SHORT_FIELDS = frozenset((
    "title", "source", "url", "event_date", "reported_date", "tags", "credibility",
    "relevance", "admiralty", "kind", "excluded", "prior", "question", "status", "expected_by",
    "evidence_id",
))


class CannotUndo(Exception):
    """A record that cannot be stepped back over (or does not fit the case)."""


# ------------------------------------------------------------------ words


def _words(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    return " ".join(text.split())


def clip_pair(old: Any, new: Any) -> tuple[str, str]:
    """Old and new value, short enough for one line; when both are long, the part
    that changed with a little context, so two long titles never read the same."""
    a, b = _words(old), _words(new)
    if len(a) <= CLIP and len(b) <= CLIP:
        return a, b
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    start = max(0, p - 8)

    def part(text: str) -> str:
        end = min(len(text), len(text) - s + 8)
        body = text[start:end]
        if len(body) > CLIP - 2:
            body = body[: CLIP - 3] + "…"
        return ("…" if start else "") + body + ("…" if end < len(text) and not body.endswith("…") else "")

    return part(a), part(b)


def _cells(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return [
        f"{hid} {old.get(hid) or 'unrated'} → {new.get(hid) or 'unrated'}"
        for hid in sorted(set(old) | set(new))
        if old.get(hid) != new.get(hid)
    ]


def fields_changed(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What an edit changed, with old → new values for the short fields."""
    parts: list[str] = []
    for key in new:
        if old.get(key) == new.get(key):
            continue
        if key in SHORT_FIELDS:
            before, after = clip_pair(old.get(key), new.get(key))
            parts.append(f"{key} {before} → {after}")
        elif key == "ratings":
            parts.append("ratings " + ", ".join(_cells(old.get(key) or {}, new.get(key) or {})))
        elif key == "notes":
            o, n = old.get(key) or {}, new.get(key) or {}
            changed = sorted(h for h in set(o) | set(n) if o.get(h) != n.get(h))
            parts.append(f"notes on {', '.join(changed)}")
        else:
            parts.append(key)
    return "; ".join(parts) or "nothing"


# ------------------------------------------------------------------ records


def _no(value: object) -> bool:
    return not value


class Record(BaseModel):
    """What every record carries: its place in the sequence, its time, its case."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    v: int = RECORD_SCHEMA
    seq: int = 0
    ts: datetime
    case: str
    # Who made it (None in records from before teams); a team case's vote or note is theirs.
    analyst: AnalystId | None = None

    stamps: ClassVar[bool] = True  # applying it sets the case's "updated" time

    def apply(self, cases: dict[str, CaseState]) -> None:
        """Change the live state (raises NotFound/Conflict/ValueError if it does not fit)."""
        st = state_of(cases, self.case)
        self.apply_to(st)
        if self.stamps:
            st.info = st.info.model_copy(update={"updated": self.ts})

    def apply_to(self, st: CaseState) -> None:
        raise NotImplementedError

    def inverse(self) -> Record:
        """The record that puts the case back to how it was before this one (by the same
        analyst; its ``seq`` and ``ts`` are this one's until the store commits it)."""
        raise CannotUndo(f"cannot step back over {getattr(self, 'op', type(self).__name__)!r}")

    def revert(self, st: CaseState) -> None:
        """Put ``st`` back to how it was before this record (the history view's rewind)."""
        self.inverse().apply_to(st)

    def _swapped(self) -> Record:
        """The same kind with ``new`` and ``old`` exchanged (the inverse of a change)."""
        change = cast(Any, self)  # the kinds that call it all have ``new`` and ``old``
        return self.model_copy(update={"new": change.old, "old": change.new})

    def _fields(self, kind: type[Record]) -> dict[str, Any]:
        """This record's values of ``kind``'s fields, its kind name aside."""
        return {k: getattr(self, k) for k in kind.model_fields if k != "op"}

    def describe(self) -> str:
        """What this record changed, in words, without its time."""
        raise NotImplementedError

    def undone(self) -> str:
        """What undoing it takes back, in words after 'Undid ': as a rule what it did."""
        return self.describe()

    def touched(self) -> tuple[str, ...]:
        """The evidence items whose fields, ratings or notes it changed."""
        return ()

    def for_history(self) -> Record:
        """What the audit trail keeps of it (the record itself, unless too big)."""
        return self


class CasePut(Record):
    """A whole case written: created, imported or replaced. History keeps a summary of
    the new case and, for a replacement, the whole old one (so it can be recovered)."""

    op: Literal["case.put"] = "case.put"
    doc: Case | None = None  # None in the audit trail: the case itself is not kept there
    old: Case | None = None  # the case it replaced, if any: kept in the audit trail
    title: str | None = None
    hypotheses: int | None = None
    evidence: int | None = None

    def apply(self, cases: dict[str, CaseState]) -> None:
        if self.doc is None:
            raise ValueError("a case.put record without its case cannot be applied")
        before = cases.get(self.case)
        st = cases[self.case] = CaseState.of(self.doc)
        st.info = st.info.model_copy(update={"updated": self.ts})
        if before is not None:  # replaced (an import, a CSV updating it in place): the database's
            st.synced = before.synced  # change; the file as last synced, the next sync's base, is as it was

    def inverse(self) -> Record:
        """A replacement steps back to the case it replaced (and forward again); a case
        written where there was none has nothing to step back to here (deleting a case is
        the case list's own, undoable there)."""
        if self.doc is None or self.old is None:
            return super().inverse()
        return self.model_copy(update={"doc": self.old, "old": self.doc})

    def describe(self) -> str:
        doc = self.doc
        hypotheses, evidence = ((len(doc.hypotheses), len(doc.evidence)) if doc is not None
                                else (self.hypotheses or 0, self.evidence))
        sized = f": {counted(hypotheses, 'hypothesis')}, {evidence} evidence" if evidence is not None else ""
        if self.old is None:
            return f"case {self.case} written whole (created, imported or replaced){sized}"
        old = self.old
        return (f"case {self.case} replaced whole{sized}, in place of "
                f"{counted(len(old.hypotheses), 'hypothesis')}, {len(old.evidence)} evidence "
                "(kept in this record)")

    def for_history(self) -> Record:
        if self.doc is None:
            return self
        return self.model_copy(update={
            "doc": None, "title": self.doc.title,
            "hypotheses": len(self.doc.hypotheses), "evidence": len(self.doc.evidence),
        })


class CaseRestore(CasePut):
    """A deleted case put back (undo of a delete), with the file it was last synced with:
    without that base, its next ``weigh sync`` would be a first one, its stale values
    taken for conflicts."""

    op: Literal["case.restore"] = "case.restore"  # type: ignore[assignment]  # a kind of its own
    synced: SyncBase | None = Field(default=None, exclude_if=_no)

    def apply(self, cases: dict[str, CaseState]) -> None:
        if self.case in cases:
            raise Conflict(f"case {self.case!r} already exists")
        super().apply(cases)
        cases[self.case].synced = self.synced

    def for_history(self) -> Record:
        """The trail keeps the case's summary and the base's file, not the base's text."""
        lean = super().for_history()
        base = self.synced.model_copy(update={"text": None}) if self.synced else None
        return lean.model_copy(update={"synced": base})

    def describe(self) -> str:
        return f"restored deleted case {self.case}"


class CaseDelete(Record):
    op: Literal["case.delete"] = "case.delete"
    stamps: ClassVar[bool] = False

    def apply(self, cases: dict[str, CaseState]) -> None:
        state_of(cases, self.case)
        del cases[self.case]

    def describe(self) -> str:
        return f"deleted case {self.case}"


class CaseEdit(Record):
    """Case details changed: only the changed fields, old and new."""

    op: Literal["case.info"] = "case.info"
    new: dict[str, Any]
    old: dict[str, Any]

    def apply_to(self, st: CaseState) -> None:
        st.info = CaseInfo.model_validate({**st.info.model_dump(mode="json"), **self.new}, strict=False)

    def inverse(self) -> Record:
        return self._swapped()

    def describe(self) -> str:
        return f"edited case details: {fields_changed(self.old, self.new)}"


class HypAdd(Record):
    op: Literal["hyp.add"] = "hyp.add"
    id: str
    pos: int = Field(ge=0)
    doc: Hypothesis

    def apply_to(self, st: CaseState) -> None:
        st.insert_column(self.pos, self.doc, {}, {})

    def inverse(self) -> Record:
        return HypDelete(**self._fields(HypAdd))

    def describe(self) -> str:
        return f"added hypothesis {self.id}: {self.doc.title}"


class HypUpdate(Record):
    """A hypothesis edited: the changed fields only (new and old values)."""

    op: Literal["hyp.update"] = "hyp.update"
    id: str
    new: dict[str, Any]
    old: dict[str, Any]

    def _set(self, st: CaseState, values: dict[str, Any]) -> None:
        i = st.hyp_pos(self.id)
        st.hypotheses[i] = Hypothesis.model_validate(
            {**st.hypotheses[i].model_dump(mode="json"), **values}, strict=False)

    def apply_to(self, st: CaseState) -> None:
        self._set(st, self.new)

    def inverse(self) -> Record:
        return self._swapped()

    def describe(self) -> str:
        return f"edited hypothesis {self.id}: {fields_changed(self.old, self.new)}"


class HypDelete(Record):
    """A column removed with the cells it took along (enough to put it back)."""

    op: Literal["hyp.delete"] = "hyp.delete"
    id: str
    pos: int = Field(ge=0)
    doc: Hypothesis
    ratings: dict[str, Rating] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    indicator_ratings: dict[str, Rating] = Field(default_factory=dict)
    # a team case's cells of the column: layer field → item id → analyst → value
    layers: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict, exclude_if=_no)

    def apply_to(self, st: CaseState) -> None:
        st.drop_column(self.id)

    def inverse(self) -> Record:
        return HypRestore(**self._fields(HypDelete))

    def describe(self) -> str:
        return f"deleted hypothesis {self.id} with {counted(self._count(), 'rating')}"

    def _count(self) -> int:
        return len(self.ratings) + sum(map(len, self.layers.get("ratings_by", {}).values()))

    def touched(self) -> tuple[str, ...]:
        layered = (eid for cells in self.layers.values() for eid in cells)
        return tuple(dict.fromkeys([*self.ratings, *self.notes, *layered]))


class HypRestore(HypDelete):
    op: Literal["hyp.restore"] = "hyp.restore"  # type: ignore[assignment]  # a kind of its own

    def apply_to(self, st: CaseState) -> None:
        st.insert_column(self.pos, self.doc, dict(self.ratings), dict(self.notes),
                         dict(self.indicator_ratings), self.layers)

    def inverse(self) -> Record:
        return HypDelete(**self._fields(HypDelete))

    def describe(self) -> str:
        return f"restored hypothesis {self.id} with {counted(self._count(), 'rating')}"


class EvAdd(Record):
    op: Literal["ev.add"] = "ev.add"
    id: str
    pos: int = Field(ge=0)
    doc: Evidence

    def apply_to(self, st: CaseState) -> None:
        check_columns(st, self.doc)
        st.insert_evidence(self.pos, self.doc)

    def inverse(self) -> Record:
        return EvDelete(**{k: v for k, v in self._fields(EvAdd).items() if k != "doc"}, old=self.doc)

    def describe(self) -> str:
        return f"added evidence {self.id}: {self.doc.title}"

    def touched(self) -> tuple[str, ...]:
        return (self.id,)


class EvUpdate(Record):
    """An item edited: the changed fields only, so the trail holds the item at most once."""

    op: Literal["ev.update"] = "ev.update"
    id: str
    new: dict[str, Any]
    old: dict[str, Any]

    def _set(self, st: CaseState, values: dict[str, Any]) -> None:
        ev = st.item(self.id)
        changed = Evidence.model_validate({**ev.model_dump(mode="json"), **values}, strict=False)
        check_columns(st, changed)
        st.replace_evidence(changed)

    def apply_to(self, st: CaseState) -> None:
        self._set(st, self.new)

    def inverse(self) -> Record:
        return self._swapped()

    def describe(self) -> str:
        return f"edited evidence {self.id}: {fields_changed(self.old, self.new)}"

    def touched(self) -> tuple[str, ...]:
        return (self.id,)


class EvDelete(Record):
    op: Literal["ev.delete"] = "ev.delete"
    id: str
    pos: int = Field(ge=0)
    old: Evidence
    unlinked: list[str] = Field(default_factory=list)  # indicators observed as this item

    def apply_to(self, st: CaseState) -> None:
        st.remove_evidence(self.id)
        # an indicator observed as this item no longer points at it
        st.set_links([m.id for m in st.indicators if m.evidence_id == self.id], None)

    def inverse(self) -> Record:
        return EvRestore(**self._fields(EvDelete))

    def describe(self) -> str:
        return f"deleted evidence {self.id}: {self.old.title}"

    def touched(self) -> tuple[str, ...]:
        return (self.id,)


class EvRestore(EvDelete):
    """A deleted item put back where it was, with the indicators that were observed as it."""

    op: Literal["ev.restore"] = "ev.restore"  # type: ignore[assignment]  # a kind of its own

    def apply_to(self, st: CaseState) -> None:
        check_columns(st, self.old)
        for mid in self.unlinked:
            st.ind_pos(mid)  # before any change: a record that does not fit changes nothing
        st.insert_evidence(self.pos, self.old)
        st.set_links(self.unlinked, self.id)

    def inverse(self) -> Record:
        return EvDelete(**self._fields(EvDelete))

    def describe(self) -> str:
        return f"restored deleted evidence {self.id}: {self.old.title}"


class _Cell(Record):
    """One rating or note of one item; in a team case, the record's analyst's (who joins the
    case with it when ``joins``, and leaves it again when ``leaves``: an undone first vote)."""

    field: ClassVar[str] = "ratings"
    id: str
    hyp: str
    joins: bool = Field(default=False, exclude_if=_no)
    leaves: bool = Field(default=False, exclude_if=_no)

    def apply_to(self, st: CaseState) -> None:
        st.ev_pos(self.id)  # both exist before anything changes
        st.hyp_pos(self.hyp)
        if self.joins:
            st.join(self.analyst)
        st.set_cell(self.id, self.hyp, self.field, getattr(self, "new"), self.analyst)  # noqa: B009
        if self.leaves:
            st.leave(self.analyst)

    def inverse(self) -> Record:
        """The same cell put back: old and new swapped, and a join undone by leaving."""
        return self.model_copy(update={"new": getattr(self, "old"), "old": getattr(self, "new"),  # noqa: B009
                                       "joins": self.leaves, "leaves": self.joins})

    def touched(self) -> tuple[str, ...]:
        return (self.id,)


class Rate(_Cell):
    """One cell: the smallest and commonest record."""

    op: Literal["rate"] = "rate"
    new: Rating | None
    old: Rating | None = None

    def describe(self) -> str:
        return f"rating {self.id} × {self.hyp}: {self.old or 'unrated'} → {self.new or 'unrated'}"


class Note(_Cell):
    """One cell's note (None: removed)."""

    field: ClassVar[str] = "notes"
    op: Literal["note"] = "note"
    new: str | None
    old: str | None = None

    def describe(self) -> str:
        what = "written" if not self.old else ("removed" if not self.new else "changed")
        return f"note on {self.id} × {self.hyp} {what}"


class CaseTeam(Record):
    """A one-analyst case made a team case: its ratings and notes become the analyst's layer."""

    op: Literal["case.team"] = "case.team"

    def apply_to(self, st: CaseState) -> None:
        st.make_team(self.analyst)

    def inverse(self) -> Record:
        return CaseSolo(**self._fields(CaseTeam))

    def describe(self) -> str:
        return f"case {self.case} made a team case: its ratings and notes are {self.analyst}'s"


class CaseSolo(CaseTeam):
    """A team case of one analyst back to a one-analyst case (undo of ``case.team``)."""

    op: Literal["case.solo"] = "case.solo"  # type: ignore[assignment]  # a kind of its own

    def apply_to(self, st: CaseState) -> None:
        st.make_solo(self.analyst)

    def inverse(self) -> Record:
        return CaseTeam(**self._fields(CaseTeam))

    def describe(self) -> str:
        return f"case {self.case} back to one analyst: {self.analyst}'s ratings and notes are shared again"


class SyncSide(BaseModel):
    """One side of a sync's change to the database: the case's details, the elements that
    differ (whole), the lists whose ids or order differ (their ids in order), the sync base."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    absent: bool = False  # no such case in the database on this side
    info: CaseInfo | None = None  # None: the details did not change
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    order: dict[str, list[str]] = Field(default_factory=dict)
    synced: SyncBase | None = None


class SyncConflict(BaseModel):
    """A conflict of a sync: both values (``deleted`` names the side that deleted it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    where: str
    ours: Any = None
    theirs: Any = None
    deleted: Literal["ours", "theirs"] | None = None

    def text(self) -> str:
        kept = "theirs" if self.deleted == "ours" else "ours"
        return (f"{self.where}: ours {_side(self.ours, self.deleted == 'ours')}, theirs "
                f"{_side(self.theirs, self.deleted == 'theirs')} ({kept} kept)")


class SyncRenumbered(BaseModel):
    """An element both sides of a sync added under one id: both kept, the database's under
    ``new`` (each side's title as it was). The change log says so; it is no conflict."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key: Literal["hypotheses", "evidence", "indicators"]
    old: str
    new: str
    ours: str | None = None
    theirs: str | None = None

    def text(self, undone: bool = False) -> str:
        from hypotheses.merge import renumbered_text  # a sync's words: loaded by syncs alone

        return renumbered_text(self.key, self.old, self.new, self.ours, self.theirs, undone)


def _side(value: Any, deleted: bool) -> str:
    from hypotheses.merge import shown  # a sync's words: loaded by syncs alone

    return "deleted" if deleted else shown(value)


def _details(info: CaseInfo) -> CaseInfo:
    """A case's details without the time of its last change."""
    return info.model_copy(update={"updated": None})


class CaseSync(Record):
    """``weigh sync``: the database's case merged with a case file, in one step. ``new`` and
    ``old`` hold what differs; ``conflicts`` keep the file's values where the database's won;
    ``renumbered``, the database's elements moved to a new id because the file had added
    another under theirs."""

    op: Literal["case.sync"] = "case.sync"
    file: str
    new: SyncSide
    old: SyncSide
    conflicts: list[SyncConflict] = Field(default_factory=list)
    renumbered: list[SyncRenumbered] = Field(default_factory=list, exclude_if=_no)
    #: the undo of a sync (its inverse): said as such, its conflicts (kept for its redo) not
    undoes: bool = Field(default=False, exclude_if=_no)

    stamps: ClassVar[bool] = False  # the merged details carry their own "updated"

    @property
    def creates(self) -> bool:
        """Whether it brought the case into the database (a first sync from a file)."""
        return self.old.absent

    def apply(self, cases: dict[str, CaseState]) -> None:
        if self.new.absent:
            state_of(cases, self.case)
            del cases[self.case]
            return
        if self.old.absent:
            if self.case in cases:
                raise Conflict(f"case {self.case!r} already exists")
            if self.new.info is None:
                raise ValueError("a sync that brings a case in needs its details")
            st = CaseState(self.new.info, [], [], [])
            self._change(st)
            cases[self.case] = st
            return
        self.apply_to(state_of(cases, self.case))

    def apply_to(self, st: CaseState) -> None:
        if self.new.absent or self.old.absent:
            raise CannotUndo("the case was brought in (or taken out) by this sync")
        self._change(st)

    def _change(self, st: CaseState) -> None:
        side = self.new
        if side.info is not None:
            st.info = side.info
        for name in CASE_LISTS:
            current: list[Any] = getattr(st, name)
            put = {e.id: e for e in getattr(side, name)}
            order = side.order.get(name)
            if order is not None:
                have = {e.id: e for e in current} | put
                setattr(st, name, [have[i] for i in order])
            elif put:
                where = {e.id: i for i, e in enumerate(current)}
                changed = list(current)
                for ident, element in put.items():
                    changed[where[ident]] = element
                setattr(st, name, changed)
        st.index = {e.id: i for i, e in enumerate(st.evidence)}
        st.synced = side.synced

    def inverse(self) -> Record:
        return self._swapped().model_copy(update={"undoes": not self.undoes})

    def counts(self) -> str:
        """What it changed in the database, counted in words. An element renumbered (both sides
        added one under its id) is one renumbered, not a change: the other side's, now under its
        old id, is the one added (or, undone, removed)."""
        parts = []
        for name in CASE_LISTS:
            before = set(self.old.order.get(name, ()))
            after = set(self.new.order.get(name, ()))
            added, removed = after - before, before - after
            moved = {r.old for r in self.renumbered if r.key == name}
            changed = sum(1 for e in getattr(self.new, name) if e.id not in added and e.id not in moved)
            said = ", ".join(f"{n} {how}" for how, n in
                             (("added", len(added)), ("removed", len(removed)), ("changed", changed),
                              ("renumbered", len(moved))) if n)
            if said:
                parts.append(f"{name} {said}")
        if (self.new.info is not None and self.old.info is not None
                and _details(self.new.info) != _details(self.old.info)):
            parts.append("case details changed")
        return "; ".join(parts) or "nothing in the database"

    def describe(self) -> str:
        if self.undoes:
            return f"undid {self._undoing()}"
        what = f"synced case {self.case} with {self.file}"
        if self.old.absent:
            what += " (brought in from the file)"
        elif self.new.absent:  # an undo an older weigh recorded (no ``undoes``)
            what += " undone (the case it brought in taken out)"
        if not (self.old.absent and not self.new.order):  # the trail keeps no elements of a
            what += f": {self.counts()}"  # case brought in: its count read 'nothing in the database'
        what += self._renumbering()
        if self.conflicts:
            n = len(self.conflicts)  # each names the side kept; the other's value is kept here
            what += (f"; {n} conflict{'s' if n > 1 else ''}, both values of {'each' if n > 1 else 'it'} "
                     "kept in this record: " + "; ".join(c.text() for c in self.conflicts))
        return what

    def undone(self) -> str:
        if self.undoes:  # undoing the undo makes the sync again
            return f"the undo of the sync of case {self.case} with {self.file}"
        return cast(CaseSync, self.inverse())._undoing()

    def _undoing(self) -> str:
        """This undo of a sync in words: what it put back, and that the file keeps the sync
        (not the sync's conflicts: the undo chose nothing; its record keeps them for a redo)."""
        gone = " (the case it brought in taken out)" if self.new.absent else ""
        return (f"the sync of case {self.case} with {self.file}{gone}: {self.counts()}"
                f"{self._renumbering()}; the file keeps it: the next sync brings it back")

    def _renumbering(self) -> str:
        """Each renumbering, as the sync made it or as its undo put it back."""
        # an undo (the sides swapped) lacks the new ids again
        return "".join("; " + r.text(undone=r.new not in self.new.order.get(r.key, ()))
                       for r in self.renumbered)

    def touched(self) -> tuple[str, ...]:
        moved = set(self.new.order.get("evidence", ())) ^ set(self.old.order.get("evidence", ()))
        changed = [e.id for side in (self.new, self.old) for e in side.evidence]
        return tuple(dict.fromkeys([*changed, *sorted(moved)]))

    def for_history(self) -> Record:
        """The trail keeps what changed and the conflicts, not the base's text (or, for a case
        brought in, its elements: a sync that brought it in is where its history starts)."""
        def lean(side: SyncSide, whole: bool) -> SyncSide:
            base = side.synced.model_copy(update={"text": None}) if side.synced else None
            if whole:
                return side.model_copy(update={"synced": base, "hypotheses": [], "evidence": [],
                                               "indicators": [], "order": {}})
            return side.model_copy(update={"synced": base})
        return self.model_copy(update={"new": lean(self.new, self.old.absent),
                                       "old": lean(self.old, self.new.absent)})


class Exclude(Record):
    op: Literal["exclude"] = "exclude"
    id: str
    new: bool
    old: bool

    def _set(self, st: CaseState, value: bool) -> None:
        i = st.ev_pos(self.id)
        st.evidence[i] = st.evidence[i].model_copy(update={"excluded": value})

    def apply_to(self, st: CaseState) -> None:
        self._set(st, self.new)

    def inverse(self) -> Record:
        return self._swapped()

    def describe(self) -> str:
        return f"{self.id} {'excluded from' if self.new else 'restored to'} scoring"

    def touched(self) -> tuple[str, ...]:
        return (self.id,)


class IndAdd(Record):
    """An indicator registered (a milestone and what it would mean for each hypothesis)."""

    op: Literal["ind.add"] = "ind.add"
    id: str
    pos: int = Field(ge=0)
    doc: Indicator

    def apply_to(self, st: CaseState) -> None:
        if any(m.id == self.id for m in st.indicators):
            raise Conflict(f"indicator {self.id!r} already exists in case {st.info.id!r}")
        check_indicator(st, self.doc)
        st.indicators.insert(self.pos, self.doc)

    def inverse(self) -> Record:
        return IndDelete(**{k: v for k, v in self._fields(IndAdd).items() if k != "doc"}, old=self.doc)

    def describe(self) -> str:
        return f"added indicator {self.id}: {self.doc.title}"


class IndUpdate(Record):
    """An indicator edited: the changed fields only."""

    op: Literal["ind.update"] = "ind.update"
    id: str
    new: dict[str, Any]
    old: dict[str, Any]

    def _set(self, st: CaseState, values: dict[str, Any]) -> None:
        i = st.ind_pos(self.id)
        changed = Indicator.model_validate({**st.indicators[i].model_dump(mode="json"), **values},
                                           strict=False)
        check_indicator(st, changed)
        st.indicators[i] = changed

    def apply_to(self, st: CaseState) -> None:
        self._set(st, self.new)

    def inverse(self) -> Record:
        return self._swapped()

    def describe(self) -> str:
        return f"edited indicator {self.id}: {fields_changed(self.old, self.new)}"


class IndDelete(Record):
    op: Literal["ind.delete"] = "ind.delete"
    id: str
    pos: int = Field(ge=0)
    old: Indicator

    def apply_to(self, st: CaseState) -> None:
        del st.indicators[st.ind_pos(self.id)]

    def inverse(self) -> Record:
        return IndAdd(**{k: v for k, v in self._fields(IndDelete).items() if k != "old"}, doc=self.old)

    def describe(self) -> str:
        return f"deleted indicator {self.id}: {self.old.title}"


class IndObserve(Record):
    """An indicator seen: in one record, an evidence item carrying its pre-registered
    ratings is added, and the indicator is marked observed and linked to it."""

    op: Literal["ind.observe"] = "ind.observe"
    id: str
    pos: int = Field(ge=0)
    evidence: Evidence
    old_status: IndicatorStatus
    old_evidence_id: str | None = None
    # in a team case the item's ratings are the observer's, who joins the case with them
    joins: bool = Field(default=False, exclude_if=_no)

    def apply_to(self, st: CaseState) -> None:
        i = st.ind_pos(self.id)
        if self.joins:
            st.join(self.analyst)
        try:
            check_columns(st, self.evidence)
            st.insert_evidence(self.pos, self.evidence)
        except WeighError:
            if self.joins:
                st.leave(self.analyst)
            raise
        st.indicators[i] = st.indicators[i].model_copy(
            update={"status": "observed", "evidence_id": self.evidence.id})

    def inverse(self) -> Record:
        return IndUnobserve(**self._fields(IndObserve))

    def describe(self) -> str:
        return f"indicator {self.id} observed: added evidence {self.evidence.id}: {self.evidence.title}"

    def touched(self) -> tuple[str, ...]:
        return (self.evidence.id,)


class IndUnobserve(IndObserve):
    """An observation taken back (undo): its evidence item goes, the indicator's status returns."""

    op: Literal["ind.unobserve"] = "ind.unobserve"  # type: ignore[assignment]  # a kind of its own

    def apply_to(self, st: CaseState) -> None:
        i = st.ind_pos(self.id)
        st.remove_evidence(self.evidence.id)
        st.indicators[i] = st.indicators[i].model_copy(
            update={"status": self.old_status, "evidence_id": self.old_evidence_id})
        if self.joins:
            st.leave(self.analyst)

    def inverse(self) -> Record:
        return IndObserve(**self._fields(IndObserve))

    def describe(self) -> str:
        return f"indicator {self.id} back to {self.old_status}: removed evidence {self.evidence.id}"


Operation = Annotated[
    CasePut | CaseRestore | CaseDelete | CaseEdit | HypAdd | HypUpdate | HypDelete | HypRestore
    | EvAdd | EvUpdate | EvDelete | EvRestore | Rate | Exclude | IndAdd | IndUpdate | IndDelete | IndObserve
    | IndUnobserve | Note | CaseTeam | CaseSolo | CaseSync,
    Field(discriminator="op"),
]
# Built on first use, like the records (defer_build): a workbench's first frame needs none of
# them. build_validators builds them all at once, when a caller knows it has time.
OPERATION: TypeAdapter[Operation] = TypeAdapter(Operation, config=ConfigDict(defer_build=True))
_KIND_OF: dict[str, type[Record]] = {
    kind.model_fields["op"].default: kind for kind in get_args(get_args(Operation)[0])
}
KINDS: tuple[str, ...] = tuple(_KIND_OF)


def build_validators() -> None:
    """Build every record's validator and serializer now, so that the first
    edit or replay does not pay for them; cheap once done."""
    OPERATION.rebuild()
    for kind in get_args(get_args(Operation)[0]):
        kind.model_rebuild()


def parse_record(raw: dict[str, Any]) -> Operation:
    """A journal line or history entry as its typed record (upgraded first if older).

    The record's own class validates it, so reading a trail of a few kinds builds
    only their validators (the first frame's item history reads one or two kinds);
    a record that does not fit goes through the union, whose error names the kind.
    """
    if not isinstance(raw, dict):
        raise ValueError("not an object with named fields")
    rec = upgrade_record(raw)
    op = rec.get("op")
    kind = _KIND_OF.get(op) if isinstance(op, str) else None
    if kind is not None:
        try:
            return cast(Operation, kind.model_validate(rec, strict=False))
        except ValidationError:
            pass
    return OPERATION.validate_python(rec, strict=False)


def record_problem(exc: Exception) -> str:
    """A rejected record's reason in a line (for 'journal record N does not fit')."""
    if isinstance(exc, ValidationError):
        return describe(exc, limit=1)
    return str(exc)
