"""The Markdown report keeps the paragraphs of a long description, and each stays inert."""

from __future__ import annotations

from hypotheses.models import Case, Hypothesis
from hypotheses.report import ReportOptions, render_md


def test_description_paragraphs_stay_paragraphs_and_markup_stays_text() -> None:
    case = Case(
        id="p",
        title="Paragraphs",
        description="How this case is rated.\n\n# not a heading\nThe source: [link](javascript:x)",
        hypotheses=[Hypothesis(id="H1", title="One", description="First.\nSecond *not bold*.")],
    )
    out = render_md(case, ReportOptions()).splitlines()
    at = out.index("How this case is rated.")
    assert out[at + 1] == "" and out[at + 2] == "\\# not a heading"
    assert out[at + 4].startswith("The source: \\[link\\]")
    assert "First." in out and "Second \\*not bold\\*." in out


def test_a_case_with_fewer_than_two_dates_says_why_it_has_no_timeline() -> None:
    """The HTML said 'Fewer than two event dates …: no timeline to draw'; the Markdown left the
    section out without a word, as if the report had lost it."""
    from datetime import date

    from hypotheses.models import Evidence

    def item(eid: str, day: date) -> Evidence:
        return Evidence(id=eid, title=eid, ratings={"H1": "C", "H2": "I"}, event_date=day)

    case = Case(id="t", title="T", hypotheses=[Hypothesis(id=h, title=h) for h in ("H1", "H2")],
                evidence=[item("E1", date(2024, 1, 1)), item("E2", date(2024, 2, 1))])
    out = render_md(case, ReportOptions(as_of=date(2024, 1, 15)))
    assert ("## Leader over time\n\nFewer than two known dates up to 2024-01-15 (an item is known from "
            "the later of its event and reported dates): no timeline to draw.") in out
    assert "## Leader over time\n\nUsing only" in render_md(case, ReportOptions())


def test_every_item_is_in_the_markdown_in_full_with_its_dates_and_source() -> None:
    """The matrix cuts a title to 48 characters, and only the few most diagnostic items were
    cited in full: an item's full title, its dates, source and link were lost (the HTML has them)."""
    from datetime import date

    from hypotheses.models import Evidence

    long = "A title far longer than the matrix column can hold, with its end: THE END"
    case = Case(id="s", title="S", hypotheses=[Hypothesis(id="H1", title="One")],
                evidence=[Evidence(id="E1", title=long, source="Reuters [wire]", admiralty="B2",
                                   url="https://example.org/a_b", event_date=date(2024, 1, 2),
                                   reported_date=date(2024, 1, 3), ratings={"H1": "N"}),
                          Evidence(id="E2", title="undated", ratings={"H1": "N"})])
    out = render_md(case, ReportOptions())
    sources = out[out.index("## Sources"):]
    assert ("- **E1** A title far longer than the matrix column can hold, with its end: THE END — "
            "Reuters \\[wire\\] \\[B2\\]; event 2024-01-02, reported 2024-01-03 — "
            "https://example.org/a\\_b") in sources
    assert "- **E2** undated — _no source given_; undated" in sources


def test_no_timeline_says_known_dates_not_event_dates() -> None:
    """Two event dates, one report date after both: the items are known on one date, so no
    timeline; the reports said 'Fewer than two event dates' of a case with two."""
    from datetime import date

    from hypotheses.models import Evidence

    def item(eid: str, day: date) -> Evidence:
        return Evidence(id=eid, title=eid, ratings={"H1": "C", "H2": "I"}, event_date=day,
                        reported_date=date(2024, 3, 1))

    case = Case(id="t", title="T", hypotheses=[Hypothesis(id=h, title=h) for h in ("H1", "H2")],
                evidence=[item("E1", date(2024, 1, 1)), item("E2", date(2024, 2, 1))])
    out = render_md(case, ReportOptions())
    assert "event dates" not in out.split("## Leader over time", 1)[1].split("\n## ", 1)[0]
    assert ("Fewer than two known dates (an item is known from the later of its event and reported "
            "dates): no timeline to draw.") in out


def test_an_observed_indicator_says_which_item_it_was_filed_as_without_saying_observed_twice() -> None:
    """Both reports said 'observed (observed as E13)' (found reading an export)."""
    from html import unescape

    from hypotheses.models import Evidence, Indicator
    from hypotheses.render_html import render_html
    from hypotheses.summary import findings

    case = Case(id="t", title="T",
                hypotheses=[Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")],
                evidence=[Evidence(id="E1", title="seen", ratings={"H1": "C", "H2": "I"})],
                indicators=[Indicator(id="M1", title="watch", ratings={"H1": "C", "H2": "I"},
                                      status="observed", evidence_id="E1")])
    text = render_md(case, ReportOptions())
    assert "observed as" not in text
    assert "- **M1** watch — observed (filed as E1); H1 C, H2 I" in text
    html = unescape(render_html(findings(case)))
    assert "observed as" not in html
    assert "(observed · filed as E1)" in html


def test_a_note_opening_with_its_own_code_says_the_code_once() -> None:
    """Reader: the bundled case's notes open with the rating they explain, and the report's
    note line read 'E7 · H6 N: N: an opening demand …'. A note left from another rating
    keeps its code, so the stale note shows."""
    from hypotheses.models import Evidence

    case = Case(id="n", title="Notes", hypotheses=[Hypothesis(id=h, title=h) for h in ("H1", "H2")],
                evidence=[Evidence(id="E1", title="x", ratings={"H1": "C", "H2": "I"},
                                   notes={"H1": "C: likelier if it is true", "H2": "II: an old note"})])
    out = render_md(case, ReportOptions()).splitlines()
    assert "- **E1** · H1 C: likelier if it is true" in out
    assert "- **E1** · H2 I: II: an old note" in out
