"""A lead unequal priors make part of says how much of it is the evidence's: Bayes' margin
counts the priors, and a reader takes '8.0 medium items' for evidence. Read as a user sees it:
the ranking's verdict lines, and the Markdown report from the command line."""

from __future__ import annotations

from pathlib import Path

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.conftest import weigh_text
from tests.tui.conftest import open_under_bayes, screen_text


def prior_case() -> Case:
    """Priors 4 : 1; three items rate H1 C and H2 I: the evidence alone puts H1 ahead by
    3 × 2 ln 2 = 4.16 in log score (6.0 medium items), the priors add ln 4 = 1.39 (2.0)."""
    return Case(
        id="priors",
        title="Priors",
        hypotheses=[Hypothesis(id="H1", title="favoured", prior=4.0),
                    Hypothesis(id="H2", title="other", prior=1.0)],
        evidence=[Evidence(id=f"E{n}", title=f"item {n}", ratings={"H1": "C", "H2": "I"})
                  for n in (1, 2, 3)],
    )


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "priors.json"
    with Store.open(path) as store:
        store.put_case(prior_case())
    return path


async def test_the_ranking_says_what_share_of_the_lead_the_priors_make(tmp_path: Path, make_app) -> None:
    app = make_app(_db(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_under_bayes(pilot, "priors")
        text = screen_text(app)
        assert " H1 leads by 5.55 in log score (8.0 medium items)" in text
        assert " ⚠ the priors make 2.0 of those items: the evidence alone, 6.0" in text
        await pilot.press("ctrl+q")


def test_the_report_says_what_share_of_the_lead_the_priors_make(tmp_path: Path, cli_env) -> None:
    env = {**cli_env, "WEIGH_DB": str(_db(tmp_path))}
    done = weigh_text(env, "export", "--case", "priors", "--format", "md", "--model", "bayes")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "H1 leads by 5.55 in log score (8.0 items of medium weight)" in out
    assert ("**Warning:** Unequal priors make part of this lead: the evidence alone puts H1 ahead "
            "by 4.16 in log score (6.0 items of medium weight), the priors the other 1.39.") in out
