"""The naive baseline: TinyDB's own JSONStorage, one document per evidence item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from tests.benchmarks.cases import big_case, naive_docs
from tests.benchmarks.timing import median, timed


def measure(n: int, workdir: Path, reps: int) -> dict[str, Any]:
    """Median seconds for one ``update`` and one ``insert`` through TinyDB's table API."""
    docs = naive_docs(big_case(n))
    path = workdir / f"naive-{n}.json"
    out: dict[str, Any] = {"n": n}
    with TinyDB(path) as db:  # JSONStorage: every write rewrites and fsyncs the whole file
        table = db.table("evidence")
        table.insert_multiple(docs)
        out["db_bytes"] = path.stat().st_size
        updates = []
        for k in range(reps):
            ratings = dict(docs[k]["ratings"], H1="II" if k % 2 else "CC")
            took, _ = timed(lambda: table.update({"ratings": ratings}, doc_ids=[k + 1]))
            updates.append(took)
        out["update_s"] = median(updates)
        inserts = []
        for k in range(reps):
            doc = dict(docs[k], id=f"N{k}")
            took, _ = timed(lambda: table.insert(doc))
            inserts.append(took)
        out["insert_s"] = median(inserts)
    with TinyDB(storage=MemoryStorage) as mem:  # TinyDB's table code alone, no disk
        table = mem.table("evidence")
        table.insert_multiple(docs)
        updates = []
        for k in range(reps):
            took, _ = timed(lambda: table.update({"excluded": bool(k % 2)}, doc_ids=[k + 1]))
            updates.append(took)
        out["memory_update_s"] = median(updates)
    return out
