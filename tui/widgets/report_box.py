"""A dialog's report: a few lines, or many to scroll through (a sync's conflicts, what an
export's format cannot hold), kept in the dialog rather than a toast that would cover it.

A line too long for the box wraps under its own text, four cells further in (a hanging
indent, as the detail pane's notes do): wrapped back to the box's left edge, the rest of
one line ('…: H1, H2, H3,' then 'H4, H5, H6') read as a line of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from hypotheses.visible import visible

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console, ConsoleOptions

HANG = 4  # a wrapped line's rest starts this many cells right of its own text (a report indents by 2)
NARROWEST = 4  # the fewest cells a line's rest is wrapped into (a wide character takes two)


def hanging(line: Text, console: Console, width: int, hang: int = HANG) -> list[Text]:
    """``line`` wrapped to ``width`` cells: its first row as it is (leading spaces kept), the
    rest each starting ``hang`` cells right of where its text starts."""
    plain = line.plain
    lead = len(plain) - len(plain.lstrip(" "))
    body = line[lead:]
    if width - lead - hang < NARROWEST or body.cell_len <= width - lead:  # fits, or no room to hang
        # a wide character takes two cells: never fewer (0: not laid out yet, as it is)
        return list(line.wrap(console, max(2, width))) if width > 0 else [line]
    first = body.wrap(console, width - lead)[0]
    rest = body[len(first.plain):]
    rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")):]
    first.rstrip()
    pad = " " * (lead + hang)
    return [Text(" " * lead) + first, *(Text(pad) + row for row in rest.wrap(console, width - lead - hang))]


class Hanging:
    """Rich renderable: report lines, each wrapped with a hanging indent (``hang`` cells right
    of its text) to the width it is drawn at (the box's, less its scrollbar when it scrolls)."""

    def __init__(self, lines: list[Text], hang: int = HANG) -> None:
        self.lines = lines
        self.hang = hang

    def __str__(self) -> str:
        """The lines as given, unwrapped."""
        return "\n".join(line.plain for line in self.lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        width = options.max_width
        for line in self.lines:
            for row in hanging(line, console, width, self.hang):
                row.rstrip()
                yield from row.render(console)
                yield Segment.line()


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
        text = Hanging([Text(visible(line)) for line in lines])
        self.query_one(f"#{self.text_id}", Static).update(text)
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
