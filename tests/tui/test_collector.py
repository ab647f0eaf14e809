"""The workbench's garbage-collection policy: no full pass inside a key, the same
passes once the key's frame is out (the conftest gives the defaults back)."""

from __future__ import annotations

import gc

from hypotheses.gc_policy import FULL_PASS_EVERY, collect_after_frame, settle


def full_passes() -> int:
    return int(gc.get_stats()[2]["collections"])


def test_full_passes_wait_for_the_frame_and_then_run() -> None:
    young_before = gc.get_threshold()[0]
    settle(collect=False)
    young, _, full = gc.get_threshold()
    assert young == young_before and full > 10**6  # the collector never starts one itself
    gc.collect()  # a clean start: every count at zero
    for _ in range(FULL_PASS_EVERY - 1):
        gc.collect(1)  # the middle passes the collector runs as a case is used
    before = full_passes()
    collect_after_frame()  # not due yet: nothing
    assert full_passes() == before
    gc.collect(1)
    collect_after_frame()  # due, as CPython's own threshold would have it: one full pass
    assert full_passes() == before + 1
    assert gc.get_count()[2] == 0
