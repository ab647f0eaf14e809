"""The case weigh ships with, and opening a database that starts with it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.fsio import make_private_dirs
from evidence.store import Store

if TYPE_CHECKING:
    from hypotheses.models import Case

DEFAULT_CASE_ID = "istanbul-2022"


def default_case() -> Case:
    # imported here: only a new database needs the case-file parser (start-up time)
    from evidence.case_file import parse_case_file

    data = resources.files("evidence").joinpath("default_case.json").read_bytes()
    return parse_case_file(data, "default case")


def open_store(path: Path, *, readonly: bool = False, seed: bool = True) -> Store:
    """Open a database; for writing, a missing one is created and, with ``seed`` (the
    workbench), seeded with the default case. ``weigh import`` and ``weigh sync`` create it
    empty: the case they bring is the one asked for, and a bundled one of the same id
    would only stand in its way.

    Reading never creates anything: a missing database (or folder) is an error.
    """
    if not readonly and not path.exists():
        make_private_dirs(path.parent)
    store = Store.open(path, readonly=readonly)
    # A database that never held a case (new, or a crash came before seeding)
    # gets the default case; one whose cases were deleted keeps its history.
    if seed and not store.readonly and not store.case_ids() and not store.has_history():
        try:
            store.put_case(default_case())
        except BaseException:
            store.close()
            raise
    return store
