"""What the matrix shows beyond the ratings (issue 22): a mark on each cell that has a
note, and, sorted by weight, the weight each row is sorted by."""

from __future__ import annotations

import re

from hypotheses.models import Evidence, Hypothesis
from hypotheses.sorts import sort_named
from tests.tui.conftest import matrix_lines, screen_text, until
from tests.tui.host import press_at_once
from tui.case_view import RowFacts
from tui.widgets.matrix import row_cells

HYPS = [Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")]
FACTS = RowFacts(active=True, excluded=False, later=False, diagnosticity=0.5, linchpin=False,
                 rated=2)


def test_a_cell_with_a_note_is_marked_even_beside_a_team_mark() -> None:
    ev = Evidence(id="E1", title="t", ratings={"H1": "II", "H2": "C"}, notes={"H1": "why"})
    cells = [c.plain.strip() for c in row_cells(ev, HYPS, FACTS)]
    assert cells[3:5] == ["II*", "C"]
    team = FACTS._replace(marks=("‼/", "~"))
    cells = [c.plain.strip() for c in row_cells(ev, HYPS, team)]
    assert cells[3:5] == ["II‼*", "C~"]  # four cells wide: the note mark stays


def test_sorted_by_weight_a_row_shows_its_weight_before_diag() -> None:
    ev = Evidence(id="E1", title="t", credibility="high", relevance="high")
    by_weight = sort_named("weight")
    cells = [c.plain.strip() for c in row_cells(ev, HYPS, FACTS, by_weight.value)]
    assert cells[-2:] == ["2.00", "0.50"]  # √2 × √2, then Diag
    assert len(row_cells(ev, HYPS, FACTS, sort_named("date").value)) == len(cells) - 1


async def test_a_note_written_with_w_marks_its_cell_at_80x24(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        eid, _ = app.screen.matrix.current()
        assert "N*" not in matrix_lines(app)[eid]
        await pilot.press("w")
        await press_at_once(pilot, *"expected either way", "enter")
        await until(pilot, lambda: "N*" in matrix_lines(app).get(eid, ""), "the note mark")
        assert matrix_lines(app)[eid].split()[-7:-5] == ["N*", "N"]  # on H1 only


async def test_sorting_by_weight_shows_the_weights_at_80x24(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert " Wt " not in screen_text(app)
        await pilot.press("s", "s")  # date → diagnosticity → weight
        await until(pilot, lambda: " Wt " in screen_text(app), "the weight column")
        lines = matrix_lines(app).values()
        weights = [float(re.findall(r"\d\.\d\d", line)[-2]) for line in lines]  # Wt, Diag
        assert len(weights) > 3 and weights == sorted(weights, reverse=True)
        assert max(weights) > min(weights)  # the default case mixes weights


async def test_long_ids_from_an_imported_case_are_shown_whole(tmp_path, make_app):
    """Ids up to 32 characters (a case file from elsewhere) are shown whole: the matrix cut
    every hypothesis column to 'scen' and every item to 'evide', so no column or row could be
    told from another, and the ranking and the indicators ran ids into what follows them
    ('scenario-gamma██████', 'indicator-long-onewatching') (found by a tester)."""
    from evidence.store import Store
    from hypotheses.models import Case, Indicator

    hids = ["scenario-alpha", "scenario-beta", "scenario-gamma"]
    path = tmp_path / "ids.json"
    with Store.open(path) as store:
        store.put_case(Case(
            id="ids", title="Long ids", hypotheses=[Hypothesis(id=h, title=h[9:]) for h in hids],
            evidence=[Evidence(id="evidence-item-number-one", title="first",
                               ratings={"scenario-alpha": "C", "scenario-beta": "I"})],
            indicators=[Indicator(id="indicator-long-one", title="watch",
                                  ratings={"scenario-gamma": "CC"})]))
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        text = screen_text(app)
        header = next(line for line in text.splitlines() if line.startswith(" ID "))
        assert re.search(r"scenario-alpha +scenario-beta +scenario-gamma", header), header
        row = matrix_lines(app)["evidence-item-number-one"]
        assert re.search(r"first +C +I +· ", row), row
        assert re.search(r"scenario-gamma [█░]", text)  # the ranking: the id, a space, its bar
        assert re.search(r"scenario-beta  [█░]", text)  # the bars in line
        await pilot.press("M")
        await until(pilot, lambda: "indicator-long-one watching" in screen_text(app), "the panel")
        panel = screen_text(app)
        assert re.search(r"scenario-alpha +scenario-beta +scenario-gamma", panel)
        assert re.search(r"indicator-long-one watching +— +· +· +CC +watch", panel), panel
        await pilot.press("escape", "ctrl+q")
