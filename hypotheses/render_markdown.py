"""The Markdown summary: what an analyst pastes into a report or a ticket."""

from __future__ import annotations

import re

from hypotheses.models import RATING_NAMES, Case
from hypotheses.replay import leader_changes, leaders_over_time
from hypotheses.scoring import leader_ids
from hypotheses.scoring_models import BAYES_CAVEAT, SCORING_MODELS, scoring_model
from hypotheses.summary import Citation, Findings, Watch, coverage_text

__all__ = ["BAYES_CAVEAT", "md", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_LEADING = re.compile(r"^(\s*)([-=+]|\d+\.)")


def md(text: str) -> str:
    """User text made inert: no markup, links, HTML, headings or table breaks."""
    flat = " ".join(text.split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def paragraphs(text: str) -> list[str]:
    """User text made inert line by line, so a long description keeps its paragraphs."""
    out: list[str] = []
    for line in text.strip().splitlines():
        if line.strip():
            out += [md(line), ""]
    return out


def _cite(c: Citation) -> str:
    ev = c.evidence
    return (
        f"- **{md(ev.id)}** ({c.rating}, {RATING_NAMES[c.rating]}; diagnosticity "
        f"{c.diagnosticity:.2f}): {md(ev.title)} — _{md(ev.source) or 'no source'}_"
    )


def _undated_note(undated: int) -> str:
    if not undated:
        return "no undated items"
    plural = undated != 1
    return f"{undated} undated item{'s' if plural else ''} count{'' if plural else 's'} at every date"


def _timeline(case: Case) -> list[str]:
    """When each model's leader changed as evidence became known, by known date."""
    points = leaders_over_time(case)
    if len(points) < 2:
        return []
    out = ["", "## Leader over time", "",
           f"Using only the evidence known by each date (the later of its event and reported dates; "
           f"{points[0].as_of.isoformat()} to {points[-1].as_of.isoformat()}, {len(points)} dates; "
           f"{_undated_note(points[0].undated)}):", ""]
    first = points[0]
    out += [f"- {first.as_of.isoformat()} ({first.used} items): {m.label} led by "
            f"{', '.join(md(h) for h in first.leaders[m.name]) or 'none'}" for m in SCORING_MODELS]
    out += [f"- {c.as_of.isoformat()}: {scoring_model(c.model).label} "
            f"{', '.join(md(h) for h in c.before) or 'none'} → {', '.join(md(h) for h in c.after) or 'none'}"
            for c in leader_changes(points)]
    return out


def _watch(w: Watch) -> str:
    ind = w.indicator
    when = f", expected by {ind.expected_by.isoformat()}" if ind.expected_by else ""
    flag = " — **overdue**" if w.overdue else ""
    seen = f" (observed as {md(ind.evidence_id)})" if ind.evidence_id else ""
    return f"- **{md(ind.id)}** ({w.rating}) {md(ind.title)} — {ind.status}{seen}{when}{flag}"


def _indicators(f: Findings) -> list[str]:
    """Every indicator, with what seeing it would do to each hypothesis."""
    case = f.case
    if not case.indicators:
        return []
    out = ["", "## Indicators", "", "Registered before they are seen; they take no part in scoring.", ""]
    for ind in case.indicators:
        when = f", expected by {ind.expected_by.isoformat()}" if ind.expected_by else ""
        flag = " — **overdue**" if ind.overdue(f.today) else ""
        seen = f" (observed as {md(ind.evidence_id)})" if ind.evidence_id else ""
        ratings = ", ".join(f"{md(h)} {code}" for h, code in ind.ratings.items()) or "no ratings"
        out.append(f"- **{md(ind.id)}** {md(ind.title)} — {ind.status}{seen}{when}{flag}; {ratings}")
    return out


def render_markdown(f: Findings, history: list[str] | None = None) -> str:
    case, a, s = f.case, f.analysis, f.summary
    out: list[str] = [f"# {md(case.title)}", ""]
    if case.question:
        out += [f"**Question:** {md(case.question)}", ""]
    # the analyst's own judgement comes first, before any score
    out += ["## Conclusion", ""]
    if case.conclusion.strip():
        out += [f"> {md(line)}" if line.strip() else ">" for line in case.conclusion.strip().splitlines()]
    else:
        out.append("_No conclusion written yet._")
    out.append("")
    if case.description:
        out += paragraphs(case.description)
    when = f"known by {a.as_of.isoformat()}" if a.as_of else "all dates"
    ranked_by = scoring_model(s.model)
    out += [
        f"Evidence used: {s.evidence_used} of {len(case.evidence)} ({when}; "
        f"{_undated_note(a.undated_used)}). Ranked by the **{ranked_by.label}** model.",
        "",
        "## Verdict",
        "",
    ]
    main = f.verdicts[s.model]
    out.append(md(main.headline))
    out += [f"- **Warning:** {md(w)}" for w in main.warnings]
    out += ["", "## Ranking", ""]
    cols = [m.short.capitalize() if not m.shows_posterior else f"{m.short} posterior" for m in SCORING_MODELS]
    out += [
        "| Rank | Hypothesis | " + " | ".join(cols) + " | Coverage |",
        "|---:|---|" + "---:|" * len(cols) + "---|",
    ]
    for row in s.ranking:
        i = a.hypothesis_ids.index(row.id)
        cells = [m.format_score(a.shown(m.name)[i]) for m in SCORING_MODELS]
        cov = coverage_text(a.coverage[i], len(a.used)) + (" (incomplete)" if row.incomplete else "")
        out.append(f"| {row.rank} | {md(row.id)}: {md(row.title)} | " + " | ".join(cells) + f" | {cov} |")
    out += ["", "Leaders by model:", ""]
    for m in SCORING_MODELS:
        v = f.verdicts[m.name]
        names = ", ".join(md(h) for h in leader_ids(a, m.name)) or "none"
        if v.unrated_leader:  # a top score on no rated item is not a lead
            names = f"no verdict (top score {names}, on no rated item)"
        out.append(f"- {m.label}: {names}" + ("" if m.name == s.model else f" — {md(v.headline)}"))
        if m.name != s.model:
            out += [f"  - **Warning:** {md(w)}" for w in v.warnings]
    out += [
        "",
        "The models agree on the leader."
        if s.models_agree
        else "**The models disagree on the leader**: read the evidence below before concluding.",
        "",
    ]
    out += [f"> {m.caveat}" for m in SCORING_MODELS if m.caveat]
    out += [
        "",
        "## Evidence for and against each hypothesis",
        "",
        "Most diagnostic items first (diagnosticity: spread of an item's ratings across hypotheses).",
    ]
    for hyp in case.hypotheses:
        out += ["", f"### {md(hyp.id)}: {md(hyp.title)}", ""]
        if hyp.description:
            out += paragraphs(hyp.description)
        support, against = f.support[hyp.id], f.against[hyp.id]
        out.append("For:" if support else "For: nothing consistent with it.")
        out += [_cite(c) for c in support]
        out.append("Against:" if against else "Against: nothing inconsistent with it.")
        out += [_cite(c) for c in against]
        i = a.hypothesis_ids.index(hyp.id)
        out.append(f"Coverage: {coverage_text(a.coverage[i], len(a.used))}"
                   + (f"; {a.coverage[i].unrated} not rated." if a.coverage[i].incomplete else "."))
        grow, shrink = f.strengthen[hyp.id], f.weaken[hyp.id]
        if grow or shrink:
            none = " no indicator registered."
            out.append("What would strengthen it:" + ("" if grow else none))
            out += [_watch(w) for w in grow]
            out.append("What would weaken it:" + ("" if shrink else none))
            out += [_watch(w) for w in shrink]
    out += _indicators(f)
    out += _timeline(case)
    out += ["", "## Linchpins", ""]
    linch = [(ev, a.linchpins[i]) for i, ev in enumerate(case.evidence) if a.linchpins[i]]
    if linch:
        out.append("Removing any one of these alone changes the leading hypotheses of the named models:")
        out.append("")
        out += [
            f"- **{md(ev.id)}** {md(ev.title)} — {', '.join(models)}"
            + (" — **assumption**, not a report" if ev.kind == "assumption" else "")
            for ev, models in linch
        ]
    else:
        out.append("No single item changes the leader of any model when removed.")
    out += ["", "## Key assumptions", ""]
    if f.assumptions:
        out.append(
            "These items are analytic assumptions, not reports: conclusions resting on them are weaker."
        )
        out.append("")
        for ev, models in f.assumptions:
            ratings = ", ".join(f"{md(h)} {ev.ratings[h]}" for h in a.hypothesis_ids if h in ev.ratings)
            flag = f" **Linchpin** ({', '.join(models)})." if models else ""
            out.append(f"- **{md(ev.id)}** {md(ev.title)} — ratings: {ratings or 'none'}.{flag}")
    else:
        out.append("No evidence is marked as an assumption.")
    excluded = [ev for ev in case.evidence if ev.excluded]
    if excluded:
        out += ["", "## Left out (what-if)", ""]
        out += [f"- {md(ev.id)}: {md(ev.title)}" for ev in excluded]
    if history is not None:
        out += ["", "## Change log", ""]
        out += [f"- {md(line)}" for line in history] or ["No recorded changes."]
    return "\n".join(out) + "\n"
