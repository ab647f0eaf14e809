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
