"""The `/` filter line: free words, `#tag`s and `=group`s, applied as you type; Enter or Escape closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from hypotheses.evidence_filter import matches

__all__ = ["FilterBar", "matches"]


class FilterBar(Input):
    """Hidden until `/`; posts :class:`FilterBar.Closed` on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close filter", tooltip="Close the filter line, keep the filter"),
    ]

    class Closed(Message):
        """The user left the filter line without applying it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            placeholder=(
                "filter as you type: words, #tags, =group (all must match) · "
                "empty shows all · Enter/Esc closes"
            ),
        )

    def action_close(self) -> None:
        self.post_message(self.Closed())
