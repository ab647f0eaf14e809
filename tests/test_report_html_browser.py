"""The HTML report in a real headless browser (Debian's chromium); skipped when it is not installed.

Renders the report to PNG as a reader's browser would, and reads back the DOM
chromium built, to show the hostile text stayed text.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from evidence.export import export_bytes
from evidence.seed import default_case
from tests.test_report_html import HOSTILE, hostile_case

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)


def render_text(case, fmt, **kw):
    """The report as the CLI writes it, as text."""
    return export_bytes(case, fmt, **kw).decode("utf-8")


def chromium(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, timeout=120,
        )


def screenshot(html: Path, png: Path, size: tuple[int, int]) -> tuple[int, int]:
    done = chromium(f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", html.as_uri())
    assert png.exists(), done.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_report_renders_to_png(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_text(default_case(), "html"), encoding="utf-8")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    assert screenshot(page, tmp_path / "report.png", (1280, 2400)) == (1280, 2400)
    assert screenshot(blank, tmp_path / "blank.png", (1280, 2400)) == (1280, 2400)
    # a page full of text, charts and colour compresses far worse than an empty one
    assert (tmp_path / "report.png").stat().st_size > 20 * (tmp_path / "blank.png").stat().st_size


def test_browser_dom_keeps_hostile_text_as_text(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_text(hostile_case(), "html"), encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri()).stdout.decode("utf-8", "replace")
    assert "<main>" in dom and "<svg" in dom  # the browser built the report
    assert "<script" not in dom and "<img" not in dom
    assert HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in dom
    assert 'href="javascript:' not in dom.lower()
