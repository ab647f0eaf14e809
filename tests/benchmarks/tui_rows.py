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

Keys are timed the same way, on the real thing: ``weigh`` on a pseudo-terminal, its
output kept as the screen a terminal would show (:class:`TextScreen`). Once the app has
settled, the parent writes a key's bytes and stamps the moment the output that shows the
key's effect arrives: the focused cell's new rating in the detail pane, another item at
the top of the detail pane after a cursor key, the sort or the filter in the top line,
the model or the as-of date on their lines. A frame that does not show the effect yet
(the cursor's highlight, a style and no text, or the filter's field echoing the key)
does not count. The app's CPU per key is read from Linux's per-thread schedstat.
"""

from __future__ import annotations

import codecs
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
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from rich.cells import cell_len

from tests.benchmarks.hello import GREETING
from tests.benchmarks.timing import clock, median

SIZE = (160, 48)
KEY_TIMEOUT = 3.0
LAUNCH_TIMEOUT = 60.0
SHELL_MARK = "opening…"  # the workbench's case bar until the database is open
# CSI, OSC, DCS, charset and two-character escape sequences: what is left is the text
_ESCAPES = re.compile(r"\x1b(\[[0-9;?<>=$ ]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)"
                      r"|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|.)")


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


def _env(root: Path, state: Path) -> dict[str, str]:
    """The environment weigh runs in: its own state folder beside ``state``, from bytecode."""
    env = dict(os.environ, PYTHONPATH=str(root), XDG_STATE_HOME=str(state.parent / "xdg"),
               PYTHONPYCACHEPREFIX=str(state.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _app(kind: str, db: Path) -> tuple[list[str], tuple[str, str]]:
    """How to start ``weigh`` or ``hello``, and the marks of its two frames."""
    if kind == "hello":
        return [sys.executable, "-m", "tests.benchmarks.hello"], (GREETING, GREETING)
    return [sys.executable, "-m", "tui.cli", "--db", str(db)], (SHELL_MARK, case_title(db))


def launch_seconds(kind: str, db: Path, state: Path, reps: int, root: Path) -> Launches:
    """Time ``reps`` launches of one app, ``weigh`` or ``hello`` (see :class:`Launches`)."""
    return launch_pairs((kind,), db, state, reps, root)[0]


def launch_pairs(kinds: tuple[str, ...], db: Path, state: Path, reps: int, root: Path) -> list[Launches]:
    """Time ``reps`` launches of each app, taking turns (hello, weigh, hello, …), so a change
    in the machine's load falls on both alike; one :class:`Launches` per kind."""
    env = _env(root, state)
    apps = [_app(kind, db) for kind in kinds]
    out = [Launches([], [], []) for _ in kinds]
    for rep in range(reps + 1):  # the first fills the bytecode cache, untimed
        for (argv, marks), runs in zip(apps, out, strict=True):
            launch = launch_once(argv, marks, root, env)
            if rep:
                runs.shown.append(launch.shown)
                runs.shell.append(launch.shell)
                runs.cpu.append(launch.cpu)
    return out


# What a key sends down the terminal, as xterm and Textual's input parser spell it.
KEY_BYTES = {"down": b"\x1b[B", "pagedown": b"\x1b[6~", "pageup": b"\x1b[5~", "slash": b"/",
             "left_square_bracket": b"[", "right_square_bracket": b"]", "ctrl+u": b"\x15",
             "escape": b"\x1b", "ctrl+q": b"\x11"}
QUIET = 0.15  # seconds without output after which the app is taken to have settled
VIEW_KEYS = ("sort", "asof", "model", "filter")

Lines = list[str]  # what the terminal shows, one string a row
Choice = tuple[str, Callable[[Lines], bool]]  # a key, and whether a screen shows its effect


def _focused_rating(lines: Lines) -> str:
    """The focused cell's code, from the detail pane's ratings (``▸ H1   CC  very consistent``)."""
    found = next((m for line in lines if (m := re.search(r"│ ▸ \S+\s+(\S+)", line))), None)
    return found[1] if found else ""


def _focused_item(lines: Lines) -> str:
    """The focused item's id: the first word of the detail pane, below the top line."""
    found = next((m for line in lines[1:] if (m := re.search(r"│ (\S+) ", line))), None)
    return found[1] if found else ""


def _line_with(mark: str) -> Callable[[Lines], str]:
    """The left part (before the detail pane) of the first row holding ``mark``."""
    return lambda lines: next((ln.split("│")[0] for ln in lines if mark in ln), "")


def _sort(lines: Lines) -> str:
    found = re.search(r"sort: (\S+)", lines[0])
    return found[1] if found else ""


def _query(lines: Lines) -> str:
    """The filter the view applies, as the top line says it (none: empty)."""
    found = re.match(r" weigh .*? filter  (.*?) · \d", lines[0])
    return found[1] if found else ""


def _changing_key(lines: Lines) -> Choice:
    """A rating key that changes the focused cell (pressing its current code redraws
    nothing), and a test that is true once the screen shows the new code."""
    key, code = ("i", "I") if _focused_rating(lines) == "C" else ("c", "C")
    return key, lambda now: _focused_rating(now) == code


def _changes(key: str, read: Callable[[Lines], str]) -> Callable[[Lines], Choice]:
    """Choose ``key``, whose effect shows once ``read(screen)`` differs from before it."""

    def choose(lines: Lines) -> Choice:
        before = read(lines)
        return key, lambda now: read(now) != before

    return choose


def _moving_key(key: str) -> Callable[[Lines], Choice]:
    """A cursor key: its effect shows once the detail pane shows another item."""
    return _changes(key, _focused_item)


def _schedstat_cpu(pid: int) -> float:
    """A running process's CPU seconds so far, summed over its threads (Linux's
    schedstat, in nanoseconds: a key's few milliseconds are below /proc/PID/stat's tick)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


# What moves the cursor or clears the screen; every other escape sequence (styles, modes)
# changes no character shown and is dropped.
_MOVES = re.compile(r"\x1b\[(\d*)(?:;(\d*))?H|\x1b\[2J|\r|\n")
_PARTIAL = re.compile(r"\x1b(\[[0-9;?<>=$ ]*|\][^\x07\x1b]*|P[^\x1b]*|[()])?\Z")
_CONTROLS = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f]")


class TextScreen:
    """The characters a terminal shows, fed the bytes an app writes to it: as much of a
    VT100 as Textual's drawing uses (cursor position, carriage return, line feed, clear,
    text by cell width; styles and modes change no character and are dropped)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [[" "] * width for _ in range(height)]
        self.x = self.y = 0
        self.held = ""  # an escape sequence cut by the end of the last read
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def lines(self) -> Lines:
        return ["".join(row) for row in self.rows]

    def feed(self, data: bytes) -> None:
        text = self.held + self.decoder.decode(data)
        cut = _PARTIAL.search(text)
        self.held, text = (text[cut.start():], text[:cut.start()]) if cut else ("", text)
        at = 0
        for move in _MOVES.finditer(text):
            self._write(text[at:move.start()])
            at = move.end()
            token = move[0]
            if token == "\r":
                self.x = 0
            elif token == "\n":
                self.y = min(self.y + 1, self.height - 1)
            elif token == "\x1b[2J":
                self.rows = [[" "] * self.width for _ in range(self.height)]
            else:
                self.y = min(max(int(move[1] or 1), 1), self.height) - 1
                self.x = min(max(int(move[2] or 1), 1), self.width) - 1
        self._write(text[at:])

    def _write(self, text: str) -> None:
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
        if not text:
            return
        row, x = self.rows[self.y], self.x
        if cell_len(text) == len(text):  # one cell a character: the usual case, at once
            text = text[: self.width - x]
            row[x : x + len(text)] = text
            self.x = x + len(text)
            return
        for char in text:
            width = cell_len(char)
            if width == 0 and x:  # a combining mark joins the character before it
                row[x - 1] += char
            elif x + width <= self.width:
                row[x] = char
                if width == 2:
                    row[x + 1] = ""  # the right half of a wide character
                x += width
        self.x = x


class Terminal:
    """``weigh`` on a pseudo-terminal of :data:`SIZE`, and what that terminal shows
    (:class:`TextScreen`, fed the app's output as it arrives)."""

    def __init__(self, argv: list[str], root: Path, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        self.proc = subprocess.Popen(argv, cwd=root, env=dict(env, TERM="xterm-256color"), stdin=slave,
                                     stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.screen = TextScreen(*SIZE)

    def lines(self) -> Lines:
        return self.screen.lines()

    def read(self, timeout: float) -> float | None:
        """Wait up to ``timeout`` for output and show it; when it arrived, else None."""
        if not select.select([self.master], [], [], timeout)[0]:
            return None
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the terminal closed: the app ended
            chunk = b""
        now = clock()
        if not chunk:
            said = [ln.strip() for ln in self.lines() if ln.strip()] or ["exited"]
            raise RuntimeError(f"weigh ended: {said[-1][:200]}")
        self.screen.feed(chunk)
        return now

    def until(self, shows: Callable[[Lines], bool], timeout: float) -> float | None:
        """When the screen first showed what ``shows`` looks for (None: not within ``timeout``)."""
        deadline = clock() + timeout
        while (left := deadline - clock()) > 0:
            arrived = self.read(left)
            if arrived is not None and shows(self.lines()):
                return arrived
        return None

    def settle(self) -> None:
        """Read until the app has written nothing for :data:`QUIET` seconds."""
        while self.read(QUIET) is not None:
            pass

    def press(self, key: str) -> None:
        os.write(self.master, KEY_BYTES.get(key, key.encode()))

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.press("ctrl+q")
                _drain(self.master, self.proc)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            os.close(self.master)


class KeyTimes:
    """Key to frame on a real terminal: each key's bytes go to the pty once the app has
    settled, and the time runs to the moment the output showing the key's effect has
    reached the terminal (an earlier frame that does not show it does not count)."""

    def __init__(self, term: Terminal) -> None:
        self.term = term
        self.slow: list[str] = []  # keys that took more than 100 ms, for the report
        self.missed: list[str] = []  # keys whose effect did not show within KEY_TIMEOUT
        self.cpu_s: list[float] = []  # the app's CPU seconds from each key to its frame
        self.timed: list[tuple[str, float, float]] = []  # every key: (key, ms, CPU ms)

    def __call__(self, choose: Callable[[Lines], Choice]) -> float | None:
        """Seconds from the key's bytes written to the screen showing its effect;
        ``choose(screen)`` picks the key from what the settled screen shows."""
        term = self.term
        term.settle()
        key, shows = choose(term.lines())
        cpu = _schedstat_cpu(term.proc.pid)
        start = clock()
        term.press(key)
        arrived = term.until(shows, KEY_TIMEOUT)
        if arrived is None:  # nothing showed the effect (the key changed nothing): not timed
            self.missed.append(key)
            return None
        self.cpu_s.append(_schedstat_cpu(term.proc.pid) - cpu)
        took = arrived - start
        self.timed.append((key, round(took * 1000, 2), round(self.cpu_s[-1] * 1000, 2)))
        if took > 0.1:
            self.slow.append(f"{key} {took * 1000:.0f} ms")
        return took


def _interact(db: Path, state: Path, presses: int) -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]
    term = Terminal([sys.executable, "-m", "tui.cli", "--db", str(db)], root, _env(root, state))
    try:
        title = case_title(db)
        if term.until(lambda lines: title in lines[0], LAUNCH_TIMEOUT) is None:
            raise RuntimeError("the case never appeared")
        key_to_frame = KeyTimes(term)
        rating: list[float | None] = []
        for k in range(presses):
            rating.append(key_to_frame(_changing_key))
            if k % 4 == 3:
                key_to_frame(_moving_key("down"))
        scroll = [key_to_frame(_moving_key("down")) for _ in range(presses)]
        pages = max(4, presses // 4)
        scroll += [key_to_frame(_moving_key(("pagedown", "pageup")[k % 2])) for k in range(pages)]
        rating_s = [t for t in rating if t is not None]
        scroll_s = [t for t in scroll if t is not None]
        if not rating_s or not scroll_s:
            raise RuntimeError(f"no frame after any of the keys {key_to_frame.missed}")
        views = _view_keys(term, key_to_frame, max(3, presses // 4))
    finally:
        term.close()
    out: dict[str, Any] = {
        "rate_median_s": median(rating_s), "rate_max_s": max(rating_s),
        "scroll_median_s": median(scroll_s), "scroll_max_s": max(scroll_s),
        "slow": key_to_frame.slow, "missed": key_to_frame.missed,
        "cpu_median_s": median(key_to_frame.cpu_s), "cpu_max_s": max(key_to_frame.cpu_s),
        "keys": key_to_frame.timed,
    }
    for what, times in views.items():
        done = [t for t in times if t is not None]
        out[f"{what}_median_s"] = median(done) if done else float("nan")
        out[f"{what}_max_s"] = max(done) if done else float("nan")
    return out


def _view_keys(term: Terminal, key_to_frame: KeyTimes, reps: int) -> dict[str, list[Any]]:
    """Key to frame for the keys that change the whole view: sort (s), one as-of step
    ([ then ]), model cycle (m) and each typed character of a filter (/ then text)."""
    times: dict[str, list[Any]] = {k: [] for k in VIEW_KEYS}
    model = _line_with(" items used")
    stop = _line_with(" As of ")
    for _ in range(reps):
        times["sort"].append(key_to_frame(_changes("s", _sort)))
        times["model"].append(key_to_frame(_changes("m", model)))
        times["asof"].append(key_to_frame(_changes("left_square_bracket", stop)))
        times["asof"].append(key_to_frame(_changes("right_square_bracket", stop)))
    for _ in range(max(1, reps // 2)):
        term.press("slash")
        for char in "#kyiv":
            times["filter"].append(key_to_frame(_changes(char, _query)))
        # all items again, the filter closed (not timed: one more rebuild like the above)
        for key in ("ctrl+u", "escape"):
            term.settle()
            term.press(key)
    term.settle()
    return times


def child_interact(db: str, state: str, presses: str) -> None:
    """Rate and scroll in weigh on ``db``; print the key-to-frame times as JSON."""
    result = _interact(Path(db), Path(state), int(presses))
    print(json.dumps(result), flush=True)
