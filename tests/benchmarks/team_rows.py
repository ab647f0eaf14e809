"""A team case's numbers: the big case rated by five analysts, each differently.

``team_rescore_ms``: after one analyst's vote (a durable ``Store.set_rating``),
rescore all three models under the team lens (``LensScorer.analyse``: the
consensus view, then the incremental ``Scorer``). The open time and peak RSS
of the team case are measured beside the one-analyst case's, each open in a
fresh process of its own.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from evidence.store import Store
from hypotheses.models import Case
from hypotheses.team import TEAM, LensScorer
from hypotheses.vocabulary import RATINGS
from tests.benchmarks.cases import CASE_ID, SEED, big_case, write_weigh_db
from tests.benchmarks.store_rows import _child, db_path
from tests.benchmarks.timing import clock, median, peak_rss_mb

ANALYSTS = ("ana", "ben", "chi", "dan", "eve")


def team_case(n: int, seed: int = SEED) -> Case:
    """The ``n``-item benchmark case rated by five analysts: each keeps the shared code of a
    cell with probability 0.6, else picks another (so consensus and disagreement vary)."""
    base = big_case(n, seed)
    rng = random.Random(seed + 1)
    items = []
    for ev in base.evidence:
        layers = {a: {h: code if rng.random() < 0.6 else rng.choice(RATINGS)
                      for h, code in ev.ratings.items()} for a in ANALYSTS}
        items.append(ev.model_copy(update={"ratings": {}, "ratings_by": layers}))
    return Case.model_validate({**base.model_dump(), "analysts": list(ANALYSTS),
                                "evidence": [ev.model_dump() for ev in items]})


def team_db_path(workdir: Path, n: int) -> Path:
    return workdir / f"weigh-team-{n}.json"


def write(n: int, workdir: Path) -> dict[str, Any]:
    """Both databases of ``n`` items: one analyst's (if not there yet) and the team's."""
    if not db_path(workdir, n).exists():
        write_weigh_db(db_path(workdir, n), big_case(n))
    write_weigh_db(team_db_path(workdir, n), team_case(n))
    return {"peak_rss_mb": peak_rss_mb()}


def measure(n: int, workdir: Path, reps: int) -> dict[str, Any]:
    """Opens (each in its own process, spawned while this one is still small: a child's
    peak RSS starts at its parent's) and the rescore after a vote under the team lens,
    on the databases :func:`write` made in a process of its own."""
    out: dict[str, Any] = {"n": n, "solo_bytes": db_path(workdir, n).stat().st_size,
                           "team_bytes": team_db_path(workdir, n).stat().st_size}
    for name, db in (("solo", db_path(workdir, n)), ("team", team_db_path(workdir, n))):
        opened = _child(["open", str(db), str(reps)])
        out[f"{name}_open_s"], out[f"{name}_open_rss_mb"] = opened["open_s"], opened["peak_rss_mb"]
    writer = Store.open(team_db_path(workdir, n), analyst="ben")
    try:
        case = writer.case(CASE_ID)
        hids = [h.id for h in case.hypotheses]
        eids = [e.id for e in case.evidence]
        lenses = LensScorer()
        start = clock()
        lenses.analyse(case, TEAM)
        out["first_analyse_s"] = clock() - start
        times, cpu = [], []
        for k in range(max(reps, 5) * 3):
            eid, hid = eids[(k * 131 + 7) % len(eids)], hids[k % len(hids)]
            old = writer.evidence(CASE_ID, eid).ratings_by["ben"].get(hid)
            code = RATINGS[(RATINGS.index(old) + 1) % len(RATINGS)] if old else "C"
            writer.set_rating(CASE_ID, eid, hid, code)
            edited = writer.case(CASE_ID)
            start, cpu_start = clock(), time.process_time()
            lenses.analyse(edited, TEAM)
            times.append(clock() - start)
            cpu.append(time.process_time() - cpu_start)
        out["team_rescore_s"] = median(times)
        out["team_rescore_cpu_s"] = median(cpu)
        out["team_rescore_max_s"] = max(times)
        out["peak_rss_mb"] = peak_rss_mb()
    finally:
        writer.close()
    return out
