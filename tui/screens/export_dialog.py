"""Write the case out (summary, matrix, case file) to a path the user picks.

The writing runs in a thread, so a slow disk never freezes the screen; a
failure is shown in the dialog, which stays open so the path can be fixed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from evidence.db_files import EXPORT_IN_APP, DbFiles, export_target_problem
from evidence.export import write_export
from evidence.formats import EXPORT_FORMATS, file_format
from hypotheses.team import TEAM, is_team, lens_words
from tui.export_place import export_place
from tui.screens.confirm import ConfirmScreen
from tui.screens.file_dialog import FileDialog
from tui.screens.form_support import FormFields, field_row, form_foot, literal
from tui.widgets.one_line_input import OneLineInput
from tui.widgets.report_box import ReportBox

if TYPE_CHECKING:
    from hypotheses.models import Case


def default_path(case: Case, fmt: str, folder: Path | None = None) -> Path:
    """Where an export goes unless the user says otherwise: <folder or cwd>/<case id>.<ext>."""
    return (folder or Path.cwd()) / f"{case.id}.{file_format(fmt).extension}"


class ExportDialog(FileDialog[Path]):
    """Returns the path written, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Write"),
        Binding("escape", "cancel", "Cancel"),
    ]
    JOB = "export"

    def __init__(self, case: Case, model: str, as_of: date | None,
                 folder: Path | None = None, db: Path | None = None, lens: str = TEAM,
                 filtered: str | None = None) -> None:
        super().__init__()
        # whose matrix the summaries score (the lens on show), and whether the screen scores
        # only a filter's items (an export is of the whole case): said, so a report's verdict
        # is never mistaken for the screen's when they differ
        self.lens = lens
        self.filtered = filtered
        # where the last export went is offered again, unless exports go only to one folder
        self.folder = export_place().folder or folder
        self.db = DbFiles.at(db) if db is not None else None  # its files are never a target
        self.case = case
        self.model = model
        self.as_of = as_of
        self.fmt = "md"
        self._checking = False  # the path is being checked (a second ctrl+s waits for it)
        self._losses: dict[str, list[str]] = {}  # format → what it cannot hold of the case
        #: the format just written when it cannot hold all of the case, else "": the
        #: workbench's toast then says so in a line, and where the list is (this dialog)
        self.leaves_out = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="form-dialog"):
            yield Static(literal(f"Export {self.case.id}"), classes="form-heading")
            scope = f"model {self.model}" + (
                f", as of {self.as_of.isoformat()}" if self.as_of else ", all dates"
            ) + (f", {lens_words(self.case, self.lens)}" if is_team(self.case) else "") + (
                ", every item (not only the filter's)" if self.filtered else ""
            )
            with FormFields(id="form-fields"):  # scrolls on a short terminal; the buttons stay
                yield Static(Text(f"Summaries use {scope}."), classes="dialog-keys")
                with Horizontal(classes="field-row"):
                    yield Label("Format", classes="field-label")
                    yield Select(
                        [(f"{fmt.name:5} {fmt.label}", fmt.name) for fmt in EXPORT_FORMATS],
                        value=self.fmt,
                        allow_blank=False,
                        id="format",
                        classes="field-body",
                    )
                yield field_row(
                    "Path",
                    OneLineInput(str(default_path(self.case, self.fmt, self.folder)), id="path"),
                    field="path",
                )
                # what the chosen format cannot hold, as the CLI prints it: read before writing,
                # where the choice is made (in a toast it covered the next dialog's buttons)
                yield ReportBox("export-losses", id="export-losses-box")
            yield form_foot(Button("Write (ctrl+s)", id="write", variant="primary"),
                            Button("Cancel (esc)", id="cancel"))

    def on_mount(self) -> None:
        self.query_one("#format", Select).focus()
        self._find_losses(self.fmt)

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        """Keep the file name's extension in step with the format, if it still has the old one."""
        new = str(event.value)
        path_input = self.query_one("#path", Input)
        old_suffix = "." + file_format(self.fmt).extension
        if path_input.value.endswith(old_suffix):
            path_input.value = path_input.value[: -len(old_suffix)] + "." + file_format(new).extension
        self.fmt = new
        self._find_losses(new)

    @work(thread=True, exclusive=True, exit_on_error=False, group="losses")
    def _find_losses(self, fmt: str) -> None:
        """In a thread (it reads every item of the case): what ``fmt`` cannot hold."""
        lost = self._losses.get(fmt)
        if lost is None:
            lost = self._losses[fmt] = file_format(fmt).loss_report(self.case)
        self.app.call_from_thread(self._show_losses, fmt, lost)

    def _show_losses(self, fmt: str, lost: list[str]) -> None:
        if fmt == self.fmt and self.is_attached:  # not another format meanwhile
            self.query_one(ReportBox).show(lost)
            self.call_after_refresh(self._fit_losses)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_losses)

    def _fit_losses(self) -> None:
        """The list gives up rows until the fields above it show whole (down to its frame and
        one line; it scrolls), and takes them back, up to seven lines, when the screen has
        room. Shorter still, the fields and the list scroll together under the heading, the
        buttons always on screen."""
        box = self.query_one(ReportBox)
        if not box.display or not box.has_class("-shown"):
            return
        body, dialog = self.query_one("#form-fields", FormFields), self.query_one("#export-dialog")
        spare = self.size.height - dialog.outer_size.height  # the screen's rows the dialog leaves
        change = -body.max_scroll_y if body.max_scroll_y > 0 else spare
        height = max(3, min(9, box.outer_size.height + change))
        if height != box.outer_size.height:
            box.styles.max_height = height

    def action_submit(self) -> None:
        """Check the path (in a thread: it may read the file there), ask before
        overwriting, then write in a thread."""
        typed = self.typed_target("give a file name to write to")
        if typed is None or self._checking:
            return
        self._checking = True
        self._check(typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def _check(self, typed: str) -> None:
        path = Path(typed)
        problem: str | None
        try:
            problem = export_place().problem(path) or export_target_problem(typed, self.db, EXPORT_IN_APP)
            exists = problem is None and path.exists()
        except OSError as exc:  # the folder went away meanwhile, say: the write would fail too
            problem, exists = f"{path}: cannot be checked ({exc.strerror or exc})", False
        except ValueError:  # a pasted NUL: no file name holds one
            problem, exists = "the path holds a NUL character, which no file name can", False
        except Exception as exc:  # a bug must not leave the dialog waiting for ever
            problem, exists = f"the path could not be checked: {type(exc).__name__}: {exc}", False
        self.app.call_from_thread(self._checked, path, problem, exists)

    def _checked(self, path: Path, problem: str | None, exists: bool) -> None:
        self._checking = False
        if self.app.screen is not self:  # cancelled while the check ran
            return
        if problem is not None:
            self.show_error(problem)
            return
        self.show_error("")  # this path is fine: a refusal of the one typed before goes
        if exists:
            self.app.push_screen(
                ConfirmScreen(f"{path} exists. Overwrite it?"),
                lambda yes: self._start(path) if yes else None,
            )
            return
        self._start(path)

    def _start(self, path: Path) -> None:
        case, fmt, model, as_of, db = self.case, self.fmt, self.model, self.as_of, self.db

        def job() -> Path:
            written = Path(write_export(case, fmt, path, model=model, as_of=as_of, db=db, lens=self.lens))
            lost = self._losses.get(fmt)
            if lost is None:
                lost = self._losses[fmt] = file_format(fmt).loss_report(case)
            self.leaves_out = fmt if lost else ""
            return written

        self.start(f"Writing {path} …", job)
