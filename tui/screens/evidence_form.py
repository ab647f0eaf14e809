"""Add or edit a piece of evidence, rating it against every hypothesis on the way.

In a team case the form edits the item only: each analyst's votes and notes are cells of
their own, rated in the matrix (the form's shared rating rows would show none of them and
were refused on save, the item's other changes lost with them)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Static, TextArea

from hypotheses.models import Evidence, Hypothesis, suggested_credibility
from hypotheses.validation import field_errors
from hypotheses.vocabulary import KINDS, LEVELS
from tui.screens.form_screen import FieldSpec, FormInvalid, FormScreen
from tui.screens.form_support import (
    FormFields,
    blank_to_none,
    check_date,
    check_url,
    field_row,
    form_foot,
    literal,
    parse_tags,
)
from tui.widgets.choice_line import ChoiceLine
from tui.widgets.one_line_input import OneLineInput
from tui.widgets.rating_picker import RatingPicker

_ADMIRALTY = re.compile(r"^[A-F][1-6]$")

# Field key (as Evidence names it) → (label on screen, widget id).
_PLAIN_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("Title", "title"),
    "details": ("Details", "details"),
    "source": ("Source", "source"),
    "url": ("URL", "url"),
    "event_date": ("Event date", "event_date"),
    "reported_date": ("Reported", "reported_date"),
    "tags": ("Tags", "tags"),
    "group": ("Same fact", "group"),
    "admiralty": ("Admiralty", "admiralty"),
    "credibility": ("Credibility", "credibility"),
    "relevance": ("Relevance", "relevance"),
    "kind": ("Kind", "kind"),
}


def _date_text(value: Any) -> str:
    return value.isoformat() if value is not None else ""


class EvidenceForm(FormScreen[Evidence]):
    """Returns the new or edited Evidence (id and `excluded` kept when editing), or None."""

    def __init__(
        self,
        hypotheses: list[Hypothesis],
        existing: Evidence | None = None,
        new_id: str = "E1",
        groups: list[str] | None = None,
        analyst: str | None = None,
    ) -> None:
        """``analyst``: a team case's current analyst (the form then has no rating rows)."""
        super().__init__()
        self.analyst = analyst
        self.hypotheses = [] if analyst is not None else list(hypotheses)
        self.groups = sorted(set(groups or []))  # the case's same-fact groups, offered
        self.existing = existing
        self.item_id = existing.id if existing else new_id
        self._admiralty_seen = (existing.admiralty or "") if existing else ""

    def fields(self) -> dict[str, FieldSpec]:
        specs = {
            key: FieldSpec(label.lower(), wid, f"error-{wid}")
            for key, (label, wid) in _PLAIN_FIELDS.items()
        }
        for i, hyp in enumerate(self.hypotheses):
            error_id = f"error-h{i}"
            specs[f"notes.{hyp.id}"] = FieldSpec(f"note on {hyp.id}", f"note-{i}", error_id)
            specs[f"ratings.{hyp.id}"] = FieldSpec(f"rating on {hyp.id}", f"rating-{i}", error_id)
        return specs

    def compose(self) -> ComposeResult:
        old = self.existing
        verb = "Edit" if old else "New"
        with Vertical(id="form-dialog", classes="form-dialog -wide"):
            yield Static(
                literal(f"{verb} evidence {self.item_id}"), id="form-title", classes="form-heading"
            )
            with FormFields(id="form-fields"):
                yield from self._compose_item_fields(old)
                if self.analyst is not None:
                    yours = (f"yours are {self.analyst}'s" if self.analyst  # '': no login name says
                             else "start weigh with --analyst ID to rate")
                    yield Static(literal(
                        f"Ratings  (a team case: each analyst rates in the matrix, c C n i I x, and "
                        f"w writes a note; {yours})"), classes="form-section")
                if self.hypotheses:
                    yield Static(
                        "Ratings  (rating and why, per hypothesis; c C n i I x rate as in the "
                        "matrix, backspace clears)", classes="form-section"
                    )
                for i, hyp in enumerate(self.hypotheses):
                    yield self._rating_row(i, hyp, old)
            yield form_foot(Button("Save (ctrl+s)", id="save", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    def _compose_item_fields(self, old: Evidence | None) -> ComposeResult:
        def text_input(key: str, value: str, placeholder: str = "") -> Input:
            return OneLineInput(value, id=_PLAIN_FIELDS[key][1], placeholder=placeholder)

        def row(key: str, *widgets: Any) -> Horizontal:
            label, wid = _PLAIN_FIELDS[key]
            return field_row(label, *widgets, field=wid)

        yield row("title", text_input("title", old.title if old else "", "one line"))
        yield row("details", TextArea(old.details if old else "", id="details"))
        yield row("source", text_input("source", old.source if old else "", "who said it"))
        yield row("url", text_input("url", (old.url or "") if old else "", "https://…"))
        yield row(
            "event_date",
            text_input("event_date", _date_text(old.event_date if old else None), "YYYY-MM-DD"),
        )
        yield row(
            "reported_date",
            text_input(
                "reported_date", _date_text(old.reported_date if old else None), "YYYY-MM-DD"
            ),
            Static("", id="dates-hint", classes="field-hint"),
        )
        yield row(
            "tags",
            text_input("tags", " ".join(old.tags) if old else "", "comma or space separated"),
        )
        yield row(
            "group",
            OneLineInput(
                (old.group or "") if old else "",
                id="group",
                placeholder="same-fact group: items resting on one fact share it (optional)",
                suggester=SuggestFromList(self.groups, case_sensitive=False),
            ),
            Static(_groups_hint(self.groups), id="group-hint", classes="field-hint -shown"),
        )
        yield row(
            "admiralty",
            text_input("admiralty", (old.admiralty or "") if old else "", "e.g. B2 (optional)"),
            Static("", id="admiralty-hint", classes="field-hint"),
        )
        yield row("credibility", _choice("credibility", LEVELS, old.credibility if old else "medium"))
        yield row("relevance", _choice("relevance", LEVELS, old.relevance if old else "medium"))
        yield row("kind", _choice("kind", KINDS, old.kind if old else "report"))

    def _rating_row(self, i: int, hyp: Hypothesis, old: Evidence | None) -> Horizontal:
        rating = old.ratings.get(hyp.id) if old else None
        note = old.notes.get(hyp.id, "") if old else ""
        return field_row(
            hyp.id,
            Static(literal(hyp.title), classes="hypothesis-title"),
            Horizontal(
                RatingPicker(rating, id=f"rating-{i}", classes="rating-picker"),
                OneLineInput(note, id=f"note-{i}", placeholder="why this rating",
                             classes="rating-note"),
                classes="rating-line",
            ),
            field=f"h{i}",
        )

    @on(Input.Changed, "#admiralty")
    def _suggest_credibility(self, event: Input.Changed) -> None:
        """A valid code suggests a credibility; the analyst may still change it."""
        code = event.value.strip().upper()
        hint = self.query_one("#admiralty-hint", Static)
        if not _ADMIRALTY.match(code):
            hint.update("")
            hint.remove_class("-shown")
            return
        suggestion = suggested_credibility(code)
        if code != self._admiralty_seen:
            self._admiralty_seen = code
            self.query_one("#credibility", ChoiceLine).value = suggestion
        hint.update(Text(f"{code} suggests credibility: {suggestion}"))
        hint.add_class("-shown")

    @on(Input.Changed, "#event_date, #reported_date")
    def _check_date_order(self) -> None:
        """A report before the event it tells of is worth a second look, not a refusal."""
        warning = dates_warning(self._value("event_date"), self._value("reported_date"))
        hint = self.query_one("#dates-hint", Static)
        hint.update(Text(warning))
        hint.set_class(bool(warning), "-shown")

    def _value(self, wid: str) -> str:
        return self.query_one(f"#{wid}", Input).value

    def typed(self) -> dict[str, Any]:
        """What the fields hold, as typed; ``evidence_from_form`` judges it."""
        ratings: dict[str, str] = {}
        notes: dict[str, str] = {}
        for i, hyp in enumerate(self.hypotheses):
            code = self.query_one(f"#rating-{i}", RatingPicker).value
            if code is not None:
                ratings[hyp.id] = code
            note = self.query_one(f"#note-{i}", Input).value.strip()
            if note:
                notes[hyp.id] = note
        return {
            "id": self.item_id,
            **{key: self._value(key) for key in ("title", "source", "url", "event_date", "reported_date",
                                                  "tags", "group", "admiralty")},
            "details": self.query_one("#details", TextArea).text,
            **{key: self.query_one(f"#{key}", ChoiceLine).value
               for key in ("credibility", "relevance", "kind")},
            "excluded": self.existing.excluded if self.existing else False,
            "ratings": ratings,
            "notes": notes,
        }

    def build(self) -> Evidence:
        return evidence_from_form(self.typed(), list(self.fields()))


def evidence_from_form(typed: Mapping[str, Any], order: Sequence[str]) -> Evidence:
    """The item a filled-in form describes, or FormInvalid naming each bad field in ``order``.

    Blank optional fields mean 'not given'; dates must be typed as YYYY-MM-DD and a
    URL must be a web address (the model itself would keep any line of text).
    """
    errors: dict[str, str] = {}
    event_date = blank_to_none(typed["event_date"])
    reported_date = blank_to_none(typed["reported_date"])
    url = blank_to_none(typed["url"])
    for key, problem in (
        ("event_date", check_date(event_date)),
        ("reported_date", check_date(reported_date)),
        ("url", check_url(url)),
    ):
        if problem:
            errors[key] = problem
    admiralty = blank_to_none(typed["admiralty"])
    group = blank_to_none(typed.get("group", ""))
    doc = {
        **typed,
        "source": typed["source"].strip(),
        "url": None if "url" in errors else url,
        "event_date": None if "event_date" in errors else event_date,
        "reported_date": None if "reported_date" in errors else reported_date,
        "tags": parse_tags(typed["tags"]),
        "admiralty": admiralty.upper() if admiralty else None,
        "group": group.lower() if group else None,
    }
    item: Evidence | None = None
    try:
        item = Evidence.model_validate(doc, strict=False)
    except ValidationError as exc:
        for key, message in field_errors(exc, order).items():
            errors.setdefault(key, message)
    if errors or item is None:
        raise FormInvalid(dict(sorted(errors.items(), key=lambda kv: _position(order, kv[0]))))
    return item


def dates_warning(event: str, reported: str) -> str:
    """The warning for a reported date before the event date ('' when none or unreadable)."""
    try:
        happened, told = date.fromisoformat(event.strip()), date.fromisoformat(reported.strip())
    except ValueError:
        return ""
    if told >= happened:
        return ""
    return f"reported {told} is before the event on {happened}: check both (saved as typed)"


def _groups_hint(groups: list[str]) -> Text:
    """Which groups the case already has: typing one's start completes it (→)."""
    if not groups:
        return Text("no groups in this case yet: a new name starts one", style="italic")
    shown = ", ".join(groups[:12]) + (f", … ({len(groups)} in all)" if len(groups) > 12 else "")
    return Text(f"in this case (→ completes): {shown}", style="italic")


def _position(order: Sequence[str], key: str) -> int:
    """Errors are listed in the order the fields appear on screen."""
    return list(order).index(key) if key in order else len(order)


def _choice(widget_id: str, options: tuple[str, ...], value: str) -> ChoiceLine:
    """A pick of fixed words, every word on show."""
    return ChoiceLine([(o, o) for o in options], value, id=widget_id,
                      tooltip="left/right or the first letter picks")
