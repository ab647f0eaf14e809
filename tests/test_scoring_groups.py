"""Same-fact groups, known dates, coverage and margins, worked out by hand.

The case: three hypotheses, equal priors.
  E1 medium/medium (w 1), group "drafting", event 2022-03-29: H1 C, H2 II, H3 N
  E2 high/high (w 2), group "drafting", event 03-01 but reported 04-10: H1 C, H2 I
  E3 low/low (w ½), undated: H1 I, H2 C, H3 NA
  E4 excluded, group "drafting": H1 II (takes no part, so not counted in the group)
All dates: E1, E2 share the fact (n = 2), E3 alone.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse, known_date, log_priors
from hypotheses.summary import summarise, verdict

LN2 = math.log(2)
LN3 = math.log(1 / 3)


def close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


#: The hand-worked evidence: a same-fact group of three (one excluded), a known date
#: later than the event date, weights from low to high, NA and an unrated cell.
WORKED_EVIDENCE = [
    Evidence(id="E1", title="draft", group="drafting", event_date=date(2022, 3, 29),
             ratings={"H1": "C", "H2": "II", "H3": "N"}),
    Evidence(id="E2", title="draft again", group="drafting", credibility="high", relevance="high",
             event_date=date(2022, 3, 1), reported_date=date(2022, 4, 10),
             ratings={"H1": "C", "H2": "I"}),
    Evidence(id="E3", title="claim", credibility="low", relevance="low",
             ratings={"H1": "I", "H2": "C", "H3": "NA"}),
    Evidence(id="E4", title="left out", group="drafting", excluded=True, ratings={"H1": "II"}),
]


@pytest.fixture
def case() -> Case:
    return Case(
        id="g",
        title="groups",
        hypotheses=[Hypothesis(id=f"H{i}", title=f"h{i}") for i in (1, 2, 3)],
        evidence=WORKED_EVIDENCE,
    )


def test_known_date_is_the_later_of_event_and_reported(case: Case) -> None:
    assert [known_date(ev) for ev in case.evidence] == [
        date(2022, 3, 29), date(2022, 4, 10), None, None,
    ]


def test_group_members_share_one_fact(case: Case) -> None:
    a = analyse(case)
    # H2: E1 II/2 = −1, E2 I/2 = −½  → −1.5 (not −3: one fact, counted once)
    assert a.models["inconsistency"].scores == (-1.0, -1.5, 0.0)
    # weighted: H1 ½·(−1) = −½; H2 (1/2)(−2) + (2/2)(−1) = −2
    s = a.models["weighted"].scores
    assert close(s[0], -0.5) and close(s[1], -2.0) and s[2] == 0.0
    # bayes: H1 ½ln2 + ln2 − ½ln2 = ln2; H2 −ln2 − ln2 + ½ln2 = −1.5 ln2; H3 0
    b = a.models["bayes"].scores
    assert close(b[0], LN3 + LN2) and close(b[1], LN3 - 1.5 * LN2) and close(b[2], LN3)


def test_diagnosticity_ignores_groups(case: Case) -> None:
    a = analyse(case)
    # E1: C, II, N → 1, −2, 0: mean −⅓, variance (1 + 4 + 0)/3 − 1/9 = 14/9
    assert close(a.diagnosticity[0], math.sqrt(14) / 3)


def test_as_of_counts_what_was_known_then(case: Case) -> None:
    # On 1 April E2 had happened but was not yet reported: E1 stands alone (n = 1).
    a = analyse(case, date(2022, 4, 1))
    assert [case.evidence[i].id for i in a.used] == ["E1", "E3"]
    assert a.models["inconsistency"].scores == (-1.0, -2.0, 0.0)
    assert a.undated_used == 1
    assert [case.evidence[i].id for i in analyse(case, date(2022, 4, 10)).used] == ["E1", "E2", "E3"]


def test_coverage_counts_plainly(case: Case) -> None:
    cov = analyse(case).coverage
    # rated excludes NA and unrated; for C/CC; against I/II; not divided by group size
    assert [(c.rated, c.for_, c.against, c.unrated, c.incomplete) for c in cov] == [
        (3, 2, 1, 0, False),
        (3, 1, 2, 0, False),
        (1, 0, 0, 1, True),  # E1 N rated, E2 unrated, E3 NA
    ]


def test_margins_per_model(case: Case) -> None:
    a = analyse(case)
    assert a.margin("inconsistency") == 1.0  # H3 0 vs H1 −1
    assert close(a.margin("weighted"), 0.5)  # H3 0 vs H1 −½
    assert close(a.margin("bayes"), LN2)  # H1 vs H3, in log-score units
    tie = Case(id="t", title="t", hypotheses=[Hypothesis(id="A", title="a"), Hypothesis(id="B", title="b")])
    assert analyse(tie).margin("weighted") is None  # everyone leads


def test_linchpins_recount_the_group(case: Case) -> None:
    a = analyse(case)
    # removing E3 ties H1 with H3 under both inconsistency models; removing a
    # drafting item leaves the other one whole, which moves no leader.
    assert a.linchpins == ((), (), ("inconsistency", "weighted"), ())


def test_summary_entries_and_verdict_words(case: Case) -> None:
    d = summarise(analyse(case), "weighted").to_dict()
    assert d["undated_used"] == 1 and d["evidence_used"] == 3
    assert d["margin"]["inconsistency"] == 1.0 and d["margin"]["bayes"] == pytest.approx(LN2)
    top = d["ranking"][0]
    assert (top["id"], top["rated"], top["for"], top["against"]) == ("H3", 1, 0, 0)
    assert [r["inconsistency"] for r in d["ranking"]] == [0, -1, -1.5]
    v = verdict(analyse(case), "weighted")
    # H3 0, H1 −½: within one medium item, so not separated and no winner named
    assert v.headline.startswith("Under weighted inconsistency (PARC), the evidence does not separate H1, H3")
    assert v.brief == "Not separated: H1, H3 within one medium item" and "leads" not in v.headline
    assert any(w.startswith("H3 is barely tested: 0 of 3 items bear on it, +0 −0, and incomplete: 1/3 rated "
                            "(1 not rated, 1 NA)") for w in v.warnings)
    assert "H3 is barely tested: 0 of 3 items bear on it, +0 −0; incomplete: 1/3 rated" in v.brief_warnings
    bayes = verdict(analyse(case), "bayes")
    # H1 ln 2 ahead of H3: exactly one medium item, so outside the band
    assert "H1 leads by 0.69 in log score (1.0 item of medium weight)" in bayes.headline
    assert bayes.band == ("H1",) and bayes.separated
    assert not any("barely" in w for w in bayes.warnings)  # H1: 2 for, 1 against


@pytest.mark.parametrize(("items", "called_out"), [(1, True), (2, True), (3, False)])
def test_a_leader_tested_by_fewer_than_three_items_is_called_out(items: int, called_out: bool) -> None:
    case = Case(
        id="f", title="f",
        hypotheses=[Hypothesis(id="H1", title="fits"), Hypothesis(id="H2", title="does not")],
        evidence=[Evidence(id=f"E{k}", title="x", ratings={"H1": "C", "H2": "II"}) for k in range(items)],
    )
    v = verdict(analyse(case), "weighted")
    assert [h.id for h in v.leaders] == ["H1"] and v.separated
    bear = "item bears" if items == 1 else "items bear"
    text = f"H1 is barely tested: {items} of {items} {bear} on it, +{items} −0"
    assert (text in v.brief_warnings) is called_out
    assert any(w.startswith(text) for w in v.warnings) is called_out


def test_a_leader_nobody_rated_is_no_winner() -> None:
    case = Case(
        id="u", title="u",
        hypotheses=[Hypothesis(id="H1", title="rated"), Hypothesis(id="H9", title="fresh")],
        evidence=[Evidence(id="E1", title="x", ratings={"H1": "I"})],
    )
    v = verdict(analyse(case), "weighted")
    assert v.unrated_leader and [h.id for h in v.leaders] == ["H9"]
    assert v.headline.startswith("No verdict under weighted inconsistency (PARC): the top score goes to H9")
    assert "leads" not in v.headline


@pytest.mark.parametrize("priors", [(1.7e308, 1.7e308, 1.0), (1e308, 5e-324, 1.0), (1.7e308,)])
def test_priors_of_any_accepted_size_score(priors: tuple[float, ...]) -> None:
    hyps = [Hypothesis(id=f"H{i}", title="h", prior=p) for i, p in enumerate(priors)]
    logs = log_priors(hyps)
    assert all(math.isfinite(v) for v in logs)
    shares = [math.exp(v) for v in logs]
    assert math.isclose(sum(shares), 1.0, rel_tol=1e-9)
    case = Case(id="p", title="p", hypotheses=hyps,
                evidence=[Evidence(id="E1", title="x", ratings={h.id: "C" for h in hyps})])
    a = analyse(case)
    assert all(math.isfinite(p) for p in a.posterior)


def test_ordinary_priors_keep_the_literal_formula() -> None:
    hyps = [Hypothesis(id="A", title="a", prior=0.3), Hypothesis(id="B", title="b", prior=2.5)]
    assert log_priors(hyps) == [math.log(0.3 / math.fsum([0.3, 2.5])), math.log(2.5 / math.fsum([0.3, 2.5]))]
