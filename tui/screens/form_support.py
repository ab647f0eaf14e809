"""What the modal forms share: a labelled field row and messages a person can act on.

The forms validate through the pydantic models in ``hypotheses.models``; this
module turns the model's errors into one short message per form field, so the
message can sit right under the field it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from rich.text import Text
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPLIT_TAGS = re.compile(r"[,\s]+")

# Pattern errors say only "should match pattern '^…$'": say what the field wants.
_PATTERN_HINTS: dict[str, str] = {
    "id": "use letters, digits, '.', '_' or '-' (at most 32, starting with a letter or digit)",
    "title": "must be a single line",
    "source": "must be a single line",
    "url": "must be a single line",
    "admiralty": "use a reliability letter A–F and a credibility digit 1–6, e.g. B2",
    "tags": "use lower-case letters, digits and '-' (at most 40 characters)",
}


class FormFields(VerticalScroll, can_focus=False):
    """The scrolling list of fields; not a tab stop, as a focused field scrolls into view."""


def field_row(label: str, *widgets: Widget, field: str) -> Horizontal:
    """A label, the field's widgets, and an (initially empty) error line under them."""
    error = Static("", id=f"error-{field}", classes="field-error", markup=False)
    return Horizontal(
        Label(label, classes="field-label", markup=False),
        Vertical(*widgets, error, classes="field-body"),
        classes="field-row",
    )


def literal(text: str) -> Text:
    """User text as it is: brackets and emoji are shown, never interpreted."""
    return Text(text, no_wrap=True, overflow="ellipsis")


def blank_to_none(value: str) -> str | None:
    """An empty optional field means 'not given'."""
    value = value.strip()
    return value or None


def parse_tags(raw: str) -> list[str]:
    """'Istanbul, Talks  talks' → ['istanbul', 'talks']: split, lower-case, de-duplicate."""
    seen: dict[str, None] = {}
    for part in _SPLIT_TAGS.split(raw.strip()):
        if part:
            seen.setdefault(part.lower(), None)
    return list(seen)


def check_date(value: str | None) -> str | None:
    """A date must be typed as YYYY-MM-DD; the model then checks the day exists."""
    if value is None or _ISO_DATE.match(value):
        return None
    return f"not a date: {value[:40]!r} (use YYYY-MM-DD)"


def check_url(value: str | None) -> str | None:
    """The model keeps any line of text; a form insists on a web address."""
    if value is None:
        return None
    parts = urlsplit(value) if " " not in value else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return "not a web address: use http://… or https://…"
    return None


def _message(field: str, err: Any, hints: dict[str, str]) -> str:
    """One error from pydantic → a message for the person at the form."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "string_too_short":
        return "required: must not be empty"
    if kind == "string_too_long":
        got = f" (got {len(value):,})" if isinstance(value, str) else ""
        return f"too long: at most {ctx.get('max_length')} characters{got}"
    if kind == "string_pattern_mismatch":
        hint = hints.get(field) or _PATTERN_HINTS.get(field, "not in the expected form")
        if field == "tags" and isinstance(value, str):
            return f"bad tag {value[:40]!r}: {hint}"
        return hint
    if kind in ("float_parsing", "float_type"):
        return f"not a number: {str(value)[:40]!r}"
    if kind.startswith("date") and isinstance(value, str):
        reason = str(err["msg"]).split(",", 1)[-1].strip()
        return f"not a real date: {value[:40]!r} ({reason})"
    if kind == "too_long" and field == "tags":
        return f"too many tags: at most {ctx.get('max_length')}"
    return str(err["msg"]).removeprefix("Value error, ")


def form_errors(
    exc: ValidationError, fields: Iterable[str], hints: dict[str, str] | None = None
) -> dict[str, str]:
    """Field key → first message; keys are top-level fields or 'notes.<hid>'.

    ``fields`` names the keys the form can show; an error on a key the form
    does not know (say ``id``) is kept under its top-level name, so the form
    can still report it in its summary line. ``hints`` overrides what a
    pattern mismatch says for a field.
    """
    known = set(fields)
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if not loc:
            continue
        key = str(loc[0])
        if key in ("notes", "ratings") and len(loc) > 1 and f"{key}.{loc[1]}" in known:
            key = f"{key}.{loc[1]}"
        out.setdefault(key, _message(str(loc[0]), err, hints or {}))
    return out
