"""The single-writer lock on ``<db>.lock``: one weigh edits a database at a time.

The lock is a BSD ``flock`` on a separate lock file, never on the database or
journal (the database is replaced on every compaction, which would drop a
lock on it). The kernel drops it when its holder dies, so ``kill -9`` leaves
no stale lock. The lock belongs to the open file, not to a thread, so a store
opened in a worker thread can be closed from the UI thread.

A lock file can be deleted while held, and then a second weigh would lock a
new file of the same name. :meth:`WriterLock.verify` notices: the name no
longer points at the file this weigh locked. The store calls it around every
commit, so an edit is refused rather than acknowledged and later lost.

The lock file is opened with ``O_NOFOLLOW`` (a symlink there is refused,
never written through) and kept at mode 0600. The holder's PID is written
into it, only to name it in the error another process sees.

:class:`FolderLock` is the same kind of lock on a shared case file's folder:
``weigh sync`` holds it from reading the file to replacing it, so two syncs of
one file take turns instead of overwriting each other's merge.
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Callable
from pathlib import Path

from evidence.db_files import DbFiles, open_regular, replaced_problem
from evidence.errors import DatabaseLocked, NotAFile, StoreError, SyncBusy


def lock_path_for(db: Path) -> Path:
    """Where the lock of a database lives (:class:`DbFiles` names it)."""
    return DbFiles(db).lock


class _Flock:
    """An ``flock`` held on an open descriptor (``-1``: none), released once."""

    _fd = -1

    def release(self) -> None:
        if self._fd >= 0:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = -1


class WriterLock(_Flock):
    """A held writer lock; :meth:`release` (or process death) lets go of it."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.path = lock_path_for(db)
        self._fd = -1
        self._ident: tuple[int, int] = (0, 0)

    @classmethod
    def acquire(cls, db: Path) -> WriterLock:
        """Take the lock without waiting, or raise DatabaseLocked naming the holder."""
        held = cls(db)
        try:
            fd, st = open_regular(held.path, os.O_RDWR | os.O_CREAT, "lock file")
        except NotAFile as exc:
            raise StoreError(f"{exc}; remove it") from None
        except OSError as exc:
            raise StoreError(f"{held.path}: cannot create the lock file: {exc.strerror or exc}") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise held._locked_error() from None
            except OSError as exc:
                raise StoreError(f"{held.path}: cannot lock: {exc.strerror or exc}") from None
            if stat.S_IMODE(st.st_mode) != 0o600:
                try:
                    os.fchmod(fd, 0o600)  # an older lock file may be world-readable
                except OSError:
                    pass
        except BaseException:
            os.close(fd)
            raise
        held._fd = fd
        held._ident = (st.st_dev, st.st_ino)
        held._stamp_pid()
        return held

    def _stamp_pid(self) -> None:
        """Fixed width, one pwrite at offset 0 (the lock stays on our descriptor)."""
        stamp = f"{os.getpid():<20}\n".encode("ascii")
        try:
            os.pwrite(self._fd, stamp, 0)  # always the same width: nothing to truncate
        except OSError:
            pass  # the PID is only a courtesy for the error message

    def _locked_error(self) -> DatabaseLocked:
        return DatabaseLocked(f"{self.db} is open in {holder(self.db)}; close that weigh first "
                              "(the lock is released when it exits)")

    def verify(self) -> str | None:
        """None while the lock file's name still points at the file we locked, else why not."""
        return replaced_problem(self.path, self._ident, "its lock file")[0]

    @property
    def held(self) -> bool:
        return self._fd >= 0


def holder(db: Path) -> str:
    """Who holds the lock, in words: 'another weigh (PID 123)'."""
    pid = owner_pid(db)
    if pid == os.getpid():
        return f"this weigh itself (PID {pid})"
    return f"another weigh (PID {pid})" if pid else "another weigh"


def owner_pid(db: Path) -> int | None:
    """The PID the current holder wrote into the lock file, if it is readable."""
    try:
        fd, _ = open_regular(lock_path_for(db), os.O_RDONLY, "lock file")
    except (OSError, StoreError):
        return None
    try:
        text = os.read(fd, 64).decode("ascii").strip()
        return int(text) if text else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


class FolderLock(_Flock):
    """An exclusive ``flock`` on a folder: held by ``weigh sync`` from reading a shared case
    file to replacing it, so two syncs of one file (two databases, one clone) take turns.

    Not on the file itself: a sync replaces it by rename, so a lock on it would be on a file
    no longer named there, and a first sync has no file to lock yet. Not a lock file either:
    the folder is the user's (a git working tree), where weigh leaves nothing of its own. The
    folder is stable under the rename; one named anew while a sync waited (moved aside, cloned
    again) is opened and locked again. Syncs of other files in the folder take turns too.
    """

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self._fd = fd

    @classmethod
    def acquire(cls, folder: Path, waiting: Callable[[], None] | None = None) -> FolderLock:
        """Take the lock; if another holds it, raise SyncBusy, or with ``waiting`` call it
        once and wait for the lock (a signal, ctrl+c, ends the wait)."""
        announced = False
        while True:
            try:
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            except OSError as exc:
                raise StoreError(f"{folder}: cannot open the folder to lock it for the sync: "
                                 f"{exc.strerror or exc}") from None
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if waiting is None:
                        raise SyncBusy(f"{folder}: another weigh is syncing a case file in this "
                                       "folder; sync again when it is done") from None
                    if not announced:
                        waiting()
                        announced = True
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError as exc:
                    raise StoreError(f"{folder}: cannot lock the folder for the sync: "
                                     f"{exc.strerror or exc}") from None
                if _same_file(fd, folder):
                    return cls(folder, fd)
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the name is another folder's now: lock that one

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open on ``fd``."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)
