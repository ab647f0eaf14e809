"""The keys a screen offers, grouped by where they work: one source for help and the palette.

A screen that implements ``ShowsKeys`` lists its sections; the help screen prints
them and the command palette runs them, so neither needs to know the screen's
class (nor import it: the screen imports them).
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol, runtime_checkable

from textual.app import App
from textual.binding import Binding, BindingType
from textual.widget import Widget

from hypotheses.vocabulary import RATING_NAMES, Rating


class KeySection(NamedTuple):
    """A group of bindings and the node that runs them."""

    title: str
    target: Widget | App[Any]
    bindings: list[BindingType]
    #: Whether the command palette offers these (keys that only make sense while typing do not).
    in_palette: bool = True


@runtime_checkable
class ShowsKeys(Protocol):
    def key_sections(self) -> list[KeySection]:
        """The screen's keys, in the order a user meets them."""
        ...


#: The key that gives each rating: the matrix's keys, and a form's rating line's.
RATING_KEYS: tuple[tuple[str, Rating], ...] = (
    ("c", "C"), ("C", "CC"), ("n", "N"), ("i", "I"), ("I", "II"), ("x", "NA"),
)


#: Keys that name a code with no double to tell apart: shift+n and shift+x rate as n and x do
#: (typed as the code reads, they did nothing). Kept out of the footer; the help lists them.
RATING_ALIASES: tuple[tuple[str, Rating], ...] = (("N", "N"), ("X", "NA"))


def rating_bindings(action: str, **options: Any) -> list[BindingType]:
    """A binding per rating, running ``action('<code>')`` (``options``: Binding's own), and
    the hidden aliases (:data:`RATING_ALIASES`)."""
    hidden = {**options, "show": False}
    return [Binding(key, f"{action}('{code}')", code, tooltip=f"Rate {RATING_NAMES[code]} ({code})", **opts)
            for keys, opts in ((RATING_KEYS, options), (RATING_ALIASES, hidden)) for key, code in keys]
