"""Pydantic's errors in plain words: the one place a ValidationError becomes text.

Every boundary (import files, the database file, the forms) reports a bad value
through this module, so one mistake reads the same everywhere: it names the item
and the field, and says what the field wants, never a regular expression or a
library's message.

hypotheses/README.md shows how the parts fit.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from hypotheses.models import Admiralty, AnalystId, CaseId, ItemId, OneLine, ShortText, Tag
from hypotheses.slug import ANALYST_WORDS

_KINDS = {"evidence": "evidence", "hypotheses": "hypothesis", "indicators": "indicator"}


def _pattern(annotated: object) -> str:
    """The regular expression a constrained string type of the model carries."""
    return str(next(p for m in typing.get_args(annotated)[1:] if (p := getattr(m, "pattern", None))))


#: What each constrained string type of the model wants, in words, keyed by its pattern:
#: the words follow the type wherever it is used (an item id, a case id, a tag, a group).
PATTERN_WORDS: dict[str, str] = {
    _pattern(ItemId): "use letters, digits, '.', '_' or '-' (at most 32, starting with a letter or digit)",
    _pattern(CaseId): "use lower-case letters, digits and '-' (at most 64, starting with a letter or digit)",
    _pattern(AnalystId): ANALYST_WORDS,
    _pattern(Tag): "use lower-case letters, digits and '-' (at most 40 characters)",
    _pattern(Admiralty): "use a reliability letter A–F and a credibility digit 1–6, e.g. B2",
    _pattern(OneLine): "must be a single line",
    _pattern(ShortText): "must be a single line",
}


def _shown(value: object) -> str:
    """A bad value quoted briefly: repr escapes control characters, the cut keeps it short."""
    return repr(value[:40] if isinstance(value, str) else value)[:48]


def reason(err: ErrorDetails, field: str = "", hints: Mapping[str, str] | None = None) -> str:
    """One pydantic error → what is wrong, in words; ``hints`` can say what ``field`` wants instead."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_too_short":
        return "required: must not be empty"
    if kind == "string_too_long":
        got = f" (got {len(value):,})" if isinstance(value, str) else ""
        return f"too long: at most {ctx.get('max_length')} characters{got}"
    if kind == "string_pattern_mismatch":
        hint = (hints or {}).get(field) or PATTERN_WORDS.get(
            str(ctx.get("pattern")), "not in the expected form"
        )
        if field == "tags" and isinstance(value, str):
            return f"bad tag {_shown(value)}: {hint}"
        return hint
    if kind == "too_long":
        what = "tags" if field == "tags" else "entries"
        return f"too many {what}: at most {ctx.get('max_length')}"
    if kind == "literal_error":
        return f"{_shown(value)} is not one of {ctx.get('expected')}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return f"not a number: {_shown(value)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"not true or false: {_shown(value)}"
    if kind.startswith(("date", "datetime")):
        why = str(ctx.get("error") or "use YYYY-MM-DD")
        return f"not a real date: {_shown(value)} ({why})"
    if kind in ("string_type", "string_unicode"):
        return "must be text"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be an object with named fields"
    if kind == "value_error":  # raised by the models' own checks, already in words
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return str(err["msg"]).removeprefix("Value error, ")


def _where(doc: Any, loc: Sequence[int | str]) -> tuple[str, Sequence[int | str]]:
    """('cases', '1', 'evidence', 2, 'ratings') → ("case 'x': evidence E3", ('ratings',)).

    Items are named by their id when the document at hand has one, else by position;
    cases in a database file are named by their id.
    """
    labels: list[str] = []
    node = doc
    while len(loc) >= 2:
        head, key = loc[0], loc[1]
        container = node.get(head) if isinstance(node, Mapping) else None
        if head == "cases" and isinstance(container, Mapping):
            node = container.get(str(key))
            cid = node.get("id") if isinstance(node, Mapping) else None
            labels.append(f"case {cid[:64]!r}" if isinstance(cid, str) else f"cases.{key}")
        elif head in _KINDS and isinstance(key, int):
            node = container[key] if isinstance(container, list) and key < len(container) else None
            iid = node.get("id") if isinstance(node, Mapping) else None
            labels.append(f"{_KINDS[str(head)]} {iid[:40]}" if isinstance(iid, str)
                          else f"{_KINDS[str(head)]} #{key + 1}")
        else:
            break
        loc = loc[2:]
    return ": ".join(labels), loc


def describe(exc: ValidationError, doc: Any = None, limit: int = 3) -> str:
    """The first few problems of a whole document, each as 'item: field: reason'."""
    errors = exc.errors(include_url=False)
    parts: list[str] = []
    for err in errors[:limit]:
        label, rest = _where(doc, err["loc"])
        field = ".".join(str(p) for p in rest)
        why = reason(err, next((p for p in rest if isinstance(p, str)), ""))
        where = ": ".join(p for p in (label, field) if p)
        parts.append(f"{where}: {why}" if where else why)
    more = len(errors) - limit
    if more > 0:
        parts.append(f"and {more} more problem{'s' if more > 1 else ''}")
    return "; ".join(parts)


def field_errors(
    exc: ValidationError, fields: Iterable[str] = (), hints: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Field → first reason, for a form (or a file format) that reports beside each field.

    Keys are top-level fields, or 'notes.<hid>' / 'ratings.<hid>' when ``fields``
    names such a key; an error on a field not in ``fields`` keeps its top-level
    name, so a form can still report it in its summary line. ``hints`` overrides
    what a pattern mismatch says for a field.
    """
    known = set(fields)
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if not loc:
            out.setdefault("", reason(err))
            continue
        key = str(loc[0])
        if key in ("notes", "ratings") and len(loc) > 1 and f"{key}.{loc[1]}" in known:
            key = f"{key}.{loc[1]}"
        out.setdefault(key, reason(err, str(loc[0]), hints))
    return out
