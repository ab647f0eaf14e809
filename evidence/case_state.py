"""One case in memory, as the store keeps it and records change it, and the rules an item must keep.

The store holds a :class:`CaseState` per case; the typed records
(``evidence.operations``) apply themselves to it, and the history view rewinds
a copy of it. Opening a database builds these and types no record, so the
workbench shows its case before the records' classes are loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from evidence.errors import Conflict, NotFound
from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis, Indicator, team_problems


class SyncBase(BaseModel):
    """The case as last synced with a file (``weigh sync``): the file's canonical text then,
    the base of the next sync's three-way merge. ``text`` is None in the audit trail."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built by a sync or a record
    file: str
    text: str | None = None


V = TypeVar("V")


def column_order(cells: dict[str, V], order: dict[str, int]) -> dict[str, V]:
    """A row's cells (hypothesis id → value) in the order of the case's columns."""
    return dict(sorted(cells.items(), key=lambda cell: order.get(cell[0], len(order))))


class CaseState:
    """One case in memory: frozen item models in plain lists, evidence indexed by id.

    The store keeps one per case and applies records to it; the history view
    rewinds a copy of it by applying records' inverses. Lists are replaced item by item,
    so a :meth:`case` snapshot handed out earlier never changes.
    """

    __slots__ = ("info", "hypotheses", "evidence", "indicators", "index", "synced")  # noqa: RUF023

    def __init__(self, info: CaseInfo, hypotheses: list[Hypothesis], evidence: list[Evidence],
                 indicators: list[Indicator]) -> None:
        self.info = info
        self.hypotheses = hypotheses
        self.evidence = evidence
        self.indicators = indicators
        self.index = {e.id: i for i, e in enumerate(evidence)}
        self.synced: SyncBase | None = None  # the case as last synced with a file (weigh sync)

    @classmethod
    def of(cls, case: Case) -> CaseState:
        info = CaseInfo.model_construct(**{k: getattr(case, k) for k in CaseInfo.model_fields})
        return cls(info, list(case.hypotheses), list(case.evidence), list(case.indicators))

    def case(self) -> Case:
        fields = {k: getattr(self.info, k) for k in CaseInfo.model_fields}
        return Case.model_construct(**fields, hypotheses=list(self.hypotheses),
                                    evidence=list(self.evidence), indicators=list(self.indicators))

    # ---------------------------------------------------------------- lookups

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

    def item(self, eid: str) -> Evidence:
        return self.evidence[self.ev_pos(eid)]

    def ind_pos(self, mid: str) -> int:
        for i, m in enumerate(self.indicators):
            if m.id == mid:
                return i
        raise NotFound(f"no indicator {mid!r} in case {self.info.id!r}")

    # ---------------------------------------------------------------- changes

    def insert_evidence(self, pos: int, ev: Evidence) -> None:
        if ev.id in self.index:
            raise Conflict(f"evidence {ev.id!r} already exists in case {self.info.id!r}")
        self.evidence.insert(pos, ev)
        self._reindex(pos)

    def remove_evidence(self, eid: str) -> None:
        pos = self.ev_pos(eid)
        del self.evidence[pos]
        del self.index[eid]
        self._reindex(pos)

    def replace_evidence(self, ev: Evidence) -> None:
        self.evidence[self.ev_pos(ev.id)] = ev

    def _reindex(self, start: int) -> None:
        for i in range(start, len(self.evidence)):
            self.index[self.evidence[i].id] = i
        # every item is indexed now, so equal sizes mean no stale key: skip the O(n) scan
        if len(self.index) != len(self.evidence):
            for eid in [k for k, i in self.index.items() if i >= len(self.evidence)]:
                del self.index[eid]

    def insert_column(self, pos: int, hyp: Hypothesis, ratings: dict[str, str], notes: dict[str, str],
                      indicator_ratings: dict[str, str] | None = None,
                      layers: dict[str, dict[str, dict[str, str]]] | None = None) -> None:
        """Put a column back with its cells; ``layers``: a team case's, field → item → analyst → value."""
        if any(h.id == hyp.id for h in self.hypotheses):
            raise Conflict(f"hypothesis {hyp.id!r} already exists in case {self.info.id!r}")
        # every cell's item and indicator first: a record that does not fit changes nothing
        layered = [eid for items in (layers or {}).values() for eid in items]
        for eid in (*ratings, *notes, *layered):
            self.ev_pos(eid)
        for mid in indicator_ratings or {}:
            self.ind_pos(mid)
        self.hypotheses.insert(pos, hyp)
        # each cell where the column is, not last: a report lists a row's cells as it finds them
        order = {h.id: k for k, h in enumerate(self.hypotheses)}
        for key, cells in (("ratings", ratings), ("notes", notes)):
            for eid, value in cells.items():
                i = self.ev_pos(eid)
                ev = self.evidence[i]
                self.evidence[i] = ev.model_copy(
                    update={key: column_order({**getattr(ev, key), hyp.id: value}, order)})
        for mid, code in (indicator_ratings or {}).items():
            i = self.ind_pos(mid)
            ind = self.indicators[i]
            self.indicators[i] = ind.model_copy(
                update={"ratings": column_order({**ind.ratings, hyp.id: code}, order)})
        for key, items in (layers or {}).items():
            for eid, by in items.items():
                i = self.ev_pos(eid)
                ev = self.evidence[i]
                merged = dict(getattr(ev, key))
                for analyst, value in by.items():
                    merged[analyst] = column_order({**merged.get(analyst, {}), hyp.id: value}, order)
                self.evidence[i] = ev.model_copy(update={key: merged})

    def drop_column(self, hid: str) -> None:
        """Remove a hypothesis with every rating and note of it (items', their layers' and
        indicators')."""
        del self.hypotheses[self.hyp_pos(hid)]
        for i, ev in enumerate(self.evidence):
            if hid in ev.ratings or hid in ev.notes:
                self.evidence[i] = ev.model_copy(update={
                    "ratings": {k: v for k, v in ev.ratings.items() if k != hid},
                    "notes": {k: v for k, v in ev.notes.items() if k != hid},
                })
            if ev.ratings_by or ev.notes_by:
                ev = self.evidence[i]
                self.evidence[i] = ev.model_copy(update={
                    key: _without_column(getattr(ev, key), hid) for key in LAYER_FIELDS})
        for i, ind in enumerate(self.indicators):
            if hid in ind.ratings:
                self.indicators[i] = ind.model_copy(
                    update={"ratings": {k: v for k, v in ind.ratings.items() if k != hid}})

    # ------------------------------------------------------------- teams

    def join(self, analyst: str | None) -> None:
        """``analyst`` joins the team case (a first vote or note)."""
        if analyst is None or analyst in self.info.analysts:
            raise Conflict(f"case {self.info.id}: analyst {analyst!r} cannot join it twice")
        self.info = self.info.model_copy(update={"analysts": [*self.info.analysts, analyst]})

    def leave(self, analyst: str | None) -> None:
        """Undo of :meth:`join`: ``analyst`` is no longer listed."""
        if analyst not in self.info.analysts:
            raise Conflict(f"case {self.info.id}: analyst {analyst!r} is not one of its analysts")
        self.info = self.info.model_copy(
            update={"analysts": [a for a in self.info.analysts if a != analyst]})

    def set_cell(self, eid: str, hid: str, field: str, value: str | None, analyst: str | None) -> None:
        """One rating or note (``field``) of one item; None or '' clears it. A team case's
        cell is ``analyst``'s, in their layer (``<field>_by``); emptied layers are dropped."""
        i = self.ev_pos(eid)
        self.hyp_pos(hid)
        ev = self.evidence[i]
        if not self.info.analysts:
            self.evidence[i] = ev.model_copy(update={field: _put(getattr(ev, field), hid, value)})
            return
        if analyst is None or analyst not in self.info.analysts:
            raise Conflict(f"evidence {eid}: {field}: analyst {analyst!r} is not one of the case's "
                           f"analysts ({', '.join(self.info.analysts)})")
        layers = dict(getattr(ev, f"{field}_by"))
        cells = _put(layers.get(analyst, {}), hid, value)
        if cells:
            layers[analyst] = cells
        else:
            layers.pop(analyst, None)
        self.evidence[i] = ev.model_copy(update={f"{field}_by": layers})

    def make_team(self, analyst: str | None) -> None:
        """A one-analyst case becomes a team case: its ratings and notes become ``analyst``'s layer."""
        if self.info.analysts:
            raise Conflict(f"case {self.info.id} is already a team case "
                           f"({', '.join(self.info.analysts)})")
        if analyst is None:
            raise Conflict(f"case {self.info.id}: a team case needs an analyst")
        for i, ev in enumerate(self.evidence):
            if ev.ratings or ev.notes:
                self.evidence[i] = ev.model_copy(update={
                    "ratings": {}, "notes": {},
                    "ratings_by": {analyst: ev.ratings} if ev.ratings else {},
                    "notes_by": {analyst: ev.notes} if ev.notes else {},
                })
        self.info = self.info.model_copy(update={"analysts": [analyst]})

    def make_solo(self, analyst: str | None) -> None:
        """Undo of :meth:`make_team`: ``analyst``, the only analyst, owns the shared cells again."""
        if analyst is None or self.info.analysts != [analyst]:
            raise Conflict(f"case {self.info.id}: only a team case whose one analyst is {analyst} can "
                           f"go back to one analyst (it lists {', '.join(self.info.analysts) or 'none'})")
        for i, ev in enumerate(self.evidence):
            if ev.ratings_by or ev.notes_by:
                self.evidence[i] = ev.model_copy(update={
                    "ratings": ev.ratings_by.get(analyst, {}), "notes": ev.notes_by.get(analyst, {}),
                    "ratings_by": {}, "notes_by": {},
                })
        self.info = self.info.model_copy(update={"analysts": []})

    def set_links(self, mids: Iterable[str], eid: str | None) -> None:
        """Point indicators at an evidence item (None: at none)."""
        for mid in mids:
            i = self.ind_pos(mid)
            self.indicators[i] = self.indicators[i].model_copy(update={"evidence_id": eid})


LAYER_FIELDS = ("ratings_by", "notes_by")


def _put(cells: dict[str, Any], hid: str, value: str | None) -> dict[str, Any]:
    """``cells`` with ``hid`` set to ``value`` (None or '' removes it), as a new dict."""
    out = {k: v for k, v in cells.items() if k != hid}
    if value:
        out[hid] = value
    return out


def _without_column(layers: dict[str, dict[str, Any]], hid: str) -> dict[str, dict[str, Any]]:
    """Every analyst's layer without ``hid``; layers left empty are dropped."""
    out = {}
    for analyst, cells in layers.items():
        kept = {k: v for k, v in cells.items() if k != hid}
        if kept:
            out[analyst] = kept
    return out


def column_layers(evidence: Iterable[Evidence], hid: str) -> dict[str, dict[str, dict[str, str]]]:
    """A team case's cells of one column: layer field → item id → analyst → value."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for key in LAYER_FIELDS:
        cells = {ev.id: by for ev in evidence
                 if (by := {a: layer[hid] for a, layer in getattr(ev, key).items() if hid in layer})}
        if cells:
            out[key] = cells
    return out


def state_of(cases: dict[str, CaseState], case_id: str) -> CaseState:
    try:
        return cases[case_id]
    except KeyError:
        raise NotFound(f"no case {case_id!r}") from None


def check_indicator(st: CaseState, ind: Indicator) -> None:
    """An indicator may only rate hypotheses the case has and point at an item it has."""
    hids = {h.id for h in st.hypotheses}
    for hid in ind.ratings:
        if hid not in hids:
            raise Conflict(f"indicator {ind.id}: ratings: unknown hypothesis id {hid!r}")
    if ind.evidence_id is not None and ind.evidence_id not in st.index:
        raise Conflict(f"indicator {ind.id}: evidence_id: no evidence item {ind.evidence_id!r}")


def check_columns(st: CaseState, ev: Evidence) -> None:
    """An item may only rate or annotate hypotheses the case has (in a team case, only in
    its analysts' layers)."""
    hids = {h.id for h in st.hypotheses}
    for field in ("ratings", "notes"):
        for hid in getattr(ev, field):
            if hid not in hids:
                raise Conflict(f"evidence {ev.id}: {field}: unknown hypothesis id {hid!r}")
    if st.info.analysts or ev.ratings_by or ev.notes_by:
        problems = team_problems([ev], hids, st.info.analysts)
        if problems:
            raise Conflict(problems[0])

