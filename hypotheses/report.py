"""The summary formats as text, one function each, so the CLI and the TUI render alike.

The file-format registry (``evidence.formats``) lists them with the case file
and PARC's format; nothing here dispatches on a format's name. Each function
imports its renderer when called, so an export loads the one it writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from hypotheses.scoring_models import DEFAULT_MODEL
from hypotheses.slug import TEAM

if TYPE_CHECKING:
    from hypotheses.models import Case


@dataclass(frozen=True)
class ReportOptions:
    """What a summary is computed for: the ordering model, an as-of date, a change log."""

    model: str = DEFAULT_MODEL
    as_of: date | None = None
    history: list[str] | None = None
    today: date | None = field(default=None)  # for "overdue"; None: the current date
    lens: str = TEAM  # a team case: the team's consensus, or one analyst's votes


def render_json(case: Case, opts: ReportOptions) -> str:
    from hypotheses.summary import summary_json

    return summary_json(case, opts.model, opts.as_of)


def render_md(case: Case, opts: ReportOptions) -> str:
    from hypotheses.render_markdown import render_markdown
    from hypotheses.summary import findings

    return render_markdown(findings(case, opts.model, opts.as_of, today=opts.today), opts.history)


def render_html_report(case: Case, opts: ReportOptions) -> str:
    from hypotheses.render_html import render_html
    from hypotheses.summary import findings

    return render_html(findings(case, opts.model, opts.as_of, today=opts.today), opts.history)


def render_csv_matrix(case: Case, opts: ReportOptions) -> str:
    from hypotheses.render_csv import render_csv
    from hypotheses.team import lens_case

    return render_csv(lens_case(case, opts.lens))
