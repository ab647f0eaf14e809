"""Undo and redo of every kind of edit through the edit session, below the screen: undo
puts the case back as it was, redo makes the edit again, and the history view's
replay of the same trail (the same inverses) shows the same three states."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from evidence.history import replay
from evidence.operations import CannotUndo, CasePut
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tui.edit_session import EditSession

HYPS = [Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")]


def make_case() -> Case:
    return Case(
        id="c", title="C", question="Which?",
        hypotheses=HYPS,
        evidence=[
            Evidence(id="E1", title="first", event_date=date(2024, 1, 1),
                     ratings={"H1": "C", "H2": "I"}, notes={"H2": "why"}),
            Evidence(id="E2", title="second", event_date=date(2024, 2, 1), group="talks"),
        ],
        indicators=[
            Indicator(id="M1", title="talks resume", ratings={"H1": "II", "H2": "CC"}),
            Indicator(id="M2", title="seen", status="observed", evidence_id="E2"),
        ],
    )


def content(case: Case) -> dict[str, Any]:
    return case.model_dump(exclude={"created", "updated"})


@pytest.fixture
def session(tmp_path: Path) -> Iterator[EditSession]:
    store = Store.open(tmp_path / "db.json")
    store.put_case(make_case())
    s = EditSession(store)
    s.open("c")
    yield s
    store.close()


def _ev(s: EditSession, eid: str) -> Evidence:
    return s.store.evidence("c", eid)


#: One of every kind of edit the workbench makes, as the screen asks the session for it.
EDITS: dict[str, Callable[[EditSession], object]] = {
    "rate": lambda s: s.rate("E2", "H1", "II"),
    "clear rating and its note": lambda s: s.rate("E1", "H2", None),
    "note": lambda s: s.set_note("E1", "H1", "a note"),
    "exclude": lambda s: s.toggle_excluded("E1", ("E1", None)),
    "add evidence": lambda s: s.add_evidence(Evidence(id="E3", title="third", event_date=date(2025, 1, 1))),
    "edit evidence": lambda s: s.update_evidence(
        _ev(s, "E1"), _ev(s, "E1").model_copy(update={"title": "renamed", "event_date": date(2023, 1, 1)}),
        ("E1", None)),
    "group edit": lambda s: s.update_evidence(
        _ev(s, "E1"), _ev(s, "E1").model_copy(update={"group": "talks"}), ("E1", None)),
    "delete evidence (an indicator observed as it)": lambda s: s.delete_evidence("E2", None, 1),
    "add hypothesis": lambda s: s.add_hypothesis(Hypothesis(id="H3", title="three"), "E1"),
    "edit hypothesis": lambda s: s.update_hypothesis(HYPS[0], HYPS[0].model_copy(update={"prior": 3.0}),
                                                     (None, "H1")),
    "delete hypothesis": lambda s: s.delete_hypothesis("H2", "E1"),
    "case details": lambda s: s.update_case_info(
        make_case().info, make_case().info.model_copy(update={"conclusion": "H1 holds"}), (None, None)),
    "add indicator": lambda s: s.add_indicator(Indicator(id="M3", title="new")),
    "edit indicator": lambda s: s.update_indicator(
        make_case().indicator("M1"), make_case().indicator("M1").model_copy(update={"status": "lapsed"})),
    "delete indicator": lambda s: s.delete_indicator("M1"),
    "observe indicator": lambda s: s.observe_indicator("M1", date(2024, 6, 1)),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_undo_and_redo_equal_the_history_replay(session: EditSession, kind: str) -> None:
    before = content(session.store.case("c"))
    EDITS[kind](session)
    after = content(session.store.case("c"))
    assert after != before
    undo = session.undo()
    assert content(session.store.case("c")) == before, undo.message
    assert undo.message is not None and undo.message.startswith("Undid ")
    assert session.case is not None and content(session.case) == before  # what the screen shows
    redo = session.redo()
    assert content(session.store.case("c")) == after
    assert redo.message is not None and redo.message.startswith("Redid ")
    assert session.view.analysis is not None and content(session.view.analysis.case) == after
    session.undo()
    # the history view rewinds the same trail with the same inverses
    trail = session.store.history("c")
    rep = replay(session.store.case("c"), trail)
    assert rep.complete
    assert [content(s.case) for s in rep.states] == [before, after, before, after, before]


def test_a_new_edit_clears_redo_and_undo_walks_back_in_order(session: EditSession) -> None:
    states = [content(session.store.case("c"))]
    for code in ("N", "CC", "I"):
        session.rate("E2", "H2", code)
        states.append(content(session.store.case("c")))
    session.undo()
    session.undo()
    assert content(session.store.case("c")) == states[1]
    session.redo()
    assert content(session.store.case("c")) == states[2]
    session.toggle_excluded("E1", ("E1", None))  # a new edit: what was undone is gone for good
    assert session.redo().message == "Nothing to redo"
    session.undo()
    session.undo()
    session.undo()
    assert content(session.store.case("c")) == states[0]
    assert session.undo().message.startswith("Nothing to undo: u steps back over this run")


def test_an_undo_the_store_refuses_stays_on_the_stack(session: EditSession) -> None:
    session.rate("E2", "H1", "C")
    session.store.close()  # e.g. edits turned off after a write error
    with pytest.raises(Exception, match="closed"):
        session.undo()
    assert len(session.done) == 1 and not session.undone


def test_a_whole_case_written_where_there_was_none_cannot_be_stepped_back_over() -> None:
    put = CasePut(ts="2024-01-01T00:00:00Z", case="c", doc=make_case())
    with pytest.raises(CannotUndo, match=r"case\.put"):
        put.inverse()


def test_a_replacement_steps_back_to_the_case_it_replaced_and_forward_again(session: EditSession) -> None:
    store = session.store
    old = store.case("c")
    changed = [old.evidence[0].model_copy(update={"title": "changed"}), *old.evidence[1:]]
    new = old.model_copy(update={"title": "Imported", "evidence": changed})
    put = store.put_case(new, replace=True)
    back = store.revert(put)
    assert (store.case("c").title, store.case("c").evidence) == (old.title, old.evidence)
    store.revert(back)  # redo
    assert (store.case("c").title, store.case("c").evidence) == ("Imported", changed)


def test_a_case_changed_elsewhere_meanwhile_starts_its_undo_afresh(session: EditSession) -> None:
    """Edit c, open another case, and have c changed from elsewhere (a sync or an import in
    the case switcher): stepping back over the edit would silently undo that change, so c's
    stacks are dropped; unchanged, they are kept (the case switch test)."""
    store = session.store
    store.put_case(Case(id="d", title="D"))
    old = _ev(session, "E1")
    session.update_evidence(old, old.model_copy(update={"title": "ours"}), ("E1", None))
    session.open("d")
    store.update_evidence("c", _ev(session, "E1").model_copy(update={"title": "a colleague's"}))
    session.open("c")
    assert session.undo().message.startswith("Nothing to undo: u steps back over this run")
    assert _ev(session, "E1").title == "a colleague's"
    session.rate("E2", "H1", "C")  # and a new edit undoes as ever
    session.open("d")
    session.open("c")
    assert session.undo().message is not None and _ev(session, "E2").ratings.get("H1") is None


def test_an_import_replacing_the_open_case_starts_its_undo_afresh(session: EditSession) -> None:
    """The import dialog replaces the open case and shows it again: an older step would now be
    applied to the imported data (found by a tester: 'Undid rating E1 × H1: unrated → C' set
    the imported cell to unrated)."""
    session.rate("E2", "H1", "C")
    imported = make_case().model_copy(update={"title": "Imported"})
    session.store.put_case(imported, replace=True)
    session.open("c")  # as the workbench does after the import
    assert session.undo().message.startswith("Nothing to undo: u steps back over this run")
    assert session.case is not None and session.case.title == "Imported"
    assert _ev(session, "E2").ratings.get("H1") is None  # as imported
