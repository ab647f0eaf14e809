"""The workbench screen: maps keys to actions and routes messages.

The case, its view, the undo stack and every edit are the :class:`EditSession`'s.
The panels (case bar, ranking, timeline, matrix, detail pane, filter line) are
data-bound to :attr:`MainScreen.shown` and redraw themselves from it
(``tui/shown.py``); the keys on an item or a hypothesis live on the matrix and
the ranking, and what works anywhere is bound here. The views, forms and dialogs
it opens (``tui/views.py``, ``tui/edit_forms.py``, help, confirm) are imported
when first opened, which keeps them off the start-up path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key, ScreenResume
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from evidence.errors import WeighError
from hypotheses.gc_policy import collect_after_frame, settle
from tui.case_view import Change, Focus, NoCase
from tui.held_keys import HeldKeys
from tui.keys import KeySection
from tui.read_only import GuardsEdits, say_why_refused_key
from tui.shown import Shown
from tui.widgets.case_bar import CaseBar
from tui.widgets.conclusion_line import ConclusionLine
from tui.widgets.detail import DetailPane
from tui.widgets.filter_bar import FilterBar
from tui.widgets.footer import Footer
from tui.widgets.guide import Guide
from tui.widgets.matrix import EvidenceMatrix
from tui.widgets.ranking import RankingPanel
from tui.widgets.readonly_banner import ReadOnlyBanner
from tui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from textual.geometry import Size

    from evidence.operations import Record
    from evidence.store import Store
    from hypotheses.models import Case
    from tui.edit_session import EditSession

__all__ = ["MainScreen"]

NARROW = 120  # below this width the detail pane hides (d shows it)
SHORT = 24  # below this height the ranking gives up lines so the matrix keeps rows in sight
AS_OF = Binding.Group("As of")
LOADING = "#ranking, #timeline, #detail"  # what shows the case beside the matrix: loading until open
#: Actions that edit the case: dimmed in a read-only workbench, and a key on one says why.
#: Actions on the open case: dimmed in the footer while none is open (check_action).
NEEDS_CASE = frozenset({
    "cycle_model", "cycle_sort", "step_date", "toggle_score_shown", "filter", "undo", "redo",
    "form", "open_view", "indicators", "export", "cycle_lens", "toggle_reveal", "make_team",
})


def _breakpoint(breakpoints: list[tuple[int, str]], extent: int) -> str:
    """The class a Textual breakpoint list gives this width or height (the last it reaches)."""
    return [name for threshold, name in breakpoints if extent >= threshold][-1]


class PanelRow(Horizontal):
    """A row of panels that cover it whole: it draws nothing of its own (Textual drew its
    blank lines, every one hidden under a panel, on each full frame)."""

    BLANK = True


class PanelColumn(Vertical):
    """A column of panels that cover it whole (see :class:`PanelRow`)."""

    BLANK = True


class MainScreen(GuardsEdits, Screen[None]):
    """Ranking panel, matrix, detail pane and timeline for one case."""

    EDITS: ClassVar[frozenset[str]] = frozenset({"form", "undo", "redo", "make_team"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "cycle_model", "Model", tooltip="Cycle the scoring model"),
        Binding("s", "cycle_sort", "Sort", tooltip="Cycle the sort: date, diagnosticity, weight"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Filter by words, #tag or =group (same fact)"),
        Binding("l", "cycle_lens", "Lens", show=False, tooltip="Team case: show the team's consensus, then "
                "each analyst's votes (the rating keys always write yours)"),
        Binding("v", "toggle_reveal", "Votes", show=False, tooltip="Team case: show (or hide "
                "again) the others' votes on cells you have not rated yet"),
        Binding("L", "open_view('analysts')", "Analysts", show=False,
                tooltip="Team case: each analyst's leaders against the team's"),
        Binding("ctrl+t", "make_team", "Make team", show=False,
                tooltip="Make this case a team case: its ratings become yours (asks; u undoes)"),
        Binding("f", "toggle_score_shown", "Score shown", show=False,
                tooltip="Score only the filtered items, or the whole case again"),
        Binding("left_square_bracket", "step_date(-1)", "Earlier", key_display="[",
                tooltip="As-of date: one known date back", group=AS_OF),
        Binding("right_square_bracket", "step_date(1)", "Later", key_display="]",
                tooltip="As-of date: one known date forward (then all dates)", group=AS_OF),
        Binding("a", "form('add_evidence')", "Add", tooltip="Add evidence"),
        Binding("A", "form('add_hypothesis')", "Add hyp.", show=False, tooltip="Add a hypothesis"),
        Binding("u", "undo", "Undo", tooltip="Undo the last change (delete, rating, exclusion, edit)"),
        Binding("U", "redo", "Redo", tooltip="Redo the last change undone (a new change ends redo)"),
        Binding("d", "toggle_detail", "Detail", show=False, tooltip="Show or hide the detail pane"),
        Binding("ctrl+e", "export", "Export", tooltip="Export a summary or the case to a file"),
        Binding("ctrl+o", "switch_case", "Cases", tooltip="Open another case, create one, import a file"),
        Binding("M", "indicators", "Indicators", show=False,
                tooltip="Indicators: list, add, edit, mark observed (→ evidence) or lapsed"),
        Binding("D", "form('case_details')", "Details", show=False,
                tooltip="Edit the case's title, question, description and conclusion"),
        Binding("h", "open_view('ranking_history')", "History", show=False,
                tooltip="How the ranking moved: the verdict after every recorded change"),
        Binding("T", "open_view('separation')", "Tell apart", show=False,
                tooltip="Which pairs of hypotheses the evidence tells apart: every pair as a table"),
        Binding("B", "open_view('conclusion')", "Conclusion", show=False,
                tooltip="Read the whole conclusion (the bottom line is its first line)"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Show every key"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "narrow"), (NARROW, "wide")]  # noqa: RUF012 (Textual's type)
    VERTICAL_BREAKPOINTS = [(0, "short"), (SHORT, "tall")]  # noqa: RUF012 (Textual's type)
    AUTO_FOCUS = "#matrix"  # as the shell shows: empty, its keys held until the case shows
    store: Store  # the database, once open
    shown: var[Shown | None] = var(None, init=False)  # what the panels are bound to
    db_path: var[Path] = var(Path(), init=False)  # the database's path, on the top line
    cell: var[Focus] = var((None, None), init=False)  # the matrix's cursor, for the detail pane

    class CaseOpened(Message):
        """A case is now on show (the app remembers it for the next start)."""

        def __init__(self, case_id: str) -> None:
            super().__init__()
            self.case_id = case_id

    class ExportWritten(Message):
        """An export was written (the app offers its folder again next time)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, db_path: Path, size: Size) -> None:
        """The shell, its panels loading, until :meth:`show_session` gives it the case;
        keys typed meanwhile are held and replayed then, in order. ``size`` is the terminal's:
        the screen starts with the classes its breakpoints give that size, which Textual would
        otherwise add on the first resize and restyle every widget of the shell again for."""
        super().__init__(id="main", classes=f"{_breakpoint(self.HORIZONTAL_BREAKPOINTS, size.width)} "
                                               f"{_breakpoint(self.VERTICAL_BREAKPOINTS, size.height)}")
        self._resumed = False  # Textual's first ScreenResume, right after compose, not seen yet
        self._session: EditSession | None = None
        self.set_reactive(MainScreen.db_path, db_path)
        self.export_folder: Path | None = None
        # deleted in the case list, newest last: u in the list brings them back while weigh runs
        self.deleted_cases: list[Case] = []
        self.held = HeldKeys()  # typed before the case showed: replayed once it does
        self.matrix = EvidenceMatrix(id="matrix")
        self.ranking = RankingPanel(id="ranking")
        self._shown_a_case = False  # settle collects from the second case on
        self._enabled = (True, True)  # (a case open, rows shown) when the footer was last drawn
        self._drawing = False  # handing the panels a new view: its cursor follows it

    # ----------------------------------------------- the session, read-only

    @property
    def session(self) -> EditSession:
        if self._session is None:
            raise NoCase("The case is still opening")
        return self._session

    @property
    def case_id(self) -> str | None:
        return self._session.case_id if self._session is not None else None

    @property
    def case(self) -> Case | None:
        return self._session.case if self._session is not None else None

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        shown = MainScreen.shown
        yield CaseBar(self.db_path, id="case-bar").data_bind(shown, MainScreen.db_path)
        yield ConclusionLine(id="conclusion-line").data_bind(shown)
        with PanelRow(id="body"):
            with PanelColumn(id="left"):
                yield self.ranking.data_bind(shown, MainScreen.cell)
                yield Timeline(id="timeline").data_bind(shown)
                yield Guide(id="guide").data_bind(shown)
                yield self.matrix.data_bind(shown)
            yield DetailPane(id="detail").data_bind(shown, MainScreen.cell)
        yield FilterBar(id="filter").data_bind(shown, MainScreen.cell)
        # the keys show once they act: the held keys' replay announces them (refresh_bindings)
        yield Footer(keys_when=lambda: not self.opening)

    def on_mount(self) -> None:
        for panel in self.query(LOADING):
            panel.loading = True
        self.watch(self.matrix, "highlighted", self._cell_moved, init=False)

    def on_screen_resume(self, event: ScreenResume) -> None:
        """Textual restyles the whole screen as it resumes; the first resume comes right after
        compose and mount styled every widget, so that restyle would change nothing."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False  # read by Screen's own handler, which runs after this

    def show_session(self, session: EditSession, export_folder: Path | None) -> None:
        """The database is open and the case scored (in a worker): show it, then the keys
        typed meanwhile."""
        self._session, self.store = session, session.store
        self.export_folder = export_folder
        if self.store.readonly:
            self.mount(ReadOnlyBanner(self.store.readonly_reason or "opened read-only",
                                      id="readonly-banner"), before=0)
        for panel in self.query(LOADING):
            panel.loading = False
        self._show_case()
        self.call_after_refresh(self.held.replay, self, lambda: self.app.screen is not self
                                or self.query_one(FilterBar).has_class("open"))

    def on_key(self, event: Key) -> None:
        """Before the case shows, a key waits for it (``tui.held_keys``); after, a key on an
        edit this read-only window refuses says why (``tui.read_only``)."""
        if self.held.holding:
            self.held.hold(event)
        elif self.loaded and self.store.readonly:  # (only then: it reads every binding)
            say_why_refused_key(self, event)

    @property
    def loaded(self) -> bool:
        """The database is open and its case on show: keys act from now on."""
        return self._session is not None

    @property
    def opening(self) -> bool:
        """True until the case shows and the keys typed before it have been replayed."""
        return self.held.holding

    def open_case(self, case_id: str | None) -> None:
        """Show a case from the start: all dates, no filter, in the model and sort it was
        left in, the cursor where it was (the one shown until now is kept likewise)."""
        self.session.open(case_id, leaving=self.matrix.current() if self.case_id else None)
        self._show_case()

    def _show_case(self) -> None:
        """Draw the case the session just opened."""
        self.query_one(FilterBar).close()
        case_id = self.case_id
        if case_id is None:
            self.draw(Change("none"))
            return
        self.draw(Change("rows", self.session.start_focus))
        self.set_focus(self.matrix)
        settle(collect=self._shown_a_case)
        self._shown_a_case = True
        self.query_one(Timeline).warm_up()
        self.post_message(self.CaseOpened(case_id))
        # indicators past their expected date deserve a look when the case opens
        late = self.session.view.require().overdue_indicators(self.session.view.state.judged_on())
        if late:
            ids = ", ".join(ind.id for ind in late[:6]) + (", …" if len(late) > 6 else "")
            self.notify(f"{len(late)} indicator{'s' if len(late) != 1 else ''} overdue ({ids}): "
                        "M shows them", severity="warning", timeout=6, markup=False)

    # --------------------------------------------------------------- drawing

    def draw(self, change: Change) -> None:
        """Hand the panels what changed (each redraws itself), then tell the user its message."""
        if change.redraw != "none" or self.case is None:
            self._drawing = True
            try:
                self.shown = Shown(self.session, change)
            finally:
                self._drawing = False
            self.cell = self.matrix.current()
        enabled = (self.session.case is not None, self.matrix.row_count > 0)
        if enabled != self._enabled:  # check_action's answers changed: the footer redraws
            self._enabled = enabled
            self.refresh_bindings()
        if change.message:
            self.notify(change.message, timeout=3, markup=False)
        self.call_after_refresh(collect_after_frame)

    def _cell_moved(self) -> None:
        """The matrix's cursor moved: the panels bound to ``cell`` redraw in the same frame
        (during a draw, the new view's cursor is set once the panels have the view)."""
        if self._drawing:
            return
        self.cell = self.matrix.current()
        self.call_after_refresh(collect_after_frame)

    @on(RankingPanel.ShowItem)
    def _show_item(self, event: RankingPanel.ShowItem) -> None:
        self.matrix.reveal(event.eid, event.hid)

    # ------------------------------------------------------------- helpers

    def run_edit(self, edit: Callable[[], Change]) -> bool:
        """The one path for every key that acts on the case: run it, show any
        error in one line (nothing changed then), draw what changed. True if done."""
        try:
            change = edit()
        except NoCase as exc:
            self.notify(str(exc), severity="warning")
            return False
        except WeighError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return False
        self.draw(change)
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """What acts on the case is dimmed in the footer (and does nothing) while no case
        is open, and what edits it while the database is read-only (a key on it says
        why); until the database is open, every key here waits (``tui.held_keys``)
        and the footer shows none yet. (The matrix and the ranking dim their own keys:
        those on an item, on a hypothesis.)"""
        if not self.loaded:
            return None
        if action in NEEDS_CASE and self.session.case is None:
            return None
        if self.why_refused(action) is not None:
            return None
        return True

    def edited_store(self) -> Store | None:
        return self.store if self.loaded else None

    def ask(self, dialog: Screen[Any], edit: Callable[[Any], Change], *, refocus: bool = True) -> None:
        """Open a form or question; its answer (None or False: cancelled) is made an edit."""
        def answered(answer: object) -> None:
            if answer is not None and answer is not False:
                self.run_edit(lambda: edit(answer))
                if refocus:
                    self.matrix.focus()

        self.app.push_screen(dialog, answered)

    # -------------------------------------------------------- view controls

    def action_cycle_model(self) -> None:
        self.run_edit(self.session.view.cycle_model)

    def action_cycle_lens(self) -> None:
        focus = self.matrix.current()
        self.run_edit(lambda: self.session.view.cycle_lens(focus))

    def action_toggle_reveal(self) -> None:
        focus = self.matrix.current()
        self.run_edit(lambda: self.session.view.toggle_reveal(focus))

    def action_make_team(self) -> None:
        if self.case is None:
            return
        if self.session.view.team:
            self.notify(f"{self.case.id} is already a team case "
                        f"(analysts: {', '.join(self.case.analysts)})", markup=False)
            return
        from evidence.analyst import named_by_user
        from tui.screens.confirm import ConfirmScreen

        who = self.session.view.me or "you"
        if self.session.view.me and not named_by_user():  # not chosen: say how to
            who += "'s (your login name: start weigh --analyst ID to be named otherwise)"
        else:
            who += "'s"
        focus = self.matrix.current()
        self.ask(ConfirmScreen(f"Make {self.case.id} a team case? Its ratings and notes become "
                                f"{who}; each analyst then adds their own. (u undoes)"),
                  lambda _: self.session.make_team(focus))

    def action_cycle_sort(self) -> None:
        focus = self.matrix.current()
        self.run_edit(lambda: self.session.view.cycle_sort(focus))

    def action_step_date(self, step: int) -> None:
        """Replay the case as it stood at the previous/next distinct known date (an item is
        known from the later of its event and reported dates)."""
        self.run_edit(lambda: self.session.view.step_date(step))

    def action_toggle_score_shown(self) -> None:
        focus = self.matrix.current()
        self.run_edit(lambda: self.session.view.toggle_score_shown(focus))

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_toggle_detail(self) -> None:
        """Flip the detail pane from its default (the matrix takes the room it leaves)."""
        self.toggle_class("detail-flipped")

    def key_sections(self) -> list[KeySection]:
        """The keys a user meets here, grouped by where they work (help screen, command palette)."""
        return [
            KeySection("In the matrix (evidence × hypotheses)", self.matrix, list(EvidenceMatrix.BINDINGS)),
            KeySection("In the ranking panel (tab to reach it)", self.query_one(RankingPanel),
                       list(RankingPanel.BINDINGS)),
            KeySection("Anywhere on the main screen", self, list(MainScreen.BINDINGS)),
            KeySection("In the filter line", self.query_one(FilterBar), list(FilterBar.BINDINGS),
                       in_palette=False),
            KeySection("Application", self.app, list(self.app.BINDINGS), in_palette=False),
        ]

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.key_sections()))

    # ------------------------------------------------------------ undo

    def action_undo(self) -> None:
        self.run_edit(self.session.undo)

    def action_redo(self) -> None:
        self.run_edit(self.session.redo)

    # ------------------------------------------------ views, forms, indicators

    def action_open_view(self, name: str) -> None:
        """A read-only view over the case (``tui.views``), or why it cannot open."""
        from tui.views import VIEWS

        opened = VIEWS[name](self.session)
        if isinstance(opened, str):
            self.notify(opened, severity="warning", markup=False)
        elif opened is not None:
            self.app.push_screen(opened)

    def action_form(self, name: str) -> None:
        """A form whose answer is an edit (``tui.edit_forms``)."""
        from tui.edit_forms import FORMS

        asked = FORMS[name](self.session, self.matrix.current())
        self.ask(asked.dialog, asked.edit, refocus=asked.refocus)

    def action_indicators(self) -> None:
        from tui.screens.indicators import IndicatorsScreen  # on first use

        state = self.session.view.state
        self.app.push_screen(IndicatorsScreen(self.session, self.run_edit, state.judged_on(),
                                              state.as_of),
                             lambda _: self.set_focus(self.matrix))

    # ------------------------------------------------------ export & cases

    def action_export(self) -> None:
        from hypotheses.team import TEAM
        from tui.screens.export_dialog import ExportDialog  # on first use: off the start-up path
        from tui.widgets.ranking import filter_label

        assert self.case is not None
        state = self.session.view.state
        dialog = ExportDialog(self.case, state.model, state.as_of, self.export_folder, self.store.path,
                              state.lens or TEAM, filter_label(self.session.view))
        self.app.push_screen(dialog, lambda path: self._exported(path, dialog.leaves_out))

    def _exported(self, path: Path | None, leaves_out: str = "") -> None:
        """What was written and where, in a line or two: what a format cannot hold is listed
        in the export dialog, which the toast points to (listed here, it stayed for thirty
        seconds over the next dialog's buttons)."""
        if path is not None:
            self.export_folder = path.parent
            self.post_message(self.ExportWritten(path))
            # what the format left out is listed in the dialog (ctrl+e, that format), not here
            more = (f"\nThe {leaves_out} format could not hold all of this case: ctrl+e with {leaves_out} "
                    "chosen lists what it left out") if leaves_out else ""
            self.notify(f"Wrote {path}{more}", title="Export", severity="warning" if more else "information",
                        markup=False, timeout=8)

    def action_switch_case(self) -> None:
        from tui.screens.case_switcher import CaseSwitcher  # on first use: off the start-up path

        switcher = CaseSwitcher(self.store, self.case_id, self.deleted_cases)
        self.app.push_screen(switcher, lambda chosen: self._case_chosen(chosen, switcher.edits_of))

    def _case_chosen(self, case_id: str | None,
                     edits_of: Callable[[str], list[Record]] | None = None) -> None:
        if case_id is not None and case_id == self.case_id and not self.store.has_case(case_id):
            case_id = None  # the list reopens a case it synced; deleted there after, it is gone
        if case_id is None:
            if self.case_id is not None and not self.store.has_case(self.case_id):
                # the open case was deleted in the switcher: show another one, and say so
                gone, ids = self.case_id, self.store.case_ids()
                self.open_case(ids[0] if ids else None)
                self.notify(f"Case {gone} was deleted: " + (f"showing {ids[0]}" if ids else "no case is left")
                            + " (u in the case list brings it back)", timeout=6, markup=False)
            return
        if not self.store.has_case(case_id):
            self.notify(f"No case {case_id!r}", severity="error", markup=False)
            return
        self.open_case(case_id)
        if edits_of is not None:
            self.session.adopt(edits_of(case_id))  # u undoes a sync or replacing import made there
