"""A read-only workbench: the keys that would edit are dimmed, and pressing one says why.

A second weigh on a database another weigh is editing opens it read-only
(``opening.open_for_editing``: ``Store.readonly``, with the reason in words the
banner shows). Every edit would be refused by the store, so none is offered: each
widget or screen that owns an editing key mixes in :class:`GuardsEdits`, names its
editing actions (``EDITS``) and the store they write to, and its ``check_action``
dims them (the footer shows them
off); a key pressed on one is answered with the reason (:func:`say_why_refused`,
from the screen's ``on_key``), as is a command palette entry or a key typed while
the case opened. Nothing is opened that could not be saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.events import Key
    from textual.screen import Screen

    from evidence.store import Store

__all__ = ["GuardsEdits", "RefusesEdits", "read_only_reason", "refusal", "say_why_refused",
           "say_why_refused_key"]


@runtime_checkable
class RefusesEdits(Protocol):
    """A node whose keys include edits, which it refuses while its database is read-only."""

    def why_refused(self, action: str) -> str | None:
        """Why ``action`` (its name, without arguments) cannot act here, or None."""
        ...


class GuardsEdits:
    """What a widget or screen that owns editing keys mixes in: its :data:`EDITS` are
    refused while :meth:`edited_store` is read-only, and its footer dims them."""

    #: The actions (names without arguments) that write to the database.
    EDITS: ClassVar[frozenset[str]] = frozenset()

    def edited_store(self) -> Store | None:
        """The store the edits would write to; None while there is none yet."""
        raise NotImplementedError

    def why_refused(self, action: str) -> str | None:
        """Why ``action`` cannot act here: it edits, and the database is read-only."""
        return read_only_reason(self.edited_store()) if action in self.EDITS else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An edit refused is dimmed in the footer (and a press on it says why)."""
        return None if self.why_refused(action) is not None else True


def read_only_reason(store: Store | None) -> str | None:
    """Why edits cannot be made in this window (``store`` opened read-only), or None."""
    if store is None or not store.readonly:
        return None
    return f"Read-only: {store.readonly_reason or 'this database was opened read-only'}"


def refusal(node: DOMNode, action: str) -> str | None:
    """Why ``node`` refuses ``action`` (an action string, arguments and all: ``form('x')``)
    because its database is read-only, or None."""
    if not isinstance(node, RefusesEdits):
        return None
    return node.why_refused(action.partition("(")[0].rpartition(".")[2])


def say_why_refused(node: DOMNode, action: str) -> bool:
    """Tell the user why ``action`` does nothing here, if it is an edit refused: True if so."""
    why = refusal(node, action)
    if why is not None:
        node.app.notify(why, severity="warning", timeout=8, markup=False)
    return why is not None


def say_why_refused_key(screen: Screen[Any], event: Key) -> bool:
    """If ``event``'s key is bound on ``screen`` (where the focus is) to an edit refused
    there, say why, once, and stop the key: True if so."""
    bound = screen.active_bindings.get(event.key)
    if bound is None or bound.enabled or not say_why_refused(bound.node, bound.binding.action):
        return False
    event.stop()
    event.prevent_default()
    return True
