"""The HTML report: one self-contained file worth mailing to someone outside the terminal.

Rendered from the Jinja2 template ``hypotheses/templates/report.html.j2`` with
autoescaping on, so every value is escaped unless the template marks it safe (only
the style sheet, a constant here). No scripts and no external assets: charts are
inline SVG whose shapes are computed here as numbers, styles inline, and a
Content-Security-Policy forbids anything else. Links are made only from http(s) URLs.
The facts come from :func:`hypotheses.report_sections.build_report`, as the
Markdown report's do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hypotheses.report_sections import (
    Report,
    agreement_text,
    build_report,
    dates_text,
    no_timeline_text,
    separation_text,
    undated_note,
)
from hypotheses.scoring import known_date
from hypotheses.scoring_models import SCORING_MODELS, scoring_model
from hypotheses.separation import untold_note
from hypotheses.team import agree_text
from hypotheses.visible import visible
from hypotheses.vocabulary import RATING_NAMES, RATINGS, counted

if TYPE_CHECKING:
    from hypotheses.replay import StopLeaders
    from hypotheses.summary import Findings
    from hypotheses.team import TeamSection

CELL_COLOURS = {
    "CC": "#1a7f37", "C": "#8fd19e", "N": "#eeeeee",
    "I": "#f4a3a3", "II": "#c62828", "NA": "#d0d7de",
}
CELL_TEXT = {"CC": "#fff", "II": "#fff"}
# One colour per hypothesis (case order), for the timeline and the legend.
PALETTE = ("#0969da", "#bf3989", "#9a6700", "#8250df", "#1b7c83", "#bc4c00", "#4d2d00", "#57606a")
MAX_CHANGES = 40  # leader changes listed under the timeline chart
LEAD, BAND, OTHER = "#1a7f37", "#8fd19e", "#8c959f"
MIN_BAR = 4.0  # a bar of score 0 still shows, so a leader at 0 is marked
PRIOR_OPACITY = ".3"  # the timeline's cells whose lead only unequal priors make: pale
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
.next{border-left:4px solid #0969da;background:#ddf4ff;padding:.4rem 1rem;margin:.4rem 0}
.conclusion{border:2px solid #1f2328;border-radius:.5rem;padding:.6rem 1rem;margin:1rem 0;white-space:pre-wrap}
.overdue{color:#c62828;font-weight:700}
.disagree{color:#c62828;font-weight:600}
.muted{color:#6e7781}
tr.excluded td{opacity:.45}
tr.band td{background:#f0fff4}
td.noted{box-shadow:inset 0 0 0 2px #1f2328}
.chip.noted{background:#eeeeee;box-shadow:inset 0 0 0 2px #1f2328}
.fact{display:inline-block;background:#fff8c5;border:1px solid #d4a72c;border-radius:.25rem;padding:0 .35rem;
font-size:.8em;white-space:nowrap}
.headline{font-size:1.1rem;font-weight:600}
li.untold{color:#c62828;font-weight:600}
.badge.band{background:#dafbe1;color:#1a7f37;border-color:#aceebb}
.verdict div.chosen{border:2px solid #1f2328}
ul.notes li{margin:.25rem 0}
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
    """User text made inert in element content and in quoted attributes (for callers
    outside the template; the template escapes by itself)."""
    return escape(str(text), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _n(v: float) -> str:
    return f"{v:.1f}"


@dataclass
class Chart:
    """An SVG's shapes, as the template draws them (numbers already formatted)."""

    width: str
    height: str
    aria: str
    title: str = ""
    note: str = ""
    rects: list[dict[str, str]] = field(default_factory=list)
    texts: list[dict[str, str]] = field(default_factory=list)
    lines: list[dict[str, str]] = field(default_factory=list)

    def text(self, x: float, y: float, text: str, size: str = "12", tip: str = "", **extra: str) -> None:
        self.texts.append({"x": _n(x), "y": _n(y), "text": text, "size": size, "fill": extra.get("fill", "#1f2328"),
                           "anchor": extra.get("anchor", ""), "weight": extra.get("weight", ""),
                           "transform": extra.get("transform", ""), "tip": tip})

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str, **extra: str) -> None:
        self.rects.append({"x": _n(x), "y": _n(y), "w": _n(w), "h": _n(h), "fill": fill, "tip": tip,
                           "rx": extra.get("rx", ""), "stroke": extra.get("stroke", ""),
                           "opacity": extra.get("opacity", "")})

    def line(self, x1: float, y1: float, x2: float, y2: float, **extra: str) -> None:
        self.lines.append({"x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2),
                           "stroke": extra.get("stroke", "#57606a"), "width": extra.get("width", "1"),
                           "dash": extra.get("dash", ""), "tip": extra.get("tip", "")})


def bar_chart(r: Report, model: str) -> Chart:
    """One model's ranking as horizontal bars, best first; the leaders green, the rest of
    the chosen model's band light green; a top score no rated item bears on grey and ◇ (no
    verdict names it).

    Bayes: posterior bars from 0 to the right. The inconsistency models score 0 at
    best and lower as evidence weighs against, so bars grow to the left from a zero
    line: the shortest bar leads. A bar is never shorter than ``MIN_BAR``, so a
    leader at 0 (nothing against it) still shows green.
    """
    a = r.findings.analysis
    sm = scoring_model(model)
    share = sm.shows_posterior
    hyps = r.case.hypotheses
    ms = a.models[sm.name]
    values = list(a.shown(sm.name))
    width, bar_h, label_w, value_w = 322, 24, 112, 50
    plot = width - label_w - value_w
    height = bar_h * len(hyps) + 8
    span = 1.0 if share else (max((abs(v) for v in values), default=0.0) or 1.0)
    inside = set(r.findings.verdicts[sm.name].band)
    banded = len(inside) > 1
    chart = Chart(str(width), str(height), f"{sm.label} ranking", sm.label)
    zero_x = label_w if share else label_w + plot
    chart.line(zero_x, 0, zero_x, height)
    verdict = r.findings.verdicts[sm.name]
    # a top score, no leader, when the verdict names none for want of ratings: a top on no
    # rated item (and any rated one tied with it), or a lead only cells left unrated make
    unweighed = set(ms.top) if verdict.unweighed else set()
    for row, i in enumerate(ms.order):
        v, hyp, y = values[i], hyps[i], 4 + row * bar_h
        length = max(plot * abs(v) / span, MIN_BAR)
        lead = i in ms.top and i not in unweighed
        colour = LEAD if lead else BAND if banded and hyp.id in inside and i not in unweighed else OTHER
        x = label_w if share else label_w + plot - length
        shown = sm.format_score(v)
        mark = " ◆" if lead else " ◇" if i in unweighed else ""
        chart.text(0, y + 16, f"{hyp.id}{mark} · {_short(hyp.title, 10)}", tip=f"{hyp.id}: {hyp.title}",
                   weight="700" if i in ms.top else "")
        chart.rect(x, y + 4, length, bar_h - 8, colour, f"{hyp.id}: {hyp.title} — {shown}", rx="2")
        chart.text(label_w + length + 4 if share else label_w + plot + 4, y + 16, shown)
    chart.note = _bar_note(share, banded, bool(set(ms.top) - unweighed), verdict.untold, bool(unweighed))
    return chart


def _bar_note(share: bool, banded: bool, marked: bool, untold: tuple[str, ...], unweighed: bool) -> str:
    """A bar chart's legend, naming a leader only where the verdict does: a lone ◆ is the
    leader; ◆ in a band is a top score the evidence does not separate from the light green."""
    what = "posterior probability; the longest bar" if share else "evidence against, from 0; the shortest bar"
    if not marked:  # no ◆: the top is ◇, no leader
        note = f"{what} scores best"
    elif banded:
        note = (f"{what} scores best; ◆ top score in green (light green: within one medium item of it): "
                "not separated, no leader")
    else:
        note = f"{what} leads; ◆ leader in green"
    if untold:
        return note + f"; ◇ top score, but {untold_note(untold)}: no leader"
    return note + ("; ◇ top score on no rated item (or tied with one): no leader" if unweighed else "")


def timeline_chart(r: Report, as_of_index: int | None, colours: dict[str, str]) -> Chart:
    """A lane per model, a column per as-of date, each cell coloured by its leader.

    Hypotheses the evidence does not separate then (the band) share the cell in
    stripes, so a lead too small to count is visible, not hidden; a lead or band only
    unequal priors make is pale, so the picture claims no more than its words.
    """
    points = r.timeline
    n = len(points)
    label_w, cell_h, gap, top = 100, 30, 8, 6
    # Fit ~1000px when it can; long timelines get thin columns (at least 4px) and scroll.
    cell_w = max(4.0, (1000 - label_w) / n)
    width = label_w + cell_w * n
    lanes = len(SCORING_MODELS)
    axis_y = top + lanes * (cell_h + gap)
    chart = Chart(f"{width:.0f}", str(axis_y + 78), "leader by as-of date")
    for lane, sm in enumerate(SCORING_MODELS):
        y = top + lane * (cell_h + gap)
        chart.text(0, y + cell_h / 2 + 4, sm.short, tip=sm.label)
        for k, point in enumerate(points):
            _timeline_cell(chart, r, point, sm.name, label_w + k * cell_w, y, (cell_w, cell_h), colours)
    chart.line(label_w, axis_y, width, axis_y)
    _date_labels(chart, points, label_w, cell_w, axis_y)
    if as_of_index is not None:
        x = label_w + (as_of_index + 1) * cell_w
        chart.line(x, 0, x, axis_y, stroke="#cf222e", width="2", dash="4 3", tip="report as-of date")
    return chart


def _timeline_cell(
    chart: Chart, r: Report, point: StopLeaders, model: str, x: float, y: float, size: tuple[float, float],
    colours: dict[str, str],
) -> None:
    cell_w, cell_h = size
    unweighed, untold = point.unweighed.get(model, ()), point.untold.get(model, ())
    alone = point.alone.get(model, ())
    # a top score no item had rated, or no item told from the next, is no verdict: grey,
    # unnamed, like no leader at all
    leaders = ("",) if unweighed or untold else point.band[model] or ("",)
    stripe = cell_h / len(leaders)
    tip = f"as of {point.as_of.isoformat()} ({counted(point.used, 'item')}, {point.undated} undated): " + \
        r.standing(point.band[model], unweighed, untold, alone, point.as_of)
    # a lead (or band) only unequal priors make is pale, as the legend says: in full colour
    # the picture would claim a lead the words qualify ('on its prior')
    pale = PRIOR_OPACITY if alone else ""
    for j, hid in enumerate(leaders):
        chart.rect(x + 1, y + j * stripe, cell_w - 2, stripe, colours.get(hid, OTHER), tip, opacity=pale)
    if len(leaders) == 1 and leaders[0] and cell_w >= 26:
        chart.text(x + cell_w / 2, y + cell_h / 2 + 4, _short(leaders[0], 5), size="11",
                   fill=colours.get(leaders[0], OTHER) if alone else "#fff", anchor="middle", weight="600")


def _date_labels(chart: Chart, points: list[StopLeaders], label_w: float, cell_w: float, axis_y: float) -> None:
    n = len(points)
    label_every = max(1, math.ceil(16 / cell_w))  # rotated date labels need ~16px apart
    for k, point in enumerate(points):
        last_fits = k == n - 1 and k % label_every * 2 >= label_every
        if k % label_every and not last_fits:
            continue
        x = label_w + k * cell_w + cell_w / 2
        chart.text(x, axis_y + 12, point.as_of.isoformat(), size="10.5", fill="#57606a", anchor="end",
                   transform=f"rotate(-40 {_n(x)} {_n(axis_y + 12)})")


def _shown(value: object) -> object:
    """Every value the template prints, control characters shown (a terminal escape, a
    direction override that would make the text after it read backwards), then escaped."""
    return visible(value, lines=True) if isinstance(value, str) else value


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("hypotheses", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_shown,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _as_of_index(r: Report) -> int | None:
    as_of = r.findings.analysis.as_of
    if as_of is None or not r.timeline:
        return None
    return max((k for k, p in enumerate(r.timeline) if p.as_of <= as_of), default=None)


def render_html(f: Findings, history: list[str] | None = None, team: TeamSection | None = None) -> str:
    r = build_report(f, history)
    colours = {h.id: PALETTE[i % len(PALETTE)] for i, h in enumerate(r.case.hypotheses)}
    context: dict[str, Any] = {
        "r": r, "findings": f, "case": r.case, "analysis": f.analysis, "models": SCORING_MODELS,
        "style": STYLE, "csp": CSP, "colours": CELL_COLOURS, "text_colours": CELL_TEXT, "names": RATING_NAMES,
        "ratings": RATINGS, "hyp_colours": colours, "other": OTHER, "max_changes": MAX_CHANGES,
        "banded": len(r.opening.verdict.band) > 1,
        "charts": [bar_chart(r, m.name) for m in SCORING_MODELS],
        "timeline": timeline_chart(r, _as_of_index(r), colours) if r.timeline else None,
        "no_timeline": no_timeline_text(f.analysis.as_of),
        "undated": undated_note(r.timeline[0].undated).capitalize() if r.timeline else "",
        "prior_opacity": PRIOR_OPACITY,
        "priors_lead": any(p.alone.get(m.name) for p in r.timeline for m in SCORING_MODELS),
        "short": _short, "web": _web, "separation": separation_text,
        "label_of": lambda m: scoring_model(m).label, "team": team,
        "agreement": agreement_text, "agree_text": agree_text, "dates": dates_text,
        "known": lambda ev: (d.isoformat() if (d := known_date(ev)) else "undated"),
    }
    return _environment().get_template("report.html.j2").render(context)
