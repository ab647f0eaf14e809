"""How the ranking moved: the verdict after every recorded change to the case, by time.

Past states are rebuilt by ``evidence.history.ranking_history``: **backwards**
from the case as it stands, undoing the store's history records newest first
with the old values each one carries (the history keeps no copy of the whole
case a ``case.put`` wrote, so there is nothing to replay forwards from). The
list starts at the latest create/import of the case, or at the newest thousand
changes of a case edited for longer; the screen says so when it reaches less far.

Rows are oldest first, one per change; ◆ marks a change after which the
chosen model's leader differs. The pane below shows the full ranking with
scores at the highlighted step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from evidence.errors import WeighError
from evidence.history import RANKING_STEPS, RankingHistory, RankingStep, ranking_history
from hypotheses.report_sections import agreement_words
from hypotheses.scoring_models import DEFAULT_MODEL, MODELS, next_model, scoring_model
from hypotheses.separation import NOT_SEPARATED, short_top
from hypotheses.team import TEAM, with_note
from hypotheses.visible import visible
from tui.widgets.item_history import hidden_votes, masked

if TYPE_CHECKING:
    from evidence.store import Store
    from tui.case_view import CaseView

MARK = "◆"
CHANGE_WIDTH = 56  # longer change lines are clipped so the ranking stays in view
MIN_CHANGE = 8  # at 80 columns a wide band's names come first; the pane below says the change in full
NARROW = 120  # below this width: short times, "≠" for "models disagree"
SHORT_TOPS = 140  # below this width: '≈ H1, H2' for 'H1, H2 (not separated)'
COLUMNS = (" ", "#", "when (UTC)", "change", "ranking", "leader(s)")


def step_scores(step: RankingStep, index: int, model: str, change: str = "") -> Text:
    """The full ranking, with scores, of one past state, ``index`` changes into the trail
    (pure: tested directly)."""
    ms = step.scores[model]
    out = Text()
    out.append(f"After change {index:,}: " if index else "Start: ", style="bold")
    if change:
        out.append(visible(change))  # in full: the table may have clipped it
        out.append("\n")
    sm = scoring_model(model)
    shown = step.shown(model)
    out.append(f"ranking by {sm.label}\n")
    for i in ms.order:
        hyp = step.hypotheses[i]
        score = sm.format_score(shown[i], 6)
        out.append(f"{ms.ranks[i]:>2}. ", style="bold" if i in ms.top else "")
        out.append(f"{hyp.id:<6}", style="bold" if i in ms.top else "")
        out.append(f"{score}  ")
        out.append(visible(hyp.title))
        out.append("\n")
    if not step.hypotheses:
        out.append("no hypotheses yet\n", style="italic")
    ids, note, alone = step.said(model)
    if alone:  # in full: a narrow table says only 'on its prior'
        words = with_note(ids, from_band(step, model, ids, note), alone=alone)
        out.append(f"{'top score' if note else 'leader'} {words}\n", style="bold")
    out.append(agreement(step), style="" if step.agree else "bold")
    return out


def agreement(step: RankingStep) -> str:
    """Whether the models agree, claiming no leader a model's verdict does not name (the
    reports' words)."""
    naming = [scoring_model(m).label for m in MODELS if not step.notes.get(m)]
    top = ", ".join(next(iter(step.leaders.values()), ()))
    return agreement_words(step.agree, top, naming, len(MODELS)) + "."


def leaders_cell(step: RankingStep, model: str, narrow: bool = False) -> str:
    """The step's top under ``model`` as the verdict names it: 'H1', 'H1, H2 (not separated)',
    'H2 (on no rated item)', 'H1 on its prior (the evidence alone puts H2 first)' where only
    unequal priors make the lead; short where the screen is narrow (``separation.short_top``:
    'H1 on its prior', the pane below saying the rest)."""
    ids, note, alone = step.said(model)
    if narrow and (note or alone):
        return short_top(step.band(model) if note == NOT_SEPARATED else ids, note, alone=alone)
    return with_note(ids, from_band(step, model, ids, note), alone=alone)


def from_band(step: RankingStep, model: str, ids: tuple[str, ...], note: str) -> str:
    """'not separated from H2' where the band holds more than the top: the as-of line and
    the reports name the whole band, and 'H1 (not separated)' read as if H1 stood alone."""
    if note != NOT_SEPARATED:
        return note
    others = [h for h in step.band(model) if h not in ids]
    return f"{note} from {', '.join(others)}" if others else note


class RankingHistoryScreen(Screen[None]):
    """A case-wide post-mortem: which change moved the verdict, and when."""

    DEFAULT_CSS = """
    RankingHistoryScreen #rh-head { height: auto; padding: 0 1; background: $panel; }
    RankingHistoryScreen #rh-table { height: 1fr; }
    RankingHistoryScreen #rh-scores { height: auto; max-height: 14; padding: 0 1;
        border-top: solid $primary 40%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", tooltip="Back to the workbench"),
        Binding("m", "cycle_model", "Model", tooltip="Cycle the scoring model of the ranking history"),
        Binding("l", "toggle_leader_only", "Leader changes",
                tooltip="Show only the changes after which the leader differs, or every change"),
    ]

    def __init__(self, store: Store, case_id: str, model: str = DEFAULT_MODEL,
                 view: CaseView | None = None) -> None:
        """``view``: a team case's workbench view, whose lens scores the past states and
        whose hidden votes stay hidden (anchoring)."""
        super().__init__(id="ranking-history")
        self.store = store
        self.case_id = case_id
        self.model = model if model in MODELS else DEFAULT_MODEL
        self.lens = TEAM if view is None or view.state.lens is None else view.state.lens
        self.hidden_from = None if view is None or not view.team or view.state.reveal else view.me
        self.hidden = (hidden_votes(view, view.case.evidence if view.case is not None else None)
                       if view is not None and view.team else None)
        self.leader_only = False
        self.steps: list[RankingStep] = []
        self.replayed: RankingHistory | None = None
        self.shown: list[int] = []  # step index of each table row
        self.title_shown = ""
        self.filled_width = 0  # the terminal's width when the table was last laid out

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Reading the history…", style="italic"), id="rh-head")
            yield DataTable(id="rh-table", cursor_type="row", zebra_stripes=True)
            # scrolls (tab to it) where a case's hypotheses outnumber its lines: cut, the
            # ranking after the change lost its last hypotheses without a word
            with VerticalScroll(id="rh-scores"):
                yield Static(id="rh-scores-text")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="ranking-history")
    def load(self) -> None:
        """Replay and score the past states off the UI thread (long trails take a while);
        closing the view, or another model asked for, stops it."""
        worker = get_current_worker()
        case = self.store.case(self.case_id)
        try:
            records = self.store.history(self.case_id)
        except WeighError as exc:  # a damaged audit trail: said, and the view closes
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            self.app.call_from_thread(self.dismiss)
            return
        moved = ranking_history(case, records, self.model, limit=RANKING_STEPS,
                                stop=lambda: worker.is_cancelled, lens=self.lens,
                                hidden_from=self.hidden_from)
        if moved is not None and self.hidden is not None:
            hidden = self.hidden
            moved = moved._replace(steps=[
                s._replace(change=masked(s.record)) if s.record is not None and hidden(s.record)
                else s for s in moved.steps])
        if moved is not None:
            self.app.call_from_thread(self._show, moved, case.title)

    def _show(self, rep: RankingHistory, title: str) -> None:
        self.steps, self.replayed, self.title_shown = rep.steps, rep, title
        steps = rep.steps
        head = Text()
        head.append("How the ranking moved: ", style="bold")
        head.append(visible(title))
        changes = len(steps) - 1
        head.append(f"\nRanking by {scoring_model(self.model).label} "
                    + ("as the case came in (no change recorded since)" if not changes
                       else "as the case came in and after its one recorded change" if changes == 1
                       else f"after each of {changes} recorded changes, oldest first")
                    + f"; {MARK} marks a change of leader, or of why there is none "
                    f"({sum(s.leader_changed for s in steps)} in all).")
        if self.app.size.width < NARROW:
            head.append(" ≠: the models disagree on the top score.")
        if self.app.size.width < SHORT_TOPS:
            head.append(" ≈: not separated; unrated: a top score on no rated item; unweighed: one no "
                        "item tells from the next.")
        if rep.note:
            head.append(f"\nNote: {rep.note}.", style="italic")
        if self.leader_only:
            head.append("\nShowing only changes of leader (l shows every change).", style="italic")
        self.query_one("#rh-head", Static).update(head)
        self._fill()

    def on_resize(self) -> None:
        """The words fit the width (short leaders below 140 columns, short times and marks
        below 120): at another width the table is laid out again, once the resize is done,
        the cursor kept on its row."""
        self.call_after_refresh(self._refill)

    def _refill(self) -> None:
        if self.replayed is None or self.app.size.width == self.filled_width:
            return
        row = self.query_one(DataTable).cursor_row
        self._show(self.replayed, self.title_shown)
        self.query_one(DataTable).move_cursor(row=row)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        # the columns anew: a column keeps the widest cell it ever held, so after another
        # model's longer leader words the change column stayed wide and pushed them off screen
        table.clear(columns=True)
        table.add_columns(*COLUMNS)
        self.filled_width = self.app.size.width
        self.shown = [
            k for k, s in enumerate(self.steps) if not self.leader_only or k == 0 or s.leader_changed
        ]
        rows: list[tuple[RankingStep, str, str, str]] = []
        narrow = self.app.size.width < NARROW
        skipped = self.replayed.skipped if self.replayed is not None else 0
        for k in self.shown:
            s = self.steps[k]
            when = s.when.removesuffix(" UTC") or "—"
            if narrow and len(when) == 19:  # 2026-11-30 05:19:03 → 11-30 05:19
                when = when[5:16]
            disagree = "" if s.agree else (" ≠" if narrow else "  (models disagree)")
            short = self.app.size.width < SHORT_TOPS
            rows.append((s, f"{skipped + k:,}", when, leaders_cell(s, self.model, short) + disagree))
        # the ranking and leaders are the facts that matter: the change text gets what is left
        fixed = sum(max((len(str(r[i])) for r in rows), default=1) + 2 for i in (1, 2, 3))
        ranking = max((len(r[0].ranking) for r in rows), default=0) + 2
        width = max(MIN_CHANGE, min(CHANGE_WIDTH, self.app.size.width - fixed - ranking - 3 - 2))
        for s, key, when, leaders in rows:
            style = "bold" if s.leader_changed else ""
            table.add_row(
                Text(MARK if s.leader_changed else " ", style="bold #c05600"),
                Text(key, justify="right"),
                Text(when),
                Text(visible(s.change if len(s.change) <= width else s.change[: width - 1] + "…"),
                     style=style),
                Text(visible(s.ranking), style=style),
                Text(leaders),
                key=key,
            )
        if self.shown:
            table.move_cursor(row=len(self.shown) - 1)
            # the newest change at the bottom, and kept there through the layouts to come: the
            # heading and the pane below take their new heights, and a horizontal scrollbar
            # may come with the columns' widths, after the scroll to the cursor; each had the
            # newest change open a row (or several) out of view. Anchored after the scroll
            # the cursor's move asked for (a scroll releases an anchor); a move up releases it.
            table.call_after_refresh(table.anchor)
        self._show_scores()

    def _show_scores(self) -> None:
        table = self.query_one(DataTable)
        if self.replayed is None or not self.shown:
            return
        row = min(table.cursor_row, len(self.shown) - 1)
        k = self.shown[row]
        self.query_one("#rh-scores-text", Static).update(
            step_scores(self.steps[k], self.replayed.skipped + k, self.model,
                        self.steps[k].change if k else ""))

    @on(DataTable.RowHighlighted, "#rh-table")
    def _row_moved(self) -> None:
        self._show_scores()

    def action_cycle_model(self) -> None:
        self.model = next_model(self.model)
        self.load()

    def action_toggle_leader_only(self) -> None:
        self.leader_only = not self.leader_only
        if self.replayed is not None:
            self._show(self.replayed, self.title_shown)

    def action_close(self) -> None:
        self.dismiss(None)
