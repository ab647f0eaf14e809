"""The behaviour every add/edit form shares: keys, field errors, saving only when valid."""

from __future__ import annotations

from typing import ClassVar, Generic, NamedTuple, TypeVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Button, Static

from tui.screens.dialog import Dialog
from tui.screens.unsaved import RemembersFields, close_asking

T = TypeVar("T")


class FieldSpec(NamedTuple):
    """Where a field lives on screen: its label, the widget to focus, its error line."""

    label: str
    focus_id: str
    error_id: str


class FormInvalid(Exception):
    """The form's values do not make a valid item: field key → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class FormScreen(RemembersFields, Dialog[T | None], Generic[T]):
    """A modal form: ``ctrl+s`` saves once valid, ``escape`` cancels and returns None (asking
    first when a field was changed: ``tui/screens/unsaved.py``).

    Subclasses compose their fields with ``field_row`` (which adds an error
    line under each), describe them in ``fields()``, and implement ``build()``,
    which returns the item or raises ``FormInvalid``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def fields(self) -> dict[str, FieldSpec]:
        """Field key (as the model names it) → where it is shown; override in subclasses."""
        return {}

    def build(self) -> T:
        """The item the form describes, or FormInvalid; override in subclasses."""
        raise NotImplementedError

    def commit(self, item: T) -> None:
        """Act on a valid item before the form closes (most forms leave that to the app).

        May raise FormInvalid, say when the store refuses an id that exists.
        """

    def on_mount(self) -> None:
        first = self.query_one(".field-row .field-body > *")
        first.focus()
        self.remember_fields()  # escape asks once a field differs from them

    def action_cancel(self) -> None:
        """Close the form, asking first if a field was changed (nothing typed is lost unasked)."""
        close_asking(self, self.has_changes())

    def action_save(self) -> None:
        try:
            item = self.build()
            self.commit(item)
        except FormInvalid as exc:
            self.show_errors(exc.errors)
            return
        self.dismiss(item)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_cancel()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field; a summary line; focus on the first bad field."""
        fields = self.fields()
        for line in self.query(".field-error").results(Static):
            line.update("")
            line.remove_class("-shown")
        unplaced: list[str] = []
        first: Widget | None = None
        reason: Static | None = None  # the first refused field's error line
        order = {key: n for n, key in enumerate(fields)}  # the fields as the form shows them
        errors = dict(sorted(errors.items(), key=lambda kv: order.get(kv[0], len(order))))
        for key, message in errors.items():
            if key not in fields:
                unplaced.append(f"{key}: {message}" if key else message)
                continue
            error_line = self.query_one(f"#{fields[key].error_id}", Static)
            error_line.update(Text(message))
            error_line.add_class("-shown")
            if first is None:
                first, reason = self.query_one(f"#{fields[key].focus_id}"), error_line
        names = [fields[k].label for k in errors if k in fields]
        summary = f"Not saved: fix {len(errors)} field{'s' if len(errors) != 1 else ''}"
        if names:
            summary += " (" + ", ".join(names) + ")"
        if unplaced:
            summary += " — " + "; ".join(unplaced)
        status = self.query_one("#form-status", Static)
        status.update(Text(summary))
        status.add_class("-error")
        if first is not None:
            first.focus()
            first.scroll_visible()
        if reason is not None:  # once drawn, the reason under it too (a short terminal hid it)
            self.call_after_refresh(reason.scroll_visible, animate=False)

