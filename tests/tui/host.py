"""A bare app that hosts one modal screen, for testing forms and dialogs alone."""

from __future__ import annotations

import contextlib
import unicodedata
import weakref
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.keys import KEY_NAME_REPLACEMENTS, key_to_character
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import WorkerCancelled

# Every toast each app under test raised, oldest first (conftest's _notices_kept fills it;
# here, not in conftest, which pytest imports under a name of its own).
RAISED: weakref.WeakKeyDictionary[App[object], list[str]] = weakref.WeakKeyDictionary()


class Host(App[None]):
    """Pushes one screen on mount and records what it dismisses with (a dialog brings its own
    styles: ``tui.screens.dialog``)."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__()
        self.make = make
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


def shown(app: App, selector: str) -> str:
    """The text a Static shows, and only if it is actually on screen."""
    widget = app.screen.query_one(selector, Static)
    if not widget.display or widget.region.height == 0:
        return ""
    content = widget.content
    # a Rich renderable (a report box's lines, wrapped as drawn) gives its lines by str()
    return str(content) if hasattr(content, "__rich_console__") else str(widget.render())


async def paste(pilot: Pilot[object], text: str) -> None:
    """Paste ``text`` into the focused field, as a terminal's bracketed paste delivers it.

    For long values whose keys are not what the test is about (a file path): one
    event instead of a key press, and its wait, per character.
    """
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def key_event(key: str) -> events.Key:
    """The key event Pilot's ``press`` sends for a key's name or a character ("down", "?")."""
    if len(key) == 1 and not key.isalnum():
        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:  # a control character
            name = {"\t": "tab"}.get(key, key)
        return events.Key(KEY_NAME_REPLACEMENTS.get(name, name), key)
    return events.Key(key, key_to_character(key))


async def press_at_once(pilot: Pilot[object], *keys: str) -> None:
    """Press ``keys`` as a terminal delivers a key held down or typed fast: every one posted
    to the app before it handles the first, the last pressed as Pilot does, which returns
    once the screen has handled it and so every key before it.

    For runs of keys that only get somewhere (twenty downs to an item, a phrase typed into
    a field): Pilot waits for the app to go idle after each key, two sleeps and a frame
    drawn per key. That keys typed at once reach the app in order is tested in
    test_fast_typing.py.
    """
    for key in keys[:-1]:
        pilot.app.post_message(key_event(key))
    await pilot.press(*keys[-1:])


async def workers_done(app: App) -> None:
    """Wait for the app's worker threads, then for the screen to settle.

    A dialog's thread closes the dialog itself (``call_from_thread(dismiss)``),
    and the closing screen may mark its still-returning worker cancelled:
    that is a finished job, not a failure (each test checks the result).
    """
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()
