"""Sync a case with a shared case file (``weigh sync`` from the case switcher).

The file is read, merged and written in a thread; a refusal (a bad file, another
case's file, a link or FIFO) is shown in the dialog, which stays open. A served
workbench syncs only where its export dialog may write (``export_place``): the
sync writes the file, and the files are the server's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from evidence.errors import ImportFailed
from evidence.sync import SyncResult, read_sync_file, sync_case
from tui.export_place import export_place
from tui.screens.file_dialog import FileDialog
from tui.screens.form_support import FormFields, field_row, form_foot
from tui.widgets.one_line_input import OneLineInput

if TYPE_CHECKING:
    from evidence.store import Store


class SyncDialog(FileDialog[SyncResult]):
    """Returns what the sync did (its conflicts too), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Sync"),
        Binding("escape", "cancel", "Cancel"),
    ]
    PATH_ID = "sync-path"
    ERROR_ID = "error-sync-path"
    JOB = "sync"

    def __init__(self, store: Store, case_id: str) -> None:
        super().__init__()
        self.store = store
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        base = self.store.sync_base(self.case_id)
        with Vertical(id="sync-dialog", classes="form-dialog"):
            yield Static(Text(f"Sync case {self.case_id} with a shared case file"),
                         classes="form-heading")
            with FormFields(id="form-fields"):
                yield Static(
                    "Both ways: the file's changes come in, yours go out (a new file is written). "
                    "Where both changed one thing, yours is kept and both are listed.",
                    classes="dialog-keys",
                )
                yield field_row(
                    "File",
                    OneLineInput(base.file if base else "", id="sync-path",
                                 placeholder="path to the case file in your git folder"),
                    field="sync-path",
                )
            yield form_foot(Button("Sync (ctrl+s)", id="sync", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    def on_mount(self) -> None:
        self.query_one("#sync-path", Input).focus()

    def action_submit(self) -> None:
        path = self.typed_target("give the path of the shared case file")  # a final '/' kept
        if path is None:
            return
        store, case_id = self.store, self.case_id

        def sync() -> SyncResult:
            problem = export_place().problem(Path(path))  # a served workbench: the server's files
            if problem is not None:
                raise ImportFailed(problem)
            return sync_case(store, read_sync_file(path, store.files), case_id)

        self.start(f"Syncing with {path} …", sync)
