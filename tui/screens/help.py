"""Every key, generated from the bindings the widgets declare, so it never drifts."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.matrix import MARK_EXCLUDED, MARK_FLAT, MARK_LATER, MARK_LINCHPIN


def binding_rows(bindings: list[BindingType], display: object) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding; ``display`` is the app (key names)."""
    rows: list[tuple[str, str]] = []
    for b in Binding.make_bindings(bindings):
        keys = b.key_display or display.get_key_display(b)  # type: ignore[attr-defined]
        text = b.tooltip or b.description
        if rows and rows[-1][1] == text:
            rows[-1] = (f"{rows[-1][0]} / {keys}", text)
        else:
            rows.append((keys, text))
    return rows


def sections() -> list[tuple[str, list[BindingType]]]:
    """The bindings a user meets on the main screen, grouped by where they work."""
    from tui.app import WeighApp
    from tui.screens.main import MainScreen
    from tui.widgets.filter_bar import FilterBar
    from tui.widgets.matrix import EvidenceMatrix
    from tui.widgets.ranking import RankingPanel

    return [
        ("In the matrix (evidence × hypotheses)", list(EvidenceMatrix.BINDINGS)),
        ("In the ranking panel (tab to reach it)", list(RankingPanel.BINDINGS)),
        ("Anywhere on the main screen", list(MainScreen.BINDINGS)),
        ("In the filter line", list(FilterBar.BINDINGS)),
        ("Application", list(WeighApp.BINDINGS)),
    ]


class HelpScreen(ModalScreen[None]):
    """A scrolling list of every key; Escape, q or ? closes it."""

    BINDINGS: list[BindingType] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        parts: list[Table | Text] = []
        for title, bindings in sections():
            parts.append(Text(title, style="bold underline"))
            parts.append(_table(binding_rows(bindings, self.app)))
        parts.append(Text("Marks in the matrix", style="bold underline"))
        parts.append(_table([
            (MARK_LINCHPIN, "linchpin under the model on show: removing it alone changes the leader"),
            (MARK_FLAT, "non-diagnostic: rated alike against every hypothesis"),
            (MARK_EXCLUDED, "excluded from scoring (what-if; space toggles)"),
            (MARK_LATER, "happened after the as-of date: not counted yet"),
            ("Diag", "diagnosticity: spread of the item's ratings (higher tells more)"),
        ]))
        with VerticalScroll(id="help-box"):
            yield Static(Text("weigh: keys", style="bold"), id="help-title")
            yield Static(Group(*parts), id="help-table")
            yield Static(Text("esc, q or ? closes", style="italic"), id="help-foot")


def _table(rows: list[tuple[str, str]]) -> Table:
    """Keys | description, the key column the same width in every section."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, width=12)
    table.add_column()
    for keys, text in rows:
        table.add_row(Text(keys), Text(text))
    table.add_row("", "")
    return table
