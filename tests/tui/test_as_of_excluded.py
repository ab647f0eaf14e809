"""The as-of line steps over the dates of excluded items (issue 22): a step there would
change nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import screen_text, until


async def test_brackets_skip_the_date_of_an_item_space_excluded(tmp_path: Path, make_app):
    db = tmp_path / "dates.json"
    with Store.open(db) as store:
        store.put_case(Case(id="dates", title="Dates", hypotheses=[
            Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")], evidence=[
            Evidence(id=f"E{n}", title=f"item {n}", event_date=date(2024, n, 1),
                     ratings={"H1": "C", "H2": "I"}) for n in (1, 2, 3)]))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "[4/4]" in screen_text(app)
        await pilot.press("down", "space")  # E2 (sorted by date) out of scoring
        await until(pilot, lambda: "[3/3]" in screen_text(app), "three stops")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await until(pilot, lambda: "As of 2024-01-01" in screen_text(app), "the first date")
        assert "2024-02-01" not in screen_text(app)
