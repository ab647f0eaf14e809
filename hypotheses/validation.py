"""Turn pydantic's errors into one-line messages that name the item and field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError


_KINDS = {"evidence": "evidence", "hypotheses": "hypothesis", "indicators": "indicator"}


def _item_label(doc: Any, loc: Sequence[int | str]) -> tuple[str, Sequence[int | str]]:
    """('evidence', 2, 'ratings') → ('evidence E3', ('ratings',)) when the id is known."""
    if len(loc) >= 2 and loc[0] in _KINDS and isinstance(loc[1], int):
        kind = _KINDS[str(loc[0])]
        label = f"{kind} #{loc[1] + 1}"
        items = doc.get(loc[0]) if isinstance(doc, Mapping) else None
        if isinstance(items, list) and loc[1] < len(items):
            item = items[loc[1]]
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                label = f"{kind} {item['id'][:40]}"
        return label, loc[2:]
    return "", loc


def describe(exc: ValidationError, doc: Any = None, limit: int = 3) -> str:
    """The first few problems, each as 'item: field: reason'."""
    parts: list[str] = []
    for err in exc.errors(include_url=False)[:limit]:
        label, rest = _item_label(doc, err["loc"])
        field = ".".join(str(p) for p in rest)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        where = ": ".join(p for p in (label, field) if p)
        parts.append(f"{where}: {msg}" if where else msg)
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more problem{'s' if more > 1 else ''}")
    return "; ".join(parts)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Field name → first reason: for forms that show a message beside each field."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        key = str(err["loc"][0]) if err["loc"] else ""
        out.setdefault(key, str(err["msg"]).removeprefix("Value error, "))
    return out
