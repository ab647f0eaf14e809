"""Writing a case out: summaries, the case file and PARC's format, to bytes or a file."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from evidence import formats
from evidence.db_files import DbFiles, export_target_problem
from evidence.errors import WeighError
from evidence.fsio import atomic_write, write_all
from hypotheses.models import Case
from hypotheses.report import ReportOptions
from hypotheses.scoring_models import DEFAULT_MODEL
from hypotheses.slug import TEAM
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
    lens: str = TEAM,
) -> bytes:
    """``case`` in the registered format ``fmt`` (a team case as ``lens`` shows it)."""
    opts = ReportOptions(model=model, as_of=as_of, history=history, today=today, lens=lens)
    return formats.export_bytes(case, fmt, opts)


def write_file(path: Path, data: bytes, db: DbFiles | None = None, *, streams: bool = True) -> Path:
    """Write an export to ``path`` without ever writing through or replacing anything but a file.

    Refused first (:func:`export_target_problem`): the database's own files under
    any name, a symbolic link, directory, block device or socket, and unless
    ``streams`` a FIFO or character device. A new or regular file is replaced
    atomically (a failed export never leaves half a file; a new one is private,
    0600; a replaced one keeps its permissions). A character device or FIFO is
    written into, as a shell's ``>`` would.
    """
    path = Path(path).expanduser()
    problem = export_target_problem(path, db, streams=streams)
    if problem is not None:
        raise WeighError(problem)
    try:
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            atomic_write(path, data, mode=EXPORT_MODE)
            return path
        if stat.S_ISREG(st.st_mode):
            atomic_write(path, data, mode=stat.S_IMODE(st.st_mode) & 0o777)
        else:
            _write_into(path, data)
    except OSError as exc:
        raise WeighError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path


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
    db: DbFiles | None = None,
    lens: str = TEAM,
) -> Path:
    """Export from the workbench: never onto ``db``'s files, never into a FIFO or device."""
    data = export_bytes(case, fmt, model=model, as_of=as_of, history=history, lens=lens)
    return write_file(path, data, db, streams=False)
