"""Textual's footer, rebuilt once however often the bindings change before it is."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer rebuilds every key (a widget each) after each change of the bindings
    (a focus change, a screen pushed): start-up changed them five times before its first
    frame. A change while a rebuild is pending joins it: the rebuild reads the bindings as
    they are when it runs."""

    _pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._pending:
            return
        super().bindings_changed(screen)
        # what Textual's footer checks before it schedules the rebuild
        self._pending = screen.app.app_focus and self.is_attached and screen is self.screen

    async def recompose(self) -> None:
        self._pending = False
        await super().recompose()
