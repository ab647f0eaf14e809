"""The facts a summary reports, computed once for every output format.

`Summary` is the JSON export of DESIGN.md; `Findings` adds what people read in
the Markdown and HTML reports (evidence for and against, assumptions).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import MODELS, Analysis, analyse, event_dates, weight
from hypotheses.scoring import leader_timeline as scoring_timeline

SUPPORTS = ("CC", "C")
REFUTES = ("II", "I")


class RankingRow(BaseModel):
    id: str
    title: str
    rank: int
    inconsistency: int
    weighted: float
    posterior: float
    log_score: float


class EvidenceRow(BaseModel):
    id: str
    diagnosticity: float
    linchpin: list[str]


class Summary(BaseModel):
    case: str
    as_of: date | None
    model: str
    evidence_used: int
    models_agree: bool
    ranking: list[RankingRow]
    evidence: list[EvidenceRow]


def summarise(analysis: Analysis, model: str = "weighted") -> Summary:
    if model not in MODELS:
        raise ValueError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    case = analysis.case
    ranked = analysis.models[model]
    rows = [
        RankingRow(
            id=case.hypotheses[i].id,
            title=case.hypotheses[i].title,
            rank=ranked.ranks[i],
            inconsistency=int(analysis.models["inconsistency"].scores[i]),
            weighted=analysis.models["weighted"].scores[i],
            posterior=analysis.posterior[i],
            log_score=analysis.models["bayes"].scores[i],
        )
        for i in ranked.order
    ]
    evidence = [
        EvidenceRow(id=ev.id, diagnosticity=analysis.diagnosticity[i], linchpin=list(analysis.linchpins[i]))
        for i, ev in enumerate(case.evidence)
    ]
    return Summary(
        case=case.id,
        as_of=analysis.as_of,
        model=model,
        evidence_used=len(analysis.used),
        models_agree=analysis.agree,
        ranking=rows,
        evidence=evidence,
    )


@dataclass(frozen=True)
class Citation:
    """One evidence item as cited for or against a hypothesis."""

    evidence: Evidence
    rating: str
    diagnosticity: float


@dataclass(frozen=True)
class Findings:
    analysis: Analysis
    summary: Summary
    support: dict[str, list[Citation]]  # hypothesis id → most diagnostic for it
    against: dict[str, list[Citation]]
    assumptions: list[tuple[Evidence, tuple[str, ...]]]  # item, linchpin models

    @property
    def case(self) -> Case:
        return self.analysis.case

    def hypothesis(self, hid: str) -> Hypothesis:
        return self.case.hypothesis(hid)


def findings(case: Case, model: str = "weighted", as_of: date | None = None, top: int = 3) -> Findings:
    """Score the case and pick out what a reader needs to see."""
    analysis = analyse(case, as_of)
    summary = summarise(analysis, model)
    support: dict[str, list[Citation]] = {}
    against: dict[str, list[Citation]] = {}
    for hyp in case.hypotheses:
        cited = [
            Citation(case.evidence[i], code, analysis.diagnosticity[i])
            for i in analysis.used
            if (code := case.evidence[i].ratings.get(hyp.id)) in SUPPORTS + REFUTES
        ]
        # Only the top few are shown: a partial sort keeps big cases fast.
        rank = lambda c: (-c.diagnosticity, -weight(c.evidence))  # noqa: E731
        support[hyp.id] = heapq.nsmallest(top, (c for c in cited if c.rating in SUPPORTS), key=rank)
        against[hyp.id] = heapq.nsmallest(top, (c for c in cited if c.rating in REFUTES), key=rank)
    assumptions = [
        (ev, analysis.linchpins[i]) for i, ev in enumerate(case.evidence) if ev.kind == "assumption"
    ]
    return Findings(analysis, summary, support, against, assumptions)


@dataclass(frozen=True)
class TimelinePoint:
    """Who leads each model with the evidence known up to ``as_of``."""

    as_of: date
    used: int
    leaders: dict[str, tuple[str, ...]]  # model → rank-1 hypothesis ids, case order


def leader_timeline(case: Case) -> list[TimelinePoint]:
    """The leaders at every distinct event date, oldest first (the as-of timeline).

    Undated evidence takes part at every date, as in scoring; the last point
    therefore equals the analysis without an as-of date unless items are dated later.
    Built from ``scoring.leader_timeline`` (running sums), not an analysis per date.
    """
    per_model = {m: scoring_timeline(case, m) for m in MODELS}
    dated = sorted(ev.event_date for ev in case.evidence if not ev.excluded and ev.event_date)
    undated = sum(1 for ev in case.evidence if not ev.excluded and ev.event_date is None)
    return [
        TimelinePoint(
            as_of=day,
            used=undated + bisect_right(dated, day),
            leaders={m: per_model[m][i].leaders for m in MODELS},
        )
        for i, day in enumerate(event_dates(case))
    ]


@dataclass(frozen=True)
class LeaderChange:
    """A date at which a model's leader differs from the date before."""

    as_of: date
    model: str
    before: tuple[str, ...]
    after: tuple[str, ...]


def leader_changes(points: list[TimelinePoint]) -> list[LeaderChange]:
    """Where the timeline's leaders change, per model, in date order."""
    out: list[LeaderChange] = []
    for prev, point in zip(points, points[1:]):
        for model in MODELS:
            if prev.leaders[model] != point.leaders[model]:
                out.append(LeaderChange(point.as_of, model, prev.leaders[model], point.leaders[model]))
    return out
