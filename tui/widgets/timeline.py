"""The as-of timeline: where the replay stands and how the leader's score moved.

A one-line sparkline of the current leader's score at every stop (each
distinct event date, then "all"), the current stop highlighted.
"""

from __future__ import annotations

import math
from datetime import date

from rich.text import Text
from textual.widget import Widget

from hypotheses.models import Case
from hypotheses.scoring import INCONSISTENCY, LOG_LIKELIHOOD, posteriors, weight

BLOCKS = "▁▂▃▄▅▆▇█"


def leader_series(case: Case, model: str, hid: str, stops: list[date | None]) -> list[float]:
    """The score of hypothesis ``hid`` at each stop (None = every date), in O(E·H).

    Bayes gives the posterior; the others the (weighted) inconsistency.
    Excluded items never count; undated items always do.
    """
    hids = [h.id for h in case.hypotheses]
    if hid not in hids:
        return []
    k = hids.index(hid)
    nh = len(hids)
    if model == "bayes":
        total_prior = math.fsum(h.prior for h in case.hypotheses)
        base = [math.log(h.prior / total_prior) for h in case.hypotheses]
    else:
        base = [0.0] * nh
    dated: list[tuple[date, list[float]]] = []
    undated = [0.0] * nh
    for ev in case.evidence:
        if ev.excluded:
            continue
        w = 1.0 if model == "inconsistency" else weight(ev)
        row = [0.0] * nh
        for j, h in enumerate(hids):
            code = ev.ratings.get(h)
            if code is None:
                continue
            if model == "bayes":
                row[j] = w * LOG_LIKELIHOOD[code]
            else:
                row[j] = w * INCONSISTENCY.get(code, 0)
        if ev.event_date is None:
            undated = [a + b for a, b in zip(undated, row)]
        else:
            dated.append((ev.event_date, row))
    dated.sort(key=lambda pair: pair[0])
    totals = [a + b for a, b in zip(base, undated)]
    out: list[float] = []
    i = 0
    for stop in stops:
        while i < len(dated) and (stop is None or dated[i][0] <= stop):
            totals = [a + b for a, b in zip(totals, dated[i][1])]
            i += 1
        out.append(posteriors(totals)[k] if model == "bayes" else totals[k])
    return out


def sparkline(values: list[float], current: int) -> Text:
    """Block characters scaled between the series' min and max; ``current`` reversed."""
    if not values:
        return Text("")
    lo, hi = min(values), max(values)
    out = Text(no_wrap=True)
    for i, v in enumerate(values):
        level = 0 if hi - lo < 1e-12 else round((v - lo) / (hi - lo) * (len(BLOCKS) - 1))
        out.append(BLOCKS[level], style="bold reverse" if i == current else "#5a7fa8")
    return out


class Timeline(Widget):
    """One line: as-of date, the stop count, the sparkline, the leader."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def show(
        self,
        stops: list[date | None],
        current: int,
        values: list[float],
        leader: str | None,
        model: str,
    ) -> None:
        as_of = stops[current] if stops else None
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("As of ", style="bold")
        text.append(as_of.isoformat() if as_of else "all dates", style="bold")
        text.append(f"  [{current + 1}/{len(stops)}]  ")
        text.append_text(sparkline(values, current))
        if leader is not None and values:
            value = values[current]
            shown = f"{value * 100:.1f}%" if model == "bayes" else f"{value:.2f}"
            text.append(f"  leader {leader}: {shown}")
        text.append("   [ ] step dates", style="dim")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
