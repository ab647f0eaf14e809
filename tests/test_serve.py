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


def test_serve_refuses_an_empty_host_and_words_an_unknown_one(weigh_here: WeighRun) -> None:
    """Tester: ``--host ''`` (a script's empty variable) listened on every address ('listening
    on , beyond this machine'), and an unknown host read '[Errno -2] Name or service not known'."""
    done = weigh_here("serve", "--host", "", "--port", "0")
    assert done.returncode == 2 and str(done.stderr) == (
        "weigh: error: --host: the address is empty; give 0.0.0.0 (or '*') to listen on every "
        "address, or leave --host out for 127.0.0.1\n")
    done = weigh_here("serve", "--host", "999.1.1.1", "--port", "0")
    err = str(done.stderr)
    assert done.returncode == 2 and err.startswith("weigh: error: cannot listen on 999.1.1.1:0: "), err
    assert "Errno" not in err and err.count("\n") == 1, err
