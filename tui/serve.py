"""`weigh serve`: textual-serve's server, refusing what a web page elsewhere could send it.

A browser lets any page open a WebSocket to 127.0.0.1 and, after DNS
rebinding, send plain requests there too. So every request must name this
server in its ``Host``, a WebSocket upgrade must come from this server's own
page (``Origin``) or from a program that sends no ``Origin``, and when the
server listens beyond loopback a random token (given once, in the URL) must
come with every request but the static scripts.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "*")
TOKEN_PARAM = "token"


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


class GuardedServer(Server):
    """textual-serve's ``Server`` with Host, Origin and (off loopback) token checks."""

    def __init__(self, command: str, *, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.hosts = allowed_hosts(host, port)
        self.token: str | None = None if is_loopback(host) else secrets.token_urlsafe(24)
        self.cookie = f"weigh-token-{port}"

    def start_url(self) -> str:
        """The URL to open; off loopback it carries the token (shown once)."""
        shown = socket.gethostname() if self.hosts is None else self.host
        url = f"http://{_netloc(shown, self.port)}/"
        return f"{url}?{TOKEN_PARAM}={self.token}" if self.token else url

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    def refusal(self, request: web.Request) -> str | None:
        """Why ``request`` is refused, in plain words; None when it may pass."""
        host = request.headers.get("Host", "").lower()
        if self.hosts is not None and host not in self.hosts:
            return f"refused: Host {host or '(none)'!r} is not this server"
        origin = request.headers.get("Origin")
        is_upgrade = request.headers.get("Upgrade", "").lower() == "websocket"
        if is_upgrade and origin is not None and not same_origin(origin, host):
            return f"refused: a page at {origin!r} may not open this workbench"
        if self.token is not None and not request.path.startswith("/static/"):
            given = request.query.get(TOKEN_PARAM) or request.cookies.get(self.cookie) or ""
            if not secrets.compare_digest(given.encode(), self.token.encode()):
                return "refused: open the URL with the token that 'weigh serve' printed"
        return None

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = self.refusal(request)
        if reason is not None:
            raise web.HTTPForbidden(text=reason + "\n")
        response = await handler(request)
        if self.token is not None and request.query.get(TOKEN_PARAM) and not response.prepared:
            # The page's own requests (the WebSocket, downloads) carry the token as a cookie.
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict")
        return response

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with its WebSocket on the host the browser used (checked above)."""
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"ws://{request.host}/ws",
            "config": {"static": {"url": f"http://{request.host}/static/"}},
            "application": {"name": self.title},
        }
