"""The `/` filter line: free words and `#tag`s; Enter applies, Escape closes."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from hypotheses.models import Evidence


def matches(ev: Evidence, query: str) -> bool:
    """Every word must occur (any case) in the item's id, title, details, source
    or kind; every ``#tag`` must be one of its tags."""
    haystack: str | None = None
    for token in query.lower().split():
        if token.startswith("#") and len(token) > 1:
            if token[1:] not in ev.tags:
                return False
            continue
        if haystack is None:
            haystack = " ".join((ev.id, ev.title, ev.details, ev.source, ev.kind)).lower()
        if token not in haystack:
            return False
    return True


class FilterBar(Input):
    """Hidden until `/`; posts :class:`FilterBar.Closed` on Escape."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "close", "Close filter", tooltip="Close the filter line, keep the filter"),
    ]

    class Closed(Message):
        """The user left the filter line without applying it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            placeholder="filter: words and #tags (all must match) · Enter applies · empty Enter clears · Esc closes",
        )

    def action_close(self) -> None:
        self.post_message(self.Closed())
