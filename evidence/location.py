"""Where the database lives unless the user says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

ENV_VAR = "WEIGH_DB"


def default_db_path() -> Path:
    """``WEIGH_DB`` if set, else ``weigh.json`` in the user data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return user_data_path("weigh", appauthor=False) / "weigh.json"


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Path:
    return Path(explicit).expanduser() if explicit else default_db_path()
