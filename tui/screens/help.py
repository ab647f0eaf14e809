"""Every key, generated from the bindings the widgets declare, so it never drifts."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.matrix import (
    HIDDEN,
    MARK_EXCLUDED,
    MARK_FLAT,
    MARK_GROUP,
    MARK_LATER,
    MARK_LINCHPIN,
    NOTE_MARK,
)
from tui.widgets.ranking import BAND_MARK

if TYPE_CHECKING:
    from tui.keys import KeySection


def binding_rows(bindings: list[BindingType], app: App[object]) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding, keys named as the app names them."""
    rows: list[tuple[str, str]] = []
    for b in Binding.make_bindings(bindings):
        keys = b.key_display or app.get_key_display(b)
        text = b.tooltip or b.description
        if rows and rows[-1][1] == text:
            rows[-1] = (f"{rows[-1][0]} / {keys}", text)
        else:
            rows.append((keys, text))
    return rows


class HelpScreen(ModalScreen[None]):
    """A scrolling list of every key of the screen it was opened from; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc"),
    ]

    def __init__(self, sections: list[KeySection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        parts: list[Table | Text] = []
        for section in self.sections:
            parts.append(Text(section.title, style="bold underline"))
            parts.append(_table(binding_rows(section.bindings, self.app)))
        parts.append(Text("Marks in the ranking", style="bold underline"))
        parts.append(_table([
            (f"2{BAND_MARK}H3", "rank, then hypothesis; ≈: within one medium item of the best score, so "
                               "the evidence does not separate it from the leader"),
            ("medium item", "what one item of medium credibility and relevance moves a score by"),
            ("+3 −1", "items rated for it (C, CC) and against it (I, II)"),
            ("5/7 rated", "rated on 5 of the 7 items taking part: an unrated item counts as no evidence "
                          "against it, so its score may flatter it"),
            ("≠", "the three scoring models do not put the same hypotheses on top (m cycles them)"),
            ("⚠", "how little the lead rests on: few items, unrated items, the priors, one item (a "
                  "linchpin) or one fact"),
            ("→", "the watching indicators (M) that would tell the contenders apart"),
        ]))
        parts.append(Text("Marks in the matrix", style="bold underline"))
        parts.append(_table([
            (MARK_LINCHPIN, "linchpin under the model on show: removing it alone changes the leader"),
            (MARK_FLAT, "non-diagnostic: rated alike against every hypothesis"),
            (MARK_EXCLUDED, "excluded from scoring (what-if; space toggles)"),
            (MARK_LATER, "known only after the as-of date (the later of its event and reported dates): "
                        "not counted yet"),
            (MARK_GROUP, "in a same-fact group: the group counts once (/ =name filters it)"),
            (f"C{NOTE_MARK}", "after a rating: the cell has a note (w reads and edits it)"),
            ("Diag", "diagnosticity: spread of the item's ratings (higher tells more)"),
            ("Wt", "sorted by weight (s): the item's credibility × relevance"),
            ("~ ! ‼ /", "team lens: the analysts disagree mildly, largely, extremely; / split on NA"),
            (HIDDEN, "team lens: votes hidden until you rate the cell (v shows them)"),
        ]))
        parts.append(Text("Filter line (/)", style="bold underline"))
        parts.append(_table([
            ("words", "every word must occur in the id, title, details, source or kind"),
            ("#tag", "the item carries this tag"),
            ("=group", "the item is in this same-fact group (a lone = : in any group)"),
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
