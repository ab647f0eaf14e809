"""`weigh serve`: the workbench served to a browser by textual-serve on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")

WAIT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    """GET url, retrying until the server answers (bounded: WAIT_SECONDS)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if proc.poll() is not None:
                out = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"weigh serve exited with {proc.returncode}: {out}")
            if time.monotonic() > deadline:
                pytest.fail(f"weigh serve did not answer on {url} within {WAIT_SECONDS}s")
            time.sleep(0.2)


def test_serve_answers_with_the_textual_serve_page(cli_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", str(port), "--db", str(tmp_path / "w.json")],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        status, page = fetch(f"http://127.0.0.1:{port}/", proc)
        assert status == 200
        assert "js/textual.js" in page  # textual-serve's terminal front end
        assert "ws://127.0.0.1:" in page and f":{port}/ws" in page  # the app's websocket, on loopback
        assert "weigh" in page  # the title it was given
        status, script = fetch(f"http://127.0.0.1:{port}/static/js/textual.js", proc)
        assert status == 200 and len(script) > 1000
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode is not None
    assert b"Serving weigh on http://127.0.0.1:" in (proc.stderr.read() if proc.stderr else b"")


def test_serve_rejects_a_bad_port(cli_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", "--port", "99999"],
        env=cli_env, capture_output=True, timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.decode().startswith("weigh: error: argument --port: 99999 is not a port number")
