"""The facts a summary reports, computed once for every output format.

`Summary` is the JSON export of DESIGN.md; `Findings` adds what people read in
the Markdown and HTML reports (evidence for and against, assumptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import MODELS, Analysis, analyse, weight

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
            Citation(case.evidence[i], case.evidence[i].ratings[hyp.id], analysis.diagnosticity[i])
            for i in analysis.used
            if case.evidence[i].ratings.get(hyp.id) in SUPPORTS + REFUTES
        ]
        cited.sort(key=lambda c: (-c.diagnosticity, -weight(c.evidence)))
        support[hyp.id] = [c for c in cited if c.rating in SUPPORTS][:top]
        against[hyp.id] = [c for c in cited if c.rating in REFUTES][:top]
    assumptions = [
        (ev, analysis.linchpins[i]) for i, ev in enumerate(case.evidence) if ev.kind == "assumption"
    ]
    return Findings(analysis, summary, support, against, assumptions)
