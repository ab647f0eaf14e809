"""Import a case file (weigh-case JSON, CSV matrix, PARC .achz) into the database.

Reading and validating run in a thread; a refusal (bad file, id taken) is
shown in the dialog, which stays open so the user can fix the path or id.
An import with a report (what a PARC file's reader mapped and what it could not,
what a CSV update kept) shows it here, in the command line's lines, until the
user opens the case: it is what to check before trusting the case, and a toast
of it covered the next dialog for thirty seconds, then was gone.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Static

from evidence.errors import Conflict
from evidence.importing import CaseExists, ImportResult, import_file
from hypotheses.slug import CASE_ID_LIMIT, CASE_ID_WORDS, is_case_id, not_an_id
from hypotheses.vocabulary import counted
from tui.screens.file_dialog import FileDialog
from tui.screens.form_support import FormFields, blank_to_none, field_row, form_foot
from tui.widgets.one_line_input import OneLineInput
from tui.widgets.report_box import ReportBox

if TYPE_CHECKING:
    from evidence.store import Store

AS_CASE_ID = "As case id"  # the field and the option as the dialog names them, and its refusals
REPLACE = "Replace a case with the same id"


class ImportDialog(FileDialog[ImportResult]):
    """Returns what was imported (the case's id, and the edit a replacement can undo), or
    None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Import"),
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "submit", "Open the case", show=False),  # once imported, from the report too
    ]
    PATH_ID = "import-path"
    ERROR_ID = "error-import-path"
    JOB = "import"

    class Imported(Message):
        """A file was imported (the app offers its folder for the first export)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.source: Path | None = None  # the file being imported
        self.imported: ImportResult | None = None  # done: what it did, its report on show

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="form-dialog"):
            yield Static("Import a case file", classes="form-heading")
            with FormFields(id="form-fields"):
                yield Static(
                    "weigh case JSON, a CSV matrix, or a PARC ACH 2.0 .achz file.",
                    id="import-hint", classes="dialog-keys",
                )
                yield field_row(
                    "File",
                    OneLineInput(id="import-path", placeholder="path to the file"),
                    field="import-path",
                )
                with Horizontal(classes="field-row"):
                    yield Label(AS_CASE_ID, classes="field-label")
                    yield OneLineInput(
                        id="import-case-id",
                        placeholder="optional: import under another id",
                        classes="field-body",
                    )
                with Horizontal(classes="field-row"):
                    yield Label("", classes="field-label")
                    yield Checkbox(REPLACE, id="import-replace")
                # what the import brought and what it could not, kept on show until it is opened
                yield ReportBox("import-report", id="import-report-box")
            yield form_foot(Button("Import (ctrl+s)", id="import", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_submit(self) -> None:
        if self.imported is not None:
            self._open()
            return
        path = self.typed_path("give the path of a file to import")
        if path is None:
            return
        store = self.store
        case_id = blank_to_none(self.query_one("#import-case-id", Input).value)
        if case_id is not None and not is_case_id(case_id):  # the field's fault, not the file's
            self.show_error(f"{AS_CASE_ID}: {not_an_id(case_id, 'a case id', CASE_ID_WORDS, CASE_ID_LIMIT)}")
            return
        replace = self.query_one("#import-replace", Checkbox).value
        def job() -> ImportResult:
            try:
                result = import_file(store, path, case_id=case_id, replace=replace)
            except CaseExists as exc:  # told in this dialog's words, not the command line's
                raise Conflict(exc.told(replace=f"tick '{REPLACE}'",
                                        new_id=f"type a new id in '{AS_CASE_ID}'")) from None
            self.app.post_message(self.Imported(path))
            return result

        self.source = path
        self.start(f"Importing {path} …", job)

    def finished(self, result: ImportResult) -> None:
        """Imported: a report stays in the dialog, the fields give it their room, and enter
        (or esc: the import is made) opens the case; without one the case opens at once."""
        self.imported = result
        if not result.report:
            self._open()
            return
        self.query(".field-row").set(display=False)
        self.query_one("#import-hint", Static).update(
            "What the reader mapped and what it could not, as weigh import prints it:")
        done = Text(import_told(self.source or Path(), result), style="bold")
        self.query_one("#form-status", Static).update(done)
        self.query_one(ReportBox).show(result.report)
        self.query_one("#cancel", Button).display = False
        opener = self.query_one("#import", Button)
        opener.label = "Open the case (enter)"
        opener.focus()

    def action_cancel(self) -> None:
        if self.imported is not None:  # nothing to cancel: the case is in the database
            self._open()
        else:
            super().action_cancel()

    def _open(self) -> None:
        """Close on the case imported: what was done in a line, as a short toast."""
        assert self.imported is not None
        self.app.notify(import_told(self.source or Path(), self.imported), title="Import", markup=False,
                        timeout=8)
        self.dismiss(self.imported)


def import_told(path: Path, result: ImportResult) -> str:
    """What an import did, in the command line's last line: the case written, or that the
    database already held it as the file has it (the reader's report, the lines before it,
    stays in the dialog)."""
    if result.unchanged:
        return f"Case {result.case_id} is already in the database as {path.name} has it; nothing imported."
    how = "Replaced" if result.replaced else "Imported"
    return (f"{how} case {result.case_id} from {path.name}: "
            f"{counted(result.hypotheses, 'hypothesis')}, {result.evidence} evidence"
            + ("; u in the workbench brings the old one back." if result.replaced else "."))
