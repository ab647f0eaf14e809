"""Durable file writing: the one atomic replacement every writer here uses.

A file is only ever replaced whole: a temp file is created exclusively beside
it, filled, fsynced, renamed over the target, and the directory fsynced, so a
crash leaves either the old bytes or the new ones, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

TEMP_SUFFIX = ".tmp"


class FolderNotSynced(OSError):
    """The new file is in place, but its folder could not be synced (one the writer may
    write to but not read, say): the new name may not survive a crash."""


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is out; a write that makes no progress is an I/O error."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(5, "write made no progress")
        view = view[written:]


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (POSIX needs the directory synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_prefix(path: Path) -> str:
    """How the temp files of ``path`` start (so a writer can sweep its own leftovers)."""
    return f".{path.name}."


def atomic_write(path: Path, data: bytes | Iterable[bytes], mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably, with ``mode`` whatever the umask.

    ``data`` may come in pieces (any iterable of bytes), written one after
    another as they come: a large file need never exist whole in memory.

    The temp file is made by ``tempfile.mkstemp`` (O_CREAT|O_EXCL|O_NOFOLLOW, a
    fresh name) in the target's folder, so the rename never crosses a file
    system and never writes through a planted symlink. On any error the temp
    file is removed and the OSError propagates; the target is untouched, unless
    the error is :class:`FolderNotSynced`: then it holds ``data``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        try:
            os.fchmod(fd, mode)
            for piece in [data] if isinstance(data, bytes) else data:
                write_all(fd, piece)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        fsync_dir(path.parent)
    except OSError as exc:
        raise FolderNotSynced(exc.errno, exc.strerror) from exc


def remove_stale_temps(path: Path) -> None:
    """Remove temp files an interrupted :func:`atomic_write` of ``path`` left behind.

    Only the holder of the path's writer lock may call this: another writer's
    temp file would otherwise vanish under it.
    """
    prefix = temp_prefix(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents mode 0700, whatever the umask (they hold case data)."""
    missing: list[Path] = []
    current = Path(folder)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it first: not ours to change
        os.chmod(path, 0o700)
