"""What the evidence can tell apart: tested, band, separation, contenders,
separating indicators and the verdict's words — each rule on a case worked by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from hypotheses.explain import rivals
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.scoring import Analysis, ModelScores, analyse, ranks, top_set
from hypotheses.separation import (
    Separation,
    all_separations,
    band,
    contenders,
    leader_separations,
    separating_indicators,
    separating_items,
    separation,
    watch_brief,
    watch_sentence,
    watchlist,
)
from hypotheses.summary import summarise, verdict


def hyps(*ids: str, priors: dict[str, float] | None = None) -> list[Hypothesis]:
    return [Hypothesis(id=h, title=f"title {h}", prior=(priors or {}).get(h, 1.0)) for h in ids]


def item(eid: str, ratings: dict[str, str], **kw: object) -> Evidence:
    return Evidence(id=eid, title=f"item {eid}", ratings=ratings, **kw)


def with_scores(analysis: Analysis, model: str, scores: tuple[float, ...]) -> Analysis:
    """``analysis`` with ``model``'s scores replaced (ranks and leaders recomputed)."""
    ms = ModelScores(model, scores, tuple(ranks(scores)), top_set(scores))
    return analysis._replace(models={**analysis.models, model: ms})


# ---------------------------------------------------------------- tested


def barely_case(n_neutral: int) -> Case:
    """H1: one C, one I, ``n_neutral`` N → tested 2 of 2 + n. H2: II on three → far behind."""
    evidence = [item("E1", {"H1": "C", "H2": "II"}), item("E2", {"H1": "I", "H2": "II"})]
    evidence += [item(f"E{k + 3}", {"H1": "N", "H2": "N" if k else "II"}) for k in range(n_neutral)]
    return Case(id="b", title="b", hypotheses=hyps("H1", "H2"), evidence=evidence)


def test_a_barely_tested_leader_is_called_out_in_the_exact_words() -> None:
    """49 items: H1 weighted −1 (one I), H2 −6 (three II): H1 alone in the band and leads,
    yet only E1 (C) and E2 (I) bear on it; N is a rating but tests nothing."""
    a = analyse(barely_case(47))
    assert a.coverage[0].rated == 49 and a.coverage[0].tested == 2
    v = verdict(a, "weighted")
    assert [h.id for h in v.leaders] == ["H1"] and v.band == ("H1",)
    assert "H1 is barely tested: 2 of 49 items bear on it, +1 −1" in v.brief_warnings
    assert any(w.startswith("H1 is barely tested: 2 of 49 items bear on it, +1 −1") for w in v.warnings)
    assert v.headline.startswith("Under weighted inconsistency (PARC), H1 leads by 5.00")
    assert summarise(a, "weighted").to_dict()["ranking"][0]["tested"] == 2


def test_three_items_bearing_on_the_leader_are_enough() -> None:
    case = barely_case(3)
    case = case.model_copy(update={"evidence": [*case.evidence, item("E9", {"H1": "CC", "H2": "N"})]})
    v = verdict(analyse(case), "weighted")
    assert analyse(case).coverage[0].tested == 3
    assert not any("barely tested" in w for w in v.warnings + v.brief_warnings)


# ---------------------------------------------------------------- band


def three_way() -> Case:
    """Inconsistency: H1 0, H2 −½ (I in a group of two), H3 −2 (II)."""
    return Case(
        id="t",
        title="t",
        hypotheses=hyps("H1", "H2", "H3"),
        evidence=[
            item("E1", {"H1": "C", "H2": "I", "H3": "II"}, group="g"),
            item("E2", {"H1": "N", "H2": "N", "H3": "II"}, group="g"),
        ],
    )


def test_a_band_of_two_names_no_winner() -> None:
    """H3's two II halve to −2: outside; H2 at −½: inside. Weighted is the same here."""
    a = analyse(three_way())
    assert a.models["inconsistency"].scores == (0.0, -0.5, -2.0)
    assert band(a, "inconsistency") == (0, 1) and band(a, "weighted") == (0, 1)
    v = verdict(a, "inconsistency")
    assert v.brief == "Not separated: H1, H2 within one medium item"
    assert "does not separate H1, H2" in v.headline and "leads" not in v.headline
    assert not v.separated


def test_a_band_of_all_in_case_order() -> None:
    """Every hypothesis within one item: the band is all of them, in case order (not rank order)."""
    case = Case(
        id="all",
        title="all",
        hypotheses=hyps("H1", "H2", "H3"),
        evidence=[item("E1", {"H1": "I", "H2": "N", "H3": "I"}, group="g"), item("E2", {}, group="g")],
    )
    a = analyse(case)
    assert a.models["weighted"].scores == (-0.5, 0.0, -0.5)
    assert band(a, "weighted") == (0, 1, 2)
    assert verdict(a, "weighted").brief == "Not separated: H1, H2, H3 within one medium item"


@pytest.mark.parametrize(
    ("gap", "inside"),
    [(1.0, False), (1 - 1e-10, False), (1 - 2e-9, True), (0.5, True), (1.5, False)],
)
def test_band_edge_is_one_medium_item_less_the_tolerance(gap: float, inside: bool) -> None:
    """``best − score < 1 − 1e-9``: exactly one item behind is out, and so is anything within
    the 1e-9 tolerance of it (1 − 1e-10); 1 − 2e-9 behind is in."""
    a = analyse(Case(id="e", title="e", hypotheses=hyps("H1", "H2")))
    for model in ("inconsistency", "weighted"):
        edited = with_scores(a, model, (-3.0, -3.0 - gap))
        assert band(edited, model) == ((0, 1) if inside else (0,))


def test_exactly_one_item_behind_is_outside_the_band_in_every_model() -> None:
    """H2 rated I on one medium item, H1 N: one item behind under all three models (ln 2 for Bayes)."""
    one = [item("E1", {"H1": "N", "H2": "I"})]
    a = analyse(Case(id="o", title="o", hypotheses=hyps("H1", "H2"), evidence=one))
    assert math.isclose(a.models["bayes"].scores[0] - a.models["bayes"].scores[1], math.log(2))
    for model in ("inconsistency", "weighted", "bayes"):
        assert band(a, model) == (0,)
        assert verdict(a, model).separated


@pytest.mark.parametrize(("ratio", "inside"), [(2.0, False), (2.0 * math.exp(-1e-10), False),
                                               (2.0 * math.exp(-3e-9), True)])
def test_bayes_band_edge_is_ln2_less_the_tolerance(ratio: float, inside: bool) -> None:
    """Priors ``ratio`` : 1 put the log scores ln(ratio) apart."""
    a = analyse(Case(id="p", title="p", hypotheses=hyps("H1", "H2", priors={"H1": ratio})))
    assert band(a, "bayes") == ((0, 1) if inside else (0,))


# ---------------------------------------------------------------- separation


def pair_case() -> Case:
    """Only E2 (C vs I) and E5 (I vs CC) tell H1 from H2: E1 is the same code, E3 has an NA,
    E4 leaves H2 unrated, E6 is excluded, E7 is known after 2022-03-31."""
    return Case(
        id="s",
        title="s",
        hypotheses=hyps("H1", "H2", "H3"),
        evidence=[
            item("E1", {"H1": "C", "H2": "C", "H3": "C"}),
            item("E2", {"H1": "C", "H2": "I", "H3": "C"}, group="g"),
            item("E3", {"H1": "CC", "H2": "NA", "H3": "II"}),
            item("E4", {"H1": "II", "H3": "N"}),
            item("E5", {"H1": "I", "H2": "CC", "H3": "N"}, group="g"),
            item("E6", {"H1": "II", "H2": "CC", "H3": "N"}, excluded=True),
            item("E7", {"H1": "CC", "H2": "II", "H3": "N"}, event_date="2022-04-02"),
        ],
    )


def test_separation_skips_na_unrated_and_same_codes_and_does_not_divide_groups() -> None:
    a = analyse(pair_case(), as_of=date(2022, 3, 31))
    assert separation(a, "H1", "H2") == Separation("H1", "H2", 2, 1, 1)
    assert separation(a, "H2", "H1") == Separation("H2", "H1", 2, 1, 1)
    # H1 vs H3: E2 same; E3 CC vs II (H1); E4 II vs N (H3); E5 I vs N (H3)
    assert separation(a, "H1", "H3") == Separation("H1", "H3", 3, 1, 2)


def test_separation_counts_what_takes_part() -> None:
    """With every date and E6 back in: E7 favours H1 and E6 H2 as well."""
    case = pair_case()
    back = [e.model_copy(update={"excluded": False}) for e in case.evidence]
    case = case.model_copy(update={"evidence": back})
    assert separation(analyse(case), "H1", "H2") == Separation("H1", "H2", 4, 2, 2)


def test_leader_separations_and_the_table_of_pairs() -> None:
    a = analyse(three_way())
    assert [(s.a, s.b) for s in leader_separations(a, "inconsistency")] == [("H1", "H2"), ("H1", "H3")]
    assert [(s.a, s.b) for s in all_separations(a)] == [("H1", "H2"), ("H1", "H3"), ("H2", "H3")]
    assert all_separations(a)[0] == Separation("H1", "H2", 1, 1, 0)  # E1 C vs I; E2 N = N


# ---------------------------------------------------------------- contenders and indicators


def test_contenders_are_the_band_or_the_leader_and_the_next_rank() -> None:
    a = analyse(three_way())
    assert contenders(a, "inconsistency") == (0, 1)  # the band
    far = Case(
        id="f",
        title="f",
        hypotheses=hyps("H1", "H2", "H3", "H4"),
        evidence=[item("E1", {"H2": "II", "H3": "II", "H4": "II"}), item("E2", {"H4": "I"})],
    )
    assert contenders(analyse(far), "inconsistency") == (0, 1, 2)  # H1; H2 and H3 share rank 2


def indicator_case() -> Case:
    """H1 and H2 tie (the band). M1 rates them C / I: it separates. M2 rates H2 NA: it does
    not. M3 separates but is observed, M4 rates only H1, M5 the same code for both."""
    return Case(
        id="i",
        title="i",
        hypotheses=hyps("H1", "H2", "H3"),
        evidence=[item("E1", {"H1": "N", "H2": "N", "H3": "II"})],
        indicators=[
            Indicator(id="M1", title="separates", ratings={"H1": "C", "H2": "I"}),
            Indicator(id="M2", title="NA for H2", ratings={"H1": "CC", "H2": "NA", "H3": "C"}),
            Indicator(id="M3", title="seen", ratings={"H1": "C", "H2": "II"}, status="observed"),
            Indicator(id="M4", title="one-sided", ratings={"H1": "II"}),
            Indicator(id="M5", title="same", ratings={"H1": "I", "H2": "I", "H3": "CC"}),
        ],
    )


def test_an_indicator_separates_and_one_with_na_does_not() -> None:
    a = analyse(indicator_case())
    assert contenders(a, "weighted") == (0, 1)
    assert [ind.id for ind in separating_indicators(a, "weighted")] == ["M1"]
    w = watchlist(a, "weighted")
    assert watch_sentence(w) == "to tell H1 from H2, watch M1"
    v = verdict(a, "weighted")
    assert v.watch_line == "What would separate them: to tell H1 from H2, watch M1."
    assert not any("separate them" in w for w in v.warnings)  # a next step, not a warning
    assert v.brief == "Not separated: H1, H2 within one medium item"


def test_no_separating_indicator_says_so_and_suggests_one() -> None:
    case = indicator_case()
    case = case.model_copy(update={"indicators": case.indicators[1:]})
    a = analyse(case)
    assert separating_indicators(a, "weighted") == []
    assert watch_sentence(watchlist(a, "weighted")).startswith(
        "no watching indicator would tell H1, H2 apart; add one"
    )
    assert verdict(a, "weighted").watch.startswith("no watching indicator")


def test_summary_carries_the_new_fields() -> None:
    case = indicator_case().model_copy(update={"conclusion": "Bottom line."})
    d = summarise(analyse(case), "weighted").to_dict()
    assert d["conclusion"] == "Bottom line."
    assert d["band"] == {"inconsistency": ["H1", "H2"], "weighted": ["H1", "H2"], "bayes": ["H1", "H2"]}
    assert d["separating_indicators"] == ["M1"]
    assert d["separation"] == [
        {"a": "H1", "b": "H2", "items": 0, "favour_a": 0, "favour_b": 0},
        {"a": "H1", "b": "H3", "items": 1, "favour_a": 1, "favour_b": 0},
        {"a": "H2", "b": "H1", "items": 0, "favour_a": 0, "favour_b": 0},
        {"a": "H2", "b": "H3", "items": 1, "favour_a": 1, "favour_b": 0},
    ]
    assert [r["tested"] for r in d["ranking"]] == [0, 0, 1]
    (row,) = d["evidence"]
    assert row["excluded"] is False and row["linchpin"] == ["inconsistency", "weighted", "bayes"]
    assert math.isclose(row["diagnosticity"], math.sqrt(8) / 3)  # N, N, II
    excluded = case.model_copy(update={"evidence": [case.evidence[0].model_copy(update={"excluded": True})]})
    assert summarise(analyse(excluded), "weighted").to_dict()["evidence"][0]["excluded"] is True


# ---------------------------------------------------------------- the screen's words


def test_separating_items_and_rivals_by_hand() -> None:
    """pair_case as of 2022-03-31, weighted: H1 E4 II (−2) + E5 I in group g of two (−½) = −2.5;
    H2 E2 I/2 = −½; H3 E3 II = −2."""
    a = analyse(pair_case(), as_of=date(2022, 3, 31))
    assert a.models["weighted"].scores == (-2.5, -0.5, -2.0)
    items = separating_items(a, "H1", "H2")
    assert [(ev.id, x, y) for ev, x, y in items] == [("E2", "C", "I"), ("E5", "I", "CC")]
    near = rivals(a, "weighted", "H1")
    # H3 is ½ away, H2 2 away: nearest first
    assert [(r.hypothesis_id, r.gap) for r in near] == [("H3", -0.5), ("H2", -2.0)]
    assert near[0].separation == Separation("H1", "H3", 3, 1, 2)
    assert [ev.id for ev, _, _ in near[0].items] == ["E3", "E4", "E5"]
    assert [r.hypothesis_id for r in rivals(a, "weighted", "H1", limit=1)] == ["H3"]


def test_the_brief_watch_line() -> None:
    a = analyse(indicator_case())
    assert watch_brief(watchlist(a, "weighted")) == "to tell H1 from H2, watch M1"
    three = indicator_case().model_copy(update={"evidence": [item("E1", {"H1": "N", "H2": "N", "H3": "N"})]})
    w = watchlist(analyse(three), "weighted")
    assert w.contenders == ("H1", "H2", "H3")
    # M1 tells H1 from H2; M2 H1 from H3 (CC / C); M5 H1 and H2 from H3
    assert watch_brief(w) == "to tell H1 from H2, watch M1; H1 from H3, M2, M5; H2 from H3, M5"
    alone = analyse(Case(id="one", title="one", hypotheses=hyps("H1")))
    assert watch_brief(watchlist(alone, "weighted")) == "" and verdict(alone, "weighted").watch == ""


def test_the_summary_keeps_an_indicators_status_as_of_any_date() -> None:
    """The JSON's separating_indicators are the indicators whose status is watching (the
    documented field); as of a date before M1 was observed, only the verdict's words count
    it as watched then."""
    from datetime import date

    from hypotheses.summary import verdict

    case = indicator_case()
    item = Evidence(id="E9", title="seen", event_date=date(2024, 5, 1), ratings={"H1": "N", "H2": "N"})
    m1 = case.indicators[0].model_copy(update={"status": "observed", "evidence_id": "E9"})
    case = case.model_copy(update={"evidence": [*case.evidence, item],
                                   "indicators": [m1, *case.indicators[1:]]})
    a = analyse(case, as_of=date(2024, 1, 1))
    assert "M1" not in [ind.id for ind in separating_indicators(a, "weighted")]
    assert "watch M1" in verdict(a, "weighted").watch_line
