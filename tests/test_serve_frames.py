"""`weigh serve` attacked as the red team did: framing, reused pages, huge windows, a hung
workbench, a planted module, a busy port (port 0 and the token in the log: in
test_serve_hostile, whose servers take port 0)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.conftest import weigh_batch
from tests.test_cli_control_chars import raw
from tests.test_serve_hostile import Served, get, page_socket, served_env, start, ws_status

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

from textual_serve.download_manager import DownloadManager  # noqa: E402 (after the skip)

from tui import serve  # noqa: E402
from tui.serve import MAX_HEIGHT, MAX_WIDTH, Workbench, relay, workbench_command  # noqa: E402

WAIT_SECONDS = 30
#: serve.STOP_SECONDS in the servers whose tests kill a hung workbench (see start()).
STOP_SECONDS_HERE = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the tests that leave it as they found it (each starts in a second or
    two), on a port given with --port (the other servers take port 0). A workbench that
    will not quit is killed after STOP_SECONDS_HERE, not the real five: no test of this
    server waits for a workbench to quit of its own accord."""
    tmp = tmp_path_factory.mktemp("serve")
    yield from start(served_env(tmp), tmp, port=free_port(), stop_seconds=STOP_SECONDS_HERE)


def test_serve_answers_with_the_textual_serve_page(loopback: Served) -> None:
    status, page, _ = asyncio.run(get(loopback.base + "/"))
    assert status == 200
    assert "js/textual.js" in page  # textual-serve's terminal front end
    assert f"ws://127.0.0.1:{loopback.port}/ws" in page  # the app's websocket, on loopback
    assert "weigh" in page  # the title it was given
    status, script, _ = asyncio.run(get(loopback.base + "/static/js/textual.js"))
    assert status == 200 and len(script) > 1000
    assert loopback.banner[-1].startswith(f"Serving weigh on http://127.0.0.1:{loopback.port}/")


def test_no_page_is_framed_and_a_framed_or_foreign_load_starts_nothing(loopback: Served) -> None:
    for path in ("/", "/static/js/textual.js", "/nothing-here"):
        _, _, headers = asyncio.run(get(loopback.base + path))
        assert headers["Content-Security-Policy"] == "frame-ancestors 'none'", path
        assert headers["X-Frame-Options"] == "DENY", path
    # What a browser says when it loads the page into a frame, or follows another site's link.
    framed = asyncio.run(get(loopback.base + "/", **{"Sec-Fetch-Dest": "iframe"}))
    assert framed[0] == 403 and "ws://" not in framed[1]
    linked = asyncio.run(get(loopback.base + "/", **{"Sec-Fetch-Dest": "document",
                                                      "Sec-Fetch-Site": "cross-site"}))
    assert linked[0] == 403 and "ws://" not in linked[1]
    # A socket the browser marks as not from this server's own page is refused, ticket or not.
    own = asyncio.run(page_socket(loopback))
    assert asyncio.run(ws_status(own, Origin=loopback.base, **{"Sec-Fetch-Site": "same-site"})) == 403
    typed = asyncio.run(get(loopback.base + "/", **{"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}))
    assert typed[0] == 200


def test_each_page_load_starts_at_most_one_workbench(loopback: Served) -> None:
    own = asyncio.run(page_socket(loopback))
    assert re.fullmatch(rf"ws://127\.0\.0\.1:{loopback.port}/ws/[A-Za-z0-9_-]{{32}}", own)
    # A browser's socket needs its page's ticket: the bare socket is for programs only.
    bare = f"ws://127.0.0.1:{loopback.port}/ws"
    assert asyncio.run(ws_status(bare, Origin=loopback.base)) == 403
    assert asyncio.run(ws_status(own + "x", Origin=loopback.base)) == 403
    assert isinstance(asyncio.run(ws_status(own, Origin=loopback.base)), bytes)
    assert asyncio.run(ws_status(own, Origin=loopback.base)) == 403  # spent


class FakeSocket:
    def __init__(self, messages: list[str]) -> None:
        self.messages = [SimpleNamespace(type=aiohttp.WSMsgType.TEXT, data=m) for m in messages]
        self.sent: list[object] = []

    def __aiter__(self) -> FakeSocket:
        return self

    async def __anext__(self) -> SimpleNamespace:
        await asyncio.sleep(0)  # the relay's forwarding task takes what it was given
        if not self.messages:
            raise StopAsyncIteration
        return self.messages.pop(0)

    async def send_json(self, data: object) -> None:
        self.sent.append(data)


class FakeWorkbench:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    async def send_bytes(self, data: bytes) -> bool:
        self.calls.append(("stdin", data))
        return True

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.calls.append(("resize", (width, height)))

    async def blur(self) -> None:
        self.calls.append(("blur", None))

    async def focus(self) -> None:
        self.calls.append(("focus", None))


def test_window_sizes_are_clamped_and_malformed_messages_dropped() -> None:
    messages = [
        json.dumps(["resize", {"width": 80, "height": 1_000_000_000}]),  # the red team's
        json.dumps(["resize", {"width": -5, "height": 0}]),
        json.dumps(["resize", {"width": "80", "height": 24.5}]),  # not whole numbers: dropped
        json.dumps(["resize", {"width": True, "height": 30}]),
        "not json", "[]", "{}", json.dumps(["stdin", 7]), json.dumps(["resize"]),
        json.dumps(["stdin", "q"]), json.dumps(["ping", "p1"]), json.dumps(["focus"]),
    ]
    websocket, workbench = FakeSocket(messages), FakeWorkbench()
    asyncio.run(relay(cast(Any, websocket), cast(Any, workbench)))
    assert workbench.calls == [
        ("resize", (80, MAX_HEIGHT)),
        ("resize", (1, 1)),
        ("stdin", b"q"),
        ("focus", None),
    ]
    assert websocket.sent == [["pong", "p1"]]
    assert MAX_WIDTH * MAX_HEIGHT <= 1_000_000


class EndlessSocket(FakeSocket):
    """A browser typing on and on (1 KiB a message), then closing after ``count`` messages."""

    def __init__(self, count: int) -> None:
        super().__init__([json.dumps(["stdin", "x" * 1024])] * count)


class StuckWorkbench(FakeWorkbench):
    """A workbench that never reads its input (its pipe is full): every send waits forever."""

    async def send_bytes(self, data: bytes) -> bool:
        self.calls.append(("stdin", data))
        await asyncio.Event().wait()
        return True


def test_the_relay_reads_on_while_a_workbench_takes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    async def run(websocket: FakeSocket, workbench: FakeWorkbench) -> None:
        await asyncio.wait_for(relay(cast(Any, websocket), cast(Any, workbench)), WAIT_SECONDS)

    monkeypatch.setattr(serve, "MAX_PENDING", 64 * 1024)
    closing = EndlessSocket(50)  # 50 KiB: under the bound, then the socket closes
    stuck = StuckWorkbench()
    asyncio.run(run(closing, stuck))  # the close is read although the first send never ends
    assert not closing.messages and len(stuck.calls) == 1
    flooding = EndlessSocket(10_000)  # 10 MiB that nobody takes: hung up on
    asyncio.run(run(flooding, StuckWorkbench()))
    assert 9_900 < len(flooding.messages) < 10_000


@pytest.mark.parametrize("exits", [False, True], ids=["lingers", "exits before its output is read"])
def test_a_workbench_whose_output_ended_is_still_waited_for_or_killed(
    monkeypatch: pytest.MonkeyPatch, exits: bool
) -> None:
    """textual-serve's stop returns when the output ends; a process stopped after that must die too.

    On a busy machine a workbench can also print its line, close its output (and exit)
    before the task that reads its output first runs: textual-serve then cancelled its
    stderr reader before that ever ran, and the cancellation ended the workbench's task, so
    shutting it raised instead of waiting. The second case makes that order certain: the
    process is handed over once it has exited, which asyncio reports only after it has read
    both its outputs to their end."""
    monkeypatch.setattr(serve, "STOP_SECONDS", 0.1)
    then = "pass" if exits else "time.sleep(600)"
    command = (f"exec {sys.executable} -c 'import os, time; print(\"__GANGLION__\", flush=True); "
               f"os.close(1); {then}'")
    server = SimpleNamespace(download_manager=DownloadManager(), debug=False)
    spawn = asyncio.create_subprocess_shell

    async def spawned_and_exited(*args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        process = await spawn(*args, **kwargs)
        await process.wait()
        return process

    if exits:
        monkeypatch.setattr(asyncio, "create_subprocess_shell", spawned_and_exited)

    async def start_and_shut() -> int | None:
        socket = SimpleNamespace(send_bytes=None, send_str=None)
        workbench = Workbench(command, cast(Any, socket), cast(Any, server))
        await workbench.start(80, 24)
        await workbench.shut()
        return workbench.returncode

    assert asyncio.run(start_and_shut()) == (0 if exits else -signal.SIGKILL)


def children(pid: int) -> dict[int, str | None]:
    """The processes ``pid`` started, each with its start time (see :func:`started`)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return {child: started(child) for child in found}


def started(pid: int) -> str | None:
    """When process ``pid`` started (its stat's field 22), None once it is gone or a zombie:
    with the pid it names one process, never a later one the busy suite gave that pid."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return None if fields[0] == "Z" else fields[19]


def alive(processes: dict[int, str | None]) -> bool:
    """Whether any of ``processes`` (from :func:`children`) still runs."""
    return any(start is not None and started(pid) == start for pid, start in processes.items())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc for the workbench's pid")
def test_a_workbench_that_will_not_quit_is_killed_when_its_socket_closes(loopback: Served) -> None:
    async def hang_then_close() -> dict[int, str | None]:
        url = f"ws://127.0.0.1:{loopback.port}/ws"
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            await ws.send_json(["resize", {"width": 100, "height": 30}])
            msg = await ws.receive(timeout=WAIT_SECONDS)
            assert msg.type == aiohttp.WSMsgType.BINARY
            workbenches = children(loopback.proc.pid)
            assert workbenches
            for pid in workbenches:  # and any still quitting from the tests before
                os.kill(pid, signal.SIGSTOP)  # a workbench too busy to quit, or to read its input:
            for _ in range(300):  # 300 KiB of keys fill its pipe and the server's buffer
                await ws.send_json(["stdin", "x" * 1024])
        return workbenches

    workbenches = asyncio.run(hang_then_close())
    deadline = time.monotonic() + WAIT_SECONDS
    while alive(workbenches):
        assert time.monotonic() < deadline, "the workbench outlived its socket"
        time.sleep(0.2)
    assert asyncio.run(get(loopback.base + "/"))[0] == 200  # the server goes on


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc for the workbench's pid")
def test_a_planted_module_never_runs_and_no_workbench_outlives_the_server(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    (folder / "tui").mkdir(parents=True)
    marker = tmp_path / "planted-ran"
    (folder / "tui" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")

    async def open_and_hang(served: Served) -> dict[int, str | None]:
        """A workbench too busy to quit, its socket still open, when the server is stopped."""
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(f"ws://127.0.0.1:{served.port}/ws")
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        assert (await ws.receive(timeout=WAIT_SECONDS)).type == aiohttp.WSMsgType.BINARY
        workbenches = children(served.proc.pid)
        for pid in workbenches:
            os.kill(pid, signal.SIGSTOP)
        served.proc.terminate()
        assert served.proc.wait(timeout=WAIT_SECONDS) == 0
        await session.close()
        return workbenches

    workbenches: dict[int, str | None] = {}
    for served in start(cli_env, tmp_path, cwd=folder, stop_seconds=STOP_SECONDS_HERE):
        assert isinstance(asyncio.run(ws_status(f"ws://127.0.0.1:{served.port}/ws")), bytes)
        workbenches = asyncio.run(open_and_hang(served))
    assert not marker.exists()
    assert workbenches and not alive(workbenches)


def test_an_address_it_cannot_listen_on_fails_before_anything_is_printed(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """A busy port, and a hostile host shown, not obeyed (one child process: a regression
    that served would hang it, and its timeout fails the test)."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken, hostile = weigh_batch(
            cli_env,
            ["serve", "--port", str(port), "--db", str(tmp_path / "w.json")],
            ["serve", "--port", "0", "--host", "evil\x1b]0;pwned\x07\x1b[2J"],
        )
    assert taken.returncode == 2
    assert taken.stderr == f"weigh: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert hostile.returncode == 2 and not raw(hostile.stderr.encode())
    assert "cannot listen on evil␛]0;pwned␇␛[2J:0" in hostile.stderr


def test_each_served_workbench_runs_isolated_and_exports_only_where_told(tmp_path: Path) -> None:
    db = tmp_path / "my db.json"
    assert workbench_command("/usr/bin/python3", db, None) == (
        f"exec /usr/bin/python3 -P -m tui.cli --db '{db}' --no-exports"
    )
    assert workbench_command("/usr/bin/python3", db, tmp_path / "out dir").endswith(
        f" --exports '{tmp_path / 'out dir'}'"
    )


def test_an_exports_folder_that_is_not_one_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    for done in weigh_batch(cli_env, ["serve", "--port", "0", "--exports", str(missing)],
                            ["--exports", str(missing)]):
        assert done.returncode == 2
        assert done.stderr.startswith(f"weigh: error: --exports: {missing} is not a folder")
