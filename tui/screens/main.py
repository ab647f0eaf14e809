"""The workbench: ranking, matrix, detail pane, as-of timeline.

The screen is the one place that turns a key into a store call. Every edit
goes to the store synchronously (it is durable when the call returns), then
the screen redraws only what changed: the rows whose facts moved, the ranking,
the detail pane and the timeline.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import compress
from operator import is_not, ne
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer

from evidence.errors import WeighError
from hypotheses.models import Case, Evidence, Hypothesis, Rating
from hypotheses.scoring import MODELS, NUMERIC, Analysis, Scorer, event_dates, weight
from tui.widgets.case_bar import CaseBar
from tui.widgets.detail import DetailPane, describe_evidence
from tui.widgets.filter_bar import FilterBar, matches
from tui.widgets.item_history import ItemHistory
from tui.widgets.matrix import RATING_WIDTH, EvidenceMatrix, RowFacts
from tui.widgets.ranking import RankingPanel
from tui.widgets.timeline import LeaderSeries, Timeline

if TYPE_CHECKING:
    from evidence.store import Store

SORTS = ("date", "diagnosticity", "weight")
NARROW = 120  # below this width the detail pane hides (d shows it)
DETAIL_WIDTH = 56
MIN_TITLE = 14
AS_OF = Binding.Group("As of")


@dataclass(frozen=True)
class Undo:
    """One step back: what it undoes and the store calls that do it."""

    label: str
    apply: Callable[[], None]
    focus: tuple[str | None, str | None]


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


def settle_gc() -> None:
    """A case was opened: its models live as long as it stays open, so keep the
    cyclic GC from walking them on every pass (its full passes were the 10k-item
    case's stalls). What an earlier freeze kept that is garbage now (the last
    case, a closed dialog) is collected first."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()


class MainScreen(Screen[None]):
    """Ranking panel, matrix, detail pane and timeline for one case."""

    BINDINGS: list[BindingType] = [
        Binding("m", "cycle_model", "Model", tooltip="Cycle the scoring model"),
        Binding("s", "cycle_sort", "Sort", tooltip="Cycle the sort: date, diagnosticity, weight"),
        Binding("slash", "filter", "Filter", key_display="/", tooltip="Filter by words or #tag"),
        Binding("left_square_bracket", "step_date(-1)", "Earlier", key_display="[",
                tooltip="As-of date: one event date back", group=AS_OF),
        Binding("right_square_bracket", "step_date(1)", "Later", key_display="]",
                tooltip="As-of date: one event date forward (then all dates)", group=AS_OF),
        Binding("a", "add_evidence", "Add", tooltip="Add evidence"),
        Binding("A", "add_hypothesis", "Add hyp.", show=False, tooltip="Add a hypothesis"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change (delete, rating, exclusion, edit)"),
        Binding("d", "toggle_detail", "Detail", show=False, tooltip="Show or hide the detail pane"),
        Binding("ctrl+e", "export", "Export", tooltip="Export a summary or the case to a file"),
        Binding("ctrl+o", "switch_case", "Cases", tooltip="Open another case, create one, import a file"),
        Binding("h", "ranking_history", "History", show=False,
                tooltip="How the ranking moved: the verdict after every recorded change"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Show every key"),
    ]

    def __init__(self, store: Store, case_id: str | None, db_path: Path) -> None:
        super().__init__(id="main")
        self.store = store
        self.db_path = db_path
        self.case_id: str | None = None
        self.case: Case | None = None
        self.view: Case | None = None
        self.analysis: Analysis | None = None
        self.model = "weighted"
        self.sort = "date"
        self.filter_query = ""
        self.stops: list[date | None] = [None]
        self.stop = 0
        self.undo_stack: list[Undo] = []
        self.positions: dict[str, int] = {}
        self.drawn: dict[str, tuple[Evidence, RowFacts]] = {}
        self._drawn_for: tuple[Analysis | None, str] = (None, "")  # what self.drawn shows
        self.rebuilds = 0  # how many times the whole table was redrawn (tests read it)
        self.rows_redrawn = 0  # rows redrawn in place by the last change
        self.show_detail = False  # d flips the detail pane from its default
        self.scorer = Scorer()  # incremental: a one-cell edit rescored in ~1 ms at 10k items
        self.series = {m: LeaderSeries(m) for m in MODELS}
        self._initial_case = case_id

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield CaseBar(id="case-bar")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield RankingPanel(id="ranking")
                yield Timeline(id="timeline")
                yield EvidenceMatrix(id="matrix")
            yield DetailPane(id="detail")
        yield FilterBar(id="filter")
        yield Footer()

    @property
    def matrix(self) -> EvidenceMatrix:
        return self.query_one(EvidenceMatrix)

    @property
    def ranking(self) -> RankingPanel:
        return self.query_one(RankingPanel)

    def on_mount(self) -> None:
        self._set_narrow(self.app.size.width)
        self.open_case(self._initial_case)

    def on_resize(self, event: Resize) -> None:
        self._set_narrow(event.size.width)
        if self.case is not None and self._title_width() != self.matrix.title_width:
            self.rebuild(self.matrix.current())

    def _set_narrow(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")

    def _title_width(self) -> int:
        width = self.app.size.width
        narrow = self.has_class("narrow")
        if narrow and self.show_detail:
            width -= width // 2
        elif not narrow and not self.show_detail:
            width -= DETAIL_WIDTH
        nh = len(self.case.hypotheses) if self.case else 0
        cols = 4 + nh
        fixed = 5 + 2 + 5 + RATING_WIDTH * nh + 2 * cols + 2
        return max(MIN_TITLE, width - fixed)

    # ------------------------------------------------------------ the model

    def score(self, case: Case, as_of: date | None) -> Analysis:
        """The one place the TUI scores a case: incremental, bit for bit ``analyse``."""
        return self.scorer.analyse(case, as_of)

    def open_case(self, case_id: str | None) -> None:
        """Show a case from the start: all dates, no filter, cursor on the first cell."""
        self.case_id = case_id
        self.filter_query = ""
        self.undo_stack.clear()
        if case_id is None:
            self.case = None
            self.query_one(CaseBar).show("no case open: ctrl+o to create or import one", "-",
                                         self.sort, "", self.db_path)
            self.matrix.clear()
            return
        self.case = self.store.case(case_id)
        self.stops = [*event_dates(self.case), None]
        self.stop = len(self.stops) - 1
        self.recompute()
        self.rebuild((None, None))
        self.matrix.focus()
        settle_gc()

    @property
    def as_of(self) -> date | None:
        return self.stops[self.stop] if self.stops else None

    def recompute(self, edited: str | None = None) -> None:
        """Re-read the case from the store and rescore the filtered view.

        ``edited``: only that item changed (a rating, an exclusion), so the view
        keeps its order and only that item is looked at again.
        """
        assert self.case_id is not None
        self.case = self.store.case(self.case_id)
        case = self.case
        if edited is not None and self.view is not None and edited in self.positions:
            ev = self.store.evidence(self.case_id, edited)
            if not self.filter_query or matches(ev, self.filter_query):
                if self.filter_query:
                    evidence = list(self.view.evidence)
                    evidence[self.positions[edited]] = ev
                    self.view = self.view.model_copy(update={"evidence": evidence})
                else:
                    self.view = case
                self.analysis = self.score(self.view, self.as_of)
                self._used = set(self.analysis.used)
                return
        if self.filter_query:
            evidence = [ev for ev in case.evidence if matches(ev, self.filter_query)]
            fields = {k: getattr(case, k) for k in type(case).model_fields if k != "evidence"}
            self.view = Case.model_construct(**fields, evidence=evidence)
        else:
            self.view = case
        self.positions = {ev.id: i for i, ev in enumerate(self.view.evidence)}
        self.analysis = self.score(self.view, self.as_of)
        self._used = set(self.analysis.used)

    def facts(self, ev: Evidence) -> RowFacts:
        assert self.analysis is not None
        i = self.positions[ev.id]
        as_of = self.as_of
        return RowFacts(
            active=i in self._used,
            excluded=ev.excluded,
            later=as_of is not None and ev.event_date is not None and ev.event_date > as_of,
            diagnosticity=self.analysis.diagnosticity[i],
            linchpin=self.model in self.analysis.linchpins[i],
            rated=sum(1 for code in ev.ratings.values() if code in NUMERIC),
        )

    def sorted_rows(self) -> list[Evidence]:
        assert self.view is not None and self.analysis is not None
        items = list(enumerate(self.view.evidence))
        diag = self.analysis.diagnosticity
        if self.sort == "date":
            items.sort(key=lambda p: (p[1].event_date is None, p[1].event_date or date.min, p[0]))
        elif self.sort == "diagnosticity":
            items.sort(key=lambda p: (-diag[p[0]], p[0]))
        else:
            items.sort(key=lambda p: (-weight(p[1]), p[0]))
        return [ev for _, ev in items]

    # --------------------------------------------------------------- drawing

    def rebuild(self, focus: tuple[str | None, str | None]) -> None:
        """Redraw the whole table: open, sort, filter, as-of, add, delete, columns."""
        assert self.case is not None
        # same analysis and model (a new sort, the detail pane, a resize): same facts
        same = self._drawn_for[0] is self.analysis and self._drawn_for[1] == self.model
        drawn = self.drawn if same else {}
        rows = []
        for ev in self.sorted_rows():
            old = drawn.get(ev.id)
            rows.append((ev, old[1] if old is not None and old[0] is ev else self.facts(ev)))
        self.drawn = {ev.id: (ev, facts) for ev, facts in rows}
        self._drawn_for = (self.analysis, self.model)
        self.matrix.rebuild(self.case.hypotheses, rows, self._title_width(), focus)
        self.rebuilds += 1
        self.redraw_panels()

    def sync_rows(self, before: Analysis | None = None) -> None:
        """Redraw in place only the rows whose item or facts changed since drawn.

        ``before``: the analysis the rows were drawn from, when only items and
        scores changed (not the model, date or view): then only the items that
        changed, and those whose diagnosticity or linchpin moved, are looked at.
        """
        assert self.view is not None and self.analysis is not None
        evidence = self.view.evidence
        now = self.analysis
        if (before is None or before.used != now.used or before.as_of != now.as_of
                or len(before.case.evidence) != len(evidence)):
            candidates: list[int] | set[int] = range(len(evidence))  # type: ignore[assignment]
        else:
            n = range(len(evidence))
            candidates = set(compress(n, map(is_not, evidence, before.case.evidence)))
            candidates.update(compress(n, map(ne, now.diagnosticity, before.diagnosticity)))
            candidates.update(compress(n, map(ne, now.linchpins, before.linchpins)))
        count = 0
        for i in sorted(candidates):
            ev = evidence[i]
            drawn = self.drawn.get(ev.id)
            if drawn is None:
                continue
            facts = self.facts(ev)
            if drawn[0] is not ev or drawn[1] != facts:
                self.matrix.update_row(ev, facts)
                self.drawn[ev.id] = (ev, facts)
                count += 1
        self.rows_redrawn = count
        self._drawn_for = (self.analysis, self.model)
        self.redraw_panels()

    def redraw_panels(self) -> None:
        """Ranking, timeline, case bar and detail: cheap, drawn on every change."""
        assert self.case is not None and self.view is not None and self.analysis is not None
        label = None
        if self.filter_query:
            label = f"{self.filter_query} ({len(self.view.evidence)} of {len(self.case.evidence)} items)"
        self.ranking.show(self.analysis, self.model, label, len(self.view.evidence))
        order = self.analysis.models[self.model].order
        leader = self.view.hypotheses[order[0]].id if order else None
        values = (
            self.series[self.model].series(self.view, leader, self.stops)
            if leader is not None else []
        )
        self.query_one(Timeline).show(self.stops, self.stop, values, leader, self.model)
        self.query_one(CaseBar).show(
            self.case.title, self.case.id, self.sort, self.filter_query, self.db_path
        )
        self.redraw_detail()

    def redraw_detail(self) -> None:
        if self.case is None or self.view is None or self.analysis is None:
            return
        eid, hid = self.matrix.current()
        pane = self.query_one(DetailPane)
        if eid is None:
            pane.show(Text("No evidence in this view: a adds an item, / changes the filter",
                           style="italic"))
            pane.query_one(ItemHistory).show([], None)
            return
        ev = self.store.evidence(self.case.id, eid)
        i = self.positions.get(eid)
        as_of = self.as_of
        pane.show(
            describe_evidence(
                ev,
                self.case.hypotheses,
                diagnosticity=self.analysis.diagnosticity[i] if i is not None else None,
                linchpin=self.analysis.linchpins[i] if i is not None else (),
                column=hid,
                later=as_of is not None and ev.event_date is not None and ev.event_date > as_of,
            )
        )
        pane.query_one(ItemHistory).show(self.store.item_history(self.case.id, eid), eid)

    @on(EvidenceMatrix.CellHighlighted, "#matrix")
    def _cell_moved(self) -> None:
        self.redraw_detail()

    # ------------------------------------------------------------- helpers

    def _fail(self, exc: Exception) -> None:
        """A store or domain error: one line to the user, nothing changed."""
        self.notify(str(exc), severity="error", markup=False, timeout=8)

    def _have_case(self) -> bool:
        if self.case is None:
            self.notify("No case is open: ctrl+o opens, creates or imports one", severity="warning")
            return False
        return True

    def _focused_item(self) -> Evidence | None:
        eid, _ = self.matrix.current()
        if eid is None or self.case is None:
            self.notify("No evidence selected", severity="warning")
            return None
        return self.store.evidence(self.case.id, eid)

    def _selected_hypothesis(self) -> Hypothesis | None:
        """The ranking panel's choice when it has focus, else the matrix's column."""
        if self.case is None:
            return None
        hid = self.ranking.selected_id() if self.ranking.has_focus else self.matrix.current()[1]
        if hid is None:
            hid = self.ranking.selected_id()
        if hid is None:
            self.notify("No hypothesis selected", severity="warning")
            return None
        return self.case.hypothesis(hid)

    def _push_undo(self, label: str, apply: Callable[[], None],
                   focus: tuple[str | None, str | None]) -> None:
        self.undo_stack.append(Undo(label, apply, focus))
        del self.undo_stack[:-100]

    # ------------------------------------------------------------- rating

    def action_rate(self, code: Rating | None) -> None:
        """Set the focused cell: durable on return, then the changed row and the ranking."""
        if not self._have_case():
            return
        assert self.case_id is not None
        eid, hid = self.matrix.current()
        if eid is None:
            return
        if hid is None:
            self.notify("Move to a hypothesis column (H1, H2, …) to rate", severity="warning")
            return
        old = self.store.evidence(self.case_id, eid).ratings.get(hid)
        if old == code:
            return
        case_id = self.case_id
        try:
            self.store.set_rating(case_id, eid, hid, code)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(
            f"rating {eid}/{hid}",
            lambda: self.store.set_rating(case_id, eid, hid, old),
            (eid, hid),
        )
        before = self.analysis
        self.recompute(edited=eid)
        self.sync_rows(before)

    def action_toggle_excluded(self) -> None:
        """What-if: leave the focused item out of scoring (or put it back)."""
        if not self._have_case():
            return
        ev = self._focused_item()
        if ev is None:
            return
        case_id, eid, old = self.case_id, ev.id, ev.excluded
        assert case_id is not None
        try:
            self.store.set_excluded(case_id, eid, not old)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"exclusion of {eid}",
                        lambda: self.store.set_excluded(case_id, eid, old),
                        self.matrix.current())
        before = self.analysis
        self.recompute(edited=eid)
        self.sync_rows(before)

    # -------------------------------------------------------- view controls

    def action_cycle_model(self) -> None:
        if not self._have_case():
            return
        self.model = MODELS[(MODELS.index(self.model) + 1) % len(MODELS)]  # type: ignore[arg-type]
        self.sync_rows()  # linchpin marks are per model

    def action_cycle_sort(self) -> None:
        if not self._have_case():
            return
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.rebuild((None, self.matrix.current()[1]))  # to the top: the best first
        self.notify(f"Sorted by {self.sort}", timeout=2)

    def action_step_date(self, step: int) -> None:
        """Replay the case as it stood at the previous/next distinct event date."""
        if not self._have_case():
            return
        new = max(0, min(self.stop + step, len(self.stops) - 1))
        if new == self.stop:
            self.notify("No earlier date" if step < 0 else "Already showing all dates",
                        timeout=2)
            return
        self.stop = new
        self.recompute()
        self.sync_rows()

    def action_filter(self) -> None:
        if not self._have_case():
            return
        bar = self.query_one(FilterBar)
        bar.value = self.filter_query
        bar.add_class("open")
        bar.focus()

    @on(FilterBar.Submitted)
    def _filter_submitted(self, event: FilterBar.Submitted) -> None:
        event.stop()
        self.apply_filter(event.value.strip())

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.query_one(FilterBar).remove_class("open")
        self.matrix.focus()

    def apply_filter(self, query: str) -> None:
        """Show only matching items; the ranking is then that of the filtered view."""
        focus = self.matrix.current()
        self.filter_query = query
        self.query_one(FilterBar).remove_class("open")
        self.recompute()
        self.rebuild(focus)
        self.matrix.focus()
        if query and not self.view.evidence:  # type: ignore[union-attr]
            self.notify("No evidence matches the filter", severity="warning", markup=False)

    def action_toggle_detail(self) -> None:
        self.show_detail = not self.show_detail
        self.set_class(self.show_detail, "detail-flipped")
        if self.case is not None and self._title_width() != self.matrix.title_width:
            self.rebuild(self.matrix.current())

    def action_ranking_history(self) -> None:
        if not self._have_case():
            return
        from tui.screens.ranking_history import RankingHistoryScreen

        self.app.push_screen(RankingHistoryScreen(self.store, self.case_id, self.model))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    # ------------------------------------------------------------ undo

    def action_undo(self) -> None:
        if not self._have_case():
            return
        if not self.undo_stack:
            self.notify("Nothing to undo", timeout=2)
            return
        step = self.undo_stack.pop()
        try:
            step.apply()
        except WeighError as exc:
            self._fail(exc)
            return
        self.recompute()
        self.rebuild(step.focus)
        self.notify(f"Undid {step.label}", timeout=3, markup=False)

    # ------------------------------------------------------ add/edit/delete

    def action_add_evidence(self) -> None:
        if not self._have_case():
            return
        from tui.screens.evidence_form import EvidenceForm

        assert self.case is not None
        new_id = next_id("E", [ev.id for ev in self.case.evidence])
        self.app.push_screen(EvidenceForm(self.case.hypotheses, None, new_id), self._evidence_added)

    def _evidence_added(self, ev: Evidence | None) -> None:
        if ev is None or self.case_id is None:
            return
        case_id = self.case_id
        try:
            self.store.add_evidence(case_id, ev)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"adding {ev.id}", lambda: self.store.delete_evidence(case_id, ev.id),
                        (None, None))
        if self.filter_query and not matches(ev, self.filter_query):
            self.filter_query = ""
            self.notify("Filter cleared to show the new item", timeout=3)
        self._refresh_dates()
        self.recompute()
        first = self.case.hypotheses[0].id if self.case and self.case.hypotheses else None
        self.rebuild((ev.id, first))
        self.matrix.focus()

    def action_edit_evidence(self) -> None:
        if not self._have_case():
            return
        ev = self._focused_item()
        if ev is None:
            return
        from tui.screens.evidence_form import EvidenceForm

        assert self.case is not None
        self.app.push_screen(
            EvidenceForm(self.case.hypotheses, ev, ev.id),
            lambda new: self._evidence_edited(ev, new),
        )

    def _evidence_edited(self, old: Evidence, new: Evidence | None) -> None:
        if new is None or self.case_id is None:
            return
        case_id = self.case_id
        focus = self.matrix.current()
        try:
            self.store.update_evidence(case_id, new)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"edit of {old.id}", lambda: self.store.update_evidence(case_id, old),
                        focus)
        self._refresh_dates()
        self.recompute()
        self.rebuild(focus)

    def action_delete_evidence(self) -> None:
        if not self._have_case():
            return
        ev = self._focused_item()
        if ev is None:
            return
        from tui.screens.confirm import ConfirmScreen

        row = self.matrix.cursor_coordinate.row
        self.app.push_screen(
            ConfirmScreen(f"Delete evidence {ev.id} “{ev.title}”? (u undoes)"),
            lambda yes: self._delete_evidence(ev.id, row) if yes else None,
        )

    def _delete_evidence(self, eid: str, row: int) -> None:
        assert self.case_id is not None
        case_id = self.case_id
        hid = self.matrix.current()[1]
        try:
            old, pos = self.store.delete_evidence(case_id, eid)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"deleting {eid}",
                        lambda: self.store.add_evidence(case_id, old, pos), (eid, hid))
        self._refresh_dates()
        self.recompute()
        rows = self.sorted_rows()
        target = rows[min(row, len(rows) - 1)].id if rows else None
        self.rebuild((target, hid))
        self.notify(f"Deleted {eid}: u undoes", timeout=3, markup=False)

    def action_add_hypothesis(self) -> None:
        if not self._have_case():
            return
        from tui.screens.hypothesis_form import HypothesisForm

        assert self.case is not None
        new_id = next_id("H", [h.id for h in self.case.hypotheses])
        self.app.push_screen(HypothesisForm(None, new_id), self._hypothesis_added)

    def _hypothesis_added(self, hyp: Hypothesis | None) -> None:
        if hyp is None or self.case_id is None:
            return
        case_id = self.case_id
        try:
            self.store.add_hypothesis(case_id, hyp)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"adding {hyp.id}",
                        lambda: self.store.delete_hypothesis(case_id, hyp.id), (None, None))
        self.recompute()
        self.rebuild((self.matrix.current()[0], hyp.id))
        self.matrix.focus()

    def action_edit_hypothesis(self) -> None:
        if not self._have_case():
            return
        hyp = self._selected_hypothesis()
        if hyp is None:
            return
        from tui.screens.hypothesis_form import HypothesisForm

        self.app.push_screen(HypothesisForm(hyp, hyp.id),
                             lambda new: self._hypothesis_edited(hyp, new))

    def _hypothesis_edited(self, old: Hypothesis, new: Hypothesis | None) -> None:
        if new is None or self.case_id is None:
            return
        case_id = self.case_id
        try:
            self.store.update_hypothesis(case_id, new)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"edit of {old.id}",
                        lambda: self.store.update_hypothesis(case_id, old), self.matrix.current())
        self.recompute()
        self.rebuild(self.matrix.current())

    def action_delete_hypothesis(self) -> None:
        if not self._have_case():
            return
        hyp = self._selected_hypothesis()
        if hyp is None:
            return
        from tui.screens.confirm import ConfirmScreen

        self.app.push_screen(
            ConfirmScreen(
                f"Delete hypothesis {hyp.id} “{hyp.title}” and all its ratings? (u undoes)"
            ),
            lambda yes: self._delete_hypothesis(hyp.id) if yes else None,
        )

    def _delete_hypothesis(self, hid: str) -> None:
        assert self.case_id is not None
        case_id = self.case_id
        eid = self.matrix.current()[0]
        try:
            removal = self.store.delete_hypothesis(case_id, hid)
        except WeighError as exc:
            self._fail(exc)
            return
        self._push_undo(f"deleting {hid}",
                        lambda: self.store.restore_hypothesis(case_id, removal), (eid, hid))
        self.recompute()
        self.rebuild((eid, None))
        self.notify(f"Deleted {hid}: u undoes", timeout=3, markup=False)

    def _refresh_dates(self) -> None:
        """Event dates changed (add/edit/delete): keep the as-of date if it still exists."""
        assert self.case_id is not None
        current = self.as_of
        self.stops = [*event_dates(self.store.case(self.case_id)), None]
        self.stop = self.stops.index(current) if current in self.stops else len(self.stops) - 1

    # ------------------------------------------------------ export & cases

    def action_export(self) -> None:
        if not self._have_case():
            return
        from tui.screens.export_dialog import ExportDialog

        assert self.case is not None
        self.app.push_screen(ExportDialog(self.case, self.model, self.as_of), self._exported)

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Wrote {path}", title="Export", markup=False, timeout=8)

    def action_switch_case(self) -> None:
        from tui.screens.case_switcher import CaseSwitcher

        self.app.push_screen(CaseSwitcher(self.store), self._case_chosen)

    def _case_chosen(self, case_id: str | None) -> None:
        if case_id is None:
            return
        if not self.store.has_case(case_id):
            self.notify(f"No case {case_id!r}", severity="error", markup=False)
            return
        self.open_case(case_id)
        remember = getattr(self.app, "remember_case", None)
        if remember is not None:
            remember(case_id)
