"""The JSON summary checked field for field against an independent re-implementation.

``tests/summary_reference.py`` computes the summary straight from the written
definitions; here the product's summary (``weigh export --format json`` run as a
user runs it, and the same export in process) must agree with it on hand-written
awkward cases, on the shipped case, and on random small cases.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.case_file import dump_case_file
from evidence.export import export_bytes
from evidence.seed import default_case
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tests.conftest import ROOT, WeighRun
from tests.summary_reference import MODELS, differences, reference_summary, takes_part

if TYPE_CHECKING:
    from hypotheses.vocabulary import Rating

CLI_TIMEOUT = 180  # only a hung command fails the test
SQRT2 = math.sqrt(2)


def hyps(*ids: str, priors: dict[str, float] | None = None) -> list[Hypothesis]:
    return [Hypothesis(id=h, title=f"Hypothesis {h}", prior=(priors or {}).get(h, 1.0)) for h in ids]


def item(eid: str, ratings: dict[str, str], **fields: Any) -> Evidence:
    return Evidence(id=eid, title=f"Item {eid}", ratings=ratings, **fields)


def tricky_cases() -> dict[str, Case]:
    """Hand-written cases on the edges of the definitions."""
    return {
        # H1 and H3 tie exactly under every model, H2 trails; a tie must keep case order.
        "ties": Case(
            id="ties",
            title="Ties",
            hypotheses=hyps("H2", "H1", "H3"),
            evidence=[
                item("E1", {"H1": "I", "H2": "II", "H3": "I"}),
                item("E2", {"H1": "C", "H2": "C", "H3": "C"}, credibility="high"),
            ],
        ),
        # high x low = 1.0000000000000002 against medium x medium = 1: within 1e-9, a tie.
        "near-tie": Case(
            id="near-tie",
            title="Near tie",
            hypotheses=hyps("H1", "H2", "H3"),
            evidence=[
                item("E1", {"H1": "I", "H2": "N", "H3": "II"}, credibility="high", relevance="low"),
                item("E2", {"H1": "N", "H2": "I", "H3": "N"}),
            ],
        ),
        # H3 has no rating at all: it leads on nothing under the inconsistency models.
        "unrated": Case(
            id="unrated",
            title="Unrated",
            hypotheses=hyps("H1", "H2", "H3"),
            evidence=[
                item("E1", {"H1": "C", "H2": "I"}, event_date="2022-03-01"),
                item("E2", {"H1": "I", "H2": "II"}),
                item("E3", {"H1": "CC", "H2": "C"}, credibility="low"),
            ],
        ),
        # NA everywhere: every score 0, everyone leads, no margin, no diagnosticity.
        "all-na": Case(
            id="all-na",
            title="All NA",
            hypotheses=hyps("H1", "H2"),
            evidence=[
                item("E1", {"H1": "NA", "H2": "NA"}),
                item("E2", {"H1": "NA", "H2": "NA"}, group="g"),
                item("E3", {"H1": "NA"}, group="g"),
            ],
        ),
        # A group with an excluded member: the excluded one is not counted in n.
        "group-excluded": Case(
            id="group-excluded",
            title="Group excluded",
            hypotheses=hyps("H1", "H2"),
            evidence=[
                item("E1", {"H1": "II", "H2": "C"}, group="g", excluded=True),
                item("E2", {"H1": "II", "H2": "C"}, group="g"),
                item("E3", {"H1": "I", "H2": "C"}, group="g", credibility="high"),
                item("E4", {"H1": "C", "H2": "I"}),
                item("E5", {"H1": "C", "H2": "I"}, group="solo", excluded=True),
            ],
        ),
        # Groups whose members are known at different dates; one member undated.
        "group-dates": Case(
            id="group-dates",
            title="Group dates",
            hypotheses=hyps("H1", "H2", "H3"),
            evidence=[
                item("E1", {"H1": "II", "H2": "C", "H3": "N"}, group="g", event_date="2022-03-01"),
                item("E2", {"H1": "II", "H2": "CC", "H3": "I"}, group="g", event_date="2022-04-01"),
                item("E3", {"H1": "I", "H2": "N", "H3": "C"}, group="g"),
                item(
                    "E4",
                    {"H1": "C", "H2": "II", "H3": "I"},
                    group="h",
                    event_date="2022-02-01",
                    reported_date="2022-03-20",
                ),
                item("E5", {"H1": "C", "H2": "I", "H3": "II"}, group="h", reported_date="2022-03-05"),
                item("E6", {"H1": "N", "H2": "I", "H3": "C"}, event_date="2022-03-10", relevance="high"),
            ],
        ),
        # reported_date after event_date decides; reported before event: the event decides.
        "reported": Case(
            id="reported",
            title="Reported",
            hypotheses=hyps("H1", "H2"),
            evidence=[
                item("E1", {"H1": "II", "H2": "C"}, event_date="2022-03-01", reported_date="2022-04-01"),
                item("E2", {"H1": "C", "H2": "I"}, event_date="2022-03-20", reported_date="2022-03-02"),
                item("E3", {"H1": "C", "H2": "N"}, event_date="2022-03-15"),
                item("E4", {"H1": "N", "H2": "I"}),
            ],
        ),
        # Priors unequal and near the float maximum: the prior alone can decide bayes.
        "priors": Case(
            id="priors",
            title="Priors",
            hypotheses=hyps("H1", "H2", "H3", priors={"H1": 1.7e308, "H2": 1.0e308, "H3": 1e-300}),
            evidence=[
                item("E1", {"H1": "I", "H2": "C", "H3": "CC"}),
                item("E2", {"H1": "N", "H2": "C", "H3": "CC"}, credibility="high", relevance="high"),
            ],
        ),
        "single": Case(
            id="single",
            title="Single",
            hypotheses=hyps("H1"),
            evidence=[
                item("E1", {"H1": "II"}),
                item("E2", {}),
                item("E3", {"H1": "NA"}),
            ],
        ),
        "empty": Case(id="empty", title="Empty", hypotheses=hyps("H1", "H2", priors={"H2": 3.0})),
        # One item decides each model's leader; a grouped item whose removal regroups the rest.
        "linchpins": Case(
            id="linchpins",
            title="Linchpins",
            hypotheses=hyps("H1", "H2", "H3"),
            evidence=[
                item("E1", {"H1": "I", "H2": "N", "H3": "C"}),
                item("E2", {"H1": "N", "H2": "I", "H3": "I"}, group="g", credibility="high"),
                item("E3", {"H1": "N", "H2": "I", "H3": "NA"}, group="g"),
                item("E4", {"H1": "CC", "H2": "CC", "H3": "I"}, credibility="low", relevance="low"),
            ],
        ),
    }


AS_OF = {
    "group-dates": [
        date(2022, 2, 28),
        date(2022, 3, 5),
        date(2022, 3, 15),
        date(2022, 3, 20),
        date(2022, 4, 1),
    ],
    "reported": [date(2022, 3, 1), date(2022, 3, 15), date(2022, 3, 20), date(2022, 3, 31), date(2022, 4, 1)],
    "unrated": [date(2022, 2, 1)],
}
CASES = tricky_cases()
COMBOS = [
    (name, model, as_of) for name in CASES for model in MODELS for as_of in [None, *AS_OF.get(name, [])]
]


def product_summary(case: Case, model: str, as_of: date | None) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(export_bytes(case, "json", model=model, as_of=as_of))
    return result


@pytest.mark.parametrize(("name", "model", "as_of"), COMBOS, ids=[f"{n}-{m}-{a}" for n, m, a in COMBOS])
def test_in_process_summary_matches_reference(name: str, model: str, as_of: date | None) -> None:
    case = CASES[name]
    assert differences(product_summary(case, model, as_of), reference_summary(case, model, as_of)) == []


def run_weigh(env: dict[str, str] | WeighRun, *args: str) -> str:
    """``weigh`` as a user runs it, its standard output; or, given ``weigh_here``, the same
    ``main`` in this process (the wiring below the process is what the other runs check)."""
    if not isinstance(env, dict):
        ran = env(*args)
        assert ran.returncode == 0, ran.stderr
        return str(ran.stdout)
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# Through the real commands (the wiring; the in-process tests above cover every case and model):
# the trickiest cases, each model and as-of dates among them; the first as a process, the
# rest through the same main in this process.
CLI_RUNS = [
    ("unrated", "bayes", None),
    ("group-dates", "weighted", date(2022, 3, 15)),
    ("reported", "inconsistency", date(2022, 3, 20)),
    ("priors", "bayes", None),
    ("linchpins", "bayes", None),
]


@pytest.mark.parametrize(("name", "model", "as_of"), CLI_RUNS, ids=[r[0] for r in CLI_RUNS])
def test_cli_import_then_export_matches_reference(
    tmp_path: Path, weigh_here: WeighRun, name: str, model: str, as_of: date | None
) -> None:
    process = dict(os.environ, WEIGH_DB=str(tmp_path / "weigh.json"), PYTHONPATH=str(ROOT))
    env = process if name == CLI_RUNS[0][0] else weigh_here
    path = tmp_path / f"{name}.json"
    path.write_text(dump_case_file(CASES[name]), encoding="utf-8")
    run_weigh(env, "import", str(path))
    args = ["export", "--case", name, "--format", "json", "--model", model]
    if as_of is not None:
        args += ["--as-of", as_of.isoformat()]
    product = json.loads(run_weigh(env, *args))
    assert differences(product, reference_summary(CASES[name], model, as_of)) == []


@pytest.mark.parametrize("model", MODELS)
def test_shipped_case_matches_reference(model: str) -> None:
    case = default_case()
    dates = sorted({d for ev in case.evidence for d in (ev.event_date, ev.reported_date) if d is not None})
    for as_of in [None, *dates[:: max(1, len(dates) // 4)]]:
        assert differences(product_summary(case, model, as_of), reference_summary(case, model, as_of)) == []


# --- random small cases ------------------------------------------------------

CODES: st.SearchStrategy[Rating | None] = st.sampled_from(["CC", "C", "N", "I", "II", "NA", None])
DAYS = st.one_of(st.none(), st.integers(1, 6).map(lambda d: date(2022, 3, d * 5)))


@st.composite
def small_cases(draw: st.DrawFn) -> Case:
    n_h = draw(st.integers(1, 4))
    hids = [f"H{i + 1}" for i in range(n_h)]
    priors = draw(st.lists(st.sampled_from([1.0, 1.0, 2.0, 0.5, 1e-3, 1e300]), min_size=n_h, max_size=n_h))
    evidence = []
    for i in range(draw(st.integers(0, 6))):
        codes = draw(st.lists(CODES, min_size=n_h, max_size=n_h))
        evidence.append(
            Evidence(
                id=f"E{i + 1}",
                title=f"Item {i + 1}",
                ratings={h: c for h, c in zip(hids, codes, strict=True) if c is not None},
                credibility=draw(st.sampled_from(["low", "medium", "high"])),
                relevance=draw(st.sampled_from(["low", "medium", "high"])),
                group=draw(st.sampled_from([None, None, "g", "h"])),
                excluded=draw(st.booleans()) and draw(st.booleans()),
                event_date=draw(DAYS),
                reported_date=draw(DAYS),
            )
        )
    indicators = []
    for i in range(draw(st.integers(0, 3))):
        codes = draw(st.lists(CODES, min_size=n_h, max_size=n_h))
        indicators.append(
            Indicator(
                id=f"M{i + 1}",
                title=f"Indicator {i + 1}",
                ratings={h: c for h, c in zip(hids, codes, strict=True) if c is not None},
                status=draw(st.sampled_from(["watching", "watching", "observed", "lapsed"])),
            )
        )
    return Case(
        id="r",
        title="Random",
        conclusion=draw(st.sampled_from(["", "Bottom line.\nMore."])),
        evidence=evidence,
        indicators=indicators,
        hypotheses=[Hypothesis(id=h, title=h, prior=p) for h, p in zip(hids, priors, strict=True)],
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases(), st.sampled_from(MODELS), st.one_of(st.none(), DAYS))
def test_random_cases_match_reference(case: Case, model: str, as_of: date | None) -> None:
    assert differences(product_summary(case, model, as_of), reference_summary(case, model, as_of)) == []


# --- hand-worked cases: the readings of the definitions, with the arithmetic -----


def test_groups_and_known_dates_worked_by_hand() -> None:
    """``group-dates`` as of 2022-03-15, worked by hand.

    Taking part: E1 (g, 03-01), E3 (g, undated), E5 (h, reported 03-05), E6 (03-10, relevance
    high, w = √2). Not: E2 (04-01) and E4 (event 02-01 but reported 03-20: the later date counts).
    So g has n = 2 (E2 is not counted: not yet known) and h has n = 1.

    - H1: E1 II/2 + E3 I/2 = -1.5 under inconsistency and weighted; bayes
      ln⅓ + (½ ln¼ + ½ ln½ + ln 2) = ln⅓ - ½ ln 2.
    - H2: E5 I + E6 I → inconsistency -2, weighted -1 - √2; bayes ln⅓ + (½ - 1 - √2) ln 2.
    - H3: E5 II → -2 both; bayes ln⅓ + (½ - 2 + √2) ln 2, the Bayes leader.

    Linchpins: without E3, E1 counts whole (n = 1) and H1 falls to -2, tying the others
    (inconsistency) or H3 (weighted); without E5, H3 goes to 0 and leads; without E6 H2
    leads both inconsistency models and H1, H2 tie under bayes.
    """
    case = CASES["group-dates"]
    doc = product_summary(case, "inconsistency", date(2022, 3, 15))
    ln2, third = math.log(2), math.log(1 / 3)
    assert (doc["evidence_used"], doc["undated_used"], doc["models_agree"]) == (4, 1, False)
    rows = {r["id"]: r for r in doc["ranking"]}
    assert [(r["id"], r["rank"]) for r in doc["ranking"]] == [("H1", 1), ("H2", 2), ("H3", 2)]
    assert rows["H1"]["inconsistency"] == -1.5 and rows["H1"]["weighted"] == -1.5
    assert rows["H2"]["inconsistency"] == -2 and math.isclose(rows["H2"]["weighted"], -1 - SQRT2)
    assert rows["H3"]["inconsistency"] == -2 and rows["H3"]["weighted"] == -2
    assert math.isclose(rows["H1"]["log_score"], third - 0.5 * ln2)
    assert math.isclose(rows["H2"]["log_score"], third + (0.5 - 1 - SQRT2) * ln2)
    assert math.isclose(rows["H3"]["log_score"], third + (0.5 - 2 + SQRT2) * ln2)
    assert [(rows[h]["rated"], rows[h]["for"], rows[h]["against"]) for h in ("H1", "H2", "H3")] == [
        (4, 1, 2),
        (4, 1, 2),
        (4, 2, 1),
    ]
    assert doc["margin"]["inconsistency"] == 0.5 and doc["margin"]["weighted"] == 0.5
    assert math.isclose(doc["margin"]["bayes"], (SQRT2 - 1) * ln2)
    assert {e["id"]: e["linchpin"] for e in doc["evidence"]} == {
        "E1": [],
        "E2": [],
        "E3": ["inconsistency", "weighted"],
        "E4": [],
        "E5": ["inconsistency", "weighted"],
        "E6": ["inconsistency", "weighted", "bayes"],
    }
    assert math.isclose(doc["evidence"][0]["diagnosticity"], math.sqrt(14) / 3)  # II, C, N


def test_ties_chain_pairwise_and_leaders_score_is_the_best() -> None:
    """Reading of "scores within 1e-9 of each other are ties" when ties chain.

    Log scores A < B < C, each 0.6e-9 apart (priors 1, 1 + 0.6e-9, 1 + 1.2e-9). Read
    pairwise: a hypothesis's rank is 1 + the number of hypotheses better than it by more
    than 1e-9, so B and C rank 1 and A ranks 2 (B is tied with both; A is 1.2e-9 behind C).
    The margin is the best leader's score minus the best of the rest: C - A.
    """
    case = Case(
        id="chain",
        title="Chain",
        hypotheses=hyps("A", "B", "C", priors={"A": 1.0, "B": 1.0 + 0.6e-9, "C": 1.0 + 1.2e-9}),
    )
    doc = product_summary(case, "bayes", None)
    assert [(r["id"], r["rank"]) for r in doc["ranking"]] == [("B", 1), ("C", 1), ("A", 2)]
    logs = {r["id"]: r["log_score"] for r in doc["ranking"]}
    assert math.isclose(doc["margin"]["bayes"], logs["C"] - logs["A"], rel_tol=1e-12)
    assert doc["margin"]["weighted"] is None and doc["models_agree"] is False


def test_near_tie_of_weights_is_a_tie() -> None:
    """high × low weighs 1.0000000000000002, medium × medium 1: within 1e-9, so H1 and H2 tie."""
    doc = product_summary(CASES["near-tie"], "weighted", None)
    assert [(r["id"], r["rank"]) for r in doc["ranking"]] == [("H1", 1), ("H2", 1), ("H3", 3)]
    assert doc["margin"]["weighted"] == pytest.approx(1.0)


def test_no_hypotheses() -> None:
    """No hypotheses: an empty ranking, no margin, the (empty) top sets agree, no linchpins."""
    case = Case(
        id="nohyp",
        title="None",
        evidence=[item("E1", {}, group="g"), item("E2", {}, event_date="2022-01-01")],
    )
    doc = product_summary(case, "weighted", None)
    assert differences(doc, reference_summary(case, "weighted", None)) == []
    assert doc["ranking"] == [] and doc["models_agree"] is True and doc["undated_used"] == 1


# --- the report never crowns a hypothesis that nothing was weighed against -------


def verdict_section(md: str) -> str:
    start = md.index("## Verdict")
    end = md.find("\n## ", start + 1)
    return md[start : end if end >= 0 else None]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases(), st.sampled_from(MODELS), st.one_of(st.none(), DAYS))
def test_md_report_warns_about_a_leader_resting_on_nothing(
    case: Case, model: str, as_of: date | None
) -> None:
    """A rank-1 hypothesis with no rated item is named in the headline, an incomplete one
    with a warning (in the md verdict; the html report carries the same words)."""
    ref = reference_summary(case, model, as_of)
    verdict = verdict_section(export_bytes(case, "md", model=model, as_of=as_of).decode("utf-8"))
    page = html.unescape(export_bytes(case, "html", model=model, as_of=as_of).decode("utf-8"))
    items = [ev for ev in case.evidence if takes_part(ev, as_of)]
    for row in ref["ranking"]:
        if row["rank"] != 1:
            continue
        if row["rated"] == 0:
            assert row["id"] in verdict and "No verdict" in verdict, verdict
            assert re.search(rf"top score goes to [\w, ]*\b{row['id']}\b[\w, ]*which no rated", page)
        elif any(row["id"] not in ev.ratings for ev in items):
            said = re.compile(rf"{row['id']} is (barely tested: [^\n]*, and )?incomplete")
            assert said.search(verdict), verdict
            assert said.search(page)


@pytest.mark.parametrize("model", MODELS)
def test_md_report_unrated_leader_named_not_crowned(model: str) -> None:
    """H3 has no rating at all and tops both inconsistency models: the verdict says it is not
    weighed. Under Bayes H1 is ahead of H3, which no item rates: no verdict either."""
    verdict = verdict_section(export_bytes(CASES["unrated"], "md", model=model).decode("utf-8"))
    if model == "bayes":
        assert "No verdict" in verdict and "no item rated for both tells it from H3" in verdict
        assert "H1 leads" not in verdict
    else:
        assert "No verdict" in verdict and "H3" in verdict and "H3 leads" not in verdict


def test_cli_version_1_file_and_default_model(tmp_path: Path, weigh_here: WeighRun) -> None:
    """A version 1 file (no groups, conclusion or indicators) imports and, exported without
    --model, is ranked by the weighted model."""
    env = weigh_here
    case = CASES["reported"]
    doc = json.loads(dump_case_file(case))
    doc["version"] = 1
    doc.pop("indicators")
    doc["case"].pop("conclusion")
    for ev in doc["evidence"]:
        ev.pop("group")
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run_weigh(env, "import", str(path))
    product = json.loads(
        run_weigh(env, "export", "--case", "reported", "--format", "json", "--as-of", "2022-03-15")
    )
    assert differences(product, reference_summary(case, "weighted", date(2022, 3, 15))) == []


def test_csv_matrix_round_trip_keeps_groups_and_so_the_summary(tmp_path: Path, weigh_here: WeighRun) -> None:
    """The CSV matrix carries the same-fact group: a case exported as CSV and imported as a new
    case scores as the original did (without the column, groups and the scores were lost)."""
    env = weigh_here
    case = CASES["group-excluded"]
    path = tmp_path / "matrix.csv"
    path.write_bytes(export_bytes(case, "csv"))
    run_weigh(env, "import", str(path), "--case", "group-excluded")
    product = json.loads(run_weigh(env, "export", "--case", "group-excluded", "--format", "json"))
    assert differences(product, reference_summary(case, "weighted", None)) == []
