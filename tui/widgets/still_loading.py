"""Textual's loading indicator, held still for its first moments."""

from __future__ import annotations

from textual.events import Mount
from textual.widgets import LoadingIndicator

#: Seconds the indicator stays still before it animates.
STILL_FOR = 0.5


class StillLoading(LoadingIndicator):
    """The dots of Textual's indicator, animated only once a wait outlasts :data:`STILL_FOR`.

    The workbench's panels show it while the database opens in a worker. Each frame of
    the animation is drawn on the event loop while the worker runs, and both share one
    interpreter: an open that ends sooner (the usual one) waited for frames nobody
    needed to see move. A longer open (a large case) still shows that weigh is at work.
    """

    def on_mount(self, event: Mount) -> None:
        # Textual's own handler (a base class's, run after this one) starts the animation:
        # it is started here instead, later.
        event.prevent_default()
        self.set_timer(STILL_FOR, self._move, name="still-loading")

    def _move(self) -> None:
        self.auto_refresh = 1 / 16  # LoadingIndicator's own rate
