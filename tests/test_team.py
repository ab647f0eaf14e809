"""Teams: consensus at every edge of its rounding rule, disagreement, lenses, leaders."""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import MODELS, NUMERIC, Scorer, analyse, leader_ids
from hypotheses.team import (
    TEAM,
    LensScorer,
    LensView,
    analysts_agree,
    cell_disagreement,
    cell_notes,
    check_lens,
    consensus,
    consensus_ratings,
    disagreement,
    hidden_cells,
    item_disagreement,
    lens_case,
    lens_names,
    lens_words,
    tops_by_analyst,
    votes,
)
from hypotheses.validation import describe
from hypotheses.vocabulary import RATINGS


def _leaders(case: Case, model: str, scorer: LensScorer | None = None) -> dict[str, list[str]]:
    """Analyst → leader ids, as the summary's ``leaders_by_analyst`` lists them."""
    return {a: top.ids for a, top in tops_by_analyst(case, model, scorer=scorer).items()}


def reference_consensus(codes: list[str]) -> str | None:
    """The rule in words, the obvious way: NA if NA outnumbers, else the mean (a Fraction)
    rounded half away from zero."""
    if not codes:
        return None
    na = codes.count("NA")
    numeric = [NUMERIC[c] for c in codes if c != "NA"]
    if na > len(numeric):
        return "NA"
    mean = Fraction(sum(numeric), len(numeric))
    rounded = math.floor(abs(mean) + Fraction(1, 2)) * (1 if mean >= 0 else -1)
    return {2: "CC", 1: "C", 0: "N", -1: "I", -2: "II"}[rounded]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([], None),
        (["C"], "C"),
        (["NA"], "NA"),
        # 2S = 3k: CC (k=2, S=3)
        (["CC", "C"], "CC"),
        # just under 3k: C (k=3, 2S=8 < 9)
        (["CC", "CC", "N"], "C"),
        # 2S = k: C (k=2, S=1)
        (["C", "N"], "C"),
        # just under k: N (k=3, 2S=2 < 3)
        (["C", "N", "N"], "N"),
        # 2S = −k: I (k=2, S=−1)
        (["I", "N"], "I"),
        # just above −k: N (k=3, 2S=−2 > −3)
        (["I", "N", "N"], "N"),
        # 2S = −3k: II (k=2, S=−3)
        (["II", "I"], "II"),
        # just above −3k: I (k=3, 2S=−8 > −9)
        (["II", "II", "N"], "I"),
        # na = k: the numeric votes decide (k=1)
        (["NA", "CC"], "CC"),
        (["NA", "NA", "I", "II"], "II"),  # na = k = 2, 2S = −6 = −3k
        # na > k: NA
        (["NA", "NA", "CC"], "NA"),
        (["NA", "NA", "NA", "C", "C"], "NA"),
        # opposite votes cancel: N
        (["CC", "II"], "N"),
        (["C", "I"], "N"),
    ],
)
def test_consensus_at_every_edge_of_the_rounding_rule(codes: list[str], expected: str | None) -> None:
    assert consensus(codes) == expected
    assert reference_consensus(codes) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(RATINGS), max_size=9))
def test_consensus_is_the_mean_rounded_half_away_from_zero(codes: list[str]) -> None:
    assert consensus(codes) == reference_consensus(codes)


@pytest.mark.parametrize(
    ("codes", "value", "label", "split"),
    [
        ([], 0.0, "agree", False),
        (["C"], 0.0, "agree", False),
        (["C", "C", "C"], 0.0, "agree", False),
        (["NA", "NA"], 0.0, "agree", False),
        (["C", "NA"], 0.0, "agree", True),  # one numeric vote: no spread, but split on NA
        (["C", "N"], 0.5, "mild", False),  # exactly 0.5: mild
        (["C", "N", "N"], math.sqrt(2) / 3, "mild", False),
        (["CC", "C", "N"], math.sqrt(2 / 3), "large", False),  # 0.816…
        (["C", "I"], 1.0, "large", False),  # exactly 1.0: large
        (["CC", "N", "NA"], 1.0, "large", True),
        (["CC", "I"], 1.5, "extreme", False),
        (["CC", "II"], 2.0, "extreme", False),
        (["CC", "CC", "CC", "II"], math.sqrt(3), "extreme", False),
    ],
)
def test_disagreement_values_and_labels(codes: list[str], value: float, label: str, split: bool) -> None:
    d = disagreement(codes)
    assert d.value == pytest.approx(value, abs=1e-15)
    assert (d.label, d.split_na) == (label, split)


@pytest.mark.parametrize(
    ("codes", "text"),
    [
        (["C", "C"], "agree (0.00)"),
        (["C", "NA"], "split on NA"),  # one says it bears, one says it does not: no agreement
        (["N", "N", "NA"], "split on NA"),
        (["CC", "N", "NA"], "large (1.00, split on NA)"),
    ],
)
def test_a_split_on_na_never_reads_as_agreement(codes: list[str], text: str) -> None:
    assert disagreement(codes).text == text


def test_labels_sit_exactly_on_the_thresholds() -> None:
    # spreads whose root is exactly the threshold read as the lower label
    assert disagreement(["C", "N"]).value == 0.5
    assert disagreement(["C", "I"]).value == 1.0
    assert disagreement(["C", "C", "N", "N"]).label == "mild"  # std 0.5, n = 4
    assert disagreement(["CC", "CC", "N", "N"]).label == "large"  # std 1.0, n = 4


def team_case(layers: dict[str, dict[str, dict[str, str]]], analysts: list[str] | None = None,
              hyps: tuple[str, ...] = ("H1", "H2", "H3"), **per_item: dict) -> Case:
    """{evidence id: {analyst: {hypothesis id: code}}} as a team case."""
    listed = analysts or sorted({a for item in layers.values() for a in item})
    return Case(
        id="team", title="Team",
        hypotheses=[Hypothesis(id=h, title=h) for h in hyps],
        analysts=listed,
        evidence=[Evidence(id=eid, title=eid, ratings_by=by, **per_item.get(eid, {}))
                  for eid, by in layers.items()],
    )


def test_votes_notes_and_item_disagreement() -> None:
    case = team_case(
        {"E1": {"ana": {"H1": "C", "H2": "CC"}, "ben": {"H1": "I", "H2": "NA"}, "chi": {"H1": "C"}}},
        analysts=["chi", "ana", "ben"],
    )
    ev = case.evidence[0]
    assert votes(ev, "H1", case.analysts) == {"chi": "C", "ana": "C", "ben": "I"}
    assert votes(ev, "H3") == {}
    assert cell_disagreement(ev, "H1").label == "large"  # 1, 1, −1: std 0.943
    assert cell_disagreement(ev, "H2").split_na
    item = item_disagreement(ev, ["H1", "H2", "H3"])
    assert item.value == cell_disagreement(ev, "H1").value
    assert item.split_na
    assert consensus_ratings(ev, ["H1", "H2", "H3"]) == {"H1": "N", "H2": "CC"}
    noted = ev.model_copy(update={"notes_by": {"ben": {"H1": "disputed"}, "ana": {"H1": ""}}})
    assert cell_notes(noted, "H1", case.analysts) == {"ben": "disputed"}


def test_lens_case_gives_an_ordinary_case_holding_the_lens_matrix() -> None:
    case = team_case({
        "E1": {"ana": {"H1": "C", "H2": "I"}, "ben": {"H1": "CC", "H2": "NA"}},
        "E2": {"ana": {"H1": "II"}},
    })
    team = lens_case(case)
    assert team.analysts == []
    assert [ev.ratings for ev in team.evidence] == [{"H1": "CC", "H2": "I"}, {"H1": "II"}]
    assert all(not ev.ratings_by for ev in team.evidence)
    Case.model_validate(team.model_dump())  # a valid one-analyst case
    ben = lens_case(case, "ben")
    assert [ev.ratings for ev in ben.evidence] == [{"H1": "CC", "H2": "NA"}, {}]
    assert lens_names(case) == [TEAM, "ana", "ben"]
    # the view is what analyse() of the same matrix as a plain case gives
    plain = Case(id="team", title="Team", hypotheses=case.hypotheses,
                 evidence=[ev.model_copy(update={"ratings_by": {}}) for ev in team.evidence])
    assert analyse(team).models["weighted"].scores == analyse(plain).models["weighted"].scores


def test_team_lens_notes_are_signed_and_an_analysts_are_their_own() -> None:
    case = team_case({"E1": {"ana": {"H1": "C"}, "ben": {"H1": "I"}}})
    ev = case.evidence[0].model_copy(update={"notes_by": {"ana": {"H1": "fits"}, "ben": {"H1": "no"}}})
    case = case.model_copy(update={"evidence": [ev]})
    assert lens_case(case).evidence[0].notes == {"H1": "ana: fits; ben: no"}
    assert lens_case(case, "ben").evidence[0].notes == {"H1": "no"}


def test_the_team_lens_leaves_out_the_cells_hidden_from_you() -> None:
    """Anchoring: a cell others voted on and you have not is left out of the team's matrix
    (its votes and notes), so scores and ranking cannot give those votes away; what is left
    is the consensus of each cell you rated, exactly."""
    case = team_case({
        "E1": {"ana": {"H1": "C", "H2": "II"}, "ben": {"H1": "CC", "H2": "II", "H3": "I"}},
        "E2": {"ben": {"H1": "II"}},
    })
    ev = case.evidence[0].model_copy(update={"notes_by": {"ben": {"H1": "a", "H3": "why"}}})
    case = case.model_copy(update={"evidence": [ev, case.evidence[1]]})
    blind = lens_case(case, TEAM, hidden_from="ana")
    assert [ev.ratings for ev in blind.evidence] == [{"H1": "CC", "H2": "II"}, {}]
    assert blind.evidence[0].notes == {"H1": "ben: a"}
    assert hidden_cells(case, "ana") == 2  # E1 × H3, E2 × H1
    assert hidden_cells(case, "ben") == 0 and hidden_cells(case, "chi") == 4
    assert lens_case(case, "ben", hidden_from="ana") == lens_case(case, "ben")  # asked for ben's
    view = LensView()
    assert view(case, TEAM, hidden_from="ana").evidence == blind.evidence
    assert view.hidden == 2
    assert view(case).evidence == lens_case(case).evidence and view.hidden == 0


def test_an_analyst_named_team_has_a_lens_of_their_own() -> None:
    """A file may list an analyst 'team' (weigh refuses the name for new analysts): the team
    lens keeps the name, and their own lens is '@team'."""
    case = team_case({"E1": {"ana": {"H1": "CC", "H2": "I"}, "team": {"H1": "I", "H2": "CC"}}})
    assert case.analysts == ["ana", "team"]
    assert lens_names(case) == [TEAM, "ana", "@team"]
    assert lens_case(case, "@team").evidence[0].ratings == {"H1": "I", "H2": "CC"}
    assert lens_case(case, TEAM).evidence[0].ratings == {"H1": "C", "H2": "C"}
    assert lens_words(case, "@team") == "team's votes (the analyst)"
    assert _leaders(case, "weighted") == {"ana": ["H1", "H3"], "team": ["H2", "H3"]}
    assert check_lens(case, "@team") == "@team"
    with pytest.raises(ValueError, match="not one of team, ana, @team"):
        check_lens(case, "@ana")


def test_an_unknown_lens_is_refused_in_words() -> None:
    case = team_case({"E1": {"ana": {"H1": "C"}}})
    with pytest.raises(ValueError, match="lens: 'zed' is not one of team, ana"):
        check_lens(case, "zed")
    solo = Case(id="solo", title="Solo")
    assert lens_case(solo) is solo
    with pytest.raises(ValueError, match="not a team case"):
        lens_case(solo, "ana")


def test_a_vote_changes_one_view_item_and_the_scorer_stays_incremental() -> None:
    layers = {f"E{i}": {a: {"H1": RATINGS[(i + j) % 5], "H2": RATINGS[(i * j) % 6]}
                        for j, a in enumerate(("ana", "ben", "chi"))} for i in range(40)}
    case = team_case(layers)
    lenses = LensScorer()
    before = lenses.view(case)
    lenses.analyse(case)
    ev = case.evidence[7]
    voted = ev.model_copy(update={"ratings_by": {**ev.ratings_by, "ana": {"H1": "II", "H2": "II"}}})
    evidence = list(case.evidence)
    evidence[7] = voted
    edited = case.model_copy(update={"evidence": evidence})
    after = lenses.view(edited)
    changed = [i for i, (a, b) in enumerate(zip(before.evidence, after.evidence, strict=True)) if a is not b]
    assert changed == [7]
    scorer = lenses._scorers[TEAM]
    assert scorer._changed(tuple(h.id for h in edited.hypotheses), after.evidence) == [7]
    assert lenses.analyse(edited) == analyse(lens_case(edited))


def test_lens_view_starts_again_when_the_lens_or_columns_change() -> None:
    case = team_case({"E1": {"ana": {"H1": "C"}, "ben": {"H1": "CC"}}})
    view = LensView()
    assert view(case).evidence[0].ratings == {"H1": "CC"}
    assert view(case, "ana").evidence[0].ratings == {"H1": "C"}
    assert view(case).evidence[0].ratings == {"H1": "CC"}


def test_leaders_by_analyst_and_whether_they_agree() -> None:
    case = team_case({
        "E1": {"ana": {"H1": "I", "H2": "C"}, "ben": {"H1": "I", "H2": "C"}, "chi": {"H1": "C", "H2": "II"}},
        "E2": {"ana": {"H1": "I", "H2": "N"}, "ben": {"H1": "II"}, "chi": {"H1": "N", "H2": "I"}},
    }, hyps=("H1", "H2"))
    by = _leaders(case, "weighted")
    assert by == {"ana": ["H2"], "ben": ["H2"], "chi": ["H1"]}
    team = leader_ids(analyse(lens_case(case)), "weighted")
    # consensus: E1 H1 N (2S = −2, k = 3), H2 N; E2 H1 I (2S = −6), H2 I (2S = −2 = −k): a tie
    assert team == ["H1", "H2"]
    assert not analysts_agree(by, team)
    assert analysts_agree({"ana": ["H1", "H2"], "ben": ["H1", "H2"]}, team)
    assert not analysts_agree({"ana": ["H2"]}, team)
    assert _leaders(case, "weighted", scorer=LensScorer()) == by


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(("ana", "ben", "chi")),
                                st.dictionaries(st.sampled_from(("H1", "H2")), st.sampled_from(RATINGS))),
                min_size=1, max_size=6))
def test_every_lens_scores_like_a_plain_case_of_its_matrix(rows: list[dict[str, dict[str, str]]]) -> None:
    case = team_case({f"E{i}": row for i, row in enumerate(rows)}, analysts=["ana", "ben", "chi"],
                     hyps=("H1", "H2"))
    for lens in lens_names(case):
        view = lens_case(case, lens)
        matrix = [ev.ratings for ev in view.evidence]
        if lens == TEAM:
            expected = [{h: c for h in ("H1", "H2")
                         if (c := reference_consensus([r[h] for r in row.values() if h in r])) is not None}
                        for row in rows]
        else:
            expected = [dict(row.get(lens, {})) for row in rows]
        assert matrix == expected
        found = Scorer().analyse(view)
        assert {m: found.models[m].top for m in MODELS} == {m: analyse(view).models[m].top for m in MODELS}


# ------------------------------------------------------------------ the model


def refused(doc: dict) -> str:
    with pytest.raises(ValidationError) as caught:
        Case.model_validate(doc, strict=False)
    return describe(caught.value, doc)


BASE = {"id": "t", "title": "T", "hypotheses": [{"id": "H1", "title": "h"}]}


def test_a_team_item_with_shared_ratings_is_refused_naming_item_and_field() -> None:
    doc = {**BASE, "analysts": ["ana"], "evidence": [{"id": "E1", "title": "e", "ratings": {"H1": "C"}}]}
    assert refused(doc) == ("evidence E1: ratings: a team case keeps every rating in an analyst's "
                            "layer (ratings_by), not shared")
    doc["evidence"][0] = {"id": "E1", "title": "e", "notes": {"H1": "x"}}
    assert "evidence E1: notes: a team case keeps every note" in refused(doc)


def test_a_whole_case_of_team_problems_names_the_first_few() -> None:
    doc = {**BASE, "analysts": ["ana"],
           "evidence": [{"id": f"E{i}", "title": "e", "ratings": {"H1": "C"}} for i in range(50)]}
    message = refused(doc)
    assert message.count("a team case keeps every rating") == 3
    assert message.endswith("; and more items like these")


def test_a_vote_by_an_analyst_the_case_does_not_list_is_refused() -> None:
    doc = {**BASE, "analysts": ["ana"],
           "evidence": [{"id": "E1", "title": "e", "ratings_by": {"zed": {"H1": "C"}}}]}
    assert refused(doc) == "evidence E1: ratings_by: analyst 'zed' is not one of the case's analysts (ana)"
    doc = {**BASE, "evidence": [{"id": "E1", "title": "e", "notes_by": {"zed": {"H1": "x"}}}]}
    assert refused(doc) == ("evidence E1: notes_by: analyst 'zed' is not one of the case's analysts "
                            "(it lists none)")


def test_analyst_ids_must_be_slugs() -> None:
    doc = {**BASE, "analysts": ["Ana Smith"]}
    assert refused(doc) == ("analysts.0: use lower-case letters, digits and '-' "
                            "(at most 32, starting with a letter or digit)")
    doc = {**BASE, "analysts": ["ana"],
           "evidence": [{"id": "E1", "title": "e", "ratings_by": {"Ana": {"H1": "C"}}}]}
    assert refused(doc) == ("evidence E1: ratings_by: analyst id 'Ana': use lower-case letters, "
                            "digits and '-' (at most 32, starting with a letter or digit)")
    assert "analysts.0" in refused({**BASE, "analysts": ["a" * 33]})
    assert "listed twice" in refused({**BASE, "analysts": ["ana", "ana"]})


def test_a_layer_may_rate_only_known_hypotheses() -> None:
    doc = {**BASE, "analysts": ["ana"],
           "evidence": [{"id": "E1", "title": "e", "ratings_by": {"ana": {"H9": "C"}}}]}
    assert refused(doc) == "evidence E1: ratings_by.ana: unknown hypothesis id 'H9'"
    doc["evidence"][0]["ratings_by"] = {"ana": {"H1": "maybe"}}
    assert "evidence E1: ratings_by.ana.H1: 'maybe' is not one of" in refused(doc)


def test_a_one_analyst_case_dumps_as_before() -> None:
    case = Case(id="t", title="T", hypotheses=[Hypothesis(id="H1", title="h")],
                evidence=[Evidence(id="E1", title="e", ratings={"H1": "C"})])
    dumped = case.model_dump(mode="json")
    assert "analysts" not in dumped
    assert {"ratings_by", "notes_by"}.isdisjoint(dumped["evidence"][0])


def test_an_added_item_keeps_the_other_items_views() -> None:
    case = team_case({"E1": {"ana": {"H1": "C"}, "ben": {"H1": "CC"}}, "E2": {"ana": {"H2": "I"}}})
    view = LensView()
    before = view(case).evidence
    added = Evidence(id="E0", title="new", ratings_by={"ben": {"H1": "II"}})
    after = view(case.model_copy(update={"evidence": [added, *case.evidence]})).evidence
    assert after[1] is before[0] and after[2] is before[1]
    assert after[0].ratings == {"H1": "II"}
    shorter = view(case.model_copy(update={"evidence": [case.evidence[1]]})).evidence
    assert shorter[0] is before[1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(RATINGS), max_size=8))
def test_disagreement_is_the_population_deviation_and_its_label_the_thresholds(codes: list[str]) -> None:
    numeric = [NUMERIC[c] for c in codes if c != "NA"]
    expected = statistics.pstdev(numeric) if len(numeric) >= 2 else 0.0
    d = disagreement(codes)
    assert d.value == pytest.approx(expected, abs=1e-12)
    label = ("agree" if expected == 0 else "mild" if expected <= 0.5
             else "large" if expected <= 1.0 else "extreme")
    # the float root can sit a hair off a threshold: the label decides on the exact variance
    near = min(abs(expected - t) for t in (0.5, 1.0)) < 1e-9
    assert d.label == label or near
    assert d.split_na == ("NA" in codes and bool(numeric))
