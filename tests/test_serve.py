"""`weigh serve`'s arguments (the server itself: tests/test_serve_frames.py, test_serve_hostile.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import WeighRun

pytest.importorskip("textual_serve")


def test_serve_rejects_a_bad_port(weigh_here: WeighRun) -> None:
    done = weigh_here("serve", "--port", "99999")
    assert done.returncode == 2
    assert str(done.stderr).startswith("weigh: error: argument --port: 99999 is not a port number")
