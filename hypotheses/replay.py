"""Scores over time: every model's totals at each as-of stop, from exact per-date sums.

One engine serves the report's leader timeline and the workbench's
sparkline (which it keeps up to date item by item). Items are put in a bucket
per known date (undated ones in bucket 0, counting at every stop); a same-fact
group adds, at each date its size changes, the difference its re-divided terms
make. Every sum is an exact integer (every double is a multiple of 2**-1074),
so a stop's total is the correctly rounded sum: bit for bit what
``analyse(case, stop)`` gives, whatever the order items were added in.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import partial
from itertools import compress, pairwise
from operator import is_not
from typing import TYPE_CHECKING, NamedTuple

from hypotheses.scoring import (
    _EXACT,
    _WCLASS,
    ModelScores,
    _model_scores,
    class_id,
    known_date,
    known_dates,
    log_priors,
    posteriors,
)
from hypotheses.scoring_models import MODELS, scoring_model
from hypotheses.separation import band_of, evidence_alone, first_apart, untold_of

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence

EXACT_BITS = 1100
_SCALE = 1 << EXACT_BITS


def _exact(num_k: tuple[int, int]) -> int:
    num, k = num_k
    return num << (EXACT_BITS - k)


def _exact_float(value: float) -> int:
    num, den = value.as_integer_ratio()
    return num * (_SCALE // den)


class Replay:
    """One model's totals at any as-of stops; after a few one-item edits only those
    items are looked at again (an edit touching a same-fact group starts over)."""

    MAX_CHANGED = 64

    def __init__(self, model: str) -> None:
        self.model = scoring_model(model)
        self._key: tuple[object, ...] | None = None
        self._evidence: list[Evidence] = []
        self._dates: list[date] = []
        self._buckets: list[list[int]] = []  # [bucket][hypothesis]; bucket 0: undated
        self._base: list[int] = []
        self._terms: dict[int, dict[str | None, int]] = {}  # weight class → code → exact term

    def _row(self, cid: int) -> dict[str | None, int]:
        """Every code's exact term for one weight class (worked out when the class is first met)."""
        row = self._terms.get(cid)
        if row is None:
            exact = _EXACT[self.model.name][cid]
            row = self._terms[cid] = {code: _exact(pair) for code, pair in exact.items()}
        return row

    def _term(self, cid: int, code: str) -> int:
        return self._row(cid)[code]

    def _bucket(self, ev: Evidence) -> int | None:
        """The item's bucket; None if its known date is not among the stops' dates."""
        known = known_date(ev)
        if known is None:
            return 0
        k = bisect_left(self._dates, known)
        return k + 1 if k < len(self._dates) and self._dates[k] == known else None

    def _add(self, ev: Evidence, hids: Sequence[str], sign: int) -> None:
        """An ungrouped, taking-part item into its bucket."""
        bucket = self._bucket(ev)
        assert bucket is not None
        row = self._buckets[bucket]
        terms = self._row(_WCLASS[ev.credibility][ev.relevance])
        for j, hid in enumerate(hids):
            code = ev.ratings.get(hid)
            if code is not None:
                row[j] += sign * terms[code]

    def _build(self, case: Case, hids: list[str]) -> None:
        """Every taking-part item into its bucket: the loop every full replay runs once per
        item and rated cell, so it walks each item's ratings (not every column) with the
        bucket, column and term found by one dict lookup each."""
        self._dates = dates = known_dates(case)
        buckets = self._buckets = [[0] * len(hids) for _ in range(len(dates) + 1)]
        bucket_of: dict[date | None, int] = {d: k for k, d in enumerate(dates, 1)}
        bucket_of[None] = 0
        column = {hid: j for j, hid in enumerate(hids)}
        groups: dict[str, list[Evidence]] = {}
        for ev in case.evidence:
            if ev.excluded:
                continue
            if ev.group is not None:
                groups.setdefault(ev.group, []).append(ev)
                continue
            row = buckets[bucket_of[known_date(ev)]]
            cid = _WCLASS[ev.credibility][ev.relevance]
            terms = self._row(cid)
            for hid, code in ev.ratings.items():
                j = column.get(hid)
                if j is not None:
                    row[j] += terms[code]
        for members in groups.values():
            self._add_group(members, hids)
        if self.model.uses_priors:
            self._base = [_exact_float(v) for v in log_priors(case.hypotheses)]
        else:
            self._base = [0] * len(hids)

    def _add_group(self, members: list[Evidence], hids: list[str]) -> None:
        """At each date the group grows, the change in its re-divided terms."""
        by_bucket: dict[int, list[Evidence]] = {}
        for ev in members:
            bucket = self._bucket(ev)
            assert bucket is not None
            by_bucket.setdefault(bucket, []).append(ev)
        counts: list[Counter[tuple[int, str]]] = [Counter() for _ in hids]
        before = [0] * len(hids)
        n = 0
        for bucket in sorted(by_bucket):
            for ev in by_bucket[bucket]:
                base = _WCLASS[ev.credibility][ev.relevance]
                for j, hid in enumerate(hids):
                    code = ev.ratings.get(hid)
                    if code is not None:
                        counts[j][(base, code)] += 1
            n += len(by_bucket[bucket])
            row = self._buckets[bucket]
            for j in range(len(hids)):
                now = sum(c * self._term(class_id(b, n), code) for (b, code), c in counts[j].items())
                row[j] += now - before[j]
                before[j] = now

    def _update(self, case: Case) -> list[str]:
        """Bring the buckets up to date with ``case``; its hypothesis ids."""
        hids = [h.id for h in case.hypotheses]
        evidence = case.evidence
        old = self._evidence
        changed = self._changes(case)
        if changed is None:
            self._build(case, hids)
        else:
            for i in changed:
                if not old[i].excluded:
                    self._add(old[i], hids, -1)
                if not evidence[i].excluded:
                    self._add(evidence[i], hids, 1)
        self._key, self._evidence = self._key_of(case), list(evidence)
        return hids

    @staticmethod
    def _key_of(case: Case) -> tuple[object, ...]:
        return tuple(h.id for h in case.hypotheses), tuple(h.prior for h in case.hypotheses)

    def _changes(self, case: Case) -> list[int] | None:
        """The positions of the items changed since the last call, if patching them is
        enough; None if the buckets must be built again from the whole case."""
        evidence, old = case.evidence, self._evidence
        if self._key_of(case) != self._key or len(evidence) != len(old):
            return None
        changed = list(compress(range(len(evidence)), map(is_not, evidence, old)))
        if len(changed) > self.MAX_CHANGED or not all(
            self._patchable(old[i], evidence[i]) for i in changed
        ):
            return None
        return changed

    def builds(self, case: Case) -> bool:
        """Whether the next call on ``case`` replays the whole case rather than a few
        items changed since the last: a caller with a large case can run that one
        somewhere it keeps no one waiting."""
        return self._changes(case) is None

    def _patchable(self, old: Evidence, new: Evidence) -> bool:
        return (
            old.id == new.id
            and old.group is None
            and new.group is None
            and known_date(old) == known_date(new)
            and self._bucket(new) is not None
        )

    def totals(self, case: Case, stops: Sequence[date | None]) -> list[list[float]]:
        """Per stop (a date, or None for all dates), every hypothesis's total."""
        hids = self._update(case)
        nh = len(hids)
        running = list(self._base)
        out: list[list[float]] = []
        done = 0  # buckets added so far
        for stop in stops:
            last = len(self._buckets) if stop is None else bisect_right(self._dates, stop) + 1
            if last < done:  # stops out of order: start again
                running, done = list(self._base), 0
            while done < last:
                row = self._buckets[done]
                for j in range(nh):
                    running[j] += row[j]
                done += 1
            out.append([r / _SCALE for r in running])
        return out

    def series(self, case: Case, hid: str, stops: Sequence[date | None]) -> list[float]:
        """What people read for ``hid`` at each stop (the posterior for Bayes, else the score)."""
        ids = [h.id for h in case.hypotheses]
        if hid not in ids:
            return []
        k = ids.index(hid)
        rows = self.totals(case, stops)
        if self.model.shows_posterior:
            return [posteriors(row)[k] for row in rows]
        return [row[k] for row in rows]


# The workbench's name for it: one hypothesis's line over the stops.
LeaderSeries = Replay


class TimelinePoint(NamedTuple):
    """One stop of the as-of timeline: what ``analyse(case, as_of)`` says for one model."""

    as_of: date
    scores: ModelScores
    leaders: tuple[str, ...]  # rank-1 hypothesis ids, case order


def leader_timeline(case: Case, model: str) -> list[TimelinePoint]:
    """The leader and scores at every distinct known date, oldest first.

    Equal, bit for bit, to ``analyse(case, d).models[model]`` at each date ``d``
    of :func:`known_dates`, in O(E·H + D·H) rather than a full analysis per date.
    """
    name = scoring_model(model).name
    stops = known_dates(case)
    hids = [h.id for h in case.hypotheses]
    out = []
    for d, totals in zip(stops, Replay(name).totals(case, stops), strict=True):
        scores = _model_scores(name, totals)
        out.append(TimelinePoint(d, scores, tuple(hids[i] for i in sorted(scores.top))))
    return out


class StopLeaders(NamedTuple):
    """Who leads each model with the evidence known up to ``as_of``, and what the verdict
    names then: the one leader, or the hypotheses it cannot separate."""

    as_of: date
    used: int  # items taking part at that date
    undated: int  # of which undated (they count at every date)
    # model → the ids within one medium item of the best (the verdict's band), case order:
    # the leader alone when it stands apart, else every hypothesis not separated from it
    band: dict[str, tuple[str, ...]]
    # model → the leaders no item taking part then rates (other than NA), case order: a top
    # score on no rated item, which the verdict calls no verdict, never a lead
    unweighed: dict[str, tuple[str, ...]]
    # model → the runners-up no item known then tells from a lone leader (its lead comes
    # only from cells left unrated: no verdict either; separation.untold)
    untold: dict[str, tuple[str, ...]]
    # model → what the evidence alone then names when unequal priors change the band
    # (separation.evidence_alone): the lead or band is the priors' doing, as the verdict says
    alone: dict[str, tuple[str, ...]]


def first_rated(case: Case) -> dict[str, date | None]:
    """Hypothesis id → the first known date at which an item taking part rates it (other
    than NA): ``date.min`` when an undated item does (rated at every date), absent when
    none does. One pass over the rated cells."""
    first: dict[str, date] = {}
    for ev in case.evidence:
        if ev.excluded:
            continue
        day = known_date(ev) or date.min
        for hid, code in ev.ratings.items():
            if code != "NA" and (hid not in first or day < first[hid]):
                first[hid] = day
    return first  # type: ignore[return-value]


def leaders_over_time(case: Case, until: date | None = None) -> list[StopLeaders]:
    """The leaders and band of every model at every known date up to ``until``, oldest
    first (a report as of a date shows nothing learnt after it), and the leaders no item
    known then had rated."""
    per_model = {m: leader_timeline(case, m) for m in MODELS}
    taking = [ev for ev in case.evidence if not ev.excluded]
    dated = sorted(d for ev in taking if (d := known_date(ev)) is not None)
    undated = len(taking) - len(dated)
    hids = [h.id for h in case.hypotheses]
    priors = log_priors(case.hypotheses)
    rated_from = first_rated(case)
    # the items taking part, undated first, then by date: the first that tells a pair apart
    # is the earliest, and the date it is known from holds for every later stop
    known_first = sorted((i for i, ev in enumerate(case.evidence) if not ev.excluded),
                         key=lambda i: known_date(case.evidence[i]) or date.min)
    apart_from: dict[tuple[str, str, str], date] = {}  # (model, a, b) → from when told apart

    def told_apart(model: str, a: str, b: str, day: date) -> bool:
        key = (model, a, b)
        if key not in apart_from:
            i = first_apart(case.evidence, known_first, scoring_model(model), a, b)
            apart_from[key] = date.max if i is None else known_date(case.evidence[i]) or date.min
        return apart_from[key] <= day

    def unweighed(point: TimelinePoint, day: date) -> tuple[str, ...]:
        return tuple(h for h in point.leaders if (since := rated_from.get(h)) is None or since > day)

    def stop(i: int, day: date) -> StopLeaders:
        used = undated + bisect_right(dated, day)
        points = {m: per_model[m][i] for m in MODELS}
        bands: dict[str, tuple[str, ...]] = {
            m: tuple(hids[j] for j in band_of(p.scores.scores, m)) for m, p in points.items()}
        unrated: dict[str, tuple[str, ...]] = {m: unweighed(p, day) for m, p in points.items()}
        untold: dict[str, tuple[str, ...]] = {
            m: () if unrated[m] or len(bands[m]) >= 2 else
            untold_of(hids, p.scores.ranks, sorted(p.scores.top), partial(told_apart, m, day=day))
            for m, p in points.items()}
        alone: dict[str, tuple[str, ...]] = {  # where the verdict names no lead, nothing to qualify
            m: () if unrated[m] or untold[m] else evidence_alone(case.hypotheses, p.scores.scores, m, priors)
            for m, p in points.items()}
        return StopLeaders(day, used, undated, bands, unrated, untold, alone)

    return [stop(i, day) for i, day in enumerate(known_dates(case)) if until is None or day <= until]


class VerdictChange(NamedTuple):
    """A date at which what a model's verdict names (its band, or no verdict on a top score
    no item rated) differs from the date before."""

    as_of: date
    model: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    before_unweighed: tuple[str, ...] = ()  # the leaders no item had rated (no verdict)
    after_unweighed: tuple[str, ...] = ()
    before_untold: tuple[str, ...] = ()  # the runners-up no item told from the leader (no verdict)
    after_untold: tuple[str, ...] = ()
    before_alone: tuple[str, ...] = ()  # what the evidence alone named, where the priors decided
    after_alone: tuple[str, ...] = ()


def verdict_changes(points: list[StopLeaders]) -> list[VerdictChange]:
    """Where what the timeline's verdicts name changes, per model, in date order."""
    out: list[VerdictChange] = []
    for prev, point in pairwise(points):
        for model in MODELS:
            was, now = prev.unweighed.get(model, ()), point.unweighed.get(model, ())
            told, tells = prev.untold.get(model, ()), point.untold.get(model, ())
            by, alone = prev.alone.get(model, ()), point.alone.get(model, ())
            if prev.band[model] != point.band[model] or (was, told, by) != (now, tells, alone):
                out.append(VerdictChange(point.as_of, model, prev.band[model], point.band[model], was, now,
                                         told, tells, by, alone))
    return out
