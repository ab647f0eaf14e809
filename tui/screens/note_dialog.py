"""One cell's note: why this rating. Enter (or ctrl+s) saves, an empty note removes it,
escape leaves it as it was (asking first if it was changed here). The text is the user's:
shown and kept literally."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from hypotheses.models import MAX_TEXT
from hypotheses.visible import visible
from tui.screens.dialog import Dialog
from tui.screens.unsaved import RemembersFields, close_asking
from tui.widgets.one_line_input import OneLineInput


class NoteDialog(RemembersFields, Dialog[str | None]):
    """Returns the new note ('' removes it), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, eid: str, hid: str, hypothesis: str, rating: str | None, note: str) -> None:
        super().__init__()
        self.eid, self.hid = eid, hid
        self.hypothesis = hypothesis
        self.rating = rating
        self.note = note

    def compose(self) -> ComposeResult:
        heading = Text(f"Note on {self.eid} × {self.hid}", style="bold")
        heading.append(f"  (rated {self.rating})" if self.rating else "  (not rated yet)",
                       style="dim")
        with Vertical(id="note-dialog", classes="form-dialog"):
            yield Static(heading, classes="form-heading")
            yield Static(Text(f"{self.hid}: {visible(self.hypothesis)}"), classes="dialog-keys")
            yield OneLineInput(self.note, id="note", placeholder="why this rating",
                               max_length=MAX_TEXT)
            yield Static("enter saves · empty removes the note · esc cancels",
                         classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()
        self.remember_fields()

    @on(Input.Submitted, "#note")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note", Input).value.strip())

    def action_cancel(self) -> None:
        """Leave the note as it was, asking first if it was changed here."""
        close_asking(self, self.has_changes())
