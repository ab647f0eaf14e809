"""Create an empty case: id, title, question; the case switcher opens it next."""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, TextArea

from evidence.errors import Conflict, WeighError
from evidence.store import Store
from hypotheses.models import Case
from hypotheses.validation import field_errors
from tui.screens.form_screen import FieldSpec, FormInvalid, FormScreen
from tui.screens.form_support import FormFields, field_row, literal


class NewCaseForm(FormScreen[Case]):
    """Validates through the Case model and writes with ``store.put_case``; returns the Case."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def fields(self) -> dict[str, FieldSpec]:
        return {
            "id": FieldSpec("id", "case-id", "error-case-id"),
            "title": FieldSpec("title", "case-title", "error-case-title"),
            "question": FieldSpec("question", "case-question", "error-case-question"),
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog", classes="form-dialog"):
            yield Static(literal("New case"), id="form-title", classes="form-heading")
            with FormFields(id="form-fields"):
                yield field_row(
                    "Id",
                    Input(id="case-id", placeholder="lower-case slug, e.g. nord-stream-2022"),
                    field="case-id",
                )
                yield field_row(
                    "Title", Input(id="case-title", placeholder="one line"), field="case-title"
                )
                yield field_row(
                    "Question", TextArea(id="case-question"), field="case-question"
                )
            yield Static("", id="form-status", classes="form-status")
            with Horizontal(classes="form-buttons"):
                yield Button("Create (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def build(self) -> Case:
        doc = {
            "id": self.query_one("#case-id", Input).value.strip(),
            "title": self.query_one("#case-title", Input).value,
            "question": self.query_one("#case-question", TextArea).text.strip(),
        }
        try:
            case = Case.model_validate(doc, strict=False)
        except ValidationError as exc:
            raise FormInvalid(field_errors(exc, self.fields())) from None
        if self.store.has_case(case.id):
            raise FormInvalid({"id": f"a case {case.id!r} already exists: choose another id"})
        return case

    def commit(self, item: Case) -> None:
        """The store write happens here, so a refusal shows in the form, not as a crash."""
        try:
            self.store.put_case(item)
        except Conflict as exc:
            raise FormInvalid({"id": str(exc)}) from None
        except WeighError as exc:
            raise FormInvalid({"database": str(exc)}) from None
