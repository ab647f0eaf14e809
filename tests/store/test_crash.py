"""kill -9 at random and at chosen points: no acknowledged edit is ever lost.

In the style of SQLite's crash tests: a child process makes numbered edits and
prints each number only after the store returned; the test kills it, reopens
the database (read-only, for writing, and with plain TinyDB) and checks that
the state is exactly "all acknowledged edits" (or one more: the edit in flight).
Tiny compaction thresholds make many kills land inside a compaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.store import Store

from .crash_util import Child, check_survivors
from .edits import Reference, shape

RANDOM_KILLS = 30
TIME_BUDGET = 20.0  # seconds for the random-kill loop, whatever the machine


@pytest.fixture
def ref(tmp_path: Path) -> Iterator[Reference]:
    folder = tmp_path / "ref"
    folder.mkdir()
    reference = Reference(folder)
    yield reference
    reference.close()


def test_random_sigkill_loses_no_acknowledged_edit(db: Path, ref: Reference) -> None:
    rng = random.Random(20220329)
    on_disk = 0
    kills = 0
    started = time.monotonic()
    while kills < RANDOM_KILLS and time.monotonic() - started < TIME_BUDGET:
        child = Child(db, on_disk, compact=rng.choice([2, 3, 5, 8]))
        if rng.random() < 0.25:
            # Anywhere from start-up through open-time replay and compaction.
            time.sleep(rng.uniform(0.05, 0.4))
        else:
            assert child.seen_open.wait(10), child.stderr
            time.sleep(rng.uniform(0.0, 0.06))
        child.kill()
        kills += 1
        acked = child.acknowledged
        acknowledged = on_disk if acked is None else acked
        assert acknowledged >= on_disk
        on_disk = check_survivors(db, ref, acknowledged)
    assert kills >= 10, "too few kills in the time budget to mean anything"
    assert on_disk >= 10, f"the child made too little progress ({on_disk} edits) to test anything"


# Deterministic kill points: the Nth call of an os function, before or after it
# (or halfway through a write), counted from the child's start, so they fall in
# opening, journal appends and every step of compaction.
KILL_POINTS = [
    ("write", 1, "half"),     # first journal append torn in half
    ("write", 2, "before"),
    ("write", 3, "after"),    # written, not yet fsynced
    ("write", 4, "half"),     # compaction's temp file torn (compact=3)
    ("fsync", 1, "before"),
    ("fsync", 2, "after"),
    ("fsync", 4, "before"),   # temp file written, not synced
    ("fsync", 4, "after"),
    ("replace", 1, "before"), # temp file synced, not renamed
    ("replace", 1, "after"),  # renamed, directory not synced, journal not reset
    ("replace", 2, "after"),
    ("ftruncate", 1, "before"),  # journal reset after compaction
    ("ftruncate", 1, "after"),
    ("ftruncate", 2, "after"),
]


@pytest.mark.parametrize("func,nth,when", KILL_POINTS, ids=lambda v: str(v))
def test_kill_at_chosen_point(db: Path, ref: Reference, func: str, nth: int, when: str) -> None:
    on_disk = 0
    for _round in range(2):  # the second round starts from the first one's debris
        child = Child(db, on_disk, compact=3, env={"WEIGH_CRASH": f"{func}:{nth}:{when}",
                                                   "WEIGH_CRASH_LIMIT": str(on_disk + 12)})
        child.finish()
        assert child.proc.returncode == -9, f"kill point never reached: {child.stderr}"
        acked = child.acknowledged
        acknowledged = on_disk if acked is None else acked
        on_disk = check_survivors(db, ref, acknowledged)
    # And a clean run afterwards picks up from there.
    child = Child(db, on_disk, compact=3, env={"WEIGH_CRASH_LIMIT": str(on_disk + 4)})
    child.finish()
    assert child.proc.returncode == 0, child.stderr
    assert child.lines[-1] == "closed"
    assert check_survivors(db, ref, on_disk + 4) == on_disk + 4


def test_readers_during_a_writers_compactions_see_whole_states(db: Path, ref: Reference) -> None:
    """Read-only opens (another `weigh export`, say) while a writer edits and compacts
    every two edits: each sees exactly some acknowledged state, never an error."""
    child = Child(db, 0, compact=2, env={"WEIGH_CRASH_LIMIT": "150"})
    assert child.seen_open.wait(10), child.stderr
    seen_counts = []
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.002)
            acked = child.acknowledged or 0
            reader = Store.open(db, readonly=True)
            state = shape(reader.case("crash"))
            count = next(k for k in range(acked, acked + 152) if ref.after(k) == state)
            seen_counts.append(count)
            if child.proc.poll() is not None:
                break
    finally:
        child.kill()
    assert seen_counts == sorted(seen_counts)
    assert len(set(seen_counts)) > 10, f"the reader hardly overlapped the writer: {seen_counts}"
