"""What the workbench shows of one case under a :class:`~tui.view_state.ViewState`: the
shown items in order, their analysis and row facts, and the leader's line over time.

Changing the view (model, sort, as-of date, filter, scoring toggle) goes through
here and returns a :class:`Change`: what the screen must redraw. Nothing here
touches the store or a widget, so it is tested without either.

The filter narrows what is *shown*; the scores stay those of the whole case
unless ``score_shown`` is on (an explicit toggle the screen shows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from fractions import Fraction
from itertools import compress
from operator import is_not, ne
from threading import Lock
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from hypotheses.evidence_filter import Query, haystack_of, matches
from hypotheses.replay import LeaderSeries
from hypotheses.scoring import NUMERIC, Analysis, Scorer, as_of_dates, known_date, leader_ids
from hypotheses.scoring_models import MODELS
from hypotheses.sorts import DEFAULT_SORT
from hypotheses.team import (
    TEAM,
    LensView,
    disagreement,
    hidden_hids,
    is_team,
    item_disagreement,
    lens_names,
    lens_words,
    votes,
)
from tui.view_state import ViewState

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence

Focus = tuple[str | None, str | None]  # (item id, hypothesis id) the cursor goes to


class SeriesAsk(NamedTuple):
    """What one leader line is worked out from: the model, the scored case (a snapshot),
    the as-of stops and the leader. A new one each time the view is drawn, so a line
    worked out for an older one is known to be stale by identity (``is``, never ``==``)."""

    model: str
    scored: Case
    stops: list[date | None]
    leader: str


class NoCase(Exception):
    """An edit or view change was asked for while no case is open."""


class Change(NamedTuple):
    """What an operation changed, so the screen redraws only that.

    ``redraw``: ``"item"`` one item's cells and facts changed (order kept; compare
    with ``before``); ``"facts"`` any row's facts may have changed but not the
    rows shown or their order (model, as-of date); ``"rows"`` the rows shown or
    their order changed (sort, filter, add, delete, undo): a rebuild, the cursor
    on ``focus``. ``message``: one line for the user, or None.
    """

    redraw: Literal["item", "facts", "rows", "none"]
    focus: Focus = (None, None)
    before: Analysis | None = None
    message: str | None = None


NOTHING = Change("none")


class RowFacts(NamedTuple):
    """What the analysis says about one row; the matrix draws it."""

    active: bool  # takes part in scoring (not excluded, not after the as-of date)
    excluded: bool
    later: bool  # known (event or reported) after the as-of date
    diagnosticity: float
    linchpin: bool  # for the model on show
    rated: int
    # the team lens: per hypothesis, the cell's disagreement mark ("" agree), or None
    # while its votes stay hidden (you have not rated it); None: not the team lens
    marks: tuple[str | None, ...] | None = None


#: A cell's disagreement, readable without colour: agree, mild, large, extreme; NA split.
DISAGREEMENT_MARKS: dict[str, str] = {"agree": "", "mild": "~", "large": "!", "extreme": "‼"}
SPLIT_MARK = "/"


def cell_mark(codes: list[str]) -> str:
    """'!' (large), '‼/' (extreme, split on NA): one cell's disagreement in marks."""
    d = disagreement(codes)
    return DISAGREEMENT_MARKS[d.label] + (SPLIT_MARK if d.split_na else "")


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
                "A key rates the focused cell and stays on it: press → for the next "
                "hypothesis. The item that fits one hypothesis and not the others is the one "
                "that tells them apart.")
    return None


def _seen_hids(ev: Evidence, hids: list[str], me: str | None) -> list[str]:
    """The item's columns whose votes ``me`` may see (all when None: asked for)."""
    if me is None:
        return hids
    hidden = hidden_hids(ev, hids, me)
    return [hid for hid in hids if hid not in hidden] if hidden else hids


class CaseView:
    """One case as the workbench shows it under a view state."""

    def __init__(self, state: ViewState | None = None) -> None:
        self.state = state or ViewState()
        self.case: Case | None = None  # the case as stored (a team case keeps its layers)
        self.seen: Case | None = None  # the case under the lens: one matrix (``case`` if no team)
        self._lens_views: dict[str, LensView] = {}
        self.me: str | None = None  # the analyst the rating keys write for
        self._disagreements: dict[int, tuple[Evidence, tuple[list[str], str | None],
                                             tuple[Fraction, bool]]] = {}
        self.scored: Case | None = None  # what the analysis is of: the case, or the shown items
        self.shown: list[Evidence] = []  # the filtered items, in case order
        self.analysis: Analysis | None = None
        self.positions: dict[str, int] = {}  # item id → index in ``scored``
        self._used: set[int] = set()
        self._haystacks: dict[int, tuple[Evidence, str]] = {}  # id(item) → (item, its text)
        # per sort: (the shown items, the diagnosticities it sorted by, the order)
        self._orders: dict[str, tuple[list[Evidence], Sequence[Any], list[Evidence]]] = {}
        # the last filter applied: (the items it filtered, the query, its result)
        self._last_filter: tuple[list[Evidence], Query, list[Evidence]] | None = None
        self.scorer = Scorer()  # incremental: a one-cell edit rescores only what it touched
        self.series_for: dict[str, LeaderSeries] = {m: LeaderSeries(m) for m in MODELS}
        self._series_locks: dict[str, Lock] = {m: Lock() for m in MODELS}  # one thread a replay
        # per model, the last line worked out: (scored case, stops, leader, series)
        self._series: dict[str, tuple[Case, list[date | None], str, list[float]]] = {}

    # ------------------------------------------------------------ showing

    def show(self, case: Case | None) -> None:
        """Show a case from the start: all dates, no filter (None: no case)."""
        if case is None:
            self.case = self.seen = self.scored = self.analysis = None
            self.shown, self.positions = [], {}
            self.state.start([None])
            return
        self.state.start([*as_of_dates(case), None])
        self.state.lens = TEAM if is_team(case) else None
        self._lens_views = {}
        if self.state.sort.uses_disagreement and not is_team(case):
            self.state.sort = DEFAULT_SORT  # no analysts to disagree
        self.update(case)

    def require(self) -> Case:
        if self.case is None:
            raise NoCase("No case is open: ctrl+o opens, creates or imports one")
        return self.case

    def keep_dates(self, case: Case) -> None:
        """Event dates (or which items take part) may have changed: keep the as-of date if
        it still exists."""
        self.state.keep_date([*as_of_dates(case), None])

    def update(self, case: Case, edited: Evidence | None = None) -> None:
        """Refilter and rescore ``case`` (the case as it now stands).

        ``edited``: only that item changed (a rating, an exclusion, a note), so the
        rows keep their order and only that item is looked at again.
        """
        self.case = case
        if not is_team(case):
            self.state.lens = None  # one matrix (a team case made solo again by undo)
        elif self.state.lens not in lens_names(case):
            self.state.lens = TEAM  # just made a team case, or that analyst left (undo)
        seen = self.seen = self._lensed(case)
        if edited is not None and seen is not case:
            edited = self.seen_item(edited.id)
        query = self.state.filter_query
        if (edited is not None and self.scored is not None and edited.id in self.positions
                and (not query or matches(edited, query))):
            self._update_item(seen, edited)
            return
        self.shown = self._filtered(seen.evidence, query)
        if query and self.state.score_shown:
            fields = {k: getattr(seen, k) for k in type(seen).model_fields if k != "evidence"}
            self.scored = type(seen).model_construct(**fields, evidence=list(self.shown))
        else:
            self.scored = seen
        self.positions = {ev.id: i for i, ev in enumerate(self.scored.evidence)}
        self._analyse()

    def _lensed(self, case: Case) -> Case:
        """The case under the lens on show: a team case's matrix is the team's consensus or
        one analyst's votes (each lens remembers its items, so a vote rescores one row)."""
        lens = self.state.lens
        if lens is None or not is_team(case):
            return case
        blind = None if self.state.reveal else self.me  # anchoring: see hidden_cells
        return self._lens_views.setdefault(lens, LensView())(case, lens, blind)

    @property
    def hidden_cells(self) -> int:
        """How many cells the team lens leaves out of its matrix and scores because their
        votes are hidden from you (others voted, you have not; v counts them)."""
        view = self._lens_views.get(TEAM)
        return view.hidden if view is not None and self.team and self.state.lens == TEAM else 0

    def seen_item(self, eid: str) -> Evidence | None:
        """The lens's view of one item (its matrix row and notes as the lens shows them)."""
        assert self.case is not None and self.seen is not None
        i = self.positions.get(eid)
        if i is not None and i < len(self.seen.evidence) and self.seen.evidence[i].id == eid:
            return self.seen.evidence[i]
        return next((ev for ev in self.seen.evidence if ev.id == eid), None)

    def stored_item(self, ev: Evidence) -> Evidence:
        """The item as stored (with every analyst's layer) behind a row's item."""
        case = self.case
        if case is None or case is self.seen:
            return ev
        i = self.positions.get(ev.id) if self.scored is self.seen else None
        if i is not None and i < len(case.evidence) and case.evidence[i].id == ev.id:
            return case.evidence[i]
        return next((item for item in case.evidence if item.id == ev.id), ev)

    @property
    def team(self) -> bool:
        """The case on show is a team case (lenses, votes, disagreement)."""
        return self.case is not None and is_team(self.case)

    def colleague_shown(self) -> str | None:
        """The analyst whose votes the lens shows, when it is not you (nor the team's): your
        rating keys write votes this lens does not show."""
        lens = self.state.lens
        return lens if self.team and lens not in (None, TEAM, self.me) else None

    def lens_words(self, short: bool = False) -> str | None:
        """'team' or 'ben' for the top line ('team without 3 cells you have not rated' while
        votes are hidden from you; ``short``: 'team, 3 hidden'); None for a one-analyst case."""
        if not self.team:
            return None
        hidden = self.hidden_cells
        if hidden and short:
            return f"{TEAM}, {hidden} hidden (v)"
        if hidden:
            return f"{TEAM} without {hidden} cell{'s' if hidden != 1 else ''} you have not rated (v)"
        return self.state.lens

    def cycle_lens(self, focus: Focus) -> Change:
        """Show the team's consensus, then each analyst's votes, in turn."""
        case = self.require()
        if not is_team(case):
            return Change("none", message="A one-analyst case has one matrix: make it a team case "
                          "(command palette: make team) to see each analyst's votes")
        names = lens_names(case)
        lens = self.state.lens if self.state.lens in names else TEAM
        self.state.lens = names[(names.index(lens) + 1) % len(names)]
        self._lens_views = {k: v for k, v in self._lens_views.items() if k in names}
        self.update(case)
        return Change("rows", focus, message=f"Lens: {lens_words(case, self.state.lens)}")

    def _update_item(self, case: Case, ev: Evidence) -> None:
        assert self.scored is not None
        query = self.state.filter_query
        if query:
            self.shown = [ev if s.id == ev.id else s for s in self.shown]
        else:
            self.shown = case.evidence  # the edited item, not the one it replaced
        if query and self.state.score_shown:
            evidence = list(self.scored.evidence)
            evidence[self.positions[ev.id]] = ev
            self.scored = self.scored.model_copy(update={"evidence": evidence})
        else:
            self.scored = case
        self._analyse()

    def _analyse(self) -> None:
        assert self.scored is not None
        self.analysis = self.scorer.analyse(self.scored, self.state.as_of)
        self._used = set(self.analysis.used)

    # ------------------------------------------------------------ reading

    def facts(self, ev: Evidence) -> RowFacts:
        """The row facts of a shown item under the current analysis and model."""
        assert self.analysis is not None
        i = self.positions[ev.id]
        return RowFacts(
            active=i in self._used,
            excluded=ev.excluded,
            later=self.known_later(ev),
            diagnosticity=self.analysis.diagnosticity[i],
            linchpin=self.state.model in self.analysis.linchpins[i],
            rated=sum(1 for code in ev.ratings.values() if code in NUMERIC),
            marks=self._marks(ev) if self.team and self.state.lens == TEAM else None,
        )

    def hides(self, cell_votes: Mapping[str, str]) -> bool:
        """The others' votes on a cell stay hidden until you have rated it (anchoring),
        unless you asked to see them (v) or look through another analyst's lens."""
        if self.state.reveal or self.state.lens not in (TEAM, self.me):
            return False
        return bool(cell_votes) and self.me not in cell_votes

    def _marks(self, ev: Evidence) -> tuple[str | None, ...]:
        assert self.case is not None
        stored = self.stored_item(ev)
        out: list[str | None] = []
        for h in self.case.hypotheses:
            cell = votes(stored, h.id)
            out.append(None if self.hides(cell) else cell_mark(list(cell.values())))
        return tuple(out)

    def toggle_reveal(self, focus: Focus = (None, None)) -> Change:
        """Show (or hide again) the others' votes on cells you have not rated."""
        case = self.require()
        if not self.team:
            return Change("none", message="A one-analyst case has no one else's votes to show")
        self.state.reveal = not self.state.reveal
        self.update(case)  # the team lens counts the cells hidden from you only while shown
        return Change("rows", focus, message="Everyone's votes shown and counted in the team's scores "
                      "(v hides the ones on cells you have not rated)" if self.state.reveal else
                      "Others' votes hidden on cells you have not rated, and left out of the "
                      "team's scores (v shows them)")

    def known_later(self, ev: Evidence) -> bool:
        """Not counted yet at the as-of date: known (the later of its event and reported
        dates) only after it. An event before the date reported after it is still later."""
        as_of = self.state.as_of
        known = known_date(ev)
        return as_of is not None and known is not None and known > as_of

    def rows(self) -> list[Evidence]:
        """The shown items in the chosen sort order (ties keep case order); read only.

        Each order is kept while the shown items (and, for diagnosticity, the
        diagnosticities) are the same: cycling the sort, or stepping the date,
        sorts the items once per order, not once per key."""
        assert self.analysis is not None and self.scored is not None
        sort = self.state.sort
        items = self.shown
        diag: Sequence[Any] = ()
        if sort.uses_diagnosticity:
            diag = self.analysis.diagnosticity
        elif sort.uses_disagreement:
            diag = self.disagreement_keys()
        kept = self._orders.get(sort.name)
        if kept is not None and kept[0] is items and kept[1] == diag:
            return kept[2]
        positions = None if items is self.scored.evidence else self.positions
        order = sort.order(items, diag, positions)
        self._orders[sort.name] = (items, diag, order)
        return order

    def disagreement_keys(self) -> list[tuple[Fraction, bool]]:
        """Per scored item, what sorting by disagreement compares: its widest cell's exact
        variance, then a split on NA (kept per stored item while it is the same object).
        Cells hidden from you (anchoring) count only once shown (v)."""
        assert self.scored is not None and self.case is not None
        hids = [h.id for h in self.case.hypotheses]
        key = (hids, None if self.state.reveal else self.me)
        cache = self._disagreements
        if len(cache) > 2 * len(self.case.evidence) + 1000:
            cache.clear()  # edited items left old entries behind
        out = []
        for ev in self.scored.evidence:
            stored = self.stored_item(ev)
            got = cache.get(id(stored))
            if got is None or got[0] is not stored or got[1] != key:
                d = item_disagreement(stored, _seen_hids(stored, *key))
                got = cache[id(stored)] = (stored, key, (d.variance, d.split_na))
            out.append(got[2])
        return out

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

    def leader_series(self, model: str | None = None) -> list[float]:
        """The (first) leader's score at every as-of stop under ``model`` (default: the
        one on show), for the timeline."""
        ask = self.series_ask(model)
        return [] if ask is None else self.series_of(ask)

    def series_ask(self, model: str | None = None) -> SeriesAsk | None:
        """What the leader's line under ``model`` (default: the one on show) is worked out
        from as the view stands; None when there is no line (no case, no hypotheses)."""
        model = model or self.state.model
        if self.analysis is None or self.scored is None or not self.analysis.case.hypotheses:
            return None
        leaders = leader_ids(self.analysis, model)
        if not leaders:
            return None
        return SeriesAsk(model, self.scored, self.state.stops, leaders[0])

    def ready_series(self, ask: SeriesAsk) -> list[float] | None:
        """The line ``ask`` names if it is already worked out, else None.

        Kept per model while the scored case, stops and leader stay the same: a sort,
        a filter, an as-of step or another model draws a line already worked out."""
        last = self._series.get(ask.model)
        if last is not None and last[0] is ask.scored and last[1] is ask.stops and last[2] == ask.leader:
            return last[3]
        return None

    def series_of(self, ask: SeriesAsk) -> list[float]:
        """The line ``ask`` names, worked out now if it is not yet. Safe from a worker
        thread: each model's replay is used by one thread at a time, and ``ask`` holds
        everything it reads (the scored case is a snapshot that never changes)."""
        with self._series_locks[ask.model]:
            return self._series_locked(ask)

    def series_now(self, ask: SeriesAsk, cells: int) -> list[float] | None:
        """The line ``ask`` names if it is worked out or quick to work out: the replay
        patches a few items, or the case has at most ``cells`` cells. None if it takes a
        whole replay of a larger case, or another thread is working out this model's
        line: then it is for a worker (:meth:`series_of`), away from the keys."""
        ready = self.ready_series(ask)
        if ready is not None:
            return ready
        lock = self._series_locks[ask.model]
        if not lock.acquire(blocking=False):
            return None
        try:
            big = len(ask.scored.evidence) * len(ask.scored.hypotheses) > cells
            if big and self.series_for[ask.model].builds(ask.scored):
                return None
            return self._series_locked(ask)
        finally:
            lock.release()

    def _series_locked(self, ask: SeriesAsk) -> list[float]:
        ready = self.ready_series(ask)
        if ready is not None:
            return ready
        series = self.series_for[ask.model].series(ask.scored, ask.leader, ask.stops)
        self._series[ask.model] = (ask.scored, ask.stops, ask.leader, series)
        return series

    def first_steps(self) -> str | None:
        """The guide for an empty or unrated case (see :func:`first_steps`)."""
        if self.case is None:
            return None
        rated = any(ev.ratings or ev.ratings_by for ev in self.case.evidence)  # stops at the first
        return first_steps(len(self.case.hypotheses), len(self.case.evidence), int(rated))

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

    # ---------------------------------------------------------- view changes

    def cycle_model(self) -> Change:
        self.require()
        self.state.cycle_model()
        return Change("facts")  # linchpin marks are per model

    def cycle_sort(self, focus: Focus) -> Change:
        self.require()
        self.state.cycle_sort(self.team)
        return Change("rows", focus, message=f"Sorted by {self.state.sort.name}")

    def step_date(self, step: int) -> Change:
        """Show the case as it stood at the previous/next distinct event date."""
        case = self.require()
        if not self.state.step(step):
            return Change("none", message="No earlier date" if step < 0 else "Already showing all dates")
        self.update(case)
        return Change("facts")

    def set_filter(self, query: str, focus: Focus, *, typing: bool = False) -> Change:
        """Show only matching items (the scores stay the whole case's unless
        ``score_shown`` is on). ``typing``: still being typed, so no warning yet."""
        case = self.require()
        query = query.strip()
        changed = query != self.state.filter_query
        if changed:
            self.state.filter_query = query
            if self.state.score_shown:
                self.update(case)
            else:  # the scores are the whole case's: only what is shown changes
                self.shown = self._filtered((self.seen or case).evidence, query)
        message = None
        if query and not self.shown and not typing:
            message = "No evidence matches the filter"
        return Change("rows" if changed else "none", focus, message=message)

    def clear_filter_for(self, ev: Evidence) -> bool:
        """A new item must be seen: drop a filter it does not match (True if dropped)."""
        if self.state.filter_query and not matches(ev, self.state.filter_query):
            self.state.filter_query = ""
            return True
        return False

    def toggle_score_shown(self, focus: Focus) -> Change:
        """Score only the shown (filtered) items, or the whole case again."""
        case = self.require()
        self.state.score_shown = not self.state.score_shown
        self.update(case)
        what = "only the shown items" if self.state.score_shown else "the whole case"
        return Change("rows", focus, message=f"Scoring {what}")

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
