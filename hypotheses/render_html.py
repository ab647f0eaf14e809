"""The HTML report: one self-contained file worth mailing to someone outside the terminal.

No scripts and no external assets: charts are inline SVG, styles inline, and a
Content-Security-Policy forbids anything else, so a hostile case file cannot
make the report run code even if a value slipped through. Every piece of user
text passes through ``esc``; links are made only from http(s) URLs.
"""

from __future__ import annotations

import math
from html import escape

from hypotheses.models import RATING_NAMES, RATINGS, Case, Evidence
from hypotheses.replay import StopLeaders, leader_changes, leaders_over_time
from hypotheses.scoring_models import SCORING_MODELS, scoring_model
from hypotheses.summary import Findings, Watch, coverage_text

CELL_COLOURS = {
    "CC": "#1a7f37", "C": "#8fd19e", "N": "#eeeeee",
    "I": "#f4a3a3", "II": "#c62828", "NA": "#d0d7de",
}
CELL_TEXT = {"CC": "#fff", "II": "#fff"}
# One colour per hypothesis (case order), for the timeline and the legend.
PALETTE = ("#0969da", "#bf3989", "#9a6700", "#8250df", "#1b7c83", "#bc4c00", "#4d2d00", "#57606a")
MAX_CHANGES = 40  # leader changes listed under the timeline chart
LEAD, OTHER = "#1a7f37", "#8c959f"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;
line-height:1.45;background:#f6f8fa}
main{max-width:74rem;margin:0 auto;padding:1.5rem 2rem 3rem;background:#fff;min-height:100vh}
header{border-bottom:3px solid #1f2328;padding-bottom:.8rem;margin-bottom:1rem}
h1{margin:.2rem 0 .4rem;font-size:1.9rem;line-height:1.2}
h2{margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid #d0d7de;font-size:1.35rem}
h3{margin:1rem 0 .3rem;font-size:1.05rem}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.75rem;color:#6e7781;margin:0}
.question{font-size:1.25rem;margin:.3rem 0;font-weight:500}
.meta{color:#57606a;font-size:.9rem;margin:.3rem 0}
.verdict{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.verdict div{flex:1 1 14rem;border:1px solid #d0d7de;border-radius:.5rem;padding:.6rem .9rem;background:#f6f8fa}
.verdict .lbl{display:block;font-size:.8rem;color:#57606a;font-weight:600;margin-bottom:.15rem}
.verdict .who{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
td,th{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top}
th{background:#f6f8fa;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.date{white-space:nowrap;font-variant-numeric:tabular-nums}
td.cell{text-align:center;font-weight:700;min-width:2.4rem;white-space:nowrap}
.matrix td:first-child{min-width:18rem}
.matrix th.h{text-align:center;min-width:2.4rem}
.scroll{overflow-x:auto}
.charts{display:flex;flex-wrap:wrap;gap:1.2rem}
.chart{border:1px solid #d0d7de;border-radius:.5rem;padding:.4rem .8rem .6rem;margin:0}
.chart h3{margin:.2rem 0 .4rem;font-size:.95rem}
.chart p{margin:.2rem 0 0;font-size:.8rem;color:#6e7781;max-width:322px}
.caveat{border-left:4px solid #bf8700;background:#fff8c5;padding:.5rem 1rem;margin:1rem 0}
.warning{border-left:4px solid #c62828;background:#ffebe9;padding:.4rem 1rem;margin:.4rem 0}
.conclusion{border:2px solid #1f2328;border-radius:.5rem;padding:.6rem 1rem;margin:1rem 0;white-space:pre-wrap}
.overdue{color:#c62828;font-weight:700}
.disagree{color:#c62828;font-weight:600}
.muted{color:#6e7781}
tr.excluded td{opacity:.45}
.tag{display:inline-block;background:#ddf4ff;border-radius:1rem;padding:0 .45rem;margin:0 .1rem;font-size:.8em}
.swatch{display:inline-block;width:.85rem;height:.85rem;border-radius:.15rem;vertical-align:-.1rem;margin-right:.3rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem;margin:.3rem 0 .6rem;padding:0;list-style:none}
.chip{display:inline-block;border-radius:.25rem;padding:0 .35rem;font-weight:700;font-size:.85em;margin-right:.2rem}
.badge{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:.78em;font-weight:600;
background:#fff1e5;color:#953800;border:1px solid #ffd8b5;margin-left:.3rem}
.badge.assume{background:#fbefff;color:#8250df;border-color:#e9d2fd}
li{margin:.15rem 0}
a{color:#0969da}
footer{margin-top:2.5rem;color:#6e7781;font-size:.85rem}
@media print{body{background:#fff}main{padding:0}.chart,.verdict div{break-inside:avoid}}
"""


def esc(text: object) -> str:
    """User text made inert in element content and in quoted attributes."""
    return escape(str(text), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def hyp_colour(case: Case, hid: str) -> str:
    for i, h in enumerate(case.hypotheses):
        if h.id == hid:
            return PALETTE[i % len(PALETTE)]
    return OTHER


def _chip(code: str) -> str:
    return (
        f'<span class="chip" style="background:{CELL_COLOURS[code]};color:{CELL_TEXT.get(code, "#1f2328")}" '
        f'title="{esc(RATING_NAMES[code])}">{esc(code)}</span>'
    )


# ------------------------------------------------------------------ charts


def _bar_chart(f: Findings, model: str) -> str:
    """One model's ranking as horizontal bars, best first.

    Bayes: posterior bars from 0 to the right. The inconsistency models score
    0 at best and lower as evidence weighs against, so bars grow to the left
    from a zero line: the shortest bar leads.
    """
    a = f.analysis
    sm = scoring_model(model)
    share = sm.shows_posterior  # a share from 0 to 1, else a score of 0 or less
    hyps = f.case.hypotheses
    ms = a.models[model]
    values = list(a.shown(model))
    width, bar_h, label_w, value_w = 322, 24, 112, 50
    plot = width - label_w - value_w
    height = bar_h * len(hyps) + 8
    span = (max((abs(v) for v in values), default=0.0) or 1.0) if not share else 1.0
    rows = []
    for row, i in enumerate(ms.order):
        v = values[i]
        length = max(plot * abs(v) / span, 1.0 if v else 0.0)
        y = 4 + row * bar_h
        colour = LEAD if i in ms.top else OTHER
        x = label_w if share else label_w + plot - length
        vx = label_w + length + 4 if share else label_w + plot + 4
        label = f"{hyps[i].id} · {_short(hyps[i].title, 10)}"
        rows.append(
            f'<text x="0" y="{y + 16}" font-size="12" fill="#1f2328">{esc(label)}'
            f"<title>{esc(hyps[i].id)}: {esc(hyps[i].title)}</title></text>"
            f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{bar_h - 8}" rx="2" fill="{colour}">'
            f"<title>{esc(hyps[i].id)}: {esc(hyps[i].title)} — {esc(sm.format_score(v))}</title></rect>"
            f'<text x="{vx:.1f}" y="{y + 16}" font-size="12" fill="#1f2328">{esc(sm.format_score(v))}</text>'
        )
    zero_x = label_w if share else label_w + plot
    axis = f'<line x1="{zero_x}" y1="0" x2="{zero_x}" y2="{height}" stroke="#57606a" stroke-width="1"/>'
    note = (
        "posterior probability; the longest bar leads"
        if share
        else "evidence against, from 0; the shortest bar leads"
    )
    return (
        f'<figure class="chart"><h3>{esc(sm.label)}</h3>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{esc(sm.label)} ranking">{axis}{"".join(rows)}</svg>'
        f"<p>{note}; leader in green</p></figure>"
    )


def _timeline_svg(case: Case, points: list[StopLeaders], as_of_index: int | None) -> str:
    """A lane per model, a column per as-of date, each cell coloured by its leader(s).

    Tied leaders share the cell in stripes, so a tie is visible, not hidden.
    """
    n = len(points)
    label_w, cell_h, gap, top = 100, 30, 8, 6
    # Fit ~1000px when it can; long timelines get thin columns (at least 4px) and scroll.
    cell_w = max(4.0, (1000 - label_w) / n)
    width = label_w + cell_w * n
    label_every = max(1, math.ceil(16 / cell_w))  # rotated date labels need ~16px apart
    lanes = len(SCORING_MODELS)
    axis_y = top + lanes * (cell_h + gap)
    height = axis_y + 78
    parts: list[str] = []
    for lane, sm in enumerate(SCORING_MODELS):
        y = top + lane * (cell_h + gap)
        parts.append(
            f'<text x="0" y="{y + cell_h / 2 + 4:.1f}" font-size="12" fill="#1f2328">'
            f"{esc(sm.short)}<title>{esc(sm.label)}</title></text>"
        )
        for k, point in enumerate(points):
            x = label_w + k * cell_w
            leaders = point.leaders[sm.name] or ("",)
            stripe = cell_h / len(leaders)
            tip = (
                f"as of {point.as_of.isoformat()} ({point.used} items, {point.undated} undated): "
                f"{', '.join(leaders) or 'no leader'} lead{'s' if len(leaders) == 1 else ''}"
            )
            for j, hid in enumerate(leaders):
                parts.append(
                    f'<rect x="{x + 1:.1f}" y="{y + j * stripe:.1f}" width="{cell_w - 2:.1f}" '
                    f'height="{stripe:.1f}" fill="{hyp_colour(case, hid)}"><title>{esc(tip)}</title></rect>'
                )
            if len(leaders) == 1 and cell_w >= 26:
                parts.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h / 2 + 4:.1f}" font-size="11" '
                    f'fill="#fff" text-anchor="middle" font-weight="600">{esc(_short(leaders[0], 5))}</text>'
                )
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{width}" y2="{axis_y}" stroke="#57606a"/>')
    for k, point in enumerate(points):
        last_fits = k == n - 1 and k % label_every * 2 >= label_every
        if k % label_every and not last_fits:
            continue
        x = label_w + k * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 12}" font-size="10.5" fill="#57606a" text-anchor="end" '
            f'transform="rotate(-40 {x:.1f} {axis_y + 12})">{esc(point.as_of.isoformat())}</text>'
        )
    if as_of_index is not None:
        x = label_w + (as_of_index + 1) * cell_w
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{axis_y}" stroke="#cf222e" '
            f'stroke-width="2" stroke-dasharray="4 3"><title>report as-of date</title></line>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" role="img" '
        f'aria-label="leader by as-of date">{"".join(parts)}</svg>'
    )


def _timeline(f: Findings) -> list[str]:
    case = f.case
    points = leaders_over_time(case)
    out = ['<section id="timeline"><h2>Leader over time</h2>']
    if len(points) < 2:
        out.append('<p class="muted">Fewer than two event dates: no timeline to draw.</p></section>')
        return out
    as_of = f.analysis.as_of
    idx = None
    if as_of is not None:
        idx = max((k for k, p in enumerate(points) if p.as_of <= as_of), default=None)
    undated = points[0].undated
    out.append(
        "<p>Who leads each model using only the evidence known by each date (the later of "
        "its event and reported dates). "
        f"{undated} undated item{'s' if undated != 1 else ''} count{'s' if undated == 1 else ''} "
        "at every date. Stripes mark tied leaders.</p>"
    )
    out.append(
        '<ul class="legend">'
        + "".join(
            f'<li><span class="swatch" style="background:{hyp_colour(case, h.id)}"></span>'
            f"<b>{esc(h.id)}</b> {esc(_short(h.title, 60))}</li>"
            for h in case.hypotheses
        )
        + "</ul>"
    )
    out.append('<div class="scroll">' + _timeline_svg(case, points, idx) + "</div>")
    changes = leader_changes(points)
    if changes:
        more = len(changes) - MAX_CHANGES
        out.append(
            "<h3>When the leader changed</h3><ul>"
            + "".join(
                f"<li>{esc(c.as_of.isoformat())} — {esc(scoring_model(c.model).label)}: "
                f"{esc(', '.join(c.before) or 'none')} → <b>{esc(', '.join(c.after) or 'none')}</b></li>"
                for c in changes[:MAX_CHANGES]
            )
            + (
                f'<li class="muted">… and {more} later changes (the chart shows them all)</li>'
                if more > 0
                else ""
            )
            + "</ul>"
        )
    else:
        out.append("<p>No model's leader changed over the timeline.</p>")
    out.append("</section>")
    return out


# ------------------------------------------------------------------ pieces


def _link(url: str | None) -> str:
    if not url:
        return ""
    shown = esc(_short(url, 70))
    if url.lower().startswith(("http://", "https://")):
        return f' — <a href="{esc(url)}" rel="noreferrer noopener">{shown}</a>'
    return f' — <span class="muted" title="not a web link, so not linked">{shown}</span>'


def _ratings(ev: Evidence, hids: list[str]) -> str:
    cells = [f"{esc(h)} {_chip(ev.ratings[h])}" for h in hids if h in ev.ratings]
    return " ".join(cells) or '<span class="muted">not rated</span>'


def _verdict(f: Findings) -> str:
    """Who leads each model, by how much, on what; never an unrated leader as a winner."""
    s, case = f.summary, f.case
    boxes = []
    for sm in SCORING_MODELS:
        v = f.verdicts[sm.name]
        ids = [h.id for h in v.leaders]
        if v.unrated_leader:
            names = "no verdict: the top score rests on no rated item"
        elif len(ids) == 1:
            names = f"<b>{esc(ids[0])}</b> {esc(_short(case.hypothesis(ids[0]).title, 90))}"
        else:
            names = f"a tie of {len(ids)}: " + ", ".join(f"<b>{esc(h)}</b>" for h in ids) if ids else "none"
        label = "Top score" if v.unrated_leader else "Leads"
        boxes.append(
            f'<div><span class="lbl">{label} under {esc(sm.label)}</span>'
            f'<span class="who">{names}</span>'
            f'<p class="meta">{esc(v.headline)}</p>'
            + "".join(f'<p class="warning">{esc(w)}</p>' for w in v.warnings)
            + "</div>"
        )
    agree = (
        "<p>The models agree on the leader.</p>"
        if s.models_agree
        else '<p class="disagree">The models disagree on the leader: read the evidence before concluding.</p>'
    )
    return '<section class="verdict">' + "".join(boxes) + "</section>" + agree


def _watch(w: Watch, today_overdue: bool) -> str:
    ind = w.indicator
    when = f" · expected by {esc(ind.expected_by.isoformat())}" if ind.expected_by else ""
    flag = ' <span class="overdue">overdue</span>' if today_overdue else ""
    seen = f" · observed as {esc(ind.evidence_id)}" if ind.evidence_id else ""
    return (
        f"<li>{_chip(w.rating)} <b>{esc(ind.id)}</b> {esc(ind.title)} "
        f'<span class="muted">({esc(ind.status)}{seen}{when})</span>{flag}</li>'
    )


def _indicators(f: Findings) -> list[str]:
    case = f.case
    if not case.indicators:
        return []
    out = [
        '<section id="indicators"><h2>Indicators</h2>'
        "<p>Registered before they are seen; they take no part in scoring.</p><ul>"
    ]
    for ind in case.indicators:
        when = f" · expected by {esc(ind.expected_by.isoformat())}" if ind.expected_by else ""
        flag = ' <span class="overdue">overdue</span>' if ind.overdue(f.today) else ""
        seen = f" · observed as {esc(ind.evidence_id)}" if ind.evidence_id else ""
        ratings = " ".join(f"{esc(h)} {_chip(code)}" for h, code in ind.ratings.items()) or "no ratings"
        out.append(
            f"<li><b>{esc(ind.id)}</b> {esc(ind.title)} "
            f'<span class="muted">({esc(ind.status)}{seen}{when})</span>{flag}<br>{ratings}</li>'
        )
    out.append("</ul></section>")
    return out


def render_html(f: Findings, history: list[str] | None = None) -> str:
    case, a, s = f.case, f.analysis, f.summary
    hids = a.hypothesis_ids
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(case.title)} — weigh</title><style>{STYLE}</style></head><body><main>",
        "<header>",
        '<p class="kicker">Analysis of Competing Hypotheses</p>',
        f"<h1>{esc(case.title)}</h1>",
    ]

    if case.question:
        parts.append(f'<p class="question">{esc(case.question)}</p>')
    if case.description:
        parts.append(f"<p>{esc(case.description)}</p>")
    when = f"known by {a.as_of.isoformat()}" if a.as_of else "all dates"
    parts.append(
        f'<p class="meta">{len(case.hypotheses)} hypotheses · evidence used: {s.evidence_used} of '
        f"{len(case.evidence)} ({esc(when)}; {a.undated_used} undated) · ranked by the "
        f"<b>{esc(scoring_model(s.model).label)}</b> model</p>"
    )
    parts.append("</header>")
    # the analyst's own judgement comes first, before any score
    if case.conclusion.strip():
        parts.append(
            f'<section id="conclusion"><h2>Conclusion</h2><p class="conclusion">'
            f"{esc(case.conclusion.strip())}</p></section>"
        )
    else:
        parts.append(
            '<section id="conclusion"><h2>Conclusion</h2>'
            '<p class="muted">No conclusion written yet.</p></section>'
        )
    parts.append(_verdict(f))

    heads = "".join(
        f"<th>{esc(m.short.capitalize() if not m.shows_posterior else m.short + ' posterior')}</th>"
        for m in SCORING_MODELS
    )
    parts.append(
        '<section id="ranking"><h2>Ranking</h2><table><tr><th>Rank</th><th>Hypothesis</th>'
        f"{heads}<th>Coverage</th></tr>"
    )
    for row in s.ranking:
        i = hids.index(row.id)
        score_cells = "".join(
            f'<td class="num">{esc(m.format_score(a.shown(m.name)[i]))}</td>' for m in SCORING_MODELS
        )
        cov = esc(coverage_text(a.coverage[i], len(a.used)))
        if row.incomplete:
            cov += f' <span class="badge">incomplete: {a.coverage[i].unrated} not rated</span>'
        parts.append(
            f'<tr><td class="num">{row.rank}</td><td><span class="swatch" '
            f'style="background:{hyp_colour(case, row.id)}"></span><b>{esc(row.id)}</b> {esc(row.title)}</td>'
            f"{score_cells}<td>{cov}</td></tr>"
        )
    parts.append("</table>")
    parts.append('<div class="charts">' + "".join(_bar_chart(f, m.name) for m in SCORING_MODELS) + "</div>")
    parts += [f'<p class="caveat">{esc(m.caveat)}</p>' for m in SCORING_MODELS if m.caveat]
    parts.append("</section>")

    parts += _indicators(f)
    parts += _timeline(f)

    parts.append('<section id="matrix"><h2>Matrix</h2>')
    parts.append(
        '<ul class="legend">'
        + "".join(f"<li>{_chip(code)} {esc(RATING_NAMES[code])}</li>" for code in RATINGS)
        + '<li><span class="chip muted">·</span> not rated</li></ul>'
    )
    parts.append(
        '<div class="scroll"><table class="matrix"><tr><th>Evidence</th><th>Date</th>'
        + "".join(f'<th class="h" title="{esc(h.title)}">{esc(h.id)}</th>' for h in case.hypotheses)
        + "<th>Diag.</th><th>Linchpin</th></tr>"
    )
    for i, ev in enumerate(case.evidence):
        cells = []
        for hid in hids:
            code = ev.ratings.get(hid)
            if code is None:
                cells.append('<td class="cell muted">·</td>')
                continue
            style = f"background:{CELL_COLOURS[code]};color:{CELL_TEXT.get(code, '#1f2328')}"
            note = ev.notes.get(hid, "")
            tip = esc(RATING_NAMES[code] + (f" — {note}" if note else ""))
            cells.append(f'<td class="cell" style="{style}" title="{tip}">{esc(code)}</td>')
        cls = ' class="excluded"' if ev.excluded else ""
        badges = '<span class="badge assume">assumption</span>' if ev.kind == "assumption" else ""
        badges += '<span class="badge">left out</span>' if ev.excluded else ""
        parts.append(
            f"<tr{cls}><td><b>{esc(ev.id)}</b> {esc(ev.title)}{badges}</td>"
            f'<td class="date">{esc(ev.event_date.isoformat() if ev.event_date else "")}</td>'
            + "".join(cells)
            + f'<td class="num">{a.diagnosticity[i]:.2f}</td><td>{esc(", ".join(a.linchpins[i]))}</td></tr>'
        )
    parts.append("</table></div></section>")

    parts.append('<section id="linchpins"><h2>Linchpins</h2>')
    linch = [(ev, a.linchpins[i]) for i, ev in enumerate(case.evidence) if a.linchpins[i]]
    if linch:
        parts.append(
            "<p>Removing any one of these alone changes the leading hypotheses of the named models.</p><ul>"
        )
        for ev, models in linch:
            flag = (
                ' <span class="badge assume">assumption — not a report</span>'
                if ev.kind == "assumption"
                else ""
            )
            parts.append(f"<li><b>{esc(ev.id)}</b> {esc(ev.title)} — {esc(', '.join(models))}{flag}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No single item changes the leader of any model when removed.</p>")
    parts.append("</section>")

    parts.append('<section id="assumptions"><h2>Key assumptions</h2>')
    if f.assumptions:
        parts.append(
            "<p>These items are analytic assumptions, not reports: "
            "conclusions resting on them are weaker.</p><ul>"
        )
        for ev, models in f.assumptions:
            flag = f' <span class="badge">linchpin ({esc(", ".join(models))})</span>' if models else ""
            parts.append(f"<li><b>{esc(ev.id)}</b> {esc(ev.title)}{flag}<br>{_ratings(ev, hids)}</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No evidence is marked as an assumption.</p>")
    parts.append("</section>")

    parts.append(
        '<section id="for-against"><h2>Evidence for and against</h2>'
        '<p class="muted">Most diagnostic items first.</p>'
    )
    for hyp in case.hypotheses:
        parts.append(
            f'<h3><span class="swatch" style="background:{hyp_colour(case, hyp.id)}"></span>'
            f"{esc(hyp.id)}: {esc(hyp.title)}</h3>"
        )
        if hyp.description:
            parts.append(f"<p>{esc(hyp.description)}</p>")
        for label, cites in (("For", f.support[hyp.id]), ("Against", f.against[hyp.id])):
            items = (
                "".join(
                    f"<li>{_chip(c.rating)} <b>{esc(c.evidence.id)}</b> {esc(c.evidence.title)} "
                    f'<span class="muted">(diagnosticity {c.diagnosticity:.2f})</span></li>'
                    for c in cites
                )
                or '<li class="muted">nothing</li>'
            )
            parts.append(f"<p><b>{label}</b></p><ul>{items}</ul>")
        i = hids.index(hyp.id)
        parts.append(
            f"<p>Coverage: {esc(coverage_text(a.coverage[i], len(a.used)))}"
            + (f" — {a.coverage[i].unrated} not rated" if a.coverage[i].incomplete else "")
            + "</p>"
        )
        for label, watches in (
            ("What would strengthen it", f.strengthen[hyp.id]),
            ("What would weaken it", f.weaken[hyp.id]),
        ):
            if watches:
                parts.append(
                    f"<p><b>{label}</b></p><ul>" + "".join(_watch(w, w.overdue) for w in watches) + "</ul>"
                )
    parts.append("</section>")

    parts.append('<section id="sources"><h2>Sources</h2><ul>')
    for ev in case.evidence:
        tags = "".join(f'<span class="tag">{esc(t)}</span>' for t in ev.tags)
        source = esc(ev.source) if ev.source else '<i class="muted">no source given</i>'
        grade = f' <span class="muted">[{esc(ev.admiralty)}]</span>' if ev.admiralty else ""
        parts.append(f"<li><b>{esc(ev.id)}</b> {source}{grade}{_link(ev.url)} {tags}</li>")
    parts.append("</ul></section>")
    if history is not None:
        parts.append(
            '<section id="changelog"><h2>Change log</h2><ul>'
            + ("".join(f"<li>{esc(h)}</li>" for h in history) or "<li>No recorded changes.</li>")
            + "</ul></section>"
        )
    parts.append(
        "<footer>Made with weigh. Scores follow the formulas in weigh's design notes; "
        "the report holds no scripts.</footer></main></body></html>"
    )
    return "\n".join(parts) + "\n"
