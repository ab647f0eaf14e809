"""The export dialog: every format written where the user says, errors shown inline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select

from evidence.export import export_bytes
from evidence.formats import EXPORT_FORMATS, file_format
from evidence.seed import default_case
from tests.tui.conftest import screen_text, until
from tests.tui.host import Host, press_at_once, shown, workers_done
from tui.export_place import ExportPlace, restrict_exports
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import ExportDialog

if TYPE_CHECKING:
    from hypotheses.models import Case


@pytest.fixture(scope="module")
def case() -> Case:
    return default_case()


async def settle(pilot: Pilot) -> None:
    """Let the writing thread finish and its result reach the screen."""
    await workers_done(pilot.app)
    await pilot.pause()


async def type_path(pilot: Pilot, path: str) -> None:
    await pilot.press("tab")  # format → path
    assert pilot.app.focused is pilot.app.screen.query_one("#path", Input)
    await pilot.press("end", "ctrl+u")
    pilot.app.screen.query_one("#path", Input).insert_text_at_cursor(path)  # a paste


async def test_every_format_written_to_the_chosen_path(case: Case, tmp_path: Path) -> None:
    as_of = date(2022, 3, 15)
    app = Host(lambda: ExportDialog(case, "bayes", as_of))
    async with app.run_test(size=(80, 24)) as pilot:
        for i, fmt in enumerate(f.name for f in EXPORT_FORMATS):
            if i:
                app.push_screen(ExportDialog(case, "bayes", as_of), app.results.append)
                await pilot.pause()
            assert app.focused is app.screen.query_one("#format", Select)
            await choose(pilot, fmt)
            assert app.screen.query_one("#format", Select).value == fmt
            target = tmp_path / f"out-{fmt}.x"
            await type_path(pilot, str(target))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.results[-1] == target
            assert target.read_bytes() == export_bytes(case, fmt, model="bayes", as_of=as_of)
    assert len(app.results) == len(EXPORT_FORMATS)


async def test_default_path_is_cwd_and_follows_the_format(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(80, 24)) as pilot:
        path = app.screen.query_one("#path", Input)
        assert path.value == str(tmp_path / "istanbul-2022.md")
        assert "Summaries use model weighted, all dates." in shown(app, ".dialog-keys")
        await pilot.press("enter", "down", "down", "down", "enter")  # md → html
        assert path.value == str(tmp_path / "istanbul-2022.html")
        await pilot.press("tab", "enter")  # enter in the path field writes
        await settle(pilot)
    assert app.results == [tmp_path / "istanbul-2022.html"]
    assert (tmp_path / "istanbul-2022.html").read_bytes() == export_bytes(case, "html")


async def test_bad_targets_shown_inline_and_the_dialog_stays(case: Case, tmp_path: Path) -> None:
    """A missing directory, a directory, the database itself and a FIFO nobody reads, one
    after another in one dialog: each refused under the path, then a good path writes.
    Red team: the dialog replaced the database with Markdown after "Overwrite?", and an
    export to a FIFO nobody reads hung the workbench (it never exited)."""
    import os

    db = tmp_path / "weigh.json"
    db.write_bytes(b"precious")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    app = Host(lambda: ExportDialog(case, "weighted", None, db=db))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_path(pilot, str(tmp_path / "nowhere" / "x.md"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == (
            f"{tmp_path / 'nowhere' / 'x.md'}: there is no folder {tmp_path / 'nowhere'} to write it in"
        )
        assert isinstance(app.screen, ExportDialog)
        await type_path_again(pilot, str(tmp_path))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == f"{tmp_path}: is a directory; give a file name"
        await type_path_again(pilot, str(db))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "is the database (weigh.json); an export never overwrites" in shown(app, "#error-path")
        assert isinstance(app.screen, ExportDialog)  # no "Overwrite?" question
        await type_path_again(pilot, str(fifo))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == (
            f"{fifo}: is a FIFO (named pipe); weigh writes exports only to regular files"
        )
        assert isinstance(app.screen, ExportDialog)  # no "Overwrite?" question, no thread waiting
        await type_path_again(pilot, str(tmp_path / "x.md"))
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [tmp_path / "x.md"]
    assert not (tmp_path / "nowhere").exists()
    assert db.read_bytes() == b"precious"


async def test_a_path_through_a_file_or_ending_in_a_slash_is_refused_for_what_it_is(
    case: Case, tmp_path: Path
) -> None:
    """Red team: a file on the path was 'directory does not exist', a final '/' wrote the file
    it names a folder of, and after 'Overwrite?' was answered n the refusal of the path
    typed before stayed under the new one."""
    script = tmp_path / "k.sh"
    script.write_text("#!/bin/sh\n")
    old = tmp_path / "old.md"
    old.write_bytes(b"kept")
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(100, 30)) as pilot:
        await type_path(pilot, f"{script}/x.md")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == f"{script}/x.md: {script} is a file, not a folder"
        await type_path_again(pilot, f"{tmp_path}/x.md/")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == (
            f"{tmp_path}/x.md/: ends in '/', so it names a folder, not a file; give a file name"
        )
        link = tmp_path / "link.md"
        link.symlink_to(old)
        await type_path_again(pilot, str(link))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == (  # the app's own advice: no '-o -' in a dialog
            f"{link}: is a symbolic link; weigh neither writes through nor replaces links "
            "(give the file it points to)")
        assert isinstance(app.screen, ExportDialog)
        await type_path_again(pilot, str(old))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert shown(app, "#error-path") == ""  # nothing said about the path on show
        assert "names a folder" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert not (tmp_path / "x.md").exists() and script.read_text() == "#!/bin/sh\n"
    assert old.read_bytes() == b"kept"


async def type_path_again(pilot: Pilot, path: str) -> None:
    """After an error the path field has the focus already."""
    assert pilot.app.focused is pilot.app.screen.query_one("#path", Input)
    await pilot.press("end", "ctrl+u")
    pilot.app.screen.query_one("#path", Input).insert_text_at_cursor(path)


@pytest.fixture
def unwritable_dir(tmp_path: Path) -> Path:
    """A directory that exists but cannot be written to (root ignores mode bits)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    for candidate in (ro, Path("/sys")):
        try:
            (candidate / ".weigh-probe").write_bytes(b"")
        except OSError:
            return candidate
        (candidate / ".weigh-probe").unlink()
    pytest.skip("no unwritable directory available")


async def test_unwritable_directory_error_shown_inline(
    case: Case, unwritable_dir: Path
) -> None:
    target = unwritable_dir / "summary.md"
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_path(pilot, str(target))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path").startswith(f"{target}: cannot write: ")
        assert isinstance(app.screen, ExportDialog)
        assert app.focused is app.screen.query_one("#path", Input)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert not target.exists()


async def test_overwrite_asks_first(case: Case, tmp_path: Path) -> None:
    target = tmp_path / "old.md"
    target.write_text("keep me")
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_path(pilot, str(target))
        await pilot.press("ctrl+s")
        await settle(pilot)  # the path is checked in a thread
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{target} exists. Overwrite it?" in shown(app, "#confirm-message")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert target.read_text() == "keep me"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert app.results == [target]
    assert target.read_bytes() == export_bytes(case, "md")


async def test_escape_while_the_path_is_checked_cancels_and_asks_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path is checked in a thread (it may read the file there, on a slow disk): escape
    meanwhile closes the dialog, and the check's answer, when it comes, neither asks
    "Overwrite?" nor writes."""
    import threading

    from tui.screens import export_dialog

    target = tmp_path / "old.md"
    target.write_text("keep me")
    checking, release = threading.Event(), threading.Event()

    def slow_check(*args: Any) -> None:
        checking.set()
        release.wait(10)

    monkeypatch.setattr(export_dialog, "export_target_problem", slow_check)
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_path(pilot, str(target))
        await pilot.press("ctrl+s")
        assert checking.wait(10)
        await pilot.press("escape")
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, ExportDialog))
    assert app.results == [None]
    assert target.read_text() == "keep me"


async def test_escape_cancels(case: Case) -> None:
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_the_workbench_offers_the_last_export_folder_again(
    db_path: Path, make_app, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    from tests.tui.conftest import notices

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await type_path(pilot, str(folder / "first.md"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (folder / "first.md").exists()
        assert f"Wrote {folder / 'first.md'}" in notices(app)  # the workbench says where
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert Path(app.screen.query_one("#path", Input).value).parent == folder
        await pilot.press("escape", "ctrl+q")
    app = make_app(db_path)  # the next start offers it too
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert Path(app.screen.query_one("#path", Input).value).parent == folder
        await pilot.press("escape", "ctrl+q")


@pytest.fixture
def exports_only(tmp_path: Path) -> Iterator[Path]:
    """What `weigh serve --exports DIR` makes of each workbench: exports only inside DIR."""
    folder = tmp_path / "exports"
    folder.mkdir()
    restrict_exports(ExportPlace(folder=folder))
    yield folder
    restrict_exports(ExportPlace())


async def test_a_served_workbench_writes_only_into_its_exports_folder(
    case: Case, tmp_path: Path, exports_only: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (exports_only / "out").symlink_to(tmp_path)  # a folder inside that leads outside
    app = Host(lambda: ExportDialog(case, "weighted", None, folder=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.query_one("#path", Input).value == str(exports_only / "istanbul-2022.md")
        for outside in (victim, exports_only / ".." / "victim.txt", exports_only / "out" / "victim.txt"):
            if app.focused is app.screen.query_one("#path", Input):
                await type_path_again(pilot, str(outside))
            else:
                await type_path(pilot, str(outside))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert shown(app, "#error-path") == (
                f"this workbench writes exports only into {exports_only}: give a name there"
            ), outside
            assert isinstance(app.screen, ExportDialog)
        await type_path_again(pilot, str(exports_only / "mine.md"))
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert victim.read_text() == "precious"
    assert app.results == [exports_only / "mine.md"]
    assert (exports_only / "mine.md").read_bytes() == export_bytes(case, "md", model="weighted")


async def test_a_served_workbench_without_an_exports_folder_writes_nothing(
    case: Case, tmp_path: Path
) -> None:
    restrict_exports(ExportPlace(off=True))
    try:
        app = Host(lambda: ExportDialog(case, "weighted", None))
        async with app.run_test(size=(80, 24)) as pilot:
            await type_path(pilot, str(tmp_path / "x.md"))
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "'weigh serve --exports DIR'" in shown(app, "#error-path")
    finally:
        restrict_exports(ExportPlace())
    assert not (tmp_path / "x.md").exists()


class Noted(Host):
    """A host that keeps the notifications it is sent."""

    def __init__(self, make: Callable[[], Screen]) -> None:
        super().__init__(make)
        self.notes: list[tuple[str, str]] = []

    def notify(self, message: str, *, severity: SeverityLevel = "information", **kwargs: Any) -> None:
        self.notes.append((message, severity))


async def choose(pilot: Pilot, fmt: str) -> None:
    """Pick ``fmt`` in the format list (the dialog opens on it): enter opens the list, the
    downs to it and enter at once."""
    await pilot.press("enter")
    await press_at_once(pilot, *["down"] * [f.name for f in EXPORT_FORMATS].index(fmt), "enter")


async def test_an_achz_export_says_what_it_leaves_out_in_the_dialog_and_its_toast_is_short(
    db_path: Path, make_app, tmp_path: Path
) -> None:
    """The toast after an .achz export carried the whole list of what the file cannot hold,
    thirty lines for thirty seconds, over the next dialog's buttons. The list is now in the
    dialog, before writing, where the choice is made (as the CLI prints it); the toast says
    what was written, where, and where the list is."""
    from tests.tui.conftest import notices

    target = tmp_path / "out.achz"
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        case = app.screen.case
        lost = file_format("achz").loss_report(case)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "Not kept" not in screen_text(app)  # a Markdown summary leaves nothing out
        await choose(pilot, "achz")
        await workers_done(app)
        await pilot.pause()
        text = screen_text(app)
        assert lost[0] in text and lost[1].strip() in text, text
        assert "Write (ctrl+s)" in text and "Cancel (esc)" in text  # the list leaves room for them
        box = app.screen.query_one("#export-losses-box")
        await pilot.press("tab", "tab")  # format → path → the list, which scrolls by keys
        assert app.focused is box
        await until(pilot, lambda: bool(box.border_subtitle), "the list's frame saying it scrolls")
        assert shown(app, "#export-losses") == "\n".join(lost)  # every line, as the CLI prints them
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y > 0
        await pilot.press("shift+tab")
        await type_path_again(pilot, str(target))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert target.exists()
        said = notices(app).split(" | ")[-1]
        assert said.startswith(f"Wrote {target}") and lost[0] not in said, said
        assert said.endswith("The achz format could not hold all of this case: ctrl+e with achz chosen "
                             "lists what it left out"), said  # where the list is, briefly
    assert lost[0].startswith("Not kept in the .achz file (PARC has no place for it):")
    assert "  indicators (PARC has none): M1, M2, M3, M4, M5, M6 and 4 more" in lost


async def test_a_long_line_of_what_an_achz_export_leaves_out_wraps_under_its_own_text(
    db_path: Path, make_app
) -> None:
    """At 80 columns 'hypothesis descriptions (PARC keeps names only): H1, H2, H3,' went on
    at the box's left edge, 'H4, H5, H6' reading as a line of its own, further left than the
    lines around it; the rest of a line now hangs four cells right of its own text (two would
    put a heading's rest where its items start)."""
    from tests.tui.conftest import box_rows, unwrapped

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lost = file_format("achz").loss_report(app.screen.case)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await choose(pilot, "achz")
        await workers_done(app)
        await until(pilot, lambda: "Not kept" in screen_text(app), "the list of what .achz leaves out")
        rows = [row for row in box_rows(app, "#export-losses-box") if row]
        assert "  hypothesis descriptions (PARC keeps names only): H1, H2, H3," in rows, rows
        assert "      H4, H5, H6" in rows, rows
        assert not any(row.startswith(("H", "E")) for row in rows), rows  # nothing at the left edge
        lines = unwrapped(rows, "    ")[:-1]  # the last may go on below the box's fold
        assert len(lines) >= 3 and lines == lost[:len(lines)], rows
        await pilot.press("escape")


def buttons_shown(app: object) -> bool:
    """Both buttons whole on screen (their labels, and the dialog's frame below them)."""
    rows = screen_text(app).splitlines()
    at = [n for n, row in enumerate(rows) if "Write (ctrl+s)" in row and "Cancel (esc)" in row]
    return bool(at) and at[0] + 2 < len(rows) and "╰" in rows[at[0] + 2]


async def test_on_a_short_terminal_the_export_dialog_scrolls_its_fields_and_keeps_its_buttons(
    db_path: Path, make_app, tmp_path: Path
) -> None:
    """Below 17 rows the dialog was cut off at the bottom of the screen, its buttons first.
    Now its fields (and what a format leaves out) scroll between the heading and the buttons,
    down to 80×12: each field shows when tab reaches it, and the list grows back when the
    terminal does."""
    target = tmp_path / "short.achz"
    app = make_app(db_path)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert buttons_shown(app), screen_text(app)
        assert "Format" in screen_text(app)
        await choose(pilot, "achz")
        await workers_done(app)
        await until(pilot, lambda: app.screen.query_one("#export-losses-box").has_class("-shown"), "the list")
        await pilot.pause()
        assert buttons_shown(app) and "achz  PARC ACH 2.0" in screen_text(app), screen_text(app)
        await pilot.press("tab")  # the path: scrolled into view
        await pilot.pause()
        assert "Path" in screen_text(app) and buttons_shown(app), screen_text(app)
        await pilot.press("tab")  # the list of what .achz leaves out
        await pilot.pause()
        assert "Not kept in the .achz file" in screen_text(app) and buttons_shown(app), screen_text(app)
        box = app.screen.query_one("#export-losses-box")
        assert box.outer_size.height == 3  # the list gave up rows first: its frame and a line
        for height in (16, 14, 24):
            await pilot.resize_terminal(80, height)
            await pilot.pause()
            await pilot.pause()
            assert buttons_shown(app), (height, screen_text(app))
        await until(pilot, lambda: box.outer_size.height == 9, "the list taking its rows back")
        await pilot.press("shift+tab")
        await type_path_again(pilot, str(target))
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        await pilot.click("#write")  # a click where the button shows writes, as ctrl+s does
        await settle(pilot)
        assert target.exists()


async def test_a_path_with_a_nul_character_is_refused_and_the_dialog_still_answers(
        case: Case, tmp_path: Path) -> None:
    """A pasted NUL raised ValueError in the path's check: the dialog then ignored every
    ctrl+s without a word (found by a reviewer)."""
    app = Host(lambda: ExportDialog(case, "weighted", None))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_path(pilot, f"{tmp_path}/a\x00b.md")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app, "#error-path") == "the path holds a NUL character, which no file name can"
        await type_path_again(pilot, str(tmp_path / "x.md"))
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [tmp_path / "x.md"]


async def test_the_focused_field_stays_in_view_when_the_terminal_shrinks(db_path: Path, make_app) -> None:
    """The path focused at 80×24, then the terminal at 80×10: the fields stayed scrolled to the
    top, the path field (where the keys went) out of sight under 'Summaries use …'."""
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#path", Input)
        await pilot.resize_terminal(80, 10)
        await pilot.pause()
        await pilot.pause()
        assert "Path" in screen_text(app) and buttons_shown(app), screen_text(app)
        await pilot.press("escape")
