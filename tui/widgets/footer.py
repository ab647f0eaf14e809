"""Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer rebuilds every key (a widget each, styled one by one) after each
    change of the bindings (a focus change, a screen pushed or resumed): start-up changed
    them seven times before the case showed, for the same keys. A change while a rebuild
    is pending joins it, and a rebuild that would draw the keys already shown is skipped:
    the rebuild reads the bindings as they are when it runs.

    ``keys_when``: the keys are drawn only while it is true (the workbench's: once its
    case shows and the keys typed before it have run): drawn once, as they will act,
    rather than dimmed first and drawn again."""

    _keys_ready = False  # the bindings have been announced once (before: no keys to show)
    _rebuild_pending = False
    _keys_drawn: object = None  # what the keys showed when last built

    def __init__(self, *, keys_when: Callable[[], bool] = lambda: True) -> None:
        super().__init__()
        self._keys_when = keys_when

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._keys_ready = True
        if self._rebuild_pending:
            return
        super().bindings_changed(screen)
        # what Textual's footer checks before it schedules the rebuild
        self._rebuild_pending = screen.app.app_focus and self.is_attached and screen is self.screen

    def shown_keys(self) -> object:
        """Everything Textual's footer builds its keys from (``Footer.compose``)."""
        if not self._keys_ready:
            return None
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            [(binding, enabled, tooltip) for _, binding, enabled, tooltip in active.values() if binding.show],
            (palette.binding, palette.enabled, palette.tooltip) if palette is not None else None,
            self.compact, self.show_command_palette, self.combine_groups, self.app.ENABLE_COMMAND_PALETTE,
        )

    def compose(self) -> ComposeResult:
        """Textual's keys, each given the footer's ``compact`` before it mounts.

        A key's own ``compact`` starts True and the footer binds it to its own (False
        here): mounted as it was, each key took the ``-compact`` class and dropped it
        again, and each class change restyled that key on the spot, twice per key and
        build. Given the bound value first, the key mounts as it ends up (the
        command-palette key is not bound: it keeps Textual's default)."""
        for widget in super().compose():
            compact = getattr(type(widget), "compact", None)
            if isinstance(compact, Reactive) and not widget.has_class("-command-palette"):
                widget.set_reactive(compact, self.compact)
            yield widget

    async def recompose(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:  # its screen is gone (Textual's recompose does nothing then)
            return
        if not self._keys_when():  # asked again (bindings_changed) once it is true
            return
        keys = self.shown_keys()
        if keys is not None and keys == self._keys_drawn:
            return
        self._keys_drawn = keys
        await super().recompose()
