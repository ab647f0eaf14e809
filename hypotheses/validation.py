"""Pydantic's errors in plain words: the one place a ValidationError becomes text.

Every boundary (import files, the database file, the forms) reports a bad value
through this module, so one mistake reads the same everywhere: it names the item
and the field, and says what the field wants, never a regular expression or a
library's message.

hypotheses/README.md shows how the parts fit.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from hypotheses.models import Admiralty, AnalystId, CaseId, ItemId, OneLine, ShortText, Tag
from hypotheses.slug import ANALYST_WORDS, CASE_ID_WORDS
from hypotheses.vocabulary import why_no_day

_KINDS = {"evidence": "evidence", "hypotheses": "hypothesis", "indicators": "indicator"}


def _pattern(annotated: object) -> str:
    """The regular expression a constrained string type of the model carries."""
    return str(next(p for m in typing.get_args(annotated)[1:] if (p := getattr(m, "pattern", None))))


#: What each constrained string type of the model wants, in words, keyed by its pattern:
#: the words follow the type wherever it is used (an item id, a case id, a tag, a group).
PATTERN_WORDS: dict[str, str] = {
    _pattern(ItemId): "use letters, digits, '.', '_' or '-' (at most 32, starting with a letter or digit)",
    _pattern(CaseId): CASE_ID_WORDS,
    _pattern(AnalystId): ANALYST_WORDS,
    _pattern(Tag): "use lower-case letters, digits and '-' (at most 40 characters)",
    _pattern(Admiralty): "use a reliability letter A–F and a credibility digit 1–6, e.g. B2",
    _pattern(OneLine): "must be a single line",
    _pattern(ShortText): "must be a single line",
}


def _shown(value: object) -> str:
    """A bad value quoted briefly: repr escapes control characters, the cut keeps it short."""
    return repr(value[:40] if isinstance(value, str) else value)[:48]


#: Errors whose words do not depend on the value or the field.
_FIXED_WORDS: dict[str, str] = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "string_too_short": "required: must not be empty",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be an object with named fields",
    "model_type": "must be an object with named fields",
    "model_attributes_type": "must be an object with named fields",
}
#: Errors that quote the bad value after their words.
_VALUE_WORDS: dict[str, str] = {
    **dict.fromkeys(("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"),
                    "not a number"),
    **dict.fromkeys(("bool_parsing", "bool_type"), "not true or false"),
}


class _Error(NamedTuple):
    """One pydantic error, as the words for it need it."""

    kind: str
    ctx: Mapping[str, Any]
    value: Any
    field: str
    hints: Mapping[str, str]
    msg: str


def _too_long(e: _Error) -> str:
    got = f" (got {len(e.value):,})" if isinstance(e.value, str) else ""
    return f"too long: at most {e.ctx.get('max_length')} characters{got}"


def _pattern_mismatch(e: _Error) -> str:
    hint = e.hints.get(e.field) or PATTERN_WORDS.get(str(e.ctx.get("pattern")), "not in the expected form")
    if e.field in ("tags", "group") and isinstance(e.value, str):  # which of the file's values
        return f"bad {'tag' if e.field == 'tags' else 'group'} {_shown(e.value)}: {hint}"
    return hint


def _too_many(e: _Error) -> str:
    what = "tags" if e.field == "tags" else "entries"
    return f"too many {what}: at most {e.ctx.get('max_length')}"


def _not_one_of(e: _Error) -> str:
    return f"{_shown(e.value)} is not one of {e.ctx.get('expected')}"


def _no_date(e: _Error) -> str:
    """Why a value is no date, worked out from the value (the parser's words are its own)."""
    form = "use YYYY-MM-DDTHH:MM:SS" if e.kind.startswith("datetime") else "use YYYY-MM-DD"
    return why_no_day(e.value, form) if isinstance(e.value, str) else form


#: A number's bounds (``Field(ge=0)`` …): the context key and how the bound reads.
_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("ge", "must be {} or more"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be {} or less"),
    "less_than": ("lt", "must be less than {}"),
}


def _out_of_bounds(e: _Error) -> str:
    key, words = _BOUNDS[e.kind]
    bound = e.ctx.get(key)
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)  # 'more than 0', not '0.0'
    return f"{words.format(bound)} (got {_shown(e.value)})"


def _own_words(e: _Error) -> str:
    """Raised by the models' own checks, already in words."""
    return str(e.ctx.get("error") or e.msg).removeprefix("Value error, ")


def _unknown_kind(e: _Error) -> str:
    field, tag = e.ctx.get("discriminator"), _shown(e.ctx.get("tag"))
    return f"field {field} is {tag}, not a kind this version of weigh knows"


def _kind_missing(e: _Error) -> str:
    return f"field {e.ctx.get('discriminator')}, which names the kind, is missing"


_WORDS: dict[str, Callable[[_Error], str]] = {
    "union_tag_invalid": _unknown_kind,
    "union_tag_not_found": _kind_missing,
    "string_too_long": _too_long,
    "string_pattern_mismatch": _pattern_mismatch,
    "too_long": _too_many,
    "literal_error": _not_one_of,
    "value_error": _own_words,
    "finite_number": lambda e: f"not a finite number: {_shown(e.value)}",
    **dict.fromkeys(_BOUNDS, _out_of_bounds),
}


def reason(err: ErrorDetails, field: str = "", hints: Mapping[str, str] | None = None) -> str:
    """One pydantic error → what is wrong, in words; ``hints`` can say what ``field`` wants instead."""
    e = _Error(err["type"], dict(err.get("ctx") or {}), err.get("input"), field, hints or {}, err["msg"])
    if e.kind in ("float_type", "float_parsing") and type(e.value) is int:  # beyond a float
        return f"too large a number: {_shown(e.value)}"
    if e.kind == "string_unicode" and isinstance(e.value, str):  # a lone surrogate (\ud800)
        return f"not valid Unicode text: {_shown(e.value)}"
    if e.kind in _FIXED_WORDS:
        return _FIXED_WORDS[e.kind]
    if e.kind in _VALUE_WORDS:
        return f"{_VALUE_WORDS[e.kind]}: {_shown(e.value)}"
    if e.kind.startswith(("date", "datetime")):
        return f"not a real date: {_shown(e.value)} ({_no_date(e)})"
    if e.kind in _WORDS:
        return _WORDS[e.kind](e)
    return e.msg.removeprefix("Value error, ")


def located(doc: Any, loc: Sequence[int | str]) -> tuple[str, Sequence[int | str]]:
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
        label, rest = located(doc, err["loc"])
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
