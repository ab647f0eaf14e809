"""The workbench's edit session: one open case, every edit to it, and undo and redo.

Every edit follows one path: call the store (durable when it returns; it hands
back the record it committed), push that record on the undo stack, update the
:class:`~tui.case_view.CaseView`, and say what the screen must redraw (a
:class:`~tui.case_view.Change`). Undo commits the inverse of the newest record
(``Store.revert``, the same inverse the history view rewinds with) and keeps
what it committed for redo, whose revert is the original edit again. A new
edit clears the redo stack. Each case keeps its own stacks while weigh runs, so
opening another case and coming back loses neither. Nothing here touches a widget.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from evidence.errors import WeighError
from evidence.seed import DEFAULT_CASE_ID
from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis, Indicator
from hypotheses.scoring_models import MODELS
from hypotheses.slug import ID_PREFIX, next_id
from hypotheses.sorts import SORT_NAMES, sort_named
from hypotheses.team import cell_cleared
from tui.case_view import NOTHING, CaseView, Change, Focus, NoCase
from tui.state_file import SavedView, remember_view, saved_view

if TYPE_CHECKING:
    from pathlib import Path

    from evidence.operations import Record
    from evidence.store import Store
    from hypotheses.vocabulary import Rating

UNDO_DEPTH = 100


#: Said when u finds nothing to undo: its steps are this run's last changes to the case.
NOTHING_TO_UNDO = (f"Nothing to undo: u steps back over this run's last {UNDO_DEPTH} changes to the case; "
                   "earlier ones are in the detail pane's History (each item's) and in h")


class Step(NamedTuple):
    """A committed edit on the undo or redo stack, and where the cursor goes when it is stepped over."""

    record: Record
    focus: Focus


class EditSession:
    """One open case, how it is shown (:attr:`view`), and every edit to it."""

    def __init__(self, store: Store, state_file: Path | None = None) -> None:
        """``state_file``: where each case's model, sort and focused cell are kept between
        runs (None: not kept)."""
        self.store = store
        self.state_file = state_file
        self.start_focus: Focus = (None, None)  # where the cursor goes as the case shows
        self.case_id: str | None = None
        self.view = CaseView()
        self.done: list[Step] = []  # undo pops from here (the open case's)
        self.undone: list[Step] = []  # redo pops from here
        # Each case keeps its own undo and redo while weigh runs, so a switch to another
        # case and back loses neither; keyed by the case's id and creation time (a case
        # deleted and made again starts afresh), with the case as it was when left: changed
        # meanwhile from elsewhere (a sync or an import in the case switcher), its stacks
        # are dropped, since stepping back over an edit would undo that change unseen.
        self._stacks: dict[tuple[str, object], tuple[list[Step], list[Step]]] = {}
        self._left: dict[tuple[str, object], Case] = {}
        self.only_example = False  # the database holds the bundled case alone (set on open)

    @property
    def case(self) -> Case | None:
        return self.view.case

    def require(self) -> str:
        """The open case's id, or :class:`NoCase`."""
        if self.case_id is None:
            raise NoCase("No case is open: ctrl+o opens, creates or imports one")
        return self.case_id

    def open(self, case_id: str | None, leaving: Focus | None = None) -> None:
        """Show a case from the start: all dates, no filter; in the model and sort it was
        last left in, the cursor where it was (:attr:`start_focus`), with the undo and redo
        it had when last left. ``leaving``: the focused cell of the case shown until now,
        kept for its next time."""
        if leaving is not None:
            self.keep_view(leaving)
        self._leave()
        self._restore_view(case_id)
        self.case_id = case_id
        self.only_example = self.store.case_ids() == [DEFAULT_CASE_ID]  # no case of one's own yet
        try:
            self.view.me = self.store.analyst
        except WeighError:  # no login name: a one-analyst case is still edited as before
            self.view.me = None
        case = self.store.case(case_id) if case_id is not None else None
        if case is None:
            self.done, self.undone = [], []
        else:
            key = (case.id, case.info.created)
            left = self._left.pop(key, None)
            if left is not None and (left.info.updated != case.info.updated or left != case):
                self._stacks.pop(key, None)
            self.done, self.undone = self._stacks.setdefault(key, ([], []))
        self.view.show(case)

    def _leave(self) -> None:
        """Note the open case as this session last showed it (after its own last step), to
        know at its next open if anything else changed it meanwhile: a sync or an import
        made in the case switcher, even into the open case itself."""
        case = self.view.case
        if self.case_id is None or case is None:
            return
        self._left[(case.id, case.info.created)] = case

    def adopt(self, records: list[Record]) -> None:
        """Edits of the open case made elsewhere (a sync or a replacing import in the case
        switcher): undoable here."""
        for record in records:
            self._did(record, (None, None))

    def _restore_view(self, case_id: str | None) -> None:
        """The model and sort ``case_id`` was left in (names no registry knows are passed over)."""
        saved = (saved_view(self.state_file, self.store.path, case_id)
                 if self.state_file is not None and case_id is not None else None)
        self.start_focus = (saved.item, saved.hypothesis) if saved is not None else (None, None)
        if saved is None:
            return
        if saved.model in MODELS:
            self.view.state.model = MODELS[MODELS.index(saved.model)]  # typed as a ModelName
        if saved.sort in SORT_NAMES:
            self.view.state.sort = sort_named(saved.sort)

    def keep_view(self, focus: Focus) -> None:
        """Record how the open case is looked at now, to show it so next time (a run later,
        or after another case)."""
        if self.state_file is None or self.case_id is None:
            return
        state = self.view.state
        remember_view(self.state_file, self.store.path, self.case_id,
                      SavedView(state.model, state.sort.name, *focus))

    def _did(self, record: Record | None, focus: Focus) -> None:
        """A new edit: undoable, and what was undone before it can no longer be redone."""
        if record is None:
            return
        self.done.append(Step(record, focus))
        del self.done[:-UNDO_DEPTH]
        self.undone.clear()

    def _reread(self, edited: str | None = None, *, dates: bool = False) -> None:
        """Show the case as the store now has it (``edited``: only that item changed)."""
        case_id = self.require()
        case = self.store.case(case_id)
        if dates:
            self.view.keep_dates(case)
        self.view.update(case, self.store.evidence(case_id, edited) if edited is not None else None)

    # ----------------------------------------------------------- one cell

    def rate(self, eid: str, hid: str, code: Rating | None) -> Change:
        """Set (or clear) one cell; clearing removes the cell's note too."""
        case_id = self.require()
        cleared = None
        if code is None:
            who = self.store.analyst if self.view.team else None
            cleared = cell_cleared(self.store.evidence(case_id, eid), hid, who)
        if cleared is not None:
            record: Record | None = self.store.update_evidence(case_id, cleared)
        else:
            record = self.store.set_rating(case_id, eid, hid, code)
        if record is None:
            return NOTHING
        self._did(record, (eid, hid))
        before = self.view.analysis
        self._reread(eid)
        other = self.view.colleague_shown()
        said = None if other is None else (
            f"Your vote on {eid} × {hid}{f': {code}' if code else ' cleared'}, which {other}'s "
            "lens does not show (l switches the lens)")
        return Change("item", (eid, hid), before, message=said)

    def set_note(self, eid: str, hid: str, text: str) -> Change:
        """Write, change or (empty text) remove the note on one cell."""
        case_id = self.require()
        text = text.strip()
        record = self.store.set_note(case_id, eid, hid, text)
        if record is None:
            return NOTHING
        self._did(record, (eid, hid))
        before = self.view.analysis
        self._reread(eid)
        return Change("item", (eid, hid), before,
                      message=f"Note on {eid} × {hid} {'saved' if text else 'removed'}")

    def toggle_excluded(self, eid: str, focus: Focus) -> Change:
        """What-if: leave the item out of scoring (or put it back)."""
        case_id = self.require()
        excluded = self.store.evidence(case_id, eid).excluded
        self._did(self.store.set_excluded(case_id, eid, not excluded), focus)
        before = self.view.analysis
        self._reread(eid, dates=True)  # an excluded item's date is no as-of step
        return Change("item", focus, before)

    def make_team(self, focus: Focus) -> Change:
        """Turn the one-analyst case into a team case: its cells become your layer."""
        case_id = self.require()
        self._did(self.store.make_team(case_id), focus)
        self._reread()
        return Change("rows", focus, message=f"{case_id} is a team case: its ratings are "
                      f"{self.store.analyst}'s; l switches the lens, u undoes")

    # --------------------------------------------------------- undo, redo

    def undo(self) -> Change:
        """Step back over the newest edit: its inverse is committed like any edit."""
        return self._step_over(self.done, self.undone, NOTHING_TO_UNDO, "Undid")

    def redo(self) -> Change:
        """Make the newest undone edit again."""
        return self._step_over(self.undone, self.done, "Nothing to redo", "Redid")

    def _step_over(self, source: list[Step], target: list[Step], empty: str, verb: str) -> Change:
        self.require()
        if not source:
            return Change("none", message=empty)
        step = source[-1]
        record = self.store.revert(step.record)  # on an error the step stays where it was
        source.pop()
        target.append(Step(record, step.focus))
        what = step.record.undone() if verb == "Undid" else record.describe()
        self._reread(dates=True)  # the step may bring back (or take away) a date
        return Change("rows", step.focus, message=f"{verb} {what}")

    # ------------------------------------------------------------ evidence

    def add_evidence(self, ev: Evidence) -> Change:
        case_id = self.require()
        self._did(self.store.add_evidence(case_id, ev), (ev.id, None))
        message = "Filter cleared to show the new item" if self.view.clear_filter_for(ev) else None
        self._reread(dates=True)
        return Change("rows", (ev.id, self._first_hypothesis()), message=message)

    def _first_hypothesis(self) -> str | None:
        case = self.case
        return case.hypotheses[0].id if case is not None and case.hypotheses else None

    def update_evidence(self, old: Evidence, new: Evidence, focus: Focus) -> Change:
        case_id = self.require()
        self._did(self.store.update_evidence(case_id, new), focus)
        self._reread(dates=True)
        return Change("rows", focus)

    def delete_evidence(self, eid: str, hid: str | None, row: int) -> Change:
        """Delete an item; the cursor goes to the row that took its place."""
        case_id = self.require()
        self._did(self.store.delete_evidence(case_id, eid), (eid, hid))
        self._reread(dates=True)
        rows = self.view.rows()
        target = rows[min(row, len(rows) - 1)].id if rows else None
        return Change("rows", (target, hid), message=f"Deleted {eid}: u undoes")

    # ---------------------------------------------------------- hypotheses

    def add_hypothesis(self, hyp: Hypothesis, eid: str | None) -> Change:
        case_id = self.require()
        self._did(self.store.add_hypothesis(case_id, hyp), (eid, hyp.id))
        self._reread()
        return Change("rows", (eid, hyp.id))

    def update_hypothesis(self, old: Hypothesis, new: Hypothesis, focus: Focus) -> Change:
        case_id = self.require()
        self._did(self.store.update_hypothesis(case_id, new), focus)
        self._reread()
        return Change("rows", focus)

    def delete_hypothesis(self, hid: str, eid: str | None) -> Change:
        case_id = self.require()
        self._did(self.store.delete_hypothesis(case_id, hid), (eid, hid))
        self._reread()
        return Change("rows", (eid, None), message=f"Deleted {hid}: u undoes")

    def update_case_info(self, old: CaseInfo, new: CaseInfo, focus: Focus) -> Change:
        """Title, question, description, conclusion: the rows stay, the panels redraw."""
        self.require()
        self._did(self.store.update_case_info(new), focus)
        self._reread()
        return Change("facts", focus, message="Case details saved: u undoes")

    # ------------------------------------------------------- indicators
    # They take no part in scoring: only observing one (a new item) moves the matrix.

    def _indicator_edit(self, record: Record | None, message: str | None = None) -> Change:
        self._did(record, (None, None))
        self.view.update(self.store.case(self.require()))  # the verdict's watch lines read them
        return Change("facts", message=message)

    def add_indicator(self, ind: Indicator) -> Change:
        record = self.store.add_indicator(self.require(), ind)
        return self._indicator_edit(record, f"Indicator {ind.id} registered: u undoes")

    def update_indicator(self, old: Indicator, new: Indicator) -> Change:
        return self._indicator_edit(self.store.update_indicator(self.require(), new))

    def delete_indicator(self, mid: str) -> Change:
        record = self.store.delete_indicator(self.require(), mid)
        return self._indicator_edit(record, f"Deleted indicator {mid}: u undoes")

    def observe_indicator(self, mid: str, today: date) -> Change:
        """Seen: one store record adds an item carrying the indicator's pre-registered
        ratings (reported today) and marks it observed; the item is then selected."""
        case_id = self.require()
        assert self.case is not None
        ind = self.case.indicator(mid)
        draft = Evidence(id=self.next_evidence_id(), title=ind.title, details=ind.details,
                         source=f"indicator {mid}", reported_date=today)
        record = self.store.observe_indicator(case_id, mid, draft)
        ev = record.evidence
        self._did(record, (ev.id, None))
        # dated today: in a case looked back on, when it happened is the analyst's to give
        message = (f"{mid} observed: {ev.id} added with its pre-registered ratings, reported "
                   f"{today.isoformat()} (e sets when it happened; u undoes)")
        if self.view.clear_filter_for(ev):
            message += "; filter cleared to show it"
        self._reread(dates=True)
        return Change("rows", (ev.id, self._first_hypothesis()), message=message)

    # ------------------------------------------------------------ reading

    def focused_item(self, eid: str | None) -> Evidence | None:
        if eid is None or self.case_id is None:
            return None
        return self.store.evidence(self.case_id, eid)

    def _ids_taken(self, current: list[str]) -> list[str]:
        """The ids in the case and every one its trail ever named: ids are never reused."""
        assert self.case_id is not None
        return [*current, *self.store.ids_ever(self.case_id)]

    def next_evidence_id(self) -> str:
        assert self.case is not None
        return next_id(ID_PREFIX["evidence"], self._ids_taken([ev.id for ev in self.case.evidence]))

    def next_indicator_id(self) -> str:
        assert self.case is not None
        return next_id(ID_PREFIX["indicators"], self._ids_taken([ind.id for ind in self.case.indicators]))

    def next_hypothesis_id(self) -> str:
        assert self.case is not None
        return next_id(ID_PREFIX["hypotheses"], self._ids_taken([h.id for h in self.case.hypotheses]))


__all__ = ["Change", "EditSession", "NoCase", "Step", "next_id"]
