"""The CLI's own output never carries control characters from user text to the terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import WeighRun, weigh

TIMEOUT = 60
# CR and LF may end lines; a zero-width space, byte-order mark, tag character or deprecated
# shaping control (reviewer: \u206b was sent raw) hides in a line
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u206a-\u206f\ufeff\U000e0000-\U000e007f]")


def raw(data: bytes) -> bool:
    return RAW.search(data.decode("utf-8")) is not None


def hostile_file(tmp_path: Path) -> Path:
    doc = {
        "format": "weigh-case",
        "version": 1,
        "case": {"id": "evil", "title": "Evil \x1b]2;pwned\x07case \x9b31m\u200b\u206b"},
        "hypotheses": [{"id": "H1", "title": "Red \x1b[31mhyp"}],
        "evidence": [
            {"id": "E1", "title": "Title \x1b[31mred\U000e0041", "details": "a\x1b[2Jb",
             "ratings": {"H1": "C"}}
        ],
    }
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_cases_and_import_show_escapes_visibly(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    done = weigh_here("import", str(hostile_file(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert not raw(str(done.stdout + done.stderr).encode())
    listing = weigh(cli_env, "cases")
    assert listing.returncode == 0
    assert not raw(listing.stdout)
    assert "evil\tEvil ␛]2;pwned␇case \\x9b31m\\u200b\\u206b\t1 hypothesis" in listing.stdout.decode()


def test_error_messages_show_escapes_visibly(weigh_here: WeighRun, tmp_path: Path) -> None:
    done = weigh_here("import", str(tmp_path / "missing\x1b[31m.json"))
    assert done.returncode == 2
    assert not raw(str(done.stderr).encode())
    assert "missing␛[31m.json: no such file" in str(done.stderr)
    done = weigh_here("export", "--case", "no\x1b]2;x\x07pe")
    assert done.returncode == 2 and not raw(str(done.stderr).encode())


def on_a_terminal(cli_env: dict[str, str], *args: str) -> bytes:
    """What ``weigh ARGS`` writes to standard output when it is a terminal."""
    main, child = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", *args], env=cli_env, stdout=child, stderr=subprocess.PIPE
        )
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        os.close(main)
    return out


def test_an_export_to_a_terminal_shows_escapes_a_pipe_gets_the_bytes(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    assert weigh_here("import", str(hostile_file(tmp_path))).returncode == 0
    piped = weigh_here("export", "--case", "evil", "--format", "csv")
    assert "Title \x1b[31mred" in str(piped.stdout)  # a file or pipe gets the data exactly (round trips)
    out = on_a_terminal(cli_env, "export", "--case", "evil", "--format", "md")
    # each control shown by a stand-in, whose backslash the Markdown escapes (it reads '\x9b31m')
    assert "# Evil ␛" in out.decode("utf-8") and "␇case \\\\x9b31m" in out.decode("utf-8")
    assert not raw(out)
    # The CSV's byte-order mark (for spreadsheets) is left off on a terminal, not shown as text.
    out = on_a_terminal(cli_env, "export", "--case", "evil", "--format", "csv")
    assert out.startswith(b"id,title,") and "Title ␛[31mred\\U000e0041" in out.decode("utf-8")
    assert not raw(out)


def test_the_error_after_the_workbench_closes_shows_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui import app

    def closing_fails(self: app.WeighApp) -> None:  # what the store says when its file vanished
        self.close_error = "database a\x1b]0;pwned\x07.json was deleted while weigh had it open"

    monkeypatch.setattr(app.WeighApp, "run", lambda self: None)
    monkeypatch.setattr(app.WeighApp, "close_store", closing_fails)
    assert app.run_app(tmp_path / "w.json") == 1
    err = capsys.readouterr().err
    assert err == "weigh: database a␛]0;pwned␇.json was deleted while weigh had it open\n"


def test_the_waiting_line_shows_escapes(cli_env: dict[str, str], tmp_path: Path) -> None:
    from evidence.seed import open_store

    db = tmp_path / "a\x1b[2Jb.json"
    store = open_store(db)  # this process holds the writer lock, as the workbench would
    try:
        waiter = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--db", str(db), "import", str(hostile_file(tmp_path)),
             "--wait"],
            env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert waiter.stderr is not None
        line = waiter.stderr.readline()
    finally:
        store.close()
    waiter.communicate(timeout=TIMEOUT)
    assert line.startswith(b"weigh: waiting for") and not raw(line)
    assert "a␛[2Jb.json" in line.decode()


def read_all(main: int) -> bytes:
    os.set_blocking(main, False)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except (BlockingIOError, OSError):
            return out
        if not chunk:
            return out
        out += chunk


def test_an_export_to_another_terminal_is_refused(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Standard output's guard aside, `-o` writes only files: a terminal gets nothing raw."""
    assert weigh_here("import", str(hostile_file(tmp_path))).returncode == 0
    main, child = pty.openpty()
    try:
        tty = os.ttyname(child)  # this test's own pseudo-terminal
        done = weigh(cli_env, "export", "--case", "evil", "--format", "csv", "-o", str(tty))
        assert done.returncode == 2
        assert done.stderr.decode().splitlines()[-1].startswith(
            f"weigh: error: {tty}: is a character device; weigh writes exports only to regular files"
        )
        assert read_all(main) == b""
    finally:
        os.close(child)
        os.close(main)
