"""The HTML report: one self-contained file (no scripts, no external assets).

Every piece of user text passes through ``esc``; links are kept only for
http(s) URLs, so a report can be mailed to someone without risk.
"""

from __future__ import annotations

from html import escape

from hypotheses.models import RATING_NAMES
from hypotheses.render_markdown import BAYES_CAVEAT
from hypotheses.scoring import MODEL_NAMES, MODELS, leader_ids
from hypotheses.summary import Findings

CELL_COLOURS = {
    "CC": "#1a7f37", "C": "#8fd19e", "N": "#eeeeee",
    "I": "#f4a3a3", "II": "#c62828", "NA": "#d0d7de",
}
CELL_TEXT = {"CC": "#fff", "II": "#fff"}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:70rem;
color:#1f2328;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem}.question{font-size:1.15rem;color:#444}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;
vertical-align:top}th{background:#f6f8fa;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.cell{text-align:center;font-weight:600;min-width:2.2rem}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
.chart h3{margin:.2rem 0;font-size:1rem}.caveat{border-left:4px solid #bf8700;background:#fff8c5;padding:.5rem 1rem}
.disagree{color:#c62828;font-weight:600}.muted{color:#6e7781}tr.excluded td{opacity:.45}
.tag{display:inline-block;background:#ddf4ff;border-radius:1rem;padding:0 .45rem;margin:0 .15rem;font-size:.85em}
"""


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def _bar_chart(f: Findings, model: str) -> str:
    """A horizontal SVG bar chart of one model's scores (posteriors for bayes)."""
    a = f.analysis
    hyps = f.case.hypotheses
    values = list(a.posterior) if model == "bayes" else list(a.models[model].scores)
    order = a.models[model].order
    width, bar_h, label_w = 420, 22, 150
    height = bar_h * len(hyps) + 10
    span = max((abs(v) for v in values), default=0.0) or 1.0
    rows = []
    for row, i in enumerate(order):
        v = values[i]
        length = (width - label_w - 70) * abs(v) / span
        y = 5 + row * bar_h
        colour = "#1a7f37" if i in a.models[model].top else ("#8c959f" if v >= 0 else "#e5534b")
        shown = f"{v * 100:.1f}%" if model == "bayes" else (f"{v:.0f}" if model == "inconsistency" else f"{v:.2f}")
        rows.append(
            f'<text x="0" y="{y + 15}" font-size="12">{esc(hyps[i].id)}: {esc(hyps[i].title[:18])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{bar_h - 6}" fill="{colour}">'
            f"<title>{esc(hyps[i].title)}</title></rect>"
            f'<text x="{label_w + length + 4:.1f}" y="{y + 15}" font-size="12">{esc(shown)}</text>'
        )
    return (
        f'<div class="chart"><h3>{esc(MODEL_NAMES[model])}</h3>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{esc(MODEL_NAMES[model])} ranking">{"".join(rows)}</svg></div>'
    )


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.lower().startswith(("http://", "https://")):
        return f' <a href="{esc(url)}" rel="noreferrer noopener">link</a>'
    return f' <span class="muted">{esc(url)}</span>'


def render_html(f: Findings, history: list[str] | None = None) -> str:
    case, a, s = f.case, f.analysis, f.summary
    hids = a.hypothesis_ids
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(case.title)} — weigh</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(case.title)}</h1>",
    ]
    if case.question:
        parts.append(f'<p class="question">{esc(case.question)}</p>')
    if case.description:
        parts.append(f"<p>{esc(case.description)}</p>")
    when = f"as of {a.as_of.isoformat()}" if a.as_of else "all dates"
    parts.append(
        f"<p>Evidence used: {s.evidence_used} of {len(case.evidence)} ({esc(when)}). "
        f"Ranked by the <b>{esc(MODEL_NAMES[s.model])}</b> model. "
        + ("The three models agree on the leader." if s.models_agree
           else '<span class="disagree">The models disagree on the leader.</span>')
        + "</p>"
    )
    parts.append("<h2>Ranking</h2><table><tr><th>Rank</th><th>Hypothesis</th><th>Inconsistency</th>"
                 "<th>Weighted</th><th>Bayes posterior</th></tr>")
    for row in s.ranking:
        parts.append(
            f'<tr><td class="num">{row.rank}</td><td>{esc(row.id)}: {esc(row.title)}</td>'
            f'<td class="num">{row.inconsistency}</td><td class="num">{row.weighted:.2f}</td>'
            f'<td class="num">{row.posterior * 100:.1f}%</td></tr>'
        )
    parts.append("</table>")
    parts.append('<div class="charts">' + "".join(_bar_chart(f, m) for m in MODELS) + "</div>")
    leaders = "; ".join(f"{esc(MODEL_NAMES[m])}: {esc(', '.join(leader_ids(a, m)))}" for m in MODELS)
    parts.append(f"<p>Leaders — {leaders}.</p>")
    parts.append(f'<p class="caveat">{esc(BAYES_CAVEAT)}</p>')

    parts.append("<h2>Matrix</h2><table><tr><th>Evidence</th><th>Date</th>"
                 + "".join(f'<th title="{esc(h.title)}">{esc(h.id)}</th>' for h in case.hypotheses)
                 + "<th>Diag.</th><th>Linchpin</th></tr>")
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
            cells.append(f'<td class="cell" style="{style}" title="{tip}">{code}</td>')
        cls = ' class="excluded"' if ev.excluded else ""
        parts.append(
            f"<tr{cls}><td><b>{esc(ev.id)}</b> {esc(ev.title)}</td>"
            f"<td>{esc(ev.event_date.isoformat() if ev.event_date else '')}</td>"
            + "".join(cells)
            + f'<td class="num">{a.diagnosticity[i]:.2f}</td><td>{esc(", ".join(a.linchpins[i]))}</td></tr>'
        )
    parts.append("</table>")

    parts.append("<h2>Evidence for and against</h2>")
    for hyp in case.hypotheses:
        parts.append(f"<h3>{esc(hyp.id)}: {esc(hyp.title)}</h3>")
        if hyp.description:
            parts.append(f"<p>{esc(hyp.description)}</p>")
        for label, cites in (("For", f.support[hyp.id]), ("Against", f.against[hyp.id])):
            items = "".join(
                f"<li><b>{esc(c.evidence.id)}</b> ({c.rating}, diagnosticity {c.diagnosticity:.2f}): "
                f"{esc(c.evidence.title)}</li>"
                for c in cites
            ) or '<li class="muted">nothing</li>'
            parts.append(f"<p>{label}:</p><ul>{items}</ul>")

    parts.append("<h2>Linchpins</h2>")
    linch = [(ev, a.linchpins[i]) for i, ev in enumerate(case.evidence) if a.linchpins[i]]
    parts.append(
        "<ul>" + "".join(f"<li><b>{esc(ev.id)}</b> {esc(ev.title)} — {esc(', '.join(m))}</li>" for ev, m in linch) + "</ul>"
        if linch else "<p>No single item changes the leader of any model when removed.</p>"
    )
    parts.append("<h2>Key assumptions</h2>")
    parts.append(
        "<ul>" + "".join(
            f"<li><b>{esc(ev.id)}</b> {esc(ev.title)}"
            + (f' — <span class="disagree">linchpin ({esc(", ".join(m))})</span>' if m else "")
            + "</li>" for ev, m in f.assumptions) + "</ul>"
        if f.assumptions else "<p>No evidence is marked as an assumption.</p>"
    )
    parts.append("<h2>Sources</h2><ul>")
    for ev in case.evidence:
        tags = "".join(f'<span class="tag">{esc(t)}</span>' for t in ev.tags)
        parts.append(f"<li><b>{esc(ev.id)}</b> {esc(ev.source) or '<i>no source</i>'}{_link(ev.url)} {tags}</li>")
    parts.append("</ul>")
    if history is not None:
        parts.append("<h2>Change log</h2><ul>" + "".join(f"<li>{esc(h)}</li>" for h in history) + "</ul>")
    parts.append('<p class="muted">Made with weigh.</p></body></html>')
    return "\n".join(parts) + "\n"
