"""Why a hypothesis stands where it does: the items for and against it, strongest first.

The hypothesis view in the workbench reads this; it is pure (no Textual), so the
order it shows is tested without a terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from hypotheses.scoring import AGAINST_CODES, FOR_CODES, NUMERIC, Analysis, Coverage, group_sizes, weight
from hypotheses.scoring_models import scoring_model
from hypotheses.separation import Separation, separating_items, watched

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence, Indicator


class Weighed(NamedTuple):
    """One taking-part item rated for or against a hypothesis, and how hard it counts."""

    evidence: Evidence
    code: str
    group_size: int  # taking-part items sharing its same-fact group (1: none)
    #: what the item moves the model's score by, in items of medium weight: |term| ÷ the
    #: model's medium item. 0 where the model does not count the rating (C under the
    #: inconsistency models, which count only what is against).
    strength: float


class Brief(NamedTuple):
    """What the hypothesis view shows beside the title and description."""

    hypothesis_id: str
    coverage: Coverage  # the analysis's own counts (rated, for, against, unrated)
    used: int  # items taking part
    against: list[Weighed]  # strongest first, ties in case order
    for_: list[Weighed]
    indicators: list[Indicator]  # those that would say something about it, case order


def brief(analysis: Analysis, hypothesis_id: str, model: str) -> Brief:
    """The items taking part in ``analysis`` that bear on one hypothesis, strongest first
    under ``model`` (each one's strength is what it moves that model's score by)."""
    case: Case = analysis.case
    ids = analysis.hypothesis_ids
    if hypothesis_id not in ids:
        raise KeyError(hypothesis_id)
    index = ids.index(hypothesis_id)
    items = [case.evidence[i] for i in analysis.used]
    sizes = group_sizes(items)
    sm = scoring_model(model)

    def weighed(ev: Evidence, code: str, n: int) -> Weighed:
        return Weighed(ev, code, n, abs(sm.term(weight(ev), n, code)) / sm.medium_item)

    against: list[tuple[int, Weighed]] = []
    for_: list[tuple[int, Weighed]] = []
    for pos, ev in enumerate(items):
        code = ev.ratings.get(hypothesis_id)
        if code in AGAINST_CODES:
            against.append((pos, weighed(ev, code, sizes[pos])))
        elif code in FOR_CODES:
            for_.append((pos, weighed(ev, code, sizes[pos])))
    return Brief(
        hypothesis_id=hypothesis_id,
        coverage=analysis.coverage[index],
        used=len(items),
        against=_strongest_first(against),
        for_=_strongest_first(for_),
        indicators=[ind for ind in watched(analysis) if hypothesis_id in ind.ratings],
    )


def _strongest_first(items: list[tuple[int, Weighed]]) -> list[Weighed]:
    return [w for _, w in sorted(items, key=lambda p: (-p[1].strength, p[0]))]


class Rival(NamedTuple):
    """Another hypothesis close in score, and the items that tell the two apart."""

    hypothesis_id: str
    gap: float  # this hypothesis's score minus the rival's (log score for Bayes)
    separation: Separation  # a = this hypothesis, b = the rival
    items: list[tuple[Evidence, str, str]]  # (item, code for this, code for the rival), case order


def rivals(analysis: Analysis, model: str, hypothesis_id: str, limit: int = 3) -> list[Rival]:
    """The ``limit`` hypotheses nearest in score under ``model`` (ties in case order)."""
    ids = analysis.hypothesis_ids
    scores = analysis.models[scoring_model(model).name].scores
    me = ids.index(hypothesis_id)
    others = sorted((j for j in range(len(ids)) if j != me), key=lambda j: (abs(scores[me] - scores[j]), j))
    out = []
    for j in others[:limit]:
        items = separating_items(analysis, hypothesis_id, ids[j])
        fa = sum(1 for _, ca, cb in items if NUMERIC[ca] > NUMERIC[cb])
        sep = Separation(hypothesis_id, ids[j], len(items), fa, len(items) - fa)
        out.append(Rival(ids[j], scores[me] - scores[j], sep, items))
    return out
