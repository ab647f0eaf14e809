"""The saved first frame: drawn only when it is the workbench's first frame, cell for cell;
keys pressed while it is up reach the workbench in order; anything odd about the file
or what it depends on means the ordinary start, without a word.

Each Pilot test starts the app as bare ``weigh`` does (``first_frame=True``) on a
private state dir; the unit tests below them attack the file and the match
condition without an app running.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.strip import Strip

from evidence.store import Store
from tui import first_frame
from tui.app import WeighApp
from tui.edit_session import EditSession
from tui.first_frame import (
    FRESH_VIEW,
    FirstFrameScreen,
    database_files,
    decode,
    encode,
    launch_conditions,
    load,
    read_file,
    save,
    snapshot_file,
    someone_editing,
)
from tui.screens.main import MainScreen
from tui.screens.open_error import OpenErrorScreen

SIZE = (120, 36)
Frames = list[tuple[str, Any]]  # (screen class name, encoded frame)


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> Frames:
    """Every frame written to the terminal: its screen's class and the whole picture the
    terminal then shows (characters and styles, :func:`first_frame.encode`). A frame
    rendered while Textual batches updates is never written, so it is not one."""
    seen: Frames = []
    original = App._display

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        batched = self._batch_count > 0
        original(self, screen, renderable)
        if renderable is not None and not batched:
            seen.append((type(screen).__name__, encode(screen._compositor.render_strips())))

    monkeypatch.setattr(App, "_display", display)
    return seen


def cells(encoded: Any) -> list[list[tuple[str, str]]]:
    """Each cell of a frame: (character, style as Rich writes it)."""
    styles, lines = encoded
    return [[(ch, styles[i]) for text, i in line for ch in text] for line in lines]


async def run(db: Path, state: Path, *, size: tuple[int, int] = SIZE,
              during: Callable[[Any], Any] | None = None) -> WeighApp:
    """Start as bare weigh, wait for the workbench, optionally act, quit with ctrl+q."""
    app = WeighApp(db, state_file=state, first_frame=True)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        if during is not None:
            await during(pilot)
        await pilot.press("ctrl+q")
    return app


async def until(pilot: Any, done: Callable[[], bool]) -> None:
    for _ in range(200):
        if done():
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("never happened")


def first_of(frames: Frames, name: str) -> Any:
    return next(frame for kind, frame in frames if kind == name)


# ------------------------------------------------------------ the picture


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_picture_is_the_workbench_first_frame_cell_for_cell(
    db_path: Path, state_file: Path, frames: Frames, size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """And it reaches the terminal before the workbench starts loading (which holds
    the event loop, and so the terminal, until it is drawn)."""
    opened = WeighApp.open_database

    def open_database(self: WeighApp, replace: Any = None) -> None:
        frames.append(("loading", None))
        opened(self, replace)

    monkeypatch.setattr(WeighApp, "open_database", open_database)
    await run(db_path, state_file, size=size)
    assert snapshot_file(state_file).exists()
    ordinary = first_of(frames, "MainScreen")  # no picture yet: the workbench's own
    assert not any(kind == "FirstFrameScreen" and frame == ordinary for kind, frame in frames)
    frames.clear()
    await run(db_path, state_file, size=size)
    kinds = [kind for kind, _ in frames]
    assert kinds[:2] == ["FirstFrameScreen", "loading"] and "MainScreen" in kinds
    picture, real = frames[0][1], first_of(frames, "MainScreen")
    assert cells(picture) == cells(real)  # every character in its style
    assert picture == real == ordinary
    text = "".join(t for line in picture[1] for t, _ in line)
    assert "Istanbul" in text  # the case, not a blank screen


@pytest.mark.parametrize("picture", [True, False], ids=["picture", "blank screen"])
async def test_keys_pressed_before_the_workbench_is_drawn_reach_it_in_order(
    db_path: Path, state_file: Path, monkeypatch: pytest.MonkeyPatch, picture: bool
) -> None:
    """Whether the saved picture or (with none) a blank screen is up while it loads."""
    if picture:
        await run(db_path, state_file)
    loading = {"go": False}
    opened = WeighApp._open_behind_picture

    def open_later(self: WeighApp) -> None:  # the workbench loads when the test says
        if loading["go"]:
            opened(self)
        else:
            self.set_timer(0.01, lambda: open_later(self))

    monkeypatch.setattr(WeighApp, "_open_behind_picture", open_later)
    app = WeighApp(db_path, state_file=state_file, first_frame=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.05)
        assert isinstance(app.screen, FirstFrameScreen)
        assert (app.screen.case_id is not None) == picture
        assert app.store is None  # nothing loaded: the keys have nothing to act on yet
        for key in ("c", "down", "i", "down", "down", "n"):
            await pilot.press(key)
        assert isinstance(app.screen, FirstFrameScreen)
        loading["go"] = True
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.case is not None
        first = screen.case.hypotheses[0].id
        rows = list(screen.matrix.rows)
        got = {eid: screen.store.evidence(screen.case_id, eid).ratings.get(first)
               for eid in rows[:4]}
        assert (got[rows[0]], got[rows[1]], got[rows[3]]) == ("C", "I", "N")
        assert screen.matrix.current() == (rows[3], first)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_held_keys_are_dropped_when_the_database_then_fails_to_open(
    db_path: Path, state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They were meant for the workbench: the error screen's own keys (q quits) must
    not act on them."""
    from evidence.errors import StoreError

    await run(db_path, state_file)
    loading = {"go": False}
    opened = WeighApp._open_behind_picture

    def open_later(self: WeighApp) -> None:
        if loading["go"]:
            opened(self)
        else:
            self.set_timer(0.01, lambda: open_later(self))

    def fail(self: WeighApp) -> Store:
        raise StoreError("the disk went away")

    monkeypatch.setattr(WeighApp, "_open_behind_picture", open_later)
    monkeypatch.setattr(WeighApp, "_open_store", fail)
    app = WeighApp(db_path, state_file=state_file, first_frame=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.05)
        assert isinstance(app.screen, FirstFrameScreen)
        await pilot.press("q")
        loading["go"] = True
        await until(pilot, lambda: isinstance(app.screen, OpenErrorScreen))
        await pilot.pause(0.05)
        assert app.is_running and isinstance(app.screen, OpenErrorScreen)
        await pilot.press("q")  # pressed now, for this screen: it quits
    assert not app.is_running


async def test_an_editing_session_leaves_no_picture_and_the_next_saves_one(
    db_path: Path, state_file: Path, frames: Frames
) -> None:
    await run(db_path, state_file)
    picture = snapshot_file(state_file)
    assert picture.exists()

    async def rate(pilot: Any) -> None:
        await pilot.press("down", "c")

    await run(db_path, state_file, during=rate)  # the file changed: the picture is stale
    assert not picture.exists()
    frames.clear()
    await run(db_path, state_file)  # ordinary start (the edit shows), then a new picture
    assert "FirstFrameScreen" not in [k for k, f in frames if "Istanbul" in str(f)]
    assert picture.exists()


async def test_a_picture_that_is_not_the_first_frame_is_removed_as_soon_as_seen(
    db_path: Path, state_file: Path, frames: Frames
) -> None:
    """A safety net under the match condition: the picture was drawn, the workbench's
    first frame differs, so the file goes at once (the clean exit saves the right one)."""
    await run(db_path, state_file)
    path = snapshot_file(state_file)
    data = json.loads(path.read_text())
    line = data["lines"][1]
    line[0][0] = "X" + line[0][0][1:]
    path.write_text(json.dumps(data))
    frames.clear()
    gone: list[bool] = []

    async def look(pilot: Any) -> None:
        gone.append(not path.exists())

    await run(db_path, state_file, during=look)
    assert frames[0][0] == "FirstFrameScreen" and "X" in str(frames[0][1][1][1])
    assert gone == [True]
    assert json.loads(path.read_text())["lines"][1] != line  # saved again, right this time


async def test_another_weigh_editing_the_database_means_no_picture(
    db_path: Path, state_file: Path, frames: Frames
) -> None:
    """The workbench then opens read-only under a banner that no picture has."""
    await run(db_path, state_file)
    frames.clear()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time;from evidence.store import Store;"
         "s=Store.open(sys.argv[1]);print('ok',flush=True);time.sleep(60)", str(db_path)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        assert someone_editing(db_path)
        app = await run(db_path, state_file)
        assert "FirstFrameScreen" not in [kind for kind, f in frames if "Istanbul" in str(f)]
        assert app.return_code == 0
    finally:
        holder.kill()
        holder.wait()
    assert not someone_editing(db_path)  # its PID is still in the lock file, but it is gone


def test_a_holder_that_exited_but_is_not_reaped_yet_holds_no_lock(db_path: Path) -> None:
    """A zombie (its parent, say a closing terminal, has not waited for it yet) still
    answers kill(pid, 0), but the kernel dropped its lock when it exited."""
    from evidence.lock import lock_path_for

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        for _ in range(500):
            stat = Path(f"/proc/{child.pid}/stat").read_bytes()
            if stat[stat.rfind(b")") + 2:][:1] == b"Z":
                break
            time.sleep(0.01)
        else:
            raise AssertionError("the child never exited")
        lock_path_for(db_path).write_text(f"{child.pid:<20}\n")
        assert not someone_editing(db_path)
    finally:
        child.wait()
    lock_path_for(db_path).write_text(f"{os.getppid():<20}\n")  # alive: ours to respect
    assert someone_editing(db_path)


def test_the_view_a_picture_needs_is_the_one_a_case_opens_in(db_path: Path) -> None:
    store = Store.open(db_path, readonly=True)
    session = EditSession(store)
    session.open(store.case_ids()[0])
    state = session.view.state
    view = {"model": state.model, "sort": state.sort.name, "filter": state.filter_query,
            "as_of": state.as_of, "score_shown": state.score_shown}
    assert view == FRESH_VIEW


# ------------------------------------------------- the match condition, unit


def strips_of(width: int, height: int, text: str = "") -> list[Strip]:
    style = Style.parse("bold #e0e0e0 on #1e1e1e")
    rows = []
    for y in range(height):
        line = set_cell_size(text if y == 0 else f"row {y}", width)
        rows.append(Strip([Segment(line, style)], width))
    return rows


@pytest.fixture
def saved(db_path: Path, state_file: Path) -> tuple[WeighApp, dict[str, object], Path]:
    """A picture saved under this start's exact conditions (an app not running: its
    size is Textual's default)."""
    app = WeighApp(db_path, state_file=state_file, first_frame=True)
    wanted = launch_conditions(app, db_path, state_file, first_frame._build())
    assert wanted is not None
    width, height = app.size
    assert wanted["size"] == [width, height]
    path = snapshot_file(state_file)
    save(path, wanted, "istanbul-2022", strips_of(width, height, "the picture"))
    assert load(path, wanted) is not None
    return app, wanted, path


def again(app: WeighApp, db: Path, state: Path) -> bool:
    wanted = launch_conditions(app, db, state, first_frame._build())
    return wanted is not None and load(snapshot_file(state), wanted) is not None


def test_the_picture_matches_only_the_database_it_was_drawn_from(
    saved: tuple[WeighApp, dict[str, object], Path], db_path: Path, state_file: Path
) -> None:
    app, _, _ = saved
    assert again(app, db_path, state_file)
    st = db_path.stat()
    os.utime(db_path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same bytes, touched
    assert not again(app, db_path, state_file)


def test_a_database_the_store_would_not_edit_means_no_picture(
    saved: tuple[WeighApp, dict[str, object], Path], db_path: Path, state_file: Path
) -> None:
    """Its mode changes without changing the file's identity: that start shows an
    error, not the workbench."""
    app, _, _ = saved
    db_path.chmod(0o444)
    assert launch_conditions(app, db_path, state_file, []) is None
    db_path.chmod(0o600)
    assert again(app, db_path, state_file)
    os.link(db_path, db_path.with_name("other.json"))
    assert launch_conditions(app, db_path, state_file, []) is None


def test_a_journal_to_replay_means_no_picture(
    saved: tuple[WeighApp, dict[str, object], Path], db_path: Path, state_file: Path
) -> None:
    app, _, _ = saved
    _, journal = database_files(db_path)
    journal.write_bytes(b"x")
    assert launch_conditions(app, db_path, state_file, []) is None
    journal.write_bytes(b"")
    assert again(app, db_path, state_file)


def test_another_remembered_case_size_date_view_look_or_build_means_no_picture(
    saved: tuple[WeighApp, dict[str, object], Path], db_path: Path, state_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.state_file import remember_case

    app, wanted, path = saved
    for field, value in [("size", [81, 24]), ("view", {**FRESH_VIEW, "model": "other"}),
                         ("look", {**wanted["look"], "theme": "textual-light"}),  # type: ignore[dict-item]
                         ("build", [*wanted["build"], ["tui/new.py", 1, 1]])]:  # type: ignore[misc]
        assert load(path, {**wanted, field: value}) is None, field

    class Tomorrow(date):
        @classmethod
        def today(cls) -> Tomorrow:
            day = date.today() + timedelta(days=1)
            return cls(day.year, day.month, day.day)

    with monkeypatch.context() as m:
        m.setattr(first_frame, "date", Tomorrow)
        assert not again(app, db_path, state_file)
    assert again(app, db_path, state_file)
    remember_case(state_file, db_path, "another-case")
    assert not again(app, db_path, state_file)


def test_the_build_covers_every_weigh_source_and_style_file_and_textual() -> None:
    root = Path(first_frame.__file__).parents[1]
    names = {entry[0] for entry in first_frame._build() if isinstance(entry, list)}
    for package in ("tui", "evidence", "hypotheses"):
        for path in (root / package).rglob("*"):
            if path.suffix in (".py", ".tcss", ".json") and "__pycache__" not in path.parts:
                assert str(path.relative_to(root)) in names
    assert {"textual", "rich"} <= names


@pytest.mark.parametrize("attack", [
    "not json", "[]", '{"format": "weigh-first-frame"}', "deep nesting",
    "wrong key", "style index out of range", "style index a bool", "style not a style",
    "a link", "an escape", "a C1 control", "a short line", "a line too many", "text not text",
])
def test_a_hostile_or_damaged_picture_is_ignored(
    saved: tuple[WeighApp, dict[str, object], Path], attack: str
) -> None:
    _, wanted, path = saved
    data = json.loads(path.read_text())
    raw: str | None = None
    if attack in ("not json", "[]", '{"format": "weigh-first-frame"}'):
        raw = attack
    elif attack == "deep nesting":
        raw = "[" * 100_000
    elif attack == "wrong key":
        data["key"]["case"] = "someone-else"
    elif attack == "style index out of range":
        data["lines"][0][0][1] = len(data["styles"])
    elif attack == "style index a bool":
        data["lines"][0][0][1] = True
    elif attack == "style not a style":
        data["styles"][0] = "bold on on"
    elif attack == "a link":
        data["styles"][0] = "link https://example.invalid"
    elif attack == "an escape":
        data["lines"][0][0][0] = "\x1b[2J" + data["lines"][0][0][0][4:]
    elif attack == "a C1 control":
        data["lines"][0][0][0] = "\x9b" + data["lines"][0][0][0][1:]
    elif attack == "a short line":
        data["lines"][0][0][0] = data["lines"][0][0][0][:-1]
    elif attack == "a line too many":
        data["lines"].append(data["lines"][0])
    elif attack == "text not text":
        data["lines"][0][0][0] = 7
    path.write_text(raw if raw is not None else json.dumps(data))
    assert load(path, wanted) is None


def test_a_symlink_fifo_huge_or_foreign_file_is_not_read(
    saved: tuple[WeighApp, dict[str, object], Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, wanted, path = saved
    real = tmp_path / "elsewhere.json"
    real.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(real)
    assert load(path, wanted) is None  # never followed, even to a good picture
    path.unlink()
    os.mkfifo(path)
    assert read_file(path) is None  # no writer: a blocking open would hang here
    path.unlink()
    with path.open("wb") as f:
        f.truncate(first_frame.MAX_BYTES + 1)
    assert read_file(path) is None
    path.write_bytes(real.read_bytes())
    assert load(path, wanted) is not None
    monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 1)
    assert load(path, wanted) is None  # planted by another user


def test_encode_decode_round_trip_and_decode_checks_the_size() -> None:
    strips = strips_of(20, 3, "héllo 世界")
    styles, lines = encode(strips)
    data = json.loads(json.dumps({"styles": styles, "lines": lines}))
    back = decode(data, 20, 3)
    assert back is not None and encode(back) == encode(strips)
    assert decode(data, 21, 3) is None and decode(data, 20, 4) is None


# ------------------------------- after an editing session: tui.next_picture


def draw_next(db: Path, state: Path, size: tuple[int, int] = SIZE) -> subprocess.CompletedProcess[bytes]:
    """The process an editing session's exit starts (:func:`first_frame.spawn_next_picture`),
    waited for (the weigh that exited, this process, left its PID in the lock file)."""
    return subprocess.run(
        [sys.executable, "-P", "-m", "tui.next_picture", str(db), str(state), *map(str, size),
         str(os.getpid())],
        capture_output=True, timeout=120, cwd="/",
    )


async def rate(pilot: Any) -> None:
    await pilot.press("down", "c")


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_after_an_editing_session_the_next_start_shows_its_own_first_frame(
    db_path: Path, state_file: Path, frames: Frames, size: tuple[int, int]
) -> None:
    """The exit saves none (the file changed), asks for one, and the detached process
    draws it, printing nothing: the next start shows it and its workbench's first
    frame is that picture, cell for cell (edit and all)."""
    await run(db_path, state_file, size=size)
    app = await run(db_path, state_file, size=size, during=rate)
    picture = snapshot_file(state_file)
    assert not picture.exists()
    assert app.first_frame is not None and app.first_frame.next_start_needs_picture(True)
    done = draw_next(db_path, state_file, size)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert picture.exists()
    frames.clear()
    await run(db_path, state_file, size=size)
    assert frames[0][0] == "FirstFrameScreen"
    shown, real = frames[0][1], first_of(frames, "MainScreen")
    assert cells(shown) == cells(real) and shown == real
    assert "read-only" not in str(shown) and "Istanbul" in str(shown)
    assert picture.exists()  # not removed: it was the first frame
    store = Store.open(db_path, readonly=True)
    first = store.case(store.case_ids()[0])
    assert any(ev.ratings for ev in first.evidence)  # the edit is in it


async def test_a_session_without_edits_or_read_only_asks_for_no_picture(
    db_path: Path, state_file: Path
) -> None:
    app = await run(db_path, state_file)  # seeded copy: saves a picture at exit itself
    app = await run(db_path, state_file)
    assert snapshot_file(state_file).exists()
    assert app.first_frame is not None and not app.first_frame.next_start_needs_picture(True)
    assert not app.first_frame.next_start_needs_picture(False)


async def test_the_picture_process_never_takes_the_lock_and_writes_only_the_picture(
    db_path: Path, state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evidence.lock import WriterLock
    from tui import next_picture

    await run(db_path, state_file, during=rate)
    folder = {p: p.read_bytes() for p in db_path.parent.rglob("*") if p.is_file()}

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the picture process took the writer lock")

    monkeypatch.setattr(WriterLock, "acquire", refuse)
    assert await asyncio.to_thread(next_picture.main, [str(db_path), str(state_file), "120", "36"]) == 0
    after = {p: p.read_bytes() for p in db_path.parent.rglob("*") if p.is_file()}
    assert set(after) - set(folder) == {snapshot_file(state_file)}
    assert all(after[p] == data for p, data in folder.items())


async def test_a_weigh_started_right_away_edits_as_usual(
    db_path: Path, state_file: Path, frames: Frames
) -> None:
    """It opens the database for editing while the picture is being drawn; whatever the
    picture process then does, a picture the next start shows is its first frame."""
    await run(db_path, state_file, during=rate)
    child = first_frame.spawn_next_picture(db_path, state_file, SIZE)
    assert child is not None
    try:
        assert os.getsid(child.pid) == child.pid  # detached: its own session
        seen: list[bool] = []

        async def edit(pilot: Any) -> None:
            screen = pilot.app.screen
            seen.append(screen.store.readonly or bool(screen.query("#readonly-banner")))
            await pilot.press("down", "down", "i")

        await run(db_path, state_file, during=edit)
        assert seen == [False]
    finally:
        child.wait(timeout=120)
    frames.clear()
    await run(db_path, state_file)
    real = first_of(frames, "MainScreen")
    assert all(frame == real for kind, frame in frames
               if kind == "FirstFrameScreen" and "Istanbul" in str(frame))
    assert "I" in str(real)


def bad_time(db: Path, state: Path, attack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make one thing wrong for the picture process."""
    from evidence.lock import lock_path_for
    from tui.state_file import remember_case

    _, journal = database_files(db)
    if attack == "a journal to replay":
        journal.write_bytes(b"x")
    elif attack == "another weigh editing":
        lock_path_for(db).write_text(f"{os.getppid():<20}\n")
    elif attack == "two names":
        os.link(db, db.with_name("other.json"))
    elif attack == "a read-only file":
        db.chmod(0o444)
    elif attack == "no database":
        db.unlink()
    elif attack in ("changed while drawn", "another case named meanwhile"):
        captured = first_frame.FirstFrame._capture

        def capture(self: first_frame.FirstFrame, screen: Any) -> None:
            captured(self, screen)
            if attack == "changed while drawn":
                st = db.stat()
                os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
            else:
                remember_case(state, db, "another-case")

        monkeypatch.setattr(first_frame.FirstFrame, "_capture", capture)


@pytest.mark.parametrize("attack", [
    "a journal to replay", "another weigh editing", "two names", "a read-only file",
    "no database", "changed while drawn", "another case named meanwhile",
])
async def test_hostile_conditions_mean_no_picture_and_nothing_removed_or_created(
    db_path: Path, state_file: Path, monkeypatch: pytest.MonkeyPatch, attack: str
) -> None:
    from tui import next_picture

    await run(db_path, state_file, during=rate)
    picture = snapshot_file(state_file)
    old = b'{"an":"older picture: only a start that shows it may remove it"}'
    picture.write_bytes(old)
    bad_time(db_path, state_file, attack, monkeypatch)
    names = sorted(db_path.parent.iterdir())
    got = await asyncio.to_thread(next_picture.main, [str(db_path), str(state_file), "120", "36"])
    assert got == 1
    assert picture.read_bytes() == old
    assert sorted(db_path.parent.iterdir()) == names  # nothing created (no database, no lock)


def test_bad_arguments_draw_nothing(tmp_path: Path) -> None:
    from tui import next_picture

    db, state = str(tmp_path / "w.json"), str(tmp_path / "state.json")
    for argv in ([], [db, state, "x", "24"], [db, state, "80", "0"], [db, state, "5000", "5000"],
                 [db, state, "80", "24", "pid"]):
        assert next_picture.main(argv) == 2
    assert list(tmp_path.iterdir()) == []


def test_the_picture_process_is_bounded_in_time(db_path: Path, state_file: Path) -> None:
    """A draw that never finishes is ended by SIGALRM after TIME_LIMIT seconds."""
    import signal

    code = ("import sys, time, tui.next_picture as n, tui.app as a\n"
            "n.TIME_LIMIT = 1\n"
            "async def hang(*args, **kwargs): time.sleep(120)\n"
            "a.WeighApp.run_async = hang\n"
            "sys.exit(n.bounded(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", code, str(db_path), str(state_file), "80", "24"],
                          capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGALRM
    assert not snapshot_file(state_file).exists()


def test_bare_weigh_starts_the_picture_process_after_an_editing_session(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run_app`` as bare weigh runs it (headless here, keys from a pilot): the exit
    returns at once, with the picture process started for the terminal's size."""
    from tui import app as app_module
    from tui.state_file import default_state_file

    async def edit(pilot: Any) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.press("down", "c", "ctrl+q")

    running = WeighApp.run
    monkeypatch.setattr(WeighApp, "run", lambda self: running(
        self, headless=True, size=(100, 30), auto_pilot=edit))
    started: list[Any] = []
    spawn = first_frame.spawn_next_picture
    monkeypatch.setattr(first_frame, "spawn_next_picture",
                        lambda *args: started.append((args, spawn(*args))))
    assert app_module.run_app(db_path) == 0
    [((db, state, size), child)] = started
    assert (db, state, size) == (db_path, default_state_file(), (100, 30))
    assert child.wait(timeout=120) == 0
    assert snapshot_file(state).exists()
