"""A dialog's report: a few lines, or many to scroll through (a sync's conflicts, what an
export's format cannot hold), kept in the dialog rather than a toast that would cover it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from hypotheses.visible import visible


class ReportBox(VerticalScroll):
    """Hidden until it has lines; a tab stop once shown, its frame saying when there is more.
    ``text_id``: the id of the Static holding the lines."""

    def __init__(self, text_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text_id = text_id

    def compose(self) -> ComposeResult:
        yield Static("", id=self.text_id, classes="dialog-keys")

    def show(self, lines: list[str]) -> None:
        """The report, a line each (user text shown, never obeyed); none: hidden."""
        self.query_one(f"#{self.text_id}", Static).update(Text("\n".join(visible(line) for line in lines)))
        self.set_class(bool(lines), "-shown")
        self.scroll_home(animate=False)
        # shown at its full height at once, the box gets no Resize for its text: ask once laid out
        self.call_after_refresh(self._say_more)

    def on_resize(self) -> None:
        """Laid out anew (its height, or its text, changed): say whether the rest scrolls, by
        the box as it is now. The event's own sizes may be an earlier layout's: read after
        the refresh above, they took the word away again (seen under load)."""
        self._say_more()

    def _say_more(self) -> None:
        self.border_subtitle = "more: tab here, ↑↓ scroll" if self.max_scroll_y > 0 else ""
