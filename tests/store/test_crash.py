"""kill -9 at random and at chosen points: no acknowledged edit is ever lost.

In the style of SQLite's crash tests: a child process makes numbered edits and
sends each number only after the store returned; the test kills it, reopens
the database (read-only, for writing, and with plain TinyDB) and checks that
the state is exactly "all acknowledged edits" (or one more: the edit in flight).
Tiny compaction thresholds make many kills land inside a compaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from evidence.store import Store

from .crash_util import Child, check_survivors, wait_until
from .edits import Reference, shape

RANDOM_KILLS = 12


@pytest.fixture
def ref(tmp_path: Path) -> Iterator[Reference]:
    folder = tmp_path / "ref"
    folder.mkdir()
    reference = Reference(folder)
    yield reference
    reference.close()


def test_random_sigkill_loses_no_acknowledged_edit(db: Path, ref: Reference) -> None:
    """Kills at random moments; what is asserted never depends on how fast the machine is:
    a kill after the open waits for a few more acknowledged edits first, so the run makes
    progress however busy the machine (the timeouts only guard against a hung child)."""
    rng = random.Random(20220329)
    on_disk = 0
    for _kill in range(RANDOM_KILLS):
        child = Child(db, on_disk, compact=rng.choice([2, 3, 5, 8]))
        if rng.random() < 0.25:
            # Anywhere from start-up through open-time replay and compaction.
            time.sleep(rng.uniform(0.05, 0.4))
        else:
            target = on_disk + rng.randint(1, 4)
            assert wait_until(partial(child.reached, target), 120), child.stderr
            time.sleep(rng.uniform(0.0, 0.03))  # then anywhere in the edits that follow
        child.kill()
        acked = child.acknowledged
        acknowledged = on_disk if acked is None else acked
        assert acknowledged >= on_disk
        on_disk = check_survivors(db, ref, acknowledged)
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
        child = Child(db, on_disk, compact=3, crash=f"{func}:{nth}:{when}", limit=on_disk + 12)
        child.finish()
        assert child.returncode == -9, f"kill point never reached: {child.stderr}"
        acked = child.acknowledged
        acknowledged = on_disk if acked is None else acked
        on_disk = check_survivors(db, ref, acknowledged)
    # And a clean run afterwards picks up from there.
    child = Child(db, on_disk, compact=3, limit=on_disk + 4)
    child.finish()
    assert child.returncode == 0, child.stderr
    assert child.lines[-1] == "closed"
    assert check_survivors(db, ref, on_disk + 4) == on_disk + 4


def test_readers_during_a_writers_compactions_see_whole_states(db: Path, ref: Reference) -> None:
    """Read-only opens (another `weigh export`, say) while a writer edits and compacts
    every two edits: each sees exactly some acknowledged state, never an error.

    The writer is paced: before each read it is let make three more edits, which run while
    the reader opens, so every read overlaps the writer however the machine schedules them."""
    batch, steps = 3, 15
    child = Child(db, 0, compact=2, paced=True)
    assert child.seen_open.wait(60), child.stderr
    seen_counts = []
    try:
        for step in range(steps):
            child.release(batch)
            reader = Store.open(db, readonly=True)
            state = shape(reader.case("crash"))
            reader.close()
            between = range(step * batch, (step + 1) * batch + 1)  # acknowledged … released
            count = next((k for k in between if ref.after(k) == state), None)
            assert count is not None, f"read {step}: a state that is no count of edits in {between}"
            seen_counts.append(count)
            want = (step + 1) * batch
            assert wait_until(partial(child.reached, want), 120), child.stderr
    finally:
        child.kill()
    assert seen_counts == sorted(seen_counts)
