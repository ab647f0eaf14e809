"""The TUI's numbers: launch to first frame, and how long a key takes to reach the screen.

Launch runs the real thing in a fresh process per try: bare ``weigh`` (``python -m
tui.cli --db DB``) on a pseudo-terminal of the benchmark's size, against a
hello-world Textual app run the same way. The parent reads what the app writes to
the terminal and stamps the moment a frame's text first appears there: for weigh,
the workbench's shell (its case bar says it is opening the database) and then the
frame showing the case (its title in the case bar, drawn with the ranking and the
matrix in one frame); for hello world, its greeting. Time runs from just before the
parent starts the process; then it sends ctrl+q and the app quits as a user's would.
Both apps run as installed, from bytecode: pip, pipx and uv compile a package's
``.pyc`` files when they install it, so a launch that compiled weigh's source every
time (``PYTHONDONTWRITEBYTECODE=1``, as in some sandboxes) would time the compiler,
not weigh. One untimed launch of each app fills a bytecode cache in the work
directory first.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any, NamedTuple

from tests.benchmarks.timing import clock, median

SIZE = (160, 48)
KEY_TIMEOUT = 3.0
LAUNCH_TIMEOUT = 60.0
SHELL_MARK = "opening…"  # the workbench's case bar until the database is open
HELLO = "Hello, world"
# CSI, OSC, DCS, charset and two-character escape sequences: what is left is the text
_ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=$ ]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)"
                      r"|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|.)")


def _ready(app: Any) -> bool:
    """The weigh app's workbench shows a case: its main screen's matrix has rows."""
    matrix = getattr(app.screen, "matrix", None)
    try:
        return matrix is not None and matrix.row_count > 0
    except Exception:  # the screen is still being composed
        return False


def run_hello() -> None:
    """The baseline: the smallest Textual app, run as weigh is (a real terminal)."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Hello(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(HELLO)

    Hello().run()


def screen_text(written: bytes) -> str:
    """The text an app wrote to its terminal, its escape sequences dropped."""
    return _ESCAPES.sub("", written.decode("utf-8", errors="ignore"))


class Launch(NamedTuple):
    """One launch, in seconds from just before the process started."""

    shell: float  # the first frame with the shell's mark (hello world: its greeting)
    shown: float  # the first frame showing the case (hello world: its greeting)
    cpu: float  # the child's CPU seconds by ``shown``, when the system says (else nan)


def _cpu_seconds(pid: int) -> float:
    """A running process's user + system CPU seconds (Linux's /proc; nan elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launch_once(argv: list[str], marks: tuple[str, str], root: Path, env: dict[str, str]) -> Launch:
    """Start ``argv`` on a pseudo-terminal of :data:`SIZE` and time the first appearance
    of each mark (the shell's, then the case's) in what it writes; then quit it."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    start = time.monotonic()
    # Textual draws on stderr (stdout stays free for the app's own output)
    proc = subprocess.Popen(argv, cwd=root, env=dict(env, TERM="xterm-256color"), stdin=slave,
                            stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    written = b""
    seen: list[float] = []  # when each mark first showed, in order
    cpu = float("nan")
    try:
        while len(seen) < 2:
            if time.monotonic() - start > LAUNCH_TIMEOUT:
                raise RuntimeError(f"no frame showing {marks[len(seen)]!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the terminal closed: the app ended
                chunk = b""
            now = time.monotonic()
            if not chunk:
                said = screen_text(written).strip().splitlines() or ["exited before its frame"]
                raise RuntimeError(said[-1][:200])
            written += chunk
            text = screen_text(written)
            while len(seen) < 2 and marks[len(seen)] in text:
                seen.append(now - start)
                if len(seen) == 2:
                    cpu = _cpu_seconds(proc.pid)
        os.write(master, b"\x11")  # ctrl+q
        _drain(master, proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return Launch(seen[0], seen[1], cpu)


def _drain(master: int, proc: subprocess.Popen[bytes]) -> None:
    """Read the terminal until the app has quit, so it never blocks writing to it."""
    deadline = time.monotonic() + LAUNCH_TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 1 << 16)
            except OSError:
                break
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=LAUNCH_TIMEOUT)


class Launches(NamedTuple):
    """One entry per timed launch, in seconds."""

    shown: list[float]  # to the first frame showing the case
    shell: list[float]  # to the workbench's first frame, its shell (hello world: = shown)
    cpu: list[float]  # the child's CPU time up to ``shown``


def case_title(db: Path) -> str:
    """What the frame showing the case has in its case bar: the start of the case's title."""
    from evidence.seed import DEFAULT_CASE_ID
    from evidence.store import Store

    with Store.open(db, readonly=True) as store:
        ids = store.case_ids()
        title = store.case(DEFAULT_CASE_ID if DEFAULT_CASE_ID in ids else ids[0]).title
    return title[:40]


def launch_seconds(kind: str, db: Path, state: Path, reps: int, root: Path) -> Launches:
    """Time ``reps`` launches of one app, ``weigh`` or ``hello`` (see :class:`Launches`)."""
    env = dict(os.environ, PYTHONPATH=str(root), XDG_STATE_HOME=str(state.parent / "xdg"),
               PYTHONPYCACHEPREFIX=str(state.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if kind == "hello":
        argv = [sys.executable, "-m", "tests.benchmarks.child", "hello"]
        marks = (HELLO, HELLO)
    else:
        argv = [sys.executable, "-m", "tui.cli", "--db", str(db)]
        marks = (SHELL_MARK, case_title(db))
    out = Launches([], [], [])
    for rep in range(reps + 1):  # the first fills the bytecode cache, untimed
        launch = launch_once(argv, marks, root, env)
        if rep:
            out.shown.append(launch.shown)
            out.shell.append(launch.shell)
            out.cpu.append(launch.cpu)
    return out


def _changing_key(app: Any) -> tuple[str, Any]:
    """A rating key that changes the focused cell (pressing its current code redraws
    nothing), and a test that is true once the store holds the new code."""
    screen = app.screen
    eid, hid = screen.matrix.current()
    current = screen.store.evidence(screen.case_id, eid).ratings.get(hid)
    key, code = ("i", "I") if current == "C" else ("c", "C")
    return key, lambda: screen.store.evidence(screen.case_id, eid).ratings.get(hid) == code


def _moving_key(app: Any, key: str) -> tuple[str, Any]:
    """A cursor key, and a test that is true once the cursor has moved."""
    matrix = app.screen.matrix
    before = matrix.cursor_coordinate
    return key, lambda: matrix.cursor_coordinate != before


async def _interact(db: Path, state: Path, presses: int) -> dict[str, Any]:
    from textual.app import App

    from tui.app import WeighApp

    # (clock, CPU seconds) as each frame drawn after the pending key had taken effect
    # was handed to the driver: what the terminal would show from then on
    frames: list[tuple[float, float]] = []
    original = App._display
    took_effect: list[Any] = [lambda: True]

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        original(self, screen, renderable)
        if renderable is not None and took_effect[0]():
            frames.append((clock(), time.process_time()))

    App._display = display  # type: ignore[method-assign]
    app = WeighApp(db, state_file=state)

    slow: list[str] = []  # keys that took more than 100 ms, for the report

    missed: list[str] = []  # keys after which no frame came within KEY_TIMEOUT
    cpu_s: list[float] = []  # CPU seconds of this process from each key to its frame
    timed: list[tuple[str, float, float]] = []  # every key: (key, ms, CPU ms), for profiling

    async def key_to_frame(pilot: Any, choose: Any) -> float | None:
        """Seconds from the key reaching the app to the first frame drawn after the key
        took effect (a frame some earlier refresh drew does not count), stamped as the
        frame is handed to the driver: work the app queues behind the frame (a
        collection deferred until the frame is out) does not delay what the user sees.

        ``choose(app)`` picks the key once the app has settled, so it sees the
        state the key will act on. The key goes in as the terminal driver would
        send it; Pilot.press is not used for the timing because it also sleeps
        until the process idles.
        """
        from textual import events

        await pilot.pause()  # settle: nothing of the previous key still pending
        key, effect = choose(app)
        took_effect[0] = effect
        seen = len(frames)
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        start = clock()
        cpu = time.process_time()
        app._driver.send_message(event)
        while len(frames) == seen:
            if clock() - start > KEY_TIMEOUT:
                # nothing redrawn (the key changed nothing): note it, do not time it
                missed.append(key)
                return None
            await asyncio.sleep(0.0002)
        frame_at, frame_cpu = frames[seen]
        took = frame_at - start
        cpu_s.append(frame_cpu - cpu)  # this process's own work: what load cannot inflate
        timed.append((key, round(took * 1000, 2), round(cpu_s[-1] * 1000, 2)))
        if took > 0.1:
            slow.append(f"{key} {took * 1000:.0f} ms")
        return took

    try:
        async with app.run_test(size=SIZE) as pilot:
            start = clock()
            while not _ready(app):
                if clock() - start > 60:
                    raise RuntimeError("the case never appeared")
                await pilot.pause(0.01)
            await pilot.pause()
            rating: list[float | None] = []

            def down(app: Any) -> tuple[str, Any]:
                return _moving_key(app, "down")

            for k in range(presses):
                rating.append(await key_to_frame(pilot, _changing_key))
                if k % 4 == 3:
                    await key_to_frame(pilot, down)
            scroll = [await key_to_frame(pilot, down) for _ in range(presses)]
            pages = max(4, presses // 4)
            scroll += [await key_to_frame(pilot, lambda app, k=k: _moving_key(
                app, ("pagedown", "pageup")[k % 2])) for k in range(pages)]
            rating_s = [t for t in rating if t is not None]
            scroll_s = [t for t in scroll if t is not None]
            if not rating_s or not scroll_s:
                raise RuntimeError(f"no frame after any of the keys {missed}")
            views = await _view_keys(app, pilot, key_to_frame, max(3, presses // 4))
            await pilot.press("ctrl+q")
    finally:
        App._display = original  # type: ignore[method-assign]
    out: dict[str, Any] = {
        "rate_median_s": median(rating_s), "rate_max_s": max(rating_s),
        "scroll_median_s": median(scroll_s), "scroll_max_s": max(scroll_s),
        "slow": slow, "missed": missed,
        "cpu_median_s": median(cpu_s), "cpu_max_s": max(cpu_s), "keys": timed,
    }
    for what, times in views.items():
        done = [t for t in times if t is not None]
        out[f"{what}_median_s"] = median(done) if done else float("nan")
        out[f"{what}_max_s"] = max(done) if done else float("nan")
    return out


VIEW_KEYS = ("sort", "asof", "model", "filter")


def _changes(app: Any, key: str, read: Any) -> tuple[str, Any]:
    """``key``, and a test that is true once ``read(screen)`` differs from now."""
    screen = app.screen
    before = read(screen)
    return key, lambda: read(screen) != before


async def _view_keys(app: Any, pilot: Any, key_to_frame: Any, reps: int) -> dict[str, list[Any]]:
    """Key to frame for the keys that change the whole view: sort (s), one as-of step
    ([ then ]), model cycle (m) and each typed character of a filter (/ then text)."""
    times: dict[str, list[Any]] = {k: [] for k in VIEW_KEYS}

    def sort(screen: Any) -> str:
        return str(screen.session.view.state.sort.name)

    def model(screen: Any) -> str:
        return str(screen.session.view.state.model)

    def stop(screen: Any) -> int:
        return int(screen.session.view.state.stop)

    def query(screen: Any) -> str:
        return str(screen.session.view.state.filter_query)

    for _ in range(reps):
        times["sort"].append(await key_to_frame(pilot, lambda a: _changes(a, "s", sort)))
        times["model"].append(await key_to_frame(pilot, lambda a: _changes(a, "m", model)))
        times["asof"].append(await key_to_frame(
            pilot, lambda a: _changes(a, "left_square_bracket", stop)))
        times["asof"].append(await key_to_frame(
            pilot, lambda a: _changes(a, "right_square_bracket", stop)))
    for _ in range(max(1, reps // 2)):
        await pilot.press("slash")
        for char in "#kyiv":
            times["filter"].append(await key_to_frame(pilot, lambda a, c=char: _changes(a, c, query)))
        await pilot.press("ctrl+u")  # all items again (not timed: one more rebuild like the above)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    return times


def child_interact(db: str, state: str, presses: str) -> None:
    """Rate and scroll in the app on ``db``; print the key-to-frame times as JSON."""
    result = asyncio.run(_interact(Path(db), Path(state), int(presses)))
    print(json.dumps(result), flush=True)
