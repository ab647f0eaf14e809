"""The blocking half of start-up: open the database and build the first analysis.

The app runs :func:`open_workbench` in a worker thread while the workbench's
shell is already on screen, then fills the shell from what it returns. Nothing
here touches a widget, so it runs off the event loop and is tested without one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from evidence.errors import (
    CorruptDatabase,
    DatabaseLocked,
    NotWeighs,
    ReadOnlyStore,
    StoreError,
    WeighError,
)
from evidence.lock import holder
from tui.state_file import export_folder, last_case

if TYPE_CHECKING:
    from evidence.store import Store
    from tui.edit_session import EditSession


class Opened(NamedTuple):
    """What start-up found: a session on the case to show, or why the database would not open."""

    session: EditSession | None
    export_folder: Path | None = None
    error: str | None = None
    damaged: bool = False  # the file is damaged (the error screen offers to set it aside)
    rescued: tuple[Path, ...] = ()  # edits rescued beside the database earlier (the error screen names them)


def open_workbench(db_path: Path, state_file: Path) -> Opened:
    """Open (or create and seed) the database and score the case last shown on it."""
    from evidence.seed import DEFAULT_CASE_ID
    from tui.edit_session import EditSession

    try:
        store = open_for_editing(db_path)
    except StoreError as exc:
        from evidence.recovery import rescued_copies

        damaged = isinstance(exc, CorruptDatabase) and not isinstance(exc, NotWeighs)
        return Opened(None, error=str(exc), damaged=damaged, rescued=tuple(rescued_copies(db_path)))
    except WeighError as exc:  # e.g. the bundled case failed to load
        return Opened(None, error=str(exc))
    wanted = last_case(state_file, db_path)
    ids = store.case_ids()
    if wanted not in ids:
        wanted = DEFAULT_CASE_ID if DEFAULT_CASE_ID in ids else (ids[0] if ids else None)
    session = EditSession(store, state_file)
    try:
        session.open(wanted)
    except BaseException:
        store.close()
        raise
    return Opened(session, export_folder(state_file))


def open_for_editing(db_path: Path) -> Store:
    """For editing; if another weigh is editing it (a second window or browser tab of
    ``weigh serve``) or edits could not be saved (a read-only file, folder or disk),
    read-only, with the reason the workbench shows on top."""
    from evidence.seed import open_store
    from evidence.store import Store

    try:
        return open_store(db_path)
    except DatabaseLocked:
        store = Store.open(db_path, readonly=True)
        store.readonly_reason = (
            f"{holder(store.path)} is editing this database, so changes made here could not be "
            "saved; you see it as it was when this window opened. Close the other weigh and "
            "start weigh again to edit."
        )
    except ReadOnlyStore as cannot_save:  # a read-only file, folder or disk; a hard link
        if not db_path.exists():
            raise  # nothing to read either: no database there yet
        store = Store.open(db_path, readonly=True)  # a damaged file says so
        store.readonly_reason = f"{cannot_save} and start weigh again to edit."
    return store
