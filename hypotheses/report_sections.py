"""The report's sections as facts, computed once from the findings.

The Markdown and HTML renderers both read a :class:`Report`, so the two formats
never disagree about what the verdict is, which items are one fact or what a
rating's note says; each only decides how it looks.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from hypotheses.replay import StopLeaders, VerdictChange, leaders_over_time, verdict_changes
from hypotheses.scoring import AGAINST_CODES, FOR_CODES, analyse, known_date, takes_part
from hypotheses.scoring_models import SCORING_MODELS, ScoringModel, scoring_model
from hypotheses.separation import (
    BARELY_TESTED,
    Columns,
    Separation,
    alone_words,
    contenders,
    observed_later,
    prior_led,
    untold_note,
)
from hypotheses.summary import Citation, Findings, Verdict, Watch, coverage_text, leader_words
from hypotheses.vocabulary import counted, first_few

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hypotheses.models import Case, Evidence, Hypothesis, Indicator
    from hypotheses.scoring import Analysis


@dataclass(frozen=True)
class ModelVerdict:
    """One model's verdict as a box or a line: who leads, or the band it cannot separate."""

    model: ScoringModel
    kind: str  # "lead" | "band" | "unrated" | "none"
    ids: tuple[str, ...]  # the leader, the band, or the unweighed top scores
    title: str  # the single leader's title, else ""
    verdict: Verdict
    chosen: bool

    @property
    def label(self) -> str:
        return {"lead": "Leads", "band": "Not separated", "unrated": "Top score", "none": "Leads"}[self.kind]

    @property
    def unweighed(self) -> str:
        """A top score on no rated item, in words: 'top score H1, H2, on no rated item', or
        'top score H1, H3; H3 on no rated item' when a rated leader shares it; 'top score H3;
        no item tells it from H1' for a lead only cells left unrated make ('' else)."""
        if self.kind != "unrated":
            return ""
        names = ", ".join(self.ids)
        v = self.verdict
        if v.untold:
            return f"top score {names}; {untold_note(v.untold)}"
        unrated = [h.id for h, c in zip(v.leaders, v.coverage, strict=True) if not c.rated]
        if len(unrated) == len(self.ids):
            return f"top score {names}, on no rated item"
        return f"top score {names}; {', '.join(unrated)} on no rated item"


@dataclass(frozen=True)
class RankRow:
    rank: int
    hypothesis: Hypothesis
    scores: tuple[str, ...]  # per SCORING_MODELS, as people read them
    coverage: str
    unrated: int  # > 0: incomplete
    tested: int
    leader: bool
    in_band: bool
    colour: int  # the hypothesis's place in the case (palette index)


@dataclass(frozen=True)
class Cell:
    hypothesis_id: str
    code: str | None
    note: str


@dataclass(frozen=True)
class MatrixRow:
    evidence: Evidence
    cells: tuple[Cell, ...]
    diagnosticity: float
    linchpins: tuple[str, ...]
    fact: str | None  # its same-fact group, when the group holds two or more items
    later: bool = False  # known only after the report's as-of date: listed, but takes no part


@dataclass(frozen=True)
class Fact:
    """A same-fact group of two or more items: one fact, counted once."""

    group: str
    ids: tuple[str, ...]  # every item in it, case order
    taking_part: int  # how many take part now (each counts 1 / this)


@dataclass(frozen=True)
class HypothesisFindings:
    hypothesis: Hypothesis
    support: list[Citation]
    against: list[Citation]
    coverage: str
    unrated: int
    strengthen: list[Watch]
    weaken: list[Watch]
    for_total: int = 0  # every item for it (``support`` holds the most diagnostic few)
    against_total: int = 0

    @property
    def for_heading(self) -> str:
        return cited_heading("For", len(self.support), self.for_total)

    @property
    def against_heading(self) -> str:
        return cited_heading("Against", len(self.against), self.against_total)


@dataclass(frozen=True)
class Seen:
    """An indicator as a report can tell it on its date: one observed through an item known
    only after the report's as-of date was still being watched then, and may have been
    overdue then."""

    status: str  # 'watching', 'observed', 'lapsed', or 'still watched on 2024-02-05'
    filed: str  # 'filed as E5', 'observed later: filed as E5, known from 2024-03-05', or ''
    overdue: bool


@dataclass(frozen=True)
class Report:
    """Everything a Markdown or HTML report shows, in the order it shows it."""

    findings: Findings
    when: str  # "all dates" | "known by 2022-03-01"
    model: ScoringModel  # the model the ranking is ordered by
    opening: ModelVerdict  # the chosen model's verdict: what the report leads with
    separations: list[Separation]  # every pair of the chosen model's contenders
    models: list[ModelVerdict]
    ranking: list[RankRow]
    matrix: list[MatrixRow]
    facts: list[Fact]
    notes: list[tuple[str, Cell]]  # (evidence id, cell) for every rating note, case order
    per_hypothesis: list[HypothesisFindings]
    timeline: list[StopLeaders]
    changes: list[VerdictChange]
    linchpins: list[tuple[Evidence, tuple[str, ...]]]
    excluded: list[Evidence]
    history: list[str] | None
    what_if: str = ""  # what the left-out items would change about the verdict, or ""
    seen: dict[str, Seen] = field(default_factory=dict)  # indicator id → as the report's date tells it
    # hypothesis id → the known dates (date.min: undated) of the items taking part at some date
    # that rate it for or against, sorted: how many bear on a timeline's lone leader then
    bearing: dict[str, list[date]] = field(default_factory=dict)

    @property
    def case(self) -> Case:
        return self.findings.case

    @property
    def indicators(self) -> list[Indicator]:
        return self.findings.case.indicators

    @property
    def today(self) -> date:
        return self.findings.today

    def standing(self, ids: tuple[str, ...], unweighed: tuple[str, ...], untold: tuple[str, ...],
                 alone: tuple[str, ...], day: date) -> str:
        """:func:`standing_text` at a timeline's ``day``, saying how firmly a lone leader leads
        when, as the verdict would warn, fewer than three items then bear on it: 'led by H5
        (barely tested: 0 items bear on it)'."""
        text = standing_text(ids, unweighed, untold, alone)
        if len(ids) != 1 or not text.startswith("led by"):
            return text
        tested = bisect_right(self.bearing.get(ids[0], []), day)
        if tested >= BARELY_TESTED:
            return text
        barely = f"barely tested: {counted(tested, 'item')} {'bears' if tested == 1 else 'bear'} on it"
        return f"{text[:-1]}; {ids[0]} {barely})" if text.endswith(")") else f"{text} ({barely})"

    def before(self, change: VerdictChange) -> date:
        """The timeline's stop before ``change``: the day its 'before' held."""
        days = [p.as_of for p in self.timeline]
        return days[max(0, bisect_left(days, change.as_of) - 1)]


def model_verdict(f: Findings, sm: ScoringModel, chosen: bool) -> ModelVerdict:
    v = f.verdicts[sm.name]
    ids = tuple(h.id for h in v.leaders)
    if not ids:
        return ModelVerdict(sm, "none", (), "", v, chosen)
    if v.unweighed:
        return ModelVerdict(sm, "unrated", ids, "", v, chosen)
    if not v.separated:
        return ModelVerdict(sm, "band", v.band, "", v, chosen)
    return ModelVerdict(sm, "lead", ids, v.leaders[0].title, v, chosen)


def _ranking(f: Findings) -> list[RankRow]:
    a = f.analysis
    hids = a.hypothesis_ids
    chosen = f.summary.model
    inside = set(f.verdicts[chosen].band)
    rows = []
    for row in f.summary.ranking:
        i = hids.index(row.id)
        cov = a.coverage[i]
        rows.append(
            RankRow(
                rank=row.rank,
                hypothesis=f.case.hypotheses[i],
                scores=tuple(m.format_score(a.shown(m.name)[i]) for m in SCORING_MODELS),
                coverage=coverage_text(cov, len(a.used)),
                unrated=cov.unrated,
                tested=cov.tested,
                leader=row.rank == 1,
                in_band=row.id in inside,
                colour=i,
            )
        )
    return rows


def _facts(f: Findings) -> tuple[list[Fact], dict[str, str]]:
    """Same-fact groups of two or more items, and each member's group."""
    case, a = f.case, f.analysis
    taking = Counter(case.evidence[i].group for i in a.used)
    members: dict[str, list[str]] = {}
    for ev in case.evidence:
        if ev.group is not None:
            members.setdefault(ev.group, []).append(ev.id)
    facts = [Fact(g, tuple(ids), taking.get(g, 0)) for g, ids in members.items() if len(ids) > 1]
    return facts, {eid: fact.group for fact in facts for eid in fact.ids}


def _matrix(f: Findings, fact_of: dict[str, str]) -> list[MatrixRow]:
    a = f.analysis
    hids = a.hypothesis_ids
    return [
        MatrixRow(
            evidence=ev,
            cells=tuple(Cell(h, code := ev.ratings.get(h), own_note(code, ev.notes.get(h, "")))
                        for h in hids),
            diagnosticity=a.diagnosticity[i],
            linchpins=a.linchpins[i],
            fact=fact_of.get(ev.id),
            later=not ev.excluded and not takes_part(ev, a.as_of),
        )
        for i, ev in enumerate(f.case.evidence)
    ]


def _per_hypothesis(f: Findings) -> list[HypothesisFindings]:
    a = f.analysis
    out = []
    for i, hyp in enumerate(f.case.hypotheses):
        cov = a.coverage[i]
        out.append(
            HypothesisFindings(
                hyp, f.support[hyp.id], f.against[hyp.id], coverage_text(cov, len(a.used)),
                cov.unrated, f.strengthen[hyp.id], f.weaken[hyp.id], cov.for_, cov.against,
            )
        )
    return out


def build_report(f: Findings, history: list[str] | None = None) -> Report:
    """The report's facts, once, for either renderer."""
    a, case = f.analysis, f.case
    sm = scoring_model(f.summary.model)
    facts, fact_of = _facts(f)
    matrix = _matrix(f, fact_of)
    hids = a.hypothesis_ids
    cols = Columns(a)
    pairs = combinations([hids[i] for i in contenders(a, sm.name)], 2)
    points = leaders_over_time(case, a.as_of)
    return Report(
        findings=f,
        when=f"known by {a.as_of.isoformat()}" if a.as_of else "all dates",
        model=sm,
        opening=model_verdict(f, sm, True),
        separations=[cols.separation(x, y) for x, y in pairs],
        models=[model_verdict(f, m, m.name == sm.name) for m in SCORING_MODELS],
        ranking=_ranking(f),
        matrix=matrix,
        facts=facts,
        notes=[(row.evidence.id, c) for row in matrix for c in row.cells if c.note and c.code],
        per_hypothesis=_per_hypothesis(f),
        timeline=points if len(points) >= 2 else [],
        changes=verdict_changes(points) if len(points) >= 2 else [],
        linchpins=[(ev, a.linchpins[i]) for i, ev in enumerate(case.evidence) if a.linchpins[i]],
        excluded=[ev for ev in case.evidence if ev.excluded],
        history=history,
        what_if=what_if_text(a, sm),
        seen={ind.id: seen_as_of(ind, case, a.as_of, f.today) for ind in case.indicators},
        bearing=_bearing(case) if len(points) >= 2 else {},
    )


def _bearing(case: Case) -> dict[str, list[date]]:
    out: dict[str, list[date]] = {h.id: [] for h in case.hypotheses}
    bears = FOR_CODES | AGAINST_CODES
    for ev in case.evidence:
        if not ev.excluded:
            day = known_date(ev) or date.min
            for hid, code in ev.ratings.items():
                if code in bears and hid in out:
                    out[hid].append(day)
    for days in out.values():
        days.sort()
    return out


def own_note(code: str | None, note: str) -> str:
    """A rating's note as a report shows it beside its code: without the code it opens with
    when that is the rating's own ('N: expected whatever ended the talks' under N), so the code
    is not said twice; a note opening with another code (left from an earlier rating) keeps it."""
    return note.removeprefix(f"{code}: ") if code else note


def cited_heading(word: str, shown: int, total: int) -> str:
    """'For', or 'Against (the 3 most diagnostic of 7)' when the list shows only some."""
    return word if shown >= total else f"{word} (the {shown} most diagnostic of {total})"


def dates_text(ev: Evidence) -> str:
    """'event 2024-01-03, reported 2024-02-10', or 'undated'."""
    known = (("event", ev.event_date), ("reported", ev.reported_date))
    return ", ".join(f"{what} {day.isoformat()}" for what, day in known if day) or "undated"


def seen_as_of(ind: Indicator, case: Case, as_of: date | None, today: date) -> Seen:
    """:class:`Seen` for ``ind``: a report as of a date shows nothing learnt after it, so an
    indicator observed through an item known only later reads as watched then."""
    filed = f"filed as {ind.evidence_id}" if ind.evidence_id else ""
    known = observed_later(ind, case, as_of)
    if known is not None and as_of is not None:
        due = ind.expected_by is not None and ind.expected_by < today
        return Seen(f"still watched on {as_of.isoformat()}",
                    f"observed later: {filed}, known from {known.isoformat()}", due)
    return Seen(ind.status, filed, ind.overdue(today))


def what_if_text(a: Analysis, sm: ScoringModel) -> str:
    """When items are left out (what-if) and putting them back would change what the chosen
    model's verdict names: 'With the 2 items left out (what-if: E2, E3) back in, the top
    under … would be H2 instead of H1.' ('' otherwise). One more analysis, reports only."""
    case = a.case
    restored = [ev.model_copy(update={"excluded": False}) if ev.excluded else ev for ev in case.evidence]
    # only those that would count by the report's as-of date
    out = [ev for ev, was in zip(restored, case.evidence, strict=True)
           if was.excluded and takes_part(ev, a.as_of)]
    if not out:
        return ""
    back = analyse(case.model_copy(update={"evidence": restored}), a.as_of)
    # as the as-of line says it: a band names all it holds, so the two sides never read alike
    now, then = leader_words(a, sm.name), leader_words(back, sm.name)
    if now == then:
        return ""
    ids = [ev.id for ev in out]
    return (f"With the {counted(len(ids), 'item')} left out (what-if: {first_few(ids, 5)}) back in, "
            f"{sm.label} would give {then} instead of {now}.")


def agreement_words(agree: bool, top: str, naming: Sequence[str], models: int) -> str:
    """Whether the models agree, in words that claim no leader a model does not name:
    'The models agree on the leader' only when each of the ``models`` names it (``naming``:
    the labels of those that do); else 'The models agree on the top score (H1), but only …
    names it the leader' or '… but none of them names a leader'; or 'The models disagree on
    the top score' (their top sets differ). The reports and the ranking history say it alike."""
    if not agree:
        return "The models disagree on the top score"
    if len(naming) == models:
        return "The models agree on the leader"
    if not naming:
        return f"The models agree on the top score ({top}), but none of them names a leader"
    verb = "names" if len(naming) == 1 else "name"
    return f"The models agree on the top score ({top}), but only {' and '.join(naming)} {verb} it the leader"


def agreement_text(r: Report) -> str:
    """:func:`agreement_words` for a report, pointing to each model's verdict when a model
    names no leader."""
    naming = [mv.model.label for mv in r.models if mv.kind == "lead"]
    top = ", ".join(h.id for h in r.opening.verdict.leaders)
    words = agreement_words(r.findings.analysis.agree, top, naming, len(r.models))
    if not r.findings.analysis.agree:
        return words
    return words + ("." if len(naming) == len(r.models) else ": see each model's verdict.")


def separation_text(s: Separation) -> str:
    """'H1 / H2: 3 items tell them apart (2 favour H1, 1 H2)' or that none does."""
    if not s.items:
        return f"{s.a} / {s.b}: no item tells them apart"
    plural = "item tells" if s.items == 1 else "items tell"
    return f"{s.a} / {s.b}: {s.items} {plural} them apart ({s.favour_a} favour {s.a}, {s.favour_b} {s.b})"


def no_timeline_text(as_of: date | None) -> str:
    """Why a report draws no leader over time: its stops are the dates items became known
    (not their event dates: two events reported on one day make one stop)."""
    by = f" up to {as_of.isoformat()}" if as_of else ""
    return (f"Fewer than two known dates{by} (an item is known from the later of its event and "
            "reported dates): no timeline to draw.")


def undated_note(undated: int) -> str:
    if not undated:
        return "no undated items"
    plural = undated != 1
    return f"{undated} undated item{'s' if plural else ''} count{'' if plural else 's'} at every date"


def standing_text(ids: tuple[str, ...], unweighed: tuple[str, ...] = (), untold: tuple[str, ...] = (),
                  alone: tuple[str, ...] = ()) -> str:
    """'led by H2', 'not separated: H1, H2' or 'none': a timeline's words for a band; a top
    score no item had rated (``unweighed``) is no verdict, as the verdict says: 'no verdict:
    top score H2 rests on no rated item' (and '; not separated: H1, H2' when others are near);
    so is a lone leader no item tells from the runners-up ``untold``: 'no verdict: top score
    H3, but no item tells it from H1'. Where unequal priors make the band (``alone``: what
    the evidence alone names, :func:`~hypotheses.separation.evidence_alone`), it says so as
    the verdict does: 'led by H1 on its prior (the evidence alone puts H2 first)'."""
    if unweighed:
        rests = "rests" if len(unweighed) == 1 else "rest"
        text = f"no verdict: top score {', '.join(unweighed)} {rests} on no rated item"
        return text + (f"; not separated: {', '.join(ids)}" if set(ids) - set(unweighed) else "")
    if not ids:
        return "none"
    if untold and len(ids) == 1:
        return f"no verdict: top score {ids[0]}, but {untold_note(untold)}"
    if len(ids) == 1:
        return f"led by {prior_led(ids[0], alone)}"
    text = f"not separated: {', '.join(ids)}"
    return f"{text} ({alone_words(alone)})" if alone else text
