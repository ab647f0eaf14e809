"""The one way a title becomes an id: `Café crème` → `cafe-creme`, whatever the file format."""

from __future__ import annotations

import re
import unicodedata

_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 64) -> str:
    """Lower-case ASCII letters, digits and single '-', at most ``limit`` long; '' when nothing is left.

    Accents are taken off (NFKD, then the marks dropped) and case is folded, so
    'Straße' → 'strasse'; what has no ASCII form is left out. The result fits a
    case id (64) or, with ``limit=40``, a tag.
    """
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")
    return _NOT_ID.sub("-", folded).strip("-")[:limit].rstrip("-")
