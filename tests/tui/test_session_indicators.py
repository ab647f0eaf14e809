"""Indicators and case details through the workbench session, without a screen:
each edit reaches the store, observing adds one item with the pre-registered
ratings, and undo takes each back. Also the indicator form's judgement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from evidence.errors import WeighError
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tui.edit_session import EditSession
from tui.screens.form_screen import FormInvalid
from tui.screens.indicator_form import NO_RATINGS, indicator_from_form
from tui.widgets.indicator_list import indicator_line, status_word

HYPS = [Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")]
TODAY = date(2024, 6, 1)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[EditSession]:
    store = Store.open(tmp_path / "db.json")
    store.put_case(Case(
        id="c", title="C", hypotheses=HYPS,
        evidence=[Evidence(id="E1", title="first", ratings={"H1": "C", "H2": "I"}),
                  Evidence(id="E7", title="seventh", tags=["alpha"])],
        indicators=[Indicator(id="M1", title="talks resume", details="in Istanbul",
                              expected_by=date(2024, 5, 1), ratings={"H1": "II", "H2": "CC"})],
    ))
    s = EditSession(store)
    s.open("c")
    yield s
    store.close()


def test_observe_adds_the_item_with_its_ratings_selects_it_and_undo_takes_both_back(
    session: EditSession,
) -> None:
    session.view.set_filter("#alpha", (None, None))
    change = session.observe_indicator("M1", TODAY)
    case = session.store.case("c")
    ev = case.item("E8")  # after the highest E number
    assert (ev.title, ev.details, ev.source) == ("talks resume", "in Istanbul", "indicator M1")
    assert ev.ratings == {"H1": "II", "H2": "CC"} and ev.reported_date == TODAY
    assert case.indicator("M1").status == "observed" and case.indicator("M1").evidence_id == "E8"
    assert change.redraw == "rows" and change.focus == ("E8", "H1")
    assert session.view.state.filter_query == "" and "filter cleared" in (change.message or "")
    assert (f"M1 observed: E8 added with its pre-registered ratings, reported {TODAY.isoformat()} "
            "(e sets when it happened; u undoes)") in (change.message or "")
    assert session.view.analysis is not None and len(session.view.analysis.case.evidence) == 3
    session.undo()
    case = session.store.case("c")
    assert [e.id for e in case.evidence] == ["E1", "E7"]
    assert case.indicator("M1").status == "watching" and case.indicator("M1").evidence_id is None


def test_observing_twice_is_refused(session: EditSession) -> None:
    session.observe_indicator("M1", TODAY)
    with pytest.raises(WeighError, match="already observed"):
        session.observe_indicator("M1", TODAY)


def test_add_edit_delete_each_undone(session: EditSession) -> None:
    new = Indicator(id=session.next_indicator_id(), title="guarantees signed", ratings={"H2": "C"})
    assert new.id == "M2"
    session.add_indicator(new)
    assert [i.id for i in session.store.case("c").indicators] == ["M1", "M2"]
    lapsed = new.model_copy(update={"status": "lapsed"})
    session.update_indicator(new, lapsed)
    assert session.store.case("c").indicator("M2").status == "lapsed"
    session.delete_indicator("M1")
    assert [i.id for i in session.store.case("c").indicators] == ["M2"]
    session.undo()
    assert [i.id for i in session.store.case("c").indicators] == ["M1", "M2"]  # back in place
    session.undo()
    assert session.store.case("c").indicator("M2").status == "watching"
    session.undo()
    assert [i.id for i in session.store.case("c").indicators] == ["M1"]


def test_case_details_edit_and_undo(session: EditSession) -> None:
    assert session.case is not None
    old = session.case.info
    new = old.model_copy(update={"conclusion": "H2 holds", "question": "Why?"})
    change = session.update_case_info(old, new, ("E1", "H1"))
    assert session.store.case("c").conclusion == "H2 holds"
    assert session.case is not None and session.case.conclusion == "H2 holds"
    assert change.redraw == "facts"
    session.undo()
    assert session.store.case("c").conclusion == "" and session.store.case("c").question == ""


def typed(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "M3", "title": "a visit", "details": "", "expected_by": "",
                               "status": "watching", "evidence_id": None,
                               "ratings": {"H1": None, "H2": "I"}}
    return {**base, **kw}


ORDER = ["title", "details", "expected_by", "status", "ratings", "ratings.H1", "ratings.H2"]


def test_form_judgement_names_each_bad_field_in_order() -> None:
    ind = indicator_from_form(typed(expected_by=" 2024-07-01 "), ORDER)
    assert ind.ratings == {"H2": "I"} and ind.expected_by == date(2024, 7, 1)
    with pytest.raises(FormInvalid) as bad:
        indicator_from_form(typed(title="  ", expected_by="July", ratings={"H1": None}), ORDER)
    assert list(bad.value.errors) == ["title", "expected_by", "ratings"]
    assert bad.value.errors["expected_by"] == "not a date: 'July' (use YYYY-MM-DD)"
    assert bad.value.errors["ratings"] == NO_RATINGS
    with pytest.raises(FormInvalid) as bad:
        indicator_from_form(typed(expected_by="2024-02-30"), ORDER)
    assert "not a real date" in bad.value.errors["expected_by"]


def test_list_line_marks_overdue_and_shows_markup_literally() -> None:
    ind = Indicator(id="M1", title="[bold]x[/] \x1b[2J", expected_by=date(2024, 5, 1),
                    ratings={"H1": "C"})
    assert status_word(ind, date(2024, 5, 2)) == "overdue"
    assert status_word(ind, date(2024, 5, 1)) == "watching"
    line = indicator_line(ind, HYPS, date(2024, 5, 2)).plain
    assert "overdue" in line and "2024-05-01" in line and "[bold]x[/]" in line
    assert "\x1b" not in line  # the escape is shown, not sent
    observed = ind.model_copy(update={"status": "observed", "evidence_id": "E9"})
    assert status_word(observed, date(2030, 1, 1)) == "observed"
    assert "→ E9" in indicator_line(observed, HYPS, date(2030, 1, 1)).plain


def test_a_new_indicator_reaches_the_verdicts_watch_lines_and_undo_takes_it_back(
        session: EditSession) -> None:
    from hypotheses.separation import separating_indicators

    def watched() -> list[str]:
        analysis = session.view.analysis
        assert analysis is not None
        return [ind.id for ind in separating_indicators(analysis, session.view.state.model)]

    session.delete_indicator("M1")
    assert watched() == []
    change = session.add_indicator(Indicator(id="M2", title="charges", ratings={"H1": "II", "H2": "CC"}))
    assert change.redraw == "facts" and watched() == ["M2"]  # the panels redraw with it
    session.undo()
    assert watched() == []
