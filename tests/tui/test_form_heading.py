"""A dialog's heading names the case it acts on: a case id made from a long title ran past
the one line the heading had, and the rest was cut without a mark ('Sync case … with a
shared', the word 'file' gone). The heading now wraps."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from evidence.store import Store
from hypotheses.models import Case, Hypothesis
from tests.tui.conftest import flat_text, until

LONG_ID = "why-the-harlow-plant-s-spring-2024-supply-of-resin-ran-dry"


async def test_the_sync_dialog_heading_is_read_whole_for_a_long_case_id(tmp_path: Path, make_app) -> None:
    db = tmp_path / "long.json"
    with Store.open(db) as store:
        store.put_case(Case(id=LONG_ID, title="Resin", hypotheses=[Hypothesis(id="H1", title="one")]))
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "s sync with a shared" in flat_text(app), "the case switcher")
        await pilot.press("s")
        await until(pilot, lambda: f"Sync case {LONG_ID}" in flat_text(app), "the sync dialog")
        heading = app.screen.query_one(".form-heading", Static)
        drawn = [ln.text.strip() for ln in heading.render_lines(heading.region.reset_offset)]
        assert " ".join(drawn) == f"Sync case {LONG_ID} with a shared case file"  # every line drawn
        await pilot.press("escape", "escape", "ctrl+q")
