"""The words of a case: ratings, levels, kinds and the lists a case holds.

Plain constants with no pydantic, so that what only names them (the workbench's
shell, the scoring, the command line) loads without the models that validate them
(:mod:`hypotheses.models`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from typing import Literal

Rating = Literal["CC", "C", "N", "I", "II", "NA"]
Level = Literal["low", "medium", "high"]
Kind = Literal["fact", "report", "claim", "assumption", "absence"]
IndicatorStatus = Literal["watching", "observed", "lapsed"]

RATINGS: tuple[Rating, ...] = ("CC", "C", "N", "I", "II", "NA")
LEVELS: tuple[Level, ...] = ("low", "medium", "high")
KINDS: tuple[Kind, ...] = ("fact", "report", "claim", "assumption", "absence")
RATING_NAMES: dict[str, str] = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "I": "inconsistent",
    "II": "very inconsistent",
    "NA": "not applicable",
}

#: A case's lists of elements, in the order a case file writes them.
CASE_LISTS: tuple[str, ...] = ("hypotheses", "evidence", "indicators")

_PLURALS = {"hypothesis": "hypotheses", "evidence": "evidence", "more hypothesis": "more hypotheses"}


def counted(n: int, word: str) -> str:
    """``n`` and the word in the number it takes: '1 hypothesis', '2 hypotheses', '1 row'."""
    return f"{n} {in_number(n, word)}"


def listed(n: int, word: str, where: str) -> str:
    """The count of a list shown with it: '1 conflict, listed above', '3 conflicts, each listed
    below' (a message's one way to say it, wherever the list is)."""
    return f"{counted(n, word)}, {'each ' if n > 1 else ''}listed {where}"


def first_few(names: Sequence[str], shown: int, sep: str = ", ") -> str:
    """The first ``shown`` names and how many more: 'E1, E2, E3 and 1,204 more' (a line
    that names them all can run to thousands)."""
    more = len(names) - shown
    return sep.join(names[:shown]) + (f" and {more:,} more" if more > 0 else "")


def in_number(n: int, word: str) -> str:
    """The word in the number ``n`` takes, without it: 'group' for one, 'groups' for more."""
    return word if n == 1 else _PLURALS.get(word, word + "s")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def why_no_day(text: str, form: str = "use YYYY-MM-DD") -> str:
    """Why ``text`` is no date: the day, month or year it names that does not exist ('June
    2025 has 30 days'), else ``form`` (how to write one). Here, free of pydantic, so the
    command line's --as-of and the forms say the same."""
    found = _ISO_DAY.match(text)
    if found is None:
        return form
    year, month, day = map(int, found.groups())
    if year == 0:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if not day:  # not 'June 2025 has 30 days', which says nothing of a day 0
        return "there is no day 0"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{_MONTHS[month - 1]} {year} has {days} days"
    return form
