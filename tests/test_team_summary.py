"""A team case's JSON summary under every lens, checked against an independent reference,
by hand on a case built here, on random team cases, and as `weigh export` writes it."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.case_file import dump_case_file
from evidence.export import export_bytes
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.team import lens_names
from hypotheses.vocabulary import RATINGS
from tests.conftest import WeighRun, weigh_text
from tests.summary_reference import MODELS, differences
from tests.team_summary_reference import team_differences, team_reference

TEAM_KEYS = {"lens", "analysts", "leaders_by_analyst", "analysts_agree"}


def trio() -> Case:
    """Three analysts who disagree on the top score (worked out by hand in the test below)."""
    return Case(
        id="trio", title="Three analysts", analysts=["ana", "ben", "chi"],
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two"),
                    Hypothesis(id="H3", title="Three")],
        evidence=[
            Evidence(id="E1", title="first", event_date="2022-03-01", ratings_by={
                "ana": {"H1": "I", "H2": "C", "H3": "N"}, "ben": {"H1": "I", "H2": "C", "H3": "NA"},
                "chi": {"H1": "C", "H2": "II", "H3": "N"}}),
            Evidence(id="E2", title="second", event_date="2022-04-01", credibility="high", ratings_by={
                "ana": {"H1": "II", "H3": "I"}, "ben": {"H1": "I", "H2": "N"},
                "chi": {"H2": "I", "H3": "I"}}),
            Evidence(id="E3", title="third", ratings_by={"ben": {"H1": "NA", "H2": "NA", "H3": "C"}}),
        ],
    )


def product(case: Case, lens: str, model: str = "weighted", as_of: date | None = None) -> dict:
    return json.loads(export_bytes(case, "json", model=model, as_of=as_of, lens=lens))


def test_the_trio_by_hand() -> None:
    doc = product(trio(), "team")
    # consensus: E1 H1 (−1, −1, 1) → 2S = −2, k = 3: N; H2 (1, 1, −2) → 0: N; H3 (0, NA, 0): N
    #            E2 H1 (−2, −1) → 2S = −6 = −3k: II; H2 (0, −1) → 2S = −2 = −k: I; H3 (−1, −1): I
    #            E3: ben alone: H1 NA, H2 NA, H3 C
    # weighted (E2 high, √2): H1 −2√2, H2 −√2, H3 −√2 → H2 and H3 lead
    assert doc["lens"] == "team" and doc["analysts"] == ["ana", "ben", "chi"]
    assert [r["id"] for r in doc["ranking"] if r["rank"] == 1] == ["H2", "H3"]
    assert math.isclose(doc["ranking"][0]["weighted"], -math.sqrt(2))
    # ana: H1 −1 − 2√2, H2 0, H3 −√2 → H2; ben: H1 −1 − √2, H2 0, H3 0 → H2, H3;
    # chi: H1 0, H2 −2 − √2, H3 −√2 → H1
    assert doc["leaders_by_analyst"] == {"ana": ["H2"], "ben": ["H2", "H3"], "chi": ["H1"]}
    assert doc["analysts_agree"] is False
    e1, e2, e3 = doc["evidence"]
    assert math.isclose(e1["disagreement"], math.sqrt(2))  # H2: 1, 1, −2
    assert e1["split_na"] is True  # H3: N, NA, N
    assert (e2["disagreement"], e2["split_na"]) == (0.5, False)
    assert (e3["disagreement"], e3["split_na"]) == (0.0, False)
    ben = product(trio(), "ben")
    assert ben["lens"] == "ben" and [r["id"] for r in ben["ranking"] if r["rank"] == 1] == ["H2", "H3"]
    assert ben["leaders_by_analyst"] == doc["leaders_by_analyst"]  # whatever the lens


def test_every_lens_matches_the_reference() -> None:
    case = trio()
    for lens in lens_names(case):
        for model in MODELS:
            for as_of in (None, date(2022, 3, 15)):
                got, want = product(case, lens, model, as_of), team_reference(case, model, as_of, lens)
                assert differences(got, want) + team_differences(got, want) == [], (lens, model, as_of)


def test_a_one_analyst_summary_has_no_team_fields() -> None:
    case = Case(id="solo", title="Solo", hypotheses=[Hypothesis(id="H1", title="h")],
                evidence=[Evidence(id="E1", title="e", ratings={"H1": "C"})])
    doc = product(case, "team")
    assert not TEAM_KEYS & set(doc)
    assert {"disagreement", "split_na"}.isdisjoint(doc["evidence"][0])


@st.composite
def team_cases(draw: st.DrawFn) -> Case:
    names = st.sampled_from(["ana", "ben", "chi", "dan"])
    analysts = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    hids = [f"H{i + 1}" for i in range(draw(st.integers(1, 4)))]
    items = []
    for j in range(draw(st.integers(0, 6))):
        layers = {}
        for a in analysts:
            cells = draw(st.dictionaries(st.sampled_from(hids), st.sampled_from(RATINGS), max_size=len(hids)))
            if cells:
                layers[a] = cells
        items.append(Evidence(
            id=f"E{j + 1}", title=f"item {j}", ratings_by=layers,
            credibility=draw(st.sampled_from(["low", "medium", "high"])),
            group=draw(st.sampled_from([None, None, "g"])),
            event_date=draw(st.sampled_from([None, date(2022, 3, 1), date(2022, 5, 1)])),
            excluded=draw(st.booleans()) and draw(st.booleans()),
        ))
    return Case(id="random", title="Random team", analysts=analysts,
                hypotheses=[Hypothesis(id=h, title=h) for h in hids], evidence=items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team_cases(), st.sampled_from(MODELS), st.sampled_from([None, date(2022, 4, 1)]))
def test_random_team_cases_under_every_lens_match_the_reference(
    case: Case, model: str, as_of: date | None
) -> None:
    for lens in lens_names(case):
        got, want = product(case, lens, model, as_of), team_reference(case, model, as_of, lens)
        assert differences(got, want) + team_differences(got, want) == [], lens


def test_weigh_export_json_under_a_lens(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """The team lens's export from a process; the import and the other lens through the same
    main in this process."""
    path = tmp_path / "trio.weigh.json"
    path.write_text(dump_case_file(trio()), encoding="utf-8")
    assert weigh_here("import", str(path)).returncode == 0
    for lens in ("team", "chi"):
        args = ("export", "--case", "trio", "--format", "json", "--lens", lens, "--model", "bayes")
        done = weigh_text(cli_env, *args) if lens == "team" else weigh_here(*args)
        assert done.returncode == 0, done.stderr
        got, want = json.loads(done.stdout), team_reference(trio(), "bayes", None, lens)
        assert differences(got, want) + team_differences(got, want) == []
