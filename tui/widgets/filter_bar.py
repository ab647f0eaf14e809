"""The `/` filter line: free words, `#tag`s and `=group`s, applied as you type; Enter or Escape closes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Input

from hypotheses.evidence_filter import matches
from tui.case_editor import editor
from tui.widgets.one_line_input import OneLineInput

if TYPE_CHECKING:
    from tui.case_view import Focus
    from tui.shown import Shown

__all__ = ["FilterBar", "matches"]


class FilterBar(OneLineInput):
    """Hidden until opened; filters the case as it is typed, and gives the focus back to
    where it was when it closes (Enter keeps the filter, Escape too). Bound to
    ``MainScreen.shown`` (the view it filters) and ``MainScreen.cell`` (the item that
    stays focused if it still shows)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close filter", tooltip="Close the filter line, keep the filter"),
        # Input's own key, bound here again so that the help says how a filter is cleared
        Binding("ctrl+u", "delete_left_all", "Clear filter",
                tooltip="Empty the line: every item shows again (Enter closes it)"),
    ]

    shown: var[Shown | None] = var(None, init=False)
    cell: var[Focus] = var((None, None), init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            placeholder=(
                "filter as you type: words, #tags, =group (all must match) · "
                "empty shows all · Enter/Esc closes"
            ),
        )
        self._back: Widget | None = None  # what had the focus before the line opened

    def open(self) -> None:
        """Show the line holding the filter on show, and take the focus."""
        self._back = self.screen.focused
        self.value = self.shown.session.view.state.filter_query if self.shown is not None else ""
        self.add_class("open")
        self.focus()

    def close(self) -> None:
        """Hide the line; the focus goes back to where it was."""
        self.remove_class("open")
        back, self._back = self._back, None
        if back is not None and back.is_attached:
            back.focus()

    def watch_value(self, value: str) -> None:
        """Filter as the key that changed the line is handled, so the line's echo and the
        view it filters reach the screen in one frame (``Input.Changed``, a message, came
        a frame after the echo)."""
        if self.has_class("open"):
            self._apply(value, typing=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()  # applied as the value changed (watch_value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply(event.value, typing=False)
        self.close()

    def _apply(self, query: str, *, typing: bool) -> None:
        """Show only the matching items (``typing``: as typed so far, or entered)."""
        if self.shown is not None:
            view, focus = self.shown.session.view, self.cell
            editor(self).run_edit(lambda: view.set_filter(query, focus, typing=typing))

    def action_close(self) -> None:
        self.close()
