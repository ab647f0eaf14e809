"""Running the crash child and checking what survived it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tinydb import TinyDB

from evidence.store import Store

from .edits import CASE_ID, Reference, shape

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[2]


class Child:
    """A crash child whose printed lines are collected by a thread as they come."""

    def __init__(self, db: Path, start: int, compact: int, env: dict[str, str] | None = None,
                 paced: bool = False) -> None:
        self.lines: list[str] = []
        self.seen_open = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(db), str(start), str(compact)],
            stdin=subprocess.PIPE if paced else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {}),
                 **({"WEIGH_CRASH_PACED": "1"} if paced else {})},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode().strip()
            self.lines.append(line)
            if line == "open":
                self.seen_open.set()

    def release(self, edits: int) -> None:
        """Let a paced child make this many more edits."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"\n" * edits)
        self.proc.stdin.flush()

    def kill(self) -> None:
        try:
            self.proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.finish()

    def finish(self, timeout: float = 20) -> None:
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)

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
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode(errors="replace")


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
