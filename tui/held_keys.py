"""Keys typed before the case shows: held, then replayed to the workbench in order.

The workbench's shell is up at once while the database opens in a worker; a key
typed meanwhile must neither act on nothing nor be lost. Each is held, and once
the case shows they run, in order, as the workbench's bindings would have run
them; those after one that took the user elsewhere (a dialog, the filter line)
are refused, with a notice saying how many.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.events import Key
from textual.screen import Screen

from tui.read_only import say_why_refused

__all__ = ["HeldKeys"]


class HeldKeys:
    """The keys held for one screen until :meth:`replay` (or :meth:`drop`)."""

    def __init__(self) -> None:
        self._keys: list[str] | None = []  # None: replayed or dropped, keys act from now on

    @property
    def holding(self) -> bool:
        return self._keys is not None

    def hold(self, event: Key) -> None:
        """Keep the key for later, if keys are still held."""
        if self._keys is not None:
            event.stop()
            event.prevent_default()
            self._keys.append(event.key)

    async def replay(self, screen: Screen[Any], left: Callable[[], bool]) -> None:
        """Run the held keys as ``screen``'s bindings, in order; ``left``: the user is no
        longer on the workbench (the rest are refused)."""
        held = self._keys or []
        while held:
            key = held.pop(0)
            if left():
                dropped = len(held) + 1
                screen.notify(f"{dropped} key{'s' if dropped != 1 else ''} typed while the case "
                              f"opened {'was' if dropped == 1 else 'were'} not used", severity="warning")
                break
            bound = screen.active_bindings.get(key)
            if bound is not None and bound.enabled:
                await screen.app.run_action(bound.binding.action, bound.node)
            elif bound is not None:  # an edit a read-only database refuses says why
                say_why_refused(bound.node, bound.binding.action)
        self._keys = None
        screen.refresh_bindings()  # the footer's keys: none until now

    def drop(self) -> int:
        """The case will not show (the database did not open): how many keys were held."""
        held, self._keys = self._keys or [], None
        return len(held)
