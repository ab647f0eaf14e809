"""The merge row: ``weigh merge`` of two analysts' ``n``-item case files, 1,000 changed cells
each, timed as a whole process (interpreter, reading and validating three files, the merge,
the atomic write), as git runs the driver."""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from evidence.case_file import dump_case_file, parse_case_file
from hypotheses.models import Case
from hypotheses.vocabulary import RATINGS
from tests.benchmarks.cases import SEED, big_case
from tests.benchmarks.timing import median

ROOT = Path(__file__).resolve().parents[2]
CHANGED = 1000


def two_analysts(n: int) -> Case:
    """The benchmark case as a team case: ana's layer is its matrix, ben's the same."""
    base = big_case(n)
    items = [ev.model_copy(update={"ratings": {}, "ratings_by": {"ana": ev.ratings, "ben": ev.ratings}})
             for ev in base.evidence]
    return Case.model_validate({**base.model_dump(), "analysts": ["ana", "ben"],
                                "evidence": [ev.model_dump() for ev in items]})


def changed(case: Case, analyst: str, rng: random.Random) -> Case:
    """``CHANGED`` of the analyst's cells given another code."""
    items = list(case.evidence)
    for k in rng.sample(range(len(items)), CHANGED):
        ev = items[k]
        layer = dict(ev.ratings_by[analyst])
        hyp = rng.choice(sorted(layer))
        layer[hyp] = next(c for c in RATINGS if c != layer[hyp])
        items[k] = ev.model_copy(update={"ratings_by": {**ev.ratings_by, analyst: layer}})
    return case.model_copy(update={"evidence": items})


def measure(n: int, workdir: Path, reps: int) -> dict[str, Any]:
    rng = random.Random(SEED + 2)
    base = two_analysts(n)
    files = {"base": base, "ours": changed(base, "ana", rng), "theirs": changed(base, "ben", rng)}
    for name, case in files.items():
        (workdir / f"merge-{name}.json").write_text(dump_case_file(case), encoding="utf-8")
    ours, target = workdir / "merge-ours.json", workdir / "merge-result.json"
    times, cpu = [], []
    exit_code = 0
    for _ in range(reps):
        shutil.copyfile(ours, target)
        used = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tui.cli", "merge", str(workdir / "merge-base.json"),
                               str(target), str(workdir / "merge-theirs.json")], cwd=ROOT,
                              capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - used)
        exit_code = exit_code or done.returncode
    merged = parse_case_file(target.read_bytes())
    want = {(e.id, a): e.ratings_by[a] for case, a in ((files["ours"], "ana"), (files["theirs"], "ben"))
            for e in case.evidence}
    whole = all(want[(e.id, a)] == e.ratings_by[a] for e in merged.evidence for a in ("ana", "ben"))
    return {"merge_s": median(times), "cpu_s": median(cpu), "exit": exit_code, "every_vote": whole,
            "file_mb": ours.stat().st_size / 2**20}


def _children_cpu() -> float:
    """User and system CPU seconds of the finished child processes (the load does not add to it)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime
