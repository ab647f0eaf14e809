"""What the modal forms share: a labelled field row and messages a person can act on.

The forms validate through the pydantic models in ``hypotheses.models``;
``hypotheses.validation.field_errors`` turns the model's errors into one short
message per form field, so the message can sit right under the field it belongs to.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rich.text import Text
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from hypotheses.visible import visible

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPLIT_TAGS = re.compile(r"[,\s]+")

class FormFields(VerticalScroll, can_focus=False):
    """The scrolling list of fields; not a tab stop, as a focused field scrolls into view.
    Shrunk (a shorter terminal), it keeps the focused field in view: its scroll stayed where
    it was, and the field the keys went to could be out of sight."""

    def on_resize(self) -> None:
        self.call_after_refresh(self._keep_focus_in_view)

    def _keep_focus_in_view(self) -> None:
        focused = self.screen.focused if self.is_attached else None
        if focused is not None and self in focused.ancestors:
            self.scroll_to_widget(focused, animate=False)


def form_foot(*buttons: Button, status: str = "") -> Vertical:
    """A form's status line and buttons, docked at its foot under its fields (``FormFields``):
    on a short terminal the fields scroll between the heading and the foot, and the buttons
    stay on screen."""
    return Vertical(
        Static(status, id="form-status", classes="form-status"),
        Horizontal(*buttons, classes="form-buttons"),
        classes="form-foot",
    )


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
    return Text(visible(text), no_wrap=True, overflow="ellipsis")


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
