"""The weigh Textual app: opens the database, shows the workbench or why not."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen

from evidence.errors import CorruptDatabase, DatabaseLocked, StoreError, WeighError
from evidence.lock import holder
from hypotheses import gc_policy
from hypotheses.visible import visible
from tui.commands import WeighCommands
from tui.control_filter import DropControls
from tui.first_frame import FirstFrame, FirstFrameScreen
from tui.key_order import KeyHandled, KeyOrder
from tui.state_file import (
    default_state_file,
    last_case,
    last_export_folder,
    remember_case,
    remember_export_folder,
)

if TYPE_CHECKING:  # imported when the app mounts (see on_mount)
    from evidence.store import Store
    from tui.screens.main import MainScreen
    from tui.screens.open_error import OpenErrorScreen


class WeighApp(App[int]):
    """An ACH workbench on one database; the store stays open while it runs."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "forms.tcss"]
    TITLE = "weigh"
    COMMANDS: ClassVar = App.COMMANDS | {WeighCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit (every edit is already saved)"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True,
                tooltip="Command palette: every action by name"),
    ]

    def __init__(self, db_path: Path, *, state_file: Path | None = None,
                 first_frame: bool = False, picture_only: bool = False) -> None:
        """``first_frame``: start from the picture the last clean exit saved, and save
        one at exit (bare ``weigh``; see :mod:`tui.first_frame`). ``picture_only``: draw
        the next start's first frame from a read-only store, save it and exit, writing
        nothing else (run headless after an editing session: :mod:`tui.next_picture`)."""
        super().__init__()
        self.db_path = Path(db_path)
        self.state_file = state_file or default_state_file()
        self.picture_only = picture_only
        self.first_frame = (FirstFrame(self, self.db_path, self.state_file, picture_only=picture_only)
                            if first_frame or picture_only else None)
        self.store: Store | None = None
        self.close_error: str | None = None
        self._drop_controls = DropControls()
        self.key_order = KeyOrder()
        self._gc_paused = False  # True from mounting to the first frame

    def on_mount(self) -> None:
        """Open the database and show the workbench, with the cyclic garbage collector
        paused until the first frame is drawn (:meth:`_started`).

        Start-up makes a hundred thousand objects and nearly all of them stay as
        long as the app (modules, classes, pydantic validators, the open case): the
        collector walking them again and again delayed the first frame, and found
        next to nothing. The store, pydantic and the workbench are imported
        here, not with this module, so that their import is part of that start-up.
        """
        self._gc_paused = gc_policy.pause()
        if self.first_frame is not None:
            # the workbench loads as soon as the picture (or blank screen) is drawn
            self.first_frame.show(then=self._open_behind_picture)
            self.set_timer(1.0, self._open_behind_picture)  # in case that frame never comes
            return
        try:
            self.open_database()
        finally:
            self.call_after_refresh(self._started)

    def _open_behind_picture(self) -> None:
        """The saved first frame (or a blank screen) is up: load the real one in its place."""
        if self.store is not None or not isinstance(self.screen, FirstFrameScreen):
            return  # loaded already
        try:
            self.open_database(replace=cast("Screen[None]", self.screen))
        finally:
            self.call_after_refresh(self._started)

    def _display(self, screen: Screen[object], renderable: object) -> None:
        """Textual's, then: the workbench's first frame is kept (see :mod:`tui.first_frame`).
        A frame rendered while Textual batches updates (as while the app mounts) never
        reaches the terminal: only the ones that do count."""
        batched = self._batch_count > 0
        super()._display(screen, renderable)  # type: ignore[arg-type]
        if (renderable is not None and not batched and self.first_frame is not None
                and self.first_frame.watching):
            self.first_frame.drawn(screen)

    async def on_event(self, event: events.Event) -> None:
        """A key pressed while the saved first frame is up waits for the workbench; one
        typed while the key before it is still being handled waits for it (``KeyOrder``)."""
        if self.first_frame is not None and self.first_frame.hold(event):
            return
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
        """The first frame is drawn: freeze what start-up built out of the collector's
        way (the workbench froze the case already, ``gc_policy.settle``) and let it run again."""
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

    def open_database(self, replace: Screen[None] | None = None) -> None:
        """Open (or create and seed) the database, then the last-used case."""
        from evidence.seed import DEFAULT_CASE_ID
        from tui.screens.main import MainScreen
        from tui.screens.open_error import OpenErrorScreen

        try:
            store = self._open_store()
        except StoreError as exc:
            screen: Screen[None] = OpenErrorScreen(
                str(exc), self.db_path, damaged=isinstance(exc, CorruptDatabase)
            )
        except WeighError as exc:  # e.g. the bundled case failed to load
            screen = OpenErrorScreen(str(exc), self.db_path, damaged=False)
        else:
            self.store = store
            wanted = last_case(self.state_file, self.db_path)
            ids = store.case_ids()
            if wanted not in ids:
                wanted = DEFAULT_CASE_ID if DEFAULT_CASE_ID in ids else (ids[0] if ids else None)
            screen = MainScreen(store, wanted, self.db_path, last_export_folder(self.state_file),
                                banner=not self.picture_only)
        self._show(screen, replace)

    def _open_store(self) -> Store:
        """For editing; if another weigh is editing it (a second window or browser tab of
        ``weigh serve``), read-only, with the reason the workbench shows on top."""
        from evidence.seed import open_store
        from evidence.store import Store

        if self.picture_only:
            from tui.first_frame import open_as_the_next_start_would

            return open_as_the_next_start_would(self.db_path)
        try:
            return open_store(self.db_path)
        except DatabaseLocked:
            store = Store.open(self.db_path, readonly=True)
        store.readonly_reason = (
            f"{holder(store.path)} is editing this database, so changes made here could not be "
            "saved; you see it as it was when this window opened. Close the other weigh and "
            "start weigh again to edit."
        )
        return store

    def _show(self, screen: Screen[None], replace: Screen[None] | None) -> None:
        if replace is not None:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_main_screen_case_opened(self, message: MainScreen.CaseOpened) -> None:
        """The workbench opened a case: reopen it next time. Once it is drawn, build what
        the first frame did not need and the first edit would otherwise wait for."""
        from evidence.operations import build_validators

        if self.picture_only:
            return  # writes nothing but the picture
        self.remember_case(message.case_id)
        self.call_after_refresh(build_validators)

    def on_main_screen_export_written(self, message: MainScreen.ExportWritten) -> None:
        remember_export_folder(self.state_file, message.path.parent)

    def on_open_error_screen_reopen(self, message: OpenErrorScreen.Reopen) -> None:
        self.open_database(replace=message.screen)

    def remember_case(self, case_id: str) -> None:
        """Reopen this case next time weigh starts on this database."""
        remember_case(self.state_file, self.db_path, case_id)

    def close_store(self) -> None:
        """Fold the journal into the file and release the lock (idempotent)."""
        store, self.store = self.store, None
        if store is not None:
            try:
                store.close()
            except WeighError as exc:
                self.close_error = str(exc)

    async def action_quit(self) -> None:
        self.close_store()
        code = 0 if self.close_error is None else 1
        self.exit(code, return_code=code)

    def on_unmount(self) -> None:
        self._started()  # never leave the collector paused, even with no frame drawn
        self.close_store()
        if self.first_frame is not None:
            self.first_frame.save(closed_cleanly=self.close_error is None)


def run_app(db_path: Path) -> int:
    """Run the TUI on ``db_path`` until the user quits; the exit status."""
    app = WeighApp(db_path, first_frame=True)
    result = app.run()
    app.close_store()
    if app.close_error:
        print(visible(f"weigh: {app.close_error}"), file=sys.stderr)  # it names a path
        return 1
    if app.first_frame is not None and app.first_frame.next_start_needs_picture(closed_cleanly=True):
        from tui.first_frame import spawn_next_picture

        spawn_next_picture(app.db_path, app.state_file, (app.size.width, app.size.height))
    return app.return_code or int(result or 0)
