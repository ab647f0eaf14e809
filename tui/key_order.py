"""Keys in the order they were typed: one key at a time to the widget that would have had it.

Textual forwards each key to the focused widget's queue at once, while a key the widget
does not handle (tab, a screen's binding) travels back up to the app before it acts. A key
typed right behind it was already forwarded to the old focus: text typed fast after a tab
landed in the previous field, keys typed as a dialog opened went to the screen behind it.
The app therefore forwards a key only once the one before has been handled all the way up:
a ``KeyHandled`` marker posted behind it follows the same path and reaches the app last.
"""

from __future__ import annotations

import time
from collections import deque

from textual import events
from textual.message import Message
from textual.message_pump import MessagePump

# How long a key may be in flight before a key typed behind it stops waiting for it: a
# safety net should its marker be lost, far longer than any key takes to be handled.
STALE_S = 2.0


class KeyHandled(Message):
    """Posted behind a key to the widget it went to; bubbles to the app after the key."""


class KeyOrder:
    """The keys waiting for the one in flight (whose marker has not reached the app)."""

    def __init__(self) -> None:
        self.waiting: deque[events.Key | events.Paste] = deque()
        self.in_flight: MessagePump | None = None
        self.since = 0.0

    def hold(self, event: events.Event) -> bool:
        """Keep a typed key while another is in flight; whether it was kept."""
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            return False
        if self.in_flight is None and not self.waiting:
            return False
        self.waiting.append(event)
        return True

    def stalled(self) -> bool:
        """Whether the key in flight's marker will never come: its widget went (with a
        closed dialog, say), or it has been too long."""
        return self.in_flight is not None and (
            not self.in_flight.is_attached or time.monotonic() - self.since > STALE_S)

    def sent(self, target: MessagePump) -> None:
        """A key went to ``target``: the next waits for the marker posted behind it."""
        self.in_flight, self.since = target, time.monotonic()
        target.post_message(KeyHandled())

    def handled(self) -> events.Key | events.Paste | None:
        """The key in flight is handled: the next key to send, if one waits."""
        self.in_flight = None
        return self.waiting.popleft() if self.waiting else None


__all__ = ["KeyHandled", "KeyOrder"]
