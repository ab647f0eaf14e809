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
    from collections.abc import Sequence

    from tui.shown import Shown


def filter_words(query: str, shown: int, total: int, score_shown: bool, short: bool = False) -> Text:
    """E.g. 'filter #belarus · 3 of 40 shown · scoring the whole case (f: only shown)';
    ``short``: 'filter #belarus · scoring all' or '… · scoring shown' (a long query by its
    first :data:`QUERY_KEEP` cells), for a line with a team's lens on it too: what the
    ranking scores is said before anything else on the line is lost.

    No count of what is scored: excluded items are not, and the ranking counts what is used.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" filter ", style="bold reverse")
    text.append(" ")
    said = Text(visible(query))
    if short:
        said.truncate(QUERY_KEEP, overflow="ellipsis")
    text.append_text(said)
    if short:
        text.append(" · scoring ")
        text.append("shown" if score_shown else "all", style="bold" if score_shown else "")
        return text
    text.append(f" · {shown} of {total} shown · ")
    if score_shown:
        text.append(f"scoring only these {shown}", style="bold")
        text.append(" (f: all)", style="dim")
    else:
        text.append("scoring the whole case")
        text.append(" (f: only shown)", style="dim")
    return text


QUERY_KEEP = 16  # a filter's query said in short keeps this many cells


#: Said on the top line while the database holds only the bundled example: a new user's
#: first screen is someone else's case, and the switcher is where their own begins.
OWN_CASE_HINT = " your own case: ctrl+o, then n "
HINT_STYLE = "bold #000000 on #f0c674"
MIN_TITLE = 20  # the title gives way to the sort order down to this, then the order goes
#: A long case id (one made from a long title) gives way to the title's first MIN_TITLE cells
#: down to this many cells ('  (' and 20 of the id, '…'); a shorter id is never cut.
ID_KEEP = 24


class CaseBar(Widget):
    """One line naming the case (its title is user text: drawn as Text); bound to
    ``MainScreen.shown``.

    Laid out for its width: the path and the sort go first, then the title gives
    way, so the case id and the hint stay in view at 80 columns."""

    shown: var[Shown | None] = var(None, init=False)
    db_path: var[Path] = var(Path(), init=False)  # bound to MainScreen.db_path

    def __init__(self, db_path: Path, *, id: str | None = None) -> None:
        """Until a case shows, the line says the database is opening."""
        super().__init__(id=id)
        self.set_reactive(CaseBar.db_path, db_path)
        self._parts: tuple[tuple[Text, ...], Text, Text, Text, Text] = ((Text(" weigh "),), Text(), Text(),
                                                                       Text(), Text())
        self._drawn: tuple[int, Text] | None = None
        self.show("opening…", "", DEFAULT_SORT.name, "", db_path)

    def watch_db_path(self) -> None:
        self.watch_shown(self.shown)

    def watch_shown(self, shown: Shown | None) -> None:
        if shown is None:
            return
        view = shown.session.view
        state, case = view.state, view.case
        if case is None:
            self.show("no case open: ctrl+o to create or import one", "-", state.sort.name, "",
                      self.db_path)
            return
        filtered = None
        if state.filter_query:
            said = (state.filter_query, len(view.shown), len(case.evidence), state.score_shown)
            filtered = (filter_words(*said), filter_words(*said, short=True))
        full, short = view.lens_words(), view.lens_words(short=True)
        self.show(case.title, case.id, state.sort.name, state.filter_query, self.db_path,
                  filtered, who=view.me if view.team else None,
                  lens=(full, short) if full is not None and short is not None else None,
                  hint=shown.session.only_example and not shown.session.store.readonly)

    def show(self, title: str, case_id: str, sort: str, query: str, db: Path,
             filtered: tuple[Text, Text] | None = None, *, who: str | None = None,
             lens: tuple[str, str] | None = None, hint: bool = False) -> None:
        """``filtered``: the filter's words, in full and in short; ``who``: the analyst the
        rating keys write for; ``lens``: a team case's lens, in full and in short; ``hint``:
        say how to start your own case. On a narrow line the lens is said in short, then
        without its key, then the filter in short, before the title gives way (:func:`fit_line`)."""
        full_filter, short_filter = filtered if filtered is not None else (None, None)
        heads = [self._head(full_filter, who, lens[0] if lens else None, hint)]
        if lens is not None:  # a team case: its lens in short, then without the keys' hints
            heads += [self._head(full_filter, who, lens[1], hint),
                      self._head(full_filter, who, lens[1], hint, bare=True)]
        if short_filter is not None:  # what is scored stays said: the filter loses its key first
            team = lens is not None
            heads.append(self._head(short_filter, who, lens[1] if lens else None, hint, bare=team))
        name = Text(visible(title), style="bold")
        ident = Text(f"  ({case_id})" if case_id else "")  # none while the database opens
        order = Text(f"   sort: {sort}")
        tail = Text()
        if query and filtered is None:  # the line opening (no case yet)
            tail.append("   filter: ", style="bold")
            tail.append(visible(query))
        tail.append(f"   {visible(str(db))}", style="dim")
        parts = (tuple(heads), name, ident, order, tail)
        if parts != self._parts:  # most keys leave the line as it was: no redraw
            self._parts = parts
            self._drawn = None
            self.refresh()

    @staticmethod
    def _head(filtered: Text | None, who: str | None, lens: str | None, hint: bool,
              bare: bool = False) -> Text:
        """The line's fixed start: the app, the keys, the hint, the analyst, the lens, the
        filter (``bare``: without the keys that open the help and switch the lens)."""
        head = Text(no_wrap=True)
        head.append(" weigh ", style="bold reverse")
        if not bare:
            head.append(" ? keys ", style="bold")
        if hint:
            head.append(OWN_CASE_HINT, style=HINT_STYLE)
            head.append(" ")
        if who is not None:
            head.append(f" you: {who} ", style="bold")
        if lens is not None:
            head.append(" lens: ", style="")
            head.append(lens, style="bold reverse" if lens != who else "bold")
            head.append(" " if bare else " (l) ", style="dim")
        if filtered is not None:
            head.append_text(filtered)
            head.append("  │ ", style="dim")
        else:
            head.append(" ")
        return head

    def render(self) -> Text:
        width = self.size.width or 1000
        if self._drawn is None or self._drawn[0] != width:
            self._drawn = (width, fit_line(*self._parts, width))
        return self._drawn[1]


def fit_line(heads: Sequence[Text], title: Text, ident: Text, order: Text, tail: Text,
             width: int) -> Text:
    """Head, title, id, sort order and tail on ``width`` cells. The head is the first of
    ``heads`` (the longest first) that leaves the title :data:`MIN_TITLE` cells beside the id,
    else the last. The tail (filter, path) is cut first; then the title gives way to the sort while it keeps
    :data:`MIN_TITLE` cells, then the sort goes; then a long id gives way to the title's
    first :data:`MIN_TITLE` cells down to :data:`ID_KEEP` (a case made from a long title has
    a long id: at 80 columns it left the title one letter); a shorter id is never cut
    (unless the head alone fills the line)."""
    line = Text(no_wrap=True, overflow="ellipsis")
    want = min(MIN_TITLE, title.cell_len)
    head = next((h for h in heads if width - h.cell_len - ident.cell_len >= want), heads[-1])
    line.append_text(head)
    if ident.cell_len > ID_KEEP and width - head.cell_len - ident.cell_len < want:
        ident = ident.copy()
        ident.truncate(max(ID_KEEP, width - head.cell_len - want), overflow="ellipsis")
    room = width - head.cell_len - ident.cell_len
    rest = [order, tail]
    if title.cell_len + order.cell_len > room:
        rest = [order] if room - order.cell_len >= MIN_TITLE else []
        title = title.copy()
        title.truncate(max(1, room - sum(t.cell_len for t in rest)), overflow="ellipsis")
    line.append_text(title)
    if width - line.cell_len >= min(ident.cell_len, 5):  # else no room for '  (i…': the title's '…' ends it
        line.append_text(ident)
        for part in rest:
            line.append_text(part)
    line.truncate(width, overflow="ellipsis")  # a head too long for the line ends in '…', never cut unmarked
    return line
