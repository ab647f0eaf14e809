"""Where the database lives unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from evidence.errors import WeighError

ENV_VAR = "WEIGH_DB"


def home_expanded(path: str | os.PathLike[str]) -> Path:
    """``~`` and ``~user`` expanded as a shell does: an unknown user's ``~name`` is kept as
    typed (``Path.expanduser`` raised, and the command ended in a traceback)."""
    return Path(os.path.expanduser(os.fspath(path)))


def typed_folder_problem(typed: str) -> str | None:
    """Why a path as typed names a folder, not a file (a final '/', or '.'), or None: checked
    on the text, since a ``Path`` drops the '/' and would name the file beside it."""
    if os.path.basename(typed) == "":
        return f"{typed}: ends in '/', so it names a folder, not a file; give a file name"
    if os.path.basename(typed) == ".":
        return f"{typed}: names a folder, not a file; give a file name"
    return None


def empty_path(label: str) -> WeighError:
    """The one refusal of an empty path (``--db ''``, ``-o ''``): never taken as a default."""
    return WeighError(f"{label}: the path is empty")


def default_db_path() -> Path:
    """``WEIGH_DB`` if set, else ``weigh.json`` in the user data directory.

    A ``WEIGH_DB`` set but empty is refused: a script whose variable came out empty
    must not quietly edit the user's own database.
    """
    env = os.environ.get(ENV_VAR)
    if env == "":
        raise empty_path(ENV_VAR)
    if env:
        return _a_file(env, ENV_VAR)
    return user_data_path("weigh", appauthor=False) / "weigh.json"


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Path:
    """The database ``--db`` names (an empty one refused), else the default."""
    if explicit is None:
        return default_db_path()
    if not os.fspath(explicit):
        raise empty_path("--db")
    return _a_file(explicit, "--db")


def _a_file(typed: str | os.PathLike[str], label: str) -> Path:
    """The database path as typed, refused when it names a folder ('weigh.json/': a ``Path``
    would drop the '/' and make the file)."""
    folder = typed_folder_problem(os.fspath(typed))
    if folder is not None:
        raise WeighError(f"{label}: {folder}")
    return home_expanded(typed)
