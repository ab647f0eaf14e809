"""Priors as large as the model accepts open in the workbench and score: no overflow."""

from __future__ import annotations

from datetime import date

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import flat_text


async def test_workbench_opens_and_cycles_models_with_huge_priors(tmp_path, make_app):
    path = tmp_path / "h.json"
    case = Case(
        id="huge", title="Huge priors",
        hypotheses=[Hypothesis(id="H1", title="one", prior=1.7e308),
                    Hypothesis(id="H2", title="two", prior=1.7e308),
                    Hypothesis(id="H3", title="three", prior=5e-324)],
        evidence=[Evidence(id="E1", title="x", event_date=date(2022, 1, 1), ratings={"H1": "C", "H2": "I"}),
                  Evidence(id="E2", title="y", event_date=date(2022, 2, 1), ratings={"H3": "CC"})],
    )
    with Store.open(path) as store:
        store.put_case(case)
    app = make_app(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("m")  # weighted → Bayes, the model that uses priors
        await pilot.pause()
        text = flat_text(app)
        assert "Bayes (log-linear)" in text
        assert "80.0%" in text  # H1: 2 / (2 + ½) of the two equal priors
        await pilot.press("left_square_bracket")  # step back a date: the replay scores too
        await pilot.pause()
        assert "As of 2022-02-01" in flat_text(app)
