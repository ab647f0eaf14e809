"""A deterministic, numbered sequence of store edits shared by the crash child and the tests.

Edit ``n`` depends only on ``n`` and the edits before it, so a clean run of
edits ``0..k-1`` is the state a crashed run must show after ``k`` acknowledged.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis

CASE_ID = "crash"
HYPS = ("H1", "H2", "H3")
CODES = ("CC", "C", "N", "I", "II", "NA")


def base_case(case_id: str = CASE_ID) -> Case:
    """A small case every store test starts from."""
    return Case(
        id=case_id,
        title="Crash test case",
        question="Does every acknowledged edit survive?",
        hypotheses=[Hypothesis(id=h, title=f"Hypothesis {h}") for h in HYPS],
        evidence=[
            Evidence(id="X0", title="First item", ratings={"H1": "C"}, tags=["seed"]),
            Evidence(id="X1", title="Second item", ratings={"H2": "I"}, event_date="2022-03-29"),
        ],
    )


def edit(store: Store, n: int, case_id: str = CASE_ID) -> None:
    """Edit number ``n``: a mix of add, rate, update, exclude, clear and delete."""
    g, kind = divmod(n, 6)
    eid = f"E{g}"
    if kind == 0:
        store.add_evidence(case_id, Evidence(id=eid, title=f"item {g}", tags=["crash"]))
    elif kind == 1:
        store.set_rating(case_id, eid, HYPS[g % 3], CODES[g % 6])
    elif kind == 2:
        ev = store.evidence(case_id, eid)
        store.update_evidence(
            case_id, ev.model_copy(update={"title": f"item {g} edited", "details": "d" * (n % 50)})
        )
    elif kind == 3:
        store.set_excluded(case_id, eid, True)
    elif kind == 4:
        store.set_rating(case_id, eid, HYPS[(g + 1) % 3], "II")
    elif g % 2:
        store.delete_evidence(case_id, f"E{g - 1}")
    else:
        store.set_rating(case_id, eid, HYPS[g % 3], None)


def shape(case: Case | None) -> Any:
    """A case without its timestamps: what must match between two runs."""
    if case is None:
        return None
    return case.model_dump(mode="json", exclude={"created", "updated"})


class Reference:
    """States after 0, 1, 2, … edits, from a clean run that is never killed."""

    def __init__(self, folder: Path) -> None:
        self.store = Store.open(folder / "reference.json")
        self.store.put_case(base_case())
        self.states = [shape(self.store.case(CASE_ID))]

    def after(self, k: int) -> Any:
        while len(self.states) <= k:
            edit(self.store, len(self.states) - 1)
            self.states.append(shape(self.store.case(CASE_ID)))
        return self.states[k]

    def close(self) -> None:
        self.store.close()


def digest(*paths: Path) -> dict[str, str | None]:
    """Hash of each file (None if absent): proves files were left untouched."""
    out: dict[str, str | None] = {}
    for p in paths:
        try:
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
        except FileNotFoundError:
            out[p.name] = None
        except IsADirectoryError:
            out[p.name] = "dir:" + ",".join(sorted(x.name for x in p.iterdir()))
    return out


def files_of(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + ".journal")]


def crash_image(store: Store, dest: Path) -> Path:
    """Copy the files of an open store, as a kill -9 at this moment would leave them."""
    dest.mkdir(exist_ok=True)
    for src in files_of(store.path):
        if src.exists():
            shutil.copyfile(src, dest / src.name)
    return dest / store.path.name
