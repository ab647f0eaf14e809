"""Typing not saved yet: a form whose fields differ from what it opened with asks before
escape (or ctrl+q, ``WeighApp.action_quit``) throws it away; an unchanged one closes at once.

The forms (evidence, hypothesis, indicator, case details, new case) and the note dialog
remember their fields as they open (:func:`field_values`) and answer :class:`HoldsTyping`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from textual.widgets import Checkbox, Input, Select, TextArea

from tui.widgets.choice_line import ChoiceLine

if TYPE_CHECKING:
    from textual.screen import ModalScreen, Screen

__all__ = ["DISCARD", "DISCARD_AND_QUIT", "HoldsTyping", "RemembersFields", "close_asking", "field_values"]

DISCARD = "Discard your changes?"
DISCARD_AND_QUIT = "Discard your changes and quit weigh?"
_FIELDS = "Input, TextArea, ChoiceLine, Checkbox, Select"  # a RatingPicker is a ChoiceLine


@runtime_checkable
class HoldsTyping(Protocol):
    """A screen whose fields may hold changes not saved yet."""

    def has_changes(self) -> bool:
        """Whether a field differs from what it held when the screen opened."""
        ...


class RemembersFields:
    """A screen that remembers its fields as it opens (:meth:`remember_fields`, from its
    ``on_mount``) and so answers :class:`HoldsTyping`."""

    opened_with: list[object] | None = None  # the fields as the screen opened

    def remember_fields(self) -> None:
        self.opened_with = field_values(cast("Screen[Any]", self))

    def has_changes(self) -> bool:
        """Whether a field differs from what it held when the screen opened."""
        return field_values(cast("Screen[Any]", self)) != self.opened_with


def field_values(screen: Screen[Any]) -> list[object]:
    """What the screen's fields hold, in the order they are shown: text typed, choices
    picked, boxes ticked."""
    values: list[object] = []
    for widget in screen.query(_FIELDS):
        if isinstance(widget, TextArea):
            values.append(widget.text)
        elif isinstance(widget, (Input, ChoiceLine, Checkbox, Select)):
            values.append(widget.value)
    return values


def close_asking(screen: ModalScreen[Any], changed: bool) -> None:
    """Close ``screen`` with nothing (None) at once if nothing was ``changed``, else once the
    user says yes to :data:`DISCARD` (no, or escape, goes back to the fields as they were)."""
    if not changed:
        screen.dismiss(None)
        return
    from tui.screens.confirm import ConfirmScreen

    def answered(discard: bool | None) -> None:
        if discard:
            screen.dismiss(None)

    screen.app.push_screen(ConfirmScreen(DISCARD, default=False), answered)
