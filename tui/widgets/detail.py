"""Everything about the focused item: fields, the notes behind each rating,
its diagnosticity and whether it is a linchpin. User text is Text, never markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from evidence.errors import NotFound, WeighError
from hypotheses.scoring import weight
from hypotheses.team import TEAM
from hypotheses.visible import visible
from hypotheses.vocabulary import RATING_NAMES
from tui.widgets.item_history import hidden_votes, history_block
from tui.widgets.matrix import RATING_STYLES
from tui.widgets.note_text import NOTE_INDENT, indented
from tui.widgets.static_update import update_static

if TYPE_CHECKING:
    from rich.console import Console

    from evidence.operations import Operation
    from evidence.store import Store
    from hypotheses.models import Evidence, Hypothesis
    from tui.case_view import CaseView, Focus
    from tui.shown import Shown


def _field(out: Text, label: str, value: str) -> None:
    out.append(f"{label}: ", style="bold")
    out.append(visible(value))
    out.append("\n")


def describe_evidence(
    ev: Evidence,
    hyps: list[Hypothesis],
    *,
    diagnosticity: float | None,
    linchpin: tuple[str, ...],
    column: str | None,
    later: bool,
    group_members: list[str] | None = None,
    team: Text | None = None,
    ratings: bool = True,
    wrap: tuple[Console, int] | None = None,
) -> Text:
    """The detail pane's text for one item (pure: tested without a screen).

    ``group_members``: the ids of every item in its same-fact group, itself included.
    ``team``: a team case's votes; ``ratings``: list the item's ratings (not under the team
    lens, whose votes ``team`` lists as far as they may be seen); ``wrap``: a console and
    the width the pane draws at, so each rating's note wraps under itself (:func:`indented`).
    """
    out = Text()
    out.append(ev.id, style="bold reverse")
    out.append(" ")
    out.append(visible(ev.title), style="bold")
    out.append("\n")
    if ev.excluded:
        out.append("EXCLUDED from scoring (what-if); space puts it back\n", style="bold #b3261e")
    elif later:
        out.append("After the as-of date: not counted yet\n", style="italic")
    if diagnosticity is None:
        out.append("diagnosticity: not in this view\n")
    else:
        flat = " (non-diagnostic)" if diagnosticity == 0 and len(
            [r for r in ev.ratings.values() if r != "NA"]) >= 2 else ""
        _field(out, "diagnosticity", f"{diagnosticity:.3f}{flat}")
    if linchpin:
        out.append("◆ linchpin", style="bold #c05600")
        out.append(f" under {', '.join(linchpin)}: removing it alone changes the leader\n")
    else:
        _field(out, "linchpin", "no")
    _field(out, "kind", ev.kind)
    _field(out, "event date", ev.event_date.isoformat() if ev.event_date else "—")
    _field(out, "reported", ev.reported_date.isoformat() if ev.reported_date else "—")
    _field(out, "source", ev.source or "—")
    if ev.url:
        _field(out, "url", ev.url)
    _field(out, "tags", " ".join(f"#{t}" for t in ev.tags) or "—")
    if ev.group is None:
        _field(out, "same fact", "—")
    else:
        members = group_members or [ev.id]
        others = [m for m in members if m != ev.id]
        shared = f"  with {', '.join(others[:8])}{', …' if len(others) > 8 else ''}" if others else ""
        items = f"{len(members)} item{'s' if len(members) != 1 else ''}"
        _field(out, "same fact", f"={ev.group} ({items}, counted once){shared}")
    _field(
        out,
        "credibility / relevance",
        f"{ev.credibility} / {ev.relevance}  (weight {weight(ev):.2f})",
    )
    _field(out, "admiralty", ev.admiralty or "—")
    if ratings:
        _ratings(out, ev, hyps, column, wrap)
    if team is not None:
        out.append_text(team)
    if column is not None:
        for hyp in hyps:
            if hyp.id == column:
                out.append("\nColumn ", style="bold")
                out.append(hyp.id, style="bold")
                out.append(": ")
                out.append(visible(hyp.title))
                out.append("\n")
    if ev.details:
        out.append("\nDetails\n", style="bold underline")
        out.append(visible(ev.details, lines=True))
        out.append("\n")
    return out


def _ratings(out: Text, ev: Evidence, hyps: list[Hypothesis], column: str | None,
             wrap: tuple[Console, int] | None) -> None:
    out.append("\nRatings\n", style="bold underline")
    for hyp in hyps:
        code = ev.ratings.get(hyp.id)
        line_style = "bold" if hyp.id == column else ""
        out.append("▸ " if hyp.id == column else "  ", style="bold")
        out.append(f"{hyp.id:<4}", style=line_style)
        if code is None:
            out.append(" ·  ", style="dim")
            out.append(" not rated", style="dim")
        else:
            out.append(f" {code:<2} ", style=RATING_STYLES[code])
            out.append(f" {RATING_NAMES[code]}")
        out.append("\n")
        note = ev.notes.get(hyp.id)
        if note:
            out.append_text(indented(Text(visible(note, lines=True), style="italic"), NOTE_INDENT, wrap))
            out.append("\n")


class DetailPane(VerticalScroll, can_focus=False):
    """A scrolling pane holding one Static: the item under the matrix's cursor.

    Bound to ``MainScreen.shown`` (the case and its view) and ``MainScreen.cell``
    (the cursor); redrawn when either changes, or when the pane comes back into view.
    """

    shown: var[Shown | None] = var(None, init=False)
    cell: var[Focus] = var((None, None), init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: object = None  # the facts the pane shows now
        self._reading: Worker[None] | None = None
        self._read_of: Store | None = None  # the store whose trail was given to a worker

    def compose(self) -> ComposeResult:
        yield Static(Text("No evidence selected", style="italic"), id="detail-text")

    def on_resize(self) -> None:
        """The text is at least as tall as the pane shows: moving between items whose text
        fits leaves its height, so the screen is not laid out again. Notes wrap at the new
        width."""
        self.query_one("#detail-text", Static).styles.min_height = self.scrollable_content_region.height
        self.redraw()

    def _wrap(self) -> tuple[Console, int] | None:
        """The console and the width the notes wrap at: the text's, less the scrollbar's
        columns even while none shows, so a note that makes the text scroll still fits."""
        width = self.content_region.width - self.styles.scrollbar_size_vertical
        return (self.app.console, width) if width > 0 else None

    def show(self, text: Text, history: Text | None = None) -> None:
        """The item's facts and, under them, its history: one Static, whose height alone
        decides whether the screen must be laid out again."""
        if history is not None:
            text = Text.assemble(text, "\n", history)  # a blank line between them
        update_static(self.query_one("#detail-text", Static), text)
        self.scroll_home(animate=False)

    def watch_shown(self) -> None:
        self.redraw()

    def watch_cell(self) -> None:
        self.redraw()

    def on_show(self) -> None:
        self.redraw()  # hidden until now (narrow, or d): drawn as it shows

    def redraw(self) -> None:
        """The focused item's facts; nothing new (a sort, a model without linchpin
        change) draws nothing, so the pane is not laid out again."""
        view = self.shown.session.view if self.shown is not None else None
        if view is not None and view.case is None:  # no case open (the last one deleted)
            self._drawn = None
            self.show(Text("No evidence selected", style="italic"))
            return
        if view is None or view.case is None or view.analysis is None:
            return
        eid, hid = self.cell
        if eid is None:
            self._drawn = None
            empty = not view.case.evidence
            self.show(Text("No evidence yet: the steps on the left say where to start" if empty
                           else "No evidence in this view: a adds an item, / changes the filter",
                           style="italic"))
            return
        if not self.display:
            self._drawn = None  # hidden: drawn when it shows
            return
        assert self.shown is not None
        store, case = self.shown.session.store, view.case
        try:
            ev = store.evidence(case.id, eid)
        except NotFound:
            return  # the cursor is still on an item just deleted: the next cell follows
        i = view.positions.get(eid)
        later = view.known_later(ev)
        diag = view.analysis.diagnosticity[i] if i is not None else None
        linchpin = view.analysis.linchpins[i] if i is not None else ()
        history = self._history(store, case.id, eid)
        members = view.group_members(ev.group) if ev.group is not None else None
        wrap = self._wrap()
        key = (ev, case.hypotheses, diag, linchpin, hid, later,
               history if isinstance(history, int) else (len(history), type(history)), members,
               view.state.lens, view.state.reveal, wrap and wrap[1])
        if key == self._drawn:
            return
        self._drawn = key
        self.show(describe_evidence(
            view.seen_item(eid) or ev, case.hypotheses, diagnosticity=diag, linchpin=linchpin,
            column=hid, later=later, group_members=members, team=team_votes(view, ev, hid, wrap),
            ratings=not view.team or view.state.lens != TEAM, wrap=wrap),
            history_block(history, eid, hidden_votes(view, [ev]) if view.team else None))

    def _history(self, store: Store, case_id: str, eid: str) -> list[Operation] | str | int:
        """The item's changes; a damaged trail's reason; or, while the trail is read in a
        worker, how many records it has left to read.

        A store's trail is read in a worker once its case is on screen, the history block
        saying so meanwhile: the first frame waits neither for the records' classes nor for
        the typing, and a case edited for years opens, and its cursor moves, without waiting
        for every change ever recorded. Records added since are typed as they come."""
        untyped = store.untyped_records()
        if untyped and self._read_of is not store:  # once per store: then it is read here, if at all
            self._read_of, self._reading = store, None
            # after this frame: the worker would slow the drawing of the case
            self.call_after_refresh(self._start_reading, store)
        if untyped and self.reading:
            return untyped
        try:
            return store.item_history(case_id, eid)
        except WeighError as exc:
            return str(exc)  # a damaged audit trail is said where the item's history goes

    @property
    def reading(self) -> bool:
        """The history block waits for the trail, read in a worker (see :meth:`_history`)."""
        return self._read_of is not None and (self._reading is None or not self._reading.is_finished)

    def _start_reading(self, store: Store) -> None:
        if self._read_of is store:
            self._reading = self._read_trail(store)

    @work(thread=True, group="trail")
    def _read_trail(self, store: Store) -> None:
        worker = get_current_worker()
        store.read_trail(stop=lambda: worker.is_cancelled)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The trail is read (or could not be): the history block takes its place."""
        if event.worker is self._reading and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self._drawn = None
            self.redraw()


def team_votes(view: CaseView, ev: Evidence, hid: str | None,
               wrap: tuple[Console, int] | None = None) -> Text | None:
    """A team case's votes on the item, everyone's (what may be seen of them)."""
    if not view.team or view.case is None:
        return None
    from tui.widgets.team_votes import describe_votes  # team cases only

    return describe_votes(ev, view.case.hypotheses, view.case.analysts, view.me, view.hides, hid, wrap)
