"""The weigh Textual app: opens the database, shows the workbench or why not."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import get_current_worker

from evidence.errors import WeighError
from hypotheses import gc_policy
from hypotheses.visible import visible
from tui.commands import WeighCommands
from tui.control_filter import DropControls
from tui.held_keys import HeldKeys
from tui.key_order import KeyHandled, KeyOrder
from tui.opening import Opened, open_workbench
from tui.state_file import (
    default_state_file,
    export_folder,
    remember_case,
    remember_export_folder,
    remember_import_folder,
)

if TYPE_CHECKING:  # imported when the first screen is made (see get_default_screen)
    from textual.widget import Widget

    from evidence.store import Store
    from tui.screens.import_dialog import ImportDialog
    from tui.screens.main import MainScreen
    from tui.screens.open_error import OpenErrorScreen


class WeighApp(App[int]):
    """An ACH workbench on one database; the store stays open while it runs."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss"]  # forms.tcss comes with the first dialog
    TITLE = "weigh"
    COMMANDS: ClassVar = App.COMMANDS | {WeighCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (every edit is already saved)"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                tooltip="Command palette: every action by name"),
    ]

    class DatabaseOpened(Message):
        """The worker opened the database (or found why it cannot): fill the workbench."""

        def __init__(self, opened: Opened) -> None:
            super().__init__()
            self.opened = opened

    def __init__(self, db_path: Path, *, state_file: Path | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.state_file = state_file or default_state_file()
        self.store: Store | None = None
        self.close_error: str | None = None
        self._drop_controls = DropControls()
        self.key_order = KeyOrder()
        self._gc_paused = False  # True from the first screen's build to the first frame showing the case
        self.quit_question: Screen[bool] | None = None  # ctrl+q's question, while a form's changes wait

    def get_default_screen(self) -> Screen[None]:
        """The first screen is the workbench's shell, its panels loading (keys typed now
        wait for the case): Textual composes, lays out and draws it as it starts, with
        no blank screen of its own under it to build first. The cyclic garbage
        collector is paused from here until the case is drawn (:meth:`_started`).

        Start-up makes a hundred thousand objects and nearly all of them stay as
        long as the app (modules, classes, pydantic validators, the open case): the
        collector walking them again and again delayed the first frame, and found
        next to nothing.
        """
        from tui.screens.main import MainScreen

        self._gc_paused = gc_policy.pause()
        return MainScreen(self.db_path, self.size)

    def get_loading_widget(self) -> Widget:
        """The panels' loading indicator, still while a quick open ends (``StillLoading``)."""
        from tui.widgets.still_loading import StillLoading

        return StillLoading()

    def on_ready(self) -> None:
        """The shell's first frame is on screen: open the database in a worker now, not after
        the screen's next quiet refresh (Textual's start-up resizes and the loading
        indicators kept it busy for a frame or two)."""
        self._open_database()

    @work(thread=True, exclusive=True, group="open")
    def _open_database(self) -> None:
        """Blocking: open the store and score the case, off the event loop."""
        opened = open_workbench(self.db_path, self.state_file)
        if get_current_worker().is_cancelled:  # the app is closing: nobody will show it
            if opened.session is not None:
                opened.session.store.close()
            return
        self.post_message(self.DatabaseOpened(opened))

    def on_weigh_app_database_opened(self, message: DatabaseOpened) -> None:
        from tui.screens.main import MainScreen

        opened, shell = message.opened, self.screen
        if opened.session is None:
            from tui.screens.open_error import OpenErrorScreen

            held = shell.held.drop() if isinstance(shell, MainScreen) else 0
            # over the shell, which a retry goes back to (Textual cannot switch away from
            # the first screen)
            self.push_screen(OpenErrorScreen(opened.error or "", self.db_path,
                                             damaged=opened.damaged, rescued=opened.rescued))
            if held:
                self.notify(f"{held} key{'s' if held != 1 else ''} typed while the database "
                            f"opened {'was' if held == 1 else 'were'} not used", severity="warning")
            self._started()
        else:
            self.store = opened.session.store
            self.call_after_refresh(self._started)
            if isinstance(shell, MainScreen):
                shell.show_session(opened.session, opened.export_folder)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the case opens, ctrl+p waits with the other keys (the workbench holds them)."""
        from tui.screens.main import MainScreen

        if action == "command_palette" and isinstance(self.screen, MainScreen):
            return self.screen.loaded or None
        return True

    async def on_event(self, event: events.Event) -> None:
        """A key typed while the key before it is still being handled waits for it
        (``KeyOrder``)."""
        if self.key_order.hold(event):
            if self.key_order.stalled():
                self.post_message(KeyHandled())
            return
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self._send_key(event)
            return
        await super().on_event(event)

    async def _send_key(self, event: events.Key | events.Paste) -> None:
        target = self.focused or self.screen
        await super().on_event(event)
        self.key_order.sent(target)

    async def on_key_handled(self, message: KeyHandled) -> None:
        """The key before is handled: send the next, once the screen it goes to is up."""
        message.stop()
        if not self.screen.is_mounted:  # a dialog still opening: wait for it to mount
            self.key_order.sent(self.screen)
            return
        waiting = self.key_order.handled()
        if waiting is not None:
            await self._send_key(waiting)

    def _started(self) -> None:
        """The case is drawn: freeze what start-up built out of the collector's way
        (the workbench froze the case already, ``gc_policy.settle``) and let it run again."""
        was_enabled, self._gc_paused = self._gc_paused, False
        gc_policy.resume(was_enabled)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text with control characters shown: messages quote user text."""
        super().notify(
            visible(message, lines=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the guard that keeps control characters off the terminal."""
        return [*super().get_line_filters(), self._drop_controls]

    def on_main_screen_case_opened(self, message: MainScreen.CaseOpened) -> None:
        """The workbench opened a case: reopen it next time, and once it is drawn, get the
        first edit ready."""
        self.remember_case(message.case_id)
        self.call_after_refresh(self._ready_first_edit)

    def _ready_first_edit(self) -> None:
        """Load the edit records' classes and build their validators, which the first frame
        did not need (opening a database types no record) and the first edit would otherwise
        wait for."""
        from evidence.operations import build_validators

        build_validators()

    def on_main_screen_export_written(self, message: MainScreen.ExportWritten) -> None:
        remember_export_folder(self.state_file, message.path.parent)

    def on_import_dialog_imported(self, message: ImportDialog.Imported) -> None:
        """The first export is offered where the imported file came from."""
        from tui.screens.main import MainScreen

        remember_import_folder(self.state_file, message.path.parent)
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.export_folder = export_folder(self.state_file)

    def on_open_error_screen_reopen(self, message: OpenErrorScreen.Reopen) -> None:
        """Back to the shell under the error screen, its panels still loading and holding
        keys again, and the database opened again."""
        from tui.screens.main import MainScreen

        if self.screen is message.screen:
            self.pop_screen()
        if isinstance(self.screen, MainScreen):
            self.screen.held = HeldKeys()
        self.call_after_refresh(self._open_database)  # once the shell is on screen

    def remember_case(self, case_id: str) -> None:
        """Reopen this case next time weigh starts on this database."""
        remember_case(self.state_file, self.db_path, case_id)

    def keep_view(self) -> None:
        """Keep the open case's model, sort and focused cell for the next run."""
        from tui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen) and screen.loaded and screen.case_id is not None:
                screen.session.keep_view(screen.matrix.current())

    def close_store(self) -> None:
        """Fold the journal into the file and release the lock (idempotent)."""
        store, self.store = self.store, None
        if store is not None:
            try:
                store.close()
            except WeighError as exc:
                self.close_error = str(exc)

    async def action_quit(self) -> None:
        """Quit; a form holding changes not saved asks first (its text would be lost)."""
        from tui.screens.unsaved import DISCARD_AND_QUIT, HoldsTyping

        if self.quit_question is not None:  # asked already: y or n answers it
            return
        if not any(isinstance(screen, HoldsTyping) and screen.has_changes()
                   for screen in self.screen_stack):
            self.quit_now()
            return
        from tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            self.quit_question = None
            if discard:
                self.quit_now()

        self.quit_question = ConfirmScreen(DISCARD_AND_QUIT, default=False)
        self.push_screen(self.quit_question, answered)

    def quit_now(self) -> None:
        """Keep the view for next time, close the database, exit."""
        self.keep_view()
        self.close_store()
        code = 0 if self.close_error is None else 1
        self.exit(code, return_code=code)

    def on_unmount(self) -> None:
        self._started()  # never leave the collector paused, even with no frame drawn
        self.close_store()


def run_app(db_path: Path) -> int:
    """Run the TUI on ``db_path`` until the user quits; the exit status."""
    app = WeighApp(db_path)
    result = app.run()
    app.close_store()
    if app.close_error:
        print(visible(f"weigh: {app.close_error}"), file=sys.stderr)  # it names a path
        return 1
    return app.return_code or int(result or 0)
