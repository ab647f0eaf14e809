"""Open another case in the database, create an empty one, import a file, sync one with a
shared case file, or delete one.

The list starts on the open case and marks it; a delete asks first, and ``u``
in the list undoes the last delete (the store keeps nothing else to undo it) or
sync (its one recorded change). The deleted cases are kept by the workbench
(``deleted``), so ``u`` in the list opened again still brings one back: an escape
right after a delete must not make it final. A sync's outcome and conflicts stay on show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from evidence.errors import WeighError
from evidence.operations import Record
from hypotheses.models import Case
from hypotheses.visible import visible
from hypotheses.vocabulary import counted, listed
from tui.read_only import GuardsEdits, read_only_reason, say_why_refused_key
from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import Dialog
from tui.screens.import_dialog import ImportDialog
from tui.screens.new_case_form import NewCaseForm
from tui.screens.sync_dialog import SyncDialog
from tui.widgets.report_box import ReportBox

if TYPE_CHECKING:
    from evidence.importing import ImportResult
    from evidence.store import CaseSummary, Store
    from evidence.sync import SyncResult

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


class CaseSwitcher(GuardsEdits, Dialog[str | None]):
    """Returns the id of the case to open (picked, created or imported), or None."""

    #: What writes to the database.
    EDITS: ClassVar[frozenset[str]] = frozenset(
        {"new_case", "import_case", "sync_case", "delete_case", "undo"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New case"),
        Binding("i", "import_case", "Import file"),
        Binding("s", "sync_case", "Sync with file"),
        Binding("delete", "delete_case", "Delete case"),
        Binding("u", "undo", "Undo delete or sync"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, store: Store, current: str | None = None,
                 deleted: list[Case] | None = None) -> None:
        """``deleted``: the cases deleted in this list before, newest last (the workbench's
        own list, which this one adds to and takes back from)."""
        super().__init__()
        self.store = store
        self.current = current
        self.deleted = deleted if deleted is not None else []
        self.undoable: list[Case | Record] = []  # newest last: a deleted case, a sync, an import's
        self.reopen = False  # a sync (or its undo) changed the open case: show it anew

    def compose(self) -> ComposeResult:
        summaries = self.store.summaries()
        with Vertical(id="switcher-dialog", classes="form-dialog"):
            yield Static("Cases", classes="form-heading")
            yield OptionList(*self._options(summaries), id="case-list")
            yield Static("No cases yet." if not summaries else "", id="no-cases",
                         classes="dialog-keys")
            read_only = read_only_reason(self.store) is not None
            yield Static(
                f"{OPEN_MARK.strip()} open now · enter open · "
                + ("esc cancel · read-only: no case can be made, imported, synced or deleted"
                   if read_only else "n new empty case · i import a file · s sync with a shared "
                   "file · del delete (asks) · u undoes · esc cancel"),
                id="switcher-keys", classes="dialog-keys",
            )
            yield ReportBox("sync-result", id="sync-result-box")
            with Horizontal(classes="form-buttons"):
                yield Button("New (n)", id="new", disabled=read_only)
                yield Button("Import (i)", id="import", disabled=read_only)
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

    def edited_store(self) -> Store:
        return self.store

    def on_key(self, event: Key) -> None:
        """A key on what the read-only database refuses says why."""
        if self.store.readonly:
            say_why_refused_key(self, event)

    def action_delete_case(self) -> None:
        case_id = self._highlighted()
        if case_id is None:
            return
        summary = next(s for s in self.store.summaries() if s.id == case_id)
        hyps = "hypothesis" if summary.hypotheses == 1 else "hypotheses"
        self.app.push_screen(
            ConfirmScreen(f"Delete case {case_id} “{summary.title}” with {summary.hypotheses} "
                          f"{hyps} and {summary.evidence} evidence? (u in the case list undoes)"),
            lambda yes: self._delete(case_id) if yes else None,
        )

    def _highlighted(self) -> str | None:
        options = self.query_one("#case-list", OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def action_sync_case(self) -> None:
        case_id = self._highlighted()
        if case_id is not None:
            self.app.push_screen(SyncDialog(self.store, case_id), self._synced)

    def _synced(self, result: SyncResult | None) -> None:
        if result is None:
            return
        if result.record is not None:
            self.undoable.append(result.record)
            self.reopen = self.reopen or result.case_id == self.current
        self._reload(result.case_id)
        lines = [result.first, result.summary()]
        conflicts = counted(len(result.conflicts), "conflict")
        if result.conflicts:
            lines.append(f"{listed(len(result.conflicts), 'conflict', 'below')} with the value kept in "
                         "both (the other in the change log); u undoes the sync")
        lines += [f"note: {r.text()}" for r in result.renumbered]  # both kept: no conflict
        lines += [f"conflict: {c.text()}" for c in result.conflicts]
        self.query_one(ReportBox).show([line for line in lines if line])
        self.notify(result.summary() if not result.conflicts else
                    f"Synced with {conflicts}: listed here",
                    severity="warning" if result.conflicts else "information", markup=False)

    def edits_of(self, case_id: str) -> list[Record]:
        """The syncs and replacing imports of a case made here and not undone, oldest first
        (the workbench takes them onto its undo stack)."""
        return [r for r in self.undoable if isinstance(r, Record) and r.case == case_id]

    def _delete(self, case_id: str) -> None:
        index = self.query_one("#case-list", OptionList).highlighted or 0
        try:
            gone = self.store.delete_case(case_id)
        except WeighError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.undoable.append(gone)
        self.deleted.append(gone)
        ids = self.store.case_ids()
        self._reload(ids[min(index, len(ids) - 1)] if ids else None)
        self.notify(f"Deleted case {case_id}: u in the case list brings it back",
                    markup=False, timeout=4)

    def action_undo(self) -> None:
        """Undo this list's last delete or sync, else a delete made when it was open before."""
        here = bool(self.undoable)
        if not here and not self.deleted:
            self.notify("Nothing to undo here", timeout=2)
            return
        last = self.undoable[-1] if here else self.deleted[-1]
        try:
            if isinstance(last, Case):
                self.store.restore_case(last)  # recorded as a restore: the history says so
            else:
                self.store.revert(last)
        except WeighError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if here:
            self.undoable.pop()
        if isinstance(last, Case):
            self.deleted.remove(last)
        case_id = last.id if isinstance(last, Case) else last.case
        self.reopen = self.reopen or (not isinstance(last, Case) and case_id == self.current)
        self._reload(case_id)
        self.query_one(ReportBox).show([])
        said = f"Restored case {case_id}" if isinstance(last, Case) else (
            f"Undid the sync of {case_id} (the file keeps it: the next sync brings it back)")
        self.notify(said, markup=False, timeout=3)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"new": self.action_new_case, "import": self.action_import_case}.get(
            event.button.id or "", self.action_cancel
        )()

    def action_cancel(self) -> None:
        self.dismiss(self.current if self.reopen else None)

    def action_new_case(self) -> None:
        self.app.push_screen(NewCaseForm(self.store), self._created)

    def action_import_case(self) -> None:
        self.app.push_screen(ImportDialog(self.store), self._opened)

    def _created(self, case: Case | None) -> None:
        if case is not None:
            self.dismiss(case.id)

    def _opened(self, imported: ImportResult | None) -> None:
        if imported is None:
            return
        if imported.record is not None and imported.record.old is not None:
            self.undoable.append(imported.record)  # a replacement: u in the workbench undoes it
        self.dismiss(imported.case_id)
