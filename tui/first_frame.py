"""The first frame, drawn from a picture saved by the last clean exit while the rest loads.

Bare ``weigh`` spends most of its start importing pydantic and the store,
validating the case and laying out the workbench. When the workbench first
shows a case, the app keeps that frame (every line of the screen as text and
style); when it then exits cleanly with the database as it found it, the
frame is saved beside the session state, with everything it depends on
(:func:`launch_conditions`): the build of weigh and Textual, the database
file's identity and an empty journal, the case and the view, the terminal
size, the look (theme, line filters) and the date (overdue indicators
depend on it). The next start draws that picture before it imports pydantic
or the store, if and only if all of those still hold and no other weigh is
editing the database (the real screen would carry a read-only banner), and
the real workbench then replaces it.

With no picture to show, a blank screen stands in its place, so the
workbench replaces a screen either way and its first frame comes out the
same (pushed straight from ``on_mount``, Textual lays it out a frame
differently). The picture is only a picture: keys pressed while it or the
blank screen is up are held and given, in order, to the workbench once its
first frame is drawn (to nothing else: if the database then fails to open,
they are dropped). A snapshot that
is missing, unreadable, too large, not a regular file of this user, of the
wrong shape, or holding a control character is ignored without a word: the
start is the ordinary one. If the workbench's first frame ever differs from
the picture shown, the saved file is removed at once. An exit that saves no
picture because its session edited the database starts a detached process
that draws the next start's first frame from a read-only store and saves it
(:mod:`tui.next_picture`).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from evidence.fsio import atomic_write, make_private_dirs
from evidence.lock import owner_pid
from hypotheses.scoring_models import DEFAULT_MODEL
from hypotheses.visible import without_controls
from tui.state_file import last_case

if TYPE_CHECKING:
    import subprocess

    from textual.app import App

    from evidence.store import Store

FILE_NAME = "first-frame.json"
FORMAT = "weigh-first-frame"
MAX_BYTES = 8 * 1024 * 1024  # a 400 × 120 terminal's frame is well under this
MAX_CELLS = 1_000_000  # width × height
#: The view a case opens in (the workbench session's defaults; a test holds them equal).
FRESH_VIEW: dict[str, object] = {
    "model": DEFAULT_MODEL, "sort": "date", "filter": "", "as_of": None, "score_shown": False,
}

Lines = list[list[tuple[str, int]]]  # each line: (text, index into the style table)


def snapshot_file(state_file: Path) -> Path:
    """Where the picture lives: beside the session state."""
    return state_file.parent / FILE_NAME


def database_files(db_path: Path) -> tuple[Path, Path]:
    """The database file the store opens (a symlink followed, as it does) and its journal."""
    target = Path(db_path).expanduser().absolute()
    if target.is_symlink():
        target = target.resolve()
    return target, target.with_name(target.name + ".journal")


def _build() -> list[object]:
    """What the frame was drawn by: the size and time of every weigh source and style
    file, Textual's and Rich's, and the Python version (any change: a new picture)."""
    import rich
    import textual

    import evidence
    import hypotheses
    import tui

    files: list[object] = [sys.version]
    for package in (tui, evidence, hypotheses):
        root = Path(package.__file__ or "").parent
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".tcss", ".json")):
                    st = os.stat(os.path.join(folder, name))
                    files.append([os.path.relpath(os.path.join(folder, name), root.parent),
                                  st.st_size, st.st_mtime_ns])
    for module in (textual, rich):
        st = os.stat(module.__file__ or "")
        files.append([module.__name__, st.st_size, st.st_mtime_ns])
    return files


def _look(app: App[Any]) -> dict[str, object]:
    """What colours the frame, beyond the widgets: theme and line filters."""
    return {
        "theme": app.theme,
        "ansi_color": app.ansi_color,
        "filters": [type(f).__qualname__ for f in app.get_line_filters()],
    }


def launch_conditions(app: App[Any], db_path: Path, state_file: Path, build: list[object]) -> (
        dict[str, object] | None):
    """What a picture must have been saved under to be this start's first frame, read
    from the files without opening the store; None when no picture can be (no database,
    a journal to replay, a database the store would not open for editing). The case is
    the one the session state names, if any: with the database unchanged, it decides
    which case the workbench opens."""
    db, journal = database_files(db_path)
    try:
        st = os.stat(db)
    except OSError:
        return None
    if not editable(db, st):
        return None
    try:
        if os.stat(journal).st_size:
            return None  # the store replays it: the picture was saved with none
    except FileNotFoundError:
        pass
    except OSError:
        return None
    return conditions(app, db_path, st, last_case(state_file, db_path), FRESH_VIEW, build)


def conditions(app: App[Any], db_path: Path, st: os.stat_result, case_id: str | None,
               view: dict[str, object], build: list[object]) -> dict[str, object]:
    """The match condition, as JSON would round-trip it."""
    return {
        "build": build,
        "db": str(Path(db_path).expanduser().absolute()),
        "db_file": file_id(st),
        "journal_empty": True,
        "case": case_id,  # the case the session state names (None: the database's default)
        "view": dict(view),
        "size": [app.size.width, app.size.height],
        "date": date.today().isoformat(),
        "look": _look(app),
    }


def editable(db: Path, st: os.stat_result) -> bool:
    """Whether the store could open this database file for editing, as far as the file
    and its folder tell (a regular file with one name, both writable): a start that
    cannot shows an error or a read-only workbench, never the picture (its mode, or
    its folder's, may change without changing the file's identity)."""
    return (stat.S_ISREG(st.st_mode) and st.st_nlink == 1
            and bool(st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            and os.access(db, os.W_OK) and os.access(db.parent, os.W_OK | os.X_OK))


def file_id(st: os.stat_result) -> list[int]:
    """Which file, and which version of it (as the store tells a changed database)."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_nlink]


def someone_editing(db_path: Path, released_by: int | None = None) -> bool:
    """Whether another live process may hold the writer lock (it stamps its PID in the
    lock file): then the workbench opens read-only, with a banner no picture has.
    ``released_by``: a process known to have let go of it (and not to take it again)."""
    db, _ = database_files(db_path)
    pid = owner_pid(db)
    if pid is None or pid in (os.getpid(), released_by):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False  # the last holder is gone (as after every clean exit)
    except OSError:
        return True  # alive, another user's (or unknown): no picture
    try:  # an exited holder its parent has not reaped yet (a zombie) holds no lock
        with open(f"/proc/{pid}/stat", "rb") as f:
            proc = f.read()
    except OSError:
        return True
    return proc[proc.rfind(b")") + 2:][:1] != b"Z"


def spawn_next_picture(db_path: Path, state_file: Path, size: tuple[int, int]) -> (
        subprocess.Popen[bytes] | None):
    """Start the detached process that draws and saves the next start's first frame
    (:mod:`tui.next_picture`)."""
    import subprocess

    args = [sys.executable, "-P", "-m", "tui.next_picture",
            str(Path(db_path).expanduser().absolute()), str(Path(state_file).absolute()),
            str(size[0]), str(size[1]), str(os.getpid())]
    try:
        return subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, cwd="/",
        )
    except OSError:
        return None  # no picture, no word: the next start is the ordinary one


def open_as_the_next_start_would(db_path: Path) -> Store:
    """The database opened read-only, if opening it for editing (as the next start
    will) would show the same: else a :class:`StoreError` (nothing is then drawn)."""
    from evidence.errors import StoreError
    from evidence.store import Store

    target, _ = database_files(db_path)
    try:
        st = os.stat(target)
    except OSError as exc:
        raise StoreError(f"{target}: {exc.strerror}") from None
    if not editable(target, st):
        raise StoreError(f"{target}: the next start could not edit it")
    store = Store.open(target, readonly=True)  # never creates, never locks
    try:
        if store.migrated_from is not None:
            raise StoreError(f"{target}: the next start migrates it first")
        if not store.case_ids() and not store.has_history():
            raise StoreError(f"{target}: the next start seeds it first")
        store._check_writable()  # the next start would refuse to edit it
    except BaseException:
        store.close()
        raise
    return store


# ----------------------------------------------------------------- the file


def encode(strips: list[Strip]) -> tuple[list[str], Lines]:
    """Strips as a table of styles (as Rich writes them: colours, attributes, link) and
    lines of (text, style index), runs of one style joined: two frames that put the
    same characters in the same styles on every cell encode the same. Meta (mouse
    data) is left out: it never reaches the terminal."""
    styles: dict[str, int] = {}
    lines: Lines = []
    for strip in strips:
        line: list[tuple[str, int]] = []
        for seg in strip:
            if seg.control or not seg.text:
                continue
            index = styles.setdefault(str(seg.style or ""), len(styles))
            if line and line[-1][1] == index:
                line[-1] = (line[-1][0] + seg.text, index)
            else:
                line.append((seg.text, index))
        lines.append(line)
    return list(styles), lines


def decode(data: object, width: int, height: int) -> list[Strip] | None:
    """The strips of a saved picture, or None unless every part is well formed: lines
    exactly ``width`` cells by ``height``, styles Rich parses (no links), no control
    character anywhere."""
    if not isinstance(data, dict):
        return None
    table, lines = data.get("styles"), data.get("lines")
    if not isinstance(table, list) or not isinstance(lines, list) or len(lines) != height:
        return None
    styles: list[Style] = []
    for text in table:
        if not isinstance(text, str) or len(text) > 200:
            return None
        try:
            style = Style.parse(text)
        except StyleSyntaxError:
            return None
        if style.link:
            return None
        styles.append(style)
    strips: list[Strip] = []
    for line in lines:
        if not isinstance(line, list):
            return None
        segments: list[Segment] = []
        for part in line:
            if not (isinstance(part, list) and len(part) == 2 and isinstance(part[0], str)
                    and type(part[1]) is int and 0 <= part[1] < len(styles)):
                return None
            if without_controls(part[0]) is not part[0]:
                return None  # the app never draws one: this file was not written by it
            segments.append(Segment(part[0], styles[part[1]]))
        if cell_len("".join(seg.text for seg in segments)) != width:
            return None
        strips.append(Strip(segments, width))
    return strips


def read_file(path: Path) -> object:
    """The JSON in the file, or None: only a regular file of this user, not a symlink,
    at most MAX_BYTES, is read at all."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        return json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)


def load(path: Path, wanted: dict[str, object]) -> tuple[list[Strip], str] | None:
    """The saved picture and the id of the case it shows, if it was saved under
    exactly ``wanted``."""
    data = read_file(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != wanted:
        return None
    shows, size = data.get("shows"), wanted["size"]
    if not isinstance(shows, str) or not isinstance(size, list) or len(size) != 2:
        return None
    width, height = int(size[0]), int(size[1])
    if width * height > MAX_CELLS:
        return None
    strips = decode(data, width, height)
    return None if strips is None else (strips, shows)


def save(path: Path, key: dict[str, object], shows: str, strips: list[Strip]) -> None:
    """Write the picture of case ``shows`` (atomic replace, mode 0600); an error only
    means no picture."""
    styles, lines = encode(strips)
    data = {"format": FORMAT, "key": key, "shows": shows, "styles": styles, "lines": lines}
    try:
        make_private_dirs(path.parent)
        atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    except OSError:
        pass


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


# --------------------------------------------------------------- the screen


class Picture(Widget):
    """The saved lines, drawn as they are (no styles of its own, no line filters: they
    were applied when the frame was first drawn); blank if the terminal is resized."""

    def __init__(self, strips: list[Strip] | None) -> None:
        super().__init__(id="first-frame")
        self.strips = strips or []

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.size.width
        if len(self.strips) != self.size.height or any(s.cell_length != width for s in self.strips[:1]):
            return [Strip.blank(crop.width)] * crop.height
        return [strip.crop(crop.x, crop.right) for strip in self.strips[crop.y:crop.bottom]]


class FirstFrameScreen(Screen[None]):
    """The last clean exit's first frame (or, with none to show, a blank screen), up
    until the workbench replaces it."""

    def __init__(self, strips: list[Strip] | None, case_id: str | None) -> None:
        super().__init__(id="first-frame-screen")
        self.strips = strips
        self.case_id = case_id

    def compose(self) -> Any:
        yield Picture(self.strips)


# ----------------------------------------------------------- the controller


class FirstFrame:
    """The app's side of it: show the picture, keep the workbench's first frame, hold
    keys until that frame is drawn, and save the frame at a clean exit."""

    def __init__(self, app: App[Any], db_path: Path, state_file: Path, *,
                 picture_only: bool = False) -> None:
        """``picture_only``: draw the next start's first frame, save it and exit (the
        app runs headless on a read-only store: :mod:`tui.next_picture`)."""
        self.app = app
        self.picture_only = picture_only
        self.before: list[int] | None = None  # picture_only: the database file before it is read
        self.saved = False  # the clean exit saved a picture
        self.released_by: int | None = None  # picture_only: the weigh that exited, still alive
        self.db_path = db_path
        self.path = snapshot_file(state_file)
        self.state_file = state_file
        self.watching = True  # until the workbench's first frame (or another screen's)
        self.shown: FirstFrameScreen | None = None
        self.held: list[events.Event] | None = None
        self.captured: tuple[dict[str, object], str, list[Strip]] | None = None
        self._build: list[object] | None = None
        self.start_case: str | None = None  # the case the session state named at start
        self.then: Callable[[], object] | None = None

    def build(self) -> list[object]:
        if self._build is None:
            self._build = _build()
        return self._build

    def show(self, then: Callable[[], object]) -> bool:
        """Put up the picture if it is this start's first frame, else a blank screen;
        whether it was the picture. Either way the workbench then replaces it, so its
        first frame is drawn the same way whether a picture was shown or not (pushed
        straight away, Textual lays its first frame out differently). ``then`` is called
        once that screen's first frame is drawn; keys are held from now on."""
        self.then = then
        self.held = []
        self.start_case = last_case(self.state_file, self.db_path)
        wanted = launch_conditions(self.app, self.db_path, self.state_file, self.build())
        if self.picture_only:
            return self._show_nothing(wanted)
        picture = None
        if wanted is not None and not someone_editing(self.db_path):
            picture = load(self.path, wanted)
        if picture is None:
            self.app.push_screen(FirstFrameScreen(None, None))
            return False
        self.shown = FirstFrameScreen(*picture)
        self.app.push_screen(self.shown)
        return True

    def _show_nothing(self, wanted: dict[str, object] | None) -> bool:
        """Picture only: the blank screen the next start puts up (with no picture), so the
        workbench's first frame is laid out as there; or, if no picture could be drawn
        now (no database, a journal to replay, another weigh editing), exit."""
        if wanted is None or someone_editing(self.db_path, self.released_by):
            self.app.call_later(self.app.exit)
            return False
        self.before = cast("list[int]", wanted["db_file"])
        self.app.push_screen(FirstFrameScreen(None, None))
        return False

    def hold(self, event: events.Event) -> bool:
        """Keep a key (or paste) that came before the workbench's first frame (while the
        picture or the blank screen is up); whether it was kept."""
        if self.held is None or not isinstance(event, (events.Key, events.Paste)):
            return False
        if event.is_forwarded:
            return False
        self.held.append(event)
        return True

    def drawn(self, screen: Screen[Any]) -> None:
        """A frame of ``screen`` went to the terminal."""
        if isinstance(screen, FirstFrameScreen):
            if self.then is not None:
                self.app.call_later(self.then)
                self.then = None
            return
        if type(screen) is Screen:
            return  # Textual's default screen
        from tui.screens.main import MainScreen

        self.watching = False
        if isinstance(screen, MainScreen) and screen.case_id is not None:
            self._capture(screen)
            self.app.call_later(self._release, True)
        else:
            self.app.call_later(self._release, False)
        if self.picture_only:
            self.app.call_later(self.app.exit)

    def _capture(self, screen: Any) -> None:
        strips = screen._compositor.render_strips()
        if self.shown is not None and encode(strips) != encode(self.shown.strips or []):
            forget(self.path)  # not the picture that was shown: never show it again
        if screen.store.readonly and not self.picture_only:
            return  # under a banner the next start would not have
        state = screen.session.view.state
        view = {"model": state.model, "sort": state.sort.name, "filter": state.filter_query,
                "as_of": None if state.as_of is None else state.as_of.isoformat(),
                "score_shown": state.score_shown}
        try:
            st = os.stat(database_files(self.db_path)[0])
        except OSError:
            return
        key = conditions(self.app, self.db_path, st, self.start_case, view, self.build())
        self.captured = (key, screen.case_id, strips)

    async def _release(self, deliver: bool) -> None:
        """Give the held keys to the app, in order, now that the workbench is drawn;
        keys that came meanwhile queued behind this call, so they follow."""
        held, self.held = self.held, None
        if deliver and held:
            for event in held:
                await self.app.on_event(event)

    def save(self, closed_cleanly: bool) -> None:
        """At exit, after the store closed: save the captured frame if the database is
        still the file it was drawn from, with an empty journal, and the next start
        opens the same case (the session state names the case it named at this start,
        or the case shown). Otherwise a saved picture cannot match: remove it."""
        if self.captured is None:
            return  # nothing drawn this time: what is saved is as good as before
        key = self.captured[0]
        if self.picture_only:
            if key["db_file"] == self.before and key["date"] == date.today().isoformat():
                self._save_if_current(forget_else=False)
            return  # never removes one: another weigh's exit may have saved it meanwhile
        if not closed_cleanly:
            forget(self.path)
            return
        self._save_if_current(forget_else=True)

    def _save_if_current(self, *, forget_else: bool) -> None:
        """Save the captured frame if the database is still the file it was drawn from, its
        journal empty, and the next start opens the same case; else (``forget_else``)
        remove any saved picture, which cannot match now."""
        assert self.captured is not None
        key, shows, strips = self.captured
        db, journal = database_files(self.db_path)
        try:
            now = os.stat(db)
            journal_size = os.stat(journal).st_size if os.path.lexists(journal) else 0
        except OSError:
            journal_size, now = -1, None
        next_case = last_case(self.state_file, self.db_path)
        if (journal_size or now is None or file_id(now) != key["db_file"]
                or next_case not in (key["case"], shows)):
            if forget_else:
                forget(self.path)
            return
        save(self.path, {**key, "case": next_case}, shows, strips)
        self.saved = True

    def next_start_needs_picture(self, closed_cleanly: bool) -> bool:
        """After a clean exit that saved no picture although the workbench was shown
        writable (the session edited the database, or the next start opens another
        case): whether to draw the next start's first frame now (:mod:`tui.next_picture`)."""
        return closed_cleanly and self.captured is not None and not self.saved and not self.picture_only
