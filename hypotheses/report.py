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
    from hypotheses.summary import Findings
    from hypotheses.team import TeamSection


@dataclass(frozen=True)
class ReportOptions:
    """What a summary is computed for: the ordering model, an as-of date, a change log."""

    model: str = DEFAULT_MODEL
    as_of: date | None = None
    history: list[str] | None = None
    today: date | None = field(default=None)  # for "overdue"; None: the as-of date, else today
    lens: str = TEAM  # a team case: the team's consensus, or one analyst's votes


def render_json(case: Case, opts: ReportOptions) -> bytes:
    """The JSON summary, UTF-8 (made as bytes: a large case's text is never copied to encode it)."""
    from hypotheses.summary import summary_json

    return summary_json(case, opts.model, opts.as_of, opts.lens)


def render_md(case: Case, opts: ReportOptions) -> str:
    from hypotheses.render_markdown import render_markdown

    found, team = _findings(case, opts)
    return render_markdown(found, opts.history, team)


def render_html_report(case: Case, opts: ReportOptions) -> str:
    from hypotheses.render_html import render_html

    found, team = _findings(case, opts)
    return render_html(found, opts.history, team)


def _findings(case: Case, opts: ReportOptions) -> tuple[Findings, TeamSection | None]:
    """The findings on the case as the lens shows it, and (a team case) its team section."""
    from hypotheses.summary import findings
    from hypotheses.team import TEAM, lens_case, team_section

    found = findings(lens_case(case, opts.lens), opts.model, opts.as_of, today=opts.today)
    team = found.analysis if opts.lens == TEAM else None
    return found, team_section(case, opts.lens, found.summary.model, opts.as_of, team)


def render_csv_matrix(case: Case, opts: ReportOptions) -> str:
    from hypotheses.render_csv import render_csv
    from hypotheses.team import lens_case

    return render_csv(lens_case(case, opts.lens))
