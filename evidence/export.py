"""Writing a case out: summaries, the case file and PARC's format, to bytes or a file."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from evidence import formats
from evidence.db_files import EXPORT, EXPORT_IN_APP, DbFiles, Writing, export_target_problem
from evidence.errors import WeighError
from evidence.fsio import FolderNotSynced, atomic_write
from hypotheses.report import ReportOptions
from hypotheses.scoring_models import DEFAULT_MODEL
from hypotheses.slug import TEAM

if TYPE_CHECKING:
    from hypotheses.models import Case

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


def write_file(path: str | os.PathLike[str], data: bytes, db: DbFiles | None = None,
               writing: Writing = EXPORT) -> Path:
    """Write an export to ``path``, only ever as a new or replaced regular file.

    Refused first (:func:`export_target_problem`): the database's own files under
    any name and anything not a regular file. The file is replaced atomically (a
    failed export never leaves half a file; a new one is private, 0600; a
    replaced one keeps its permissions), so the target is never opened: a FIFO
    or device swapped in after the check is replaced, never written into.
    """
    typed = os.path.expanduser(path)  # a final '/' kept: it names a folder
    problem = export_target_problem(typed, db, writing)  # in the words of who writes it
    path = Path(typed)
    if problem is not None:
        raise WeighError(problem)
    try:
        try:
            mode = stat.S_IMODE(os.lstat(path).st_mode) & 0o777
        except FileNotFoundError:
            mode = EXPORT_MODE
        atomic_write(path, data, mode=mode)
    except FolderNotSynced as exc:
        raise WeighError(f"{path}: written, but its folder cannot be synced ({exc.strerror or exc}), "
                         "so the file may be lost if the machine crashes now") from None
    except OSError as exc:
        raise WeighError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path


def write_export(
    case: Case,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    model: str = DEFAULT_MODEL,
    as_of: date | None = None,
    history: list[str] | None = None,
    db: DbFiles | None = None,
    lens: str = TEAM,
) -> Path:
    """Export from the workbench: never onto ``db``'s files, only to a regular file."""
    data = export_bytes(case, fmt, model=model, as_of=as_of, history=history, lens=lens)
    return write_file(path, data, db, EXPORT_IN_APP)
