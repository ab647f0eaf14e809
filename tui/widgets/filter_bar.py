"""The `/` filter line: free words, `#tag`s and `=group`s, applied as you type; Enter or Escape closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from hypotheses.evidence_filter import matches

__all__ = ["FilterBar", "matches"]


class FilterBar(Input):
    """Hidden until opened; says what is typed as :class:`FilterBar.Applied`, and gives the
    focus back to where it was when it closes (Enter keeps the filter, Escape too)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close filter", tooltip="Close the filter line, keep the filter"),
    ]

    class Applied(Message):
        """The filter as typed so far (``typing``), or entered."""

        def __init__(self, query: str, typing: bool) -> None:
            super().__init__()
            self.query = query
            self.typing = typing

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            placeholder=(
                "filter as you type: words, #tags, =group (all must match) · "
                "empty shows all · Enter/Esc closes"
            ),
        )
        self._back: Widget | None = None  # what had the focus before the line opened

    def open(self, query: str) -> None:
        """Show the line holding the filter on show, and take the focus."""
        self._back = self.screen.focused
        self.value = query
        self.add_class("open")
        self.focus()

    def close(self) -> None:
        """Hide the line; the focus goes back to where it was."""
        self.remove_class("open")
        back, self._back = self._back, None
        if back is not None and back.is_attached:
            back.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.has_class("open"):
            self.post_message(self.Applied(event.value, typing=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Applied(event.value, typing=False))
        self.close()

    def action_close(self) -> None:
        self.close()
