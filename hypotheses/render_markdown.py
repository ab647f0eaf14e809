"""The Markdown summary: what an analyst pastes into a report or a ticket."""

from __future__ import annotations

import re

from hypotheses.models import RATING_NAMES
from hypotheses.scoring import MODEL_NAMES, MODELS, leader_ids
from hypotheses.models import Case
from hypotheses.summary import Citation, Findings, leader_changes, leader_timeline

BAYES_CAVEAT = (
    "The Bayes model assumes the hypotheses are mutually exclusive and exhaustive: "
    "its posteriors are only as good as that assumption."
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_LEADING = re.compile(r"^(\s*)([-=+]|\d+\.)")


def md(text: str) -> str:
    """User text made inert: no markup, links, HTML, headings or table breaks."""
    flat = " ".join(text.split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _cite(c: Citation) -> str:
    ev = c.evidence
    return (
        f"- **{md(ev.id)}** ({c.rating}, {RATING_NAMES[c.rating]}; diagnosticity "
        f"{c.diagnosticity:.2f}): {md(ev.title)} — _{md(ev.source) or 'no source'}_"
    )


def _timeline(case: Case) -> list[str]:
    """When each model's leader changed as evidence accumulated, by event date."""
    points = leader_timeline(case)
    if len(points) < 2:
        return []
    out = ["", "## Leader over time", "",
           f"Using only the evidence dated up to each date ({points[0].as_of.isoformat()} to "
           f"{points[-1].as_of.isoformat()}, {len(points)} dates; undated evidence always counts):", ""]
    first = points[0]
    out += [f"- {first.as_of.isoformat()}: {MODEL_NAMES[m]} led by "
            f"{', '.join(md(h) for h in first.leaders[m]) or 'none'}" for m in MODELS]
    out += [f"- {c.as_of.isoformat()}: {MODEL_NAMES[c.model]} "
            f"{', '.join(md(h) for h in c.before) or 'none'} → {', '.join(md(h) for h in c.after) or 'none'}"
            for c in leader_changes(points)]
    return out


def render_markdown(f: Findings, history: list[str] | None = None) -> str:
    case, a, s = f.case, f.analysis, f.summary
    out: list[str] = [f"# {md(case.title)}", ""]
    if case.question:
        out += [f"**Question:** {md(case.question)}", ""]
    if case.description:
        out += [md(case.description), ""]
    when = f"as of {a.as_of.isoformat()}" if a.as_of else "all dates"
    out += [
        f"Evidence used: {s.evidence_used} of {len(case.evidence)} ({when}). "
        f"Ranked by the **{MODEL_NAMES[s.model]}** model.",
        "",
        "## Ranking",
        "",
        "| Rank | Hypothesis | Inconsistency | Weighted | Bayes posterior |",
        "|---:|---|---:|---:|---:|",
    ]
    for row in s.ranking:
        out.append(
            f"| {row.rank} | {md(row.id)}: {md(row.title)} | {row.inconsistency} | "
            f"{row.weighted:.2f} | {row.posterior * 100:.1f}% |"
        )
    out += ["", "Leaders by model:", ""]
    for model in MODELS:
        names = ", ".join(md(h) for h in leader_ids(a, model)) or "none"
        out.append(f"- {MODEL_NAMES[model]}: {names}")
    out += [
        "",
        "The three models agree on the leader."
        if s.models_agree
        else "**The models disagree on the leader**: read the evidence below before concluding.",
        "",
        f"> {BAYES_CAVEAT}",
        "",
        "## Evidence for and against each hypothesis",
        "",
        "Most diagnostic items first (diagnosticity: spread of an item's ratings across hypotheses).",
    ]
    for hyp in case.hypotheses:
        out += ["", f"### {md(hyp.id)}: {md(hyp.title)}", ""]
        if hyp.description:
            out += [md(hyp.description), ""]
        support, against = f.support[hyp.id], f.against[hyp.id]
        out.append("For:" if support else "For: nothing consistent with it.")
        out += [_cite(c) for c in support]
        out.append("Against:" if against else "Against: nothing inconsistent with it.")
        out += [_cite(c) for c in against]
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
        out.append("These items are analytic assumptions, not reports: conclusions resting on them are weaker.")
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
