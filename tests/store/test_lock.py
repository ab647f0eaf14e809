"""One writer at a time, across processes and threads; a killed holder leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from evidence.errors import CorruptDatabase, DatabaseLocked
from evidence.store import Store

from .crash_util import REPO
from .edits import CASE_ID, base_case, shape

HOLDER = """
import sys, time
from evidence.store import Store
store = Store.open(sys.argv[1])
store.set_rating("crash", "X0", "H3", "II")
print("locked", flush=True)
time.sleep(60)
"""


def start_holder(db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line == "locked", proc.stderr.read() if proc.stderr else ""
    return proc


def test_second_writer_process_is_refused_naming_the_pid_then_stale_lock_is_free(db: Path) -> None:
    holder = start_holder(db)
    try:
        with pytest.raises(DatabaseLocked) as err:
            Store.open(db)
        message = str(err.value)
        assert f"open in another weigh (PID {holder.pid})" in message
        assert str(db) in message
        # Readers are never blocked, and see the holder's journalled edit.
        reader = Store.open(db, readonly=True)
        assert reader.case(CASE_ID).item("X0").ratings["H3"] == "II"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    # The kernel dropped the flock with the process: no stale lock, no waiting.
    assert db.with_name(db.name + ".lock").exists()
    with Store.open(db) as store:
        assert store.case(CASE_ID).item("X0").ratings["H3"] == "II"
        store.set_rating(CASE_ID, "X0", "H3", "C")
    assert Store.open(db, readonly=True).case(CASE_ID).item("X0").ratings["H3"] == "C"


def test_lock_file_names_the_holder(db: Path) -> None:
    with Store.open(db):
        text = db.with_name(db.name + ".lock").read_text().strip()
        assert text == str(os.getpid())


def test_second_writer_in_the_same_process_is_refused(db: Path) -> None:
    with Store.open(db):
        with pytest.raises(DatabaseLocked, match="this weigh itself"):
            Store.open(db)
        assert Store.open(db, readonly=True).case_ids() == [CASE_ID]
    with Store.open(db):  # released on close
        pass


def test_a_lock_file_left_with_a_dead_pid_is_no_obstacle(db: Path) -> None:
    db.with_name(db.name + ".lock").write_text("999999999\n")
    with Store.open(db) as store:
        assert store.case_ids() == [CASE_ID]
    assert db.with_name(db.name + ".lock").read_text().strip() == str(os.getpid())


def test_store_opened_in_one_thread_closes_in_another(db: Path) -> None:
    """A Textual worker may open the store and the UI thread close it (or the reverse)."""
    box: list[Store] = []
    opener = threading.Thread(target=lambda: box.append(Store.open(db)))
    opener.start()
    opener.join()
    box[0].set_excluded(CASE_ID, "X1", True)
    closer = threading.Thread(target=box[0].close)
    closer.start()
    closer.join()
    with Store.open(db) as store:  # the lock is really free
        assert store.case(CASE_ID).item("X1").excluded


def test_failed_open_lets_go_of_the_lock(db: Path) -> None:
    good = db.read_bytes()
    db.write_bytes(b"{}")
    with pytest.raises(CorruptDatabase):
        Store.open(db)
    db.write_bytes(good)
    with Store.open(db) as store:
        assert shape(store.case(CASE_ID)) == shape(base_case())
