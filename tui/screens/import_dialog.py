"""Import a case file (weigh-case JSON, CSV matrix, PARC .achz) into the database.

Reading and validating run in a thread; a refusal (bad file, id taken) is
shown in the dialog, which stays open so the user can fix the path or id.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from evidence.errors import WeighError
from evidence.importing import import_file
from evidence.store import Store
from tui.screens.form_support import blank_to_none


class ImportDialog(ModalScreen[str | None]):
    """Returns the id of the imported case, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "import", "Import"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="form-dialog"):
            yield Static("Import a case file", classes="form-heading")
            yield Static(
                "weigh case JSON, a CSV matrix, or a PARC ACH 2.0 .achz file.",
                classes="dialog-keys",
            )
            with Horizontal(classes="field-row"):
                yield Label("File", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Input(id="import-path", placeholder="path to the file")
                    yield Static("", id="error-import-path", classes="field-error", markup=False)
            with Horizontal(classes="field-row"):
                yield Label("As case id", classes="field-label")
                yield Input(
                    id="import-case-id",
                    placeholder="optional: import under another id",
                    classes="field-body",
                )
            with Horizontal(classes="field-row"):
                yield Label("", classes="field-label")
                yield Checkbox("Replace a case with the same id", id="import-replace")
            yield Static("", id="form-status", classes="form-status")
            with Horizontal(classes="form-buttons"):
                yield Button("Import (ctrl+s)", id="import", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_import()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "import":
            self.action_import()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)

    def action_import(self) -> None:
        if self._busy:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self.show_error("give the path of a file to import")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        self._busy = True
        self.show_error("")
        self.query_one("#form-status", Static).update(Text(f"Importing {path} …"))
        self._import(
            path,
            blank_to_none(self.query_one("#import-case-id", Input).value),
            self.query_one("#import-replace", Checkbox).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _import(self, path: Path, case_id: str | None, replace: bool) -> None:
        try:
            result = import_file(self.store, path, case_id=case_id, replace=replace)
        except WeighError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # a bug must not leave the dialog stuck
            self.app.call_from_thread(self._failed, f"import failed: {type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self.dismiss, result.case_id)

    def _failed(self, message: str) -> None:
        self._busy = False
        self.query_one("#form-status", Static).update("")
        self.show_error(message)
        self.query_one("#import-path", Input).focus()

    def show_error(self, message: str) -> None:
        """The reason, under the file field, on one wrapped line; the dialog stays."""
        line = self.query_one("#error-import-path", Static)
        line.update(Text(message))
        line.set_class(bool(message), "-shown")
