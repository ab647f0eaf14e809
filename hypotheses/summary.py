"""The facts a summary reports, computed once for every output format.

`Summary` is the JSON export; `Findings` adds what people read in the
Markdown and HTML reports (why the leader leads and how firmly, evidence for
and against, indicators, assumptions).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from datetime import date
from itertools import compress, islice
from typing import TYPE_CHECKING, Any, NamedTuple

from hypotheses import gc_policy
from hypotheses.scoring import (
    AGAINST_CODES,
    FOR_CODES,
    Analysis,
    Coverage,
    analyse,
    leader_ids,
    weight,
)
from hypotheses.scoring_models import MODELS, SCORING_MODELS, ScoringModel, scoring_model
from hypotheses.separation import (
    BARELY_TESTED,
    NOT_SEPARATED,
    ON_PRIOR,
    alone_terse,
    alone_words,
    band,
    evidence_alone,
    leader_separations,
    line_names,
    prior_led,
    priors_make,
    priors_weigh,
    scores_alone,
    separating_indicators,
    short_top,
    top_note,
    untold,
    untold_note,
    watch_brief,
    watch_sentence,
    watchlist,
)
from hypotheses.team import TEAM, TeamFacts, is_team, lens_case, team_facts
from hypotheses.vocabulary import counted, first_few, in_number

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence, Hypothesis, Indicator

ROWS_PER_PIECE = 1000  # evidence rows serialised at a time by Summary.to_json


class RankingRow(NamedTuple):
    id: str
    title: str
    rank: int
    inconsistency: float
    weighted: float
    posterior: float
    log_score: float
    rated: int
    for_: int
    against: int
    incomplete: bool

    @property
    def tested(self) -> int:
        """Items whose rating bears on it: for + against."""
        return self.for_ + self.against


class Summary(NamedTuple):
    """The JSON summary's facts; ``json_pieces`` writes them with full floats."""

    analysis: Analysis
    model: str
    ranking: list[RankingRow]
    team: TeamFacts | None = None  # a team case's: the lens, the analysts, disagreement

    @property
    def evidence_used(self) -> int:
        return len(self.analysis.used)

    @property
    def models_agree(self) -> bool:
        return self.analysis.agree

    @property
    def margin(self) -> dict[str, float | None]:
        return {m: self.analysis.margin(m) for m in MODELS}

    def to_dict(self) -> dict[str, Any]:
        return {**self._head(), "evidence": list(self._rows())}

    def _head(self) -> dict[str, Any]:
        a = self.analysis
        return {
            "case": a.case.id,
            "as_of": a.as_of.isoformat() if a.as_of else None,
            "conclusion": a.case.conclusion,
            "model": self.model,
            "evidence_used": len(a.used),
            "undated_used": a.undated_used,
            "models_agree": a.agree,
            "margin": self.margin,
            "ranking": [
                {
                    "id": r.id,
                    "title": r.title,
                    "rank": r.rank,
                    "inconsistency": _number(r.inconsistency),
                    "weighted": r.weighted,
                    "posterior": r.posterior,
                    "log_score": r.log_score,
                    "rated": r.rated,
                    "for": r.for_,
                    "against": r.against,
                    "tested": r.tested,
                }
                for r in self.ranking
            ],
            **self._tell_apart(),
            **self._team(),
        }

    def _team(self) -> dict[str, Any]:
        """A team case's lens, analysts, each analyst's leaders and whether they agree."""
        t = self.team
        if t is None:
            return {}
        return {"lens": t.lens, "analysts": list(t.analysts), "leaders_by_analyst": t.leaders_by_analyst,
                "analysts_agree": t.analysts_agree}

    def _tell_apart(self) -> dict[str, Any]:
        """What the evidence can tell apart: band, separation, separating indicators."""
        a = self.analysis
        hids = a.hypothesis_ids
        return {
            "band": {m: [hids[i] for i in band(a, m)] for m in MODELS},
            "separation": [s.to_dict() for s in leader_separations(a, self.model)],
            "separating_indicators": [ind.id for ind in separating_indicators(a, self.model)],
        }

    def _rows(self) -> Iterator[dict[str, Any]]:
        a = self.analysis
        rows = zip(a.case.evidence, a.diagnosticity, a.linchpins, strict=True)
        if self.team is None:
            for ev, d, lin in rows:
                yield {"id": ev.id, "diagnosticity": d, "linchpin": list(lin), "excluded": ev.excluded}
            return
        for (ev, d, lin), spread in zip(rows, self.team.disagreement, strict=True):
            yield {"id": ev.id, "diagnosticity": d, "linchpin": list(lin), "excluded": ev.excluded,
                   "disagreement": spread.value, "split_na": spread.split_na}

    def json_pieces(self) -> list[bytes]:
        """:meth:`to_dict` as indented UTF-8 JSON, in pieces to be joined once the
        analysis is gone (:func:`summary_json`): the evidence rows are serialised a
        thousand at a time.

        A dict per row for every item at once, and the text copied three times
        over, cost a large case dearly in memory; a piece of rows is re-indented
        one level as text (JSON text holds a newline only between tokens, never
        in a string).
        """
        from pydantic_core import to_json  # here: the workbench's shell shows verdicts, not JSON

        head = to_json({**self._head(), "evidence": []}, indent=2)
        rows = self._rows()
        pieces = [head[: -len(b"[]\n}")], b"["]
        while chunk := list(islice(rows, ROWS_PER_PIECE)):
            text = to_json(chunk, indent=2)[1:-2]  # "\n  {…},\n  {…}"
            pieces += (b"," if len(pieces) > 2 else b"", text.replace(b"\n", b"\n  "))
        if len(pieces) == 2:
            return [head, b"\n"]
        pieces.append(b"\n  ]\n}\n")
        return pieces


def _number(value: float) -> float | int:
    """A whole-number score as an int (``-1``), any other as the full float."""
    return int(value) if value.is_integer() else value


def summarise(analysis: Analysis, model: str = "weighted") -> Summary:
    """The ranking ordered by ``model``, with every model's score and the coverage."""
    name = scoring_model(model).name
    case = analysis.case
    ranked = analysis.models[name]
    score = {m: analysis.models[m].scores for m in MODELS}
    rows = []
    for i in ranked.order:
        cov = analysis.coverage[i]
        rows.append(
            RankingRow(
                id=case.hypotheses[i].id,
                title=case.hypotheses[i].title,
                rank=ranked.ranks[i],
                inconsistency=score["inconsistency"][i],
                weighted=score["weighted"][i],
                posterior=analysis.posterior[i],
                log_score=score["bayes"][i],
                rated=cov.rated,
                for_=cov.for_,
                against=cov.against,
                incomplete=cov.incomplete,
            )
        )
    return Summary(analysis=analysis, model=name, ranking=rows)


def summary_json(case: Case, model: str = "weighted", as_of: date | None = None, lens: str = TEAM) -> bytes:
    """``weigh export --format json`` (UTF-8): the analysis and nothing people-only (fast at
    100k items). A team case is scored as ``lens`` shows it, and the team facts are added.
    The text is joined after the analysis is freed, so a large case never holds both."""
    with gc_policy.paused():  # 100k small row dicts would set off full passes
        pieces = _summary(case, model, as_of, lens).json_pieces()
    return b"".join(pieces)


def _summary(case: Case, model: str, as_of: date | None, lens: str) -> Summary:
    analysis = analyse(lens_case(case, lens), as_of)
    summary = summarise(analysis, model)
    if is_team(case):
        team = team_facts(case, lens, summary.model, as_of, analysis if lens == TEAM else None)
        summary = summary._replace(team=team)
    return summary


# ------------------------------------------------------------------ in words


class Verdict(NamedTuple):
    """Why the leader leads under one model and how firmly, in words people can check;
    or, when the evidence does not separate the best hypotheses, which ones and what
    would tell them apart."""

    model: ScoringModel
    leaders: tuple[Hypothesis, ...]
    coverage: tuple[Coverage, ...]  # the leaders'
    margin: float | None
    total: int  # items taking part
    headline: str
    warnings: tuple[str, ...]
    brief: str = ""  # the headline where room is short (the workbench)
    brief_warnings: tuple[str, ...] = ()
    band: tuple[str, ...] = ()  # ids within one medium item of the best, case order
    watch: str = ""  # what would separate the contenders (lower case), or ""
    brief_watch: str = ""  # the same in one screen line
    #: the runners-up no item rated for both tells from the lone leader (separation.untold)
    untold: tuple[str, ...] = ()
    #: shorter wordings of ``brief``, longest first, each a whole thought (a narrow line)
    briefs: tuple[str, ...] = ()

    def brief_within(self, fits: Callable[[str], bool]) -> str:
        """The longest wording of the brief headline that ``fits`` (a line's width), else
        the shortest: a narrow line gives up words, never half a thought."""
        forms = (self.brief, *self.briefs)
        return next((form for form in forms if fits(form)), forms[-1])

    @property
    def watch_line(self) -> str:
        """What would separate the contenders, as the next step the verdict names (not a
        warning: a firm lead names its runners-up too): '' with fewer than two contenders."""
        return f"What would separate them: {self.watch}." if self.watch else ""

    @property
    def unrated_leader(self) -> bool:
        """A leader with no rating at all: never to be shown as a winner."""
        return any(c.rated == 0 for c in self.coverage)

    @property
    def unweighed(self) -> bool:
        """The top names no leader for want of ratings: a leader nobody rated, or one whose
        lead over a runner-up comes only from cells left unrated."""
        return self.unrated_leader or bool(self.untold)

    @property
    def separated(self) -> bool:
        """One hypothesis stands alone in the band: the evidence names a single leader."""
        return len(self.band) < 2


def leader_words(analysis: Analysis, model: str, short: bool = False, note: str | None = None,
                 few: bool = False) -> str:
    """The top of ``model``'s ranking named as the verdict names it, in a few words (the
    workbench's as-of line): 'leader H1' only for a lone leader the evidence separates;
    'top score H1, H2 (not separated)' for a tie, 'top score H1 (not separated from H2)' for
    a band wider than the top ('≈ H1, H2' short); 'top score H2 (on no rated item)' or
    'top score H1, H3 (H3 on no rated item)' for a top score no rated item bears on; 'top
    score H3 (no item tells it from H1)' for a lead that comes only from cells left
    unrated; '' with no hypotheses. ``short`` (a narrow line): 'leader H1', '≈ H1, H2' (the
    ranking's mark for not separated), 'unrated top H2', 'unweighed top H3'. Where unequal
    priors make the lead, as the verdict says: 'leader H1 on its prior (the evidence alone
    puts H2 first)' ('leader H1 on its prior' short), or a band's '(not separated; the
    evidence alone puts H1 first)'. It runs on every key (see
    :func:`~hypotheses.separation.top_note`; ``note``: its words, if at hand). ``few``: the
    short words with a long list by its first few, '≈ H1, H2, H3, H4, H5 and 10 more'."""
    top = leader_ids(analysis, model)
    if not top:
        return ""
    ids = ", ".join(top)
    note = top_note(analysis, model) if note is None else note
    short = short or few
    if note not in ("", NOT_SEPARATED):
        return short_top(top, note, few) if short else f"top score {ids} ({note})"
    name = scoring_model(model).name
    hids = analysis.hypothesis_ids
    inside = [hids[i] for i in band(analysis, name)] if note else []  # may hold more than the top
    if short and note:
        return short_top(inside, note, few)
    alone = priors_make(analysis, name, note)
    if not note:
        return f"leader {prior_led(ids, alone, short)}"
    others = [h for h in inside if h not in top]
    why = f"; {alone_words(alone)}" if alone else ""
    return f"top score {ids} (not separated{' from ' + ', '.join(others) if others else ''}{why})"


def coverage_text(cov: Coverage, total: int) -> str:
    """'12/27 rated, 8 for, 1 against' ('rated' counts all but NA and unrated)."""
    return f"{cov.rated}/{total} rated, {cov.for_} for, {cov.against} against"


def barely_tested_text(hid: str, cov: Coverage, total: int) -> str:
    """'H1 is barely tested: 2 of 49 items bear on it, +1 −1' ('1 of 49 items bears')."""
    items = "item" if total == 1 else "items"
    bear = "bears" if cov.tested == 1 or total == 1 else "bear"
    return f"{hid} is barely tested: {cov.tested} of {total} {items} {bear} on it, +{cov.for_} −{cov.against}"


def not_separated_text(ids: tuple[str, ...], short: bool = False) -> str:
    """'Not separated: H1, H2, H5 within one medium item' (``short``: a long band by its
    first few, :func:`~hypotheses.separation.line_names`)."""
    return f"Not separated: {line_names(ids) if short else ', '.join(ids)} within one medium item"


def items_text(n: float, short: bool = False) -> str:
    """'1.0 item of medium weight', '2.5 items of medium weight' ('… medium items' short)."""
    plural = "" if round(n, 1) == 1 else "s"
    return f"{n:.1f} medium item{plural}" if short else f"{n:.1f} item{plural} of medium weight"


def _headline(
    sm: ScoringModel, leaders: tuple[Hypothesis, ...], covs: tuple[Coverage, ...],
    inside: tuple[str, ...], margin: float | None, total: int, untold_ids: tuple[str, ...] = (),
) -> tuple[str, str]:
    """(headline, brief): never more than the evidence separates."""
    names = ", ".join(h.id for h in leaders)
    unrated = [h.id for h, c in zip(leaders, covs, strict=True) if c.rated == 0]
    if unrated:
        ids = ", ".join(unrated)
        it = "it has" if len(unrated) == 1 else "they have"
        if len(unrated) == len(leaders):
            return (
                f"No verdict under {sm.label}: the top score goes to {ids}, "
                f"which no rated item bears on — {it} not won, {it} not been weighed.",
                f"No verdict: top score {line_names(unrated)} rests on no rated item",
            )
        rated = [h.id for h, c in zip(leaders, covs, strict=True) if c.rated]
        rests = "rests" if len(unrated) == 1 else "rest"
        return (  # a rated leader shares the top with one nobody rated: no winner either
            f"No verdict under {sm.label}: the top score goes to {ids}, which no rated item "
            f"bears on, tied with {', '.join(rated)} — {it} not won, {it} not been weighed.",
            f"No verdict: top score {line_names(unrated)} {rests} on no rated item, tied with "
            f"{line_names(rated)}",
        )
    if margin is None and len(leaders) == 1:
        only = f"{names} is the only hypothesis: there is nothing to weigh it against."
        return only, only
    if len(inside) >= 2:
        return (
            f"Under {sm.label}, the evidence does not separate {', '.join(inside)}: "
            "each is within one item of medium weight of the best score, "
            "so the evidence names no single winner.",
            not_separated_text(inside, short=True),
        )
    assert margin is not None
    (h,), (c,) = leaders, covs
    if untold_ids:  # its lead over them is cells left unrated, not evidence weighed
        ids = ", ".join(untold_ids)
        return (
            f"No verdict under {sm.label}: {h.id} has the top score, by {sm.format_margin(margin)} "
            f"({items_text(sm.items(margin))}), but no item rated for both tells it from {ids}.",
            f"No verdict: {h.id} tops, but {untold_note(untold_ids)}",
        )
    return (
        f"Under {sm.label}, {h.id} leads by {sm.format_margin(margin)} "
        f"({items_text(sm.items(margin))}): {h.id} rests on {coverage_text(c, total)}.",
        f"{h.id} leads by {sm.format_margin(margin)} ({items_text(sm.items(margin), short=True)}); "
        f"{c.rated}/{total} rated, +{c.for_} −{c.against}",
    )


def _shorter(short: str, lead: str, inside: tuple[str, ...], untold_ids: tuple[str, ...]) -> tuple[str, ...]:
    """A lone leader's brief without its counts ('H1 leads by 1.00 (1.0 medium item)'):
    the rating counts show in the ranking's rows."""
    head, sep, _ = short.partition("; ")
    return (head,) if sep and len(inside) < 2 and not untold_ids and head.startswith(f"{lead} leads") else ()


def _shorter_on_priors(lead_words: str, lead: str, inside: tuple[str, ...], untold_ids: tuple[str, ...],
                       alone: tuple[str, ...]) -> tuple[str, ...]:
    """The brief where the priors make the top (``lead_words``, then what the evidence alone
    says), in fewer words for a narrow line, longest first: each still says what tops and
    how firmly ('H1 leads on its prior; evidence alone: H1, H2 not separated', 'H1 leads on
    its prior, not on the evidence')."""
    terse = alone_terse(alone)
    if untold_ids:  # 'No verdict: H1 tops, but no item tells it from H2' is firm enough alone
        return f"{lead_words}; {terse}", lead_words
    if len(inside) >= 2:
        names = line_names(inside)
        return f"{lead_words}; {terse}", f"Not separated: {names}; {terse}", f"Not separated: {names}"
    return (f"{lead_words}; {terse}", f"{lead} leads {ON_PRIOR}; {terse}",
            f"{lead} leads {ON_PRIOR}, not on the evidence")


def _leader_warnings(
    leaders: tuple[Hypothesis, ...], covs: tuple[Coverage, ...], total: int
) -> tuple[list[str], list[str]]:
    """Barely tested and incomplete leaders, one warning each: (warnings, their short forms).
    A leader no item was rated on has none: the headline already says no rated item bears
    on it (an early case flooded the verdict with two warnings per hypothesis)."""
    warnings: list[str] = []
    brief: list[str] = []
    for h, c in zip(leaders, covs, strict=True):
        if not c.rated:
            continue
        barely = barely_tested_text(h.id, c, total) if c.tested < BARELY_TESTED else ""
        na = total - c.rated - c.unrated
        rated = f"{c.rated}/{total} rated ({c.unrated} not rated{f', {na} NA' if na else ''})"
        if barely and c.incomplete:
            warnings.append(f"{barely}, and incomplete: {rated} — its place rests on almost nothing, and "
                            "an unrated item counts as no evidence against it; rate it on every item.")
            brief.append(f"{barely}; incomplete: {c.rated}/{total} rated")
        elif barely:
            warnings.append(barely + ": its place rests on almost nothing; add evidence that bears on it.")
            brief.append(barely)
        elif c.incomplete:
            warnings.append(f"{h.id} is incomplete: {rated} — an unrated item counts as no evidence "
                            "against it, so its top score may be an artefact.")
            brief.append(f"{h.id} incomplete: {c.rated}/{total} rated, {c.unrated} not rated")
    return warnings, brief


def _runners_up_warnings(analysis: Analysis, model: str, leader: int) -> tuple[list[str], list[str]]:
    """What a lone leader's lead does not show: hypotheses never rated (so nothing was
    weighed against them), and runners-up no item rates differently from the leader (the
    lead comes from items only one of the two was rated on). (warnings, short forms)"""
    hids, cov = analysis.hypothesis_ids, analysis.coverage
    lead = hids[leader]
    never = [hids[i] for i in range(len(hids)) if i != leader and cov[i].rated == 0]
    warnings: list[str] = []
    brief: list[str] = []
    if never:
        ids = ", ".join(never)
        one = len(never) == 1
        has, ranks, them = ("has", "it ranks", "it") if one else ("have", "they rank", "them")
        warnings.append(f"{ids} {has} no rating at all: {ranks} below {lead} only for want of "
                        f"ratings; nothing has been weighed for or against {them}.")
        brief.append(f"{line_names(never)} never rated")
    return warnings, brief


def _prior_share_warnings(analysis: Analysis, sm: ScoringModel, leader: int,
                          margin: float | None) -> tuple[list[str], list[str]]:
    """A lone leader's margin holds the priors' share where they are unequal (Bayes): the
    margin read as '8.0 medium items' would be taken for evidence. Where the priors add to
    the lead, say how much of it the evidence alone makes (the scores less the log priors,
    against the best of the rest by the evidence alone); a lead the priors make outright is
    the headline's ('The priors decide this'). (warnings, short forms)"""
    hyps = analysis.case.hypotheses
    if margin is None or not priors_weigh(hyps, sm.name):
        return [], []
    alone = scores_alone(hyps, analysis.models[sm.name].scores)
    rest = alone[leader] - max(s for i, s in enumerate(alone) if i != leader)
    if rest >= margin - 0.005:  # the priors add nothing to it (or take some away)
        return [], []
    prior = margin - rest
    return (
        [f"Unequal priors make part of this lead: the evidence alone puts {analysis.hypothesis_ids[leader]} "
         f"ahead by {sm.format_margin(rest)} ({items_text(sm.items(rest))}), the priors the other "
         f"{prior:.2f}."],
        [f"the priors make {sm.items(prior):.1f} of those items: the evidence alone, {sm.items(rest):.1f}"],
    )


def _uncounted_for(analysis: Analysis, sm: ScoringModel, inside: tuple[str, ...], lead: str = "") -> str:
    """A model that scores C, CC and N alike (inconsistency, weighted) cannot separate what
    only those ratings tell apart: when some item does so in the band, say so (the reports
    and the hypothesis view do; the ranking says the models disagree when Bayes then
    separates them). With ``lead`` (a lone leader, first in ``inside``, then the runners-up no
    item tells from it under ``sm``), only pairs with the leader count: the reports'
    separation of such a pair counts these items, which the headline says tell nothing under
    ``sm``. One pass over the items, stopping at the first."""
    same = {code for code in ("CC", "C", "N") if not sm.values.get(code, 0)}
    if len(inside) < 2 or len(same) < 3:
        return ""
    evidence = analysis.case.evidence
    for i in analysis.used:
        ratings = evidence[i].ratings
        seen: dict[str, str] = {}  # code → the first band hypothesis rated so
        for hid in inside:
            code = ratings.get(hid)
            if code in same and code not in seen:
                seen[code] = hid
        if lead and ratings.get(lead) not in same:  # a pair without the leader: not asked
            continue
        if len(seen) >= 2:
            a, b = sorted(seen.values(), key=inside.index)[:2]
            counting = [m.label for m in SCORING_MODELS if len({m.values.get(c, 0) for c in same}) > 1]
            return (f"Items such as {evidence[i].id} rate {a} and {b} differently only by how consistent "
                    f"they are (CC, C or N), which {sm.label} does not count (it counts ratings "
                    f"against)" + (f": {', '.join(counting)} does." if counting else "."))
    return ""


def _firmness_warnings(analysis: Analysis, model: str, leader: int) -> tuple[list[str], list[str]]:
    """How little a lone leader's lead may hang on, beyond the counts: the items whose
    removal alone changes the leader (linchpins), and items bearing on it that are one
    fact (a same-fact group counts once). (warnings, short forms)"""
    case, hid = analysis.case, analysis.hypothesis_ids[leader]
    warnings: list[str] = []
    brief: list[str] = []
    lins = analysis.linchpins  # mostly empty: compress skips those in C
    pins = [case.evidence[i].id for i in compress(range(len(lins)), lins) if model in lins[i]]
    if pins:
        shown = first_few(pins, 3)
        one = len(pins) == 1
        warnings.append(f"The lead hangs on {shown}: without {'it' if one else 'any one of them'}, "
                        "the leader changes (a linchpin; check it first).")
        brief.append(f"lead hangs on {shown}")
    tested = analysis.coverage[leader].tested
    facts = _facts_bearing(analysis, hid) if tested >= BARELY_TESTED else set()
    if tested >= BARELY_TESTED and len(facts) < BARELY_TESTED:
        groups = sorted(f for f in facts if f[:1] != "\0")
        warnings.append(f"{hid} rests on {counted(len(facts), 'fact')}: the {tested} items that bear "
                        f"on it include same-fact {in_number(len(groups), 'group')} {', '.join(groups)}, "
                        "each counted as one fact.")
        brief.append(f"{hid} rests on {counted(len(facts), 'fact')} ({tested} items)")
    return warnings, brief


def _facts_bearing(analysis: Analysis, hid: str) -> set[str]:
    """The facts among the items rated for or against ``hid``: a same-fact group is one
    (its name), an item outside groups one of its own ("\\0" and its id). Stops at three:
    the verdict only asks whether there are fewer."""
    bears = FOR_CODES | AGAINST_CODES
    facts: set[str] = set()
    evidence = analysis.case.evidence
    for i in analysis.used:
        ev = evidence[i]
        if ev.ratings.get(hid) in bears:
            facts.add(ev.group or "\0" + ev.id)
            if len(facts) >= BARELY_TESTED:
                break
    return facts


def verdict(analysis: Analysis, model: str, today: date | None = None) -> Verdict:
    """The leader(s) of ``model`` or the band it cannot separate, how firmly, the warnings,
    and what would tell the contenders apart (``today``: the day an indicator to watch is
    judged overdue on; None: none is)."""
    sm = scoring_model(model)
    case = analysis.case
    total = len(analysis.used)
    top = sorted(analysis.models[sm.name].top)
    if not top:
        return Verdict(sm, (), (), None, total, "No hypotheses yet.", (), "No hypotheses yet.")
    leaders = tuple(case.hypotheses[i] for i in top)
    covs = tuple(analysis.coverage[i] for i in top)
    margin = analysis.margin(sm.name)
    hids = analysis.hypothesis_ids
    inside = tuple(hids[i] for i in band(analysis, sm.name))
    untold_ids = untold(analysis, sm.name)
    uncounted = (_uncounted_for(analysis, sm, (hids[top[0]], *untold_ids), lead=hids[top[0]]) if untold_ids
                 else _uncounted_for(analysis, sm, inside))
    headline, short = _headline(sm, leaders, covs, inside, margin, total, untold_ids)
    warnings, brief = _leader_warnings(leaders, covs, total)
    by_evidence = () if any(c.rated == 0 for c in covs) else \
        evidence_alone(case.hypotheses, analysis.models[sm.name].scores, sm.name)
    briefs = _shorter(short, leaders[0].id, inside, untold_ids) if len(top) == 1 and covs[0].rated else ()
    if by_evidence:  # a prior typed in must not read as proof
        headline += f" The priors decide this: with equal priors {alone_words(by_evidence)}."
        short = short if untold_ids else (not_separated_text(inside, short=True) if len(inside) >= 2 else
                 f"{leaders[0].id} leads by {sm.format_margin(margin or 0.0)} {ON_PRIOR}")
        briefs = _shorter_on_priors(short, leaders[0].id, inside, untold_ids, by_evidence)
        short += f"; {alone_words(by_evidence, short=True)}"
    if len(inside) < 2 and len(top) == 1 and covs[0].rated:
        # how firm a lead is says nothing where there is none (untold: no verdict)
        firmness = ([], []) if untold_ids else _firmness_warnings(analysis, sm.name, top[0])
        share = ([], []) if untold_ids or by_evidence else _prior_share_warnings(analysis, sm, top[0], margin)
        for more, more_brief in (firmness, _runners_up_warnings(analysis, sm.name, top[0]), share):
            warnings += more
            brief += more_brief
    if len(inside) >= 2 and not short.startswith(not_separated_text(inside, short=True)):
        warnings.insert(0, not_separated_text(inside) + ": the evidence does not tell them apart.")
        brief.insert(0, not_separated_text(inside, short=True))
    if uncounted:
        warnings.append(uncounted)
    watching = watchlist(analysis, sm.name, today)
    watch = watch_sentence(watching)
    return Verdict(
        sm, leaders, covs, margin, total, headline, tuple(warnings), short, tuple(brief), inside, watch,
        watch_brief(watching), untold_ids, briefs,
    )


# ------------------------------------------------------------------ findings


class Citation(NamedTuple):
    """One evidence item as cited for or against a hypothesis."""

    evidence: Evidence
    rating: str
    diagnosticity: float


class Watch(NamedTuple):
    """An indicator as listed under a hypothesis: what seeing it would do to it."""

    indicator: Indicator
    rating: str
    overdue: bool


class Findings(NamedTuple):
    analysis: Analysis
    summary: Summary
    verdicts: dict[str, Verdict]  # model → verdict
    support: dict[str, list[Citation]]  # hypothesis id → most diagnostic for it
    against: dict[str, list[Citation]]
    strengthen: dict[str, list[Watch]]  # hypothesis id → indicators rated C/CC for it
    weaken: dict[str, list[Watch]]  # … rated I/II
    assumptions: list[tuple[Evidence, tuple[str, ...]]]  # item, linchpin models
    today: date

    @property
    def case(self) -> Case:
        return self.analysis.case

    def hypothesis(self, hid: str) -> Hypothesis:
        return self.case.hypothesis(hid)


def findings(
    case: Case,
    model: str = "weighted",
    as_of: date | None = None,
    top: int = 3,
    today: date | None = None,
) -> Findings:
    """Score the case and pick out what a reader needs to see (``today``: the day overdue is
    judged on; by default the as-of date, else the current date)."""
    analysis = analyse(case, as_of)
    summary = summarise(analysis, model)
    # overdue is judged as the workbench judges it: on the as-of date when there is one
    today = today or as_of or date.today()
    support: dict[str, list[Citation]] = {}
    against: dict[str, list[Citation]] = {}
    evidence = case.evidence
    wanted = FOR_CODES | AGAINST_CODES
    for hyp in case.hypotheses:
        hid = hyp.id
        cited = [
            Citation(evidence[i], code, analysis.diagnosticity[i])
            for i in analysis.used
            if (code := evidence[i].ratings.get(hid)) in wanted
        ]
        # Only the top few are shown: a partial sort keeps big cases fast.
        rank = lambda c: (-c.diagnosticity, -weight(c.evidence))  # noqa: E731
        support[hid] = heapq.nsmallest(top, (c for c in cited if c.rating in FOR_CODES), key=rank)
        against[hid] = heapq.nsmallest(top, (c for c in cited if c.rating in AGAINST_CODES), key=rank)
    strengthen: dict[str, list[Watch]] = {h.id: [] for h in case.hypotheses}
    weaken: dict[str, list[Watch]] = {h.id: [] for h in case.hypotheses}
    for ind in case.indicators:
        for hid, code in ind.ratings.items():
            target = strengthen if code in FOR_CODES else weaken if code in AGAINST_CODES else None
            if target is not None and hid in target:
                target[hid].append(Watch(ind, code, ind.overdue(today)))
    assumptions = [(ev, analysis.linchpins[i]) for i, ev in enumerate(evidence) if ev.kind == "assumption"]
    verdicts: dict[str, Verdict] = {m: verdict(analysis, m, today) for m in MODELS}
    return Findings(analysis, summary, verdicts, support, against, strengthen, weaken, assumptions, today)
