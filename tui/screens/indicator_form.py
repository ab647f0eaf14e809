"""Register or edit an indicator: what to watch for, by when, and what seeing it
would mean for each hypothesis (rated now, before it is seen)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from hypotheses.models import Hypothesis, Indicator
from hypotheses.validation import field_errors
from tui.screens.form_screen import FieldSpec, FormInvalid, FormScreen
from tui.screens.form_support import FormFields, blank_to_none, check_date, field_row, form_foot, literal
from tui.widgets.choice_line import ChoiceLine
from tui.widgets.one_line_input import OneLineInput
from tui.widgets.rating_picker import RatingPicker

# An observed indicator is marked by observing it (o), which adds its item.
# (what the line shows, the value saved)
_STATUS_OPTIONS = [("watching", "watching"), ("lapsed (did not happen in time)", "lapsed")]
NO_RATINGS = "rate at least one hypothesis: what would seeing it mean?"


def indicator_from_form(typed: Mapping[str, Any], order: Sequence[str]) -> Indicator:
    """The indicator a filled-in form describes, or FormInvalid naming each bad field."""
    errors: dict[str, str] = {}
    expected = blank_to_none(typed["expected_by"])
    problem = check_date(expected)
    if problem:
        errors["expected_by"] = problem
    ratings = {hid: code for hid, code in typed["ratings"].items() if code is not None}
    if not ratings:
        errors["ratings"] = NO_RATINGS
    doc = {**typed, "expected_by": None if problem else expected, "ratings": ratings}
    try:
        item = Indicator.model_validate(doc, strict=False)
    except ValidationError as exc:
        for key, message in field_errors(exc, order).items():
            errors.setdefault(key, message)
    if errors:
        place = {key: i for i, key in enumerate(order)}
        raise FormInvalid(dict(sorted(errors.items(), key=lambda kv: place.get(kv[0], len(order)))))
    return item


class IndicatorForm(FormScreen[Indicator]):
    """Returns the new or edited Indicator (id, observation and link kept), or None."""

    def __init__(self, hypotheses: list[Hypothesis], existing: Indicator | None = None,
                 new_id: str = "M1") -> None:
        super().__init__()
        self.hypotheses = list(hypotheses)
        self.existing = existing
        self.item_id = existing.id if existing else new_id

    def fields(self) -> dict[str, FieldSpec]:
        specs = {
            "title": FieldSpec("title", "title", "error-title"),
            "details": FieldSpec("details", "details", "error-details"),
            "expected_by": FieldSpec("expected by", "expected_by", "error-expected_by"),
            "status": FieldSpec("status", "status", "error-status"),
            "ratings": FieldSpec("ratings", "rating-0", "error-ratings"),
        }
        for i, hyp in enumerate(self.hypotheses):
            specs[f"ratings.{hyp.id}"] = FieldSpec(f"rating on {hyp.id}", f"rating-{i}",
                                                   "error-ratings")
        return specs

    def compose(self) -> ComposeResult:
        old = self.existing
        verb = "Edit" if old else "New"
        with Vertical(id="form-dialog", classes="form-dialog -wide"):
            yield Static(literal(f"{verb} indicator {self.item_id}"), id="form-title",
                         classes="form-heading")
            with FormFields(id="form-fields"):
                yield field_row("Title", OneLineInput(old.title if old else "", id="title",
                                                      placeholder="what would be seen, one line"),
                                field="title")
                yield field_row("Details", TextArea(old.details if old else "", id="details",
                                                    soft_wrap=True), field="details")
                yield field_row(
                    "Expected by",
                    OneLineInput(old.expected_by.isoformat() if old and old.expected_by else "",
                                 id="expected_by", placeholder="YYYY-MM-DD (optional)"),
                    field="expected_by",
                )
                if old is not None and old.status == "observed":
                    yield field_row("Status", Static(literal(
                        f"observed as {old.evidence_id or '(item deleted)'}"), id="status",
                        classes="field-text"),
                        field="status")
                else:
                    yield field_row("Status", ChoiceLine(
                        _STATUS_OPTIONS, old.status if old else "watching", id="status"),
                        field="status")
                yield Static("If it is seen, each hypothesis is rated  (fixed now: no hindsight)",
                             classes="form-section")
                rows = [self._rating_row(i, hyp) for i, hyp in enumerate(self.hypotheses)]
                yield Vertical(*rows, Static("", id="error-ratings", classes="field-error",
                                             markup=False), id="indicator-ratings")
            yield form_foot(Button("Save (ctrl+s)", id="save", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    def _rating_row(self, i: int, hyp: Hypothesis) -> Horizontal:
        code = self.existing.ratings.get(hyp.id) if self.existing else None
        return Horizontal(
            Static(literal(hyp.id), classes="field-label"),
            RatingPicker(code, id=f"rating-{i}", classes="rating-picker"),
            Static(literal(hyp.title), classes="hypothesis-title"),
            classes="rating-line",
        )

    def typed(self) -> dict[str, Any]:
        """What the fields hold, as typed; ``indicator_from_form`` judges it."""
        old = self.existing
        ratings: dict[str, str | None] = {}
        for i, hyp in enumerate(self.hypotheses):
            ratings[hyp.id] = self.query_one(f"#rating-{i}", RatingPicker).value
        if old is not None and old.status == "observed":
            status = "observed"
        else:
            status = str(self.query_one("#status", ChoiceLine).value)
        return {
            "id": self.item_id,
            "title": self.query_one("#title", Input).value,
            "details": self.query_one("#details", TextArea).text,
            "expected_by": self.query_one("#expected_by", Input).value,
            "status": status,
            "evidence_id": old.evidence_id if old else None,
            "ratings": ratings,
        }

    def build(self) -> Indicator:
        return indicator_from_form(self.typed(), list(self.fields()))
