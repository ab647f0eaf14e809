"""weigh's own numbers at one case size, measured in a fresh process so peak RSS is the case's.

Durable rating edit (``Store.set_rating``), durable add (``Store.add_evidence``),
open with journal replay (``Store.open`` + ``store.case``) against ``json.load``
of the same file, ``analyse`` with its linchpin part, and the JSON summary export.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import hypotheses.scoring as scoring
from evidence.store import Store
from hypotheses.models import Evidence
from hypotheses.scoring_models import SCORING_MODELS
from hypotheses.vocabulary import RATINGS
from tests.benchmarks.cases import CASE_ID, big_case, write_weigh_db
from tests.benchmarks.timing import clock, median, peak_rss_mb, timed

PENDING_EDITS = 50  # journal records left for the open benchmark to replay


def _next_code(ev: Evidence, hid: str) -> str:
    """A code different from the cell's current one, so every edit really writes."""
    current = ev.ratings.get(hid)
    i = RATINGS.index(current) if current in RATINGS else -1
    return RATINGS[(i + 1) % len(RATINGS)]


def _full_scan(case: Any) -> float:
    """Seconds for the O(E·H) linchpin scan of all three models without its O(H) early
    exit: what analyse pays when the leaders are within one item's reach."""
    hids = [h.id for h in case.hypotheses]
    cols = scoring._Columns(
        case.evidence, scoring._code_columns(case.evidence, hids), scoring.group_sizes(case.evidence)
    )
    base = {m.name: scoring._base(m, case.hypotheses) for m in SCORING_MODELS}
    totals = {m: cols.totals(m, base[m]) for m in scoring.MODELS}
    start = clock()
    for m in scoring.MODELS:
        scoring._linchpins(m, totals[m], cols, base[m], scoring.top_set(totals[m]), full=True)
    return clock() - start


def _child(args: list[str]) -> dict[str, Any]:
    """One measurement in a fresh process (its own memory); its JSON answer."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.child", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr.strip().splitlines() or ["child failed"])[-1])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def open_times(db: Path, reps: int) -> dict[str, Any]:
    """Median ``Store.open`` + ``case`` (read-only, replaying the journal) and ``json.load``."""
    opens, loads = [], []
    reader_rss = 0.0
    for _ in range(reps):
        start = clock()
        reader = Store.open(db, readonly=True)
        reader.case(CASE_ID)
        opens.append(clock() - start)
        reader.close()
        reader_rss = reader_rss or peak_rss_mb()  # before json.load's own dicts count
        start = clock()
        with open(db, "rb") as fh:
            json.load(fh)
        loads.append(clock() - start)
    return {"open_s": median(opens), "json_load_s": median(loads), "peak_rss_mb": reader_rss}


def db_path(workdir: Path, n: int) -> Path:
    return workdir / f"weigh-{n}.json"


def write(n: int, workdir: Path) -> dict[str, Any]:
    """Generate the ``n``-item case and import it (its own process: the import's peak RSS)."""
    out: dict[str, Any] = {"n": n}
    out["generate_s"], case = timed(lambda: big_case(n))
    out["write_db_s"], _ = timed(lambda: write_weigh_db(db_path(workdir, n), case))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def measure(n: int, workdir: Path, reps: dict[str, int]) -> dict[str, Any]:
    """Every store/scoring measure on the database :func:`write` made; times in seconds."""
    out: dict[str, Any] = {"n": n}
    db = db_path(workdir, n)
    out["db_bytes"] = db.stat().st_size
    writer = Store.open(db)
    try:
        case = writer.case(CASE_ID)
        hids = [h.id for h in case.hypotheses]
        eids = [e.id for e in case.evidence]
        del case
        out["rss_open_mb"] = peak_rss_mb()  # the writer's whole state in memory
        edits = []
        for k in range(max(reps["edit"], PENDING_EDITS)):
            eid, hid = eids[(k * 97) % len(eids)], hids[k % len(hids)]
            code = _next_code(writer.evidence(CASE_ID, eid), hid)
            start = clock()
            writer.set_rating(CASE_ID, eid, hid, code)
            edits.append(clock() - start)
        out["edit_s"] = median(edits)
        out["edit_max_s"] = max(edits)

        adds = []
        for k in range(reps["add"]):
            item = Evidence(
                id=f"N{k}", title=f"Added item {k}", credibility="high",
                ratings={h: RATINGS[(k + j) % 5] for j, h in enumerate(hids)},
            )
            start = clock()
            writer.add_evidence(CASE_ID, item)
            adds.append(clock() - start)
        out["add_s"] = median(adds)
        out["pending_records"] = writer.pending

        # Open as a second process does (weigh export, a reader): the writer
        # still holds its journal, so every open replays the pending records.
        opened = _child(["open", str(db), str(reps["open"])])
        out["open_s"], out["json_load_s"] = opened["open_s"], opened["json_load_s"]
        out["rss_reader_mb"] = opened["peak_rss_mb"]
        out["rss_edit_mb"] = peak_rss_mb()

        case = writer.case(CASE_ID)
        totals: list[float] = []
        lin_parts: list[float] = []
        real = scoring._linchpins

        def counted(*args: Any) -> list[int]:
            start = clock()
            try:
                return real(*args)
            finally:
                lin_parts[-1] += clock() - start

        scoring._linchpins = counted  # type: ignore[assignment]
        try:
            for _ in range(reps["analyse"]):
                lin_parts.append(0.0)
                took, analysis = timed(lambda: scoring.analyse(case))
                totals.append(took)
        finally:
            scoring._linchpins = real
        out["analyse_s"] = median(totals)
        out["rescore_s"] = median([t - p for t, p in zip(totals, lin_parts, strict=True)])
        out["linchpin_s"] = median(lin_parts)
        out["linchpins"] = sum(1 for x in analysis.linchpins if x)
        out["rss_analyse_mb"] = peak_rss_mb()

        # The TUI's path: edit one cell durably, re-read the case, rescore incrementally.
        scorer = scoring.Scorer()
        scorer.analyse(case)
        warm = []
        for k in range(reps["analyse"]):
            eid, hid = eids[(k * 131 + 7) % len(eids)], hids[(k + 2) % len(hids)]
            writer.set_rating(CASE_ID, eid, hid, _next_code(writer.evidence(CASE_ID, eid), hid))
            edited = writer.case(CASE_ID)
            took, _ = timed(partial(scorer.analyse, edited))
            warm.append(took)
        out["rescore_incremental_s"] = median(warm)
        out["linchpin_full_s"] = median([_full_scan(case) for _ in range(reps["analyse"])])

        from evidence.export import export_bytes

        exports = []
        for _ in range(reps["export"]):
            took, data = timed(lambda: export_bytes(case, "json"))
            exports.append(took)
        out["export_inproc_s"] = median(exports)
        out["export_bytes"] = len(data)
        del data
    finally:
        start = clock()
        writer.close()  # folds the journal into the file (compaction)
        out["close_s"] = clock() - start
    out["peak_rss_mb"] = peak_rss_mb()  # weigh's own: before the naive baseline's dicts
    from tests.benchmarks.naive import naive_summary_json

    out["export_naive_s"] = median(
        [timed(lambda: naive_summary_json(case))[0] for _ in range(reps["export"])]
    )
    return out
