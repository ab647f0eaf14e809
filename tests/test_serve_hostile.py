"""`weigh serve` attacked as a web page elsewhere would: foreign Origin, rebound Host, no token
(and the token kept out of the log)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

WAIT_SECONDS = 30


class Served:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, db: Path) -> None:
        self.proc, self.port, self.db = proc, port, db
        self.base = f"http://127.0.0.1:{port}"
        self.banner: list[str] = []


#: `weigh serve` with a shorter wait for a workbench to quit before it is killed
#: (``serve.STOP_SECONDS``), for the tests of that kill: a hung workbench never quits, so
#: how long the server waits changes nothing they check, only how long they take.
_SERVE_STOPPING_SOON = (
    "import sys; from tui import serve; serve.STOP_SECONDS = float(sys.argv.pop(1)); "
    "from tui.cli import main; sys.exit(main())"
)


def start(cli_env: dict[str, str], tmp_path: Path, *extra: str, cwd: Path | None = None,
          log: Path | None = None, port: int = 0, stop_seconds: float | None = None) -> Iterator[Served]:
    """`weigh serve` on ``port`` (0: one the system picks, which its printed URL names),
    stopped afterwards; ``stop_seconds``: its STOP_SECONDS, in place of the real one."""
    db = tmp_path / "w.json"
    # -P: as the installed `weigh` script, which never imports from the current folder
    weigh = [sys.executable, "-P", "-m", "tui.cli"] if stop_seconds is None else [
        sys.executable, "-P", "-c", _SERVE_STOPPING_SOON, str(stop_seconds)]
    with open(log or os.devnull, "wb") as out:
        proc = subprocess.Popen(
            [*weigh, "serve", "--port", str(port), "--db", str(db), *extra],
            env=cli_env, cwd=cwd, stdout=out, stderr=subprocess.PIPE,
        )
    served = Served(proc, 0, db)
    try:
        assert proc.stderr is not None
        while not served.banner or not served.banner[-1].startswith("Serving weigh on"):
            line = proc.stderr.readline().decode()
            if not line:
                pytest.fail(f"weigh serve exited before serving: {served.banner}")
            served.banner.append(line.strip())
        printed = re.search(r":(\d+)/", served.banner[-1])
        assert printed is not None and printed[1] != "0", served.banner
        assert port == 0 or int(printed[1]) == port, served.banner
        served.port, served.base = int(printed[1]), f"http://127.0.0.1:{printed[1]}"
        asyncio.run(wait_until_listening(served))
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


async def wait_until_listening(served: Served) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
            writer.close()
            return
        except OSError:
            if served.proc.poll() is not None:
                err = served.proc.stderr.read().decode() if served.proc.stderr else ""
                pytest.fail(f"weigh serve exited with {served.proc.returncode}: {err}")
            if time.monotonic() > deadline:
                pytest.fail(f"weigh serve did not listen within {WAIT_SECONDS}s")
            await asyncio.sleep(0.2)


def served_env(tmp_path: Path) -> dict[str, str]:
    """For a server shared by a module's tests: the workbenches' memory kept in ``tmp_path``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(tmp_path / "state")}


@pytest.fixture(scope="module")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for this module's tests: only the foreign-origin test starts a workbench."""
    tmp = tmp_path_factory.mktemp("hostile")
    yield from start(served_env(tmp), tmp)


async def get(url: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as resp:
        return resp.status, await resp.text(), dict(resp.headers)


async def page_socket(served: Served, query: str = "", **headers: str) -> str:
    """The WebSocket URL the server's page gives this page load."""
    status, page, _ = await get(served.base + "/" + query, **headers)
    assert status == 200, page
    found = re.search(r'data-session-websocket-url="(ws://[^"]+)"', page)
    assert found is not None
    return found[1]


async def ws_status(url: str, **headers: str) -> int | bytes:
    """The handshake's refusal status, or the first bytes of the screen when it is accepted."""
    timeout = aiohttp.ClientWSTimeout(ws_receive=WAIT_SECONDS)
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers, timeout=timeout) as ws:
                await ws.send_json(["resize", {"width": 100, "height": 30}])
                while True:
                    msg = await ws.receive()
                    if msg.type == aiohttp.WSMsgType.BINARY or msg.type == aiohttp.WSMsgType.TEXT:
                        data = msg.data if isinstance(msg.data, bytes) else msg.data.encode()
                        await ws.close()
                        return data
                    pytest.fail(f"websocket closed without a screen: {msg}")
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def test_a_foreign_origin_cannot_open_the_workbench(loopback: Served) -> None:
    ws = f"ws://127.0.0.1:{loopback.port}/ws"
    for origin in ("http://evil.example", f"http://localhost:{loopback.port + 1}", "null"):
        assert asyncio.run(ws_status(ws, Origin=origin)) == 403, origin
    # Nothing ran: the workbench (which would create the database) never started.
    assert not loopback.db.exists()
    # The server's own page and programs that send no Origin still get the screen.
    own = asyncio.run(page_socket(loopback))
    assert isinstance(asyncio.run(ws_status(own, Origin=loopback.base)), bytes)
    assert isinstance(asyncio.run(ws_status(ws)), bytes)


def test_a_rebound_host_is_refused(loopback: Served) -> None:
    status, body, _ = asyncio.run(get(loopback.base + "/", Host=f"attacker.example:{loopback.port}"))
    assert status == 403 and "textual.js" not in body
    assert "Host 'attacker.example:" in body
    ws = f"ws://127.0.0.1:{loopback.port}/ws"
    assert asyncio.run(ws_status(ws, Host="attacker.example", Origin="http://attacker.example")) == 403
    status, body, _ = asyncio.run(get(loopback.base + "/", Host=f"localhost:{loopback.port}"))
    assert status == 200 and f"ws://localhost:{loopback.port}/ws" in body


def test_beyond_loopback_a_token_is_required_and_printed_once_and_kept_out_of_the_log(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    for wide in start(cli_env, tmp_path, "--host", "0.0.0.0", log=log):
        token, ticket = token_required(wide)
    text = re.sub(r"\s", "", log.read_text(encoding="utf-8"))
    assert "GET/?token=…" in text  # the requests were logged
    assert token not in text and ticket not in text


def token_required(wide: Served) -> tuple[str, str]:
    """Checks a server started beyond loopback; returns its token and a page's ticket."""
    assert any("no authentication" in line for line in wide.banner)
    tokens = re.findall(r"\?token=([A-Za-z0-9_-]+)", "\n".join(wide.banner))
    assert len(tokens) == 1 and len(tokens[0]) >= 32
    ws = f"ws://127.0.0.1:{wide.port}/ws"
    assert asyncio.run(get(wide.base + "/"))[0] == 403
    assert asyncio.run(get(wide.base + "/?token=" + tokens[0][:-1]))[0] == 403
    assert asyncio.run(ws_status(ws)) == 403
    assert asyncio.run(ws_status(ws + "?token=guess")) == 403
    assert not wide.db.exists()

    status, page, headers = asyncio.run(get(wide.base + "/?token=" + tokens[0]))
    assert status == 200 and "textual.js" in page
    # No cookie: cookies ignore ports, so one would reach every service on this host name.
    assert "Set-Cookie" not in headers
    # What the page's script does: its WebSocket URL carries a ticket only this page load may use.
    assert tokens[0] not in page
    own = asyncio.run(page_socket(wide, "?token=" + tokens[0]))
    # Even with a ticket, a foreign page may not open the socket (the ticket is not spent).
    assert asyncio.run(ws_status(own, Origin="http://evil.example")) == 403
    assert isinstance(asyncio.run(ws_status(own, Origin=wide.base)), bytes)
    # A program (no Origin) needs the token.
    assert isinstance(asyncio.run(ws_status(f"{ws}?token={tokens[0]}")), bytes)
    return tokens[0], own.rsplit("/", 1)[1]
