"""A case whose items are not rated yet (issue 22, tried at 80×24): the ranking says "no
verdict" once instead of a warning per hypothesis, so the rows to rate stay on screen."""

from __future__ import annotations

from pathlib import Path

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse
from hypotheses.summary import verdict
from tests.tui.conftest import matrix_lines
from tui.widgets.ranking import RankingPanel

HYPS = [Hypothesis(id=f"H{i}", title=f"Hypothesis number {i}") for i in (1, 2, 3)]


def lines(evidence: list[Evidence]) -> list[str]:
    a = analyse(Case(id="c", title="C", hypotheses=HYPS, evidence=evidence))
    return [t.plain for t in RankingPanel.verdict_lines(verdict(a, "weighted"))]


def test_no_verdict_is_one_line_and_a_rated_leaders_warnings_stay() -> None:
    unrated = lines([Evidence(id="E1", title="anchor trail")])
    assert unrated[0].startswith("No verdict") and not any(t.startswith("⚠") for t in unrated)
    rated = lines([Evidence(id="E1", title="anchor trail", ratings={"H1": "C", "H2": "C", "H3": "I"})])
    assert any("barely tested" in t for t in rated)  # one item is thin: still said


async def test_at_80x24_the_item_to_rate_shows_under_the_ranking(tmp_path: Path, make_app):
    db = tmp_path / "cable.json"
    with Store.open(db) as store:
        store.put_case(Case(id="cable", title="Who cut the cable", hypotheses=HYPS,
                            evidence=[Evidence(id="E1", title="Anchor trail on the seabed")]))
    app = make_app(db)
    async with app.run_test(size=(80, 24)):
        assert "Anchor trail on the seabed" in matrix_lines(app).get("E1", "")
