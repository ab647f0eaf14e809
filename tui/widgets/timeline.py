"""The as-of timeline: where the replay stands and how the leader's score moved.

A one-line sparkline of the current leader's score at every stop (each
distinct event date, then "all"), the current stop highlighted.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from datetime import date
from itertools import compress
from operator import is_not

from rich.text import Text
from textual.widget import Widget

from hypotheses.models import Case, Evidence
from hypotheses.scoring import INCONSISTENCY, LOG_LIKELIHOOD, posteriors, weight

BLOCKS = "▁▂▃▄▅▆▇█"


EXACT_BITS = 1100  # every double is an integer multiple of 2**-1074


def _exact(value: float) -> int:
    """``value`` times 2**EXACT_BITS, exactly: sums of these never round."""
    num, den = value.as_integer_ratio()
    return num * ((1 << EXACT_BITS) // den)


class LeaderSeries:
    """One hypothesis's score at every stop (each distinct event date, then None for
    all dates), kept up to date item by item (the TUI after each edit). Bayes gives
    the posterior, the others the (weighted) inconsistency; excluded items never
    count, undated ones always do.

    Every hypothesis's total is held per date bucket as an exact integer, so
    patching one item costs O(H) and a series O(D·H); the result is the exactly
    rounded sum, which does not depend on the order items were added in.
    Anything but a few changed items (other hypotheses, stops, many edits)
    starts over.
    """

    MAX_CHANGED = 64

    def __init__(self, model: str) -> None:
        self.model = model
        self._key: tuple[object, ...] | None = None
        self._evidence: list[Evidence] = []
        self._dated: list[date] = []
        self._buckets: list[list[int]] = []  # [bucket][hypothesis]; bucket 0: undated
        self._terms: dict[tuple[str, str, str], int] = {}
        self._base: list[int] = []

    def _term(self, ev: Evidence, code: str) -> int:
        key = (ev.credibility, ev.relevance, code)
        term = self._terms.get(key)
        if term is None:
            w = 1.0 if self.model == "inconsistency" else weight(ev)
            if self.model == "bayes":
                term = _exact(w * LOG_LIKELIHOOD[code])
            else:
                term = _exact(w * INCONSISTENCY.get(code, 0))
            self._terms[key] = term
        return term

    def _add(self, ev: Evidence, hids: list[str], sign: int) -> None:
        if ev.excluded:
            return
        bucket = 0 if ev.event_date is None else bisect_left(self._dated, ev.event_date) + 1
        row = self._buckets[bucket]
        for j, hid in enumerate(hids):
            code = ev.ratings.get(hid)
            if code is not None:
                row[j] += sign * self._term(ev, code)

    def _build(self, case: Case, hids: list[str], stops: list[date | None]) -> None:
        self._dated = [s for s in stops if s is not None]
        self._buckets = [[0] * len(hids) for _ in range(len(self._dated) + 2)]
        for ev in case.evidence:
            self._add(ev, hids, 1)
        if self.model == "bayes":
            total_prior = math.fsum(h.prior for h in case.hypotheses)
            self._base = [_exact(math.log(h.prior / total_prior)) for h in case.hypotheses]
        else:
            self._base = [0] * len(hids)

    def series(self, case: Case, hid: str, stops: list[date | None]) -> list[float]:
        """The score of ``hid`` at each stop: what ``analyse(case, stop)`` gives it."""
        hids = [h.id for h in case.hypotheses]
        if hid not in hids:
            return []
        key = (tuple(hids), tuple(h.prior for h in case.hypotheses), tuple(stops))
        evidence = case.evidence
        changed: list[int] | None = None
        if key == self._key and len(evidence) == len(self._evidence):
            changed = list(compress(range(len(evidence)), map(is_not, evidence, self._evidence)))
            if len(changed) > self.MAX_CHANGED or any(
                evidence[i].id != self._evidence[i].id for i in changed
            ):
                changed = None
        if changed is None:
            self._build(case, hids, stops)
        else:
            for i in changed:
                self._add(self._evidence[i], hids, -1)
                self._add(evidence[i], hids, 1)
        self._key, self._evidence = key, list(evidence)
        return self._values(hids.index(hid), stops)

    def _values(self, k: int, stops: list[date | None]) -> list[float]:
        nh = len(self._base)
        running = list(self._base)
        for j, v in enumerate(self._buckets[0]):
            running[j] += v
        scale = 1 << EXACT_BITS
        out: list[float] = []
        bucket = 1
        for stop in stops:
            last = len(self._buckets) if stop is None else bisect_left(self._dated, stop) + 2
            while bucket < last:
                row = self._buckets[bucket]
                for j in range(nh):
                    running[j] += row[j]
                bucket += 1
            if self.model == "bayes":
                out.append(posteriors([r / scale for r in running])[k])
            else:
                out.append(running[k] / scale)
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
        leaders: list[str],
        model: str,
    ) -> None:
        as_of = stops[current] if stops else None
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("As of ", style="bold")
        text.append(as_of.isoformat() if as_of else "all dates", style="bold")
        text.append(f"  [{current + 1}/{len(stops)}]  ")
        text.append_text(sparkline(values, current))
        if leaders and values:
            value = values[current]
            shown = f"{value * 100:.1f}%" if model == "bayes" else f"{value:.2f}"
            who = "leader" if len(leaders) == 1 else "leaders"  # a tie names every leader
            text.append(f"  {who} {', '.join(leaders)}: {shown}")
        text.append("   [ ] step dates", style="dim")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
