"""The next start's first frame, drawn after a session that edited the database.

A session's clean exit saves the first frame it drew (:mod:`tui.first_frame`)
only if the database is still the file that frame was drawn from; an editing
session's exit compacts the journal into a new file, so it saves none. Then,
once the terminal is restored, ``weigh`` starts this module in a detached
process (its own session, no terminal, every stream to /dev/null; the shell
prompt comes back at once). It runs the app headless at the terminal's size,
exactly as the next start would (the blank screen, then the workbench in its
place), with the app's defaults for the look and the state file's case, keeps
that first frame and saves it under the same conditions as any picture, then
exits.

It opens the database read-only, so it never takes the writer lock: a weigh
started meanwhile opens it for editing as usual. A read-only open differs from
the writable one the next start makes only by the banner, which it leaves out,
and by what the writable open would do first: seed an empty database,
migrate an old one, refuse a read-only file or folder or a file with two
names. In each of those cases it draws nothing. It saves only if the
database file is still the one it found before reading it (same identity,
empty journal) and the state file still names the same case, never removes a
picture, and is killed after :data:`TIME_LIMIT` seconds.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tui.first_frame import MAX_CELLS

TIME_LIMIT = 30  # seconds: a 10,000-item case is drawn in well under one


def main(argv: list[str]) -> int:
    """Draw and save the next start's first frame: 0 if a picture was saved."""
    from tui.app import WeighApp

    try:
        db, state, width, height, *exited = argv
        size = (int(width), int(height))
        released_by = int(exited[0]) if exited else None  # the weigh whose exit started this
    except (ValueError, IndexError):
        return 2
    if not (0 < size[0] <= 10_000 and 0 < size[1] <= 10_000) or size[0] * size[1] > MAX_CELLS:
        return 2
    app = WeighApp(Path(db), state_file=Path(state), picture_only=True)
    assert app.first_frame is not None
    app.first_frame.released_by = released_by  # its PID stays in the lock file
    try:
        asyncio.run(app.run_async(headless=True, size=size))
    except Exception:
        return 1
    return 0 if app.first_frame.saved else 1


def bounded(argv: list[str]) -> int:
    """:func:`main`, ended by SIGALRM (its default action) after :data:`TIME_LIMIT`."""
    signal.alarm(TIME_LIMIT)
    return main(argv)


if __name__ == "__main__":
    sys.exit(bounded(sys.argv[1:]))
