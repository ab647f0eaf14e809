"""A form's rating for one hypothesis: the matrix's keys, every rating on show."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from hypotheses.vocabulary import RATING_NAMES, RATINGS
from tui.keys import RATING_KEYS, rating_bindings
from tui.widgets.choice_line import ChoiceLine

UNRATED = "unrated"
TOOLTIP = ("Rate with the matrix's keys: " + ", ".join(f"{key} {code}" for key, code in RATING_KEYS)
           + "; backspace clears; left/right step. "
           + "; ".join(f"{code} {name}" for code, name in RATING_NAMES.items()))


class RatingPicker(ChoiceLine):
    """Not rated, or one of the six ratings; ``c C n i I x`` rate as in the matrix,
    backspace clears."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *rating_bindings("step_to_value", show=False),
        Binding("backspace", "step_to_value(None)", "Clear", show=False, tooltip="Clear the rating"),
    ]
    TYPE_AHEAD = False  # the letters are the matrix's rating keys

    def __init__(self, value: str | None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([(UNRATED, None), *((code, code) for code in RATINGS)], value,
                         id=id, classes=classes, tooltip=TOOLTIP)

    def action_step_to_value(self, value: str | None) -> None:
        self.value = value
