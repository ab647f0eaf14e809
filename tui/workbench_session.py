"""The workbench's state and edits, apart from any widget: one open case, its view
(filter, sort, as-of date, scoring model), the undo stack, and every edit.

Every edit follows one path: call the store (durable when it returns), push the
step that undoes it, rescore, and say what the screen must redraw (a
:class:`Change`). The screen maps keys to these methods and draws the result;
this module never touches a widget, so it is tested without a terminal.

The filter narrows what is *shown*; the scores stay those of the whole case
unless ``score_shown`` is on (an explicit toggle the screen shows).

tui/README.md shows how the parts fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import compress
from operator import attrgetter, is_not, ne
from typing import TYPE_CHECKING, Literal

from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis, Indicator, Rating
from hypotheses.replay import LeaderSeries
from hypotheses.scoring import (
    NUMERIC,
    Analysis,
    Scorer,
    known_date,
    known_dates,
    leader_ids,
    weight,
)
from hypotheses.scoring_models import DEFAULT_MODEL, MODELS, next_model

if TYPE_CHECKING:
    from evidence.store import Store

SORTS = ("date", "diagnosticity", "weight")
_EVENT_DATE = attrgetter("event_date")
UNDO_DEPTH = 100


class NoCase(Exception):
    """An edit was asked for while no case is open."""


@dataclass(frozen=True)
class RowFacts:
    """What the analysis says about one row; the matrix draws it."""

    active: bool  # takes part in scoring (not excluded, not after the as-of date)
    excluded: bool
    later: bool  # known (event or reported) after the as-of date
    diagnosticity: float
    linchpin: bool  # for the model on show
    rated: int


@dataclass(frozen=True)
class Undo:
    """One step back: what it undoes and the store calls that do it."""

    label: str
    apply: Callable[[], object]
    focus: tuple[str | None, str | None]


@dataclass(frozen=True)
class Change:
    """What an operation changed, so the screen redraws only that.

    ``redraw``: ``"item"`` one item's cells and facts changed (order kept; compare
    with ``before``); ``"facts"`` any row's facts may have changed but not the
    rows shown or their order (model, as-of date); ``"rows"`` the rows shown or
    their order changed (sort, filter, add, delete, undo): a rebuild, the cursor
    on ``focus``. ``message``: one line for the user, or None.
    """

    redraw: Literal["item", "facts", "rows", "none"]
    focus: tuple[str | None, str | None] = (None, None)
    before: Analysis | None = None
    message: str | None = None


NOTHING = Change("none")


def haystack_of(ev: Evidence) -> str:
    """The text a filter word is looked for in: id, title, details, source, kind."""
    return f"{ev.id} {ev.title} {ev.details} {ev.source} {ev.kind}".lower()


@dataclass(frozen=True)
class Query:
    """A filter, parsed once (not per item): every word must occur (any case) in the
    item's id, title, details, source or kind; every ``#tag`` must be one of its tags
    (a lone ``#``, a tag still being typed, asks nothing); every ``=group`` must be
    its same-fact group, and a lone ``=`` asks for items in any group."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    any_group: bool = False

    @classmethod
    def parse(cls, query: str) -> Query:
        words, tags, groups, any_group = [], [], [], False
        for token in query.lower().split():
            if token.startswith("#"):
                if len(token) > 1:
                    tags.append(token[1:])
            elif token.startswith("="):
                if len(token) > 1:
                    groups.append(token[1:])
                else:
                    any_group = True
            else:
                words.append(token)
        return cls(tuple(words), tuple(tags), tuple(groups), any_group)

    def test(self, ev: Evidence, haystack: str | None = None) -> bool:
        """Does ``ev`` match (``haystack``: its :func:`haystack_of`, if already made)?"""
        if any(tag not in ev.tags for tag in self.tags):
            return False
        if self.groups and any(group != ev.group for group in self.groups):
            return False
        if self.any_group and ev.group is None:
            return False
        if self.words:
            text = haystack_of(ev) if haystack is None else haystack
            return all(word in text for word in self.words)
        return True

    def narrows(self, other: Query) -> bool:
        """Every item this query shows, ``other`` shows too (typing one more character
        or word), so this one can be applied to ``other``'s result alone."""
        return (
            all(any(word in mine for mine in self.words) for word in other.words)
            and set(other.tags) <= set(self.tags)
            and set(other.groups) <= set(self.groups)
            and (not other.any_group or self.any_group or bool(self.groups))
        )


def matches(ev: Evidence, query: str, haystack: str | None = None) -> bool:
    """Does ``ev`` match the filter ``query`` (see :class:`Query`)?"""
    return Query.parse(query).test(ev, haystack)


def next_id(prefix: str, taken: list[str]) -> str:
    """The next free ``<prefix><n>`` after the highest number in use."""
    highest = 0
    for item_id in taken:
        m = re.fullmatch(rf"{re.escape(prefix)}(\d+)", item_id)
        if m:
            highest = max(highest, int(m.group(1)))
    n = highest + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def first_steps(hypotheses: int, evidence: int, rated: int) -> str | None:
    """What to do next in a case that is just starting (ACH's order: hypotheses
    first, then evidence, then rate across each row); None once it is under way."""
    if hypotheses == 0:
        return ("Step 1 of 3: list the hypotheses. Press A (shift+a) to add one: every "
                "explanation that could be true, even unlikely ones. Two or more make a "
                "comparison.")
    if hypotheses == 1:
        return ("Step 1 of 3: one hypothesis so far. ACH weighs hypotheses against each "
                "other: press A to add at least one more.")
    if evidence == 0:
        return ("Step 2 of 3: add the evidence. Press a to add an item: a fact, report or "
                "claim, with its date and source. Arguments and assumptions count too.")
    if rated == 0:
        return ("Step 3 of 3: rate across each row. For the focused item, ask how well it "
                "fits each hypothesis: c consistent, i inconsistent, n neutral (C and I: very). "
                "→ moves to the next hypothesis. The item that fits one hypothesis and not "
                "the others is the one that tells them apart.")
    return None


class WorkbenchSession:
    """One open case as the workbench shows it, and every edit to it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.case_id: str | None = None
        self.case: Case | None = None
        self.scored: Case | None = None  # what the analysis is of: the case, or the shown items
        self.shown: list[Evidence] = []  # the filtered items, in case order
        self.analysis: Analysis | None = None
        self.model: str = DEFAULT_MODEL
        self.sort = "date"
        self.filter_query = ""
        self.score_shown = False  # score only the filtered items (explicit toggle)
        self.stops: list[date | None] = [None]
        self.stop = 0
        self.undo_stack: list[Undo] = []
        self.positions: dict[str, int] = {}  # item id → index in ``scored``
        self._haystacks: dict[int, tuple[Evidence, str]] = {}  # id(item) → (item, its text)
        # per sort: (the shown items, the diagnosticities it sorted by, the order)
        self._orders: dict[str, tuple[list[Evidence], tuple[float, ...], list[Evidence]]] = {}
        # the last filter applied: (the items it filtered, the query, its result)
        self._last_filter: tuple[list[Evidence], Query, list[Evidence]] | None = None
        self._used: set[int] = set()
        self.scorer = Scorer()  # incremental: a one-cell edit rescores only that item
        self.series_for: dict[str, LeaderSeries] = {m: LeaderSeries(m) for m in MODELS}
        # per model, the last line worked out: (scored case, stops, leader, series)
        self._series: dict[str, tuple[Case, list[date | None], str, list[float]]] = {}

    # ------------------------------------------------------------ reading

    @property
    def as_of(self) -> date | None:
        return self.stops[self.stop] if self.stops else None

    def require(self) -> str:
        """The open case's id, or :class:`NoCase`."""
        if self.case_id is None:
            raise NoCase("No case is open: ctrl+o opens, creates or imports one")
        return self.case_id

    def open(self, case_id: str | None) -> None:
        """Show a case from the start: all dates, no filter, nothing to undo."""
        self.case_id = case_id
        self.filter_query = ""
        self.score_shown = False
        self.undo_stack.clear()
        if case_id is None:
            self.case = self.scored = self.analysis = None
            self.shown = []
            self.positions = {}
            self.stops, self.stop = [None], 0
            return
        self.case = self.store.case(case_id)
        self.stops = [*known_dates(self.case), None]
        self.stop = len(self.stops) - 1
        self.recompute()

    def refresh_dates(self) -> None:
        """Event dates may have changed: keep the as-of date if it still exists."""
        if self.case_id is None:
            return
        current = self.as_of
        self.stops = [*known_dates(self.store.case(self.case_id)), None]
        self.stop = self.stops.index(current) if current in self.stops else len(self.stops) - 1

    def recompute(self, edited: str | None = None, *, reread: bool = True) -> None:
        """Re-read the case from the store, refilter and rescore.

        ``edited``: only that item changed (a rating, an exclusion, a note), so
        the view keeps its order and only that item is looked at again.
        ``reread``: false when the store has not changed (another as-of date, the
        scoring toggle): the case on show is scored again as it is, and what is
        kept for it (the sparkline's series) still holds.
        """
        case_id = self.require()
        if reread or self.case is None:
            self.case = self.store.case(case_id)
        case = self.case
        query = self.filter_query
        if edited is not None and self.scored is not None and edited in self.positions:
            ev = self.store.evidence(case_id, edited)
            if not query or matches(ev, query):
                i = self.positions[edited]
                if query:
                    self.shown = [ev if s.id == edited else s for s in self.shown]
                else:
                    self.shown = case.evidence  # the edited item, not the one it replaced
                if query and self.score_shown:
                    evidence = list(self.scored.evidence)
                    evidence[i] = ev
                    self.scored = self.scored.model_copy(update={"evidence": evidence})
                else:
                    self.scored = case
                self.analysis = self.scorer.analyse(self.scored, self.as_of)
                self._used = set(self.analysis.used)
                return
        self.shown = self._filtered(case.evidence, query)
        if query and self.score_shown:
            fields = {k: getattr(case, k) for k in type(case).model_fields if k != "evidence"}
            self.scored = Case.model_construct(**fields, evidence=list(self.shown))
        else:
            self.scored = case
        self.positions = {ev.id: i for i, ev in enumerate(self.scored.evidence)}
        self.analysis = self.scorer.analyse(self.scored, self.as_of)
        self._used = set(self.analysis.used)

    def facts(self, ev: Evidence) -> RowFacts:
        """The row facts of a shown item under the current analysis and model."""
        assert self.analysis is not None
        i = self.positions[ev.id]
        return RowFacts(
            active=i in self._used,
            excluded=ev.excluded,
            later=self.known_later(ev),
            diagnosticity=self.analysis.diagnosticity[i],
            linchpin=self.model in self.analysis.linchpins[i],
            rated=sum(1 for code in ev.ratings.values() if code in NUMERIC),
        )

    def known_later(self, ev: Evidence) -> bool:
        """Not counted yet at the as-of date: known (the later of its event and reported
        dates) only after it. An event before the date reported after it is still later."""
        as_of = self.as_of
        known = known_date(ev)
        return as_of is not None and known is not None and known > as_of

    def rows(self) -> list[Evidence]:
        """The shown items in the chosen sort order (ties keep case order); read only.

        Each order is kept while the shown items (and, for diagnosticity, the
        diagnosticities) are the same: cycling the sort, or stepping the date,
        sorts 10,000 items once per order, not once per key."""
        assert self.analysis is not None
        items = self.shown
        diag = self.analysis.diagnosticity if self.sort == "diagnosticity" else ()
        kept = self._orders.get(self.sort)
        if kept is not None and kept[0] is items and kept[1] == diag:
            return kept[2]
        order = self._sorted(items, diag)
        self._orders[self.sort] = (items, diag, order)
        return order

    def _sorted(self, items: list[Evidence], diag: tuple[float, ...]) -> list[Evidence]:
        if self.sort == "date":
            dated = [ev for ev in items if ev.event_date is not None]
            dated.sort(key=_EVENT_DATE)
            return dated + [ev for ev in items if ev.event_date is None]
        # reverse=True keeps ties in case order (Python's sort stays stable)
        if self.sort == "diagnosticity":
            if items is self.case_evidence():  # positions are list indexes: no lookups
                order = sorted(range(len(items)), key=diag.__getitem__, reverse=True)
                return [items[i] for i in order]
            pos = self.positions
            return sorted(items, key=lambda ev: diag[pos[ev.id]], reverse=True)
        return sorted(items, key=weight, reverse=True)

    def case_evidence(self) -> list[Evidence] | None:
        """The scored case's item list (the analysis indexes it)."""
        return self.scored.evidence if self.scored is not None else None

    def changed_items(self, before: Analysis | None) -> list[int] | range:
        """Indexes (in ``scored``) whose row may look different since ``before``."""
        assert self.scored is not None and self.analysis is not None
        evidence = self.scored.evidence
        now = self.analysis
        if (before is None or before.used != now.used or before.as_of != now.as_of
                or len(before.case.evidence) != len(evidence)):
            return range(len(evidence))
        n = range(len(evidence))
        out = set(compress(n, map(is_not, evidence, before.case.evidence)))
        out.update(compress(n, map(ne, now.diagnosticity, before.diagnosticity)))
        out.update(compress(n, map(ne, now.linchpins, before.linchpins)))
        return sorted(out)

    def leaders(self) -> list[str]:
        """Every hypothesis sharing rank 1 under the model on show."""
        if self.analysis is None or not self.analysis.case.hypotheses:
            return []
        return leader_ids(self.analysis, self.model)

    def leader_series(self, model: str | None = None) -> list[float]:
        """The (first) leader's score at every as-of stop under ``model`` (default: the
        one on show), for the timeline.

        Kept per model while the scored case, stops and leader stay the same: a sort,
        a filter, an as-of step or another model draws a line already worked out."""
        model = model or self.model
        if self.analysis is None or self.scored is None or not self.analysis.case.hypotheses:
            return []
        leaders = leader_ids(self.analysis, model)
        if not leaders:
            return []
        last = self._series.get(model)
        if last is not None and last[0] is self.scored and last[1] is self.stops and last[2] == leaders[0]:
            return last[3]
        series = self.series_for[model].series(self.scored, leaders[0], self.stops)
        self._series[model] = (self.scored, self.stops, leaders[0], series)
        return series

    def first_steps(self) -> str | None:
        """The guide for an empty or unrated case (see :func:`first_steps`)."""
        if self.case is None:
            return None
        rated = any(ev.ratings for ev in self.case.evidence)  # stops at the first rated item
        return first_steps(len(self.case.hypotheses), len(self.case.evidence), int(rated))

    def warm_up(self) -> None:
        """Work out every model's leader series now (after the first frame), so the
        first m or [ after opening a large case does not pay for it."""
        if self.analysis is None or self.scored is None or not self.analysis.case.hypotheses:
            return
        for model in MODELS:
            self.leader_series(model)

    def focused_item(self, eid: str | None) -> Evidence | None:
        if eid is None or self.case_id is None:
            return None
        return self.store.evidence(self.case_id, eid)

    def next_evidence_id(self) -> str:
        assert self.case is not None
        return next_id("E", [ev.id for ev in self.case.evidence])

    def next_indicator_id(self) -> str:
        assert self.case is not None
        return next_id("M", [ind.id for ind in self.case.indicators])

    def groups(self) -> list[str]:
        """The case's same-fact groups, sorted: the evidence form offers them."""
        if self.case is None:
            return []
        return sorted({ev.group for ev in self.case.evidence if ev.group is not None})

    def group_members(self, group: str) -> list[str]:
        """Ids of the case's items in one same-fact group, case order."""
        if self.case is None:
            return []
        return [ev.id for ev in self.case.evidence if ev.group == group]

    def next_hypothesis_id(self) -> str:
        assert self.case is not None
        return next_id("H", [h.id for h in self.case.hypotheses])

    # ---------------------------------------------------------- view state

    def cycle_model(self) -> Change:
        self.require()
        self.model = next_model(self.model)
        return Change("facts")  # linchpin marks are per model

    def cycle_sort(self, focus: tuple[str | None, str | None]) -> Change:
        self.require()
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        return Change("rows", focus, message=f"Sorted by {self.sort}")

    def step_date(self, step: int) -> Change:
        """Replay the case as it stood at the previous/next distinct event date."""
        self.require()
        new = max(0, min(self.stop + step, len(self.stops) - 1))
        if new == self.stop:
            return Change("none", message="No earlier date" if step < 0 else "Already showing all dates")
        self.stop = new
        self.recompute(reread=False)
        return Change("facts")

    def set_filter(self, query: str, focus: tuple[str | None, str | None],
                   *, typing: bool = False) -> Change:
        """Show only matching items (the scores stay the whole case's unless
        ``score_shown`` is on). ``typing``: still being typed, so no warning yet."""
        self.require()
        query = query.strip()
        changed = query != self.filter_query
        if changed:
            self.filter_query = query
            if self.score_shown or self.case is None:
                self.recompute(reread=False)
            else:  # the scores are the whole case's: only what is shown changes
                self.shown = self._filtered(self.case.evidence, query)
        message = None
        if query and not self.shown and not typing:
            message = "No evidence matches the filter"
        return Change("rows" if changed else "none", focus, message=message)

    def _filtered(self, evidence: list[Evidence], query: str) -> list[Evidence]:
        """The items matching ``query``, in case order.

        Each item's text is lowered once, not per key; a query that narrows the last
        one (a character typed on the end of a word, another word) looks only at the
        last one's result, when the items are the same.
        """
        if not query:
            return evidence
        parsed = Query.parse(query)
        items = evidence
        last = self._last_filter
        if last is not None and last[0] is evidence and parsed.narrows(last[1]):
            items = last[2]
        out = items
        for tag in parsed.tags:  # one pass per token: no call per item
            out = [ev for ev in out if tag in ev.tags]
        for group in parsed.groups:
            out = [ev for ev in out if ev.group == group]
        if parsed.any_group:
            out = [ev for ev in out if ev.group is not None]
        if parsed.words:
            text = self._haystack
            for word in parsed.words:
                out = [ev for ev in out if word in text(ev)]
        self._last_filter = (evidence, parsed, out)
        return out

    def _haystack(self, ev: Evidence) -> str:
        """:func:`haystack_of`, kept per item while it is the same object."""
        cache = self._haystacks
        got = cache.get(id(ev))
        if got is None or got[0] is not ev:
            if len(cache) > 2 * len(self.case.evidence if self.case else ()) + 1000:
                cache.clear()  # edited items left old entries behind
            got = cache[id(ev)] = (ev, haystack_of(ev))
        return got[1]

    def toggle_score_shown(self, focus: tuple[str | None, str | None]) -> Change:
        """Score only the shown (filtered) items, or the whole case again."""
        self.require()
        self.score_shown = not self.score_shown
        self.recompute(reread=False)
        what = "only the shown items" if self.score_shown else "the whole case"
        return Change("rows", focus, message=f"Scoring {what}")

    # --------------------------------------------------------------- edits

    def _push(self, label: str, apply: Callable[[], object],
              focus: tuple[str | None, str | None]) -> None:
        self.undo_stack.append(Undo(label, apply, focus))
        del self.undo_stack[:-UNDO_DEPTH]

    def rate(self, eid: str, hid: str, code: Rating | None) -> Change:
        """Set (or clear) one cell; clearing removes the cell's note too."""
        case_id = self.require()
        old_ev = self.store.evidence(case_id, eid)
        old = old_ev.ratings.get(hid)
        if old == code and (code is not None or hid not in old_ev.notes):
            return NOTHING
        if code is None and hid in old_ev.notes:
            ratings = {k: v for k, v in old_ev.ratings.items() if k != hid}
            notes = {k: v for k, v in old_ev.notes.items() if k != hid}
            self.store.update_evidence(case_id, old_ev.model_copy(update={"ratings": ratings,
                                                                          "notes": notes}))
            self._push(f"clearing {eid}/{hid} and its note",
                       lambda: self.store.update_evidence(case_id, old_ev), (eid, hid))
        else:
            self.store.set_rating(case_id, eid, hid, code)
            self._push(f"rating {eid}/{hid}",
                       lambda: self.store.set_rating(case_id, eid, hid, old), (eid, hid))
        before = self.analysis
        self.recompute(edited=eid)
        return Change("item", (eid, hid), before)

    def set_note(self, eid: str, hid: str, text: str) -> Change:
        """Write, change or (empty text) remove the note on one cell."""
        case_id = self.require()
        old_ev = self.store.evidence(case_id, eid)
        text = text.strip()
        if old_ev.notes.get(hid, "") == text:
            return NOTHING
        notes = dict(old_ev.notes)
        if text:
            notes[hid] = text
        else:
            notes.pop(hid, None)
        new_ev = Evidence.model_validate({**old_ev.model_dump(), "notes": notes})
        self.store.update_evidence(case_id, new_ev)
        self._push(f"note on {eid}/{hid}",
                   lambda: self.store.update_evidence(case_id, old_ev), (eid, hid))
        before = self.analysis
        self.recompute(edited=eid)
        return Change("item", (eid, hid), before,
                      message=f"Note on {eid} × {hid} {'saved' if text else 'removed'}")

    def toggle_excluded(self, eid: str, focus: tuple[str | None, str | None]) -> Change:
        """What-if: leave the item out of scoring (or put it back)."""
        case_id = self.require()
        old = self.store.evidence(case_id, eid).excluded
        self.store.set_excluded(case_id, eid, not old)
        self._push(f"exclusion of {eid}",
                   lambda: self.store.set_excluded(case_id, eid, old), focus)
        before = self.analysis
        self.recompute(edited=eid)
        return Change("item", focus, before)

    def undo(self) -> Change:
        self.require()
        if not self.undo_stack:
            return Change("none", message="Nothing to undo")
        step = self.undo_stack.pop()
        step.apply()
        self.refresh_dates()  # the step may bring back (or take away) a date
        self.recompute()
        return Change("rows", step.focus, message=f"Undid {step.label}")

    def add_evidence(self, ev: Evidence) -> Change:
        case_id = self.require()
        self.store.add_evidence(case_id, ev)
        self._push(f"adding {ev.id}", lambda: self.store.delete_evidence(case_id, ev.id),
                   (None, None))
        message = None
        if self.filter_query and not matches(ev, self.filter_query):
            self.filter_query = ""
            message = "Filter cleared to show the new item"
        self.refresh_dates()
        self.recompute()
        assert self.case is not None
        first = self.case.hypotheses[0].id if self.case.hypotheses else None
        return Change("rows", (ev.id, first), message=message)

    def update_evidence(self, old: Evidence, new: Evidence,
                        focus: tuple[str | None, str | None]) -> Change:
        case_id = self.require()
        self.store.update_evidence(case_id, new)
        self._push(f"edit of {old.id}", lambda: self.store.update_evidence(case_id, old), focus)
        self.refresh_dates()
        self.recompute()
        return Change("rows", focus)

    def delete_evidence(self, eid: str, hid: str | None, row: int) -> Change:
        """Delete an item; the cursor goes to the row that took its place."""
        case_id = self.require()
        old, pos = self.store.delete_evidence(case_id, eid)
        self._push(f"deleting {eid}",
                   lambda: self.store.add_evidence(case_id, old, pos), (eid, hid))
        self.refresh_dates()
        self.recompute()
        rows = self.rows()
        target = rows[min(row, len(rows) - 1)].id if rows else None
        return Change("rows", (target, hid), message=f"Deleted {eid}: u undoes")

    def add_hypothesis(self, hyp: Hypothesis, eid: str | None) -> Change:
        case_id = self.require()
        self.store.add_hypothesis(case_id, hyp)
        self._push(f"adding {hyp.id}",
                   lambda: self.store.delete_hypothesis(case_id, hyp.id), (None, None))
        self.recompute()
        return Change("rows", (eid, hyp.id))

    def update_hypothesis(self, old: Hypothesis, new: Hypothesis,
                          focus: tuple[str | None, str | None]) -> Change:
        case_id = self.require()
        self.store.update_hypothesis(case_id, new)
        self._push(f"edit of {old.id}",
                   lambda: self.store.update_hypothesis(case_id, old), focus)
        self.recompute()
        return Change("rows", focus)

    def update_case_info(self, old: CaseInfo, new: CaseInfo,
                         focus: tuple[str | None, str | None]) -> Change:
        """Title, question, description, conclusion: the rows stay, the panels redraw."""
        self.require()
        self.store.update_case_info(new)
        self._push("case details edit", lambda: self.store.update_case_info(old), focus)
        self.recompute()
        return Change("facts", focus, message="Case details saved: u undoes")

    # ------------------------------------------------------- indicators
    # They take no part in scoring: only observing one (a new item) moves the matrix.

    def add_indicator(self, ind: Indicator) -> Change:
        case_id = self.require()
        self.store.add_indicator(case_id, ind)
        self._push(f"adding indicator {ind.id}",
                   lambda: self.store.delete_indicator(case_id, ind.id), (None, None))
        self.case = self.store.case(case_id)
        return Change("none", message=f"Indicator {ind.id} registered: u undoes")

    def update_indicator(self, old: Indicator, new: Indicator) -> Change:
        case_id = self.require()
        self.store.update_indicator(case_id, new)
        self._push(f"edit of indicator {old.id}",
                   lambda: self.store.update_indicator(case_id, old), (None, None))
        self.case = self.store.case(case_id)
        return Change("none")

    def delete_indicator(self, mid: str) -> Change:
        case_id = self.require()
        old, pos = self.store.delete_indicator(case_id, mid)
        self._push(f"deleting indicator {mid}",
                   lambda: self.store.add_indicator(case_id, old, pos), (None, None))
        self.case = self.store.case(case_id)
        return Change("none", message=f"Deleted indicator {mid}: u undoes")

    def observe_indicator(self, mid: str, today: date) -> Change:
        """Seen: one store record adds an item carrying the indicator's pre-registered
        ratings (reported today) and marks it observed; the item is then selected."""
        case_id = self.require()
        assert self.case is not None
        ind = self.case.indicator(mid)
        draft = Evidence(id=self.next_evidence_id(), title=ind.title, details=ind.details,
                         source=f"indicator {mid}", reported_date=today)
        ev = self.store.observe_indicator(case_id, mid, draft)
        old_status = ind.status if ind.status != "observed" else "watching"
        self._push(f"observing {mid}",
                   lambda: self.store.unobserve_indicator(case_id, mid, old_status),
                   (None, None))
        message = (f"{mid} observed: {ev.id} added with its pre-registered ratings "
                   "(edit it like any item; u undoes)")
        if self.filter_query and not matches(ev, self.filter_query):
            self.filter_query = ""
            message += "; filter cleared to show it"
        self.refresh_dates()
        self.recompute()
        assert self.case is not None
        first = self.case.hypotheses[0].id if self.case.hypotheses else None
        return Change("rows", (ev.id, first), message=message)

    def delete_hypothesis(self, hid: str, eid: str | None) -> Change:
        case_id = self.require()
        removal = self.store.delete_hypothesis(case_id, hid)
        self._push(f"deleting {hid}",
                   lambda: self.store.restore_hypothesis(case_id, removal), (eid, hid))
        self.recompute()
        return Change("rows", (eid, None), message=f"Deleted {hid}: u undoes")
