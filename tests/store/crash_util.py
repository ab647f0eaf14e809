"""Running the crash child and checking what survived it."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from tinydb import TinyDB

from evidence.store import Store

from . import crash_child
from .edits import CASE_ID, Reference, shape

REPO = Path(__file__).resolve().parents[2]
#: Children are forks of a server that imported the store once (see crash_child).
FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["tests.store.crash_child"])


class Child:
    """A crash child whose lines are collected by a thread as they come."""

    def __init__(self, db: Path, start: int, compact: int, crash: str | None = None,
                 limit: int = 1_000_000, paced: bool = False) -> None:
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.seen_open = threading.Event()
        lines, out = FORKS.Pipe(duplex=False)
        pace_r: Connection | None = None
        self._pace: Connection | None = None
        if paced:
            pace_r, self._pace = FORKS.Pipe(duplex=False)
        self.proc = FORKS.Process(target=crash_child.run, daemon=True,
                                  args=(db, start, compact, crash, limit, out, pace_r))
        self.proc.start()
        out.close()  # the child holds the only writing end: its death ends the lines
        if pace_r is not None:
            pace_r.close()
        self._reader = threading.Thread(target=self._read, args=(lines,), daemon=True)
        self._reader.start()

    def _read(self, lines: Connection) -> None:
        with lines:
            while True:
                try:
                    line = lines.recv()
                except EOFError:
                    return
                if line.startswith("error "):
                    self.errors.append(line)
                    continue
                self.lines.append(line)
                if line == "open":
                    self.seen_open.set()

    def release(self, edits: int) -> None:
        """Let a paced child make this many more edits."""
        assert self._pace is not None
        for _ in range(edits):
            self._pace.send(None)

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL; nothing if it has already exited
        self.finish()

    def finish(self, timeout: float = 20) -> None:
        self.proc.join(timeout=timeout)
        assert self.proc.exitcode is not None, f"the child is still running after {timeout} s"
        self._reader.join(timeout=5)
        if self._pace is not None:
            self._pace.close()

    @property
    def returncode(self) -> int | None:
        """As a subprocess's: -9 when SIGKILLed."""
        return self.proc.exitcode

    @property
    def acknowledged(self) -> int | None:
        """How many edits the child saw return (None: not one)."""
        numbers = [int(x) for x in self.lines if x.isdigit()]
        return numbers[-1] if numbers else None

    def reached(self, edits: int) -> bool:
        """Has the child acknowledged at least this many edits?"""
        return (self.acknowledged or 0) >= edits

    @property
    def stderr(self) -> str:
        """What went wrong in the child, for an assertion's message."""
        return "".join(self.errors) or f"(no error from the child; lines {self.lines[-5:]})"


def check_survivors(db: Path, ref: Reference, acknowledged: int) -> int:
    """Every acknowledged edit is there (the one in flight may be too); returns the count on disk.

    Opens read-only and for writing, and loads the file with plain TinyDB.
    """
    with TinyDB(db, access_mode="r") as tiny:
        assert set(tiny.tables()) >= {"_meta", "cases"}
        assert len(tiny.table("_meta")) == 1
    reader = Store.open(db, readonly=True)
    try:
        seen = shape(reader.case(CASE_ID))
    finally:
        reader.close()
    if seen == ref.after(acknowledged):
        count = acknowledged
    elif seen == ref.after(acknowledged + 1):
        count = acknowledged + 1  # killed after the edit returned, before it was printed
    else:
        raise AssertionError(f"after {acknowledged} acknowledged edits the database shows neither "
                             f"that state nor the next: {seen}")
    writer = Store.open(db)
    try:
        assert shape(writer.case(CASE_ID)) == seen
    finally:
        writer.close()
    assert shape(Store.open(db, readonly=True).case(CASE_ID)) == seen
    return count


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.002)
    return predicate()
