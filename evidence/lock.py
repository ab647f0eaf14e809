"""The single-writer lock on ``<db>.lock``: one weigh edits a database at a time.

On POSIX this is ``flock`` on a separate lock file (never on the database or
journal: an ``fcntl`` lock would vanish when any descriptor of that file closes).
The kernel drops the lock when its holder dies, so ``kill -9`` leaves no stale
lock, and it belongs to the open file, not to a thread, so a store opened in a
worker thread can be closed from the UI thread. The holder's PID is written into
the file, only to name it in the error another process sees.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from evidence.errors import DatabaseLocked, StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: fall back to filelock's msvcrt lock
    fcntl = None  # type: ignore[assignment]

_BUSY = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK}


def lock_path_for(db: Path) -> Path:
    """Where the lock of a database lives."""
    return db.with_name(db.name + ".lock")


class WriterLock:
    """A held writer lock; :meth:`release` (or process death) lets go of it."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.path = lock_path_for(db)
        self._fd = -1
        self._fallback: object | None = None

    @classmethod
    def acquire(cls, db: Path) -> WriterLock:
        """Take the lock without waiting, or raise DatabaseLocked naming the holder."""
        lock = cls(db)
        if fcntl is None:  # pragma: no cover - Windows
            lock._acquire_fallback()
        else:
            lock._acquire_flock()
        return lock

    def _acquire_flock(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot create the lock file: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _BUSY:
                raise self._locked_error() from None
            raise StoreError(f"{self.path}: cannot lock the database: {exc.strerror or exc}") from None
        self._fd = fd
        # Fixed width, one pwrite (no write, no truncate: the PID is only a courtesy
        # for the error message and must not take part in the data's I/O).
        stamp = f"{os.getpid():<20}\n".encode("ascii")
        try:
            os.pwrite(fd, stamp, 0)
            if os.fstat(fd).st_size > len(stamp):
                os.ftruncate(fd, len(stamp))
        except OSError:
            pass

    def _acquire_fallback(self) -> None:  # pragma: no cover - Windows
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path), timeout=0, mode=0o600, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise self._locked_error() from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot lock the database: {exc.strerror or exc}") from None
        self._fallback = lock

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
        """Let go of the lock (closing the descriptor drops the flock)."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.release()  # type: ignore[attr-defined]
            self._fallback = None

    @property
    def held(self) -> bool:
        return self._fd >= 0 or self._fallback is not None


def owner_pid(db: Path) -> int | None:
    """The PID the current holder wrote into the lock file, if it is readable."""
    try:
        text = lock_path_for(db).read_text(encoding="ascii").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None
