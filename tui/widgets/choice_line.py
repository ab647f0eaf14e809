"""A pick from a few short choices, every choice on one line: one widget where a drop-down is six.

A form with a drop-down per rating composed six widgets for each (Select, its
current value, its overlay list), and a form's opening time grew with them. Here
every choice is on show, the chosen one marked ``[so]`` (and highlighted), so it
reads the same without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

Choice = tuple[str, str | None]  # (what the line shows, the value it stands for)


class ChoiceLine(Widget, can_focus=True):
    """left/right (or home/end) move the choice; typing a choice's first letter picks it
    (again: the next with that letter); a click picks the choice under the pointer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
        Binding("home", "step_to(0)", "First", show=False),
        Binding("end", "step_to(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"choice-line--chosen"}
    #: Whether a typed letter picks the choice it starts (a subclass with letter keys of its own says no).
    TYPE_AHEAD: ClassVar[bool] = True

    value: reactive[str | None] = reactive[str | None](None, init=False)

    class Changed(Message):
        """The choice changed (by a key, a click or the program)."""

        def __init__(self, choice_line: ChoiceLine, value: str | None) -> None:
            super().__init__()
            self.choice_line = choice_line
            self.value = value

        @property
        def control(self) -> ChoiceLine:
            return self.choice_line

    def __init__(
        self,
        choices: Sequence[Choice],
        value: str | None,
        *,
        id: str | None = None,
        classes: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.choices = list(choices)
        self._values = [v for _, v in self.choices]
        if value not in self._values:
            raise ValueError(f"{value!r} is not one of the choices")
        self.set_reactive(ChoiceLine.value, value)
        if tooltip is not None:
            self.tooltip = tooltip

    def validate_value(self, value: str | None) -> str | None:
        """A value that is not a choice keeps the one before (the form never saves a stray)."""
        return value if value in self._values else self.value

    def watch_value(self, value: str | None) -> None:
        self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        chosen = self.get_component_rich_style("choice-line--chosen", partial=True)
        line = Text(no_wrap=True, overflow="ellipsis")
        for label, value in self.choices:
            if value == self.value:
                line.append(f"[{label}]", chosen)
            else:
                line.append(f" {label} ")
        return line

    def _spans(self) -> list[tuple[int, int]]:
        """Each choice's columns on the line, start and end."""
        spans, start = [], 0
        for label, _ in self.choices:
            spans.append((start, start + len(label) + 2))
            start += len(label) + 2
        return spans

    def action_step(self, by: int) -> None:
        here = self._values.index(self.value)
        self.value = self._values[max(0, min(len(self._values) - 1, here + by))]

    def action_step_to(self, index: int) -> None:
        self.value = self._values[index]

    def on_key(self, event: events.Key) -> None:
        if not self.TYPE_AHEAD or event.character is None or not event.character.isalnum():
            return
        letter = event.character.lower()
        here = self._values.index(self.value)
        order = self.choices[here + 1:] + self.choices[:here + 1]  # from the next one round
        for label, value in order:
            if label.lower().startswith(letter):
                event.stop()
                event.prevent_default()
                self.value = value
                return

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for (start, end), value in zip(self._spans(), self._values, strict=True):
            if start <= offset.x < end:
                self.value = value
                return
