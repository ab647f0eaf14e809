"""The as-of line with more dates than the line holds: the stops around the current
one and the leader stay in view (the whole sparkline used to wrap out of sight)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import screen_text
from tui.widgets.timeline import sparkline


def test_a_long_series_shows_a_window_around_the_current_stop() -> None:
    values = [float(v) for v in range(100)]
    last = sparkline(values, 99, width=10)
    assert len(last.plain) == 10 and last.plain[0] == "…" and last.plain[-1] == "█"
    assert [(s.start, s.end) for s in last.spans if "reverse" in str(s.style)] == [(9, 10)]
    middle = sparkline(values, 50, width=10)
    assert middle.plain[0] == middle.plain[-1] == "…"
    assert [(s.start, s.end) for s in middle.spans if "reverse" in str(s.style)] == [(5, 6)]
    assert sparkline(values[:5], 2, width=10).plain == sparkline(values[:5], 2).plain  # fits


def many_dates(path: Path, n: int) -> None:
    hyps = [Hypothesis(id=f"H{k}", title=f"Hypothesis {k}") for k in (1, 2, 3)]
    start = date(2022, 1, 1)
    evidence = [
        Evidence(id=f"E{k}", title=f"item {k}", event_date=start + timedelta(days=k),
                 ratings={"H1": "C", "H2": "I" if k % 3 else "C", "H3": "I" if k % 5 == 0 else "N"})
        for k in range(n)
    ]
    with Store.open(path) as store:
        store.put_case(Case(id="dates", title="Many dates", hypotheses=hyps, evidence=evidence))


async def test_hundreds_of_dates_keep_the_leader_on_the_as_of_line(tmp_path, make_app):
    db = tmp_path / "dates.json"
    many_dates(db, 300)
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.screen.open_case("dates")
        await pilot.pause()
        for size, keys in (((160, 48), ()), ((160, 48), ("left_square_bracket",) * 3), ((80, 24), ())):
            await pilot.resize_terminal(*size)
            await pilot.press(*keys)
            await pilot.pause()
            line = next(ln for ln in screen_text(app).splitlines() if "As of" in ln)
            assert "leader H1" in line and "…" in line, line
        await pilot.press("ctrl+q")
