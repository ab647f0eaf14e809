"""Several threads editing one store (a Textual worker and the UI thread): whole records only."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import evidence.store as store_module
from evidence.journal import read_journal
from evidence.store import Store
from hypotheses.models import Evidence

from .edits import CASE_ID, CODES, HYPS, base_case, crash_image, shape

THREADS = 4
EDITS = 60


@pytest.mark.parametrize("compact_every", [10_000, 17])
def test_threads_hammering_one_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     compact_every: int) -> None:
    monkeypatch.setattr(store_module, "COMPACT_RECORDS", compact_every)
    store = Store.open(tmp_path / "weigh.json")
    store.put_case(base_case())
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS + 1)

    def writer(t: int) -> None:
        try:
            start.wait()
            for i in range(EDITS):
                if i % 3 == 0:
                    store.add_evidence(CASE_ID, Evidence(id=f"T{t}-{i}", title=f"thread {t} item {i}"))
                else:
                    eid = f"T{t}-{i - i % 3}"
                    store.set_rating(CASE_ID, eid, HYPS[(i + t) % 3], CODES[(i * 7 + t) % 6])
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            start.wait()
            for _ in range(EDITS):
                case = store.case(CASE_ID)
                assert len({e.id for e in case.evidence}) == len(case.evidence)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS - 1)]
    threads.append(threading.Thread(target=reader))
    for th in threads:
        th.start()
    start.wait()
    for th in threads:
        th.join(60)
    assert not errors, errors
    final = shape(store.case(CASE_ID))
    assert len(final["evidence"]) == 2 + (THREADS - 1) * EDITS // 3
    journal = read_journal(store.journal_path)
    assert journal.torn_bytes == 0  # every line whole and checksummed
    seqs = [r["seq"] for r in journal.records]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    image = crash_image(store, tmp_path / "image")  # replay without a final compaction
    store.close()
    assert shape(Store.open(image, readonly=True).case(CASE_ID)) == final
    assert shape(Store.open(store.path, readonly=True).case(CASE_ID)) == final
