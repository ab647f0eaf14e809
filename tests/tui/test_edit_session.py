"""The workbench session without a screen: edits, undo, filter, sort and as-of
state, each checked against the store and a fresh analysis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from evidence.errors import NotFound
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse, known_dates
from tests.tui.conftest import shown_leaders
from tui.case_view import NoCase
from tui.edit_session import EditSession


def make_case() -> Case:
    hyps = [Hypothesis(id=f"H{k}", title=f"Hypothesis {k}") for k in (1, 2, 3)]
    evidence = [
        Evidence(id="E1", title="early report", event_date=date(2024, 1, 1), tags=["alpha"],
                 ratings={"H1": "C", "H2": "I", "H3": "N"}),
        Evidence(id="E2", title="only one of its date", event_date=date(2024, 2, 1),
                 ratings={"H1": "I", "H2": "C", "H3": "C"}, notes={"H1": "why not H1"},
                 credibility="high", relevance="high"),
        Evidence(id="E3", title="later report", event_date=date(2024, 3, 1), tags=["alpha"],
                 ratings={"H1": "N", "H2": "N", "H3": "II"}, credibility="low"),
        Evidence(id="E4", title="undated background", ratings={"H1": "C", "H2": "C"}),
    ]
    return Case(id="demo", title="Demo", hypotheses=hyps, evidence=evidence)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[EditSession]:
    store = Store.open(tmp_path / "db.json")
    store.put_case(make_case())
    s = EditSession(store)
    s.open("demo")
    yield s
    store.close()


def scores(s: EditSession, model: str = "weighted") -> tuple[float, ...]:
    assert s.view.analysis is not None
    return tuple(s.view.analysis.models[model].scores)


def fresh(s: EditSession, model: str = "weighted") -> tuple[float, ...]:
    return tuple(analyse(s.store.case("demo"), s.view.state.as_of).models[model].scores)


def test_no_case_open_refuses_edits_in_words(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        s = EditSession(store)
        s.open(None)
        with pytest.raises(NoCase, match="No case is open"):
            s.rate("E1", "H1", "C")
        with pytest.raises(NoCase):
            s.undo()


def test_rate_is_durable_rescored_and_undone(session: EditSession) -> None:
    change = session.rate("E1", "H2", "II")
    assert change.redraw == "item" and change.focus == ("E1", "H2")
    assert session.store.evidence("demo", "E1").ratings["H2"] == "II"
    assert scores(session) == fresh(session)
    assert session.rate("E1", "H2", "II").redraw == "none"  # same code: nothing to do
    undo = session.undo()
    assert undo.redraw == "rows" and undo.focus == ("E1", "H2")
    assert session.store.evidence("demo", "E1").ratings["H2"] == "I"
    assert scores(session) == fresh(session)
    assert session.undo().message.startswith("Nothing to undo: u steps back over this run")


def test_clearing_a_rating_removes_its_note_and_undo_brings_both_back(
        session: EditSession) -> None:
    session.rate("E2", "H1", None)
    ev = session.store.evidence("demo", "E2")
    assert "H1" not in ev.ratings and "H1" not in ev.notes
    session.undo()
    ev = session.store.evidence("demo", "E2")
    assert ev.ratings["H1"] == "I" and ev.notes["H1"] == "why not H1"


def test_clearing_your_vote_on_a_team_case_removes_your_note_only_and_undo_brings_both_back(
        tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json", analyst="ana") as store:
        store.put_case(make_case())
        store.make_team("demo")  # E2 × H1 is ana's: I, "why not H1"
    with Store.open(tmp_path / "db.json", analyst="ben") as store:
        store.set_rating("demo", "E2", "H1", "C")
        store.set_note("demo", "E2", "H1", "ben's reason")
    with Store.open(tmp_path / "db.json", analyst="ana") as store:
        s = EditSession(store)
        s.open("demo")
        s.rate("E2", "H1", None)
        ev = store.evidence("demo", "E2")
        assert "H1" not in ev.ratings_by["ana"] and "ana" not in ev.notes_by
        assert ev.ratings_by["ben"]["H1"] == "C" and ev.notes_by["ben"]["H1"] == "ben's reason"
        s.undo()
        ev = store.evidence("demo", "E2")
        assert ev.ratings_by["ana"]["H1"] == "I" and ev.notes_by["ana"]["H1"] == "why not H1"


def test_a_note_is_written_changed_removed_and_undone(session: EditSession) -> None:
    change = session.set_note("E1", "H2", "  the source contradicts H2  ")
    assert change.redraw == "item"
    assert session.store.evidence("demo", "E1").notes["H2"] == "the source contradicts H2"
    session.set_note("E1", "H2", "changed")
    assert session.store.evidence("demo", "E1").notes["H2"] == "changed"
    assert session.set_note("E1", "H2", "changed").redraw == "none"
    session.set_note("E1", "H2", "")
    assert "H2" not in session.store.evidence("demo", "E1").notes
    session.undo()
    assert session.store.evidence("demo", "E1").notes["H2"] == "changed"


def test_the_filter_narrows_the_rows_not_the_scores_unless_asked(
        session: EditSession) -> None:
    whole = scores(session)
    session.view.set_filter("#alpha", (None, None))
    assert [ev.id for ev in session.view.rows()] == ["E1", "E3"]
    assert scores(session) == whole
    session.rate("E1", "H1", "II")  # an edit in a filtered view still scores the whole case
    assert scores(session) == fresh(session)
    change = session.view.toggle_score_shown(("E1", "H1"))
    assert change.redraw == "rows" and "only the shown" in (change.message or "")
    sub = session.store.case("demo").model_copy(
        update={"evidence": [e for e in session.store.case("demo").evidence if "alpha" in e.tags]})
    assert scores(session) == tuple(analyse(sub).models["weighted"].scores)
    session.rate("E3", "H2", "CC")  # the incremental path keeps scoring only the shown items
    sub = session.store.case("demo").model_copy(
        update={"evidence": [e for e in session.store.case("demo").evidence if "alpha" in e.tags]})
    assert scores(session) == tuple(analyse(sub).models["weighted"].scores)
    session.view.set_filter("", (None, None))
    assert scores(session) == fresh(session)
    assert len(session.view.rows()) == 4


def test_filter_while_typing_never_warns_and_enter_does(session: EditSession) -> None:
    assert session.view.set_filter("#nothing", (None, None), typing=True).message is None
    assert session.view.set_filter("#nothing", (None, None)).message == "No evidence matches the filter"
    assert session.view.set_filter("#nothing", (None, None)).redraw == "none"


def test_sort_keeps_the_focus_and_orders_rows(session: EditSession) -> None:
    assert [ev.id for ev in session.view.rows()] == ["E1", "E2", "E3", "E4"]  # date, undated last
    change = session.view.cycle_sort(("E3", "H2"))
    assert change.focus == ("E3", "H2") and session.view.state.sort.name == "diagnosticity"
    diag = session.view.analysis.diagnosticity
    assert [diag[session.view.positions[ev.id]] for ev in session.view.rows()] == sorted(diag, reverse=True)
    session.view.cycle_sort((None, None))
    assert session.view.rows()[0].id == "E2"  # high/high weighs most


def test_as_of_steps_and_leaders_name_every_tie(session: EditSession) -> None:
    assert session.view.state.as_of is None and len(session.view.state.stops) == 4
    session.view.step_date(-1)
    assert session.view.state.as_of == date(2024, 3, 1)
    assert scores(session) == fresh(session)
    assert session.view.step_date(1).redraw == "facts"
    assert session.view.step_date(1).message == "Already showing all dates"
    for _ in range(3):
        session.view.step_date(-1)
    assert session.view.step_date(-1).message == "No earlier date"
    # at the first date only E1 and the undated E4 count: H1 leads alone
    a = analyse(session.store.case("demo"), session.view.state.as_of)
    ranks = a.models["weighted"].ranks
    assert shown_leaders(session.view) == [h.id for h, r in zip(a.case.hypotheses, ranks, strict=True)
                                           if r == 1]


def test_a_tie_names_every_leader(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json") as store:
        case = make_case().model_copy(update={"evidence": []})
        store.put_case(case)
        s = EditSession(store)
        s.open("demo")
        assert shown_leaders(s.view) == ["H1", "H2", "H3"]  # three tie on nothing


def test_deleting_the_only_item_of_a_date_then_undo_brings_the_date_back(
        session: EditSession) -> None:
    before = list(session.view.state.stops)
    session.delete_evidence("E2", "H1", 1)
    assert date(2024, 2, 1) not in session.view.state.stops
    session.undo()
    assert session.view.state.stops == before == [*known_dates(session.store.case("demo")), None]
    assert len(session.view.analysis.used) == 4
    session.view.step_date(-1)
    session.view.step_date(-1)
    assert session.view.state.as_of == date(2024, 2, 1)  # [ no longer skips the restored date


def test_add_edit_delete_and_undo_each(session: EditSession) -> None:
    new_id = session.next_evidence_id()
    assert new_id == "E5"
    change = session.add_evidence(Evidence(id=new_id, title="new", event_date=date(2025, 1, 1)))
    assert change.focus == ("E5", "H1") and date(2025, 1, 1) in session.view.state.stops
    session.undo()
    assert not any(ev.id == "E5" for ev in session.store.case("demo").evidence)
    assert date(2025, 1, 1) not in session.view.state.stops
    old = session.store.evidence("demo", "E1")
    session.update_evidence(old, old.model_copy(update={"title": "renamed"}), ("E1", "H1"))
    assert session.store.evidence("demo", "E1").title == "renamed"
    session.undo()
    assert session.store.evidence("demo", "E1").title == "early report"
    assert session.next_hypothesis_id() == "H4"
    session.add_hypothesis(Hypothesis(id="H4", title="four"), "E1")
    assert [h.id for h in session.case.hypotheses] == ["H1", "H2", "H3", "H4"]
    session.delete_hypothesis("H2", "E1")
    assert "H2" not in session.store.evidence("demo", "E1").ratings
    session.undo()
    assert session.store.evidence("demo", "E1").ratings["H2"] == "I"
    assert scores(session) == fresh(session)


def test_a_store_error_leaves_the_done_as_it_was(session: EditSession) -> None:
    depth = len(session.done)
    with pytest.raises(NotFound):
        session.rate("E99", "H1", "C")
    assert len(session.done) == depth


def test_excluding_is_a_what_if_that_undo_reverts(session: EditSession) -> None:
    session.toggle_excluded("E2", ("E2", "H1"))
    assert session.store.evidence("demo", "E2").excluded
    assert len(session.view.analysis.used) == 3
    assert not session.view.facts(session.store.evidence("demo", "E2")).active
    session.undo()
    assert not session.store.evidence("demo", "E2").excluded


def test_first_steps_follow_ach_order() -> None:
    from tui.case_view import first_steps

    assert "Step 1 of 3" in (first_steps(0, 0, 0) or "") and "A" in (first_steps(0, 5, 0) or "")
    assert "at least one more" in (first_steps(1, 0, 0) or "")
    assert "Step 2 of 3" in (first_steps(2, 0, 0) or "")
    assert "rate across each row" in (first_steps(3, 2, 0) or "")
    assert first_steps(3, 2, 1) is None


def test_the_guide_goes_once_the_case_is_under_way(session: EditSession) -> None:
    assert session.view.first_steps() is None  # the demo case is rated


def test_filter_words_and_tags_as_they_are_typed(session: EditSession) -> None:
    for typed, shown in (("#", 4), ("#al", 0), ("#alpha", 2), ("#alpha late", 1),
                         ("EARLY", 1), ("e4", 1), ("", 4)):
        session.view.set_filter(typed, (None, None), typing=True)
        assert len(session.view.rows()) == shown, typed
    session.rate("E3", "H1", "C")  # an edited item is matched by its new text
    session.view.set_filter("later", (None, None))
    assert [ev.id for ev in session.view.rows()] == ["E3"]


def test_typing_narrows_from_the_last_result_and_shows_what_a_fresh_filter_shows(
    session: EditSession,
) -> None:
    """Typed a character at a time (narrowing from the last result), edited in between,
    and typed back: every step shows exactly the items that match, in case order."""
    from hypotheses.evidence_filter import Query, matches

    assert Query.parse("repo").narrows(Query.parse("rep"))
    assert Query.parse("rep #alpha").narrows(Query.parse("rep"))
    assert not Query.parse("#alph").narrows(Query.parse("#al"))  # a tag is a whole name
    assert not Query.parse("re").narrows(Query.parse("rep"))  # a deleted character widens
    typed = ["r", "re", "rep", "repo", "report", "report #", "report #alpha", "report #alph",
             "report", "rep", "", "=", "= early", "later"]
    for step, query in enumerate(typed):
        if step == 5:
            session.rate("E3", "H2", "CC")  # a new item object: no narrowing from stale items
        session.view.set_filter(query, (None, None), typing=True)
        case = session.store.case("demo")
        want = [ev for ev in case.evidence if matches(ev, query)]
        assert session.view.shown == want, query  # the items as they are now, not as filtered before


def test_the_sparkline_series_follows_model_date_and_edits(session: EditSession) -> None:
    """The series kept per model is the one a fresh replay gives after every change."""
    from hypotheses.replay import Replay
    from hypotheses.scoring_models import MODELS

    def fresh_series() -> list[float]:
        leaders = shown_leaders(session.view)
        assert session.view.scored is not None
        state = session.view.state
        return Replay(state.model).series(session.view.scored, leaders[0], state.stops)

    for model in MODELS:  # every model's line worked out, as the workbench does once a case opens
        session.view.leader_series(model)
    for action in ("model", "back", "model", "rate", "model", "forward", "sort", "rate", "model"):
        if action == "model":
            session.view.cycle_model()
        elif action == "back":
            session.view.step_date(-1)
        elif action == "forward":
            session.view.step_date(1)
        elif action == "sort":
            session.view.cycle_sort((None, None))
        else:
            session.rate("E1", "H1", "II" if session.store.evidence("demo", "E1").ratings["H1"] != "II"
                         else "CC")
        assert session.view.state.model in MODELS
        assert session.view.leader_series() == fresh_series(), action


def test_the_rows_after_a_rating_are_the_rated_items(session: EditSession) -> None:
    """Each sort order is kept between keys: after edits, a date step and a filter the
    rows are still the items as they are now, in the order a fresh session gives."""
    def fresh_rows() -> list[Evidence]:
        other = EditSession(session.store)
        other.open("demo")
        other.view.state.sort, other.view.state.stop = session.view.state.sort, session.view.state.stop
        other.view.set_filter(session.view.state.filter_query, (None, None))
        other.view.update(other.store.case("demo"))
        return other.view.rows()

    for step, code in enumerate(("II", "CC", "N", "C")):
        session.rate("E1", "H1", code)
        session.rate("E4", "H3", code)  # diagnosticities move: the diagnosticity order too
        if step == 2:
            session.view.step_date(-1)
        if step == 3:
            session.view.set_filter("report", (None, None))
        for _ in range(3):
            session.view.cycle_sort((None, None))
            rows = session.view.rows()
            assert rows == fresh_rows(), (code, session.view.state.sort.name)
            if step < 3:
                assert {ev.id: ev.ratings.get("H1") for ev in rows}["E1"] == code


def test_an_id_once_issued_is_never_issued_again(session: EditSession, tmp_path: Path) -> None:
    """A deleted (or undone) item's id stays retired, across a restart: a note or the
    conclusion naming E4 must never come to mean another item, nor its history show."""
    from hypotheses.models import Indicator

    session.delete_evidence("E4", "H1", 3)
    assert session.next_evidence_id() == "E5"
    session.add_evidence(Evidence(id="E5", title="added, then undone"))
    session.undo()
    assert session.next_evidence_id() == "E6"
    session.delete_hypothesis("H3", "E1")
    assert session.next_hypothesis_id() == "H4"
    session.add_indicator(Indicator(id="M1", title="a milestone"))
    session.delete_indicator("M1")
    assert session.next_indicator_id() == "M2"
    session.store.close()
    with Store.open(tmp_path / "db.json") as store:
        again = EditSession(store)
        again.open("demo")
        assert (again.next_evidence_id(), again.next_hypothesis_id(), again.next_indicator_id()) \
            == ("E6", "H4", "M2")
        assert store.item_history("demo", again.next_evidence_id()) == []


def test_an_excluded_items_date_is_no_as_of_step_until_it_is_back(session: EditSession) -> None:
    stops = list(session.view.state.stops)
    session.toggle_excluded("E2", ("E2", "H1"))  # the only item of 2024-02-01
    assert session.view.state.stops == [date(2024, 1, 1), date(2024, 3, 1), None]
    session.view.step_date(-1)
    session.view.step_date(-1)
    assert session.view.state.as_of == date(2024, 1, 1)  # straight past the excluded date
    session.toggle_excluded("E2", ("E2", "H1"))
    assert session.view.state.stops == stops and session.view.state.as_of == date(2024, 1, 1)


def test_views_and_forms_open_by_name_or_say_why_not(session: EditSession) -> None:
    """The registries behind open_view and form: L on a one-analyst case says why it does
    not open (nothing imported for it); a form's edit is the session's."""
    from tui.edit_forms import FORMS
    from tui.views import VIEWS

    assert VIEWS["analysts"](session) == "A one-analyst case: ctrl+t makes it a team case"
    asked = FORMS["add_hypothesis"](session, ("E2", "H1"))
    asked.edit(Hypothesis(id="H4", title="a fourth"))
    assert [h.id for h in session.store.case("demo").hypotheses] == ["H1", "H2", "H3", "H4"]
    assert session.view.require().hypothesis("H4").title == "a fourth"
    session.open(None)
    assert VIEWS["analysts"](session) is None and VIEWS["ranking_history"](session) is None
