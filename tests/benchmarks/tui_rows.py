"""The TUI's numbers: launch to first frame, and how long a key takes to reach the screen.

"A frame" is the app handing a rendered screen update to its driver
(``App._display``) outside a batch of updates: in headless mode Textual
renders exactly as it would for a terminal and only skips the final write,
and a frame rendered while updates are batched (as while an app mounts) is
never written to a terminal at all, so it does not count. Launch runs in a fresh process per
try, timed from just before the parent starts it to the first frame that shows
the case, against a hello-world Textual app timed the same way. The weigh app
runs as bare ``weigh`` does: that first frame is either the workbench's own
(its matrix has rows) or the picture of it the last clean exit saved, drawn
before the rest loads when everything it depends on still matches
(``tui.first_frame``; a test holds it identical, cell for cell, to the
workbench's first frame that follows). The time until the workbench itself is
up is measured in the same launch and reported beside it. Both apps run as
installed, from bytecode: pip, pipx and uv compile a package's ``.pyc`` files
when they install it, so a launch that compiled weigh's source every time
(``PYTHONDONTWRITEBYTECODE=1``, as in some sandboxes) would time the compiler,
not weigh. One untimed launch of each app fills a bytecode cache in the work
directory first; weigh's also exits cleanly after its workbench is drawn, as
every timed one does, which saves the picture the next launch may show.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

from tests.benchmarks.timing import clock, median

SIZE = (160, 48)
KEY_TIMEOUT = 3.0


def _ready(app: Any) -> bool:
    """The weigh app's workbench shows a case: its main screen's matrix has rows."""
    matrix = getattr(app.screen, "matrix", None)
    try:
        return matrix is not None and matrix.row_count > 0
    except Exception:  # the screen is still being composed
        return False


def _shows_case(app: Any) -> bool:
    """The frame shows the case: the workbench's, or the saved picture of its first frame."""
    from tui.first_frame import FirstFrameScreen

    screen = app.screen
    return (isinstance(screen, FirstFrameScreen) and screen.case_id is not None) or _ready(app)


def child_launch(kind: str, db: str, state: str) -> None:
    """Run one app headless; print the system-wide monotonic times of its first frame,
    of its first frame showing the case and of the workbench's first, with CPU seconds."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    original = App._display

    first: list[float] = []
    stamps: dict[str, float] = {}

    def display(self: App[Any], screen: Any, renderable: Any) -> None:
        batched = self._batch_count > 0  # Textual then renders, but writes nothing
        original(self, screen, renderable)
        if renderable is not None and not batched and not getattr(self, "_bench_done", False):
            now = time.monotonic()
            first.append(now)
            # CPU seconds of the whole child so far: what load on the machine cannot inflate
            if "frame" not in stamps and (kind == "hello" or _shows_case(self)):
                stamps.update(frame=now, cpu=time.process_time())
            if kind == "hello" or _ready(self):
                stamps.update(real=now, cpu_real=time.process_time())
                self._bench_done = True  # type: ignore[attr-defined]
                print(json.dumps({"first": first[0], **stamps}), flush=True)
                self.exit()

    App._display = display  # type: ignore[method-assign]
    if kind == "hello":

        class Hello(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("Hello, world")

        app: App[Any] = Hello()
    else:
        from tui.app import WeighApp

        app = WeighApp(Path(db), state_file=Path(state), first_frame=True)  # as bare `weigh`
    app.run(headless=True, size=SIZE)


class Launches(NamedTuple):
    """One entry per timed launch, in seconds."""

    shown: list[float]  # to the first frame showing the case (the picture or the workbench)
    first: list[float]  # to the first frame of any kind (a blank start-up screen counts)
    cpu: list[float]  # the child's CPU time up to ``shown``
    real: list[float]  # to the workbench's own first frame
    real_cpu: list[float]  # the child's CPU time up to ``real``


EDIT = """
import sys
from evidence.store import Store
store = Store.open(sys.argv[1])
case = store.case(store.case_ids()[0])
eid, hid = case.evidence[0].id, case.hypotheses[0].id
store.set_rating(case.id, eid, hid, "I" if case.evidence[0].ratings.get(hid) == "C" else "C")
store.close()
"""


def edit_and_draw_next(db: Path, state: Path, root: Path, env: dict[str, str]) -> None:
    """What an editing session leaves behind: a rating flipped by a process that then
    exits (closing compacts the journal into a new file), then the next start's picture
    drawn by the process such an exit starts (``tui.next_picture``); both untimed."""
    for args in (["-c", EDIT, str(db)],
                 ["-m", "tui.next_picture", str(db), str(state), *map(str, SIZE)]):
        subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True,
                       timeout=120, check=True)


def launch_seconds(kind: str, db: Path, state: Path, reps: int, root: Path, *,
                   after_edits: bool = False) -> Launches:
    """Time ``reps`` launches of one app (see :class:`Launches`); ``after_edits``: each
    after an editing session (:func:`edit_and_draw_next`)."""
    env = dict(os.environ, PYTHONPATH=str(root), XDG_STATE_HOME=str(state.parent / "xdg"),
               PYTHONPYCACHEPREFIX=str(state.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = Launches([], [], [], [], [])
    for rep in range(reps + 1):  # the first fills the bytecode cache, untimed
        if after_edits and rep:
            edit_and_draw_next(db, state, root, env)
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.child", "launch", kind, str(db), str(state)],
            cwd=root, env=env, capture_output=True, text=True, timeout=120,
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"{kind} app: {(proc.stderr.strip().splitlines() or ['no frame'])[-1]}")
        stamps = json.loads(lines[-1])
        if rep == 0:
            continue
        out.shown.append(stamps["frame"] - start)
        out.first.append(stamps["first"] - start)
        out.cpu.append(stamps["cpu"])
        out.real.append(stamps["real"] - start)
        out.real_cpu.append(stamps["cpu_real"])
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
