"""The evidence × hypothesis matrix: where the analyst reads and rates.

The widget draws rows and owns the keys on the focused item (rate, exclude,
note, edit, delete); it builds each edit and the screen runs it at once
(``tui.case_editor``), so an edit is durable before the next key is read. It is a virtual grid: a
row's cells are made only when the row comes into view, so a 10,000-item case
opens and redraws as fast as a small one.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.reactive import var

from hypotheses.sorts import DEFAULT_SORT, Sort
from hypotheses.visible import visible
from tui.case_editor import editor
from tui.case_view import CaseView, Focus, NoCase, RowFacts
from tui.keys import rating_bindings
from tui.read_only import GuardsEdits
from tui.widgets.cell_grid import CellGrid, GridColumn

if TYPE_CHECKING:
    from evidence.store import Store
    from hypotheses.models import Evidence, Hypothesis
    from hypotheses.scoring import Analysis
    from hypotheses.vocabulary import Rating
    from tui.edit_session import EditSession
    from tui.shown import Shown

__all__ = ["EvidenceMatrix", "RowFacts", "row_cells"]

# Rating cell styles: a background per code, so they read in dark and light themes.
RATING_STYLES: dict[str, str] = {
    "CC": "bold #ffffff on #1a7f37",
    "C": "#0b3d1a on #9bd8a9",
    "N": "#303030 on #d6d6d6",
    "I": "#4a1c00 on #f6b38a",
    "II": "bold #ffffff on #b3261e",
    "NA": "italic #505050 on #ebebeb",
}
UNRATED = "·"
HIDDEN = "?"  # a team cell whose votes stay hidden until you rate it
MARK_LINCHPIN = "◆"
MARK_FLAT = "–"
MARK_EXCLUDED = "✕"
MARK_LATER = "›"
MARK_GROUP = "≡"
NOTE_MARK = "*"  # after a rating: the cell has a note (w reads it)
FIXED_COLUMNS = ("id", "mark", "title")
SHADED = 2  # of those, the id and the marks: shaded as fixed, and fixed even where the title scrolls
DIAG_COLUMN = "diag"
SORT_COLUMN = "sorted-by"  # the sort's value (weight), while that sort is on
VALUE_WIDTH = 4  # "1.41"
RATING_WIDTH = 4
ID_WIDTH = 5  # the item id column, at least ("E123")
MARK_WIDTH = 3  # linchpin or flat, excluded or later, group
MIN_TITLE = 14
DETAIL_WIDTH = 56  # the detail pane beside it (app.tcss), when shown on a wide screen
RATE = Binding.Group("Rate", compact=True)
#: Actions on the focused item: dimmed while the matrix shows none (no case, an empty case or filter).
ITEM_ACTIONS = frozenset({"rate", "toggle_excluded", "note", "edit_evidence", "delete_evidence"})


def title_width(width: int, hypotheses: list[int], *, narrow: bool, detail_flipped: bool,
                id_width: int = ID_WIDTH) -> int:
    """The title column's width on a terminal ``width`` wide, beside the detail pane unless
    it is hidden (``narrow``: hidden unless flipped; wide: shown unless flipped), beside the
    hypothesis columns ``hypotheses`` wide and an id column ``id_width`` wide."""
    if narrow and detail_flipped:
        width -= width // 2
    elif not narrow and not detail_flipped:
        width -= DETAIL_WIDTH
    fixed = id_width + MARK_WIDTH + 5 + sum(hypotheses) + 2 * (4 + len(hypotheses)) + 2
    return max(MIN_TITLE, width - fixed)


def column_width(hid: str) -> int:
    """A hypothesis column holds its id whole: a case file from elsewhere may use ids of up
    to 32 characters, and cut to the column ('scen', 'scen') no column could be told apart."""
    return max(RATING_WIDTH, len(hid))


def id_width(evidence: list[Evidence]) -> int:
    """The item id column: each id whole (see :func:`column_width`)."""
    return max([ID_WIDTH, *(len(ev.id) for ev in evidence)])


def mark_text(facts: RowFacts, grouped: bool = False) -> Text:
    """The little column of marks: linchpin, non-diagnostic, excluded, later, same-fact group."""
    marks = ""
    if facts.linchpin:
        marks += MARK_LINCHPIN
    elif facts.rated >= 2 and facts.diagnosticity == 0:
        marks += MARK_FLAT
    if facts.excluded:
        marks += MARK_EXCLUDED
    elif facts.later:
        marks += MARK_LATER
    if grouped:
        marks += MARK_GROUP
    style = "bold #c05600" if facts.linchpin else ""
    return Text(marks, style=style, no_wrap=True)


def rating_text(code: str | None, active: bool, mark: str | None = "", noted: bool = False) -> Text:
    """One cell: its code (the lens's), then the team's disagreement ``mark``, then
    :data:`NOTE_MARK` if ``noted``; a None mark hides the votes (and whether anyone
    wrote a note) until you rate the cell.
    The note mark is never cut: it takes the place of a team mark's last character when
    the cell would overflow."""
    note = NOTE_MARK if noted else ""
    if mark is None:  # (the team lens leaves the cell out: no code)
        return Text(HIDDEN.center(RATING_WIDTH), style="dim italic", justify="center")
    if code is None:
        return Text((UNRATED + note).center(RATING_WIDTH), style="dim", justify="center")
    mark = mark[:RATING_WIDTH - len(code) - len(note)]
    style = RATING_STYLES[code] if active else "dim strike"
    text = Text((code + mark + note).center(RATING_WIDTH), style=style, justify="center")
    if mark:
        text.stylize("bold underline", text.plain.index(mark), text.plain.index(mark) + len(mark))
    return text


def _marks(facts: RowFacts, count: int) -> tuple[str | None, ...]:
    return facts.marks if facts.marks is not None else ("",) * count


def row_cells(ev: Evidence, hyps: list[Hypothesis], facts: RowFacts,
              sorted_by: Callable[[Evidence], float] | None = None) -> list[Text]:
    """All cells of a row; user text goes in as Text, never as markup. ``sorted_by``: the
    sort's value, shown before Diag (the sort by weight shows each item's weight)."""
    dim = "" if facts.active else "dim"
    diag = Text(f"{facts.diagnosticity:.2f}", justify="right", style=dim or "")
    if facts.rated >= 2 and facts.diagnosticity == 0:
        diag.stylize("dim")
    value = [] if sorted_by is None else [Text(f"{sorted_by(ev):.2f}", justify="right", style=dim)]
    notes = ev.notes
    return [
        Text(ev.id, style=dim, no_wrap=True),
        mark_text(facts, ev.group is not None),
        Text(visible(ev.title), style=dim, no_wrap=True, overflow="ellipsis"),
        *(rating_text(ev.ratings.get(h.id), facts.active, mark, bool(notes.get(h.id)))
          for h, mark in zip(hyps, _marks(facts, len(hyps)), strict=True)),
        *value,
        diag,
    ]


class EvidenceMatrix(GuardsEdits, CellGrid):
    """Evidence rows × hypothesis columns, with a diagnosticity column; bound to
    ``MainScreen.shown``, whose change says how much to redraw."""

    EDITS: ClassVar[frozenset[str]] = ITEM_ACTIONS  # every key on an item edits
    BINDINGS: ClassVar[list[BindingType]] = [
        *rating_bindings("rate", group=RATE),
        Binding("backspace", "rate(None)", "Clear", tooltip="Clear the rating",
                group=RATE),
        Binding("space", "toggle_excluded", "Exclude",
                tooltip="Toggle excluded: leave the item out of scoring (what-if)"),
        Binding("w", "note", "Note",
                tooltip="Write or edit the note on the focused cell (why this rating)"),
        Binding("e,enter", "edit_evidence", "Edit", tooltip="Edit the focused evidence"),
        Binding("delete", "delete_evidence", "Delete",
                tooltip="Delete the focused evidence (asks first; u undoes)"),
        Binding("t", "to_title", "Title", show=False,
                tooltip="Put the cursor on the item's title (left/right go back to the ratings)"),
    ]

    shown: var[Shown | None] = var(None, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, fixed_columns=len(FIXED_COLUMNS))
        self.shaded_columns = SHADED  # the title stays put unshaded
        self.hypotheses: list[Hypothesis] = []
        self.title_width = 40
        self._rows: list[Evidence] = []  # the items shown, in row order (the grid indexes them)
        self._edited: dict[str, Evidence] = {}  # rows redrawn in place since: their new item
        self._facts: Callable[[Evidence], RowFacts] | None = None
        self._view: CaseView | None = None
        self._sort: Sort = DEFAULT_SORT  # the rows' order; its value (weight) has a column
        self._facts_drawn: dict[str, tuple[Evidence, RowFacts]] = {}  # facts of the rows drawn
        self._facts_for: tuple[Analysis | None, str] = (None, "")  # what _facts_drawn is true for
        # the id column's width and the items it is for (a case's list changes on each edit
        # of its items; a filter key or a resize redraws rows without one)
        self._ids: tuple[list[Evidence] | None, int] = (None, ID_WIDTH)

    # ---------------------------------------------------------- the case view

    def watch_shown(self, shown: Shown | None) -> None:
        """The rows again (open, sort, filter…), one item's row, or every row's facts."""
        if shown is None:
            return
        view, change = shown.session.view, shown.change
        if view.case is None:
            self.clear()
        elif change.redraw == "rows":
            self.show_view(view, self._title_width(), change.focus)
        elif change.redraw != "none":  # one item's row (compared with before), or every row's facts
            self.sync(view, change.before if change.redraw == "item" else None)

    def show_view(self, view: CaseView, title_width: int, focus: Focus) -> None:
        """Show the view's rows in its order (open, sort, filter, as-of, add, delete,
        columns); the cursor on ``focus``."""
        assert view.case is not None
        # the same analysis and model (sort, filter, resize): every row's facts still hold
        same = self._facts_for == (view.analysis, view.state.model)
        self._view = view
        self.rebuild(view.case.hypotheses, view.rows(), title_width, focus, self._row_facts,
                     rows_unchanged=same, sort=view.state.sort, ids=self._id_width(view.case.evidence))

    def _title_width(self) -> int:
        screen = self.screen
        case = self.shown.session.case if self.shown is not None else None
        return title_width(self.app.size.width, [column_width(h.id) for h in self.hypotheses_shown()],
                           narrow=screen.has_class("narrow"),
                           detail_flipped=screen.has_class("detail-flipped"),
                           id_width=self._id_width(case.evidence) if case is not None else ID_WIDTH)

    def _id_width(self, evidence: list[Evidence]) -> int:
        if self._ids[0] is not evidence:
            self._ids = (evidence, id_width(evidence))
        return self._ids[1]

    def hypotheses_shown(self) -> list[Hypothesis]:
        case = self.shown.session.case if self.shown is not None else None
        return case.hypotheses if case is not None else []

    def on_resize(self, event: Resize) -> None:
        """A new width (the terminal, or the detail pane shown or hidden): the title column
        takes what the rating columns leave."""
        view = self.shown.session.view if self.shown is not None else None
        if view is not None and view.case is not None and self._title_width() != self.title_width:
            self.show_view(view, self._title_width(), self.current())
        else:  # the title at its least: too wide to stay put? The cursor's cell stays in view
            self._keep_title(self.grid_columns)
            self.scroll_to_cursor()

    def _row_facts(self, ev: Evidence) -> RowFacts:
        """An item's facts under the analysis and model on show, worked out when its row
        is first drawn and kept until they may change (so 10,000 rows cost a screenful)."""
        view = self._view
        assert view is not None
        key = (view.analysis, view.state.model)
        if self._facts_for != key:
            self._facts_for = key
            self._facts_drawn = {}
        got = self._facts_drawn.get(ev.id)
        if got is not None and got[0] is ev:
            return got[1]
        facts = view.facts(ev)
        self._facts_drawn[ev.id] = (ev, facts)
        return facts

    def sync(self, view: CaseView, before: Analysis | None = None) -> None:
        """Redraw in place only the rows whose item or facts changed since drawn.

        ``before``: the analysis the rows were drawn from, when only items and
        scores changed (not the model, date or view): then only the items that
        changed, and those whose diagnosticity or linchpin moved, are looked at;
        without it every row may have changed, so the rows in view are drawn again.
        """
        assert view.scored is not None
        self._view = view
        model = view.state.model
        if before is None or self._facts_for != (before, model):
            self._facts_for = (view.analysis, model)
            self._facts_drawn = {}
            self.redraw_all()
            return
        evidence = view.scored.evidence
        self._facts_for = (view.analysis, model)  # what stays drawn is still true
        for i in view.changed_items(before):
            ev = evidence[i]
            drawn = self._facts_drawn.get(ev.id)
            if drawn is None:
                if ev.id in self.rows:
                    self.update_row(ev)  # not drawn yet: only its item is new
                continue
            facts = view.facts(ev)
            if drawn[0] is not ev or drawn[1] != facts:
                self._facts_drawn[ev.id] = (ev, facts)
                self.update_row(ev)

    # ---------------------------------------------------------- the item keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys on an item are dimmed in the footer (and do nothing) while none shows,
        or while the database is read-only (the screen says why when one is pressed)."""
        if action in ITEM_ACTIONS and self.current()[0] is None:
            return None
        if self.why_refused(action) is not None:
            return None
        return True

    def edited_store(self) -> Store | None:
        return None if self.shown is None else self.shown.session.store

    def _session(self) -> EditSession:
        if self.shown is None:
            raise NoCase("The case is still opening")
        return self.shown.session

    def _cell(self, verb: str) -> tuple[str, str] | None:
        """The focused cell, or None (and why not, when the cursor is off the ratings)."""
        eid, hid = self.current()
        if eid is None:
            return None
        if hid is None:
            self.notify(f"Move to a hypothesis column (H1, H2, …) to {verb}", severity="warning")
            return None
        return eid, hid

    def action_rate(self, code: Rating | None) -> None:
        """Set the focused cell: durable on return, then the changed row and the ranking."""
        cell = self._cell("rate")
        if cell is not None:
            editor(self).run_edit(lambda: self._session().rate(*cell, code))

    def action_toggle_excluded(self) -> None:
        """What-if: leave the focused item out of scoring (or put it back)."""
        focus = self.current()
        editor(self).run_edit(lambda: self._session().toggle_excluded(str(focus[0]), focus))

    def action_note(self) -> None:
        """Write, change or remove the note on the focused cell (a team case: your own)."""
        cell = self._cell("write its note")
        if cell is None:
            return
        from tui.screens.note_dialog import NoteDialog  # on first use: off the start-up path

        eid, hid = cell
        session = self._session()
        ev = session.store.evidence(session.require(), eid)
        ratings, notes = ev.ratings, ev.notes
        if session.view.team:  # a team case: your vote and note
            me = session.view.me or ""
            ratings, notes = ev.ratings_by.get(me, {}), ev.notes_by.get(me, {})
        hyp = session.view.require().hypothesis(hid)
        editor(self).ask(NoteDialog(eid, hid, hyp.title, ratings.get(hid), notes.get(hid, "")),
                         lambda text: session.set_note(eid, hid, text))

    def action_edit_evidence(self) -> None:
        from tui.edit_forms import team_analyst
        from tui.screens.evidence_form import EvidenceForm  # on first use: off the start-up path

        session, focus = self._session(), self.current()
        ev = session.store.evidence(session.require(), str(focus[0]))
        editor(self).ask(EvidenceForm(session.view.require().hypotheses, ev, ev.id,
                                      groups=session.view.groups(), analyst=team_analyst(session)),
                         lambda new: session.update_evidence(ev, new, focus), refocus=False)

    def action_delete_evidence(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        session, (eid, hid) = self._session(), self.current()
        ev = session.store.evidence(session.require(), str(eid))
        row = self.cursor_coordinate.row
        case = session.case
        seen = [m.id for m in case.indicators if m.evidence_id == ev.id] if case else []
        also = ""
        if len(seen) > 1:  # a case file may file two as one item
            also = (f" Indicators {', '.join(seen)} were observed as it: they stay observed, and o "
                    "in the indicators panel (M) files each again.")
        elif seen:
            also = (f" Indicator {seen[0]} was observed as it: it stays observed, and o in the "
                    "indicators panel (M) files it again.")
        editor(self).ask(ConfirmScreen(f"Delete evidence {ev.id} “{ev.title}”?{also} (u undoes)"),
                         lambda _: session.delete_evidence(ev.id, hid, row), refocus=False)

    # ------------------------------------------------------------- building

    def item(self, row_key: str) -> Evidence | None:
        """The item a row shows."""
        got = self._edited.get(row_key)
        if got is not None:
            return got
        index = self.rows.get(row_key)
        return None if index is None else self._rows[index]

    def cells(self, row_key: str) -> list[Text]:
        ev = self.item(row_key)
        assert ev is not None and self._facts is not None
        return row_cells(ev, self.hypotheses, self._facts(ev), self._sort.value)

    def row_token(self, row_key: str) -> tuple[Evidence, RowFacts] | None:
        """A row shows its item and its facts (the columns are the grid's own)."""
        ev = self.item(row_key)
        if ev is None or self._facts is None:
            return None
        return ev, self._facts(ev)

    def rebuild(
        self,
        hyps: list[Hypothesis],
        rows: list[Evidence],
        title_width: int,
        focus: tuple[str | None, str | None] = (None, None),
        facts: Callable[[Evidence], RowFacts] | None = None,
        *,
        rows_unchanged: bool = False,
        sort: Sort = DEFAULT_SORT,
        ids: int = ID_WIDTH,
    ) -> None:
        """Show these rows (open, sort, filter, add, delete); keeps the cursor on ``focus``.

        Nothing is drawn here: a row's cells, and the facts they show (``facts``, asked
        only for the rows drawn), are made when it comes into view. A sort with a value
        of its own (weight) adds its column, taken from the title's width.
        """
        self.hypotheses = list(hyps)
        self.title_width = title_width
        self._sort = sort
        if sort.value is not None:
            title_width = max(MIN_TITLE, title_width - VALUE_WIDTH - 2)
        self._rows = rows  # read, never changed: an edited row's item goes in _edited
        self._edited = {}
        if facts is not None:
            self._facts = facts
        columns = [
            GridColumn("id", Text("ID"), ids),
            GridColumn("mark", Text(""), MARK_WIDTH),
            GridColumn("title", Text("Evidence"), title_width),
            *(GridColumn(f"h:{h.id}", Text(h.id, justify="center"), column_width(h.id)) for h in hyps),
            *([GridColumn(SORT_COLUMN, Text(sort.column, justify="right"), VALUE_WIDTH)]
              if sort.value is not None else []),
            GridColumn(DIAG_COLUMN, Text("Diag", justify="right"), 5),
        ]
        self._keep_title(columns)
        self.set_grid(columns, list(map(attrgetter("id"), rows)), rows_unchanged=rows_unchanged)
        self.focus_cell(*focus)

    def _keep_title(self, columns: list[GridColumn]) -> None:
        """A title scrolled in part reads as other words ('shows a …' for 'CCTV shows a …'):
        it stays put with the id while the ratings scroll, unless that leaves no room for a
        rating in the matrix's width now."""
        keep = len(FIXED_COLUMNS)
        if len(columns) <= keep:
            return
        frozen = sum(c.render_width for c in columns[:keep + 1])
        self.set_fixed(keep if frozen <= (self.scrollable_content_region.width or self.app.size.width)
                       else SHADED)

    def clear(self) -> None:
        """No case: no rows, no columns."""
        self.hypotheses = []
        self._rows = []
        self._edited = {}
        self.set_grid([], [])

    def update_row(self, ev: Evidence) -> None:
        """Redraw one row in place: a rating change touches nothing else."""
        if ev.id in self.rows:
            self._edited[ev.id] = ev
            self.refresh_row(ev.id)

    def redraw_all(self) -> None:
        """Every row's facts may have changed (model, as-of date): the rows in view are
        drawn again where their item or facts differ from what they show."""
        self.redraw_rows()

    # --------------------------------------------------------------- cursor

    def _rating_columns(self) -> range:
        """Grid columns a rating key can act on: one per hypothesis."""
        start = len(FIXED_COLUMNS)
        return range(start, start + len(self.hypotheses))

    def action_cursor(self, rows: int, columns: int) -> None:
        """Left/right move between rating cells only (never onto ID, marks or Diag)."""
        ratings = self._rating_columns()
        if not columns or not ratings:
            super().action_cursor(rows, columns)
            return
        col = self.cursor_column
        if col < ratings.start:
            target = ratings.start if columns > 0 else col
        else:
            target = max(ratings.start, min(col + columns, ratings.stop - 1))
        self.move_cursor(self.cursor_row + rows, target)
        self._home_scroll()

    def cursor_span(self) -> int:
        """On the last rating cell, the columns after it (the sort's value, Diag) come
        into view with it: the cursor never visits them, so no key scrolled to them."""
        if self.cursor_column == self._rating_columns().stop - 1:
            return len(self.grid_columns) - self.cursor_column
        return 1

    def _home_scroll(self) -> None:
        """On the first rating cell the title is worth seeing: scroll back to the start."""
        if self.cursor_column == len(FIXED_COLUMNS) and self.scroll_offset.x:
            self.scroll_to(x=0, animate=False)

    def action_cursor_to(self, row: int | None, column: int | None) -> None:
        """Home/End: the first or last rating cell."""
        ratings = self._rating_columns()
        if column is not None and ratings:
            column = ratings.start if column == 0 else ratings.stop - 1
        super().action_cursor_to(row, column)
        self._home_scroll()

    def action_to_title(self) -> None:
        self.move_cursor(column=FIXED_COLUMNS.index("title"))

    def reveal(self, eid: str | None, hid: str | None) -> None:
        """Put the cursor on an item chosen in another view (and the focus here), or say
        why it cannot: the filter hides it."""
        if eid is None:
            return
        if eid not in self.rows:
            self.notify(f"{eid} is not shown (filter): / changes the filter",
                        severity="warning", markup=False)
            return
        self.focus_cell(eid, hid)
        self.focus()

    def focus_cell(self, eid: str | None, hid: str | None) -> None:
        """Put the cursor on (evidence, hypothesis); default: first row, first rating."""
        if not self.row_count:
            return
        row = 0
        if eid is not None and eid in self.rows:
            row = self.get_row_index(eid)
        col = len(FIXED_COLUMNS)
        if hid is not None and f"h:{hid}" in self._column_index:
            col = self.get_column_index(f"h:{hid}")
        elif not self.hypotheses:
            col = FIXED_COLUMNS.index("title")
        self.move_cursor(row=row, column=col, scroll=True)

    def current(self) -> tuple[str | None, str | None]:
        """(evidence id, hypothesis id) under the cursor; None where there is none."""
        if not self.row_count:
            return None, None
        row_key, col_key = self.cursor_keys()
        hid = col_key[2:] if col_key and col_key.startswith("h:") else None
        return row_key, hid
