"""How a widget's key edits the case: through the screen's one edit path, at once.

A widget owns its keys (the matrix rates, the ranking edits hypotheses) and
builds the edit; the screen that shows the case runs it (``run_edit``: the one
place an edit's error is shown and what changed is handed to the panels) or
asks first (``ask``: a form or a question, whose answer is the edit). This is a
call, not a message: the next key (``u`` right after ``c``) must find the edit
made, and a message to the screen could be handled after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from tui.case_view import Change


@runtime_checkable
class CaseEditor(Protocol):
    """The screen that shows the case and makes its edits."""

    def run_edit(self, edit: Callable[[], Change]) -> bool:
        """Run the edit, show its error or what it changed; True if it was made."""
        ...

    def ask(self, dialog: Screen[Any], edit: Callable[[Any], Change], *,
            refocus: bool = True) -> None:
        """Open a form or question; its answer (None or False: cancelled) is made an edit."""
        ...


def editor(node: DOMNode) -> CaseEditor:
    """The screen ``node`` is on, which makes its edits."""
    screen = node.screen
    assert isinstance(screen, CaseEditor), screen
    return screen


__all__ = ["CaseEditor", "editor"]
