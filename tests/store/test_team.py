"""Team cases in the store: the current analyst's layer, joining, the one step that makes a
team, undo of each, and records that name their analyst (old ones still read)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from evidence.analyst import current_analyst
from evidence.case_state import CaseState
from evidence.errors import Conflict, CorruptDatabase, WeighError
from evidence.history import change_text, replay
from evidence.journal import encode
from evidence.operations import Rate, parse_record
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator


def solo_case() -> Case:
    return Case(
        id="c", title="Case",
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[
            Evidence(id="E1", title="first", ratings={"H1": "C", "H2": "I"}, notes={"H2": "why"}),
            Evidence(id="E2", title="second"),
        ],
        indicators=[Indicator(id="M1", title="seen?", ratings={"H1": "CC"})],
    )


def content(case: Case) -> dict:
    return case.model_dump(exclude={"created", "updated"})


@contextmanager
def team_store(path: Path, then: str) -> Iterator[Store]:
    """A store on the case made a team case by ana, acting from then on as ``then``."""
    with Store.open(path, analyst="ana") as store:
        store.put_case(solo_case())
        store.make_team("c")
        store._analyst = then
        yield store


def test_making_a_team_moves_the_cells_into_the_current_analysts_layer(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json", analyst="ana") as store:
        store.put_case(solo_case())
        store.make_team("c")
        case = store.case("c")
        assert case.analysts == ["ana"]
        e1 = case.item("E1")
        assert (e1.ratings, e1.notes) == ({}, {})
        assert e1.ratings_by == {"ana": {"H1": "C", "H2": "I"}} and e1.notes_by == {"ana": {"H2": "why"}}
        assert case.item("E2").ratings_by == {}
        with pytest.raises(Conflict, match="already a team case"):
            store.make_team("c")
        store.make_solo("c")
        assert content(store.case("c")) == content(solo_case())
    with Store.open(tmp_path / "w.json", readonly=True) as again:
        assert content(again.case("c")) == content(solo_case())


def test_votes_write_the_current_analysts_layer_and_a_first_vote_joins(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    with Store.open(path, analyst="ana") as store:
        store.put_case(solo_case())
        store.make_team("c")
        store.set_rating("c", "E2", "H1", "CC")
    with Store.open(path, analyst="ben") as store:
        store.set_rating("c", "E1", "H1", "II")  # ben joins with his first vote
        store.set_rating("c", "E1", "H2", "I")
        store.set_note("c", "E1", "H1", "a forgery")
        store.set_rating("c", "E1", "H2", None)
        case = store.case("c")
        assert case.analysts == ["ana", "ben"]
        assert case.item("E1").ratings_by == {"ana": {"H1": "C", "H2": "I"}, "ben": {"H1": "II"}}
        assert case.item("E1").notes_by == {"ana": {"H2": "why"}, "ben": {"H1": "a forgery"}}
        assert case.item("E2").ratings_by == {"ana": {"H1": "CC"}}
        rates = [r for r in store.history("c") if r.op == "rate"]
        assert [(r.analyst, getattr(r, "joins", False)) for r in rates] == [
            ("ana", False), ("ben", True), ("ben", False), ("ben", False)]
        with pytest.raises(Conflict, match="only while ben is its only analyst"):
            store.make_solo("c")
        before = content(case)
    # replayed from the journal, then from the compacted file: the same case
    journal = (path.parent / "w.json.journal").read_bytes()
    assert journal == b""  # compacted on close
    with Store.open(path, readonly=True) as again:
        assert content(again.case("c")) == before


def test_the_journal_replays_layers_and_joins(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    store = Store.open(path, analyst="ana")
    store.put_case(solo_case())
    store.compact()
    store.make_team("c")
    store._analyst = "ben"
    store.set_rating("c", "E1", "H1", "N")
    lines = (tmp_path / "w.json.journal").read_bytes().splitlines()
    records = [json.loads(line[9:]) for line in lines]
    assert [(r["op"], r["analyst"]) for r in records] == [("case.team", "ana"), ("rate", "ben")]
    assert records[1]["joins"] is True
    before = content(store.case("c"))
    store._release()  # as if killed: the journal is all there is
    with Store.open(path, readonly=True) as again:
        assert content(again.case("c")) == before


def test_the_history_rewinds_a_team_case_step_by_step(tmp_path: Path) -> None:
    with team_store(tmp_path / "w.json", "ben") as store:
        store.set_rating("c", "E1", "H1", "II")
        store.set_note("c", "E1", "H1", "no")
        store.delete_hypothesis("c", "H1")
        store.observe_indicator("c", "M1")
        steps = replay(store.case("c"), store.history("c"))
    assert steps.complete
    cases = [s.case for s in steps.states]
    assert content(cases[0]) == content(solo_case())
    assert cases[1].analysts == ["ana"]
    assert cases[2].analysts == ["ana", "ben"]
    assert cases[2].item("E1").ratings_by["ben"] == {"H1": "II"}
    assert cases[3].item("E1").notes_by["ben"] == {"H1": "no"}
    assert [h.id for h in cases[4].hypotheses] == ["H2"]
    assert cases[4].item("E1").ratings_by == {"ana": {"H2": "I"}}
    assert [change_text(s.record) for s in steps.states[1:3] if s.record] == [
        "case c made a team case: its ratings and notes are ana's (by ana)",
        "rating E1 × H1: unrated → II (by ben)",
    ]


def test_a_column_comes_back_with_every_analysts_cells(tmp_path: Path) -> None:
    with team_store(tmp_path / "w.json", "ben") as store:
        store.set_rating("c", "E1", "H1", "II")
        store.set_note("c", "E1", "H1", "no")
        before = content(store.case("c"))
        removal = store.delete_hypothesis("c", "H1")
        assert store.case("c").item("E1").ratings_by == {"ana": {"H2": "I"}}
        assert store.history("c")[-1].describe() == "deleted hypothesis H1 with 2 ratings"
        store.revert(removal)
        assert content(store.case("c")) == before


def test_an_observed_indicator_gives_the_observers_votes(tmp_path: Path) -> None:
    with team_store(tmp_path / "w.json", "chi") as store:
        item = store.observe_indicator("c", "M1").evidence
        assert item.ratings_by == {"chi": {"H1": "CC"}} and item.ratings == {}
        assert store.case("c").analysts == ["ana", "chi"]
        observed = store.history("c")[-1]
        st = CaseState.of(store.case("c"))
        observed.revert(st)  # the history's step back: chi leaves again
        assert st.case().analysts == ["ana"] and "E2" in st.index and len(st.evidence) == 2


def test_shared_cells_or_strangers_votes_are_refused_on_a_team_case(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json", analyst="ana") as store:
        store.put_case(solo_case())
        store.make_team("c")
        e2 = store.evidence("c", "E2")
        with pytest.raises(Conflict, match="evidence E2: ratings: a team case keeps every rating"):
            store.update_evidence("c", e2.model_copy(update={"ratings": {"H1": "C"}}))
        with pytest.raises(Conflict, match="analyst 'zed' is not one of the case's analysts"):
            store.update_evidence("c", e2.model_copy(update={"ratings_by": {"zed": {"H1": "C"}}}))
        with pytest.raises(Conflict, match="evidence E9: ratings: a team case keeps"):
            store.add_evidence("c", Evidence(id="E9", title="x", ratings={"H1": "C"}))
        with pytest.raises(ValueError, match="note: too long"):
            store.set_note("c", "E1", "H1", "x" * 100_001)
        assert [r.op for r in store.history("c")] == ["case.put", "case.team"]


def test_a_one_analyst_case_is_written_exactly_as_before(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    with Store.open(path, analyst="ana") as store:
        store.put_case(solo_case())
        store.set_rating("c", "E2", "H1", "CC")
        store.set_note("c", "E2", "H1", "fits")
        case = store.case("c")
        assert case.analysts == [] and case.item("E2").ratings == {"H1": "CC"}
        assert case.item("E2").notes == {"H1": "fits"}
        record = json.loads((tmp_path / "w.json.journal").read_bytes().splitlines()[1][9:])
        assert record == {**record, "op": "rate", "analyst": "ana"} and "joins" not in record
    text = path.read_text()
    assert "ratings_by" not in text and "analysts" not in text.split('"history"')[0]


def test_records_from_before_teams_still_read_and_name_no_one() -> None:
    old = {"v": 2, "seq": 3, "ts": "2026-01-01T00:00:00Z", "case": "c", "op": "rate",
           "id": "E1", "hyp": "H1", "new": "C", "old": None}
    rec = parse_record(old)
    assert rec.analyst is None
    st = CaseState.of(solo_case())
    rec.apply_to(st)
    assert st.item("E1").ratings["H1"] == "C"


def test_a_record_naming_no_analyst_id_makes_the_journal_unfit(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    with Store.open(path, analyst="ana") as store:
        store.put_case(solo_case())
    bad = {"v": 2, "seq": 2, "ts": "2026-01-01T00:00:00Z", "case": "c", "op": "rate",
           "id": "E1", "hyp": "H1", "new": "C", "old": None, "analyst": "Ana\u001b[31m" * 5}
    (tmp_path / "w.json.journal").write_bytes(encode(json.dumps(bad).encode()))
    fit = r"journal record 2 \(rate\) does not fit the database: rate\.analyst: use lower-case"
    with pytest.raises(CorruptDatabase, match=fit):
        Store.open(path, readonly=True)


def test_who_weigh_acts_as(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    assert current_analyst("ana") == "ana"
    assert current_analyst() == "ben"
    monkeypatch.delenv("WEIGH_ANALYST")
    monkeypatch.setattr("getpass.getuser", lambda: "Zoë Müller")
    assert current_analyst() == "zoe-muller"
    monkeypatch.setattr("getpass.getuser", lambda: "Ω")
    with pytest.raises(WeighError, match="no analyst id can be made from the login name 'Ω'"):
        current_analyst()
    with pytest.raises(WeighError, match="--analyst: 'Ana Smith' is not an analyst id: use lower-case"):
        current_analyst("Ana Smith")
    monkeypatch.setenv("WEIGH_ANALYST", "x" * 33)
    with pytest.raises(WeighError, match=r"WEIGH_ANALYST: 'x{32}'… \(33 characters\) is not an analyst id"):
        current_analyst()
    # 'team' names the team's lens: refused as a new analyst's name, wherever it comes from
    reserved = re.escape("is reserved: it names the team's lens (the consensus); choose another analyst id")
    with pytest.raises(WeighError, match=f"WEIGH_ANALYST: 'team' {reserved}"):
        monkeypatch.setenv("WEIGH_ANALYST", "team")
        current_analyst()
    with pytest.raises(WeighError, match=f"--analyst: 'team' {reserved}"):
        current_analyst("team")
    monkeypatch.delenv("WEIGH_ANALYST")
    monkeypatch.setattr("getpass.getuser", lambda: "Team")
    with pytest.raises(WeighError, match="the login name 'Team' makes 'team', which is reserved: "
                       "it names the team's lens; give --analyst ID or set WEIGH_ANALYST"):
        current_analyst()


def test_each_team_record_knows_its_inverse(tmp_path: Path) -> None:
    with team_store(tmp_path / "w.json", "ben") as store:
        store.set_rating("c", "E1", "H1", "II")  # ben joins
        store.set_note("c", "E1", "H1", "no")
        store.set_rating("c", "E1", "H1", "N")
        records = store.history("c")[1:]
        final = content(store.case("c"))
    st = CaseState.of(store.case("c"))
    for rec in reversed(records):
        inverse = rec.inverse()
        assert inverse.inverse() == rec
        inverse.apply_to(st)
    assert content(st.case()) == content(solo_case())
    assert [type(r.inverse()).__name__ for r in records] == ["CaseSolo", "Rate", "Note", "Rate"]
    joined, later = records[1].inverse(), records[3].inverse()
    assert isinstance(joined, Rate) and joined.leaves and isinstance(later, Rate) and not later.leaves
    for rec in records:
        rec.apply_to(st)
    assert content(st.case()) == final


def test_without_a_login_name_solo_edits_name_no_one_and_team_edits_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def nobody() -> str:
        raise OSError("no user name")

    monkeypatch.delenv("WEIGH_ANALYST")
    monkeypatch.setattr("getpass.getuser", nobody)
    with Store.open(tmp_path / "w.json") as store:
        store.put_case(solo_case())
        store.set_rating("c", "E2", "H1", "C")  # works as before teams
        assert store.history("c")[-1].analyst is None
        with pytest.raises(WeighError, match="no analyst id can be made from the login name"):
            store.make_team("c")
        store._analyst = "ana"
        store.make_team("c")
        store._analyst = None
        with pytest.raises(WeighError, match="give --analyst ID or set WEIGH_ANALYST"):
            store.set_rating("c", "E2", "H2", "C")
        with pytest.raises(WeighError, match="give --analyst ID or set WEIGH_ANALYST"):
            store.set_excluded("c", "E2", True)


def test_undo_and_redo_of_a_first_vote_and_of_make_team(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.json", analyst="ana") as store:
        store.put_case(solo_case())
        team = store.make_team("c")
        store._analyst = "ben"
        vote = store.set_rating("c", "E1", "H1", "II")
        assert vote is not None and store.case("c").analysts == ["ana", "ben"]
        undone = store.revert(vote)  # ben's first vote undone: ben leaves again
        assert store.case("c").analysts == ["ana"] and "ben" not in store.evidence("c", "E1").ratings_by
        store.revert(undone)  # redo
        assert store.evidence("c", "E1").ratings_by["ben"] == {"H1": "II"}
        with pytest.raises(Conflict, match="only a team case whose one analyst is ana"):
            store.revert(team)
        store.revert(store.revert(vote))  # ben's vote undone, and the undo undone
        store.revert(store.history("c")[-1])
        assert store.case("c").analysts == ["ana"]
        store.revert(team)
        assert content(store.case("c")) == content(solo_case())
