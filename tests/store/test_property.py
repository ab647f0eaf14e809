"""Random edit sequences: the store agrees with a plain in-memory model, live, after
close and reopen, and after a simulated crash (files copied without closing)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evidence.store as store_module
from evidence.store import Store
from hypotheses.models import Evidence, Hypothesis

from .edits import CASE_ID, CODES, base_case, crash_image

OPS = ("rate", "clear", "add", "delete", "exclude", "retitle", "add_hyp", "del_hyp", "undo_hyp")

op_lists = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50), st.integers(0, 5)),
    max_size=30,
)


class Model:
    """What a case should look like: ids, titles, flags and ratings, in order."""

    def __init__(self) -> None:
        case = base_case()
        self.hyps = [h.id for h in case.hypotheses]
        self.items: list[dict[str, Any]] = [
            {"id": e.id, "title": e.title, "excluded": e.excluded, "ratings": dict(e.ratings)}
            for e in case.evidence
        ]
        self.removed: list[tuple[str, int, dict[str, str], Any]] = []  # with the store's undo token

    def view(self) -> Any:
        return self.hyps, self.items


def view(store: Store) -> Any:
    case = store.case(CASE_ID)
    return [h.id for h in case.hypotheses], [
        {"id": e.id, "title": e.title, "excluded": e.excluded, "ratings": dict(e.ratings)}
        for e in case.evidence
    ]


def _rate(store: Store, model: Model, item: dict[str, Any], b: int, code: str | None) -> None:
    if not model.hyps:
        return
    hid = model.hyps[b % len(model.hyps)]
    store.set_rating(CASE_ID, item["id"], hid, code)
    if code is None:
        item["ratings"].pop(hid, None)
    else:
        item["ratings"][hid] = code


def _item_step(store: Store, model: Model, op: str, a: int, b: int, c: int) -> None:
    """An edit of one existing item (none when the case has no items)."""
    if not model.items:
        return
    item = model.items[a % len(model.items)]
    if op in ("rate", "clear"):
        _rate(store, model, item, b, None if op == "clear" else CODES[c])
    elif op == "delete":
        store.delete_evidence(CASE_ID, item["id"])
        model.items.remove(item)
    elif op == "exclude":
        store.set_excluded(CASE_ID, item["id"], bool(b % 2))
        item["excluded"] = bool(b % 2)
    elif op == "retitle":
        title = f"title {b} «{c}»"
        store.update_evidence(
            CASE_ID, store.evidence(CASE_ID, item["id"]).model_copy(update={"title": title})
        )
        item["title"] = title


def _add(store: Store, model: Model, a: int, counter: list[int]) -> None:
    counter[0] += 1
    eid = f"P{counter[0]}"
    pos = a % (len(model.items) + 1)
    store.add_evidence(CASE_ID, Evidence(id=eid, title=f"added {eid}"), position=pos)
    model.items.insert(pos, {"id": eid, "title": f"added {eid}", "excluded": False, "ratings": {}})


def _add_hyp(store: Store, model: Model, counter: list[int]) -> None:
    counter[0] += 1
    hid = f"Q{counter[0]}"
    store.add_hypothesis(CASE_ID, Hypothesis(id=hid, title=f"hyp {hid}"))
    model.hyps.append(hid)


def _del_hyp(store: Store, model: Model, a: int) -> None:
    if not model.hyps:
        return
    hid = model.hyps[a % len(model.hyps)]
    removal = store.delete_hypothesis(CASE_ID, hid)
    pos = model.hyps.index(hid)
    model.hyps.remove(hid)
    cells = {}
    for it in model.items:
        if hid in it["ratings"]:
            cells[it["id"]] = it["ratings"].pop(hid)
    model.removed.append((hid, pos, cells, removal))


def _undo_hyp(store: Store, model: Model) -> None:
    if not model.removed:
        return
    hid, pos, cells, removal = model.removed.pop()
    if all(any(it["id"] == eid for it in model.items) for eid in cells):
        store.revert(removal)
        model.hyps.insert(pos, hid)
        for it in model.items:
            if it["id"] in cells:
                it["ratings"][hid] = cells[it["id"]]


def step(store: Store, model: Model, op: str, a: int, b: int, c: int, counter: list[int]) -> None:
    if op == "add":
        _add(store, model, a, counter)
    elif op == "add_hyp":
        _add_hyp(store, model, counter)
    elif op == "del_hyp":
        _del_hyp(store, model, a)
    elif op == "undo_hyp":
        _undo_hyp(store, model)
    else:
        _item_step(store, model, op, a, b, c)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=op_lists, compact_every=st.sampled_from([3, 10_000]))
def test_store_matches_model(ops: list[tuple[str, int, int, int]], compact_every: int) -> None:
    saved = store_module.COMPACT_RECORDS
    store_module.COMPACT_RECORDS = compact_every
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            store = Store.open(folder / "weigh.json")
            store.put_case(base_case())
            model = Model()
            counter = [0]
            for op in ops:
                step(store, model, *op, counter)
                assert view(store) == model.view()
            image = crash_image(store, folder / "crash")
            store.close()
            assert view(Store.open(image, readonly=True)) == model.view()
            with Store.open(image) as recovered:
                assert view(recovered) == model.view()
            assert view(Store.open(store.path, readonly=True)) == model.view()
            assert view(Store.open(image, readonly=True)) == model.view()
    finally:
        store_module.COMPACT_RECORDS = saved
