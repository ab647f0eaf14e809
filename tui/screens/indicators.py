"""The indicators panel (Heuer's step 8): milestones registered before they are seen.

Lists the case's indicators and turns the list's requests into session edits
through the workbench's one edit path (``run_edit``), so every change is
durable, undoable with ``u`` and drawn on the workbench behind. Observing one
adds its evidence item and closes the panel on that item in the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.widgets import Static

from hypotheses.separation import observed_later
from tui.case_view import Change
from tui.keys import KeySection
from tui.read_only import GuardsEdits, read_only_reason, say_why_refused_key
from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import Dialog
from tui.screens.help import HelpScreen
from tui.screens.indicator_form import IndicatorForm
from tui.widgets.indicator_list import OVERDUE, IndicatorList, header_line, id_width, status_word

if TYPE_CHECKING:
    from evidence.store import Store
    from hypotheses.models import Indicator
    from tui.edit_session import EditSession

RunEdit = Callable[[Callable[[], Change]], bool]


class IndicatorsScreen(GuardsEdits, Dialog[None]):
    """The panel over the workbench; ``escape`` returns to it."""

    #: The panel's own keys that edit (the list's all do).
    EDITS: ClassVar[frozenset[str]] = frozenset({"undo", "redo"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", tooltip="Close the indicators panel"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change (here or in the workbench)"),
        Binding("U", "redo", "Redo", tooltip="Redo the last change undone (here or in the workbench)"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Show the panel's keys"),
    ]

    def __init__(self, session: EditSession, run_edit: RunEdit, today: date,
                 as_of: date | None = None) -> None:
        super().__init__()
        self.session = session
        self.run_edit = run_edit
        self.today = today
        self.as_of = as_of  # an indicator observed as an item known after it reads as watched

    def edited_store(self) -> Store:
        return self.session.store

    def on_key(self, event: Key) -> None:
        """A key on an edit the read-only database refuses says why."""
        if self.session.store.readonly:
            say_why_refused_key(self, event)

    def compose(self) -> ComposeResult:
        with Vertical(id="indicators-box", classes="form-dialog -wide"):
            yield Static(Text("Indicators: what to watch for, rated before it is seen",
                              style="bold"), id="indicators-title", classes="form-heading")
            yield Static(id="indicators-header")
            indicators = IndicatorList(id="indicator-list")
            indicators.store = self.session.store
            yield indicators
            yield Static(id="indicators-summary")
            yield Static(Text(
                "↑/↓ move · ? keys · esc close · read-only: no indicator can be added, edited, "
                "observed or deleted" if read_only_reason(self.session.store) else
                "a add · e/enter edit · o observed → evidence · l lapsed · del delete · "
                "u/U undo/redo · ? keys · esc close", style="italic"), id="indicator-keys",
                classes="dialog-keys")

    def key_sections(self) -> list[KeySection]:
        """Help and the command palette, while the panel is open."""
        return [
            KeySection("In the indicators list", self.query_one(IndicatorList),
                       list(IndicatorList.BINDINGS)),
            KeySection("In the indicators panel", self, list(IndicatorsScreen.BINDINGS)),
        ]

    def on_mount(self) -> None:
        self.reload()
        self.query_one(IndicatorList).focus()

    def reload(self, select: str | None = None) -> None:
        """Redraw from the session's case (the store's state after the last edit)."""
        case = self.session.case
        if case is None:
            self.dismiss(None)
            return
        hyps = case.hypotheses
        self.query_one("#indicators-header", Static).update(header_line(hyps, id_width(case.indicators)))
        later = {ind.id: day for ind in case.indicators
                 if (day := observed_later(ind, case, self.as_of)) is not None}
        self.query_one(IndicatorList).show(case.indicators, hyps, self.today, select, later)
        words = [status_word(ind, self.today, later.get(ind.id)) for ind in case.indicators]
        summary = Text(style="italic")
        if not words:
            summary.append("No indicators yet: a registers one (what would you expect to see "
                           "if a hypothesis were right, or wrong?)")
        else:
            counts = {w: words.count(w) for w in ("watching", OVERDUE, "observed", "lapsed")}
            summary.append(" · ".join(f"{n} {w}" for w, n in counts.items() if n))
            if counts[OVERDUE]:
                summary.append("  (overdue: still watching, past its expected date)")
            for mid, day in later.items():
                summary.append(f"\n{mid} was still watched on {self.as_of}: observed later, as "
                               f"{case.indicator(mid).evidence_id}, known from {day.isoformat()}")
            for ind in case.indicators:
                if ind.status == "observed" and ind.evidence_id is None:
                    summary.append(f"\n{ind.id} is observed, but its item was deleted: "
                                   "o files it again, with its pre-registered ratings")
        self.query_one("#indicators-summary", Static).update(summary)

    # ---------------------------------------------------------- requests

    @on(IndicatorList.Requested)
    def _requested(self, event: IndicatorList.Requested) -> None:
        event.stop()
        case = self.session.case
        if case is None:
            return
        if event.what == "add":
            self.app.push_screen(
                IndicatorForm(case.hypotheses, None, self.session.next_indicator_id()),
                self._added,
            )
            return
        assert event.mid is not None
        ind = case.indicator(event.mid)
        if event.what == "edit":
            self.app.push_screen(IndicatorForm(case.hypotheses, ind, ind.id),
                                 lambda new: self._edited(ind, new))
        elif event.what == "observe":
            self._observe(ind)
        elif event.what == "lapse":
            self._lapse(ind)
        elif event.what == "delete":
            self.app.push_screen(
                ConfirmScreen(f"Delete indicator {ind.id} “{ind.title}”? (u undoes)"),
                lambda yes: self._delete(ind.id) if yes else None,
            )

    def _added(self, ind: Indicator | None) -> None:
        if ind is not None and self.run_edit(lambda: self.session.add_indicator(ind)):
            self.reload(ind.id)

    def _edited(self, old: Indicator, new: Indicator | None) -> None:
        if new is not None and self.run_edit(lambda: self.session.update_indicator(old, new)):
            self.reload(new.id)

    def _observe(self, ind: Indicator) -> None:
        """File it as evidence; again if the item it was filed as has been deleted."""
        if ind.status == "observed" and ind.evidence_id is not None:
            self.notify(f"{ind.id} is already observed as {ind.evidence_id}{self._later(ind)}",
                        severity="warning", markup=False)
            return
        if self.run_edit(lambda: self.session.observe_indicator(ind.id, self.today)):
            self.dismiss(None)  # the workbench shows the new item, selected

    def _lapse(self, ind: Indicator) -> None:
        if ind.status == "observed":
            self.notify(f"{ind.id} is observed{self._later(ind)}: u undoes that first",
                        severity="warning", markup=False)
            return
        status = "watching" if ind.status == "lapsed" else "lapsed"
        new = ind.model_copy(update={"status": status})
        if self.run_edit(lambda: self.session.update_indicator(ind, new)):
            self.reload(ind.id)

    def _later(self, ind: Indicator) -> str:
        """Why a row that reads 'watching' as of the date is refused as observed: its item
        is known only after that date."""
        day = observed_later(ind, self.session.case, self.as_of) if self.session.case else None
        return "" if day is None else f" (known from {day.isoformat()}, after {self.as_of})"

    def _delete(self, mid: str) -> None:
        if self.run_edit(lambda: self.session.delete_indicator(mid)):
            self.reload()

    def action_undo(self) -> None:
        if self.run_edit(self.session.undo):
            self.reload()

    def action_redo(self) -> None:
        if self.run_edit(self.session.redo):
            self.reload()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.key_sections()))

    def action_close(self) -> None:
        self.dismiss(None)
