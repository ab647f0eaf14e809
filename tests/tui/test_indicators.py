"""The indicators panel as a user drives it: M opens it, a registers an indicator
through the form (field errors first), o turns it into evidence in one key with its
pre-registered ratings, selected in the matrix; u takes it back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tests.tui.conftest import flat_text, notices
from tests.tui.host import paste
from tui.screens.indicator_form import IndicatorForm
from tui.screens.indicators import IndicatorsScreen
from tui.screens.main import MainScreen

HYPS = [Hypothesis(id="H1", title="Sham talks"), Hypothesis(id="H2", title="Real talks")]


def small_case(path: Path, indicators: list[Indicator] | None = None) -> None:
    with Store.open(path) as store:
        store.put_case(Case(
            id="k", title="Watch", hypotheses=HYPS,
            evidence=[Evidence(id="E1", title="Drafts exchanged", event_date=date(2022, 3, 29),
                               ratings={"H1": "I", "H2": "C"})],
            indicators=indicators or [],
        ))


def stored(path: Path) -> Case:
    with Store.open(path, readonly=True) as store:
        return store.case("k")


async def test_register_then_observe_in_one_key_then_undo(tmp_path, make_app):
    path = tmp_path / "k.json"
    small_case(path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, IndicatorsScreen)
        assert "No indicators yet: a registers one" in flat_text(app)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IndicatorForm)
        await paste(pilot, "Signing [bold]ceremony[/] held")
        form.query_one("#expected_by").focus()
        await paste(pilot, "2022-04-3O")  # a letter O: not a date
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = flat_text(app)
        assert "not a date: '2022-04-3O' (use YYYY-MM-DD)" in text
        assert "rate at least one hypothesis: what would seeing it mean?" in text
        assert app.screen is form and stored(path).indicators == []
        form.query_one("#expected_by", Input).value = "2022-04-30"
        form.query_one("#rating-0").focus()
        await pilot.press("I", "tab", "C")  # the matrix's keys: II for H1, CC for H2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IndicatorsScreen)
        text = flat_text(app)
        assert "M1 overdue 2022-04-30 II CC Signing [bold]ceremony[/] held" in text
        assert "1 overdue" in text
        assert stored(path).indicator("M1").ratings == {"H1": "II", "H2": "CC"}
        await pilot.press("o")  # seen: one key
        await pilot.pause()
        assert app.screen_stack[-1] is main  # the screen on top (not the one narrowed above)
        assert main.matrix.current() == ("E2", "H1")
        assert main.matrix.has_focus
        case = stored(path)
        assert case.item("E2").ratings == {"H1": "II", "H2": "CC"}
        assert case.item("E2").title == "Signing [bold]ceremony[/] held"
        assert (case.indicator("M1").status, case.indicator("M1").evidence_id) == ("observed", "E2")
        assert "Signing [bold]ceremony[/] held" in flat_text(app)
        await pilot.press("c")  # editable like any other item: rate H1 consistent
        await pilot.pause()
        assert stored(path).item("E2").ratings["H1"] == "C"
        await pilot.press("u", "u")  # the rating, then the observation
        await pilot.pause()
        case = stored(path)
        assert [e.id for e in case.evidence] == ["E1"]
        assert case.indicator("M1").status == "watching"
        await pilot.press("ctrl+q")


async def test_edit_lapse_and_delete_from_the_panel(tmp_path, make_app):
    path = tmp_path / "k.json"
    small_case(path, [Indicator(id="M1", title="Talks resume", expected_by=date(2099, 1, 1),
                                ratings={"H2": "C"}),
                      Indicator(id="M2", title="Summit", ratings={"H1": "I"})])
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        assert "M1 watching 2099-01-01" in flat_text(app)
        assert "overdue" not in notices(app)  # nothing is late
        await pilot.press("enter")  # edit
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IndicatorForm)
        assert form.query_one("#title", Input).value == "Talks resume"
        form.query_one("#title", Input).value = "Talks resume in Istanbul"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(path).indicator("M1").title == "Talks resume in Istanbul"
        await pilot.press("down", "l")
        await pilot.pause()
        assert stored(path).indicator("M2").status == "lapsed"
        assert "M2 lapsed" in flat_text(app)
        await pilot.press("delete", "y")
        await pilot.pause()
        assert [i.id for i in stored(path).indicators] == ["M1"]
        await pilot.press("u")
        await pilot.pause()
        assert [i.id for i in stored(path).indicators] == ["M1", "M2"]
        await pilot.press("question_mark")  # the panel's own keys
        await pilot.pause()
        assert "Seen: add it as evidence with its pre-registered ratings" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IndicatorsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+q")


async def test_opening_a_case_with_an_overdue_indicator_says_so(tmp_path, make_app):
    path = tmp_path / "k.json"
    small_case(path, [Indicator(id="M4", title="Late", expected_by=date(2022, 1, 1),
                                ratings={"H1": "C"}),
                      Indicator(id="M5", title="Lapsed", expected_by=date(2022, 1, 1),
                                ratings={"H1": "C"}, status="lapsed")])
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "1 indicator overdue (M4): M shows them" in notices(app)
        await pilot.press("ctrl+q")


async def test_an_observation_whose_item_was_deleted_can_be_filed_again(tmp_path, make_app):
    """o on an indicator observed as an item since deleted files it again, as the store
    allows (found by a tester: the panel refused with 'M1 is already observed as None')."""
    path = tmp_path / "k.json"
    small_case(path, [Indicator(id="M1", title="Talks resume", ratings={"H1": "I", "H2": "C"})])
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        main: MainScreen = app.screen
        await pilot.press("M", "o")
        await pilot.pause()
        assert main.matrix.current() == ("E2", "H1")
        await pilot.press("delete", "y")  # the item goes; the indicator stays observed
        await pilot.pause()
        assert [e.id for e in stored(path).evidence] == ["E1"]
        await pilot.press("M", "o")
        await pilot.pause()
        assert "None" not in notices(app)
        assert app.screen_stack[-1] is main and main.matrix.current() == ("E3", "H1")
        case = stored(path)
        assert case.item("E3").ratings == {"H1": "I", "H2": "C"}
        assert (case.indicator("M1").status, case.indicator("M1").evidence_id) == ("observed", "E3")
        await pilot.press("M", "o")  # filed now: o says as what
        await pilot.pause()
        assert "M1 is already observed as E3" in notices(app)
        await pilot.press("escape", "ctrl+q")
