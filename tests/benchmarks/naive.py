"""The naive baselines: TinyDB's own JSONStorage, one document per evidence item; and
the JSON summary built the obvious way, a pydantic model per row."""

from __future__ import annotations

from functools import partial
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
            took, _ = timed(partial(table.update, {"ratings": ratings}, doc_ids=[k + 1]))
            updates.append(took)
        out["update_s"] = median(updates)
        inserts = []
        for k in range(reps):
            doc = dict(docs[k], id=f"N{k}")
            took, _ = timed(partial(table.insert, doc))
            inserts.append(took)
        out["insert_s"] = median(inserts)
    with TinyDB(storage=MemoryStorage) as mem:  # TinyDB's table code alone, no disk
        table = mem.table("evidence")
        table.insert_multiple(docs)
        updates = []
        for k in range(reps):
            took, _ = timed(partial(table.update, {"excluded": bool(k % 2)}, doc_ids=[k + 1]))
            updates.append(took)
        out["memory_update_s"] = median(updates)
    return out


def naive_summary_json(case: Any) -> str:
    """The JSON summary as weigh first wrote it: the analysis, the people-only findings
    too, then a validated pydantic model per ranking row and per evidence item."""
    from pydantic import BaseModel

    from hypotheses.summary import findings

    class RankingRow(BaseModel):
        id: str
        title: str
        rank: int
        inconsistency: float
        weighted: float
        posterior: float
        log_score: float
        rated: int
        for_: int
        against: int

    class EvidenceRow(BaseModel):
        id: str
        diagnosticity: float
        linchpin: list[str]

    class Summary(BaseModel):
        case: str
        evidence_used: int
        ranking: list[RankingRow]
        evidence: list[EvidenceRow]

    f = findings(case)
    a = f.analysis
    rows = [
        RankingRow(
            id=r.id,
            title=r.title,
            rank=r.rank,
            inconsistency=r.inconsistency,
            weighted=r.weighted,
            posterior=r.posterior,
            log_score=r.log_score,
            rated=r.rated,
            for_=r.for_,
            against=r.against,
        )
        for r in f.summary.ranking
    ]
    evidence = [
        EvidenceRow(id=ev.id, diagnosticity=a.diagnosticity[i], linchpin=list(a.linchpins[i]))
        for i, ev in enumerate(case.evidence)
    ]
    return Summary(case=case.id, evidence_used=len(a.used), ranking=rows, evidence=evidence).model_dump_json(
        indent=2
    )
