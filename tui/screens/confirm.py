"""Ask before something destructive: y confirms, n/escape cancels, enter gives the default
(yes, unless what is at stake is text the user typed: then no)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from hypotheses.visible import visible
from tui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """Returns True when the user confirms, False otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer_default", "Default", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, message: str, *, default: bool = True) -> None:
        super().__init__()
        self.message = message
        self.default = default  # what enter (and the focused button) answers

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="form-dialog"):
            yield Static(Text(visible(self.message)), id="confirm-message", classes="confirm-message")
            with Horizontal(classes="form-buttons"):
                yield Button("Yes (y)", id="yes", variant="error")
                yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_answer_default(self) -> None:
        self.dismiss(self.default)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
