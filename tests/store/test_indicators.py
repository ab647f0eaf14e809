"""Case details and indicators through the store: each edit one journal record, undone by
the history replay, surviving journal replay and compaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.errors import Conflict, NotFound
from evidence.history import replay
from evidence.journal import read_journal
from evidence.store import Store
from hypotheses.models import Evidence, Indicator

from .edits import CASE_ID, base_case, shape

M1 = Indicator(id="M1", title="Talks resume", details="within weeks", ratings={"H1": "C", "H2": "II"})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "weigh.json")
    s.put_case(base_case())
    return s


def reopened(store: Store) -> Store:
    store.close()
    return Store.open(store.path, readonly=True)


def test_case_details_edit_records_only_what_changed(store: Store) -> None:
    info = store.case(CASE_ID).info
    store.update_case_info(info.model_copy(update={"conclusion": "H2 holds.", "description": "Why"}))
    store.update_case_info(store.case(CASE_ID).info)  # nothing changed: nothing recorded
    last = store.history(CASE_ID)[-1]
    assert last.op == "case.info" and last.describe() == "edited case details: description; conclusion"
    assert len(store.history(CASE_ID)) == 2
    case = reopened(store).case(CASE_ID)
    assert (case.conclusion, case.description, case.title) == ("H2 holds.", "Why", "Crash test case")


def test_add_update_delete_indicator(store: Store) -> None:
    store.add_indicator(CASE_ID, M1)
    with pytest.raises(Conflict, match="already exists"):
        store.add_indicator(CASE_ID, M1)
    with pytest.raises(Conflict, match="unknown hypothesis id 'H9'"):
        store.add_indicator(CASE_ID, Indicator(id="M2", title="x", ratings={"H9": "C"}))
    store.update_indicator(CASE_ID, M1.model_copy(update={"title": "Talks resume in May"}))
    store.add_indicator(CASE_ID, Indicator(id="M0", title="First"), position=0)
    assert [m.id for m in store.case(CASE_ID).indicators] == ["M0", "M1"]
    deleted = store.delete_indicator(CASE_ID, "M0")
    assert (deleted.old.id, deleted.pos) == ("M0", 0)
    store.revert(deleted)  # the undo
    trail = [r.describe() for r in store.history(CASE_ID)[1:]]
    assert trail == [
        "added indicator M1: Talks resume",
        "edited indicator M1: title Talks resume → Talks resume in May",
        "added indicator M0: First",
        "deleted indicator M0: First",
        "added indicator M0: First",
    ]
    case = reopened(store).case(CASE_ID)
    assert [m.id for m in case.indicators] == ["M0", "M1"]
    assert case.indicator("M1").title == "Talks resume in May"
    with pytest.raises(NotFound):
        Store.open(store.path).delete_indicator(CASE_ID, "M7")


def test_observing_an_indicator_is_one_record_carrying_its_ratings(store: Store) -> None:
    store.add_indicator(CASE_ID, M1)
    store.compact()
    claimed = Evidence(id="E7", title="Talks resumed", ratings={"H1": "II"}, event_date="2022-05-02")
    item = store.observe_indicator(CASE_ID, "M1", claimed).evidence
    assert item.ratings == {"H1": "C", "H2": "II"}  # pre-registered, not re-rated
    assert [r["op"] for r in read_journal(store.journal_path).records] == ["ind.observe"]
    case = store.case(CASE_ID)
    assert case.indicator("M1").status == "observed" and case.indicator("M1").evidence_id == "E7"
    assert case.item("E7").event_date is not None and case.item("E7").ratings == item.ratings
    assert [r.op for r in store.item_history(CASE_ID, "E7")] == ["ind.observe"]
    with pytest.raises(Conflict, match="already observed as evidence E7"):
        store.observe_indicator(CASE_ID, "M1")
    assert shape(reopened(store).case(CASE_ID)) == shape(case)


def test_undo_of_an_observation_reverses_both(store: Store) -> None:
    store.add_indicator(CASE_ID, M1)
    before = store.case(CASE_ID)
    observed = store.observe_indicator(CASE_ID, "M1")  # an item made from the indicator
    item = observed.evidence
    assert (item.id, item.title, item.details) == ("E3", "Talks resume", "within weeks")
    undone = store.revert(observed)
    assert shape(store.case(CASE_ID)) == shape(before)
    with pytest.raises(NotFound, match="no evidence 'E3'"):
        store.revert(observed)  # twice: its item is gone already
    store.revert(undone)  # redo
    assert store.case(CASE_ID).indicator("M1").evidence_id == "E3"
    store.revert(store.history(CASE_ID)[-1])
    assert shape(reopened(store).case(CASE_ID)) == shape(before)


def test_history_replay_steps_back_over_every_indicator_record(store: Store) -> None:
    states = [store.case(CASE_ID)]
    store.add_indicator(CASE_ID, M1)
    states.append(store.case(CASE_ID))
    store.update_case_info(store.case(CASE_ID).info.model_copy(update={"conclusion": "So."}))
    states.append(store.case(CASE_ID))
    store.observe_indicator(CASE_ID, "M1")
    states.append(store.case(CASE_ID))
    store.delete_hypothesis(CASE_ID, "H2")  # takes M1's H2 rating along
    states.append(store.case(CASE_ID))
    assert "H2" not in store.case(CASE_ID).indicator("M1").ratings
    store.delete_evidence(CASE_ID, "E3")  # unlinks M1
    states.append(store.case(CASE_ID))
    assert store.case(CASE_ID).indicator("M1").evidence_id is None
    store.update_indicator(CASE_ID, store.case(CASE_ID).indicator("M1").model_copy(
        update={"status": "lapsed"}))
    states.append(store.case(CASE_ID))
    store.delete_indicator(CASE_ID, "M1")
    states.append(store.case(CASE_ID))
    rep = replay(store.case(CASE_ID), store.history(CASE_ID))
    assert rep.complete
    assert [shape(s.case) for s in rep.states] == [shape(c) for c in states]
