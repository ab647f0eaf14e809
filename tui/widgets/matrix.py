"""The evidence × hypothesis matrix: where the analyst reads and rates.

The widget only draws rows and owns the rating keys; the keys run actions on
the screen (``screen.rate``…), which applies them to the store synchronously,
so an edit is durable before the next key is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from hypotheses.models import Evidence, Hypothesis

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
MARK_LINCHPIN = "◆"
MARK_FLAT = "–"
MARK_EXCLUDED = "✕"
MARK_LATER = "›"
FIXED_COLUMNS = ("id", "mark", "title")
DIAG_COLUMN = "diag"
RATING_WIDTH = 4
RATE = Binding.Group("Rate", compact=True)


@dataclass(frozen=True)
class RowFacts:
    """What the analysis says about one row; the matrix draws it."""

    active: bool  # takes part in scoring (not excluded, not after the as-of date)
    excluded: bool
    later: bool  # event date after the as-of date
    diagnosticity: float
    linchpin: bool  # for the model on show
    rated: int


def mark_text(facts: RowFacts) -> Text:
    """The little column of marks: linchpin, non-diagnostic, excluded, later."""
    marks = ""
    if facts.linchpin:
        marks += MARK_LINCHPIN
    elif facts.rated >= 2 and facts.diagnosticity == 0:
        marks += MARK_FLAT
    if facts.excluded:
        marks += MARK_EXCLUDED
    elif facts.later:
        marks += MARK_LATER
    style = "bold #c05600" if facts.linchpin else ""
    return Text(marks, style=style, no_wrap=True)


def rating_text(code: str | None, active: bool) -> Text:
    if code is None:
        return Text(UNRATED.center(RATING_WIDTH), style="dim", justify="center")
    style = RATING_STYLES[code] if active else "dim strike"
    return Text(code.center(RATING_WIDTH), style=style, justify="center")


def row_cells(ev: Evidence, hyps: list[Hypothesis], facts: RowFacts) -> list[Text]:
    """All cells of a row; user text goes in as Text, never as markup."""
    dim = "" if facts.active else "dim"
    diag = Text(f"{facts.diagnosticity:.2f}", justify="right", style=dim or "")
    if facts.rated >= 2 and facts.diagnosticity == 0:
        diag.stylize("dim")
    return [
        Text(ev.id, style=dim, no_wrap=True),
        mark_text(facts),
        Text(ev.title, style=dim, no_wrap=True, overflow="ellipsis"),
        *(rating_text(ev.ratings.get(h.id), facts.active) for h in hyps),
        diag,
    ]


class EvidenceMatrix(DataTable[Text]):
    """Evidence rows × hypothesis columns, with a diagnosticity column."""

    BINDINGS: list[BindingType] = [
        Binding("c", "screen.rate('C')", "C", tooltip="Rate consistent (C)", group=RATE),
        Binding("C", "screen.rate('CC')", "CC", tooltip="Rate very consistent (CC)", group=RATE),
        Binding("n", "screen.rate('N')", "N", tooltip="Rate neutral (N)", group=RATE),
        Binding("i", "screen.rate('I')", "I", tooltip="Rate inconsistent (I)", group=RATE),
        Binding("I", "screen.rate('II')", "II", tooltip="Rate very inconsistent (II)", group=RATE),
        Binding("x", "screen.rate('NA')", "NA", tooltip="Rate not applicable (NA)", group=RATE),
        Binding("backspace", "screen.rate(None)", "Clear", tooltip="Clear the rating",
                group=RATE),
        Binding("space", "screen.toggle_excluded", "Exclude",
                tooltip="Toggle excluded: leave the item out of scoring (what-if)"),
        Binding("e,enter", "screen.edit_evidence", "Edit", tooltip="Edit the focused evidence"),
        Binding("delete", "screen.delete_evidence", "Delete",
                tooltip="Delete the focused evidence (asks first; u undoes)"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id, cursor_type="cell", zebra_stripes=False, fixed_columns=2
        )
        self.hypotheses: list[Hypothesis] = []
        self.title_width = 40

    # ------------------------------------------------------------- building

    def rebuild(
        self,
        hyps: list[Hypothesis],
        rows: list[tuple[Evidence, RowFacts]],
        title_width: int,
        focus: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Redraw every row (open, sort, filter, add, delete); keeps the cursor on ``focus``."""
        self.hypotheses = list(hyps)
        self.title_width = title_width
        self.clear(columns=True)
        self.add_column(Text("ID"), key="id", width=5)
        self.add_column(Text(""), key="mark", width=2)
        self.add_column(Text("Evidence"), key="title", width=title_width)
        for hyp in hyps:
            self.add_column(Text(hyp.id, justify="center"), key=f"h:{hyp.id}", width=RATING_WIDTH)
        self.add_column(Text("Diag", justify="right"), key=DIAG_COLUMN, width=5)
        for ev, facts in rows:
            self.add_row(*row_cells(ev, hyps, facts), key=ev.id)
        self.focus_cell(*focus)

    def update_row(self, ev: Evidence, facts: RowFacts) -> None:
        """Redraw one row in place: a rating change touches nothing else."""
        if ev.id not in self.rows:
            return
        cells = row_cells(ev, self.hypotheses, facts)
        for key, cell in zip(self.columns, cells):
            self.update_cell(ev.id, key, cell)

    def update_mark(self, ev: Evidence, facts: RowFacts) -> None:
        """Only the mark column (a linchpin elsewhere came or went)."""
        if ev.id in self.rows:
            self.update_cell(ev.id, "mark", mark_text(facts))

    # --------------------------------------------------------------- cursor

    def focus_cell(self, eid: str | None, hid: str | None) -> None:
        """Put the cursor on (evidence, hypothesis); default: first row, first rating."""
        if not self.row_count:
            return
        row = 0
        if eid is not None and eid in self.rows:
            row = self.get_row_index(eid)
        col = len(FIXED_COLUMNS)
        if hid is not None and f"h:{hid}" in self.columns:
            col = self.get_column_index(f"h:{hid}")
        elif not self.hypotheses:
            col = FIXED_COLUMNS.index("title")
        self.move_cursor(row=row, column=col, animate=False, scroll=True)

    def current(self) -> tuple[str | None, str | None]:
        """(evidence id, hypothesis id) under the cursor; None where there is none."""
        if not self.row_count:
            return None, None
        coord: Coordinate = self.cursor_coordinate
        try:
            row_key, col_key = self.coordinate_to_cell_key(coord)
        except Exception:
            return None, None
        hid = col_key.value[2:] if col_key.value and col_key.value.startswith("h:") else None
        return row_key.value, hid
