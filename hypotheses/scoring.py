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
from typing import Literal

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


def _contributions(
    ev: Evidence, hids: Sequence[str]
) -> tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]]:
    """Per hypothesis: this item's inconsistency, weighted and log-likelihood terms."""
    w = weight(ev)
    ratings = ev.ratings
    codes = [ratings.get(h) for h in hids]
    inc = tuple(INCONSISTENCY.get(c, 0) for c in codes)  # type: ignore[arg-type]
    wtd = tuple(w * s for s in inc)
    bay = tuple(w * LOG_LIKELIHOOD[c] if c is not None else 0.0 for c in codes)
    return inc, wtd, bay


def analyse(case: Case, as_of: date | None = None) -> Analysis:
    """Score a case under all three models at an optional as-of date."""
    hyps = case.hypotheses
    hids = [h.id for h in hyps]
    nh = len(hids)
    used = tuple(i for i, ev in enumerate(case.evidence) if takes_part(ev, as_of))
    contribs = [_contributions(case.evidence[i], hids) for i in used]
    base = {"inconsistency": [0.0] * nh, "weighted": [0.0] * nh, "bayes": _log_priors(hyps)}
    terms = {m: [c[k] for c in contribs] for k, m in enumerate(MODELS)}

    totals: dict[str, list[float]] = {}
    for model in MODELS:
        cols = list(zip(*terms[model])) if terms[model] else [()] * nh
        if model == "inconsistency":
            totals[model] = [sum(col) for col in cols]  # exact integers
        else:
            totals[model] = [math.fsum((b, *col)) for b, col in zip(base[model], cols)]

    models = {
        m: ModelScores(m, tuple(totals[m]), tuple(ranks(totals[m])), top_set(totals[m]))
        for m in MODELS
    }
    lin: list[list[str]] = [[] for _ in case.evidence]
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
        diagnosticity=tuple(diagnosticity(ev, hids) for ev in case.evidence),
        linchpins=tuple(tuple(x) for x in lin),
        agree=len(tops) == 1,
    )


def _linchpins(
    totals: list[float],
    terms: list[tuple[float, ...]],
    base: list[float],
    top: frozenset[int],
) -> list[int]:
    """Positions (in ``terms``) whose removal alone changes the rank-1 set.

    O(E·H): removing an item subtracts its terms from the totals. Where that
    lands within rounding of the tie threshold, the totals are summed again
    without the item, so the answer is the one a full rescoring gives.
    """
    found: list[int] = []
    nh = len(totals)
    for pos, row in enumerate(terms):
        if not any(row):
            continue
        after = [totals[j] - row[j] for j in range(nh)]
        best = max(after)
        if any(abs(best - s - TIE) < 1e-12 * (1.0 + abs(best)) for s in after):
            after = [
                math.fsum([base[j], *(t[j] for p, t in enumerate(terms) if p != pos)])
                for j in range(nh)
            ]
        if top_set(after) != top:
            found.append(pos)
    return found


def leader_ids(analysis: Analysis, model: str) -> list[str]:
    hids = analysis.hypothesis_ids
    return [hids[i] for i in sorted(analysis.models[model].top)]


def event_dates(case: Case) -> list[date]:
    """Distinct event dates, oldest first: the stops of the as-of timeline."""
    return sorted({ev.event_date for ev in case.evidence if ev.event_date is not None})
