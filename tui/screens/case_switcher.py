"""Open another case in the database, create an empty one, or import a file."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from evidence.store import CaseSummary, Store
from hypotheses.models import Case
from tui.screens.import_dialog import ImportDialog
from tui.screens.new_case_form import NewCaseForm


def case_line(summary: CaseSummary) -> Text:
    """One case in the list: id, title (literal), and how much it holds."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(summary.id, style="bold")
    line.append("  ")
    line.append(summary.title)
    hyps = "hypothesis" if summary.hypotheses == 1 else "hypotheses"
    line.append(f"  ({summary.hypotheses} {hyps}, {summary.evidence} evidence)", style="dim")
    return line


class CaseSwitcher(ModalScreen[str | None]):
    """Returns the id of the case to open (picked, created or imported), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New case"),
        Binding("i", "import_case", "Import file"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        summaries = self.store.summaries()
        with Vertical(id="switcher-dialog", classes="form-dialog"):
            yield Static("Cases", classes="form-heading")
            yield OptionList(
                *[Option(case_line(s), id=s.id) for s in summaries], id="case-list"
            )
            if not summaries:
                yield Static("No cases yet.", id="no-cases", classes="dialog-keys")
            yield Static(
                "enter open · n new empty case · i import a file · esc cancel",
                classes="dialog-keys",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("New (n)", id="new")
                yield Button("Import (i)", id="import")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#case-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"new": self.action_new_case, "import": self.action_import_case}.get(
            event.button.id or "", self.action_cancel
        )()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_new_case(self) -> None:
        self.app.push_screen(NewCaseForm(self.store), self._created)

    def action_import_case(self) -> None:
        self.app.push_screen(ImportDialog(self.store), self._opened)

    def _created(self, case: Case | None) -> None:
        if case is not None:
            self.dismiss(case.id)

    def _opened(self, case_id: str | None) -> None:
        if case_id is not None:
            self.dismiss(case_id)
