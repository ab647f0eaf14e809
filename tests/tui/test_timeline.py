"""The as-of line with more dates than the line holds: the stops around the current
one and the leader stay in view (the whole sparkline used to wrap out of sight)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.app import App

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.replay import Replay
from hypotheses.scoring_models import MODELS, scoring_model
from hypotheses.summary import leader_words
from tests.tui.conftest import open_under_bayes, screen_text, shown_leaders, until
from tui.case_view import CaseView, SeriesAsk
from tui.screens.main import MainScreen
from tui.widgets.timeline import Timeline, sparkline

if TYPE_CHECKING:
    from hypotheses.vocabulary import Rating


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


def as_of_line(app: App[object]) -> str:
    return next(ln for ln in screen_text(app).splitlines() if "As of" in ln)


def fresh_leader(view: CaseView) -> str:
    """The leader's words a replay from scratch gives for the view on show."""
    leader = shown_leaders(view)[0]
    state = view.state
    assert view.scored is not None
    series = Replay(state.model).series(view.scored, leader, state.stops)
    assert view.analysis is not None
    words = leader_words(view.analysis, state.model)  # 'leader H1' only where the verdict says so
    return f"{words}: {scoring_model(state.model).format_score(series[state.stop])}"


async def test_a_large_case_shows_at_once_and_its_line_follows_from_a_worker(
        tmp_path: Path, make_app: Callable[[Path], App[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The case, ranking and matrix show while the leader line is worked out in a worker
    (the line loading); keys act meanwhile; the line drawn is the one for the view on
    show, never one asked for before a key changed it; a rating patches it at once."""
    db = tmp_path / "dates.json"
    many_dates(db, 300)
    monkeypatch.setattr(Timeline, "WORKER_CELLS", 0)  # this case counts as large
    gates = {model: threading.Event() for model in MODELS}  # each model's line waits for its gate
    series_of = CaseView.series_of

    def gated(self: CaseView, ask: SeriesAsk) -> list[float]:
        assert gates[ask.model].wait(30), "the test never opened the gate"
        return series_of(self, ask)

    monkeypatch.setattr(CaseView, "series_of", gated)
    app = make_app(db)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            timeline = screen.query_one(Timeline)
            view = screen.session.view
            first = view.state.model
            await until(pilot, lambda: timeline.loading, "the line loading")
            assert "Many dates" in screen_text(app) and "E0" in screen_text(app)  # the case shows
            await pilot.press("s", "m", "left_square_bracket")  # keys act while the line is worked out
            await pilot.pause()
            text = screen_text(app)
            assert "sort: diagnosticity" in text.splitlines()[0], text.splitlines()[0]
            second = view.state.model
            assert second != first and timeline.loading
            gates[second].set()  # the line for the view on show comes first
            await until(pilot, lambda: not timeline.loading, "the line")
            dates = view.state.stops
            assert f"As of {dates[-2].isoformat()}  [{len(dates) - 1}/{len(dates)}]" in as_of_line(app)
            assert fresh_leader(view) in as_of_line(app)
            shown = as_of_line(app)
            gates[first].set()  # the line asked for before m comes late: never drawn
            await until(pilot, lambda: all(w.is_finished for w in app.workers if w.group == "timeline"),
                        "the line asked for first")
            await pilot.pause()
            assert as_of_line(app) == shown and not timeline.loading
            for gate in gates.values():
                gate.set()
            await app.workers.wait_for_complete()
            await pilot.press("i")  # a rating: the line is patched at once, no worker
            assert not timeline.loading and fresh_leader(view) in as_of_line(app)
            await pilot.press("m")  # worked out already after the case opened
            assert not timeline.loading and fresh_leader(view) in as_of_line(app)
            await pilot.press("ctrl+q")
    finally:
        for gate in gates.values():
            gate.set()


def three_not_separated(path: Path) -> None:
    """Three hypotheses the evidence cannot tell apart, a fourth against it; a dozen dates
    and one undated item, so the line has a sparkline and an undated note to give room."""
    hyps = [Hypothesis(id=f"H{k}", title=f"Hypothesis {k}") for k in (1, 2, 3, 4)]
    start = date(2023, 10, 1)
    evidence = [
        Evidence(id=f"E{k}", title=f"item {k}", event_date=start + timedelta(days=k) if k else None,
                 ratings={"H1": "C", "H2": "C", "H3": "C", "H4": "I"})
        for k in range(12)
    ]
    with Store.open(path) as store:
        store.put_case(Case(id="band", title="A band of three", hypotheses=hyps, evidence=evidence))


async def test_a_narrow_as_of_line_names_the_whole_top_or_gives_way_elsewhere(tmp_path, make_app):
    """At 120 columns the top went from the line, at 80 it was cut to '≈ H1,' (as if H1
    led): now the hint, the long words and note, then the sparkline give way first."""
    db = tmp_path / "band.json"
    three_not_separated(db)
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.screen.open_case("band")
        await pilot.pause()
        for size in ((160, 48), (120, 40), (100, 30), (80, 24), (60, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            line = as_of_line(app).split("│")[0].rstrip()
            whole_top = r"(top score H1, H2, H3 \(not separated\): |≈ H1, H2, H3: top )0\.00"
            assert re.search(whole_top, line), (size, line)
            assert "1 undated" in line or size[0] <= 60, (size, line)  # at 60 it gives way last
        await pilot.press("ctrl+q")


async def test_a_wide_band_at_80_columns_is_named_whole_the_undated_count_giving_way(tmp_path, make_app):
    """The as-of line names the whole band ('≈ H1, …, H10'); at 80 columns with an undated
    item that no longer fitted even in its shortest words, and the line was cut inside the
    band ('≈ H1, H2, …, H…'), the score gone: the undated count gives way first."""
    db = tmp_path / "wide.json"
    hyps = [Hypothesis(id=f"H{k}", title=f"Hypothesis {k}") for k in range(1, 11)]
    start = date(2023, 10, 1)
    evidence = [Evidence(id=f"E{k}", title=f"item {k}", event_date=start + timedelta(days=k) if k else None,
                         ratings={h.id: "C" for h in hyps}) for k in range(12)]
    with Store.open(db) as store:
        store.put_case(Case(id="wide", title="A band of ten", hypotheses=hyps, evidence=evidence))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.open_case("wide")
        await pilot.pause()
        line = as_of_line(app).rstrip()
        assert line.endswith("[12/12]  ≈ H1, H2, H3, H4, H5, H6, H7, H8, H9, H10: top 0.00"), line
        await pilot.press("ctrl+q")


async def test_the_as_of_line_says_a_lead_is_the_priors_where_only_they_make_it(tmp_path, make_app):
    """Priors H1 1000 : H2 1 and, by 1 Feb, evidence that puts H2 first: the ranking's verdict
    said 'on its prior; the evidence alone puts H2 first', the as-of line plainly 'leader H1'.
    On 1 Jan the evidence too put H1 first: no caveat there."""
    from tests.test_verdict_places import priors_overturn_later

    db = tmp_path / "priors.json"
    with Store.open(db) as store:
        store.put_case(priors_overturn_later())
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_under_bayes(pilot, "t")
        for size in ((160, 48), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert "on its prior; the evidence alone puts H2 first" in screen_text(app)  # the verdict
            assert re.search(r"leader H1 on its prior( \(the evidence alone puts H2 first\))?: 99\.6%",
                             as_of_line(app)), (size, as_of_line(app))
        await pilot.press("left_square_bracket", "left_square_bracket")  # 1 Jan
        await pilot.pause()
        assert "As of 2022-01-01" in as_of_line(app) and "leader H1: " in as_of_line(app), as_of_line(app)
        await pilot.press("ctrl+q")


def timeline_row(app: App[object]) -> str:
    """The as-of line as the screen shows it, left of the detail pane (found by where the
    line is laid out: it may have given up its 'As of')."""
    row = app.screen.query_one(Timeline).region.y
    return screen_text(app).splitlines()[row].split("│")[0].strip()


async def test_beside_the_detail_pane_at_80_columns_the_leader_and_score_stay(tmp_path, make_app):
    """At 80 columns with the detail pane shown (d) the as-of line has 38 columns, and its head
    ('As of 2022-01-03  [3/4]  ', 26 of them) never gave way: the line was cut after 'leader
    H2:', its score gone. Now the stop count gives way, then 'As of', then the date."""
    from tests.test_verdict_places import priors_overturn_later

    hyps = [Hypothesis(id=f"H{k}", title=f"Hypothesis {k}") for k in (1, 2, 3)]
    rated: list[tuple[date | None, dict[str, Rating]]] = [
        (None, {"H1": "I"}), (date(2022, 1, 1), {"H1": "I", "H2": "C", "H3": "I"}),
        (date(2022, 1, 2), {"H2": "N", "H3": "I"}), (date(2022, 1, 3), {"H1": "I", "H2": "I", "H3": "I"})]
    db = tmp_path / "narrow.json"
    with Store.open(db) as store:
        store.put_case(Case(id="n", title="Narrow", hypotheses=hyps, evidence=[
            Evidence(id=f"E{k}", title=f"item {k}", event_date=day, ratings=r)
            for k, (day, r) in enumerate(rated)]))
        store.put_case(priors_overturn_later())
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.open_case("n")
        await pilot.pause()
        await pilot.press("d", "left_square_bracket")  # the detail pane; as of 3 January
        await pilot.pause()
        assert app.screen.query_one("#detail").display and "E0" in screen_text(app)
        assert timeline_row(app) == "As of 2022-01-03  leader H2: -1.00", screen_text(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert timeline_row(app) == "As of all dates  leader H2: -1.00"
        # the longest short words there are: under Bayes with the priors' caveat
        await open_under_bayes(pilot, "t")
        assert timeline_row(app) == "leader H1 on its prior: 99.6%", screen_text(app)  # the date gave way
        await pilot.press("left_square_bracket", "left_square_bracket")  # 1 January: the evidence's lead
        await pilot.pause()
        assert re.fullmatch(r"As of 2022-01-01  leader H1: \d+\.\d%", timeline_row(app)), timeline_row(app)
        await pilot.press("ctrl+q")
