"""The hypothesis view: enter on a ranking row explains it; enter on an item goes there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.seed import DEFAULT_CASE_ID
from hypotheses.explain import brief
from hypotheses.scoring import analyse, leader_ids
from hypotheses.separation import band
from tests.tui.conftest import flat_text
from tui.screens.hypothesis_view import HypothesisView

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


async def test_enter_on_a_ranked_hypothesis_explains_it_and_escape_returns(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        case = main.store.case(DEFAULT_CASE_ID)
        a = analyse(case)
        order = a.models["weighted"].order
        last = case.hypotheses[order[-1]]
        await pilot.press("tab")  # to the ranking panel
        assert main.ranking.has_focus
        # the leader's view says why it leads and how firmly, as the reports do
        await pilot.press("enter")
        await pilot.pause()
        leader_view = app.screen
        assert isinstance(leader_view, HypothesisView)
        top, inside = leader_ids(a, "weighted"), [a.hypothesis_ids[i] for i in band(a, "weighted")]
        lead = "the evidence does not separate" if len(inside) > 1 else f"{top[0]} leads by"
        assert f"Under weighted inconsistency (PARC), {lead}" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen_stack[-1] is main  # the screen on top (not the one narrowed above)
        assert main.ranking.has_focus
        await pilot.press(*["down"] * (len(order) - 1), "enter")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, HypothesisView)
        text = flat_text(app)
        b = brief(a, last.id, "weighted")
        assert last.title in text
        assert f"rank {a.models['weighted'].ranks[order[-1]]} of {len(order)} under weighted" in text
        c = b.coverage
        assert f"Coverage: {c.rated}/{b.used} rated, {c.for_} for, {c.against} against" in text
        leader = case.hypotheses[order[0]].id
        assert f"Behind {leader}" in text and "items of medium weight rated I" in text
        assert f"Against it ({len(b.against)}, strongest first)" in text
        assert f"For it ({len(b.for_)}; weighted counts only what is against)" in text  # C moves nothing
        assert all(w.strength == 0 for w in b.for_)
        # strongest against is listed first: its title appears before the next one's
        assert len(b.against) >= 2
        first, second = b.against[0].evidence, b.against[1].evidence
        assert text.index(first.title[:30]) < text.index(second.title[:30])
        await pilot.press("enter")  # the highlighted line: the strongest item against it
        await pilot.pause()
        assert app.screen is main
        assert main.matrix.has_focus
        assert main.matrix.current() == (first.id, last.id)
        await pilot.press("tab", "e")  # e still edits from the ranking
        await pilot.pause()
        assert type(app.screen).__name__ == "HypothesisForm"
        await pilot.press("escape", "ctrl+q")


async def test_at_80x24_the_views_head_scrolls_to_its_last_line(db_path, make_app):
    """Small screens: at 80×24 the head stopped mid-sentence ('… its place'), its last
    warnings and the hypothesis's description gone without a word; it scrolls now (tab)."""
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("tab", "enter")  # the ranking's leader, H1
        await pilot.pause()
        assert isinstance(app.screen, HypothesisView)
        assert "No act, official, message" not in flat_text(app)  # H1's description, below the fold
        assert "tab: the text above (it scrolls)" in flat_text(app)  # said only where it does
        await pilot.press("tab", "end")
        await pilot.pause()
        assert "No act, official, message" in flat_text(app)
