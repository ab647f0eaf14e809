"""The indicator form's status, as a user sets it: choosing "lapsed" from the list
saves a lapsed indicator, and an observed indicator's status sits on its label's line."""

from __future__ import annotations

from datetime import date

from textual.widgets import Label, Static

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tests.tui.conftest import flat_text
from tui.screens.indicator_form import IndicatorForm
from tui.widgets.choice_line import ChoiceLine

HYPS = [Hypothesis(id="H1", title="Sham talks"), Hypothesis(id="H2", title="Real talks")]


def _case(path, indicators: list[Indicator]) -> None:
    with Store.open(path) as store:
        store.put_case(Case(
            id="k", title="Watch", hypotheses=HYPS,
            evidence=[Evidence(id="E1", title="Drafts exchanged", event_date=date(2022, 3, 29),
                               ratings={"H1": "I", "H2": "C"})],
            indicators=indicators,
        ))


async def test_choosing_lapsed_saves_it_and_an_observed_ones_status_is_on_its_labels_line(
        tmp_path, make_app):
    path = tmp_path / "k.json"
    _case(path, [Indicator(id="M1", title="Talks resume", ratings={"H2": "C"}),
                 Indicator(id="M2", title="Summit", ratings={"H2": "C"},
                           status="observed", evidence_id="E1")])
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("enter")  # edit M1
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IndicatorForm)
        form.query_one("#status", ChoiceLine).focus()
        await pilot.press("right")  # watching → lapsed
        await pilot.pause()
        assert form.query_one("#status", ChoiceLine).value == "lapsed"
        assert "[lapsed (did not happen in time)]" in flat_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, IndicatorForm), flat_text(app)
        with Store.open(path, readonly=True) as store:
            assert store.case("k").indicator("M1").status == "lapsed"
        await pilot.press("down", "enter")  # edit M2, observed
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IndicatorForm)
        status = form.query_one("#status", Static)
        label = next(lbl for lbl in form.query(Label) if str(lbl.render()) == "Status")
        assert "observed as E1" in flat_text(app)
        assert status.content_region.y == label.content_region.y  # the text, not the box
        await pilot.press("escape", "escape", "ctrl+q")
