"""Starting fresh after a damaged database, without ever losing the damaged one.

weigh never overwrites or deletes a file it cannot read. When the user asks
to start fresh, :func:`set_aside` renames the database and its journal to
``<name>.broken-<UTC timestamp>`` (and ``….journal``) next to it, so they can
be sent in or repaired by hand, and the next open creates a new database.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from evidence.db_files import DbFiles, kind_of
from evidence.errors import StoreError
from evidence.fsio import fsync_dir
from evidence.location import home_expanded
from evidence.lock import WriterLock


def rescued_copies(path: Path) -> list[Path]:
    """The files a refused write rescued the edits to, beside the database (the store's
    ``<name>.rescued-<UTC timestamp>``), oldest first: named again whenever the database
    cannot be opened, so no fresh start hides them."""
    db = DbFiles(home_expanded(path).absolute()).db
    try:
        return sorted(Path(p) for p in glob.glob(f"{glob.escape(str(db))}.rescued-*"))
    except OSError:
        return []


def set_aside(path: Path) -> Path:
    """Move a damaged database (and journal) aside; returns where the database went.

    Holds the writer lock while moving (a database another weigh has open is
    refused with DatabaseLocked), never replaces an existing file, never deletes.
    """
    files = DbFiles(home_expanded(path).absolute())
    path, journal = files.db, files.journal
    if not os.path.lexists(path) and not os.path.lexists(journal):
        raise StoreError(f"{path}: no database or journal there to set aside")
    for own in (path, journal):
        st = os.lstat(own) if os.path.lexists(own) else None
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{own}: is {kind_of(st.st_mode)}; weigh sets aside only its own "
                             "regular files, never renames anything else")
    lock = WriterLock.acquire(path)
    try:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for n in range(1000):
            name = f"{path.name}.broken-{stamp}" + (f"-{n}" if n else "")
            target = path.with_name(name)
            target_journal = DbFiles(target).journal
            if not os.path.lexists(target) and not os.path.lexists(target_journal):
                break
        else:
            raise StoreError(f"{path}: too many broken copies beside it already; move some away")
        # The database first: a crash between the two moves leaves "journal
        # without database", which the next open reports instead of ignoring.
        if os.path.lexists(path):
            _move_no_replace(path, target)
        if os.path.lexists(journal):
            _move_no_replace(journal, target_journal)
        try:
            fsync_dir(path.parent)
        except OSError:
            pass  # the renames are done; durability of the names is best effort here
    finally:
        lock.release()
    return target


def _move_no_replace(src: Path, dst: Path) -> None:
    """Rename src to dst, failing rather than replacing anything at dst."""
    try:
        try:
            os.link(src, dst, follow_symlinks=False)  # fails if dst exists
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EOPNOTSUPP):
                raise
            if os.path.lexists(dst):  # filesystem without hard links
                raise FileExistsError(errno.EEXIST, "exists", str(dst)) from None
            os.rename(src, dst)
            return
        os.unlink(src)
    except OSError as exc:
        raise StoreError(f"{src}: cannot move it aside to {dst.name}: {exc.strerror or exc}") from None
