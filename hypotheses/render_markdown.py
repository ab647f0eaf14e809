"""The Markdown summary: what an analyst pastes into a report or a ticket."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from hypotheses.report_sections import (
    Report,
    Seen,
    agreement_text,
    build_report,
    dates_text,
    no_timeline_text,
    separation_text,
    undated_note,
)
from hypotheses.scoring import leader_ids
from hypotheses.scoring_models import BAYES_CAVEAT, SCORING_MODELS, scoring_model
from hypotheses.team import agree_text
from hypotheses.visible import visible
from hypotheses.vocabulary import RATING_NAMES, counted

if TYPE_CHECKING:
    from hypotheses.models import Indicator
    from hypotheses.summary import Citation, Findings, Watch
    from hypotheses.team import TeamSection

__all__ = ["BAYES_CAVEAT", "md", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
_LEADING = re.compile(r"^(\s*)([-=+]|\d+\.)")


def md(text: str) -> str:
    """User text made inert: no markup, links, HTML or entities, headings or table breaks, and
    no control characters (a terminal escape, a direction override) — each is shown instead."""
    flat = visible(" ".join(text.split()))
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def paragraphs(text: str) -> list[str]:
    """User text made inert line by line, so a long description keeps its paragraphs."""
    out: list[str] = []
    for line in text.strip().splitlines():
        if line.strip():
            out += [md(line), ""]
    return out


def _cite(c: Citation, split: str = "") -> str:
    ev = c.evidence
    votes = f"; {md(split)}" if split else ""
    return (
        f"- **{md(ev.id)}** ({c.rating}, {RATING_NAMES[c.rating]}{votes}; diagnosticity "
        f"{c.diagnosticity:.2f}): {md(ev.title)} — _{md(ev.source) or 'no source'}_"
    )


def _timeline(r: Report) -> list[str]:
    """When each model's leader changed as evidence became known, by known date."""
    points = r.timeline
    if not points:
        return ["", "## Leader over time", "", no_timeline_text(r.findings.analysis.as_of)]
    out = ["", "## Leader over time", "",
           f"Using only the evidence known by each date (the later of its event and reported dates; "
           f"{points[0].as_of.isoformat()} to {points[-1].as_of.isoformat()}, {len(points)} dates; "
           f"{undated_note(points[0].undated)}):", ""]
    first = points[0]
    at_first = {m.name: r.standing(first.band[m.name], first.unweighed[m.name], first.untold[m.name],
                                   first.alone.get(m.name, ()), first.as_of) for m in SCORING_MODELS}
    out += [f"- {first.as_of.isoformat()} ({counted(first.used, 'item')}): {m.label} {md(at_first[m.name])}"
            for m in SCORING_MODELS]
    out += [f"- {c.as_of.isoformat()}: {scoring_model(c.model).label} "
            f"{md(r.standing(c.before, c.before_unweighed, c.before_untold, c.before_alone, r.before(c)))} → "
            f"{md(r.standing(c.after, c.after_unweighed, c.after_untold, c.after_alone, c.as_of))}"
            for c in r.changes]
    if not r.changes:
        out += ["", "No model's verdict changed after the first date."]
    return out


def _status(ind: Indicator, seen: Seen) -> str:
    """'watching, expected by 2027-06-30 — **overdue**', 'observed (filed as E5)', …"""
    filed = f" ({md(seen.filed)})" if seen.filed else ""
    when = f", expected by {ind.expected_by.isoformat()}" if ind.expected_by else ""
    return f"{seen.status}{filed}{when}" + (" — **overdue**" if seen.overdue else "")


def _watch(w: Watch, seen: Seen) -> str:
    ind = w.indicator
    return f"- **{md(ind.id)}** ({w.rating}) {md(ind.title)} — {_status(ind, seen)}"


def _indicators(r: Report) -> list[str]:
    """Every indicator, with what seeing it would do to each hypothesis."""
    if not r.indicators:
        return []
    out = ["", "## Indicators", "", "Registered before they are seen; they take no part in scoring.", ""]
    for ind in r.indicators:
        ratings = ", ".join(f"{md(h.id)} {ind.ratings[h.id]}" for h in r.case.hypotheses
                            if h.id in ind.ratings) or "no ratings"
        out.append(f"- **{md(ind.id)}** {md(ind.title)} — {_status(ind, r.seen[ind.id])}; {ratings}")
    return out


def _head(r: Report) -> list[str]:
    case, a = r.case, r.findings.analysis
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
    out += [
        f"Evidence used: {len(a.used)} of {len(case.evidence)} ({r.when}; "
        f"{undated_note(a.undated_used)}). Ranked by the **{r.model.label}** model.",
    ]
    return out


def _verdict(r: Report) -> list[str]:
    """The chosen model's verdict, its warnings, and what tells the contenders apart."""
    v = r.opening.verdict
    out = ["", "## Verdict", "", md(v.headline)]
    out += [f"- **Warning:** {md(w)}" for w in v.warnings]
    out += [f"- **Next:** {md(v.watch_line)}"] if v.watch_line else []
    if r.what_if:
        out.append(f"- **Left out:** {md(r.what_if)}")
    if r.separations:
        out += ["", "What tells the contenders apart (items rated for both, differently):", ""]
        out += [f"- {md(separation_text(s))}" for s in r.separations]
    return out


def _ranking(r: Report) -> list[str]:
    f = r.findings
    banded = len(r.opening.verdict.band) > 1
    cols = [m.short.capitalize() if not m.shows_posterior else f"{m.short} posterior" for m in SCORING_MODELS]
    out = ["", "## Ranking", "",
           "| Rank | Hypothesis | " + " | ".join(cols) + " | Coverage | Tested |",
           "|---:|---|" + "---:|" * len(cols) + "---|---:|"]
    for row in r.ranking:
        mark = " ≈" if banded and row.in_band else ""
        cov = row.coverage + (" (incomplete)" if row.unrated else "")
        out.append(f"| {row.rank}{mark} | {md(row.hypothesis.id)}: {md(row.hypothesis.title)} | "
                   + " | ".join(row.scores) + f" | {cov} | {row.tested} |")
    if banded:
        out += ["", f"≈ within one medium item of the best score under {r.model.label}: not separated."]
    out += ["", "Leaders by model:", ""]
    for mv in r.models:
        v = mv.verdict
        names = ", ".join(md(h) for h in leader_ids(f.analysis, mv.model.name)) or "none"
        if mv.kind == "unrated":  # a top score on no rated item is not a lead
            names = f"no verdict ({md(mv.unweighed)})"
        elif mv.kind == "band":
            names = f"not separated: {', '.join(md(h) for h in mv.ids)}"
        out.append(f"- {mv.model.label}: {names}" + ("" if mv.chosen else f" — {md(v.headline)}"))
        if not mv.chosen:
            out += [f"  - **Warning:** {md(w)}" for w in v.warnings]
            out += [f"  - **Next:** {md(v.watch_line)}"] if v.watch_line else []
    out += [
        "",
        agreement_text(r)
        if f.summary.models_agree
        else "**The models disagree on the top score**: read the evidence below before concluding.",
        "",
    ]
    out += [f"> {m.caveat}" for m in SCORING_MODELS if m.caveat]
    return out


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _matrix(r: Report) -> list[str]:
    """The matrix, compact: codes (* a note below), the same-fact group, diagnosticity."""
    hids, as_of = r.findings.analysis.hypothesis_ids, r.findings.analysis.as_of
    out = ["", "## Matrix", "",
           "Codes: CC very consistent, C consistent, N neutral, I inconsistent, II very inconsistent, "
           "NA not applicable, · not rated; * the rating has a note (below)."
           + (f" Items marked (known later) were known only after {as_of.isoformat()}: listed, "
              "but they take no part." if as_of else ""), "",
           "| Item | Same fact | " + " | ".join(md(h) for h in hids) + " | Diag. |",
           "|---|---|" + ":-:|" * len(hids) + "---:|"]
    for row in r.matrix:
        ev = row.evidence
        left = " (left out)" if ev.excluded else " (known later)" if row.later else ""
        cells = [(c.code or "·") + ("\\*" if c.note and c.code else "") for c in row.cells]
        out.append(f"| **{md(ev.id)}** {md(_short(ev.title, 48))}{left} | {md(row.fact or '')} | "
                   + " | ".join(cells) + f" | {row.diagnosticity:.2f} |")
    if r.facts:
        out += ["", "Same-fact groups (one fact, counted once: each counts 1/n of the n taking part):", ""]
        out += [f"- **{md(fact.group)}**: {', '.join(md(i) for i in fact.ids)} — one fact"
                + (f", {fact.taking_part} taking part" if fact.taking_part != len(fact.ids) else "")
                for fact in r.facts]
    if r.notes:
        out += ["", "### Rating notes", ""]
        out += [f"- **{md(eid)}** · {md(c.hypothesis_id)} {c.code}: {md(c.note)}" for eid, c in r.notes]
    return out


def _hypotheses(r: Report, team: TeamSection | None = None) -> list[str]:
    out = ["", "## Evidence for and against each hypothesis", "",
           "Most diagnostic items first (diagnosticity: spread of an item's ratings across hypotheses)."]
    for h in r.per_hypothesis:
        hyp = h.hypothesis
        out += ["", f"### {md(hyp.id)}: {md(hyp.title)}", ""]
        if hyp.description:
            out += paragraphs(hyp.description)
        out.append(f"{h.for_heading}:" if h.support else "For: nothing consistent with it.")
        def split(c: Citation, hid: str = hyp.id) -> str:
            return team.split_votes(c.evidence.id, hid) if team else ""
        out += [_cite(c, split(c)) for c in h.support]
        out.append(f"{h.against_heading}:" if h.against else "Against: nothing inconsistent with it.")
        out += [_cite(c, split(c)) for c in h.against]
        out.append(f"Coverage: {h.coverage}" + (f"; {h.unrated} not rated." if h.unrated else "."))
        if h.strengthen or h.weaken:
            none = " no indicator registered."
            out.append("What would strengthen it:" + ("" if h.strengthen else none))
            out += [_watch(w, r.seen[w.indicator.id]) for w in h.strengthen]
            out.append("What would weaken it:" + ("" if h.weaken else none))
            out += [_watch(w, r.seen[w.indicator.id]) for w in h.weaken]
    return out


def _linchpins_and_assumptions(r: Report) -> list[str]:
    f = r.findings
    out = ["", "## Linchpins", ""]
    if r.linchpins:
        out.append("Removing any one of these alone changes the leading hypotheses of the named models:")
        out.append("")
        out += [
            f"- **{md(ev.id)}** {md(ev.title)} — {', '.join(models)}"
            + (" — **assumption**, not a report" if ev.kind == "assumption" else "")
            for ev, models in r.linchpins
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
            hids = f.analysis.hypothesis_ids
            ratings = ", ".join(f"{md(h)} {ev.ratings[h]}" for h in hids if h in ev.ratings)
            flag = f" **Linchpin** ({', '.join(models)})." if models else ""
            out.append(f"- **{md(ev.id)}** {md(ev.title)} — ratings: {ratings or 'none'}.{flag}")
    else:
        out.append("No evidence is marked as an assumption.")
    return out


def _votes(votes: Mapping[str, str]) -> str:
    return ", ".join(f"{md(a)} {code}" for a, code in votes.items()) or "no votes"


def _team(t: TeamSection | None) -> list[str]:
    """Who the analysts are, whom each puts first, and where they disagree most."""
    if t is None:
        return []
    f = t.facts
    out = ["", "## Team", "",
           f"Analysts: {', '.join(md(a) for a in f.analysts)}. This report's matrix and scores are "
           f"{md(t.seen_as)} (lens {md(f.lens)}).", "",
           f"Each analyst's leader under {scoring_model(t.model).label}:", ""]
    out += [f"- {md(a)}: {md(f.named(a))}" for a in f.leaders_by_analyst]
    out.append(f"- the team (consensus): {md(f.named())}")
    out += ["", md(agree_text(f.team_leaders, f.team_note, f.notes_by_analyst)) if f.analysts_agree
            else f"**{md(f.consensus_apart)}.**" if f.consensus_apart
            else f"**The analysts disagree on the top score**: {md(t.leaders_line)}."]
    out += ["", "### Cells of largest disagreement", ""]
    if not t.cells:
        out.append("The analysts agree on every cell they rated.")
    for c in t.cells:
        out.append(f"- **{md(c.evidence.id)}** {md(_short(c.evidence.title, 60))} · {md(c.hypothesis_id)} — "
                   f"{c.disagreement.text}; consensus {c.consensus or 'unrated'}: {_votes(c.votes)}")
        out += [f"  - {md(a)}: {md(note)}" for a, note in c.notes.items()]
    out += ["", "### Items of largest disagreement (discuss these first)", ""]
    if not t.items:
        out.append("No item has a cell the analysts disagree on.")
    for it in t.items:
        out.append(f"- **{md(it.evidence.id)}** {md(_short(it.evidence.title, 60))} — {it.disagreement.text}")
        out += [f"  - {md(a)}: " + ", ".join(f"{md(h)} {code}" for h, code in row.items())
                for a, row in it.votes.items()]
        out += [f"  - {md(a)}'s note on {md(h)}: {md(text)}"
                for a, cells in it.notes.items() for h, text in cells.items()]
    return out


def _sources(r: Report) -> list[str]:
    """Every item in full (the matrix cuts titles to fit): its dates, source, grade and link."""
    out = ["", "## Sources", ""]
    for ev in r.case.evidence:
        source = md(ev.source) or "_no source given_"
        out.append(f"- **{md(ev.id)}** {md(ev.title)} — {source}"
                   + (f" \\[{md(ev.admiralty)}\\]" if ev.admiralty else "")
                   + f"; {dates_text(ev)}"
                   + (f" — {md(ev.url)}" if ev.url else ""))
    return out


def render_markdown(f: Findings, history: list[str] | None = None, team: TeamSection | None = None) -> str:
    r = build_report(f, history)
    out = _head(r) + _verdict(r) + _ranking(r) + _team(team) + _matrix(r) + _hypotheses(r, team)
    out += _indicators(r) + _timeline(r) + _linchpins_and_assumptions(r) + _sources(r)
    if r.excluded:
        out += ["", "## Left out (what-if)", ""]
        out += [f"- {md(ev.id)}: {md(ev.title)}" for ev in r.excluded]
    if history is not None:
        out += ["", "## Change log", ""]
        out += [f"- {md(line)}" for line in history] or ["No recorded changes."]
    return "\n".join(out) + "\n"
