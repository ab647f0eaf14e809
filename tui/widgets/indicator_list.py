"""The case's indicators, one line each: status (overdue marked), expected date,
the pre-registered rating per hypothesis, title. Its keys ask for changes by
message; the screen that holds it makes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from hypotheses.visible import visible
from tui.read_only import GuardsEdits, say_why_refused
from tui.widgets.matrix import RATING_STYLES, UNRATED, column_width

if TYPE_CHECKING:
    from evidence.store import Store
    from hypotheses.models import Hypothesis, Indicator

OVERDUE = "overdue"
ID_WIDTH = 5  # the id column, at least ("M12"); wider for longer ids, each shown whole
STATUS_STYLES = {"watching": "", "observed": "bold #1a7f37", "lapsed": "dim", OVERDUE: "bold #c05600"}


def status_word(ind: Indicator, today: date, later: date | None = None) -> str:
    """'overdue' for a watching indicator past its date, else its status; ``later``: the
    known date of the item it was observed as, after the as-of date (it was watched then)."""
    if later is not None:
        return OVERDUE if ind.expected_by is not None and ind.expected_by < today else "watching"
    return OVERDUE if ind.overdue(today) else ind.status


def id_width(indicators: list[Indicator]) -> int:
    """The id column: each id whole and a space after it (a case file from elsewhere may
    use ids of up to 32 characters, which ran into the status)."""
    return max([ID_WIDTH, *(len(ind.id) + 1 for ind in indicators)])


def indicator_line(ind: Indicator, hyps: list[Hypothesis], today: date, ids: int = ID_WIDTH,
                   later: date | None = None) -> Text:
    """One row of the list (user text as Text, control characters made visible); ``ids``:
    the id column's width (:func:`id_width`); ``later`` as for :func:`status_word`."""
    word = status_word(ind, today, later)
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f" {ind.id:<{ids}}", style="bold")
    out.append(f"{word:<9}", style=STATUS_STYLES[word])
    out.append(f"{ind.expected_by.isoformat() if ind.expected_by else '—':<11}")
    for hyp in hyps:
        code = ind.ratings.get(hyp.id)
        width = column_width(hyp.id)
        if code is None:
            out.append(UNRATED.center(width), style="dim")
        else:
            out.append(code.center(width), style=RATING_STYLES[code])
        out.append(" ")
    out.append(" ")
    out.append(visible(ind.title))
    if later is not None:
        out.append(f"  → observed later: {ind.evidence_id}, known from {later.isoformat()}",
                   style="dim")
    elif ind.status == "observed":
        out.append(f"  → {ind.evidence_id}" if ind.evidence_id else
                   "  → its item was deleted: o files it again", style="dim")
    return out


def header_line(hyps: list[Hypothesis], ids: int = ID_WIDTH) -> Text:
    """The column heads over :func:`indicator_line`'s rows (each hypothesis id whole)."""
    out = Text(no_wrap=True, overflow="ellipsis", style="bold")
    out.append(f"  {'ID':<{ids}}{'status':<9}{'expected':<11}")
    for hyp in hyps:
        out.append(visible(hyp.id).center(column_width(hyp.id)))
        out.append(" ")
    out.append(" indicator")
    return out


class IndicatorList(GuardsEdits, OptionList):
    """Indicators in case order; ``a`` add, ``e``/enter edit, ``o`` observed, ``l`` lapsed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "request('add')", "Add", tooltip="Register a new indicator"),
        Binding("e", "request('edit')", "Edit", tooltip="Edit the selected indicator"),
        Binding("o", "request('observe')", "Observed",
                tooltip="Seen: add it as evidence with its pre-registered ratings"),
        Binding("l", "request('lapse')", "Lapsed",
                tooltip="Mark it lapsed (did not happen in time), or watching again"),
        Binding("delete", "request('delete')", "Delete", tooltip="Delete the indicator (u undoes)"),
    ]

    class Requested(Message):
        """The user asked for ``what`` on indicator ``mid`` (None for add)."""

        def __init__(self, what: str, mid: str | None) -> None:
            super().__init__()
            self.what = what
            self.mid = mid

    EDITS: ClassVar[frozenset[str]] = frozenset({"request"})  # every key here edits
    #: The store its edits go to, set by the screen that holds it.
    store: Store | None = None

    def edited_store(self) -> Store | None:
        return self.store

    def show(self, indicators: list[Indicator], hyps: list[Hypothesis], today: date,
             select: str | None = None, later: Mapping[str, date] | None = None) -> None:
        """Redraw; keep the cursor on ``select`` (or where it was); ``later``: indicator id →
        the known date of the item it was observed as, when after the as-of date."""
        later = later or {}
        keep = select or self.selected_id()
        self.clear_options()
        ids = id_width(indicators)
        self.add_options([Option(indicator_line(ind, hyps, today, ids, later.get(ind.id)), id=ind.id)
                          for ind in indicators])
        if indicators:
            shown = [ind.id for ind in indicators]
            self.highlighted = shown.index(keep) if keep in shown else 0

    def selected_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def action_request(self, what: str) -> None:
        mid = self.selected_id()
        if mid is None and what != "add":
            self.notify("No indicator selected: a registers one", severity="warning")
            return
        self.post_message(self.Requested(what, mid))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not say_why_refused(self, "request"):
            self.post_message(self.Requested("edit", event.option.id))
