"""Which pairs of hypotheses the evidence tells apart: every pair as a table.

A row per pair (case order): how far apart the two stand under the model on
show, how many taking-part items rate them differently and which way, and the
watching indicators that would. Pairs no item tells apart are highlighted: the
ranking's order between them is not the evidence's. The pane below lists the
items that separate the highlighted pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from hypotheses.scoring_models import scoring_model
from hypotheses.separation import (
    Separation,
    all_separations,
    priors_weigh,
    separating_items,
    watched,
    watching_between,
)
from hypotheses.summary import items_text, verdict
from hypotheses.visible import visible
from hypotheses.vocabulary import counted
from tui.screens.dialog import Dialog
from tui.screens.hypothesis_view import filtered_note
from tui.widgets.matrix import RATING_STYLES
from tui.widgets.report_box import Hanging

if TYPE_CHECKING:
    from datetime import date

    from hypotheses.scoring import Analysis

UNTOLD = "bold #c05600"
COLUMNS = ("Pair", "Apart by", "Items", "Favour A", "Favour B", "Would tell apart")
NONE_WATCHED = "none watched"
#: the fewest cells the last column (the indicators that would tell a pair apart) is given;
#: it takes what the other columns leave, and its list wraps there, a row as tall as it needs
WATCH_NARROWEST = 12


def pair_cells(analysis: Analysis, model: str, s: Separation) -> tuple[Text, ...]:
    """One row: the pair, their distance in medium items, the counts, the watching indicators."""
    sm = scoring_model(model)
    ids = analysis.hypothesis_ids
    scores = analysis.models[sm.name].scores
    gap = abs(scores[ids.index(s.a)] - scores[ids.index(s.b)])
    watch = [ind.id for ind in watching_between(watched(analysis), s.a, s.b)]
    style = UNTOLD if not s.items else ""
    return (
        Text(f"{s.a} / {s.b}", style="bold"),
        Text(items_text(sm.items(gap), short=True).replace(" medium", ""), justify="right"),
        Text("none" if not s.items else str(s.items), style=style, justify="right"),
        Text(str(s.favour_a), justify="right"),
        Text(str(s.favour_b), justify="right"),
        Text(", ".join(watch) or NONE_WATCHED, style="" if watch else "dim"),
    )


#: Where an item's title starts in its line (' CC   II   E12   '): its wrapped rest goes there.
TITLE_AT = 17


def _columns(a: str, b: str) -> str:
    """The heading over the items' two ratings: the ids above them where they fit, else A and B."""
    if max(len(a), len(b)) <= 4:
        return f" {a:<4} {b:<4} item"
    return f" A    B    item   (A: {a}, B: {b})"


def pair_detail(analysis: Analysis, s: Separation) -> Hanging:
    """The items that tell the pair apart, one a line under a heading naming each rating's
    hypothesis, each title's rest wrapped under its start; or that none does."""
    first = Text()
    items = separating_items(analysis, s.a, s.b)
    if not items:
        first.append(f"No item taking part tells {s.a} from {s.b}", style=UNTOLD)
        first.append(": every item rates them alike, or leaves one unrated or NA.")
        return Hanging([first])
    told = f"{len(items)} item tells" if len(items) == 1 else f"{len(items)} items tell"
    first.append(f"{told} {s.a} from {s.b}", style="bold")
    first.append(f" ({s.favour_a} favour {s.a}, {s.favour_b} {s.b}):")
    lines = [first, Text(_columns(s.a, s.b), style="dim")]  # which rating is which hypothesis's
    for ev, ca, cb in items:
        line = Text()
        line.append(f" {ca:<2} ", style=RATING_STYLES[ca])
        line.append(" ")
        line.append(f" {cb:<2} ", style=RATING_STYLES[cb])
        line.append(f"  {ev.id:<5} ", style="bold")
        line.append(visible(ev.title))
        lines.append(line)
    return Hanging(lines, hang=TITLE_AT - 1)


def keys_note(analysis: Analysis, model: str) -> str:
    """The keys, and what 'Apart by' measures: under Bayes with unequal priors the gap holds
    the priors' share, and a pair 2.7 items apart read as told apart by the evidence under a
    verdict saying the evidence alone does not separate them."""
    return ("↑/↓ pick a pair · esc: close · apart by: score gap in medium items"
            + (", the priors' share included" if priors_weigh(analysis.case.hypotheses, model) else ""))


class SeparationView(Dialog[None]):
    """Every pair of hypotheses and what tells them apart."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,T", "dismiss(None)", "Close", tooltip="Close the separation table"),
    ]

    def __init__(self, analysis: Analysis, model: str, filtered: str | None = None,
                 today: date | None = None) -> None:
        super().__init__()
        self.analysis = analysis
        self.today = today  # the day an indicator to watch is judged overdue on
        self.filtered = filtered  # scored on the filter's items only
        self.model = scoring_model(model).name
        self.pairs = all_separations(analysis)
        self.cells = [pair_cells(analysis, self.model, s) for s in self.pairs]
        self.watch_width: int | None = None  # the last column's, once fitted to the table

    def compose(self) -> ComposeResult:
        a = self.analysis
        v = verdict(a, self.model, self.today)
        head = Text()
        head.append("What the evidence tells apart", style="bold")
        head.append(f" · {scoring_model(self.model).label} · {counted(len(a.used), 'item')} taking part",
                    style="dim")
        if a.as_of is not None:
            head.append(f" · as of {a.as_of.isoformat()}", style="italic")
        head.append_text(filtered_note(self.filtered))
        untold = sum(1 for s in self.pairs if not s.items)
        head.append("\n")
        head.append(v.brief, style="bold #c05600" if v.unweighed or not v.separated else "bold")
        if untold:
            head.append("\n")
            head.append(f"{untold} of {counted(len(self.pairs), 'pair')}: no item tells them apart",
                        style=UNTOLD)
        self.head = head
        with Vertical(id="separation-view", classes="form-dialog -wide"):
            yield Static(head, id="separation-head")
            table: DataTable[Text] = DataTable(id="separation-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="separation-detail")
            yield Static(Text(keys_note(a, self.model), style="italic"), classes="dialog-keys")

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#separation-table", DataTable)
        self._fill(table)
        if not self.pairs:
            self.query_one("#separation-detail", Static).update(
                Text("Fewer than two hypotheses: no pair to tell apart.", style="italic"))
        table.focus()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The last column takes the table's width the others leave (at 80 columns its heading
        and its lists were cut off at the table's edge), its lists wrapped there."""
        table: DataTable[Text] = self.query_one("#separation-table", DataTable)
        if not table.size.width or not self.is_attached:
            return
        pad = 2 * table.cell_padding
        others = sum(pad + max(cell_len(label), *(cell_len(row[n].plain) for row in self.cells))
                     for n, label in enumerate(COLUMNS[:-1]))
        room = table.size.width - table.styles.scrollbar_size_vertical - others - pad
        width = max(WATCH_NARROWEST, room)
        if width != self.watch_width:
            self.watch_width = width
            self._fill(table)

    def _fill(self, table: DataTable[Text]) -> None:
        """The columns and a row per pair; the last column at ``watch_width`` once fitted, each
        row then as tall as its list of indicators wraps to. The cursor stays on its pair."""
        row = table.cursor_row
        table.clear(columns=True)
        for n, label in enumerate(COLUMNS):
            table.add_column(label, width=self.watch_width if n == len(COLUMNS) - 1 else None)
        fitted = self.watch_width is not None
        for s, cells in zip(self.pairs, self.cells, strict=True):
            table.add_row(*cells, key=f"{s.a}/{s.b}", height=None if fitted else 1)
        if self.pairs:
            table.move_cursor(row=min(row, len(self.pairs) - 1))

    @on(DataTable.RowHighlighted, "#separation-table")
    def _show_pair(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.pairs):
            self.query_one("#separation-detail", Static).update(
                pair_detail(self.analysis, self.pairs[event.cursor_row]))
