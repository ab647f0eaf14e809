"""The top line: which case is open, how the matrix is sorted, and what the filter
shows and scores (first when a filter is on: that is what changes what you see)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from hypotheses.sorts import DEFAULT_SORT
from hypotheses.visible import visible

if TYPE_CHECKING:
    from tui.shown import Shown


def filter_words(query: str, shown: int, total: int, score_shown: bool) -> Text:
    """E.g. 'filter #belarus · 3 of 40 shown · scoring the whole case (f: only shown)'.

    No count of what is scored: excluded items are not, and the ranking counts what is used.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" filter ", style="bold reverse")
    text.append(" ")
    text.append(visible(query))
    text.append(f" · {shown} of {total} shown · ")
    if score_shown:
        text.append(f"scoring only these {shown}", style="bold")
        text.append(" (f: all)", style="dim")
    else:
        text.append("scoring the whole case")
        text.append(" (f: only shown)", style="dim")
    return text


class CaseBar(Widget):
    """One line naming the case (its title is user text: drawn as Text); bound to
    ``MainScreen.shown``."""

    shown: var[Shown | None] = var(None, init=False)

    def __init__(self, db_path: Path, *, id: str | None = None) -> None:
        """Until a case shows, the line says the database is opening."""
        super().__init__(id=id)
        self._text = Text("weigh")
        self.show("opening…", "", DEFAULT_SORT.name, "", db_path)

    def watch_shown(self, shown: Shown | None) -> None:
        if shown is None:
            return
        view = shown.session.view
        state, case = view.state, view.case
        if case is None:
            self.show("no case open: ctrl+o to create or import one", "-", state.sort.name, "",
                      shown.db_path)
            return
        filtered = None
        if state.filter_query:
            filtered = filter_words(state.filter_query, len(view.shown), len(case.evidence),
                                    state.score_shown)
        self.show(case.title, case.id, state.sort.name, state.filter_query, shown.db_path,
                  filtered, who=view.me if view.team else None, lens=view.lens_words())

    def show(self, title: str, case_id: str, sort: str, query: str, db: Path,
             filtered: Text | None = None, *, who: str | None = None,
             lens: str | None = None) -> None:
        """``who``: the analyst the rating keys write for; ``lens``: a team case's lens."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" weigh ", style="bold reverse")
        text.append(" ? keys ", style="bold")
        if who is not None:
            text.append(f" you: {who} ", style="bold")
        if lens is not None:
            text.append(" lens: ", style="")
            text.append(lens, style="bold reverse" if lens != who else "bold")
            text.append(" (l) ", style="dim")
        if filtered is not None:
            text.append_text(filtered)
            text.append("  │ ", style="dim")
        else:
            text.append(" ")
        text.append(visible(title), style="bold")
        if case_id:  # none while the database opens
            text.append(f"  ({case_id})")
        text.append(f"   sort: {sort}", style="")
        if query and filtered is None:
            text.append("   filter: ", style="bold")
            text.append(visible(query))
        text.append(f"   {visible(str(db))}", style="dim")
        if text != self._text:  # most keys leave the line as it was: no redraw
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text
