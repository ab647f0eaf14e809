"""The summary a user exports: `weigh export` on a small version-2 case (run as a
subprocess once; the other exports through the same ``main`` in this process), the JSON
fields checked against numbers worked out by hand, and the people's reports checked for
the conclusion, the indicators and the warnings."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evidence.case_file import dump_case_file
from evidence.export import export_bytes
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tests.test_cli import Env, weigh
from tests.test_scoring_groups import WORKED_EVIDENCE

if TYPE_CHECKING:
    from tests.conftest import WeighRun

LN2 = math.log(2)
LN3 = math.log(1 / 3)


def small_case() -> Case:
    """The hand-worked case of test_scoring_groups, with a conclusion and indicators."""
    return Case(
        id="small",
        title="Small",
        question="Which one?",
        conclusion="H1 on balance; E3 is only a claim.",
        hypotheses=[Hypothesis(id=f"H{i}", title=f"hypothesis {i}") for i in (1, 2, 3)],
        evidence=WORKED_EVIDENCE,
        indicators=[
            Indicator(id="M1", title="Talks resume in Istanbul", expected_by=date(2000, 1, 1),
                      ratings={"H1": "CC", "H3": "I"}),
            Indicator(id="M2", title="A new draft leaks", ratings={"H2": "C"}, status="lapsed"),
        ],
    )


@pytest.fixture
def imported(weigh_here: WeighRun, tmp_path: Path) -> WeighRun:
    path = tmp_path / "small.weigh.json"
    path.write_text(dump_case_file(small_case()), encoding="utf-8")
    weigh(weigh_here, "import", str(path))
    return weigh_here


def export_json(env: Env, *args: str) -> dict:
    return json.loads(weigh(env, "export", "--case", "small", "--format", "json", *args).stdout)


def test_json_summary_fields_by_hand(imported: WeighRun, cli_env: dict[str, str]) -> None:
    doc = export_json(cli_env, "--model", "weighted")  # the command itself, as a user runs it
    assert set(doc) >= {"case", "as_of", "evidence_used", "models_agree", "ranking", "evidence",
                        "margin", "undated_used"}
    assert (doc["case"], doc["as_of"], doc["evidence_used"], doc["undated_used"]) == ("small", None, 3, 1)
    assert doc["models_agree"] is False
    assert doc["margin"]["inconsistency"] == 1
    assert doc["margin"]["weighted"] == pytest.approx(0.5, abs=1e-12)
    assert doc["margin"]["bayes"] == pytest.approx(LN2, abs=1e-12)
    rows = {r["id"]: r for r in doc["ranking"]}
    assert [r["id"] for r in doc["ranking"]] == ["H3", "H1", "H2"]  # weighted: 0, −½, −2
    assert set(rows["H1"]) == {"id", "title", "rank", "inconsistency", "weighted", "posterior",
                               "log_score", "rated", "for", "against", "tested"}
    assert (rows["H1"]["rated"], rows["H1"]["for"], rows["H1"]["against"]) == (3, 2, 1)
    assert (rows["H3"]["rated"], rows["H3"]["for"], rows["H3"]["against"]) == (1, 0, 0)
    assert [rows[h]["inconsistency"] for h in ("H1", "H2", "H3")] == [-1, -1.5, 0]
    assert rows["H2"]["weighted"] == pytest.approx(-2.0, abs=1e-12)
    assert rows["H1"]["log_score"] == pytest.approx(LN3 + LN2, abs=1e-12)
    assert rows["H2"]["log_score"] == pytest.approx(LN3 - 1.5 * LN2, abs=1e-12)
    assert sum(r["posterior"] for r in doc["ranking"]) == pytest.approx(1.0)
    # every item of the case, in case order, excluded ones too
    assert [(e["id"], e["linchpin"]) for e in doc["evidence"]] == [
        ("E1", []), ("E2", []), ("E3", ["inconsistency", "weighted"]), ("E4", []),
    ]
    assert doc["evidence"][0]["diagnosticity"] == math.sqrt(14) / 3  # full float, not rounded


def test_json_summary_as_of_uses_known_dates(imported: WeighRun) -> None:
    doc = export_json(imported, "--as-of", "2022-04-01", "--model", "inconsistency")
    assert doc["as_of"] == "2022-04-01"
    assert doc["evidence_used"] == 2  # E2 happened by then, but was reported on 10 April
    rows = {r["id"]: r for r in doc["ranking"]}
    assert [rows[h]["inconsistency"] for h in ("H1", "H2", "H3")] == [-1, -2, 0]
    assert [r["id"] for r in doc["ranking"]] == ["H3", "H1", "H2"]


def test_json_ranking_follows_the_model(imported: WeighRun) -> None:
    assert [r["id"] for r in export_json(imported, "--model", "bayes")["ranking"]] == ["H1", "H3", "H2"]


def test_markdown_puts_the_conclusion_first_and_explains_the_verdict(imported: WeighRun) -> None:
    out = weigh(imported, "export", "--case", "small", "--format", "md").stdout
    conclusion = out.index("## Conclusion")
    assert conclusion < out.index("## Verdict") < out.index("## Ranking")
    assert "> H1 on balance; E3 is only a claim." in out
    # H3 0 and H1 −½ under the weighted model: within one medium item, so no winner
    assert "Under weighted inconsistency (PARC), the evidence does not separate H1, H3" in out
    assert "H3 leads" not in out.split("## Ranking")[0]
    assert ("**Warning:** H3 is barely tested: 0 of 3 items bear on it, +0 −0, and incomplete: 1/3 rated "
            "(1 not rated, 1 NA)") in out
    assert "| 1/3 rated, 0 for, 0 against (incomplete) |" in out
    assert "1 undated item counts at every date" in out
    assert "mutually exclusive and exhaustive" in out
    h1 = out.split("### H1:")[1].split("### H2:")[0]
    assert "What would strengthen it:" in h1 and "**M1** (CC) Talks resume in Istanbul" in h1
    assert "**overdue**" in h1
    h3 = out.split("### H3:")[1].split("##")[0]
    assert "What would weaken it:" in h3 and "M1" in h3
    assert "## Indicators" in out and "**M2** A new draft leaks — lapsed" in out


def test_html_shows_conclusion_indicators_and_warnings() -> None:
    html = export_bytes(small_case(), "html", today=date(1999, 1, 1)).decode()
    assert html.index('id="conclusion"') < html.index('id="ranking"')
    assert "H1 on balance; E3 is only a claim." in html
    assert ("H3 is barely tested: 0 of 3 items bear on it, +0 −0, and incomplete: 1/3 rated (1 not "
            "rated, 1 NA)") in html
    assert 'class="warning"' in html
    assert 'id="indicators"' in html and "Talks resume in Istanbul" in html
    assert "What would strengthen it" in html and "What would weaken it" in html
    assert "1 undated" in html
    assert "overdue" not in html.split('id="indicators"')[1].split("</section>")[0].replace(".overdue", "")
    later = export_bytes(small_case(), "html", today=date(2030, 1, 1)).decode()
    assert '<span class="overdue">overdue</span>' in later


def test_an_unrated_leader_is_not_called_a_winner() -> None:
    case = Case(
        id="u", title="u",
        hypotheses=[Hypothesis(id="H1", title="rated"), Hypothesis(id="H9", title="added last")],
        evidence=[Evidence(id="E1", title="x", ratings={"H1": "I"})],
    )
    md = export_bytes(case, "md").decode()
    assert "No verdict under weighted inconsistency (PARC): the top score goes to H9" in md
    assert "H9 leads" not in md
    assert "- weighted inconsistency (PARC): no verdict (top score H9, on no rated item)" in md
    html = export_bytes(case, "html").decode()
    assert "no verdict: top score H9, on no rated item" in html
    assert "Leads under weighted" not in html


def priors_case(case_id: str, priors: tuple[float, ...], evidence: list[Evidence] | None = None) -> Case:
    """A case of hypotheses H1, H2, … with these priors."""
    return Case(id=case_id, title=f"Priors {case_id}", evidence=evidence or [],
                hypotheses=[Hypothesis(id=f"H{i}", title=f"h{i}", prior=p) for i, p in enumerate(priors, 1)])


def imported_and_exported(weigh_here: WeighRun, tmp_path: Path, case: Case, fmt: str) -> str:
    """``case`` imported from its file by the CLI, then exported in ``fmt`` under Bayes."""
    path = tmp_path / f"{case.id}.weigh.json"
    path.write_text(dump_case_file(case), encoding="utf-8")
    weigh(weigh_here, "import", str(path))
    return str(weigh(weigh_here, "export", "--case", case.id, "--format", fmt, "--model", "bayes").stdout)


@pytest.mark.parametrize("fmt", ["json", "md", "html", "csv"])
def test_huge_priors_never_crash_a_report(weigh_here: WeighRun, tmp_path: Path, fmt: str) -> None:
    case = priors_case("huge", (1.7e308, 1.7e308, 5e-324), evidence=[
        Evidence(id="E1", title="x", event_date=date(2022, 1, 1), ratings={"H1": "C", "H2": "I"}),
        Evidence(id="E2", title="y", event_date=date(2022, 2, 1), ratings={"H3": "CC"}),
    ])
    out = imported_and_exported(weigh_here, tmp_path, case, fmt)
    if fmt == "json":
        doc = json.loads(out)
        assert [r["id"] for r in doc["ranking"]] == ["H1", "H2", "H3"]
        assert all(math.isfinite(r["log_score"]) for r in doc["ranking"])
        assert doc["ranking"][0]["posterior"] == pytest.approx(0.8, rel=1e-9)


def test_a_prior_whose_share_is_subnormal_scores_its_exact_log(weigh_here: WeighRun, tmp_path: Path) -> None:
    """Priors 0.1, 1 and 2⁻¹⁰⁷⁴ (5e-324, the least float): Σ = 1.1 (the last is lost in
    the sum). By hand, log_score = ln(prior / 1.1): H2 ln(1/1.1) = −0.0953101798,
    H1 ln(0.1/1.1) = ln 0.1 − ln 1.1 = −2.3978952728, H3 −1074·ln 2 − ln 1.1 =
    −744.4400719214 − 0.0953101798 = −744.5353821012. The float 2⁻¹⁰⁷⁴ / 1.1 rounds back
    to 2⁻¹⁰⁷⁴, so taking the log of the ratio gave −744.4400719214, ln 1.1 too high."""
    case = priors_case("tiny", (0.1, 1.0, 5e-324))
    doc = json.loads(imported_and_exported(weigh_here, tmp_path, case, "json"))
    logs = {r["id"]: r["log_score"] for r in doc["ranking"]}
    assert logs["H2"] == pytest.approx(-0.0953101798043249, rel=1e-12)
    assert logs["H1"] == pytest.approx(-2.3978952727983707, rel=1e-12)
    assert logs["H3"] == pytest.approx(-1074 * LN2 - math.log(1.1), rel=1e-12)
    assert logs["H3"] == pytest.approx(-744.5353821011855, rel=1e-12)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
def test_json_summary_written_in_pieces_is_the_whole_document_indented(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Evidence rows go out a piece at a time (2 here): the text is what one dump of the
    whole summary gives, linchpin lists included."""
    from pydantic_core import to_json

    import hypotheses.summary as summary_module
    from hypotheses.scoring import analyse
    from hypotheses.summary import summarise

    monkeypatch.setattr(summary_module, "ROWS_PER_PIECE", 2)
    items = [*WORKED_EVIDENCE, *(Evidence(id=f"X{k}", title=f"extra {k}", ratings={"H2": "II"})
                                 for k in range(3))][:n]
    case = small_case().model_copy(update={"evidence": items, "indicators": []})
    summary = summarise(analyse(case), "weighted")
    text = b"".join(summary.json_pieces()).decode("utf-8")
    assert text == to_json(summary.to_dict(), indent=2).decode("utf-8") + "\n"
    assert len(json.loads(text)["evidence"]) == n
    if n == 5:
        assert any(row["linchpin"] for row in json.loads(text)["evidence"])
