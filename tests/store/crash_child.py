"""The child process of the crash tests: numbered edits, each number sent only once acknowledged.

:func:`run` is the body of a real process that the test kills with SIGKILL: a fork of
multiprocessing's fork server, which has imported this module (and so the store) once,
and has opened nothing. Each child thus starts with no database, lock or journal of its
own, as a fresh ``python`` would, but without paying for an interpreter and the store's
imports each time: the kills are what is tested, not the start-up.

The child sends ``open`` once the store is open, then ``n`` after its edit number ``n``
returned, then ``closed``; if it fails, the traceback (sent as ``error``). ``crash``
("<os function>:<N>:<before|after|half>") makes the child SIGKILL itself at the Nth call
of that function, counting from the first line of :func:`run` (so opening and recovery are
covered too): a deterministic kill point. ``limit`` stops it after that many edits;
``paced`` makes each edit wait for a message from the test, so the test decides how far
the child gets.
"""

from __future__ import annotations

import os
import signal
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import cast

import evidence.store as store_module
from evidence.store import Store
from tests.store.edits import edit


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(spec: str) -> None:
    """Wrap os.<name> so its Nth call kills the process before, after, or halfway.

    The lines to the test go through a :class:`Connection`, which bound ``os.write`` when
    its class was made: only the store's own calls are counted."""
    name, nth, when = spec.split(":")
    real = getattr(os, name)
    calls = [0]
    target = int(nth)

    def wrapper(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] != target:
            return real(*args, **kwargs)
        if when == "before":
            die()
        if when == "half" and name == "write":
            fd, data = args[0], bytes(cast(bytes, args[1]))
            real(fd, data[: max(1, len(data) // 2)])
            die()
        result = real(*args, **kwargs)
        die()
        return result

    setattr(os, name, wrapper)


def edits(db: Path, start: int, compact: int, crash: str | None, limit: int,
          out: Connection, pace: Connection | None) -> None:
    store_module.COMPACT_RECORDS = compact
    if crash:
        arm(crash)
    store = Store.open(db)
    out.send("open")
    n = start
    while n < limit:
        if pace is not None:
            try:
                pace.recv()  # paced: one message from the test per edit
            except EOFError:
                break
        edit(store, n)
        n += 1
        out.send(str(n))  # n edits acknowledged
    store.close()
    out.send("closed")


def run(db: Path, start: int, compact: int, crash: str | None, limit: int,
        out: Connection, pace: Connection | None) -> None:
    """The child's whole life; a failure reaches the test as text, not a lost traceback."""
    try:
        edits(db, start, compact, crash, limit, out, pace)
    except BaseException:
        out.send("error " + traceback.format_exc())
        raise
