"""Who weigh acts as: the analyst whose votes and notes an edit writes, and whom the
journal and audit trail name.

``--analyst ID`` (the CLI puts it in ``WEIGH_ANALYST`` for the process and its
children), else ``WEIGH_ANALYST``, else the login name made a slug.
"""

from __future__ import annotations

import getpass
import os

from evidence.errors import WeighError
from hypotheses.slug import ANALYST_WORDS, RESERVED_ANALYSTS, is_analyst_id, not_an_id, slug

ENV = "WEIGH_ANALYST"


class NoAnalyst(WeighError):
    """Neither --analyst, WEIGH_ANALYST nor a login name says who weigh acts as."""
_LIMIT = 32  # an analyst id's length


def checked_analyst(text: str, where: str) -> str:
    """``text`` if it is an analyst id, else a WeighError naming ``where`` it came from."""
    if text in RESERVED_ANALYSTS:
        raise WeighError(f"{where}: {text!r} is reserved: it names the team's lens (the consensus); "
                         "choose another analyst id")
    if is_analyst_id(text):
        return text
    raise WeighError(f"{where}: {not_an_id(text, 'an analyst id', ANALYST_WORDS, _LIMIT)}")


def login_name() -> str:
    """The user's login name ('' when the system has none for this process)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def named_by_user() -> bool:
    """Whether --analyst or WEIGH_ANALYST names the analyst in this process (else the login
    name does, which the user may not know is what their ratings are filed under)."""
    return bool(os.environ.get(ENV))


def current_analyst(explicit: str | None = None) -> str:
    """The analyst weigh acts as (see the module docstring); a WeighError when the id given
    is not one, or no login name makes one."""
    if explicit is not None:
        return checked_analyst(explicit, "--analyst")
    named = os.environ.get(ENV)
    if named:
        return checked_analyst(named, ENV)
    login = login_name()
    made = slug(login, limit=_LIMIT)
    if not made:
        raise NoAnalyst(
            f"no analyst id can be made from the login name {login[:40]!r}; "
            f"give --analyst ID or set {ENV}"
        )
    if made in RESERVED_ANALYSTS:
        raise NoAnalyst(f"the login name {login[:40]!r} makes {made!r}, which is reserved: it names "
                        f"the team's lens; give --analyst ID or set {ENV}")
    return made
