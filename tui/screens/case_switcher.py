"""Open another case in the database, create an empty one, import a file, or delete one.

The list starts on the open case and marks it; a delete asks first and ``u``
in the list brings the case back (the store keeps nothing else to undo it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from evidence.errors import WeighError
from evidence.store import CaseSummary, Store
from hypotheses.models import Case
from hypotheses.visible import visible
from tui.screens.confirm import ConfirmScreen
from tui.screens.import_dialog import ImportDialog
from tui.screens.new_case_form import NewCaseForm

OPEN_MARK = "▶ "


def case_line(summary: CaseSummary, current: bool = False) -> Text:
    """One case in the list: the open mark, id, title (literal), and how much it holds."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(OPEN_MARK if current else " " * len(OPEN_MARK), style="bold")
    line.append(summary.id, style="bold")
    line.append("  ")
    line.append(visible(summary.title))
    hyps = "hypothesis" if summary.hypotheses == 1 else "hypotheses"
    line.append(f"  ({summary.hypotheses} {hyps}, {summary.evidence} evidence)", style="dim")
    return line


class CaseSwitcher(ModalScreen[str | None]):
    """Returns the id of the case to open (picked, created or imported), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New case"),
        Binding("i", "import_case", "Import file"),
        Binding("delete", "delete_case", "Delete case"),
        Binding("u", "undo_delete", "Undo delete"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, store: Store, current: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.deleted: list[Case] = []  # newest last: what u brings back

    def compose(self) -> ComposeResult:
        summaries = self.store.summaries()
        with Vertical(id="switcher-dialog", classes="form-dialog"):
            yield Static("Cases", classes="form-heading")
            yield OptionList(*self._options(summaries), id="case-list")
            yield Static("No cases yet." if not summaries else "", id="no-cases",
                         classes="dialog-keys")
            yield Static(
                f"{OPEN_MARK.strip()} open now · enter open · n new empty case · i import a file"
                " · del delete (asks; u undoes) · esc cancel",
                classes="dialog-keys",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("New (n)", id="new")
                yield Button("Import (i)", id="import")
                yield Button("Cancel (esc)", id="cancel")

    def _options(self, summaries: list[CaseSummary]) -> list[Option]:
        return [Option(case_line(s, s.id == self.current), id=s.id) for s in summaries]

    def _reload(self, highlight: str | None) -> None:
        """Redraw the list from the store, the cursor on ``highlight`` if listed."""
        summaries = self.store.summaries()
        options = self.query_one("#case-list", OptionList)
        options.clear_options()
        options.add_options(self._options(summaries))
        self.query_one("#no-cases", Static).update("No cases yet." if not summaries else "")
        ids = [s.id for s in summaries]
        if ids:
            options.highlighted = ids.index(highlight) if highlight in ids else 0

    def on_mount(self) -> None:
        options = self.query_one("#case-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def action_delete_case(self) -> None:
        options = self.query_one("#case-list", OptionList)
        if options.highlighted is None or not options.option_count:
            return
        case_id = options.get_option_at_index(options.highlighted).id
        assert case_id is not None
        summary = next(s for s in self.store.summaries() if s.id == case_id)
        hyps = "hypothesis" if summary.hypotheses == 1 else "hypotheses"
        self.app.push_screen(
            ConfirmScreen(f"Delete case {case_id} “{summary.title}” with {summary.hypotheses} "
                          f"{hyps} and {summary.evidence} evidence? (u in this list undoes)"),
            lambda yes: self._delete(case_id) if yes else None,
        )

    def _delete(self, case_id: str) -> None:
        index = self.query_one("#case-list", OptionList).highlighted or 0
        try:
            self.deleted.append(self.store.delete_case(case_id))
        except WeighError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        ids = self.store.case_ids()
        self._reload(ids[min(index, len(ids) - 1)] if ids else None)
        self.notify(f"Deleted case {case_id}: u brings it back", markup=False, timeout=4)

    def action_undo_delete(self) -> None:
        if not self.deleted:
            self.notify("Nothing to undo here", timeout=2)
            return
        case = self.deleted.pop()
        try:
            self.store.restore_case(case)  # recorded as a restore: the history says so
        except WeighError as exc:
            self.deleted.append(case)
            self.notify(str(exc), severity="error", markup=False)
            return
        self._reload(case.id)
        self.notify(f"Restored case {case.id}", markup=False, timeout=3)

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
