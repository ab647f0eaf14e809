"""A database's files, in one place: where they are, which file each is, what weigh may do.

A database is three files side by side: ``<db>``, ``<db>.journal`` and
``<db>.lock``. :class:`DbFiles` names them (a symlinked database is followed
to its target once, so all three live beside the real file), tells whether
some other path is one of them by file identity (a hard link or symlink is
the same file under another name), and says whether the store could edit
them. :func:`open_regular` is the one safe way to open any of them: never
through a symlink, never blocking on a FIFO, and only ever a regular file.
The store, the lock, the journal, recovery and the export-target check all
use these; nothing else spells the names.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from evidence.errors import NotAFile, StoreError
from evidence.location import home_expanded, typed_folder_problem

JOURNAL_SUFFIX = ".journal"
LOCK_SUFFIX = ".lock"
_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFLNK: "a symbolic link",
}


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words ("a FIFO (named pipe)")."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


class FileIdentity(NamedTuple):
    """Which file, and which version of it: a change means someone else wrote it."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    nlink: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileIdentity:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_nlink)


def identity(path: Path) -> FileIdentity:
    return FileIdentity.of(os.stat(path))


def symlink_refused(path: Path, what: str) -> StoreError:
    """The one wording for a symlink where weigh keeps one of its own files ("journal")."""
    return StoreError(f"{path}: the {what} is a symbolic link; weigh does not follow it (remove the link)")


class DbFiles(NamedTuple):
    """The database file and the journal and lock beside it."""

    db: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str]) -> DbFiles:
        """The files of the database named ``path``: absolute, a symlinked database
        followed to its target (compaction's rename replaces the real file, and its
        journal and lock live beside it)."""
        target = home_expanded(path).absolute()
        if target.is_symlink():
            try:
                target = target.resolve(strict=False)
            except (RuntimeError, OSError) as err:  # a loop: RuntimeError before 3.13
                raise NotAFile(f"{target}: is a symbolic link loop, not a weigh database; "
                               "give a file with --db") from err
        return cls(target)

    @property
    def journal(self) -> Path:
        return self.db.with_name(self.db.name + JOURNAL_SUFFIX)

    @property
    def lock(self) -> Path:
        return self.db.with_name(self.db.name + LOCK_SUFFIX)

    @property
    def all(self) -> tuple[Path, Path, Path]:
        return self.db, self.journal, self.lock

    def owner_of(self, target: Path) -> Path | None:
        """Which of these files ``target`` is (by name or by file identity: a hard link,
        a symlink), or None. A missing file is compared by its absolute path."""
        absolute = _canonical(home_expanded(target).absolute())
        try:
            st = os.stat(absolute)
            ident: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            ident = None
        for own in self.all:
            if absolute == _canonical(own):
                return own
            try:
                mine = os.stat(own)
            except OSError:
                continue
            if ident == (mine.st_dev, mine.st_ino):
                return own
        return None

    def kind_problem(self) -> str | None:
        """Why the database path cannot be a database at all (a folder, FIFO, device), or None.

        Checked before the lock is taken, so nothing is created beside such a path.
        """
        try:
            st = os.stat(self.db)
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode):
            return None
        return f"{self.db}: is {kind_of(st.st_mode)}, not a weigh database; give a file with --db"

    def editable_problem(self) -> str | None:
        """Why edits to this database could not be saved (a read-only folder or file), or None."""
        parent = self.db.parent
        if not os.access(parent, os.W_OK | os.X_OK):
            return (f"{self.db}: the folder {parent} is not writable (or its disk is read-only), "
                    "so edits could not be saved; make it writable")
        try:
            st = self.db.stat()
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode) and read_only(self.db, st):
            return (f"{self.db}: the database file is read-only, so edits could not be saved; "
                    "make it writable (chmod u+w)")
        return None


def read_only(path: Path, st: os.stat_result) -> bool:
    """Whether the file at ``path`` is read-only: no write bit for anyone (which even root,
    whom ``os.access`` lets write anything, is told), or none for us."""
    return not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)


def _canonical(path: Path) -> Path:
    """The path with its folder's symlinks resolved (the file itself left as named)."""
    return Path(os.path.realpath(path.parent)) / path.name


def open_regular(path: Path, flags: int, what: str, mode: int = 0o600) -> tuple[int, os.stat_result]:
    """A descriptor of the regular file at ``path`` and its stat, opened safely.

    Never through a symlink (refused by name), never blocking on a FIFO, and a
    directory, FIFO, device or socket is refused (NotAFile), the descriptor closed.
    FileNotFoundError and FileExistsError propagate; other OS errors too.
    """
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, mode)
    except (FileNotFoundError, FileExistsError):
        raise
    except OSError:
        if os.path.islink(path):
            raise symlink_refused(path, what) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(f"{path}: is {kind_of(st.st_mode)}, not a weigh {what}")
        if flags & (os.O_WRONLY | os.O_RDWR) == 0:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def replaced_problem(
    path: Path, ident: tuple[int, int], what: str
) -> tuple[str | None, os.stat_result | None]:
    """Why ``path`` no longer names the file (device, inode) we opened, or None and its stat.

    A second writer shows itself by deleting or replacing a file we hold open.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return f"{what} {path.name} was deleted while weigh had it open", None
    except OSError as exc:
        return f"{what} {path.name} cannot be checked ({exc.strerror or exc})", None
    if (st.st_dev, st.st_ino) != ident:
        return f"{what} {path.name} was replaced while weigh had it open", None
    return None, st


class Writing(NamedTuple):
    """What a file is written as, in the words its refusals use."""

    own_files: str  # who never writes weigh's own files: "an export never overwrites"
    only_regular: str  # a FIFO, device or socket: "weigh writes exports only to regular files"
    link_advice: str  # what to give instead of a symbolic link


EXPORT = Writing("an export never overwrites", "weigh writes exports only to regular files",
                 "give the file it points to, or -o - for standard output")
EXPORT_IN_APP = Writing(EXPORT.own_files, EXPORT.only_regular, "give the file it points to")
SYNC_FILE = Writing("weigh sync never writes", "the sync file must be a regular file",
                    "give the file it points to")


def export_target_problem(target: str | os.PathLike[str], db: DbFiles | None,
                          writing: Writing = EXPORT) -> str | None:
    """Why an export (or what ``writing`` says) must not be written to ``target``, or None.

    Never one of the database's own files, under any name, nor another weigh database
    (its signature, or a journal or lock beside it: one the workbench may have open);
    only ever a new or writable regular file: never through a symlink, into a directory,
    FIFO (nobody may be reading: the export would hang), device or socket (``-o -`` is
    standard output), nor over a read-only file (``>`` would refuse it; a rename would not).
    A path typed with a final '/' names a folder (pass it as typed: ``Path`` drops the
    '/'); a new file needs its folder to be there, and a folder.
    """
    typed = os.fspath(target)
    folder = typed_folder_problem(typed)
    if folder is not None:
        return folder
    target = Path(typed)
    if db is not None:
        own = db.owner_of(target)
        if own is not None:
            role = {db.db: "the database", db.journal: "its journal", db.lock: "its lock file"}[own]
            return (f"{target}: is {role} ({own.name}); {writing.own_files} weigh's own files; "
                    "choose another name")
    try:
        st = os.lstat(target)
    except OSError:
        return _folder_problem(target) or _database_problem(target)
    kind = stat.S_IFMT(st.st_mode)
    if kind == stat.S_IFREG and read_only(target, st):  # replaced by a rename, it would go
        return f"{target}: is read-only; weigh does not replace it (make it writable, or choose another name)"
    if kind == stat.S_IFREG:
        return _database_problem(target)
    if kind == stat.S_IFLNK:
        return (f"{target}: is a symbolic link; weigh neither writes through nor replaces links"
                f" ({writing.link_advice})")
    if stat.S_ISDIR(st.st_mode):
        return f"{target}: is a directory; give a file name"
    return f"{target}: is {kind_of(st.st_mode)}; {writing.only_regular}"


# A weigh database's _meta table (evidence/database.py: one document, naming the format
# first), wherever it sits: weigh writes it at the end, a program writing through TinyDB
# anywhere, with spaces.
_SIGNATURE = re.compile(rb'"_meta"\s*:\s*\{\s*"[^"\\]*"\s*:\s*\{\s*"format"\s*:\s*"weigh"')
_SIGNATURE_SPAN = 1 << 16  # looked for in a file's first and last 64 KiB


def _database_problem(target: Path) -> str | None:
    """Another weigh database there (or its journal or lock: being made, or open), or the
    journal or lock of one: an export over a journal lost its acknowledged edits unseen
    (the next open took the export for a torn tail)."""
    if _a_database(target):
        return f"{target} is a weigh database: choose another file"
    for suffix, what, other in ((JOURNAL_SUFFIX, "journal", LOCK_SUFFIX),
                                (LOCK_SUFFIX, "lock file", JOURNAL_SUFFIX)):
        if target.name.endswith(suffix) and len(target.name) > len(suffix):
            db = target.with_name(target.name[: -len(suffix)])
            # the database itself there, or its other companion: not a file merely so named
            if os.path.lexists(db) or os.path.lexists(db.with_name(db.name + other)):
                return f"{target} is the {what} of the weigh database {db.name}: choose another file"
    return None


def _a_database(path: Path) -> bool:
    """Whether ``path`` is a weigh database: a journal or lock beside it, or its signature."""
    beside = DbFiles(Path(path))
    return (os.path.lexists(beside.journal) or os.path.lexists(beside.lock)
            or _has_signature(Path(path)))


def _has_signature(path: Path) -> bool:
    """Whether the regular file at ``path`` holds a weigh database's _meta table near its
    start or end (one it cannot read: False)."""
    try:
        fd, st = open_regular(path, os.O_RDONLY, "file")
    except (OSError, StoreError):
        return False
    try:
        head = os.pread(fd, _SIGNATURE_SPAN, 0)
        tail = os.pread(fd, _SIGNATURE_SPAN, max(0, st.st_size - _SIGNATURE_SPAN))
    except OSError:
        return False
    finally:
        os.close(fd)
    return bool(_SIGNATURE.search(head) or _SIGNATURE.search(tail))


def _folder_problem(target: Path) -> str | None:
    """Why a new file ``target`` has no folder to go in: one on its path is missing, or
    is a file (or a FIFO…), not a folder; None when it has one (or the folder cannot be
    looked at: the write then says why)."""
    for folder in reversed(target.parents):
        try:
            st = os.stat(folder)
        except FileNotFoundError:
            return f"{target}: there is no folder {folder} to write it in"
        except OSError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            what = "a file" if stat.S_ISREG(st.st_mode) else kind_of(st.st_mode)
            return f"{target}: {folder} is {what}, not a folder"
    return None
