"""The first steps, above the matrix while a case is still being set up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import var
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.shown import Shown


class Guide(Static):
    """What to do next in a new case (hidden once it is rated); bound to ``MainScreen.shown``."""

    shown: var[Shown | None] = var(None, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def watch_shown(self, shown: Shown | None) -> None:
        view = shown.session.view if shown is not None else None
        if view is None:
            return
        if view.case is None:  # no case open (the last one deleted): no steps for it
            self.display = False
            return
        # a read-only window cannot take the steps: its banner says why, and no key here edits
        guide = None if shown is None or shown.session.store.readonly else view.first_steps()
        self.display = guide is not None
        if guide is not None:
            self.update(guide)
