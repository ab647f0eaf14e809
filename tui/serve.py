"""`weigh serve`: textual-serve's server, refusing what a web page elsewhere could send it.

A browser lets any page open a WebSocket to 127.0.0.1, frame a page, open a
window on it and, after DNS rebinding, send plain requests there too. So every
request must name this server in its ``Host``; no response may be framed, and
a request a browser marks as made for a frame, or as a navigation from another
site, is refused; a browser's WebSocket (one with an ``Origin``) must come from
this server's own page and carry a single-use ticket that page was given, so
each page load starts at most one workbench; off loopback a random token
(given once, in the URL) must come with the page and a program's WebSocket.
No cookie is set: cookies ignore ports, so one would reach every service on
the same host name. A workbench is started with ``python -P`` (no module from
the current folder), its window size is clamped, and it is killed if it does
not quit soon after its socket closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import re
import secrets
import shlex
import signal
import socket
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSMessage, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from hypotheses.visible import visible

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "*")
TOKEN_PARAM = "token"
#: A browser's window is clamped to this many cells (a 4K screen at a small font is ~480 × 135).
MAX_WIDTH, MAX_HEIGHT = 1000, 500
STOP_SECONDS = 5.0  # a workbench that has not quit this long after its socket closed is killed
MAX_PENDING = 4 << 20  # bytes of a browser's messages a workbench may leave untaken before it is hung up on
MAX_TICKETS = 64  # page loads whose WebSocket has not connected yet (the oldest is forgotten)
FRAMED = frozenset({"iframe", "frame", "embed", "object", "fencedframe"})
#: Headers on every response: never framed, never a Referer carrying the token elsewhere.
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_TOKEN_IN_TEXT = re.compile(r"(token=|/ws/)[A-Za-z0-9_-]+")


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the server to this machine."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _bracketed(name: str) -> str:
    return f"[{name}]" if ":" in name else name  # a bare IPv6 address


def _netloc(host: str, port: int) -> str:
    return f"{_bracketed(host.strip('[]').lower())}:{port}"


def workbench_command(python: str, db: Path, exports: Path | None) -> str:
    """The shell command each browser tab's workbench runs.

    ``exec``: the workbench is the shell's own process, so killing it kills
    weigh; ``-P``: nothing is imported from the folder the server started in;
    exports only into ``exports``, or none (a tab's user is not the server's).
    """
    where = f"--exports {shlex.quote(str(exports))}" if exports is not None else "--no-exports"
    return f"exec {shlex.quote(python)} -P -m tui.cli --db {shlex.quote(str(db))} {where}"


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is printed (port 0: the system picks one)."""
    name = host.strip("[]")
    if name in ("", "*"):
        return socket.create_server(("", port))
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    if not _is_address(name):
        family = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)[0][0]
    return socket.create_server((name, port), family=family)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The ``Host`` values this server answers to; None when it listens on every address.

    On a wildcard address the machine's names are not known, so any ``Host``
    is served there, and the token is what keeps a rebound page out.
    """
    if host.strip("[]") in WILDCARD_HOSTS:
        return None
    names = {n.strip("[]").lower() for n in (*LOOPBACK_NAMES, host)}
    hosts = {_netloc(n, port) for n in names}
    if port == 80:  # browsers leave the default port out
        hosts |= {_bracketed(n) for n in names}
    return frozenset(hosts)


def same_origin(origin: str, host_header: str) -> bool:
    """Whether a browser's ``Origin`` is the page this server served at ``host_header``."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.lower()


def clamp_size(width: object, height: object) -> tuple[int, int] | None:
    """A window size within bounds, or None when it is not two whole numbers."""
    if type(width) is not int or type(height) is not int:
        return None
    return min(max(width, 1), MAX_WIDTH), min(max(height, 1), MAX_HEIGHT)


def hide_tokens(text: str) -> str:
    """A log line with the token and tickets blanked and control characters shown."""
    return visible(_TOKEN_IN_TEXT.sub(r"\1…", text))


class _HideTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = hide_tokens(record.getMessage())
        record.args = None
        return True


class Workbench(AppService):
    """One served workbench process, which can be killed if it will not quit."""

    def __init__(self, command: str, websocket: web.WebSocketResponse, server: Server) -> None:
        super().__init__(
            command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=self.close_socket,
            download_manager=server.download_manager,
            debug=server.debug,
        )
        self.websocket = websocket

    @property
    def returncode(self) -> int | None:
        """How the process ended; None while it runs (or before it starts)."""
        return None if self._process is None else self._process.returncode

    async def close_socket(self) -> None:
        await self.websocket.close()

    async def run(self) -> None:
        """textual-serve's reading of the workbench's output, which must not end cancelled
        unless it was cancelled.

        When the whole output was read before this task first ran (a busy machine),
        textual-serve reaches its end without waiting once and cancels its stderr reader
        before that reader ever ran; awaiting it raised the reader's cancellation here, and
        :meth:`shut` then raised instead of waiting for the process or killing it.
        """
        try:
            await super().run()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # this task itself was cancelled

    async def shut(self) -> None:
        """Ask the workbench to quit; kill it if it has not exited within STOP_SECONDS.

        textual-serve's ``stop`` returns when the workbench's output ends, which
        a process does before it exits; one stopped in between would outlive us,
        so the wait is for the process itself.
        """
        process = self._process  # textual-serve keeps it here (pinned in pyproject)
        if process is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._quit(process)), STOP_SECONDS)
        except TimeoutError:
            if process.returncode is None:
                process.kill()
            await self._quit(process)

    async def _quit(self, process: asyncio.subprocess.Process) -> None:
        await self.stop()
        await process.wait()
        self.stdin.close()  # textual-serve leaves the pipe open


class GuardedServer(Server):
    """textual-serve's ``Server`` with the checks above, on a socket bound beforehand."""

    def __init__(self, command: str, *, sock: socket.socket, host: str, title: str) -> None:
        port = int(sock.getsockname()[1])
        super().__init__(command, host=host, port=port, title=title)
        self.sock = sock
        self.hosts = allowed_hosts(host, port)
        self.token: str | None = None if is_loopback(host) else secrets.token_urlsafe(24)
        self.tickets: OrderedDict[str, None] = OrderedDict()
        self.workbenches: set[Workbench] = set()

    def start_url(self) -> str:
        """The URL to open; off loopback it carries the token (shown once)."""
        shown = socket.gethostname() if self.hosts is None else self.host
        url = f"http://{_netloc(shown, self.port)}/"
        return f"{url}?{TOKEN_PARAM}={self.token}" if self.token else url

    def serve(self, debug: bool = False) -> None:
        """Serve on the bound socket until ctrl+c or SIGTERM (textual-serve's loop, no banner)."""
        self.debug = debug
        self.initialize_logging()
        logging.getLogger("aiohttp.access").addFilter(_HideTokens())
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.add_signal_handler(signal.SIGINT, self.request_exit)
        loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(self._make_app(), sock=self.sock, handle_signals=False, loop=loop,
                    print=lambda *args: None, shutdown_timeout=STOP_SECONDS)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        app.router.add_get("/ws/{ticket}", self.handle_page_websocket)
        app.on_response_prepare.append(self._add_headers)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """weigh printed its own line before listening: no banner."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every socket and end every workbench, so none outlives the server."""
        for workbench in list(self.workbenches):
            await workbench.websocket.close()
        await asyncio.gather(*(w.shut() for w in list(self.workbenches)))

    @staticmethod
    async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(HEADERS)

    def refusal(self, request: web.Request) -> str | None:
        """Why ``request`` is refused, in plain words; None when it may pass."""
        host = request.headers.get("Host", "").lower()
        if self.hosts is not None and host not in self.hosts:
            return f"refused: Host {host or '(none)'!r} is not this server"
        if request.headers.get("Sec-Fetch-Dest", "").lower() in FRAMED:
            return "refused: weigh is not shown inside another page"
        site = request.headers.get("Sec-Fetch-Site", "same-origin").lower()
        if request.path == "/" and site not in ("none", "same-origin"):
            return "refused: open weigh's address yourself, not from a link on another site"
        origin = request.headers.get("Origin")
        if request.headers.get("Upgrade", "").lower() == "websocket" and (
            (origin is not None and not same_origin(origin, host)) or site != "same-origin"
        ):
            return f"refused: a page at {origin!r} may not open this workbench"
        return self._token_refusal(request)

    def _token_refusal(self, request: web.Request) -> str | None:
        # Static scripts are public; a download key and a page's ticket are secrets of their own.
        if self.token is None or request.path.startswith(("/static/", "/download/", "/ws/")):
            return None
        given = request.query.get(TOKEN_PARAM, "")
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return "refused: open the URL with the token that 'weigh serve' printed"
        return None

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = self.refusal(request)
        if reason is not None:
            raise web.HTTPForbidden(text=reason + "\n")
        return await handler(request)

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with a WebSocket (on the host the browser used) only this page load may open."""
        ticket = secrets.token_urlsafe(24)
        self.tickets[ticket] = None
        while len(self.tickets) > MAX_TICKETS:
            self.tickets.popitem(last=False)
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"ws://{request.host}/ws/{ticket}",
            "config": {"static": {"url": f"http://{request.host}/static/"}},
            "application": {"name": self.title},
        }

    async def handle_page_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """The page's WebSocket: its ticket is spent, so a copy of the page starts nothing."""
        if self.tickets.pop(request.match_info["ticket"], False) is False:
            raise web.HTTPForbidden(text="refused: this page was used already; reload it\n")
        return await self._session(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A program's WebSocket (no ``Origin``); a browser's must come through its page's ticket."""
        if "Origin" in request.headers:
            raise web.HTTPForbidden(text="refused: open weigh's page, not its WebSocket\n")
        return await self._session(request)

    async def _session(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        size = clamp_size(to_int(request.query.get("width", "80"), 80),
                          to_int(request.query.get("height", "24"), 24)) or (80, 24)
        await websocket.prepare(request)
        workbench = Workbench(self.command, websocket, self)
        self.workbenches.add(workbench)
        try:
            await workbench.start(*size)
            await relay(websocket, workbench)
        finally:
            with contextlib.suppress(Exception):
                await websocket.close()
            await workbench.shut()
            self.workbenches.discard(workbench)
        return websocket


class _Pending:
    """The browser's messages the workbench has not taken yet, and their size.

    They are taken in their own task, so the relay goes on reading the socket
    while a workbench is too busy (or stopped) to read its input, and sees the
    socket close; past MAX_PENDING bytes the browser is hung up on.
    """

    def __init__(self) -> None:
        self.steps: asyncio.Queue[tuple[int, Coroutine[Any, Any, object]]] = asyncio.Queue()
        self.size = 0

    def add(self, size: int, step: Coroutine[Any, Any, object]) -> bool:
        """Queue ``step``; False (and ``step`` dropped) when that would pass MAX_PENDING."""
        if self.size + size > MAX_PENDING:
            step.close()
            return False
        self.size += size
        self.steps.put_nowait((size, step))
        return True

    async def forward(self) -> None:
        while True:
            size, step = await self.steps.get()
            self.size -= size
            await step

    def drop(self) -> None:
        while not self.steps.empty():
            self.steps.get_nowait()[1].close()


async def relay(websocket: web.WebSocketResponse, workbench: AppService) -> None:
    """Pass the browser's keys, sizes and focus to the workbench; anything malformed is dropped.

    Returns when the socket closes, or when the workbench has left MAX_PENDING
    bytes of them untaken; what it has not taken by then is dropped.
    """
    pending = _Pending()
    forwarding = asyncio.create_task(pending.forward())
    try:
        async for message in websocket:
            step = _step(message, websocket, workbench)
            if step is not None and not pending.add(len(message.data), step):
                return
    finally:
        forwarding.cancel()
        pending.drop()
        with contextlib.suppress(asyncio.CancelledError):
            await forwarding


def _step(message: WSMessage, websocket: web.WebSocketResponse,
          workbench: AppService) -> Coroutine[Any, Any, object] | None:
    """What one message asks of the workbench, or None when it is malformed."""
    if message.type != WSMsgType.TEXT:
        return None
    try:
        envelope = json.loads(message.data)
    except ValueError:
        return None
    if not isinstance(envelope, list) or not envelope:
        return None
    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind == "stdin" and isinstance(data, str):
        return workbench.send_bytes(data.encode("utf-8", "replace"))
    if kind == "resize" and isinstance(data, dict):
        size = clamp_size(data.get("width"), data.get("height"))
        return None if size is None else workbench.set_terminal_size(*size)
    if kind == "ping" and isinstance(data, str | int | float):
        return websocket.send_json(["pong", data])
    if kind == "blur":
        return workbench.blur()
    if kind == "focus":
        return workbench.focus()
    return None
