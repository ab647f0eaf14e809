"""Which case was open last, per database, and how each case was looked at (model, sort,
focused cell): a tiny JSON file in the user state dir.

A missing or damaged state file only means "start on the default case": it is
a convenience, never a reason to fail.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import NamedTuple, TypeGuard

from platformdirs import user_documents_path, user_state_path

from evidence.fsio import atomic_write, make_private_dirs
from evidence.location import home_expanded

MAX_BYTES = 1 << 20  # a few lines per database; a larger file is not ours


def default_state_file() -> Path:
    return user_state_path("weigh", appauthor=False) / "state.json"


def _key(db_path: Path) -> str:
    return str(home_expanded(db_path).absolute())


def _read(state_file: Path) -> dict[str, object]:
    """The state, or {}: only a regular file is read (a FIFO there must not hang the start)."""
    try:
        fd = os.open(state_file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return {}
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return {}
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(MAX_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_BYTES else None
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(fd)
    return data if isinstance(data, dict) else {}


def last_case(state_file: Path, db_path: Path) -> str | None:
    """The case id last opened on this database, if one was recorded."""
    cases = _read(state_file).get("last_case")
    if isinstance(cases, dict):
        value = cases.get(_key(db_path))
        if isinstance(value, str):
            return value
    return None


def remember_case(state_file: Path, db_path: Path, case_id: str) -> None:
    """Record the open case (atomic replace; errors are ignored: it is a nicety)."""
    data = _read(state_file)
    cases = data.get("last_case")
    if not isinstance(cases, dict):
        cases = {}
    if cases.get(_key(db_path)) == case_id:
        return  # already recorded: no write (and no fsync) on every start
    cases[_key(db_path)] = case_id
    data["last_case"] = cases
    _write(state_file, data)


class SavedView(NamedTuple):
    """How a case was last looked at: names as the registries spell them, and the focused
    cell's item and hypothesis ids (the reader checks them against what exists now)."""

    model: str
    sort: str
    item: str | None = None
    hypothesis: str | None = None


def saved_view(state_file: Path, db_path: Path, case_id: str) -> SavedView | None:
    """How ``case_id`` on this database was last left, if recorded and well formed."""
    views = _read(state_file).get("views")
    cases = views.get(_key(db_path)) if isinstance(views, dict) else None
    entry = cases.get(case_id) if isinstance(cases, dict) else None
    if not isinstance(entry, dict):
        return None
    model, sort, item, hyp = (entry.get(k) for k in ("model", "sort", "item", "hypothesis"))
    if not (isinstance(model, str) and isinstance(sort, str)):
        return None
    return SavedView(model, sort, item if isinstance(item, str) else None,
                     hyp if isinstance(hyp, str) else None)


def remember_view(state_file: Path, db_path: Path, case_id: str, view: SavedView) -> None:
    """Record how the case is left, to show it so again (errors ignored: a nicety)."""
    data = _read(state_file)
    views = data.get("views")
    if not isinstance(views, dict):
        views = {}
    cases = views.get(_key(db_path))
    if not isinstance(cases, dict):
        cases = {}
    entry = {"model": view.model, "sort": view.sort, "item": view.item,
             "hypothesis": view.hypothesis}
    if cases.get(case_id) == entry:
        return  # as recorded: no write
    cases[case_id] = entry
    views[_key(db_path)] = cases
    data["views"] = views
    _write(state_file, data)


def last_export_folder(state_file: Path) -> Path | None:
    """The folder the last export went to, if it still is a folder."""
    value = _read(state_file).get("export_folder")
    return Path(value) if _a_folder(value) else None


def _a_folder(value: object) -> TypeGuard[str]:
    """Whether a remembered value names a folder that is there (a name too long for the
    system, which ``Path.is_dir`` raises on, is none)."""
    if not isinstance(value, str):
        return False
    try:
        return Path(value).is_dir()
    except OSError:
        return False


def export_folder(state_file: Path) -> Path:
    """The folder the export dialog offers: the last export's, else the last import's (the
    user keeps case files there), else the documents folder, else home. Not the current
    folder: weigh starts from wherever the shell stood (a source checkout, /, the folder
    a server ran in), and a report dropped there is hard to find again."""
    data = _read(state_file)
    for key in ("export_folder", "import_folder"):
        value = data.get(key)
        if _a_folder(value):
            return Path(value)
    try:
        documents = user_documents_path()
        return documents if documents.is_dir() else Path.home()
    except (OSError, RuntimeError):  # no home directory to be found
        return Path.cwd()


def remember_import_folder(state_file: Path, folder: Path) -> None:
    """The first export goes where the case files come from (errors ignored)."""
    data = _read(state_file)
    data["import_folder"] = str(Path(folder).absolute())
    _write(state_file, data)


def remember_export_folder(state_file: Path, folder: Path) -> None:
    """Offer this folder in the export dialog next time (errors ignored)."""
    data = _read(state_file)
    data["export_folder"] = str(Path(folder).absolute())
    _write(state_file, data)


def _write(state_file: Path, data: dict[str, object]) -> None:
    try:
        make_private_dirs(state_file.parent)
        atomic_write(state_file, json.dumps(data, indent=1).encode("utf-8"))
    except OSError:
        pass
