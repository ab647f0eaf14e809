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
    assert "## Leader over time\n\nFewer than two event dates known by 2024-01-15: no timeline to draw." \
        in out
    assert "## Leader over time\n\nUsing only" in render_md(case, ReportOptions())
