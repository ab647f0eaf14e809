"""The base of the export and import dialogs: busy while the job runs, errors kept in the dialog."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static
from textual.worker import WorkerCancelled

from evidence.errors import WeighError
from tests.tui.host import Host, shown, workers_done
from tui.screens.file_dialog import FileDialog


class JobDialog(FileDialog[str]):
    """A dialog whose job is given by the test."""

    JOB = "the test job"

    def __init__(self, job: Callable[[Path], str]) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-dialog"):
            yield Input(id="path")
            yield Static("", id="error-path", classes="field-error", markup=False)
            yield Static("", id="form-status", classes="form-status")
            with Horizontal(classes="form-buttons"):
                yield Button("Go", id="go")
                yield Button("Cancel", id="cancel")

    def action_submit(self) -> None:
        path = self.typed_path("give a path")
        if path is None:
            return
        self.start(f"Working on {path} …", lambda: self.job(path))

    def key_ctrl_s(self) -> None:
        self.action_submit()

    def key_escape(self) -> None:
        self.action_cancel()


async def test_busy_while_the_job_runs_then_closes_with_its_result(tmp_path: Path) -> None:
    release, calls = threading.Event(), []

    def job(path: Path) -> str:
        calls.append(path)
        release.wait(10)
        return path.name

    app = Host(lambda: JobDialog(job))
    async with app.run_test() as pilot:
        await pilot.press("ctrl+s")
        assert shown(app, "#error-path") == "give a path"
        await pilot.press(*"~/x.txt", "enter")
        await pilot.pause()
        assert shown(app, "#form-status") == f"Working on {Path.home() / 'x.txt'} …"
        assert shown(app, "#error-path") == ""  # the old error is cleared
        await pilot.press("ctrl+s", "escape")  # busy: neither a second job nor a cancel
        await pilot.click("#cancel")
        await pilot.pause()
        assert isinstance(app.screen, JobDialog) and app.results == []
        release.set()
        with contextlib.suppress(WorkerCancelled):  # closing the dialog ends its worker
            await workers_done(app)
        await pilot.pause()
        assert app.results == ["x.txt"]
    assert calls == [Path.home() / "x.txt"]


async def test_a_refusal_and_a_bug_are_shown_and_the_dialog_stays(tmp_path: Path) -> None:
    answers: list[Exception] = [WeighError("no room on the disk"), KeyError("oops")]

    def job(path: Path) -> str:
        raise answers.pop(0)

    app = Host(lambda: JobDialog(job))
    async with app.run_test() as pilot:
        await pilot.press(*"rel.txt", "enter")
        await workers_done(app)
        await pilot.pause()
        assert shown(app, "#error-path") == "no room on the disk"
        assert shown(app, "#form-status") == ""
        assert app.focused is app.screen.query_one("#path")
        await pilot.click("#go")
        await workers_done(app)
        await pilot.pause()
        assert shown(app, "#error-path") == "the test job failed: KeyError: 'oops'"
        await pilot.press("escape")  # no longer busy: escape cancels
        await pilot.pause()
    assert app.results == [None]
