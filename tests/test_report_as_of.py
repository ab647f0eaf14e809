"""What a report as of a date shows of what was learnt after it, and what its lists leave out.

A report as of a date listed every item in its matrix, those known only later among them,
unmarked; an indicator observed through such an item read 'observed'; the HTML's date column
held only event dates (an item dated by its report looked undated) and its sources no dates;
'Against:' listed the three most diagnostic items over a count of seven, as if they were all.
"""

from __future__ import annotations

from datetime import date

from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.report import ReportOptions, render_html_report, render_md

AS_OF = ReportOptions(as_of=date(2024, 3, 3))


def _case() -> Case:
    def item(eid: str, ratings: dict[str, str], **dates: date) -> Evidence:
        return Evidence(id=eid, title=f"item {eid}", ratings=ratings, **dates)

    return Case(
        id="later", title="Later",
        hypotheses=[Hypothesis(id=h, title=h) for h in ("H1", "H2")],
        evidence=[item("E1", {"H1": "C", "H2": "I"}, event_date=date(2024, 1, 1)),
                  item("E2", {"H1": "C", "H2": "I"}, event_date=date(2024, 1, 2)),
                  item("E3", {"H1": "C", "H2": "I"}, event_date=date(2024, 1, 3)),
                  item("E4", {"H1": "N", "H2": "I"}, event_date=date(2024, 1, 4)),
                  item("E5", {"H1": "C", "H2": "I"}, reported_date=date(2024, 3, 5))],
        indicators=[Indicator(id="M1", title="we see X", expected_by=date(2024, 3, 1),
                              ratings={"H1": "C", "H2": "I"}, status="observed", evidence_id="E5")],
    )


def test_markdown_as_of_marks_what_was_known_later() -> None:
    out = render_md(_case(), AS_OF)
    assert ("* the rating has a note (below). Items marked (known later) were known only after "
            "2024-03-03: listed, but they take no part.") in out
    assert "| **E5** item E5 (known later) |" in out and "| **E4** item E4 |" in out
    said = ("still watched on 2024-03-03 (observed later: filed as E5, known from 2024-03-05), "
            "expected by 2024-03-01 — **overdue**")
    assert f"- **M1** we see X — {said}; H1 C, H2 I" in out
    assert f"- **M1** (C) we see X — {said}" in out  # under H1, what would strengthen it
    # with every date, the same indicator is observed, and no row is marked
    whole = render_md(_case(), ReportOptions())
    assert "- **M1** we see X — observed (filed as E5), expected by 2024-03-01; H1 C, H2 I" in whole
    assert "known later" not in whole


def test_markdown_lists_say_when_they_show_only_the_most_diagnostic() -> None:
    out = render_md(_case(), ReportOptions())
    assert "\nAgainst (the 3 most diagnostic of 5):\n- **E" in out
    assert "\nFor (the 3 most diagnostic of 4):\n- **E" in out
    assert "\nFor: nothing consistent with it.\n" in out  # H2: none, as before
    as_of = render_md(_case(), AS_OF)  # E5 known later: three of four taking part, and one N
    assert "\nFor:\n- **E" in as_of and "\nAgainst (the 3 most diagnostic of 4):\n" in as_of


def test_markdown_timeline_says_when_no_verdict_changed() -> None:
    out = render_md(_case(), ReportOptions())
    assert ("- 2024-01-01 (1 item): Bayes (log-linear) led by H1 (barely tested: 1 item bears on it)\n\n"
            "No model's verdict changed after the first date.\n") in out


def test_html_as_of_marks_known_later_and_gives_known_dates() -> None:
    out = render_html_report(_case(), AS_OF)
    assert ("<b>E5</b> item E5<span class=\"badge\">known later</span></td>"
            "<td class=\"date\" title=\"reported 2024-03-05\">2024-03-05</td>") in out
    assert ("<li><span class=\"badge\">known later</span> known only after 2024-03-03: "
            "listed, but takes no part</li>") in out
    assert ("(still watched on 2024-03-03 · observed later: filed as E5, known from 2024-03-05 · "
            "expected by 2024-03-01)</span> <span class=\"overdue\">overdue</span>") in out
    assert "<p><b>Against (the 3 most diagnostic of 4)</b></p>" in out
    assert ("<b>E5</b> <i class=\"muted\">no source given</i> "
            "<span class=\"muted\">reported 2024-03-05</span>") in out
    whole = render_html_report(_case(), ReportOptions())
    assert "known later" not in whole
    assert "(observed · filed as E5 · expected by 2024-03-01)</span></li>" in whole


def test_timeline_says_how_firmly_a_lone_leader_led_then() -> None:
    """'led by H5' stood in the default case's timeline from 17 March 2022 while no item then
    bore on H5 (the verdict at those dates warns it is barely tested)."""
    case = Case(
        id="t", title="T",
        hypotheses=[Hypothesis(id="H1", title="H1", prior=4.0), Hypothesis(id="H2", title="H2")],
        evidence=[Evidence(id=f"E{i}", title=f"e{i}", ratings=r, event_date=date(2024, 1, i))
                  for i, r in enumerate([{"H1": "N", "H2": "C"}, {"H1": "I", "H2": "N"},
                                         {"H1": "N", "H2": "C"}, {"H1": "C", "H2": "N"}], 1)],
    )
    out = render_md(case, ReportOptions(model="bayes"))
    assert ("- 2024-01-02: inconsistency (Heuer) not separated: H1, H2 → "
            "led by H2 (barely tested: 1 item bears on it)\n") in out
    assert ("- 2024-01-01 (1 item): Bayes (log-linear) led by H1 on its prior "
            "(the evidence alone puts H2 first; H1 barely tested: 0 items bear on it)\n") in out
    html = render_html_report(case, ReportOptions(model="bayes"))
    assert ("<li>2024-01-04 — Bayes (log-linear): led by H2 (barely tested: 2 items bear on it) → "
            "<b>not separated: H1, H2 (the evidence alone puts H2 first)</b></li>") in html
    assert "(1 item, 0 undated): led by H1 on its prior (the evidence alone puts H2 first; H1 barely" in html
