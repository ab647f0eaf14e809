"""The Markdown and HTML reports' team section: analysts, each one's leader, and the cells and
items of largest disagreement with everyone's vote and note."""

from __future__ import annotations

from evidence.export import export_bytes
from hypotheses.models import Case, Evidence, Hypothesis
from tests.test_team_summary import trio


def noted_trio() -> Case:
    case = trio()
    e1 = case.evidence[0].model_copy(update={"notes_by": {"chi": {"H2": "the source <b>lied</b> [x](y)"}}})
    return case.model_copy(update={"evidence": [e1, *case.evidence[1:]]})


def test_markdown_team_section() -> None:
    text = export_bytes(noted_trio(), "md").decode()
    team = text[text.index("## Team"):text.index("## Matrix")]
    assert ("Analysts: ana, ben, chi. This report's matrix and scores are the team's consensus "
            "of ana, ben, chi") in team
    # ana's H2 and chi's H1 lead only where H3 is rated and they are not: no verdict either
    assert ("- ana: H2 (no item tells it from H3)\n- ben: H2, H3 (not separated)\n"
            "- chi: H1 (no item tells it from H3)\n- the team (consensus): H2, H3 (not separated)") in team
    assert "**The analysts disagree on the top score**: ana H2 · ben H2 = H3 · chi H1." in team
    cells = team[team.index("### Cells"):team.index("### Items")].splitlines()[2:]
    assert cells[0] == "- **E1** first · H2 — extreme (1.41); consensus N: ana C, ben C, chi II"
    assert cells[1] == r"  - chi: the source \<b\>lied\</b\> \[x\](y)"  # inert
    assert "- **E1** first · H3 — split on NA; consensus N: ana N, ben NA, chi N" in cells
    items = team[team.index("### Items"):].splitlines()
    assert items[2] == "- **E1** first — extreme (1.41, split on NA)"
    assert items[3:6] == ["  - ana: H1 I, H2 C, H3 N", "  - ben: H1 I, H2 C, H3 NA",
                          "  - chi: H1 C, H2 II, H3 N"]
    # the rest of the report is the lens's: under ben's lens, ben's ratings fill the matrix
    ben = export_bytes(noted_trio(), "md", lens="ben").decode()
    assert "are ben's votes (lens ben)" in ben
    assert "| **E3** third |  | NA | NA | C |" in ben


def test_html_team_section_is_escaped() -> None:
    html = export_bytes(noted_trio(), "html", lens="ana").decode()
    team = html[html.index('<section id="team">'):html.index("</section>", html.index('<section id="team">'))]
    assert "ana&#39;s votes (lens ana)" in team
    assert ('<p class="disagree">The analysts disagree on the top score: ana H2 · ben H2 = H3 · chi H1.</p>'
            in team)
    assert "the source &lt;b&gt;lied&lt;/b&gt;" in team and "<b>lied" not in team


def test_agreeing_analysts_and_one_analyst_cases() -> None:
    case = Case(id="pair", title="Pair", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id="E1", title="e", ratings_by={"ana": {"H1": "C", "H2": "I"},
                                                                   "ben": {"H1": "C", "H2": "I"}})])
    text = export_bytes(case, "md").decode()
    assert "The analysts agree on the leader." in text
    assert "The analysts agree on every cell they rated." in text
    assert "No item has a cell the analysts disagree on." in text
    plain = [Evidence(id="E1", title="e", ratings={"H1": "C"})]
    solo = case.model_copy(update={"analysts": [], "evidence": plain})
    assert "## Team" not in export_bytes(solo, "md").decode()
    assert 'id="team"' not in export_bytes(solo, "html").decode()


def rounding_pair() -> Case:
    """ana: H1 II on E1, H2 I on E2 and E3 (−2 / −2); ben: H1 C, H2 N twice (0 / 0): each
    alone ties H1 and H2. The consensus rounds (II, C) to I and each (I, N) to I: H1 −1,
    H2 −2, so the team's H1 is ahead by one item no analyst's ratings show (and no item
    rates both: no verdict either)."""
    return Case(id="pair", title="Pair", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id="E1", title="e", ratings_by={"ana": {"H1": "II"}, "ben": {"H1": "C"}}),
                          *(Evidence(id=f"E{n}", title="e",
                                     ratings_by={"ana": {"H2": "I"}, "ben": {"H2": "N"}}) for n in (2, 3))])


def test_a_consensus_lead_no_analyst_sees_is_said_to_come_from_the_votes_combined() -> None:
    from hypotheses.scoring import analyse
    from hypotheses.team import TEAM, lens_case
    from tui.screens.analysts_view import leaders_text

    sentence = ("Each analyst alone puts H1 = H2 first, but the team's consensus puts H1 first (no item "
                "tells it from H2): that comes from how their votes combine, not from any one analyst's "
                "ratings")
    text = export_bytes(rounding_pair(), "md").decode()
    assert ("- ana: H1, H2 (not separated)\n- ben: H1, H2 (not separated)\n"
            "- the team (consensus): H1 (no item tells it from H2)") in text
    assert f"**{sentence}.**" in text and "disagree on the top score" not in text
    html = export_bytes(rounding_pair(), "html").decode()
    escaped = sentence.replace("'", "&#39;")
    assert f'<p class="disagree">{escaped}.</p>' in html
    case = rounding_pair()
    assert leaders_text(case, analyse(lens_case(case, TEAM)), "weighted").plain.startswith(sentence)


def test_evidence_cited_for_the_team_from_split_votes_shows_the_votes() -> None:
    # ana CC, ben I: the consensus C lists E1 "for" H1 though ben reads it against
    case = Case(id="pair", title="Pair", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id="E1", title="e", ratings_by={"ana": {"H1": "CC", "H2": "I"},
                                                                   "ben": {"H1": "I", "H2": "I"}})])
    text = export_bytes(case, "md").decode()
    part = text[text.index("## Evidence for and against"):]
    assert "- **E1** (C, consistent; votes split: ana CC, ben I; diagnosticity" in part
    assert "- **E1** (I, inconsistent; diagnosticity" in part  # H2: both I, nothing to add
    html = export_bytes(case, "html").decode()
    part = html[html.index('<section id="for-against">'):]
    assert "votes split: ana CC, ben I" in part
    # one analyst's lens cites that analyst's own rating: no split to show
    assert "votes split" not in export_bytes(case, "md", lens="ana").decode()


def test_evidence_cited_for_the_team_from_one_analysts_vote_says_so() -> None:
    case = Case(id="pair", title="Pair", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id="E1", title="e", ratings_by={"ben": {"H1": "C", "H2": "I"}}),
                          Evidence(id="E2", title="f", ratings_by={"ana": {"H1": "C"}, "ben": {"H1": "C"}})])
    text = export_bytes(case, "md").decode()
    part = text[text.index("## Evidence for and against"):]
    assert "- **E1** (C, consistent; ben's vote alone; diagnosticity" in part
    assert "- **E2** (C, consistent; diagnosticity" in part
    assert "ben&#39;s vote alone" in export_bytes(case, "html").decode()
