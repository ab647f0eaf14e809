"""The case switcher's last sync outcome: a few lines, or many conflicts to scroll through."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from hypotheses.visible import visible


class SyncReport(VerticalScroll):
    """Hidden until a sync; a tab stop once shown, its frame saying when there is more."""

    def compose(self) -> ComposeResult:
        yield Static("", id="sync-result", classes="dialog-keys")

    def show(self, lines: list[str]) -> None:
        """The outcome, a line each (user text shown, never obeyed); none: hidden."""
        self.query_one("#sync-result", Static).update(Text("\n".join(visible(line) for line in lines)))
        self.set_class(bool(lines), "-shown")
        self.scroll_home(animate=False)

    def on_resize(self, event: events.Resize) -> None:
        """Laid out anew (shown, or its text changed): say whether the rest scrolls."""
        more = event.virtual_size.height > event.size.height
        self.border_subtitle = "more: tab here, ↑↓ scroll" if more else ""
