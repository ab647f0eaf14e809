"""The three scoring models, ranks, diagnosticity, linchpins and agreement.

Formulas follow DESIGN.md to the letter so that any independent
implementation gets the same numbers. Sums use ``math.fsum`` (correctly
rounded), so the result does not depend on the order evidence was filed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, repeat
from operator import add, sub
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
# An item's term under a model depends only on its credibility, relevance and
# code, so every term is looked up, never recomputed: the tables hold exactly
# the floats the formulas give (``w * s`` and ``w * ln L``), and scoring a
# column is C-level ``map`` over them plus one ``math.fsum``.

_CODES: tuple[str | None, ...] = (*LIKELIHOOD, None)  # None: not rated
_INC_TERM: dict[str | None, int] = {c: INCONSISTENCY.get(c, 0) for c in _CODES}  # type: ignore[arg-type]
_WTD_TERM: dict[str, dict[str, dict[str | None, float]]] = {
    cred: {
        rel: {c: (LEVEL_WEIGHT[cred] * LEVEL_WEIGHT[rel]) * _INC_TERM[c] for c in _CODES}
        for rel in LEVEL_WEIGHT
    }
    for cred in LEVEL_WEIGHT
}
_BAY_TERM: dict[str, dict[str, dict[str | None, float]]] = {
    cred: {
        rel: {
            c: (LEVEL_WEIGHT[cred] * LEVEL_WEIGHT[rel]) * LOG_LIKELIHOOD[c] if c is not None else 0.0
            for c in _CODES
        }
        for rel in LEVEL_WEIGHT
    }
    for cred in LEVEL_WEIGHT
}
# Largest |term| any item can contribute: bounds the linchpin scan's rounding.
_TERM_BOUND = max(
    abs(v) for tables in (_WTD_TERM, _BAY_TERM) for by_rel in tables.values()
    for row in by_rel.values() for v in row.values()
)

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


def _term_columns(
    evidence: Sequence[Evidence], codes: list[list[str | None]]
) -> dict[str, list[list[Any]]]:
    """Per model, per hypothesis: each item's term, looked up in the tables."""
    wtd_rows = [_WTD_TERM[ev.credibility][ev.relevance] for ev in evidence]
    bay_rows = [_BAY_TERM[ev.credibility][ev.relevance] for ev in evidence]
    lookup = dict.__getitem__
    inc = _INC_TERM.__getitem__
    return {
        "inconsistency": [list(map(inc, col)) for col in codes],
        "weighted": [list(map(lookup, wtd_rows, col)) for col in codes],
        "bayes": [list(map(lookup, bay_rows, col)) for col in codes],
    }


def _totals(model: str, base: list[float], cols: list[list[Any]]) -> list[Any]:
    """Column sums: exact integers for inconsistency, correctly rounded fsum otherwise."""
    if model == "inconsistency":
        return [sum(col) for col in cols]
    return [math.fsum(chain((b,), col)) for b, col in zip(base, cols)]


def analyse(case: Case, as_of: date | None = None) -> Analysis:
    """Score a case under all three models at an optional as-of date.

    Column-at-a-time over lookup tables: O(E·H) with the inner loops in C,
    a few milliseconds for 10,000 items.
    """
    hyps = case.hypotheses
    hids = [h.id for h in hyps]
    nh = len(hids)
    evidence = case.evidence
    used = tuple(i for i, ev in enumerate(evidence) if takes_part(ev, as_of))
    all_codes = _code_columns(evidence, hids)
    if len(used) == len(evidence):
        used_ev: Sequence[Evidence] = evidence
        codes = all_codes
    else:
        used_ev = [evidence[i] for i in used]
        codes = [[col[i] for i in used] for col in all_codes]
    base = {"inconsistency": [0.0] * nh, "weighted": [0.0] * nh, "bayes": _log_priors(hyps)}
    terms = _term_columns(used_ev, codes)
    totals = {m: _totals(m, base[m], terms[m]) for m in MODELS}

    models = {
        m: ModelScores(m, tuple(totals[m]), tuple(ranks(totals[m])), top_set(totals[m]))
        for m in MODELS
    }
    lin: list[list[str]] = [[] for _ in evidence]
    for model in MODELS:
        for pos in _linchpins(totals[model], terms[model], base[model], models[model].top):
            lin[used[pos]].append(model)
    tops = {models[m].top for m in MODELS}
    return Analysis(
        case=case,
        as_of=as_of,
        used=used,
        models=models,
        posterior=posteriors(totals["bayes"]),
        diagnosticity=_diagnosticities(evidence, hids, all_codes),
        linchpins=tuple(tuple(x) for x in lin),
        agree=len(tops) == 1,
    )


def _linchpins(
    totals: list[Any],
    cols: list[list[Any]],
    base: list[float],
    top: frozenset[int],
) -> list[int]:
    """Positions (in the term columns) whose removal alone changes the rank-1 set.

    O(E·H), column at a time: removing an item subtracts its terms from the
    totals. The rank-1 set stays the same exactly when the worst of the
    current leaders is still within TIE of the new best (``d_in <= TIE``) and
    the best of the rest is not (``d_out > TIE``). Integer (inconsistency)
    totals are exact. For float totals, ``total - term`` differs from the fsum
    a full rescoring gives by less than ``margin`` (two roundings of values no
    larger than ``scale``: at most 6.1·2⁻⁵³·scale on a difference, and the
    margin is ≥ 9·2⁻⁵³·scale), so only an item whose ``d_in`` or ``d_out`` lies
    within ``margin`` of TIE is decided by summing its columns again without it.
    """
    nh = len(totals)
    n = len(cols[0]) if cols else 0
    if nh < 2 or n == 0:
        return []  # a single hypothesis always leads
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
    if all(isinstance(t, int) for t in totals):
        return found  # integer sums: exact, no rounding to doubt
    scale = 1.0 + max(abs(t) for t in totals) + _TERM_BOUND
    margin = 1e-15 * scale
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


def leader_ids(analysis: Analysis, model: str) -> list[str]:
    hids = analysis.hypothesis_ids
    return [hids[i] for i in sorted(analysis.models[model].top)]


def event_dates(case: Case) -> list[date]:
    """Distinct event dates, oldest first: the stops of the as-of timeline."""
    return sorted({ev.event_date for ev in case.evidence if ev.event_date is not None})
