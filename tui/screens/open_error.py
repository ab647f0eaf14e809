"""Shown instead of the workbench when the database cannot be opened.

It says why in the store's own words, promises the file was left untouched,
and offers to set a damaged file aside only on an explicit key.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from evidence.errors import WeighError
from evidence.recovery import set_aside
from hypotheses.visible import visible


class OpenErrorScreen(Screen[None]):
    """The database could not be opened: the message, the path, what to do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "quit", "Quit", tooltip="Quit weigh; the file stays as it is"),
        Binding("r", "retry", "Retry", tooltip="Try to open the database again"),
        Binding("S", "set_aside", "Set aside & start fresh",
                tooltip="Rename the damaged file and start a new database"),
    ]

    class Reopen(Message):
        """Try the database again: after a retry, or once the damaged file is set aside."""

        def __init__(self, screen: OpenErrorScreen) -> None:
            super().__init__()
            self.screen = screen

    def __init__(self, message: str, db_path: Path, *, damaged: bool,
                 rescued: tuple[Path, ...] = ()) -> None:
        """``rescued``: files beside the database holding edits a refused write saved."""
        super().__init__(id="open-error")
        self.message = message
        self.db_path = db_path
        self.damaged = damaged
        self.rescued = rescued

    def compose(self) -> ComposeResult:
        body = Text()
        body.append("weigh cannot open this database\n\n", style="bold")
        body.append(visible(self.message))
        body.append("\n\n")
        for copy in self.rescued[-3:]:  # the work a fresh start must not put out of sight
            shown = visible(str(copy))
            body.append("Edits rescued earlier: ", style="bold")
            body.append(f"{shown} (open it with weigh --db {shown})\n\n")
        if len(self.rescued) > 3:
            body.append(f"…and {len(self.rescued) - 3} older rescued copies beside it.\n\n")
        body.append("The file was left untouched. ", style="bold")
        if self.damaged:
            body.append("Press ")
            body.append("S", style="bold reverse")
            body.append(
                " to set the damaged file aside (renamed next to it, nothing deleted) "
                "and start a fresh database, "
            )
        body.append("press " if self.damaged else "Press ")  # a new sentence starts upper-case
        body.append("r", style="bold reverse")
        body.append(" to try again or ")
        body.append("q", style="bold reverse")
        body.append(" to quit. Another database: weigh --db PATH.")
        with Vertical(id="open-error-box"):
            yield Static(body, id="open-error-text")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "set_aside":
            return self.damaged
        return True

    def action_quit(self) -> None:
        self.app.exit(2, return_code=2)

    def action_retry(self) -> None:
        self.post_message(self.Reopen(self))

    def action_set_aside(self) -> None:
        try:
            moved = set_aside(self.db_path)
        except (WeighError, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.notify(f"Damaged file kept as {moved}", markup=False, timeout=10)
        self.post_message(self.Reopen(self))
