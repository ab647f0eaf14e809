"""The single-writer lock on ``<db>.lock``: one weigh edits a database at a time.

filelock takes an OS lock (``flock`` on POSIX) on a separate lock file, never
on the database or journal. The kernel drops it when its holder dies, so
``kill -9`` leaves no stale lock. ``thread_local=False`` makes the lock belong
to the store, not to a thread, so a store opened in a worker thread can be
closed from the UI thread. The holder's PID is written into the file, only to
name it in the error another process sees.
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import FileLock, Timeout

from evidence.errors import DatabaseLocked, StoreError


def lock_path_for(db: Path) -> Path:
    """Where the lock of a database lives."""
    return db.with_name(db.name + ".lock")


class WriterLock:
    """A held writer lock; :meth:`release` (or process death) lets go of it."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.path = lock_path_for(db)
        self._lock: FileLock | None = None

    @classmethod
    def acquire(cls, db: Path) -> WriterLock:
        """Take the lock without waiting, or raise DatabaseLocked naming the holder."""
        held = cls(db)
        lock = FileLock(str(held.path), timeout=0, mode=0o600, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise held._locked_error() from None
        except OSError as exc:
            raise StoreError(f"{held.path}: cannot create the lock file: {exc.strerror or exc}") from None
        held._lock = lock
        held._stamp_pid()
        return held

    def _stamp_pid(self) -> None:
        """Fixed width, one pwrite through our own descriptor (the lock is on the
        open file description filelock holds, so this descriptor cannot drop it)."""
        stamp = f"{os.getpid():<20}\n".encode("ascii")
        try:
            fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                os.pwrite(fd, stamp, 0)  # always the same width: nothing to truncate
            finally:
                os.close(fd)
        except OSError:
            pass  # the PID is only a courtesy for the error message

    def _locked_error(self) -> DatabaseLocked:
        pid = owner_pid(self.db)
        if pid == os.getpid():
            who = f"PID {pid} (this weigh itself)"
        else:
            who = f"PID {pid}" if pid else "another process"
        return DatabaseLocked(
            f"{self.db} is in use by {who}; close that weigh first "
            "(the lock is released when it exits)"
        )

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release(force=True)
            self._lock = None

    @property
    def held(self) -> bool:
        return self._lock is not None


def owner_pid(db: Path) -> int | None:
    """The PID the current holder wrote into the lock file, if it is readable."""
    try:
        text = lock_path_for(db).read_text(encoding="ascii").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None
