"""A database that has aged: the 10k case after 100,000 edits, against a fresh one.

The audit trail grows with every edit (one history document each), so a
database used for months must still open and close quickly: both are timed
against a fresh database holding the same case with no trail. Building the
aged database is not timed, so its edits run with fsync switched off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from evidence.store import Store
from hypotheses.vocabulary import RATINGS
from tests.benchmarks.cases import CASE_ID, big_case, write_weigh_db
from tests.benchmarks.timing import clock, median

EDITS = 100_000


def paths(workdir: Path) -> tuple[Path, Path]:
    return workdir / "aged.json", workdir / "fresh.json"


def build(n: int, edits: int, workdir: Path) -> dict[str, Any]:
    """``edits`` edits on the ``n``-item case (4 ratings : 1 item edit), then a fresh twin."""
    aged, fresh = paths(workdir)
    write_weigh_db(aged, big_case(n))
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # building only: not measured
    try:
        with Store.open(aged) as store:
            case = store.case(CASE_ID)
            eids = [e.id for e in case.evidence]
            hids = [h.id for h in case.hypotheses]
            for k in range(edits):
                eid = eids[(k * 7919) % len(eids)]
                if k % 5 == 4:
                    ev = store.evidence(CASE_ID, eid)
                    store.update_evidence(CASE_ID, ev.model_copy(update={"title": f"{ev.title[:40]} ({k})"}))
                else:  # always a different code, so every edit is recorded
                    hid = hids[k % len(hids)]
                    now = store.evidence(CASE_ID, eid).ratings.get(hid)
                    code = RATINGS[(RATINGS.index(now) + 1) % len(RATINGS) if now in RATINGS else 0]
                    store.set_rating(CASE_ID, eid, hid, code)
            final = store.case(CASE_ID)
        write_weigh_db(fresh, final)
    finally:
        os.fsync = real_fsync
    return {"aged_bytes": aged.stat().st_size, "fresh_bytes": fresh.stat().st_size,
            "trail": len(Store.open(aged, readonly=True).history())}


def _open_close(db: Path) -> tuple[float, float]:
    """Seconds to open for writing (and read the case), and to close after one edit."""
    start = clock()
    store = Store.open(db)
    case = store.case(CASE_ID)
    opened = clock() - start
    ev = case.evidence[0]
    hid = case.hypotheses[0].id
    store.set_rating(CASE_ID, ev.id, hid, "II" if ev.ratings.get(hid) != "II" else "C")
    start = clock()
    store.close()  # folds the journal in: rewrites the file, trail included
    return opened, clock() - start


def measure(workdir: Path, reps: int) -> dict[str, Any]:
    aged, fresh = paths(workdir)
    out: dict[str, Any] = {"aged_bytes": aged.stat().st_size, "fresh_bytes": fresh.stat().st_size}
    for name, db in (("aged", aged), ("fresh", fresh)):
        runs = [_open_close(db) for _ in range(reps)]
        out[f"{name}_open_s"] = median([r[0] for r in runs])
        out[f"{name}_close_s"] = median([r[1] for r in runs])
    return out
