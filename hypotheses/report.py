"""One entry point for the summary formats, so the CLI and the TUI render alike."""

from __future__ import annotations

from datetime import date

from hypotheses.models import Case

SUMMARY_FORMATS = ("md", "json", "csv", "html")


def render(
    case: Case,
    fmt: str,
    *,
    model: str = "weighted",
    as_of: date | None = None,
    history: list[str] | None = None,
) -> str:
    """The summary of ``case`` in ``fmt``; ``history`` adds a change log (md, html)."""
    if fmt == "csv":
        from hypotheses.render_csv import render_csv

        return render_csv(case)
    if fmt not in SUMMARY_FORMATS:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(SUMMARY_FORMATS)}")
    from hypotheses.summary import findings

    found = findings(case, model, as_of)
    if fmt == "json":
        return found.summary.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        from hypotheses.render_markdown import render_markdown

        return render_markdown(found, history)
    from hypotheses.render_html import render_html

    return render_html(found, history)
