"""The reports lead with what the evidence can tell apart, and show what explains it:
the matrix with its rating notes, the same-fact groups, and charts that mark the leader."""

from __future__ import annotations

from evidence.export import export_bytes
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.render_html import LEAD, MIN_BAR
from tests.test_report_html import BREAKOUT, HOSTILE, parse


def band_case() -> Case:
    """Weighted: H1 0 (nothing against it: barely tested, 1 of 3), H2 −½ (E2 I, halved by
    its group), H3 −3: H1 and H2 are not separated; M1 would tell them apart, M2 not (NA)."""
    return Case(
        id="band",
        title="Band",
        hypotheses=[Hypothesis(id=h, title=f"title {h}") for h in ("H1", "H2", "H3")],
        evidence=[
            Evidence(id="E1", title="first", ratings={"H1": "C", "H2": "N", "H3": "II"},
                     notes={"H1": f"why C {HOSTILE}"}),
            Evidence(id="E2", title="second", group="one-fact", ratings={"H1": "N", "H2": "I", "H3": "I"}),
            Evidence(id="E3", title="third", group="one-fact", ratings={"H1": "N", "H2": "N", "H3": "N"}),
        ],
        indicators=[
            Indicator(id="M1", title="tells", ratings={"H1": "C", "H2": "I"}),
            Indicator(id="M2", title="na", ratings={"H1": "C", "H2": "NA"}),
        ],
    )


def verdict_md(md: str) -> str:
    start = md.index("## Verdict")
    return md[start : md.index("\n## ", start + 1)]


def test_markdown_leads_with_the_band_and_names_no_winner() -> None:
    md = export_bytes(band_case(), "md").decode("utf-8")
    v = verdict_md(md)
    assert md.index("## Verdict") < md.index("## Ranking") < md.index("## Matrix")
    assert "the evidence does not separate H1, H2" in v and "leads" not in v.split("\n")[2]
    assert "**Warning:** H1 is barely tested: 1 of 3 items bears on it, +1 −0" in v
    assert "- **Next:** What would separate them: to tell H1 from H2, watch M1." in v
    assert "- H1 / H2: 2 items tell them apart (2 favour H1, 0 H2)" in v  # E1 C/N, E2 N/I
    assert "| 1 ≈ | H1: title H1 |" in md and "| 2 ≈ | H2: title H2 |" in md and "| 3 | H3" in md


def test_markdown_matrix_with_notes_and_one_fact() -> None:
    md = export_bytes(band_case(), "md").decode("utf-8")
    matrix = md[md.index("## Matrix") :]
    assert "| **E1** first |  | C\\* | N | II | 0.00 |" not in matrix  # diagnosticity is real
    assert "| **E1** first |  | C\\* | N | II |" in matrix
    assert "| **E2** second | one-fact | N | I | I |" in matrix
    assert "| **E3** third | one-fact | N | N | N | 0.00 |" in matrix
    assert "- **one-fact**: E2, E3 — one fact" in matrix
    # the note, inert: no HTML in a Markdown report
    assert "- **E1** · H1 C: why C \\<script\\>alert(1)\\</script\\>" in matrix


def test_html_leads_with_the_verdict_and_shows_notes_and_groups() -> None:
    page = parse(export_bytes(band_case(), "html").decode("utf-8"))
    sections = [a["id"] for a in page.tags("section") if "id" in a]
    assert sections[:3] == ["conclusion", "verdict", "ranking"]
    verdict = page.all_text("verdict")
    assert "does not separate H1, H2" in verdict
    assert "H1 is barely tested: 1 of 3 items bears on it, +1 −0" in verdict
    assert "to tell H1 from H2, watch M1" in verdict
    matrix = page.all_text("matrix")
    assert f"why C {HOSTILE}" in matrix  # visible text, not only a tooltip, and literal
    assert "E2, E3 — one fact" in matrix
    facts = [a for a in page.tags("span", "matrix") if a.get("class") == "fact"]
    assert len(facts) == 2 + 1  # E2's and E3's cells, and the group list
    assert [a["class"] for a in page.tags("tr", "ranking") if a.get("class")] == ["band", "band"]


def test_html_charts_mark_a_leader_at_zero() -> None:
    """H1 scores 0 under both inconsistency models: its bar is still drawn, green."""
    page = parse(export_bytes(band_case(), "html").decode("utf-8"))
    rects = page.tags("rect", "ranking")
    assert len(rects) == 3 * 3
    for chart in range(2):  # inconsistency, weighted: H1 first, at 0
        first = rects[chart * 3]
        assert first["fill"] == LEAD and float(first["width"]) >= MIN_BAR
        assert first.get("x") is not None
    texts = page.all_text("ranking")
    assert "H1 ◆" in texts and "◆ leader in green" in texts


def test_hostile_note_in_html_stays_text() -> None:
    case = band_case()
    e1 = case.evidence[0].model_copy(update={"notes": {"H1": BREAKOUT}})
    hostile = case.model_copy(update={"evidence": [e1, *case.evidence[1:]]})
    html = export_bytes(hostile, "html").decode("utf-8")
    page = parse(html)
    assert not [t for t, _, _ in page.elements if t in {"img", "script"}]
    assert BREAKOUT in page.all_text("matrix")
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and BREAKOUT not in html


def untold_by_consistency_case() -> Case:
    """Weighted: H3 0 (rated on E4 only, C), H1 −2, H2 −4: H3 tops alone, and no item scores
    H3 and H1 differently under weighted (E4 rates them C and N, both 0): no verdict. E4 still
    tells them apart in the report's separation (C against N), and Bayes counts it."""
    return Case(
        id="untold",
        title="Untold",
        hypotheses=[Hypothesis(id=h, title=f"title {h}") for h in ("H1", "H2", "H3")],
        evidence=[
            Evidence(id="E1", title="first", ratings={"H1": "I", "H2": "I"}),
            Evidence(id="E2", title="second", ratings={"H1": "I", "H2": "II"}),
            Evidence(id="E3", title="third", ratings={"H1": "C", "H2": "I"}),
            Evidence(id="E4", title="fourth", ratings={"H1": "N", "H2": "N", "H3": "C"}),
        ],
    )


def test_no_verdict_for_want_of_a_telling_item_explains_the_item_the_separation_counts() -> None:
    """The headline says no item tells H3 from H1 under weighted; the separation below says
    one does (E4, C against N): the warnings say why both are true, as for a band."""
    v = verdict_md(export_bytes(untold_by_consistency_case(), "md").decode("utf-8"))
    assert "no item rated for both tells it from H1" in v
    assert "- H1 / H3: 1 item tells them apart (0 favour H1, 1 H3)" in v
    assert ("**Warning:** Items such as E4 rate H3 and H1 differently only by how consistent they are "
            "(CC, C or N), which weighted inconsistency (PARC) does not count") in v
    bayes = verdict_md(export_bytes(untold_by_consistency_case(), "md", model="bayes").decode("utf-8"))
    assert "Under Bayes (log-linear), H3 leads" in bayes
    assert "Items such as" not in bayes  # Bayes counts C against N: H3 leads


def test_html_chart_legend_names_no_leader_where_the_verdict_names_none() -> None:
    """Weighted: H1 and H2 are not separated: the chart's legend said '◆ leader in green' and
    'the shortest bar leads' beside a verdict naming no winner. Bayes separates H1: there
    the legend names it the leader."""
    page = parse(export_bytes(band_case(), "html").decode("utf-8"))
    text = page.all_text("ranking")
    assert text.count("◆ leader in green") == 1 and text.count("bar leads") == 1  # Bayes: H1 alone
    assert "the longest bar leads; ◆ leader in green" in text
    assert text.count("the shortest bar scores best; ◆ top score in green (light green: within one medium "
                      "item of it): not separated, no leader") == 2  # inconsistency, weighted


def test_html_says_the_chosen_models_verdict_and_warnings_once() -> None:
    """The chosen model's box under the verdict repeated its headline and every warning (the
    Markdown's leaders by model does not): each warning is said once."""
    html = export_bytes(band_case(), "html").decode("utf-8")
    page = parse(html)
    text = page.all_text()
    assert text.count("Under weighted inconsistency (PARC), the evidence does not separate H1, H2") == 1
    assert text.count("H1 is barely tested: 1 of 3 items bears on it") == 3  # once per model
    assert "See the verdict above." in page.all_text()
