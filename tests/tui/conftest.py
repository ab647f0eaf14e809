"""Shared fixtures for the TUI tests: a temp database, the app on it, screen text."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot

from evidence.seed import default_case, open_store
from hypotheses.gc_policy import settle
from hypotheses.scoring import leader_ids
from tests.tui.host import RAISED

if TYPE_CHECKING:
    from tui.case_view import CaseView

# Rich's SVG: a space in a run of text, each run, and the clip path naming a run's row.
_SVG_SPACE = "&#160;"
_SVG_TEXT = "{http://www.w3.org/2000/svg}text"
_SVG_ROW = re.compile(r"url\(#[\w-]+-line-(\d+)\)")
# Control characters a screen could show raw, which XML cannot hold (a parser makes CR a line
# feed): parsed as characters of a private-use plane and turned back after.
_CONTROLS = [c for c in range(0x20) if chr(c) not in "\t\n"]
_STAND_IN = {c: 0xF0000 + c for c in _CONTROLS}
_FROM_STAND_IN = {0xF0000 + c: c for c in _CONTROLS}

# How many items the bundled case has, so tests follow it when it is re-rated or grows.
DEFAULT_ITEMS = len(default_case().evidence)


@pytest.fixture(autouse=True)
def _no_full_pass_over_the_test_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbench showing its second case collects what its earlier freeze kept
    (``gc_policy.settle``): in weigh's own process that is the case before, in a test
    worker every object the earlier tests left, a full pass of about 0.6 s of CPU each
    time (17 s of the suite's). Here the freeze stays and that pass is skipped; the
    policy itself is tested in ``test_collector.py`` and ``test_main_open.py``."""
    monkeypatch.setattr("tui.screens.main.settle", lambda collect=True: settle(collect=False))


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user state dir (last-used case) from a test."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def no_toasts(_notices_kept: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts are raised (``notices`` has them) but never drawn: for snapshots, which a toast
    would make depend on the clock (it times out by the wall clock, and arrives as a message
    that may come after the test looked)."""

    def notify(self: App[object], message: str, **_: object) -> None:
        RAISED.setdefault(self, []).append(message)

    monkeypatch.setattr(App, "notify", notify)


async def opened(pilot: Pilot[Any]) -> None:
    """Wait until the workbench shows its case, or why the database did not open: start-up
    opens it in a worker thread, then fills the workbench from the message it posts; then
    until the detail pane's history shows (the trail is read in a worker after that frame)."""
    from tui.screens.main import MainScreen
    from tui.widgets.detail import DetailPane

    app = pilot.app
    await app.workers.wait_for_complete()
    for _ in range(1000):
        screen = app.screen
        if not isinstance(screen, MainScreen):
            break
        if not screen.opening and not screen.query_one(DetailPane).reading:
            break
        await pilot.pause()
    else:
        raise AssertionError("the database never opened")
    await pilot.pause()  # the pane's worker has finished: its history is drawn


@pytest.fixture(autouse=True)
def _start_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test drives the opened workbench: ``WeighApp.run_test`` gives the pilot once the
    case shows. A test about start-up itself calls ``App.run_test(app)``."""
    from tui.app import WeighApp

    @asynccontextmanager
    async def run_test(self: App[Any], *args: Any, **kwargs: Any) -> AsyncIterator[Pilot[Any]]:
        async with App.run_test(self, *args, **kwargs) as pilot:
            await opened(pilot)
            yield pilot

    monkeypatch.setattr(WeighApp, "run_test", run_test)


@pytest.fixture(scope="session")
def _seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database seeded with the bundled case per test process, for copying."""
    path = tmp_path_factory.mktemp("seeded") / "weigh.json"
    open_store(path).close()
    return path


@pytest.fixture
def db_path(tmp_path: Path, _seeded: Path) -> Path:
    """A fresh database seeded with the bundled Istanbul case, closed again.

    A copy of the files a fresh seeding leaves (the lock aside), which is what
    seeding it again would write, at a tenth of the cost.
    """
    path = tmp_path / "weigh.json"
    for made in _seeded.parent.iterdir():
        if not made.name.endswith(".lock"):
            shutil.copy2(made, tmp_path / made.name)
    return path


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "state.json"


@pytest.fixture
def make_app(state_file: Path) -> Callable[[Path], App[int]]:
    """Build the app on a database with a private state file."""
    from tui.app import WeighApp

    def make(path: Path) -> WeighApp:
        return WeighApp(path, state_file=state_file)

    return make


def screen_text(app: App[object]) -> str:
    """What the terminal shows right now, as plain text (no styles): a line per row, each as
    wide as the screen.

    Read from the app's public screenshot, Rich's SVG of the same render the terminal gets:
    each run of text is a ``<text>`` element whose clip path names its row and whose ``x``
    is its first column times the width of a character; runs of spaces are left out.
    Parsed with the standard library's parser, not defusedxml: the document is Rich's, of
    this app's own screen, and Rich escapes every character of the screen's text, so no
    markup, DTD or entity can come from what the app shows.
    """
    width, height = app.size
    svg = app.export_screenshot().replace(_SVG_SPACE, " ")
    back = "\r" in svg  # which a parser would read as a line feed
    try:
        root = ET.fromstring(svg.translate(_STAND_IN) if back else svg)
    except ET.ParseError:  # another control character, which XML cannot hold
        root, back = ET.fromstring(svg.translate(_STAND_IN)), True
    rows: list[list[str]] = [[] for _ in range(height)]
    ends = [0] * height  # the column after each row's last character placed
    for run in root.iter(_SVG_TEXT):
        row = _SVG_ROW.fullmatch(run.get("clip-path", ""))
        text = run.text or ""
        if row is None or text == "\n":  # the title, or a line's end
            continue
        if back:
            text = text.translate(_FROM_STAND_IN)
        y = int(row[1])
        x = round(float(run.get("x", 0)) * len(text) / float(run.get("textLength", 1)))
        assert x >= ends[y], f"text overlaps on row {y}: {text!r}"
        rows[y].append(" " * (x - ends[y]) + text)
        ends[y] = x + cell_len(text)
    return "\n".join("".join(row) + " " * (width - end) for row, end in zip(rows, ends, strict=True))


def box_rows(app: App[object], selector: str) -> list[str]:
    """The rows a widget's content shows on screen (inside its frame and scrollbar), right-trimmed."""
    region = app.screen.query_one(selector).scrollable_content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [row[region.x:region.right].rstrip() for row in rows]


def unwrapped(rows: list[str], hang: str) -> list[str]:
    """Report rows put back into their lines: a row that starts ``hang`` further in than the
    row before it continues that row's line (a hanging indent)."""
    lines: list[str] = []
    for row in rows:
        lead = len(row) - len(row.lstrip(" "))
        before = lines[-1] if lines else ""
        if lines and lead == len(before) - len(before.lstrip(" ")) + len(hang):
            lines[-1] += " " + row.strip()
        else:
            lines.append(row)
    return lines


def flat_text(app: App[object]) -> str:
    """Screen text with borders dropped and whitespace collapsed, so a message
    wrapped over several lines still reads as one sentence."""
    text = re.sub(r"[│┃║▏▕▌▐╭╮╰╯─━┏┓┗┛█▀▄]", " ", screen_text(app))
    return re.sub(r"\s+", " ", text)


def notices(app: App[object]) -> str:
    """Every toast raised so far, timed out or not (the headless compositor does not draw them)."""
    return " | ".join(RAISED.get(app, []))


async def open_under_bayes(pilot: Pilot[object], case_id: str) -> None:
    """The case opened in the workbench, and ``m`` pressed until it is scored by Bayes (the
    model the priors enter), as the ranking's heading says."""
    await pilot.pause()
    pilot.app.screen.open_case(case_id)  # type: ignore[attr-defined]
    await pilot.pause()
    for _ in range(3):
        if "Bayes (log-linear)" in "".join(screen_text(pilot.app).splitlines()[:4]):
            return
        await pilot.press("m")
    raise AssertionError("m never reached Bayes")


async def until(pilot: Pilot[object], condition: Callable[[], bool], what: str) -> None:
    """Pause until ``condition()`` holds. What a key starts can finish after Textual's pilot
    thinks the app idle (it compares the process's CPU time with the wall clock, and a
    starved process looks idle), so a test waits for what it is about to assert; the
    bound only turns a hang into a failure."""
    for _ in range(400):
        if condition():
            return
        await pilot.pause()
    assert condition(), f"never came: {what}"


def palette_lists(app: App[object], words: str) -> bool:
    """The command palette has searched for what was typed: its first hit reads ``words``."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found or found.first().option_count == 0 or not all(w.is_finished for w in app.workers):
        return False
    return words.lower() in str(found.first().get_option_at_index(0).prompt).lower()


async def import_from_workbench(app: App[int], path: Path, case_id: str) -> tuple[str, str]:
    """ctrl+o, i, the file's path pasted, the case id typed, enter, as a user imports a file
    (and enter again to open it, where the dialog shows what the reader reported).

    The name of the screen then on top, and what it says: the dialog's error line when
    the import was refused and the dialog stayed, else the whole screen's text.
    """
    from tests.tui.host import paste, shown, workers_done

    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await paste(pilot, str(path))  # focus starts in the path field
        await pilot.press("tab", *case_id, "enter")
        await workers_done(app)
        await pilot.pause()
        if getattr(app.screen, "imported", None) is not None:  # its report read: open the case
            await pilot.press("enter")
            await workers_done(app)
            await pilot.pause()
        name = type(app.screen).__name__
        return name, shown(app, "#error-import-path") if name == "ImportDialog" else flat_text(app)


def shown_ids(screen: object) -> list[str]:
    """The item ids of the matrix's rows, top to bottom: the order the user sees."""
    return list(screen.matrix.rows)  # type: ignore[attr-defined]


def matrix_lines(app: App[object]) -> dict[str, str]:
    """Each item row on screen by its id: the matrix part of its line (left of the detail pane)."""
    ids = set(shown_ids(app.screen))
    out: dict[str, str] = {}
    for line in screen_text(app).splitlines():
        head = line.split("│", 1)[0]
        first = head.split()[0] if head.split() else ""
        if head.startswith(" ") and first in ids:
            out[first] = head
    return out


def shown_leaders(view: CaseView) -> list[str]:
    """Every hypothesis sharing rank 1 under the model the view shows."""
    assert view.analysis is not None
    return leader_ids(view.analysis, view.state.model)
