"""The audit trail: every edit made through the store is in the history, in words,
and the case can be rebuilt as it stood after each one."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.history import (
    describe_change,
    evidence_history,
    fields_changed,
    ranking_history,
    ranking_line,
    replay,
)
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse
from hypotheses.vocabulary import RATINGS

if TYPE_CHECKING:
    from evidence.operations import Record


def content(case: Case) -> dict:
    return case.model_dump(exclude={"created", "updated"})


def base_case() -> Case:
    return Case(
        id="c",
        title="Case",
        question="Which?",
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[
            Evidence(id="E1", title="first", ratings={"H1": "C", "H2": "I"}, notes={"H2": "why"}),
            Evidence(id="E2", title="second", event_date="2022-03-01"),
        ],
    )


def test_every_kind_of_edit_is_described(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())
        store.set_rating("c", "E2", "H1", "II")
        store.set_rating("c", "E2", "H1", None)
        store.set_excluded("c", "E1", True)
        store.add_evidence("c", Evidence(id="E3", title="third"))
        store.update_evidence("c", store.evidence("c", "E3").model_copy(
            update={"credibility": "high", "details": "long text", "ratings": {"H2": "CC"}}))
        store.add_hypothesis("c", Hypothesis(id="H3", title="Three"))
        store.update_hypothesis("c", Hypothesis(id="H3", title="Three!", prior=2.0))
        removal = store.delete_hypothesis("c", "H2")
        store.revert(removal)
        store.delete_evidence("c", "E3")
        store.update_case_info(store.case("c").info.model_copy(update={"question": "Which one?"}))
        lines = [describe_change(r) for r in store.history("c")]
    whats = [line.split(" UTC  ", 1)[1].removesuffix(" (by tester)") for line in lines]
    assert all(line.endswith(" (by tester)") for line in lines)  # who made each change
    assert whats == [
        "case c written whole (created, imported or replaced): 2 hypotheses, 2 evidence",
        "rating E2 × H1: unrated → II",
        "rating E2 × H1: II → unrated",
        "E1 excluded from scoring",
        "added evidence E3: third",
        "edited evidence E3: details; credibility medium → high; ratings H2 unrated → CC",
        "added hypothesis H3: Three",
        "edited hypothesis H3: title Three → Three!; prior 1.0 → 2.0",
        "deleted hypothesis H2 with 2 ratings",
        "restored hypothesis H2 with 2 ratings",
        "deleted evidence E3: third",
        "edited case details: question Which? → Which one?",
    ]
    assert all(line[:4].isdigit() and line[10] == " " for line in lines)


def test_an_items_history_includes_cells_lost_with_a_column(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())
        store.set_rating("c", "E1", "H1", "CC")
        store.set_rating("c", "E2", "H2", "N")
        removal = store.delete_hypothesis("c", "H2")
        store.revert(removal)
        store.update_evidence("c", store.evidence("c", "E2").model_copy(update={"title": "renamed"}))
        e1 = [r.op for r in evidence_history(store.history("c"), "E1")]
        e2 = [r.op for r in evidence_history(store.history("c"), "E2")]
    assert e1 == ["rate", "hyp.delete", "hyp.restore"]
    assert e2 == ["rate", "hyp.delete", "hyp.restore", "ev.update"]


# ------------------------------------------------------------- replaying


EDIT = st.one_of(
    st.tuples(st.just("rate"), st.integers(0, 9), st.integers(0, 9), st.none() | st.sampled_from(RATINGS)),
    st.tuples(st.just("exclude"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("add_ev"), st.integers(0, 9), st.sampled_from(["low", "high"])),
    st.tuples(st.just("edit_ev"), st.integers(0, 9), st.sampled_from(["low", "medium", "high"])),
    st.tuples(st.just("del_ev"), st.integers(0, 9)),
    st.tuples(st.just("add_hyp"), st.integers(0, 3)),
    st.tuples(st.just("edit_hyp"), st.integers(0, 9), st.sampled_from([0.5, 1.0, 3.0])),
    st.tuples(st.just("del_hyp"), st.integers(0, 9)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("info"), st.text("abc ", max_size=5)),
)


def apply_edit(store: Store, edit: tuple, counter: list[int], done: list[Record],
               undone: list[Record]) -> None:
    """An edit, or an undo or redo of the edits before it (the workbench's two stacks)."""
    if edit[0] in ("undo", "redo"):
        source, target = (done, undone) if edit[0] == "undo" else (undone, done)
        if source:
            target.append(store.revert(source.pop()))
        return
    record = store_edit(store, edit, counter)
    if record is not None:
        done.append(record)
        undone.clear()


def store_edit(store: Store, edit: tuple, counter: list[int]) -> Record | None:
    case = store.case("c")
    op = edit[0]
    evs, hyps = case.evidence, case.hypotheses
    if op == "rate" and evs and hyps:
        return store.set_rating("c", evs[edit[1] % len(evs)].id, hyps[edit[2] % len(hyps)].id, edit[3])
    if op == "exclude" and evs:
        return store.set_excluded("c", evs[edit[1] % len(evs)].id, edit[2])
    if op == "add_ev":
        counter[0] += 1
        ratings = {h.id: "I" for h in hyps[:1]}
        return store.add_evidence("c", Evidence(id=f"N{counter[0]}", title="new", credibility=edit[2],
                                                ratings=ratings), position=edit[1])
    if op == "edit_ev" and evs:
        ev = evs[edit[1] % len(evs)]
        changed = ev.model_copy(update={"relevance": edit[2], "title": ev.title + "+"})
        return store.update_evidence("c", changed)
        return store.update_evidence("c", changed)
    if op == "del_ev" and evs:
        return store.delete_evidence("c", evs[edit[1] % len(evs)].id)
    if op == "add_hyp":
        counter[0] += 1
        return store.add_hypothesis("c", Hypothesis(id=f"G{counter[0]}", title="new"), position=edit[1])
    if op == "edit_hyp" and hyps:
        h = hyps[edit[1] % len(hyps)]
        return store.update_hypothesis("c", h.model_copy(update={"prior": edit[2]}))
    if op == "del_hyp" and hyps:
        return store.delete_hypothesis("c", hyps[edit[1] % len(hyps)].id)
    if op == "info":
        return store.update_case_info(case.info.model_copy(update={"description": edit[1]}))
    return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, max_size=14), st.booleans())
def test_replay_rebuilds_the_case_after_every_edit(edits: list[tuple], reopen: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.json"
        seen = []
        with Store.open(db) as store:
            store.put_case(Case(id="other", title="Other"))  # another case's trail is ignored
            store.put_case(base_case())
            seen.append(content(store.case("c")))
            counter: list[int] = [0]
            done: list[Record] = []
            undone: list[Record] = []
            for edit in edits:
                before = len(store.history())
                apply_edit(store, edit, counter, done, undone)
                if len(store.history()) > before:
                    seen.append(content(store.case("c")))
        with Store.open(db, readonly=True) if reopen else Store.open(db) as store:
            rep = replay(store.case("c"), store.history())
    assert rep.complete and rep.note == ""
    assert [content(s.case) for s in rep.states] == seen
    assert rep.states[0].record is not None and rep.states[0].record.op == "case.put"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, max_size=14), st.integers(0, 6))
def test_the_ranking_history_scores_every_state_as_a_fresh_analysis(edits: list[tuple], limit: int) -> None:
    """Each state is scored by patching the one after it: the verdicts equal an analysis of
    each replayed case from scratch, and a limit keeps the newest changes, the state before
    them shown as the oldest, with the earlier ones counted."""
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "w.json") as store:
        store.put_case(base_case())
        counter: list[int] = [0]
        done: list[Record] = []
        undone: list[Record] = []
        for edit in edits:
            apply_edit(store, edit, counter, done, undone)
        case, records = store.case("c"), store.history("c")
    states = replay(case, records).states
    for cap in (None, limit):
        moved = ranking_history(case, records, "bayes", limit=cap)
        assert moved is not None
        shown = states if cap is None or len(states) - 1 <= cap else states[-(cap + 1):]
        assert len(moved.steps) == len(shown)
        for step, state in zip(moved.steps, shown, strict=True):
            fresh = analyse(state.case)
            assert step.scores == fresh.models and step.posterior == fresh.posterior
            assert step.agree == fresh.agree
            assert step.hypotheses == tuple(state.case.hypotheses)
        skipped = len(states) - len(shown)
        assert moved.complete == (skipped == 0)
        assert (f"the {skipped:,} earlier changes are not replayed" in moved.note) == (skipped > 0)
        if skipped:
            assert moved.steps[0].record is None and moved.steps[0].change == "oldest state known"


def test_a_ranking_history_told_to_stop_gives_up(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())
        store.set_rating("c", "E2", "H1", "C")
        asked: list[int] = []

        def stop() -> bool:
            asked.append(1)
            return len(asked) > 1

        moved = ranking_history(store.case("c"), store.history("c"), stop=stop)
    assert moved is None and len(asked) == 2  # the first state scored, then stopped


def test_replay_stops_at_the_latest_import(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())
        store.set_rating("c", "E2", "H1", "C")  # before the re-import: not replayable
        store.put_case(base_case(), replace=True)
        store.set_rating("c", "E2", "H2", "II")
        rep = replay(store.case("c"), store.history("c"))
    assert rep.complete
    assert [s.record.op for s in rep.states] == ["case.put", "rate"]
    assert rep.states[0].case.item("E2").ratings == {}


def test_a_trail_that_does_not_fit_stops_honestly(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())
        store.set_rating("c", "E2", "H1", "C")
        store.delete_evidence("c", "E1")
        records = store.history("c")
        case = store.case("c")
    # a trail without its start: the oldest state known is shown as such
    rep = replay(case, records[1:])
    assert not rep.complete and "oldest state known" in rep.note
    assert len(rep.states) == 3 and rep.states[0].record is None
    # a record that names an item the case never had
    bad = [*records, records[1].model_copy(update={"id": "E9"})]
    rep = replay(case, bad)
    assert not rep.complete and "does not fit" in rep.note
    assert len(rep.states) == 1


def test_ranking_history_marks_the_changes_of_leader(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())  # E1: H1 C, H2 I → H1 leads
        store.set_rating("c", "E2", "H1", "II")  # H1 -2, H2 -1 → H2 leads
        store.update_evidence("c", store.evidence("c", "E2").model_copy(update={"title": "retitled"}))
        store.set_rating("c", "E1", "H2", None)  # H2 0 → still H2
        store.set_rating("c", "E2", "H1", None)  # H1 0, H2 0 → tie
        moved = ranking_history(store.case("c"), store.history("c"), "inconsistency")
    assert moved is not None and moved.complete and not moved.note
    steps = moved.steps
    assert [s.ranking for s in steps] == ["H1 > H2", "H2 > H1", "H2 > H1", "H2 > H1", "H1 = H2"]
    # step 3 too: H2 still tops, but now on no rated item, which the verdict says (found by a reviewer)
    assert [s.leader_changed for s in steps] == [False, True, False, True, True]
    assert steps[0].change.startswith("case c written whole")
    assert steps[1].change == "rating E2 × H1: unrated → II (by tester)"
    assert steps[-1].leaders["inconsistency"] == ("H1", "H2")
    # why a top is no leader, as the verdict says: from step 3 no item rates H2 at all (its
    # top score rests on nothing), and at the end it ties with H1, rated C on E1
    assert [s.notes["inconsistency"] for s in steps] == ["", "", "", "on no rated item",
                                                          "H2 on no rated item"]
    with pytest.raises(ValueError, match="model"):
        ranking_history(base_case(), [], "nope")


def test_ranking_line_ties_and_order() -> None:
    case = Case(id="t", title="T", hypotheses=[Hypothesis(id=f"H{i}", title="x") for i in range(1, 5)],
                evidence=[Evidence(id="E1", title="e", ratings={"H1": "I", "H2": "II", "H3": "I"})])
    m = analyse(case).models["inconsistency"]
    assert ranking_line(case, m.order, m.ranks) == "H4 > H1 = H3 > H2"


def test_an_edited_long_title_shows_the_part_that_changed() -> None:
    title = "Kyiv distrusted third-party guarantees after the Budapest Memorandum of 1994"
    line = fields_changed({"title": title}, {"title": title + " and the 2014 events"})
    before, after = line.removeprefix("title ").split(" → ")
    assert before != after
    assert "2014" in after and len(after) <= 42
    short = fields_changed({"title": "Short"}, {"title": "Short title"})
    assert short == "title Short → Short title"


def test_an_indicators_status_change_says_old_and_new(tmp_path):
    """Issue 22: the change log says 'status watching → lapsed', not just 'status'."""
    from evidence.store import Store
    from hypotheses.models import Case, Hypothesis, Indicator

    with Store.open(tmp_path / "db.json") as store:
        store.put_case(Case(id="c", title="C", hypotheses=[Hypothesis(id="H1", title="one")]))
        ind = Indicator(id="M2", title="talks", expected_by="1993-07-01")
        store.add_indicator("c", ind)
        record = store.update_indicator("c", ind.model_copy(
            update={"status": "lapsed", "expected_by": date(1993, 8, 1)}))
        assert record is not None
        text = record.describe()
    assert "status watching → lapsed" in text
    assert "expected_by 1993-07-01 → 1993-08-01" in text


def test_a_column_with_one_rating_is_counted_in_the_singular(tmp_path: Path) -> None:
    """'with 1 rating', not 'with 1 ratings' (found by a tester in the ranking history)."""
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(base_case())
        store.add_hypothesis("c", Hypothesis(id="H3", title="Three"))
        store.set_rating("c", "E1", "H3", "C")
        store.revert(store.delete_hypothesis("c", "H3"))
        said = [r.describe() for r in store.history("c")[-2:]]
    assert said == ["deleted hypothesis H3 with 1 rating", "restored hypothesis H3 with 1 rating"]


def test_ranking_history_marks_a_change_of_the_band_a_top_is_not_separated_from(tmp_path: Path) -> None:
    """Three hypotheses; E1 (low credibility) rates H2 I and H3 I: weighted H1 0, H2 and H3
    −0.71, all three not separated. Then E2 rates H3 I: H3 falls out of the band, H1 still
    tops inside it. The reports' leader over time says 'not separated: H1, H2, H3 → not
    separated: H1, H2'; the ranking history marked no change (its top, H1, stayed)."""
    case = Case(id="c", title="Case", question="Which?",
                hypotheses=[Hypothesis(id=f"H{i}", title=f"h{i}") for i in (1, 2, 3)],
                evidence=[Evidence(id="E1", title="first", credibility="low",
                                   ratings={"H1": "N", "H2": "I", "H3": "I"}),
                          Evidence(id="E2", title="second", ratings={"H1": "N", "H2": "N"})])
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(case)
        store.set_rating("c", "E2", "H3", "I")
        moved = ranking_history(store.case("c"), store.history("c"), "weighted")
    assert moved is not None
    steps = moved.steps
    assert [s.said("weighted")[:2] for s in steps] == [(("H1",), "not separated")] * 2
    assert [s.band("weighted") for s in steps] == [("H1", "H2", "H3"), ("H1", "H2")]
    assert [s.leader_changed for s in steps] == [False, True]
