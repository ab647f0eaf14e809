"""The one way a title becomes an id: `Café crème` → `cafe-creme`, whatever the file format."""

from __future__ import annotations

import re
import unicodedata

_NOT_ID = re.compile(r"[^a-z0-9]+")
# An analyst of a team case: a lower-case slug of at most 32 (here, not in the models, so
# the CLI checks --analyst without loading pydantic).
ANALYST_PATTERN = r"^[a-z0-9][a-z0-9\-]{0,31}$"
ANALYST_WORDS = "use lower-case letters, digits and '-' (at most 32, starting with a letter or digit)"
_ANALYST = re.compile(ANALYST_PATTERN)
TEAM = "team"  # the lens that shows a team case's consensus (not an analyst's votes)
# Names weigh gives no new analyst (a file may still list one: its lens is '@team').
RESERVED_ANALYSTS = frozenset({TEAM})


# A case id (the models' CaseId), here for the same reason: the CLI checks --case.
CASE_ID_LIMIT = 64
CASE_ID_PATTERN = rf"^[a-z0-9][a-z0-9\-]{{0,{CASE_ID_LIMIT - 1}}}$"
CASE_ID_WORDS = (f"use lower-case letters, digits and '-' (at most {CASE_ID_LIMIT}, starting with a "
                 "letter or digit)")
_CASE_ID = re.compile(CASE_ID_PATTERN)


def is_case_id(text: str) -> bool:
    """Whether ``text`` is a case id as it stands."""
    return _CASE_ID.fullmatch(text) is not None


def is_analyst_id(text: str) -> bool:
    """Whether ``text`` is an analyst id as it stands."""
    return _ANALYST.fullmatch(text) is not None


def not_an_id(text: str, what: str, words: str, limit: int) -> str:
    """Why ``text`` is not ``what`` ('a case id'), quoting it as typed; one longer than
    ``limit`` is cut with '…' and its length said, so the quote never reads as a valid id."""
    if len(text) <= limit:
        return f"{text!r} is not {what}: {words}"
    return f"{text[:limit]!r}… ({len(text):,} characters) is not {what}: {words}"


def slug(text: str, limit: int = 64) -> str:
    """Lower-case ASCII letters, digits and single '-', at most ``limit`` long; '' when nothing is left.

    Accents are taken off (NFKD, then the marks dropped) and case is folded, so
    'Straße' → 'strasse'; what has no ASCII form is left out. The result fits a
    case id (64) or, with ``limit=40``, a tag.
    """
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")
    return _NOT_ID.sub("-", folded).strip("-")[:limit].rstrip("-")


#: How long a case id made from a title or a file's name runs (whole words): the id is typed
#: with --case and shown beside the title on the top line; a 64-letter one took the line.
CASE_ID_FROM = 32


def case_id_from(text: str) -> str:
    """The case id a title (or a file's name) gives: its :func:`slug` cut after the last whole
    word within :data:`CASE_ID_FROM` letters ('why-the-harlow-plant-s-spring'), or at it where
    the first word alone is longer; '' when nothing is left."""
    made = slug(text)
    if len(made) <= CASE_ID_FROM:
        return made
    end = made.rfind("-", 0, CASE_ID_FROM + 1)
    return made[:end] if end > 0 else made[:CASE_ID_FROM].rstrip("-")


#: What a new element's id starts with, per list of a case (``<prefix><n>``).
ID_PREFIX = {"hypotheses": "H", "evidence": "E", "indicators": "M"}


def next_id(prefix: str, taken: list[str]) -> str:
    """The next free ``<prefix><n>`` after the highest number in use."""
    highest = 0
    for item_id in taken:
        m = re.fullmatch(rf"{re.escape(prefix)}(\d+)", item_id)
        if m:
            highest = max(highest, int(m.group(1)))
    n = highest + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
