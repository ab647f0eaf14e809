"""Every place that says who leads says no more than the verdict: the reports' leader over
time, their leaders by model, the models' agreement, the hypothesis view and the team lens
(hand-computed cases)."""

from __future__ import annotations

from datetime import date
from html import unescape
from typing import TYPE_CHECKING

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.render_html import render_html
from hypotheses.render_markdown import render_markdown
from hypotheses.replay import leaders_over_time, verdict_changes
from hypotheses.separation import top_note
from hypotheses.summary import findings
from hypotheses.team import TEAM, lens_case, team_section

if TYPE_CHECKING:
    from hypotheses.vocabulary import Rating

TODAY = date(2026, 12, 7)


def _case(*items: tuple[str, dict[str, Rating], date | None], hyps: tuple[str, ...] = ("H1", "H2")) -> Case:
    return Case(id="t", title="Timeline",
                hypotheses=[Hypothesis(id=h, title=f"title {h}") for h in hyps],
                evidence=[Evidence(id=eid, title=f"item {eid}", ratings=r, event_date=d)
                          for eid, r, d in items])


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 3)
    return text[start:end if end > 0 else None]


def unrated_first() -> Case:
    """E1 (1 Jan) rates only H1, I; E2 and E3 (1 Feb, 1 Mar) rate H1 C and H2 II.
    1 Jan: weighted H1 −1, H2 0 — H2 tops the band alone, but no item taking part rates it
    (Bayes: H1 −ln 2 against H2 0, exactly one item, so H2 alone too).
    1 Feb: H1 −1, H2 −2 (Bayes H1 0, H2 −2 ln 2): H1 alone, rated. 1 Mar: H1 −1, H2 −4."""
    return _case(("E1", {"H1": "I"}, date(2022, 1, 1)),
                 ("E2", {"H1": "C", "H2": "II"}, date(2022, 2, 1)),
                 ("E3", {"H1": "C", "H2": "II"}, date(2022, 3, 1)))


def test_the_leader_over_time_never_crowns_a_hypothesis_nobody_had_rated() -> None:
    points = leaders_over_time(unrated_first())
    assert [p.band["weighted"] for p in points] == [("H2",), ("H1",), ("H1",)]
    assert [p.unweighed["weighted"] for p in points] == [("H2",), (), ()]
    changes = verdict_changes(points)
    assert [(c.as_of, c.model, c.before, c.after, c.before_unweighed) for c in changes
            if c.model == "weighted"] == [(date(2022, 2, 1), "weighted", ("H2",), ("H1",), ("H2",))]
    text = _section(render_markdown(findings(unrated_first(), today=TODAY)), "## Leader over time")
    assert "led by H2" not in text
    assert ("- 2022-01-01 (1 item): weighted inconsistency (PARC) no verdict: top score H2 rests on "
            "no rated item") in text
    assert ("- 2022-02-01: weighted inconsistency (PARC) no verdict: top score H2 rests on no rated "
            "item → led by H1 (barely tested: 2 items bear on it)") in text
    html = render_html(findings(unrated_first(), today=TODAY))
    assert "led by H2" not in html
    assert "no verdict: top score H2 rests on no rated item → <b>led by H1 (barely tested: 2 items" in html


def tied_with_unrated() -> Case:
    """E1 rates H1 C, H2 I; H3 was added after and never rated: weighted H1 0, H2 −1, H3 0,
    so H1 (rated) and H3 (no rating) share the top."""
    return _case(("E1", {"H1": "C", "H2": "I"}, None), hyps=("H1", "H2", "H3"))


def test_leaders_by_model_say_which_top_score_rests_on_no_rated_item() -> None:
    """The list said 'top score H1, H3, on no rated item', as if H1 had no rating either."""
    f = findings(tied_with_unrated(), today=TODAY)
    text = _section(render_markdown(f), "## Ranking")
    assert "- weighted inconsistency (PARC): no verdict (top score H1, H3; H3 on no rated item)" in text
    assert "H1, H3, on no rated item" not in text
    html = render_html(f)
    assert "no verdict: top score H1, H3; H3 on no rated item" in html
    assert "the top score rests on no rated item" not in html


def test_models_that_name_no_leader_are_not_said_to_agree_on_one() -> None:
    """E1 rates H1, H2, H3 all C: every model scores them level (weighted 0, Bayes ln 2 each),
    so none names a leader, and the reports said 'The models agree on the leader.'"""
    f = findings(_case(("E1", {"H1": "C", "H2": "C", "H3": "C"}, None), hyps=("H1", "H2", "H3")),
                 today=TODAY)
    sentence = ("The models agree on the top score (H1, H2, H3), but none of them names a leader: "
                "see each model's verdict.")
    assert sentence in render_markdown(f) and sentence in unescape(render_html(f))
    assert "agree on the leader" not in render_markdown(f) + render_html(f)


def test_models_that_share_a_top_some_cannot_separate_say_which_name_it() -> None:
    """E1 rates H1 C, H2 N: weighted and inconsistency score both 0 (not separated); Bayes puts
    H1 ln 2 ahead, exactly one item, so H1 leads there alone. The top sets differ (H1, H2 vs
    H1): the models disagree. With E2 rating H1 N, H2 I as well: weighted H1 0, H2 −1 (one
    item: apart), Bayes H1 ln 2, H2 −ln 2 — every model names H1."""
    one = findings(_case(("E1", {"H1": "C", "H2": "N"}, None)), today=TODAY)
    assert "**The models disagree on the top score**" in render_markdown(one)
    both = findings(_case(("E1", {"H1": "C", "H2": "N"}, None), ("E2", {"H1": "N", "H2": "I"}, None)),
                    today=TODAY)
    assert "The models agree on the leader." in render_markdown(both)
    # one item of low credibility and relevance (weight ½) rates H1 N, H2 I: inconsistency
    # H2 −1 (one item: apart); weighted H2 −½ and Bayes H2 −½ ln 2 (inside the band) — every
    # model has H1 alone on top, only inconsistency separates it
    low = Evidence(id="E1", title="item", credibility="low", relevance="low",
                   ratings={"H1": "N", "H2": "I"})
    banded = findings(Case(id="t", title="t", hypotheses=[Hypothesis(id=h, title=h) for h in ("H1", "H2")],
                           evidence=[low]), today=TODAY)
    sentence = ("The models agree on the top score (H1), but only inconsistency (Heuer) names it "
                "the leader: see each model's verdict.")
    assert sentence in render_markdown(banded) and sentence in unescape(render_html(banded))


def test_the_hypothesis_view_never_says_a_top_score_on_no_rated_item_leads() -> None:
    """E1 rates H1 I; H2 was never rated: weighted H1 −1, H2 0, so H2 tops alone on nothing.
    The view's standing said 'leads' above a verdict saying 'No verdict'; H1's said 'Behind
    H2 by 1.00 (1.0 items …)', naming H2 as if it had been weighed."""
    from hypotheses.scoring import analyse
    from tui.screens.hypothesis_view import standing_line, verdict_lines

    a = analyse(_case(("E1", {"H1": "I"}, None)))
    top = standing_line(a, "weighted", 1).plain
    assert "leads" not in top
    assert top.endswith("· top score on no rated item: no verdict")
    assert verdict_lines(a, "weighted", 1).plain.startswith("No verdict under weighted")
    assert verdict_lines(a, "weighted", 0).plain == (
        "Behind H2 by 1.00 (1.0 item of medium weight rated I), a top score no rated item bears on")
    rated = analyse(_case(("E1", {"H1": "I", "H2": "N"}, None)))
    assert standing_line(rated, "weighted", 1).plain.endswith("· leads")
    assert (verdict_lines(rated, "weighted", 0).plain
            == "Behind H2 by 1.00 (1.0 item of medium weight rated I)")


def test_one_medium_item_is_one_item_in_the_short_verdict_too() -> None:
    """E1 rates H1 C, H2 I: weighted H1 0, H2 −1, a margin of one medium item; the short
    form on the ranking panel read '(1.0 medium items)'."""
    from hypotheses.scoring import analyse
    from hypotheses.summary import verdict

    v = verdict(analyse(_case(("E1", {"H1": "C", "H2": "I"}, None))), "weighted")
    assert v.brief == "H1 leads by 1.00 (1.0 medium item); 1/1 rated, +1 −0"
    assert v.headline.startswith(
        "Under weighted inconsistency (PARC), H1 leads by 1.00 (1.0 item of medium weight)")


def test_the_as_of_line_names_a_leader_only_where_the_verdict_does() -> None:
    """The workbench's as-of line said 'leader H1: …' whatever the verdict: over a band
    (the default case: 'Not separated: H1, H2, H5, H6' on the panel above it) and over a
    top score no item rates."""
    from hypotheses.scoring import analyse
    from hypotheses.summary import leader_words

    lead = analyse(_case(("E1", {"H1": "C", "H2": "I"}, None)))  # weighted 0, −1: one item
    assert leader_words(lead, "weighted") == "leader H1"
    near = analyse(_case(("E1", {"H1": "C", "H2": "I"}, None), ("E2", {"H1": "C", "H2": "C"}, None),
                         hyps=("H1", "H2")))
    assert leader_words(near, "bayes") == "leader H1"  # 2 ln 2 ahead
    level = analyse(_case(("E1", {"H1": "C", "H2": "N"}, None)))  # weighted 0, 0
    assert leader_words(level, "weighted") == "top score H1, H2 (not separated)"
    assert leader_words(level, "bayes") == "leader H1"  # ln 2 ahead: exactly one item, apart
    unrated = analyse(_case(("E1", {"H1": "I"}, None)))  # H2 0 on nothing, H1 −1
    assert leader_words(unrated, "weighted") == "top score H2 (on no rated item)"
    tied = analyse(tied_with_unrated())
    assert leader_words(tied, "weighted") == "top score H1, H3 (H3 on no rated item)"
    assert leader_words(analyse(_case()), "weighted") == "top score H1, H2 (on no rated item)"
    # Bayes: E1 of weight ½ puts H1 ½ ln 2 ahead of H2 — a band wider than the top, named whole
    wide = analyse(Case(id="w", title="w", hypotheses=[Hypothesis(id=h, title=h) for h in ("H1", "H2", "H3")],
                        evidence=[Evidence(id="E1", title="a", credibility="low", relevance="low",
                                           ratings={"H1": "C", "H2": "N", "H3": "II"})]))
    assert leader_words(wide, "bayes") == "top score H1 (not separated from H2)"
    assert leader_words(wide, "bayes", short=True) == "≈ H1, H2"


def test_the_timeline_widget_says_the_words_it_is_given_short_where_the_line_is_narrow() -> None:
    from tui.widgets.timeline import Timeline

    line = Timeline()
    words = ("top score H1, H2 (not separated)", "≈ H1, H2", "≈ H1, H2")
    line._shown = ([date(2022, 1, 1), None], 1, [0.0, -1.0], words, "weighted", 0)
    assert "█▁  top score H1, H2 (not separated): -1.00   [ ] step dates" in line._line_text(200).plain
    # 'As of all dates  [2/2]  ' 24, the line 2, the long words 41: 67 > 60; no room for the hint
    assert line._line_text(60).plain == "As of all dates  [2/2]  █▁  ≈ H1, H2: top -1.00"
    # a tester: a case with no dated item said '[1/1]' and offered [ ] to step through nothing
    line._shown = ([None], 0, [0.0], ("leader H1", "leader H1", "leader H1"), "weighted", 2)
    assert line._line_text(120).plain == (
        "As of all dates  (no dated items)  2 undated count at every date  ▁  leader H1: 0.00")


def _pair(*items: dict[str, dict[str, Rating]]) -> Case:
    return Case(id="pair", title="Pair", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id=f"E{n}", title="e", ratings_by=r) for n, r in enumerate(items, 1)])


def test_analysts_agreeing_on_a_top_score_nobody_rated_are_not_said_to_agree_on_a_leader() -> None:
    """Both analysts rate only H1, I, on E1 (consensus I): every lens scores H1 −1 and H2 0 on
    no rating — the same top, no leader. The reports and the analysts' view said 'The
    analysts agree on the leader' (H2)."""
    from hypotheses.scoring import analyse
    from hypotheses.team import TEAM, lens_case
    from tui.screens.analysts_view import leaders_text

    case = _pair({"ana": {"H1": "I"}, "ben": {"H1": "I"}})
    text = _section(render_markdown(findings(lens_case(case, TEAM), today=TODAY),
                                    team=team_section(case, TEAM, "weighted")), "## Team")
    assert "agree on the leader" not in text
    assert ("- ana: H2 (on no rated item)\n- ben: H2 (on no rated item)\n"
            "- the team (consensus): H2 (on no rated item)") in text
    sentence = "The analysts agree on the top score (H2), but it names no leader (on no rated item)."
    assert sentence in text
    html = unescape(render_html(findings(lens_case(case, TEAM), today=TODAY),
                                team=team_section(case, TEAM, "weighted")))
    assert sentence in html and "agree on the leader" not in html
    view = leaders_text(case, analyse(lens_case(case, TEAM)), "weighted").plain
    assert view.startswith(sentence)
    assert "  team  H2 (on no rated item)" in view


def test_votes_that_cancel_leave_the_team_not_separated_and_say_so() -> None:
    """E1: ana rates H1 C, H2 I; ben H1 I, H2 C. Each alone leads by one item (ana H1, ben H2);
    the consensus of (C, I) is N for both, so the team scores H1 0 and H2 0: not separated."""
    case = _pair({"ana": {"H1": "C", "H2": "I"}, "ben": {"H1": "I", "H2": "C"}})
    text = _section(render_markdown(findings(lens_case(case, TEAM), today=TODAY),
                                    team=team_section(case, TEAM, "weighted")), "## Team")
    assert "- ana: H1\n- ben: H2\n- the team (consensus): H1, H2 (not separated)" in text
    assert "**The analysts disagree on the top score**: ana H1 · ben H2." in text


def test_a_ranking_history_step_says_the_models_agree_on_a_leader_only_when_each_names_one() -> None:
    from evidence.history import RankingStep
    from hypotheses.scoring import analyse
    from tui.screens.ranking_history import step_scores

    def step(case: Case) -> RankingStep:
        a = analyse(case)
        hids = a.hypothesis_ids
        return RankingStep(None, "", "", "", tuple(case.hypotheses), dict(a.models), a.posterior,
                           {m: tuple(hids[i] for i in sorted(a.models[m].top)) for m in a.models},
                           a.agree, notes={m: top_note(a, m) for m in a.models}, alone={})

    level = step(_case(("E1", {"H1": "C", "H2": "C"}, None)))  # 0, 0 and ln 2, ln 2 everywhere
    assert step_scores(level, 0, "weighted").plain.endswith(
        "The models agree on the top score (H1, H2), but none of them names a leader.")
    apart = step(_case(("E1", {"H1": "C", "H2": "I"}, None)))
    assert step_scores(apart, 0, "weighted").plain.endswith("The models agree on the leader.")


def test_the_html_ranking_chart_marks_no_leader_on_a_top_score_nobody_rated() -> None:
    """Weighted: H1 (rated C) and H3 (never rated) share the top: H3's bar was green and ◆,
    'leader in green', beside a verdict of no verdict; so, later, was H1's (found by a
    reviewer): the verdict names neither."""
    html = render_html(findings(tied_with_unrated(), today=TODAY))
    chart = html[html.index("weighted inconsistency (PARC) ranking"):]
    chart = chart[:chart.index("</svg>")]
    assert "◆" not in chart.replace("◆ leader in green", "")
    assert "H1 ◇" in chart and "H3 ◇" in chart
    assert "◇ top score on no rated item (or tied with one): no leader" in html


def test_what_would_separate_the_contenders_says_which_indicator_is_overdue() -> None:
    """E1 rates H1 and H2 C (not separated); M1 (expected by 1 May 2022) and M2 (no date)
    would tell them apart. On 1 June 2022 M1 is overdue: the verdict said 'watch M1, M2' as
    if M1 could still come in time, hiding that what it waits for has not happened."""
    from hypotheses.models import Indicator
    from hypotheses.scoring import analyse
    from hypotheses.summary import verdict

    case = _case(("E1", {"H1": "C", "H2": "C"}, None)).model_copy(update={"indicators": [
        Indicator(id="M1", title="a", expected_by=date(2022, 5, 1), ratings={"H1": "CC", "H2": "I"}),
        Indicator(id="M2", title="b", ratings={"H1": "I", "H2": "C"})]})
    a = analyse(case)
    v = verdict(a, "weighted", today=date(2022, 6, 1))
    assert v.watch == "to tell H1 from H2, watch M1 (overdue: expected by 2022-05-01), M2"
    assert v.brief_watch == "to tell H1 from H2, watch M1 (overdue), M2"
    from tui.widgets.ranking import RankingPanel

    assert RankingPanel.verdict_lines(v)[-1].plain == "→ to tell H1 from H2, watch M1 (overdue), M2"
    assert verdict(a, "weighted", today=date(2022, 5, 1)).watch == "to tell H1 from H2, watch M1, M2"
    assert verdict(a, "weighted").watch == "to tell H1 from H2, watch M1, M2"
    text = render_markdown(findings(case, today=date(2022, 6, 1)))
    assert "watch M1 (overdue: expected by 2022-05-01), M2" in text


def test_a_consensus_that_cancels_what_each_analyst_sees_is_no_lead() -> None:
    """E1: both rate H1 N; ana H2 I, ben H2 CC. E2: ana H2 CC, ben H2 I. Each alone: H1 0,
    H2 −1, H1 one item ahead. The consensus of (I, CC) is C (S = 1, k = 2: k ≤ 2S < 3k) on
    both items, so the team scores H1 0, H2 0: a tie. The reports said 'the team's consensus
    puts H1 = H2 first: that lead comes from how their votes combine'."""
    from hypotheses.scoring import analyse
    from tui.screens.analysts_view import leaders_text

    case = _pair({"ana": {"H1": "N", "H2": "I"}, "ben": {"H1": "N", "H2": "CC"}},
                 {"ana": {"H2": "CC"}, "ben": {"H2": "I"}})
    sentence = ("Each analyst alone puts H1 first, but the team's consensus puts H1 = H2 first (not "
                "separated): that comes from how their votes combine, not from any one analyst's ratings")
    text = render_markdown(findings(lens_case(case, TEAM), today=TODAY),
                           team=team_section(case, TEAM, "weighted"))
    assert f"**{sentence}.**" in text
    assert leaders_text(case, analyse(lens_case(case, TEAM)), "weighted").plain.startswith(sentence)


def test_the_ranking_panel_does_not_crown_a_top_score_nobody_rated() -> None:
    """A rank-1 row got the leader's green bar and a bold rank whether or not any item rated
    it; a top score on no rated item is drawn as no leader (the verdict line says why)."""
    from tui.widgets.ranking import LEADER_BAR, UNWEIGHED_BAR, row_styles

    assert row_styles(1, rated=True, inside=False) == ("bold", LEADER_BAR)
    assert row_styles(1, rated=False, inside=False) == ("", UNWEIGHED_BAR)
    assert row_styles(1, rated=False, inside=True) == ("", UNWEIGHED_BAR)
    assert row_styles(2, rated=True, inside=True)[1] != LEADER_BAR


def test_a_report_as_of_a_date_before_every_dated_item_says_why_it_has_no_timeline() -> None:
    """As of 1 Dec 2021, before E1–E3 (Jan–Mar 2022): nothing is known, so no verdict, and
    the HTML said 'Fewer than two event dates' of a case with three."""
    f = findings(unrated_first(), as_of=date(2021, 12, 1), today=TODAY)
    assert f.verdicts["weighted"].headline.startswith("No verdict under weighted")
    html = unescape(render_html(f))
    assert "Fewer than two known dates up to 2021-12-01 (an item is known" in html
    assert "Evidence used: 0 of 3 (known by 2021-12-01" in render_markdown(f)


def test_an_unrated_top_in_a_tie_is_said_once_to_have_no_lead() -> None:
    """H1 (rated C) and H3 (never rated) tie at the top under weighted: the warning on H3
    spoke of 'its lead', which the verdict says it has not; and the headline already says no
    rated item bears on H3, so no warning says it again (an early case listed two per
    hypothesis)."""
    from hypotheses.scoring import analyse
    from hypotheses.summary import verdict

    v = verdict(analyse(tied_with_unrated()), "weighted")
    assert "the top score goes to H3, which no rated item bears on, tied with H1" in v.headline
    assert not [w for w in v.warnings if w.startswith("H3 ")]


def test_a_top_barely_tested_and_incomplete_gets_one_warning_saying_both() -> None:
    """H1 rated C on E1 only, H2 rated N on E1 only, E2 rated for H1 alone (N): H1 and H2 tie
    at 0 under weighted; H2 is rated on 1 of 2 items and tested by none."""
    from hypotheses.scoring import analyse
    from hypotheses.summary import verdict

    case = _case(("E1", {"H1": "C", "H2": "N"}, None), ("E2", {"H1": "N"}, None))
    v = verdict(analyse(case), "weighted")
    assert [w for w in v.warnings if w.startswith(("H1 ", "H2 "))] == [
        "H1 is barely tested: 1 of 2 items bears on it, +1 −0: its place rests on almost nothing; add "
        "evidence that bears on it.",
        "H2 is barely tested: 0 of 2 items bear on it, +0 −0, and incomplete: 1/2 rated (1 not rated) — its "
        "place rests on almost nothing, and an unrated item counts as no evidence against it; rate it on "
        "every item."]


def test_a_report_as_of_a_date_judges_overdue_on_that_date_as_the_workbench_does() -> None:
    """M1 is expected by 1 May 2022. As of 1 March 2022 the workbench shows it watching, not
    overdue (it judges on the as-of date), but the report as of that date judged on today
    (7 Dec 2026) and called it overdue — in the indicators and in what to watch."""
    from hypotheses.models import Indicator

    case = unrated_first().model_copy(update={"indicators": [
        Indicator(id="M1", title="a", expected_by=date(2022, 5, 1), ratings={"H1": "CC", "H2": "I"})]})
    text = render_markdown(findings(case, as_of=date(2022, 3, 1)))
    assert "overdue" not in text
    assert "overdue" in render_markdown(findings(case))  # all dates: judged on today
    assert "overdue" in render_markdown(findings(case, as_of=date(2022, 6, 1)))


def test_the_view_of_a_hypothesis_behind_on_its_prior_says_how_much_the_priors_give() -> None:
    """Priors 1000 : 1, five items N for both (test_verdict_soundness): H2 is behind by
    ln 1000 = 6.91 in log score, every bit of it the prior's; its view said '(10.0 items of
    medium weight rated I)', as if evidence had gone against it."""
    from hypotheses.scoring import analyse
    from tests.test_verdict_soundness import _case as priors_case
    from tui.screens.hypothesis_view import verdict_lines

    a = analyse(priors_case((1000, 1), *[("N", "N")] * 5))
    assert verdict_lines(a, "bayes", 1).plain == (
        "Behind H1 by 6.91 in log score (10.0 items of medium weight rated I); "
        "the priors give 6.91 of it, the evidence 0.00")
    even = analyse(priors_case((1, 1), ("C", "I")))
    assert "priors" not in verdict_lines(even, "bayes", 1).plain
    assert "priors" not in verdict_lines(a, "weighted", 1).plain  # level there anyway


def test_the_separation_table_counts_one_item_in_the_singular() -> None:
    """E1 rates H1 C, H2 I: weighted 0 and −1, one medium item apart ('1.0 items')."""
    from hypotheses.scoring import analyse
    from hypotheses.separation import all_separations
    from tui.screens.separation_view import pair_cells

    a = analyse(_case(("E1", {"H1": "C", "H2": "I"}, None)))
    (pair,) = all_separations(a)
    assert pair_cells(a, "weighted", pair)[1].plain == "1.0 item"
    assert pair_cells(a, "bayes", pair)[1].plain == "2.0 items"


def test_the_view_of_an_unrated_top_tied_with_a_rated_one_says_it_rests_on_nothing() -> None:
    """H1 (rated C) and H3 (never rated) tie under weighted: H3's standing read 'top score,
    not separated from H1', as if its place had been weighed like H1's."""
    from hypotheses.scoring import analyse
    from tui.screens.hypothesis_view import standing_line

    a = analyse(tied_with_unrated())
    assert standing_line(a, "weighted", 2).plain.endswith(
        "· top score on no rated item: no verdict; not separated from H1")
    assert standing_line(a, "weighted", 0).plain.endswith("· top score, not separated from H3")


def test_a_verdict_that_the_left_out_items_would_overturn_says_so_in_the_report() -> None:
    """E1 rates H1 C, H2 I; E2 (H1 II, H2 N) and E3 (H1 II) are left out (what-if). Weighted:
    H1 0, H2 −1, H1 leads by one item; with E2 and E3 back, H1 −4 and H2 −1: H2 leads by
    three. The report's verdict named H1, and the left-out items came last, unweighed."""
    case = _case(("E1", {"H1": "C", "H2": "I"}, None), ("E2", {"H1": "II", "H2": "N"}, None),
                 ("E3", {"H1": "II"}, None))
    case = case.model_copy(update={"evidence": [case.evidence[0], *(ev.model_copy(update={"excluded": True})
                                                                    for ev in case.evidence[1:])]})
    f = findings(case, today=TODAY)
    sentence = ("With the 2 items left out (what-if: E2, E3) back in, weighted inconsistency (PARC) would "
                "give leader H2 instead of leader H1.")
    assert sentence in _section(render_markdown(f), "## Verdict")
    assert sentence in unescape(render_html(f))
    kept = findings(case.model_copy(update={"evidence": [*case.evidence[:2]]}), today=TODAY)
    # E2 alone back: H1 −2, H2 −1: H2 one item ahead — still a change
    assert "would give leader H2 instead of leader H1" in render_markdown(kept)
    same = case.model_copy(update={"evidence": [case.evidence[0],
                                                Evidence(id="E9", title="x", excluded=True,
                                                         ratings={"H1": "C", "H2": "I"})]})
    assert "left out (what-if" not in render_markdown(findings(same, today=TODAY))


def test_the_timeline_says_no_verdict_while_no_item_tells_the_leader_from_the_next() -> None:
    """1 Jan: E0 rates H1 C, E1 rates H2 I; no item rates both, so H1's lead over H2 is
    cells left unrated: no verdict. 1 Feb: E2 rates H1 C and H2 II: led by H1. Both reports
    say so (the HTML said 'led by H1 → led by H1', found by a reviewer)."""
    case = _case(("E0", {"H1": "C"}, date(2020, 1, 1)), ("E1", {"H2": "I"}, date(2020, 1, 1)),
                 ("E2", {"H1": "C", "H2": "II"}, date(2020, 2, 1)))
    points = leaders_over_time(case)
    assert [p.untold["weighted"] for p in points] == [("H2",), ()]
    change = "no verdict: top score H1, but no item tells it from H2 → "
    f = findings(case, "weighted", today=TODAY)
    assert change + "led by H1 (barely tested: 2 items bear on it)" in render_markdown(f).replace("*", "")
    assert change + "<b>led by H1 (barely tested: 2 items bear on it)</b>" in unescape(render_html(f))


def test_analysts_agreeing_on_a_top_that_one_analysts_verdict_does_not_name_say_so() -> None:
    """E1: ana H1 C, ben H1 C and H2 I; E2: ana H2 I. Each lens and the team put H1 first,
    but no item ana rated tells her H1 from H2: 'the analysts agree on the leader' was said
    over 'ana  H1 (no item tells it from H2)' (found by a reviewer)."""
    from hypotheses.scoring import analyse
    from hypotheses.team import TEAM, lens_case
    from tui.screens.analysts_view import leaders_text

    case = Case(id="t", title="Pair", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")],
                evidence=[Evidence(id="E1", title="a", ratings_by={"ana": {"H1": "C"},
                                                                   "ben": {"H1": "C", "H2": "I"}}),
                          Evidence(id="E2", title="b", ratings_by={"ana": {"H2": "I"}})])
    sentence = ("The analysts agree on the top score (H1), but not every analyst's verdict names it "
                "the leader: ana (no item tells it from H2).")
    text = render_markdown(findings(lens_case(case, TEAM), today=TODAY),
                           team=team_section(case, TEAM, "weighted"))
    assert sentence in text and "analysts agree on the leader" not in text
    view = leaders_text(case, analyse(lens_case(case, TEAM)), "weighted").plain
    assert view.startswith(sentence)


def test_the_what_if_names_only_left_out_items_known_by_the_reports_date() -> None:
    """A reviewer: a report as of 1 March listed E2 among the items that would change the
    verdict back in, though E2 is dated June and would not count then. Weighted as of 1 March:
    E1 gives H1 0, H2 −1; back in, E3 (undated: H1 II, H2 N) makes it H1 −2, H2 −1."""
    case = _case(("E1", {"H1": "C", "H2": "I"}, date(2022, 1, 1)), ("E2", {"H1": "II"}, date(2022, 6, 1)),
                 ("E3", {"H1": "II", "H2": "N"}, None))
    case = case.model_copy(update={"evidence": [case.evidence[0], *(ev.model_copy(update={"excluded": True})
                                                                    for ev in case.evidence[1:])]})
    text = render_markdown(findings(case, as_of=date(2022, 3, 1), today=TODAY))
    assert ("With the 1 item left out (what-if: E3) back in, weighted inconsistency (PARC) would give "
            "leader H2 instead of leader H1.") in text


def test_the_what_if_never_names_the_same_words_on_both_sides() -> None:
    """The blind checker: 'would be H3 instead of H3 (not separated)' — the band changed, the
    top did not, and the two sides read alike but for a note. Weighted: E1 (H1 C, H2 C, H3 I)
    gives H1, H2 0 and H3 −1: H1, H2 tie. Left out, E2 (H2 I, medium) would make H2 −1: H1
    leads by one item, H2 and H3 behind."""
    case = _case(("E1", {"H1": "C", "H2": "C", "H3": "I"}, None),
                 ("E2", {"H1": "N", "H2": "I", "H3": "N"}, None), hyps=("H1", "H2", "H3"))
    case = case.model_copy(update={"evidence": [case.evidence[0],
                                                case.evidence[1].model_copy(update={"excluded": True})]})
    text = render_markdown(findings(case, today=TODAY))
    assert ("back in, weighted inconsistency (PARC) would give leader H1 instead of top score H1, H2 "
            "(not separated).") in text


def test_an_incomplete_warning_counts_the_na_items_too() -> None:
    """The blind checker: 'H2 is incomplete: 2/9 rated (4 not rated)' left 3 NA items out, and
    the numbers did not add up. H1 and H2 tie at 0 under weighted; H2 is rated N on E1, C on
    E2, NA on E3 and not at all on E4."""
    from hypotheses.scoring import analyse
    from hypotheses.summary import verdict

    case = _case(("E1", {"H1": "N", "H2": "N"}, None), ("E2", {"H1": "C", "H2": "C"}, None),
                 ("E3", {"H1": "C", "H2": "NA"}, None), ("E4", {"H1": "C"}, None))
    v = verdict(analyse(case), "weighted")
    assert any("H2 is barely tested: 1 of 4 items bears on it, +1 −0, and incomplete: 2/4 rated "
               "(1 not rated, 1 NA)" in w for w in v.warnings), v.warnings


def priors_overturn_later() -> Case:
    """Priors H1 1000 : H2 1. E1 (1 Jan) rates H1 C, H2 I: the evidence too puts H1 first.
    E2 and E3 (1 Feb) rate H1 I, H2 C: on the evidence alone H2 is then 2 ln 2 ahead (two
    medium items), but the prior (ln 1000 = 6.91) keeps H1 on top, by 5.52."""
    case = _case(("E1", {"H1": "C", "H2": "I"}, date(2022, 1, 1)),
                 ("E2", {"H1": "I", "H2": "C"}, date(2022, 2, 1)),
                 ("E3", {"H1": "I", "H2": "C"}, date(2022, 2, 1)))
    h1, h2 = case.hypotheses
    return case.model_copy(update={"hypotheses": [h1.model_copy(update={"prior": 1000.0}), h2]})


def test_the_leader_over_time_says_when_only_the_priors_make_the_lead() -> None:
    """The verdict said 'The priors decide this: with equal priors the evidence alone puts
    H2 first', while the leader over time said plainly 'led by H1'."""
    f = findings(priors_overturn_later(), "bayes", today=TODAY)
    assert f.verdicts["bayes"].headline.endswith("with equal priors the evidence alone puts H2 first.")
    points = leaders_over_time(f.case)
    assert [p.band["bayes"] for p in points] == [("H1",), ("H1",)]
    assert [p.alone.get("bayes", ()) for p in points] == [(), ("H2",)]
    assert [p.alone.get("weighted", ()) for p in points] == [(), ()]  # no priors there
    text = _section(render_markdown(f), "## Leader over time")
    barely = " (barely tested: 1 item bears on it)"
    assert f"- 2022-01-01 (1 item): Bayes (log-linear) led by H1{barely}\n" in text
    assert (f"- 2022-02-01: Bayes (log-linear) led by H1{barely} → led by H1 on its prior "
            "(the evidence alone puts H2 first)") in text
    html = unescape(render_html(f))
    assert f"led by H1{barely} → <b>led by H1 on its prior (the evidence alone puts H2 first)</b>" in html
    assert "(3 items, 0 undated): led by H1 on its prior (the evidence alone puts H2 first)" in html


def test_the_as_of_line_says_when_only_the_priors_make_the_lead() -> None:
    from hypotheses.scoring import analyse
    from hypotheses.summary import leader_words

    case = priors_overturn_later()
    assert leader_words(analyse(case, date(2022, 1, 1)), "bayes") == "leader H1"
    after = analyse(case)
    assert leader_words(after, "bayes") == "leader H1 on its prior (the evidence alone puts H2 first)"
    assert leader_words(after, "bayes", short=True) == "leader H1 on its prior"
    assert leader_words(after, "weighted") == "leader H2"  # no priors in it
    # priors that pull H2 into the band: no leader named, and what the evidence alone says
    band = analyse(_case(("E1", {"H1": "C", "H2": "N"}, None)).model_copy(update={"hypotheses": [
        Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two", prior=3.0)]}))
    assert leader_words(band, "bayes") == ("top score H2 (not separated from H1; the evidence alone puts "
                                           "H1 first)")
    assert leader_words(band, "bayes", short=True) == "≈ H1, H2"


def team_on_priors() -> Case:
    """:func:`priors_overturn_later` as a team case: ana rated E1 alone (H1 C, H2 I), so her
    evidence too puts H1 first; ben rated all three items as that case does, so on his
    evidence alone H2 is first and only the prior (1000 : 1) keeps H1 on top. The consensus
    is ben's votes (ana's on E1 are the same)."""
    case = priors_overturn_later()
    items = [ev.model_copy(update={"ratings": {}, "ratings_by": {
        **({"ana": dict(ev.ratings)} if ev.id == "E1" else {}), "ben": dict(ev.ratings)}})
        for ev in case.evidence]
    return case.model_copy(update={"analysts": ["ana", "ben"], "evidence": items})


def test_the_team_reports_say_when_only_the_priors_make_an_analysts_lead() -> None:
    """The verdict under the team lens says 'on its prior; the evidence alone puts H2 first';
    the reports' team section named 'ben: H1' and 'the team (consensus): H1' plainly."""
    case = team_on_priors()
    f = findings(lens_case(case, TEAM), "bayes", today=TODAY)
    assert f.verdicts["bayes"].headline.endswith("with equal priors the evidence alone puts H2 first.")
    lines = ("- ana: H1\n- ben: H1 on its prior (the evidence alone puts H2 first)\n"
             "- the team (consensus): H1 on its prior (the evidence alone puts H2 first)")
    section = team_section(case, TEAM, "bayes")
    assert lines in _section(render_markdown(f, team=section), "## Team")
    html = unescape(render_html(f, team=section))
    assert "<li><b>ben</b>: H1 on its prior (the evidence alone puts H2 first)</li>" in html
    assert "<li><b>ana</b>: H1</li>" in html
    # a band the priors make is named as not separated, with what the evidence alone says
    from hypotheses.team import with_note
    assert with_note(["H1", "H2"], "not separated", alone=["H1"]) == \
        "H1, H2 (not separated; the evidence alone puts H1 first)"
    assert section.facts.named("ana") == "H1" and section.facts.alone_by_analyst["ana"] == ()


def test_the_one_line_verdict_names_a_long_list_by_its_first_few() -> None:
    """The workbench's one-line verdict was cut inside a band of fifteen at 80 columns; it
    now names the first few and how many more, and the long verdict still names them all."""
    from hypotheses.scoring import analyse
    from hypotheses.separation import line_names
    from hypotheses.summary import verdict

    ids = [f"H{k}" for k in range(1, 16)]
    assert line_names(ids) == "H1, H2, H3, H4, H5 and 10 more"
    assert line_names(ids[:6]) == "H1, H2, H3, H4, H5, H6"  # 'and 1 more' would take as much room
    assert line_names(ids[:7]) == "H1, H2, H3, H4, H5 and 2 more"
    few, whole = "H1, H2, H3, H4, H5 and 10 more", ", ".join(ids)
    level = verdict(analyse(_case(("E1", dict.fromkeys(ids, "C"), None), hyps=tuple(ids))), "weighted")
    assert level.brief == f"Not separated: {few} within one medium item"
    assert level.brief_watch == f"nothing watched tells {few} apart: add an indicator"
    assert f"does not separate {whole}:" in level.headline
    fresh = verdict(analyse(_case(("E1", {}, None), hyps=tuple(ids))), "weighted")
    assert fresh.brief == f"No verdict: top score {few} rests on no rated item"
    assert f"the top score goes to {whole}," in fresh.headline


def test_the_hypothesis_view_standing_says_a_lead_only_the_priors_make_is_on_its_prior() -> None:
    """The view's standing said a flat 'leads' above a verdict saying 'The priors decide
    this' (found using the workbench: enter on a leader whose prior of 6 to 1 made the lead)."""
    from hypotheses.scoring import analyse
    from tui.screens.hypothesis_view import standing_line

    a = analyse(priors_overturn_later())
    assert standing_line(a, "bayes", 0).plain.endswith("· leads on its prior")  # the verdict says the rest
    assert standing_line(a, "weighted", 1).plain.endswith("· leads")  # no priors in it
    early = analyse(priors_overturn_later(), date(2022, 1, 1))
    assert standing_line(early, "bayes", 0).plain.endswith("· leads")  # the evidence too


def test_the_hypothesis_views_rivals_say_their_gaps_hold_the_priors_share() -> None:
    """'Closest rivals: H2 2.7 medium items behind' read as evidence under Bayes with a prior
    of 1000 to 1, below a verdict saying the evidence alone puts H2 first."""
    from hypotheses.scoring import analyse
    from tui.screens.hypothesis_view import rivals_heading

    a = analyse(priors_overturn_later())
    assert rivals_heading(a, "bayes") == "Closest rivals under Bayes (each gap holds the priors' share)"
    assert rivals_heading(a, "weighted") == "Closest rivals under weighted"


def test_a_ranking_history_step_names_the_band_its_top_is_not_separated_from() -> None:
    """A low-credibility item rates H2 I: weighted H1 0, H2 −0.71, so H1 tops alone inside a
    band of two. The ranking history said '≈ H1' and 'H1 (not separated)' where the as-of
    line and the reports say '≈ H1, H2' and 'not separated: H1, H2' (found using the
    workbench: 'h' read as if H1 stood alone)."""
    from evidence.history import RankingStep
    from hypotheses.scoring import analyse
    from tui.screens.ranking_history import leaders_cell

    case = _case(("E1", {"H1": "N", "H2": "I"}, None))
    case = case.model_copy(update={"evidence": [case.evidence[0].model_copy(update={"credibility": "low"})]})
    a = analyse(case)
    hids = a.hypothesis_ids
    step = RankingStep(None, "", "", "", tuple(case.hypotheses), dict(a.models), a.posterior,
                       {m: tuple(hids[i] for i in sorted(a.models[m].top)) for m in a.models},
                       a.agree, notes={m: top_note(a, m) for m in a.models}, alone={})
    assert step.said("weighted")[:2] == (("H1",), "not separated")
    assert leaders_cell(step, "weighted", narrow=True) == "≈ H1, H2"
    assert leaders_cell(step, "weighted") == "H1 (not separated from H2)"
    assert leaders_cell(step, "inconsistency") == "H1"  # −1 there: a whole item apart


def test_the_separation_table_says_its_gaps_hold_the_priors_share() -> None:
    """'Apart by 2.7 items' for H1 / H2 under Bayes, below 'the evidence alone leaves H1, H2
    not separated': 2.6 of it was a prior of 6 to 1 (found using the workbench: T)."""
    from hypotheses.scoring import analyse
    from tui.screens.separation_view import keys_note

    a = analyse(priors_overturn_later())
    assert keys_note(a, "bayes").endswith("apart by: score gap in medium items, the priors' share included")
    assert keys_note(a, "weighted").endswith("apart by: score gap in medium items")
    even = analyse(_case(("E1", {"H1": "C", "H2": "I"}, None)))
    assert keys_note(even, "bayes").endswith("apart by: score gap in medium items")


def test_the_narrow_disagreement_line_and_the_views_name_each_model_as_people_read_it() -> None:
    """At 80 columns the line of who tops each model cut the names to five letters: 'weigh.'
    read as the app's own name. The hypothesis view and the analysts' leaders said 'under
    bayes' (the registry's key, as did the line at full width), where every other place says
    'Bayes'."""
    from hypotheses.scoring import analyse
    from tui.screens.hypothesis_view import standing_line
    from tui.widgets.ranking import disagreement_line

    a = analyse(_case(("E1", {"H1": "C", "H2": "N"}, None)))  # Bayes tops H1 alone, the others H1, H2
    assert not a.agree
    wide = disagreement_line(a, 0).plain
    assert wide == "≠ models disagree on the top score: inconsistency, weighted H1,H2 · Bayes H1"
    narrow = disagreement_line(a, 60).plain
    assert narrow == "≠ tops differ: incons., wtd. H1,H2 · Bayes H1", narrow
    assert standing_line(a, "bayes", 0).plain.startswith("Standing: rank 1 of 2 under Bayes (posterior")
