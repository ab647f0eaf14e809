"""The three scoring models, ranks, diagnosticity, linchpins and agreement.

Formulas follow DESIGN.md to the letter so that any independent
implementation gets the same numbers. Sums are correctly rounded (the value
``math.fsum`` gives), so the result does not depend on the order evidence was
filed in.

Speed (10,000 items × 6 hypotheses in ~10 ms, pure Python): every term comes
from a small table keyed by (credibility, relevance, code); a column's total is
computed from how often each key occurs, summed exactly in integers and
rounded once; linchpins subtract one item's terms column by column, with an
O(H) exit when no single item can reach the leader. ``Scorer`` re-scores after
a one-item edit by patching those counts; ``leader_timeline`` gives every as-of
stop from running sums. tests/test_fast_scoring.py checks all of them, bit for
bit, against the formulas computed the slow, obvious way.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, chain, compress, repeat
from operator import add, is_not, sub
from typing import Any, Literal

from hypotheses.models import Case, Evidence, Hypothesis

Model = Literal["inconsistency", "weighted", "bayes"]
MODELS: tuple[Model, ...] = ("inconsistency", "weighted", "bayes")
MODEL_NAMES: dict[str, str] = {
    "inconsistency": "inconsistency (Heuer)",
    "weighted": "weighted inconsistency (PARC)",
    "bayes": "Bayes (log-linear)",
}
TIE = 1e-9

SQRT2 = math.sqrt(2)
LEVEL_WEIGHT: dict[str, float] = {"low": 1 / SQRT2, "medium": 1.0, "high": SQRT2}
INCONSISTENCY: dict[str, int] = {"I": -1, "II": -2}
LIKELIHOOD: dict[str, float] = {"CC": 4.0, "C": 2.0, "N": 1.0, "I": 0.5, "II": 0.25, "NA": 1.0}
LOG_LIKELIHOOD: dict[str, float] = {code: math.log(v) for code, v in LIKELIHOOD.items()}
NUMERIC: dict[str, int] = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2}


def weight(ev: Evidence) -> float:
    """An item's weight: credibility × relevance."""
    return LEVEL_WEIGHT[ev.credibility] * LEVEL_WEIGHT[ev.relevance]


def takes_part(ev: Evidence, as_of: date | None = None) -> bool:
    if ev.excluded:
        return False
    return as_of is None or ev.event_date is None or ev.event_date <= as_of


def diagnosticity(ev: Evidence, hypothesis_ids: Iterable[str]) -> float:
    """Population standard deviation of the item's numeric ratings.

    Computed from integer sums, so the variance is exact before the one
    rounding of the square root.
    """
    values = [NUMERIC[r] for hid in hypothesis_ids if (r := ev.ratings.get(hid)) in NUMERIC]
    n = len(values)
    if n < 2:
        return 0.0
    s1 = sum(values)
    s2 = sum(v * v for v in values)
    return math.sqrt((n * s2 - s1 * s1) / (n * n))


def ranks(scores: Sequence[float]) -> list[int]:
    """Standard competition ranks, best (highest) first; within TIE is a tie."""
    return [1 + sum(1 for other in scores if other > s + TIE) for s in scores]


def top_set(scores: Sequence[float]) -> frozenset[int]:
    """Indices of rank-1 scores."""
    if not scores:
        return frozenset()
    best = max(scores)
    return frozenset(i for i, s in enumerate(scores) if best - s <= TIE)


@dataclass(frozen=True)
class ModelScores:
    """One model's verdict; lists follow the case's hypothesis order."""

    model: Model
    scores: tuple[float, ...]
    ranks: tuple[int, ...]
    top: frozenset[int]

    @property
    def order(self) -> list[int]:
        """Hypothesis indices best first, ties in case order."""
        return sorted(range(len(self.scores)), key=lambda i: (self.ranks[i], i))


@dataclass(frozen=True)
class Analysis:
    """Everything the summary and the TUI show about a case at one date."""

    case: Case
    as_of: date | None
    used: tuple[int, ...]  # indices into case.evidence that take part
    models: dict[str, ModelScores]
    posterior: tuple[float, ...]
    diagnosticity: tuple[float, ...]  # per evidence item, case order
    linchpins: tuple[tuple[str, ...], ...]  # per evidence item: models
    agree: bool

    @property
    def hypothesis_ids(self) -> list[str]:
        return [h.id for h in self.case.hypotheses]

    def scores_of(self, model: str) -> dict[str, float]:
        return dict(zip(self.hypothesis_ids, self.models[model].scores))


def posteriors(log_scores: Sequence[float]) -> tuple[float, ...]:
    """Softmax of the log scores, shifted by the maximum so exp never overflows."""
    if not log_scores:
        return ()
    peak = max(log_scores)
    exps = [math.exp(s - peak) for s in log_scores]
    total = math.fsum(exps)
    return tuple(e / total for e in exps)


def _log_priors(hyps: Sequence[Hypothesis]) -> list[float]:
    total = math.fsum(h.prior for h in hyps)
    return [math.log(h.prior / total) for h in hyps]


# ------------------------------------------------------------ term tables
#
# An item's term under a model depends only on its weight class (credibility,
# relevance) and its code, so terms are looked up, never recomputed: the
# tables hold exactly the floats the formulas give (``w * s`` and ``w * ln L``).
# A column's total needs only how often each (class, code) occurs: counted in
# C (``Counter``), then summed exactly as integers (every float is an integer
# multiple of a power of two) and rounded once by ``int / 2**k``, which is
# correctly rounded, as ``math.fsum`` is: the same float, bit for bit.

_CODES: tuple[str | None, ...] = (*LIKELIHOOD, None)  # None: not rated
_INC_TERM: dict[str | None, int] = {c: INCONSISTENCY.get(c, 0) for c in _CODES}  # type: ignore[arg-type]
_LEVELS = tuple(LEVEL_WEIGHT)
_WCLASS: dict[str, dict[str, int]] = {
    cred: {rel: 3 * i + j for j, rel in enumerate(_LEVELS)} for i, cred in enumerate(_LEVELS)
}
_CLASS_WEIGHT: list[float] = [LEVEL_WEIGHT[c] * LEVEL_WEIGHT[r] for c in _LEVELS for r in _LEVELS]
_TERMS: dict[str, list[dict[str | None, Any]]] = {
    "inconsistency": [_INC_TERM for _ in _CLASS_WEIGHT],
    "weighted": [{c: w * _INC_TERM[c] for c in _CODES} for w in _CLASS_WEIGHT],
    "bayes": [
        {c: w * LOG_LIKELIHOOD[c] if c is not None else 0.0 for c in _CODES} for w in _CLASS_WEIGHT
    ],
}
# Largest |term| any item can contribute: bounds the linchpin scan's rounding.
_TERM_BOUND = max(abs(v) for table in _TERMS.values() for row in table for v in row.values())


def _dyadic(v: float) -> tuple[int, int]:
    """``v == num / 2**k`` exactly: (num, k)."""
    num, den = v.as_integer_ratio()
    return num, den.bit_length() - 1


_EXACT: dict[str, list[dict[str | None, tuple[int, int]]]] = {
    m: [{c: _dyadic(float(v)) for c, v in row.items()} for row in table] for m, table in _TERMS.items()
}

# Diagnosticity from integer sums packed in one int per cell, so a row's
# (n, Σv, Σv²) is a C-level sum of columns: n in bits 0-19, Σ(v+2) in 20-39,
# Σv² from bit 40. Exact while 4·H < 2**20.
_SHIFT = 20
_MASK = (1 << _SHIFT) - 1
_DIAG_MAX_H = 1 << (_SHIFT - 3)
_DIAG_CELL: dict[str | None, int] = {
    c: (1 + ((v + 2) << _SHIFT) + ((v * v) << (2 * _SHIFT))) if (v := NUMERIC.get(c)) is not None else 0  # type: ignore[arg-type]
    for c in _CODES
}


class _DiagMemo(dict[int, float]):
    """Packed (n, Σv, Σv²) → the standard deviation, the same arithmetic as diagnosticity()."""

    def __missing__(self, key: int) -> float:
        n = key & _MASK
        s1 = ((key >> _SHIFT) & _MASK) - 2 * n
        s2 = key >> (2 * _SHIFT)
        value = 0.0 if n < 2 else math.sqrt((n * s2 - s1 * s1) / (n * n))
        self[key] = value
        return value


_DIAG_MEMO = _DiagMemo()


def _code_columns(evidence: Sequence[Evidence], hids: Sequence[str]) -> list[list[str | None]]:
    """Per hypothesis, every item's code (None when unrated), in evidence order."""
    ratings = [ev.ratings for ev in evidence]
    get = dict.get
    return [list(map(get, ratings, repeat(hid))) for hid in hids]


def _diagnosticities(
    evidence: Sequence[Evidence], hids: Sequence[str], codes: list[list[str | None]]
) -> tuple[float, ...]:
    """Every item's diagnosticity; bit-identical to :func:`diagnosticity`."""
    if not hids:
        return (0.0,) * len(evidence)
    if len(hids) >= _DIAG_MAX_H:
        return tuple(diagnosticity(ev, hids) for ev in evidence)
    cell = _DIAG_CELL.__getitem__
    packed = list(map(cell, codes[0]))
    for col in codes[1:]:
        packed = list(map(add, packed, map(cell, col)))
    return tuple(map(_DIAG_MEMO.__getitem__, packed))


class _Columns:
    """The items taking part, column by column: code counts now, term lists on demand."""

    def __init__(self, evidence: Sequence[Evidence], codes: list[list[str | None]]) -> None:
        wclass = _WCLASS
        self.classes = [wclass[ev.credibility][ev.relevance] for ev in evidence]
        self.codes = codes
        self.counts = [Counter(zip(self.classes, col)) for col in codes]
        self._terms: dict[str, list[list[Any]]] = {}

    def totals(self, model: str, base: list[float]) -> list[Any]:
        """Column sums: integers for inconsistency, else the correctly rounded (fsum) float."""
        exact = _EXACT[model]
        if model == "inconsistency":
            return [sum(n * exact[w][c][0] for (w, c), n in cnt.items()) for cnt in self.counts]
        out = []
        for b, cnt in zip(base, self.counts):
            parts = [(exact[w][c], n) for (w, c), n in cnt.items()]
            parts.append((_dyadic(b), 1))
            k = max(kv for (_, kv), _ in parts)
            total = sum((n * num) << (k - kv) for (num, kv), n in parts)
            out.append(total / (1 << k))
        return out

    def spread(self, model: str) -> Any:
        """Largest difference between two terms of one item: max term − min term present."""
        table = _TERMS[model]
        values = [table[w][c] for cnt in self.counts for (w, c) in cnt]
        return max(values) - min(values) if values else 0

    def terms(self, model: str) -> list[list[Any]]:
        """Per hypothesis, each item's term under ``model`` (built once, when a scan needs it)."""
        if model not in self._terms:
            table = _TERMS[model]
            rows = [table[w] for w in self.classes]
            lookup = dict.__getitem__
            self._terms[model] = [list(map(lookup, rows, col)) for col in self.codes]
        return self._terms[model]


def _used(evidence: Sequence[Evidence], as_of: date | None) -> tuple[int, ...]:
    """Indices of the items taking part (what :func:`takes_part` says, inlined)."""
    if as_of is None:
        return tuple([i for i, ev in enumerate(evidence) if not ev.excluded])
    return tuple(
        [
            i for i, ev in enumerate(evidence)
            if not ev.excluded and (ev.event_date is None or ev.event_date <= as_of)
        ]
    )


def _columns(
    evidence: Sequence[Evidence], used: tuple[int, ...], all_codes: list[list[str | None]]
) -> _Columns:
    if len(used) == len(evidence):
        return _Columns(evidence, all_codes)
    return _Columns([evidence[i] for i in used], [[col[i] for i in used] for col in all_codes])


def analyse(case: Case, as_of: date | None = None) -> Analysis:
    """Score a case under all three models at an optional as-of date.

    Column-at-a-time over lookup tables and counts: O(E·H) with the inner
    loops in C, a few milliseconds for 10,000 items.
    """
    hids = [h.id for h in case.hypotheses]
    evidence = case.evidence
    used = _used(evidence, as_of)
    all_codes = _code_columns(evidence, hids)
    cols = _columns(evidence, used, all_codes)
    return _assemble(case, as_of, used, cols, _diagnosticities(evidence, hids, all_codes))


def _assemble(
    case: Case, as_of: date | None, used: tuple[int, ...], cols: _Columns, diag: tuple[float, ...]
) -> Analysis:
    """Totals, ranks, leaders, posterior and linchpins from the counted columns."""
    hyps = case.hypotheses
    nh = len(hyps)
    base = {"inconsistency": [0.0] * nh, "weighted": [0.0] * nh, "bayes": _log_priors(hyps)}
    totals = {m: cols.totals(m, base[m]) for m in MODELS}
    models = {
        m: ModelScores(m, tuple(totals[m]), tuple(ranks(totals[m])), top_set(totals[m]))
        for m in MODELS
    }
    found: dict[int, list[str]] = {}
    for model in MODELS:
        for pos in _linchpins(model, totals[model], cols, base[model], models[model].top):
            found.setdefault(used[pos], []).append(model)
    lin: list[tuple[str, ...]] = [()] * len(case.evidence)
    for i, names in found.items():
        lin[i] = tuple(names)
    tops = {models[m].top for m in MODELS}
    return Analysis(
        case=case,
        as_of=as_of,
        used=used,
        models=models,
        posterior=posteriors(totals["bayes"]),
        diagnosticity=diag,
        linchpins=tuple(lin),
        agree=len(tops) == 1,
    )


class Scorer:
    """``analyse`` for a case edited one item at a time (the TUI): the same result,
    bit for bit, but only the items that changed since the last call are looked at
    again. Evidence models are frozen, so "changed" is "not the same object".

    Anything else (other hypotheses, another as-of date, items added, removed,
    excluded or reordered, many items at once) falls back to a full analysis.
    """

    MAX_CHANGED = 64

    def __init__(self) -> None:
        self._hids: tuple[str, ...] = ()
        self._as_of: date | None = None
        self._evidence: list[Evidence] = []
        self._used: tuple[int, ...] = ()
        self._pos: dict[int, int] = {}
        self._cols: _Columns | None = None
        self._diag: list[float] = []

    def analyse(self, case: Case, as_of: date | None = None) -> Analysis:
        """What :func:`analyse` returns for ``case`` at ``as_of``."""
        hids = tuple(h.id for h in case.hypotheses)
        evidence = case.evidence
        changed = self._changed(hids, as_of, evidence)
        used = _used(evidence, as_of)
        if changed is None or used != self._used or self._cols is None:
            return self._rebuild(case, as_of, hids, used)
        cols = self._cols
        for i in changed:
            ev = evidence[i]
            self._diag[i] = diagnosticity(ev, hids)
            pos = self._pos.get(i)
            if pos is not None:
                self._patch(cols, pos, ev, hids)
        self._evidence = list(evidence)
        return _assemble(case, as_of, used, cols, tuple(self._diag))

    def _changed(
        self, hids: tuple[str, ...], as_of: date | None, evidence: list[Evidence]
    ) -> list[int] | None:
        """Positions holding a different item than last time; None: start over."""
        old = self._evidence
        if hids != self._hids or as_of != self._as_of or len(evidence) != len(old):
            return None
        changed = list(compress(range(len(evidence)), map(is_not, evidence, old)))
        if len(changed) > self.MAX_CHANGED or any(evidence[i].id != old[i].id for i in changed):
            return None
        return changed

    @staticmethod
    def _patch(cols: _Columns, pos: int, ev: Evidence, hids: tuple[str, ...]) -> None:
        """Move one item's cells from their old (class, code) counts to the new ones."""
        old_class, new_class = cols.classes[pos], _WCLASS[ev.credibility][ev.relevance]
        cols.classes[pos] = new_class
        for j, hid in enumerate(hids):
            col = cols.codes[j]
            old_code, new_code = col[pos], ev.ratings.get(hid)
            if (old_class, old_code) == (new_class, new_code):
                continue
            col[pos] = new_code
            counts = cols.counts[j]
            counts[(old_class, old_code)] -= 1
            if not counts[(old_class, old_code)]:
                del counts[(old_class, old_code)]
            counts[(new_class, new_code)] += 1
            for model, terms in cols._terms.items():
                terms[j][pos] = _TERMS[model][new_class][new_code]

    def _rebuild(
        self, case: Case, as_of: date | None, hids: tuple[str, ...], used: tuple[int, ...]
    ) -> Analysis:
        evidence = case.evidence
        all_codes = _code_columns(evidence, hids)
        # own copies: the columns are patched in place later
        cols = _columns(evidence, used, [list(col) for col in all_codes])
        diag = _diagnosticities(evidence, hids, all_codes)
        self._hids, self._as_of, self._used = hids, as_of, used
        self._evidence = list(evidence)
        self._pos = {i: p for p, i in enumerate(used)}
        self._cols = cols
        self._diag = list(diag)
        return _assemble(case, as_of, used, cols, diag)


def _linchpins(
    model: str,
    totals: list[Any],
    cols: _Columns,
    base: list[float],
    top: frozenset[int],
    full: bool = False,
) -> list[int]:
    """Positions (among the items taking part) whose removal alone changes the rank-1 set.

    Removing an item subtracts its terms from the totals. Integer
    (inconsistency) totals are exact. A float ``total - term`` differs from
    the fsum a full rescoring gives by less than ``margin`` (a few roundings
    of values no larger than ``scale``: under 5·2⁻⁵³·scale on a difference;
    the margin is ≥ 9·2⁻⁵³·scale).

    First an O(H) test: with one leader ahead of the rest by more than any
    item's terms can differ (``spread``) plus TIE and the margin, no single
    removal can change the rank-1 set. Otherwise the O(E·H) scan,
    :func:`_scan_linchpins` (always, with ``full``: the benchmark's worst case).
    """
    nh = len(totals)
    if nh < 2 or not cols.classes:
        return []  # a single hypothesis always leads
    exact = model == "inconsistency"
    margin = 0.0 if exact else 1e-15 * (1.0 + max(abs(t) for t in totals) + _TERM_BOUND)
    if len(top) == 1 and not full:
        (lead,) = top
        gap = min(totals[lead] - t for j, t in enumerate(totals) if j != lead)
        if gap - cols.spread(model) > TIE + margin:
            return []
    return _scan_linchpins(totals, cols.terms(model), base, top, margin)


def _scan_linchpins(
    totals: list[Any], cols: list[list[Any]], base: list[float], top: frozenset[int], margin: float
) -> list[int]:
    """Every item, column at a time: the rank-1 set stays the same exactly when
    the worst of the current leaders is still within TIE of the new best
    (``d_in <= TIE``) and the best of the rest is not (``d_out > TIE``). Only
    an item whose ``d_in`` or ``d_out`` lies within ``margin`` of TIE is
    decided by summing its columns again without it (``margin`` 0: exact)."""
    nh = len(totals)
    n = len(cols[0])
    after = [list(map(t.__sub__, col)) for t, col in zip(totals, cols)]
    inside = [after[j] for j in sorted(top)]
    outside = [after[j] for j in range(nh) if j not in top]
    low_in = inside[0] if len(inside) == 1 else list(map(min, *inside))
    high_in = inside[0] if len(inside) == 1 else list(map(max, *inside))
    if not outside:
        high_out: list[Any] = [-math.inf] * n
    else:
        high_out = outside[0] if len(outside) == 1 else list(map(max, *outside))
    best = list(map(max, high_in, high_out))
    d_in = list(map(sub, best, low_in))
    d_out = list(map(sub, best, high_out))
    found = [p for p, a, b in zip(range(n), d_in, d_out) if a > TIE or b <= TIE]
    if not margin:
        return found
    lo, hi = TIE - margin, TIE + margin
    unsure = [p for p, a, b in zip(range(n), d_in, d_out) if lo <= a <= hi or lo <= b <= hi]
    if not unsure:
        return found
    decided = set(found)
    for pos in unsure:
        exact = [
            math.fsum(chain((b,), col[:pos], col[pos + 1 :])) for b, col in zip(base, cols)
        ]
        decided.discard(pos)
        if top_set(exact) != top:
            decided.add(pos)
    return sorted(decided)


@dataclass(frozen=True)
class TimelinePoint:
    """One stop of the as-of timeline: what ``analyse(case, as_of)`` says for one model."""

    as_of: date
    scores: ModelScores
    leaders: tuple[str, ...]  # rank-1 hypothesis ids, case order


def _scale(values: Iterable[float]) -> int:
    """A power-of-two exponent K making every value an exact integer multiple of 2**-K."""
    k = 0
    for v in values:
        k = max(k, v.as_integer_ratio()[1].bit_length() - 1)
    return k


def _scaled(v: float, k: int) -> int:
    """``v`` times 2**k, exactly (``v`` is a dyadic rational with denominator ≤ 2**k)."""
    num, den = v.as_integer_ratio()
    return num * ((1 << k) // den)


def leader_timeline(case: Case, model: str) -> list[TimelinePoint]:
    """The leader and scores at every distinct event date, oldest first.

    Equal, bit for bit, to ``analyse(case, d).models[model]`` at each date ``d``
    of :func:`event_dates`, but O(E·H + D·H) instead of a full analysis per date:
    the items are sorted by date once and every column is a running sum. The
    sums are exact (each float term is an integer multiple of 2**-K, so
    Python's integers add them without rounding) and ``int / 2**K`` rounds
    once, correctly, just as ``math.fsum`` does.
    """
    if model not in MODELS:
        raise ValueError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    stops = event_dates(case)
    hyps = case.hypotheses
    hids = [h.id for h in hyps]
    if not stops:
        return []
    # undated items count at every stop: they sort before the first date
    taking = [ev for ev in case.evidence if not ev.excluded]
    taking.sort(key=lambda ev: (ev.event_date is not None, ev.event_date or date.min))
    keys = [ev.event_date or date.min for ev in taking]
    ends = [bisect_right(keys, d) for d in stops]  # items counted at each stop
    codes = _code_columns(taking, hids)
    if model == "inconsistency":
        inc = _INC_TERM.__getitem__
        base_int = [0] * len(hids)
        cols_int = [list(map(inc, col)) for col in codes]
        k = 0
    else:
        table = _TERMS[model]
        base = [0.0] * len(hids) if model == "weighted" else _log_priors(hyps)
        k = _scale(chain(base, (v for row in table for v in row.values())))
        scaled = [{c: _scaled(v, k) for c, v in row.items()} for row in table]
        rows = [scaled[_WCLASS[ev.credibility][ev.relevance]] for ev in taking]
        lookup = dict.__getitem__
        base_int = [_scaled(b, k) for b in base]
        cols_int = [list(map(lookup, rows, col)) for col in codes]
    running = [list(accumulate(col, initial=b)) for b, col in zip(base_int, cols_int)]
    denom = 1 << k
    out: list[TimelinePoint] = []
    for d, end in zip(stops, ends):
        sums = [col[end] for col in running]
        totals: list[Any] = sums if model == "inconsistency" else [s / denom for s in sums]
        top = top_set(totals)
        out.append(
            TimelinePoint(
                as_of=d,
                scores=ModelScores(model, tuple(totals), tuple(ranks(totals)), top),  # type: ignore[arg-type]
                leaders=tuple(hids[i] for i in sorted(top)),
            )
        )
    return out


def leader_ids(analysis: Analysis, model: str) -> list[str]:
    hids = analysis.hypothesis_ids
    return [hids[i] for i in sorted(analysis.models[model].top)]


def event_dates(case: Case) -> list[date]:
    """Distinct event dates, oldest first: the stops of the as-of timeline."""
    return sorted({ev.event_date for ev in case.evidence if ev.event_date is not None})
