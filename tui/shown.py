"""What the workbench shows: the one value its panels redraw themselves from.

``MainScreen.shown`` holds it and every panel is data-bound to it (Textual's
``data_bind``): the screen never tells a panel how to draw, it hands over what
is on show and each panel redraws what differs from what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.case_view import Change
    from tui.edit_session import EditSession

__all__ = ["Shown"]


@dataclass(frozen=True, eq=False, repr=False)
class Shown:
    """The open case and its view (``session``), and the change that was just made.

    A new one for every change and never equal to the last, so every bound panel
    looks again; ``change`` tells the matrix how much of itself to redraw. (So not a
    NamedTuple, whose equal fields would make it equal; nothing prints it: no ``__repr__``.)
    """

    session: EditSession
    change: Change
