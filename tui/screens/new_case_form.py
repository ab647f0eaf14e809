"""Create an empty case: title, id (made from the title unless typed), question.

The case switcher opens it next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Static, TextArea

from evidence.errors import Conflict, WeighError
from hypotheses.models import Case
from hypotheses.slug import case_id_from
from hypotheses.validation import field_errors
from tui.screens.form_screen import FieldSpec, FormInvalid, FormScreen
from tui.screens.form_support import FormFields, field_row, form_foot, literal
from tui.widgets.one_line_input import OneLineInput

if TYPE_CHECKING:
    from evidence.store import Store

_ID_HINT = "made from the title, or type one: lower-case, e.g. nord-stream-2022"


class NewCaseForm(FormScreen[Case]):
    """Validates through the Case model and writes with ``store.put_case``; returns the Case."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def fields(self) -> dict[str, FieldSpec]:
        return {
            "title": FieldSpec("title", "case-title", "error-case-title"),
            "id": FieldSpec("id", "case-id", "error-case-id"),
            "question": FieldSpec("question", "case-question", "error-case-question"),
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog", classes="form-dialog"):
            yield Static(literal("New case"), id="form-title", classes="form-heading")
            with FormFields(id="form-fields"):
                yield field_row(
                    "Title", OneLineInput(id="case-title", placeholder="one line"), field="case-title"
                )
                yield field_row(
                    "Id",
                    OneLineInput(id="case-id", placeholder=_ID_HINT),
                    field="case-id",
                )
                yield field_row(
                    "Question", TextArea(id="case-question"), field="case-question"
                )
            yield form_foot(Button("Create (ctrl+s)", id="save", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    @on(Input.Changed, "#case-title")
    def _suggest_id(self, event: Input.Changed) -> None:
        """Show the id a blank Id field will get, as the title is typed."""
        made = case_id_from(event.value)
        self.query_one("#case-id", Input).placeholder = f"{made} (from the title)" if made else _ID_HINT

    def build(self) -> Case:
        title = self.query_one("#case-title", Input).value
        typed_id = self.query_one("#case-id", Input).value.strip()
        doc = {
            "id": typed_id or case_id_from(title),
            "title": title,
            "question": self.query_one("#case-question", TextArea).text.strip(),
        }
        try:
            case = Case.model_validate(doc, strict=False)
        except ValidationError as exc:
            errors = field_errors(exc, self.fields())
            if not typed_id and "id" in errors:
                errors["id"] = _no_id_from(title)
            raise FormInvalid(errors) from None
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


def _no_id_from(title: str) -> str:
    """Why no id could be made from ``title``: nothing in it to make one from, or only
    letters an id cannot hold (Hebrew, Cyrillic, Chinese…)."""
    if any(ch.isalnum() for ch in title):
        return ("an id uses Latin letters a–z and digits, and this title has none to make one "
                "from: type an id, e.g. peace-talks-2024")
    return "type an id, or a title with letters or digits to make one from"
