"""Nothing typed is lost unasked: escape on a form whose fields were changed asks "Discard
your changes?", and so does ctrl+q (quit) while one is open; an unchanged form closes at once.
Red team: a form closed on escape and its text was gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import DEFAULT_ITEMS, flat_text
from tui.screens.confirm import ConfirmScreen
from tui.screens.main import MainScreen
from tui.screens.unsaved import HoldsTyping

# The keys that open each form from the workbench, and the form they open.
FORMS = [
    pytest.param(("a",), "EvidenceForm", id="evidence"),
    pytest.param(("A",), "HypothesisForm", id="hypothesis"),
    pytest.param(("D",), "CaseDetailsForm", id="case-details"),
    pytest.param(("w",), "NoteDialog", id="note"),
    pytest.param(("M", "a"), "IndicatorForm", id="indicator"),
    pytest.param(("ctrl+o", "n"), "NewCaseForm", id="new-case"),
]


@pytest.mark.parametrize(("keys", "form"), FORMS)
async def test_escape_on_a_changed_form_asks_and_n_keeps_the_text(
    db_path: Path, make_app, keys: tuple[str, ...], form: str
) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
        assert type(app.screen).__name__ == form
        await pilot.press("escape")  # unchanged: closes at once, nothing asked
        await pilot.pause()
        assert type(app.screen).__name__ != form and not isinstance(app.screen, ConfirmScreen)
        await pilot.press(keys[-1])
        await pilot.pause()
        assert type(app.screen).__name__ == form
        field = app.focused
        assert isinstance(field, Input)
        await pilot.press(*"kept?")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard your changes?" in flat_text(app)
        await pilot.press("n")  # no: back to the form, the text as typed
        await pilot.pause()
        assert type(app.screen).__name__ == form
        assert field.value.endswith("kept?") and "kept?" in flat_text(app)
        await pilot.press("escape", "y")  # yes: discarded, the form closes
        await pilot.pause()
        assert type(app.screen).__name__ != form and not isinstance(app.screen, ConfirmScreen)


async def test_a_change_typed_back_to_what_it_was_closes_at_once(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert type(app.screen).__name__ == "CaseDetailsForm"
        await pilot.press("end", *"xy", "backspace", "backspace", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_rating_picked_in_the_evidence_form_is_a_change_too(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#rating-0").focus()
        await pilot.press("c", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # escape on the question is no: the form stays
        await pilot.pause()
        assert type(app.screen).__name__ == "EvidenceForm"
        await pilot.press("ctrl+s")  # the title is missing: it stays open, saying so
        await pilot.pause()
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    with Store.open(db_path, readonly=True) as store:
        assert len(store.case(DEFAULT_CASE_ID).evidence) == DEFAULT_ITEMS


async def test_ctrl_q_with_changes_in_a_form_asks_before_quitting(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", *"Half a thought")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard your changes and quit weigh?" in flat_text(app)
        await pilot.press("ctrl+q")  # asked already: the question stays
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: back to the form, its text there
        await pilot.pause()
        assert app.is_running
        assert type(app.screen).__name__ == "EvidenceForm"
        assert app.screen.query_one("#title", Input).value == "Half a thought"
        await pilot.press("ctrl+q", "y")  # yes: weigh quits, the text discarded
        await pilot.pause()
    assert not app.is_running and app.return_code == 0
    with Store.open(db_path, readonly=True) as store:
        assert len(store.case(DEFAULT_CASE_ID).evidence) == DEFAULT_ITEMS


async def test_ctrl_q_with_an_unchanged_form_quits_at_once(db_path: Path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, HoldsTyping) and not app.screen.has_changes()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running and app.return_code == 0


async def test_enter_on_the_discard_question_keeps_the_text(db_path: Path, make_app) -> None:
    """Found by a tester: escape then enter (an easy slip where enter saves) discarded the
    text, as enter and the focused button meant yes. Here both mean no."""
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"zz", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is not None and app.focused.id == "no"
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "EvidenceForm" and "zz" in flat_text(app)
