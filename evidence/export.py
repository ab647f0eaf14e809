"""Writing a case out: summaries, the case file and PARC's format, to bytes or a file."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from evidence import formats
from evidence.errors import WeighError
from evidence.fsio import atomic_write, write_all
from hypotheses.models import Case
from hypotheses.report import ReportOptions
from hypotheses.scoring_models import DEFAULT_MODEL
from hypotheses.visible import for_terminal

EXPORT_MODE = 0o600  # private to you, like the database, whatever the umask


def export_bytes(
    case: Case,
    fmt: str,
    *,
    model: str = DEFAULT_MODEL,
    as_of: date | None = None,
    history: list[str] | None = None,
    today: date | None = None,
) -> bytes:
    """``case`` in the registered format ``fmt``."""
    opts = ReportOptions(model=model, as_of=as_of, history=history, today=today)
    return formats.export_bytes(case, fmt, opts)


def write_file(path: Path, data: bytes) -> Path:
    """Write an export to ``path`` without ever writing through or replacing anything but a file.

    A new or regular file is replaced atomically (a failed export never leaves
    half a file; a new one is private, 0600; a replaced one keeps its
    permissions). A character device or FIFO is written into, as a shell's
    ``>`` would. A symbolic link, directory, block device or socket is refused.
    """
    path = Path(path).expanduser()
    try:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            atomic_write(path, data, mode=EXPORT_MODE)
            return path
        kind = stat.S_IFMT(st.st_mode)
        if kind == stat.S_IFREG:
            atomic_write(path, data, mode=stat.S_IMODE(st.st_mode) & 0o777)
        elif kind in (stat.S_IFCHR, stat.S_IFIFO):
            _write_into(path, data)
        else:
            raise WeighError(f"{path}: {_REFUSED.get(kind, 'is not a regular file')}")
    except OSError as exc:
        raise WeighError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path


_REFUSED = {
    stat.S_IFLNK: "is a symbolic link; weigh neither writes through nor replaces links"
    " (give the file it points to, or -o - for standard output)",
    stat.S_IFDIR: "is a directory; give a file name",
    stat.S_IFBLK: "is a block device; weigh writes exports only to files, character devices and FIFOs",
    stat.S_IFSOCK: "is a socket; weigh writes exports only to files, character devices and FIFOs",
}


def _write_into(path: Path, data: bytes) -> None:
    """Write into a device or FIFO in place (opened without following a link swapped in)."""
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind not in (stat.S_IFCHR, stat.S_IFIFO):
            raise WeighError(f"{path}: changed while it was being opened; nothing was written")
        if os.isatty(fd):  # any terminal, not only standard output: shown, never obeyed
            try:
                data = for_terminal(data)
            except ValueError:
                raise WeighError(
                    f"{path}: is a terminal; weigh writes a binary file only to a file"
                ) from None
        write_all(fd, data)
    finally:
        os.close(fd)


def write_export(
    case: Case,
    fmt: str,
    path: Path,
    *,
    model: str = DEFAULT_MODEL,
    as_of: date | None = None,
    history: list[str] | None = None,
) -> Path:
    return write_file(path, export_bytes(case, fmt, model=model, as_of=as_of, history=history))
