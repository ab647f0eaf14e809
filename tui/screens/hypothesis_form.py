"""Add or edit a hypothesis: title, description, prior."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Static, TextArea

from hypotheses.models import Hypothesis
from hypotheses.validation import field_errors
from tui.screens.form_screen import FieldSpec, FormInvalid, FormScreen
from tui.screens.form_support import FormFields, field_row, form_foot, literal
from tui.widgets.one_line_input import OneLineInput

#: what a prior is, under its field: a number typed there must not read as evidence
PRIOR_HINT = ("How likely you think it is before the evidence, relative to the others (1 = equal); "
              "only the Bayes model uses it.")


class HypothesisForm(FormScreen[Hypothesis]):
    """Returns the new or edited Hypothesis (same id when editing), or None on escape."""

    def __init__(self, existing: Hypothesis | None = None, new_id: str = "H1") -> None:
        super().__init__()
        self.existing = existing
        self.item_id = existing.id if existing else new_id

    def fields(self) -> dict[str, FieldSpec]:
        return {
            "title": FieldSpec("title", "title", "error-title"),
            "description": FieldSpec("description", "description", "error-description"),
            "prior": FieldSpec("prior", "prior", "error-prior"),
        }

    def compose(self) -> ComposeResult:
        old = self.existing
        heading = f"Edit hypothesis {self.item_id}" if old else f"New hypothesis {self.item_id}"
        with Vertical(id="form-dialog", classes="form-dialog"):
            yield Static(literal(heading), id="form-title", classes="form-heading")
            with FormFields(id="form-fields"):
                yield field_row(
                    "Title",
                    OneLineInput(old.title if old else "", id="title", placeholder="one line"),
                    field="title",
                )
                yield field_row(
                    "Description",
                    TextArea(old.description if old else "", id="description"),
                    field="description",
                )
                yield field_row(
                    "Prior",
                    OneLineInput(
                        repr(old.prior) if old else "1.0",
                        id="prior",
                        placeholder="a number > 0 (relative weight)",
                    ),
                    Static(PRIOR_HINT, id="prior-hint", classes="field-hint -shown"),
                    field="prior",
                )
            yield form_foot(Button("Save (ctrl+s)", id="save", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    def build(self) -> Hypothesis:
        return hypothesis_from_form(
            {
                "id": self.item_id,
                "title": self.query_one("#title", Input).value,
                "description": self.query_one("#description", TextArea).text,
                "prior": self.query_one("#prior", Input).value,
            }
        )


def hypothesis_from_form(typed: Mapping[str, str]) -> Hypothesis:
    """The hypothesis a filled-in form describes, or FormInvalid naming each bad field."""
    try:
        return Hypothesis.model_validate({**typed, "prior": typed["prior"].strip()}, strict=False)
    except ValidationError as exc:
        raise FormInvalid(field_errors(exc, ("title", "description", "prior"))) from None
