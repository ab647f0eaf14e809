"""What the export and import dialogs share: one file job in a thread, its errors in the dialog.

While the job runs the dialog is busy (a second ctrl+s or escape does nothing);
a refusal or a bug is shown under the path field and the dialog stays open,
so the path can be fixed; success closes the dialog with the job's result (or, for an
import with a report, shows the report first: ``finished``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.widgets import Button, Input, Static

from evidence.errors import WeighError
from tui.screens.dialog import Dialog

T = TypeVar("T")


class FileDialog(Dialog[T | None], Generic[T]):
    """Subclasses compose a path Input (``PATH_ID``) with an error line (``ERROR_ID``),
    a ``#form-status`` line and buttons, and implement ``action_submit``."""

    PATH_ID: ClassVar[str] = "path"
    ERROR_ID: ClassVar[str] = "error-path"
    #: What the dialog does, for the message when an unexpected error stops it.
    JOB: ClassVar[str] = "the job"

    def __init__(self) -> None:
        super().__init__()
        self._busy = False

    def action_submit(self) -> None:
        """Check the fields, then ``start`` the job; override in subclasses."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
        else:
            self.action_submit()

    def typed_path(self, when_blank: str) -> Path | None:
        """The path field as an absolute path (``~`` expanded); None while a job runs, or when
        the field is blank (then ``when_blank`` is shown under it)."""
        typed = self.typed_target(when_blank)
        return None if typed is None else Path(typed)

    def typed_target(self, when_blank: str) -> str | None:
        """As :meth:`typed_path`, as text: a final '/' is kept (a ``Path`` drops it), so a
        path that names a folder can be refused as one."""
        if self._busy:
            return None
        raw = self.query_one(f"#{self.PATH_ID}", Input).value.strip()
        if not raw:
            self.show_error(when_blank)
            return None
        return os.path.join(os.getcwd(), os.path.expanduser(raw))

    def start(self, status: str, job: Callable[[], T]) -> None:
        """Run ``job`` in a thread; the dialog closes with its result or shows why it failed."""
        if self._busy:
            return
        self._busy = True
        self.show_error("")
        self.query_one("#form-status", Static).update(Text(status))
        self._run(job)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _run(self, job: Callable[[], T]) -> None:
        try:
            result = job()
        except WeighError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # a bug must not leave the dialog stuck and busy
            self.app.call_from_thread(self._failed, f"{self.JOB} failed: {type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self.finished, result)

    def finished(self, result: T) -> None:
        """The job is done: close with its result. A dialog whose job has something to say
        at length overrides this to say it first, where it can be read at leisure."""
        self.dismiss(result)

    def _failed(self, message: str) -> None:
        self._busy = False
        self.query_one("#form-status", Static).update("")
        self.show_error(message)
        self.query_one(f"#{self.PATH_ID}", Input).focus()

    def show_error(self, message: str) -> None:
        """The reason, under the path field, as plain text; the dialog stays open."""
        line = self.query_one(f"#{self.ERROR_ID}", Static)
        line.update(Text(message))
        line.set_class(bool(message), "-shown")
