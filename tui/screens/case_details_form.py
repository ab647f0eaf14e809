"""Edit what the case is about and what the analyst concluded: title, question,
description and the written conclusion (Heuer's step 7)."""

from __future__ import annotations

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Static, TextArea

from hypotheses.models import CaseInfo
from hypotheses.validation import field_errors
from tui.screens.form_screen import FieldSpec, FormInvalid, FormScreen
from tui.screens.form_support import FormFields, field_row, form_foot, literal
from tui.widgets.one_line_input import OneLineInput

_FIELDS = ("title", "question", "description", "conclusion")


class CaseDetailsForm(FormScreen[CaseInfo]):
    """Returns the edited CaseInfo (same id and dates), or None on escape."""

    def __init__(self, info: CaseInfo) -> None:
        super().__init__()
        self.info = info

    def fields(self) -> dict[str, FieldSpec]:
        return {key: FieldSpec(key, key, f"error-{key}") for key in _FIELDS}

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical(id="form-dialog", classes="form-dialog -wide"):
            yield Static(
                literal(f"Case details: {info.id}"), id="form-title", classes="form-heading"
            )
            with FormFields(id="form-fields"):
                yield field_row(
                    "Title", OneLineInput(info.title, id="title", placeholder="one line"),
                    field="title",
                )
                yield field_row(
                    "Question",
                    TextArea(info.question, id="question", soft_wrap=True),
                    field="question",
                )
                yield field_row(
                    "Description",
                    TextArea(info.description, id="description", soft_wrap=True),
                    field="description",
                )
                yield field_row(
                    "Conclusion",
                    TextArea(info.conclusion, id="conclusion", soft_wrap=True),
                    field="conclusion",
                )
            yield form_foot(Button("Save (ctrl+s)", id="save", variant="primary"),
                            Button("Cancel (esc)", id="cancel"),
                            status="Your own judgement: its first line, the bottom line, shows under "
                                   "the case bar; all of it leads every report.")

    def build(self) -> CaseInfo:
        doc = self.info.model_dump(mode="json")
        doc["title"] = self.query_one("#title", Input).value
        for key in ("question", "description", "conclusion"):
            doc[key] = self.query_one(f"#{key}", TextArea).text.strip()
        try:
            return CaseInfo.model_validate(doc, strict=False)
        except ValidationError as exc:
            raise FormInvalid(field_errors(exc, self.fields())) from None
