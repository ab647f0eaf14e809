"""What the evidence can tell apart: the band, separation of pairs, contenders and
the indicators that would separate them.

A verdict must never claim more than the evidence separates, so these are the
facts every screen and report builds its verdict from. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING, NamedTuple

from hypotheses.scoring import NUMERIC, TIE, Analysis, known_date, log_priors
from hypotheses.scoring_models import ScoringModel, scoring_model
from hypotheses.vocabulary import first_few

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence, Hypothesis, Indicator

# A leader tested by fewer items than this (for + against) is called barely tested.
BARELY_TESTED = 3

#: The most hypotheses a one-line form (the workbench's verdict lines; the as-of line when
#: the whole list does not fit) names: six ids and the words around them fit 80 columns,
#: and the ranking above marks each one of a band with ≈.
LINE_NAMES = 6


def line_names(ids: Sequence[str], sep: str = ", ") -> str:
    """'H1, H2, H3' whole, up to :data:`LINE_NAMES`; past it the first few and how many more,
    'H1, H2, H3, H4, H5 and 10 more': a line cut inside a list named only the hypotheses
    before the cut, and lost the words after it (that they are not separated)."""
    return first_few(ids, len(ids) if len(ids) <= LINE_NAMES else LINE_NAMES - 1, sep)


def band(analysis: Analysis, model: str) -> tuple[int, ...]:
    """Hypothesis indices (case order) within one medium item of the best score under ``model``.

    ``best − score < medium_item − 1e-9``: one medium item is 1 for the inconsistency
    models and ln 2 (in log score) for Bayes, so a hypothesis exactly one item behind
    is outside and the leaders are always inside.
    """
    sm = scoring_model(model)
    return band_of(analysis.models[sm.name].scores, sm.name)


def band_of(scores: Sequence[float], model: str) -> tuple[int, ...]:
    """:func:`band` for one model's scores (the as-of timeline has scores, no analysis)."""
    if not scores:
        return ()
    best = max(scores)
    width = scoring_model(model).medium_item - TIE
    return tuple(i for i, s in enumerate(scores) if best - s < width)


def priors_weigh(hypotheses: Sequence[Hypothesis], model: str) -> bool:
    """Whether ``model``'s scores hold a share the priors make: it uses them, and they are
    not all equal. Where they do, a gap or a lead may be the priors' rather than the
    evidence's, and each place that shows one says so."""
    return scoring_model(model).uses_priors and len({h.prior for h in hypotheses}) > 1


def scores_alone(hypotheses: Sequence[Hypothesis], scores: Sequence[float],
                 priors: Sequence[float] | None = None) -> list[float]:
    """The scores less the log priors: what the evidence alone gives each hypothesis
    (``priors``: the log priors, if at hand)."""
    shift = log_priors(hypotheses) if priors is None else priors
    return [s - p for s, p in zip(scores, shift, strict=True)]


def evidence_alone(hypotheses: Sequence[Hypothesis], scores: Sequence[float], model: str,
                   priors: Sequence[float] | None = None) -> tuple[str, ...]:
    """The band the evidence alone gives (the scores less the log priors; ids, case order)
    when unequal priors make ``model``'s band differ from it, else (). A prior typed in must
    not read as proof: the verdict, the as-of line and the leader over time all ask this one
    question, so none names a leader the priors alone make without saying so. ``priors``:
    the hypotheses' log priors, if at hand (the timeline asks at every date). O(H)."""
    if not priors_weigh(hypotheses, model):
        return ()
    sm = scoring_model(model)
    alone = band_of(scores_alone(hypotheses, scores, priors), sm.name)
    if alone == band_of(scores, sm.name):
        return ()
    return tuple(hypotheses[i].id for i in alone)


def alone_words(ids: Sequence[str], short: bool = False) -> str:
    """What the evidence alone names (:func:`evidence_alone`): 'the evidence alone puts H2
    first' or 'the evidence alone leaves H1, H2 not separated' (``short``: a long list by
    its first few, :func:`line_names`)."""
    if len(ids) >= 2:
        return f"the evidence alone leaves {line_names(ids) if short else ', '.join(ids)} not separated"
    return f"the evidence alone puts {ids[0]} first"


def alone_terse(ids: Sequence[str]) -> str:
    """:func:`alone_words` for a narrow line: 'evidence alone: H1, H2 not separated',
    'evidence alone: H2 first' (a long list by its first few)."""
    return f"evidence alone: {line_names(ids)} {'not separated' if len(ids) >= 2 else 'first'}"


ON_PRIOR = "on its prior"  # a lone leader's lead the priors alone make
NOT_SEPARATED = "not separated"  # top_note's words for a band of two or more


def prior_led(names: str, alone: Sequence[str], short: bool = False) -> str:
    """A lone leader only unequal priors make, named as the verdict names it: 'H1 on its
    prior (the evidence alone puts H2 first)', 'H1 on its prior' ``short`` (a narrow line or
    column); ``names`` alone when ``alone`` is empty. One wording for every place that
    names a leader (the as-of line, the leader over time, the ranking history, the team's
    leaders), each putting its own word before it ('leader', 'led by')."""
    if not alone:
        return names
    return f"{names} {ON_PRIOR}" if short else f"{names} {ON_PRIOR} ({alone_words(alone)})"


def priors_make(analysis: Analysis, model: str, note: str) -> tuple[str, ...]:
    """:func:`evidence_alone` of ``analysis`` where the verdict names a lead or a band
    (``note``, :func:`top_note`'s words for it: '' or 'not separated'), else (): a top the
    verdict already names no leader for want of ratings has no lead for priors to make.
    The places that name a top ask this, so they qualify the same tops. O(H)."""
    if note not in ("", NOT_SEPARATED):
        return ()
    name = scoring_model(model).name
    return evidence_alone(analysis.case.hypotheses, analysis.models[name].scores, name)


def top_note(analysis: Analysis, model: str) -> str:
    """Why the top of ``model``'s ranking is no leader, as the verdict says it: '' for a
    lone leader the evidence separates (or no hypotheses); 'on no rated item' when no
    rated item bears on any top hypothesis, 'H3 on no rated item' when on some; 'not
    separated' for a band of two or more; 'no item tells it from H2' for a lone leader
    whose lead comes only from cells left unrated (:func:`untold`). The as-of line asks on
    every key: O(H), but for a lone leader a scan that stops at the first item telling
    it from each runner-up."""
    sm = scoring_model(model)
    top = sorted(analysis.models[sm.name].top)
    hids = analysis.hypothesis_ids
    unrated = [hids[i] for i in top if not analysis.coverage[i].rated]
    if unrated:
        return "on no rated item" if len(unrated) == len(top) else f"{', '.join(unrated)} on no rated item"
    if len(band(analysis, sm.name)) >= 2:
        return NOT_SEPARATED
    return untold_note(untold(analysis, sm.name))


UNRATED = " on no rated item"  # the end of top_note's words for a top nobody rated


def short_top(ids: Sequence[str], note: str, few: bool = False, alone: Sequence[str] = ()) -> str:
    """A top set and why it is no leader (:func:`top_note`) in the few words of a narrow
    line: 'H1', '≈ H1, H2' (not separated: the ranking's mark), 'unrated top H2', 'top
    H1, H3 (H3 unrated)', 'unweighed top H3' (no item tells it from the next); 'H1 on its
    prior' where only unequal priors make the lead (``alone``, :func:`priors_make`; a band
    they make is '≈' all the same: it names no leader). ``few``: a long list by its first
    few (:func:`line_names`), for a line too narrow for it whole."""
    names = line_names(ids) if few else ", ".join(ids)
    if not note:
        return prior_led(names, alone, short=True)
    if note == NOT_SEPARATED:
        return f"≈ {names}"
    if note == UNRATED.strip():
        return f"unrated top {names}"
    if note.endswith(UNRATED):
        return f"top {names} ({note.removesuffix(UNRATED)} unrated)"
    return f"unweighed top {names}"


def untold_note(ids: Sequence[str]) -> str:
    """'no item tells it from H1, H2' ('' for none): a lone top's note when its lead over
    them comes only from cells left unrated."""
    return f"no item tells it from {', '.join(ids)}" if ids else ""


def first_apart(evidence: Sequence[Evidence], used: Iterable[int], sm: ScoringModel, a: str,
                b: str) -> int | None:
    """The first item ``evidence[i]`` (``i`` in ``used``, in that order) rated for both ``a``
    and ``b`` (neither NA) that scores them differently under ``sm`` (C and CC alike under
    the inconsistency models), or None: it stops there."""
    values = sm.values
    for i in used:
        ratings = evidence[i].ratings
        ca, cb = ratings.get(a), ratings.get(b)
        if ca != cb and ca in NUMERIC and cb in NUMERIC and values.get(ca, 0) != values.get(cb, 0):
            return i
    return None


def next_rank(ranks: Sequence[int]) -> int | None:
    """The best rank below the leaders (rank 1), or None when every hypothesis leads."""
    return min((r for r in ranks if r > 1), default=None)


def untold_of(hids: Sequence[str], ranks: Sequence[int], top: Sequence[int],
              apart: Callable[[str, str], bool]) -> tuple[str, ...]:
    """The runners-up (the best rank below a lone leader) that ``apart(leader, runner_up)``
    says no item rated for both tells from the leader: its lead over them comes only from
    cells left unrated (or a prior), so the verdict names no leader. () unless ``top`` is
    one hypothesis."""
    nxt = next_rank(ranks)
    if len(top) != 1 or nxt is None:
        return ()
    lead = hids[top[0]]
    return tuple(hids[i] for i, r in enumerate(ranks) if r == nxt and not apart(lead, hids[i]))


def untold(analysis: Analysis, model: str) -> tuple[str, ...]:
    """:func:`untold_of` over the items taking part, for a lone rated leader the band does
    not join to others (else ()): a scan per runner-up that stops at the first item telling
    it from the leader (the whole case only when none does)."""
    sm = scoring_model(model)
    ms = analysis.models[sm.name]
    top = sorted(ms.top)
    if len(top) != 1 or not analysis.coverage[top[0]].rated or len(band(analysis, sm.name)) >= 2:
        return ()
    evidence, used = analysis.case.evidence, analysis.used
    return untold_of(analysis.hypothesis_ids, ms.ranks, top,
                     lambda a, b: first_apart(evidence, used, sm, a, b) is not None)


class Separation(NamedTuple):
    """How many taking-part items tell ``a`` from ``b``, and which way they point."""

    a: str
    b: str
    items: int  # rated for both (neither unrated nor NA) with different codes
    favour_a: int  # of those, where a's numeric rating is the higher
    favour_b: int

    def to_dict(self) -> dict[str, str | int]:
        return {
            "a": self.a, "b": self.b, "items": self.items,
            "favour_a": self.favour_a, "favour_b": self.favour_b,
        }


def _pair_counts(codes_a: Sequence[str | None], codes_b: Sequence[str | None]) -> tuple[int, int]:
    """(items, favour_a) over two columns of codes (plain counts; groups not divided)."""
    items = favour_a = 0
    for (ca, cb), n in Counter(zip(codes_a, codes_b, strict=True)).items():
        va, vb = NUMERIC.get(ca), NUMERIC.get(cb)  # type: ignore[arg-type]
        if va is None or vb is None or ca == cb:
            continue
        items += n
        favour_a += n if va > vb else 0
    return items, favour_a


class Columns:
    """Each hypothesis's codes over the items taking part, read once per hypothesis."""

    def __init__(self, analysis: Analysis) -> None:
        self._ratings = [analysis.case.evidence[i].ratings for i in analysis.used]
        self._cols: dict[str, list[str | None]] = {}

    def codes(self, hid: str) -> list[str | None]:
        col = self._cols.get(hid)
        if col is None:
            col = self._cols[hid] = [r.get(hid) for r in self._ratings]
        return col

    def separation(self, a: str, b: str) -> Separation:
        items, fa = _pair_counts(self.codes(a), self.codes(b))
        return Separation(a, b, items, fa, items - fa)


def separating_items(analysis: Analysis, a: str, b: str) -> list[tuple[Evidence, str, str]]:
    """The taking-part items that tell ``a`` from ``b``, case order: (item, a's code, b's code)."""
    out = []
    for i in analysis.used:
        ev = analysis.case.evidence[i]
        ca, cb = ev.ratings.get(a), ev.ratings.get(b)
        if ca in NUMERIC and cb in NUMERIC and ca != cb:
            out.append((ev, ca, cb))
    return out  # type: ignore[return-value]


def separation(analysis: Analysis, a: str, b: str) -> Separation:
    """The separation of one pair over the items taking part in ``analysis``."""
    return Columns(analysis).separation(a, b)


def leader_separations(analysis: Analysis, model: str) -> list[Separation]:
    """Each leader under ``model`` (case order) against every other hypothesis (case order)."""
    hids = analysis.hypothesis_ids
    cols = Columns(analysis)
    top = sorted(analysis.models[scoring_model(model).name].top)
    return [cols.separation(hids[i], hids[j]) for i in top for j in range(len(hids)) if j != i]


def all_separations(analysis: Analysis) -> list[Separation]:
    """Every unordered pair once, in case order (the separation view's table)."""
    hids = analysis.hypothesis_ids
    cols = Columns(analysis)
    return [cols.separation(a, b) for a, b in combinations(hids, 2)]


def contenders(analysis: Analysis, model: str) -> tuple[int, ...]:
    """The band when it holds two or more; else the leaders and the best rank below them."""
    inside = band(analysis, model)
    if len(inside) >= 2:
        return inside
    ms = analysis.models[scoring_model(model).name]
    nxt = next_rank(ms.ranks)
    return tuple(i for i, r in enumerate(ms.ranks) if r == 1 or r == nxt)


def _tells_apart(ind: Indicator, a: str, b: str) -> bool:
    ca, cb = ind.ratings.get(a), ind.ratings.get(b)
    return ca in NUMERIC and cb in NUMERIC and ca != cb


def observed_later(ind: Indicator, case: Case, as_of: date | None) -> date | None:
    """The known date of the item ``ind`` was observed as, when that is after ``as_of``
    (None otherwise): as of that date it was still being watched."""
    if ind.status != "observed" or as_of is None or ind.evidence_id is None:
        return None
    try:
        known = known_date(case.item(ind.evidence_id))
    except KeyError:
        return None
    return known if known is not None and known > as_of else None


def watched(analysis: Analysis) -> list[Indicator]:
    """The indicators watched on the analysis's date, case order: one observed as an item
    known only after its as-of date reads as watching, as it was then."""
    return [ind.model_copy(update={"status": "watching"})
            if observed_later(ind, analysis.case, analysis.as_of) else ind
            for ind in analysis.case.indicators]


def watching_between(indicators: Sequence[Indicator], a: str, b: str) -> list[Indicator]:
    """The watching indicators that rate ``a`` and ``b`` differently (both rated, neither NA)."""
    return [ind for ind in indicators if ind.status == "watching" and _tells_apart(ind, a, b)]


def separating_indicators(analysis: Analysis, model: str) -> list[Indicator]:
    """Watching indicators that rate two contenders differently, in case order: the summary
    export's ``separating_indicators``, by each one's ``status`` as the file has it (the
    documented field, as of any date). The verdict's words (:func:`watchlist`) tell an
    as-of date's story: one observed later was still watched then."""
    hids = analysis.hypothesis_ids
    ids = [hids[i] for i in contenders(analysis, model)]
    pairs = list(combinations(ids, 2))
    return [
        ind
        for ind in analysis.case.indicators
        if ind.status == "watching" and any(_tells_apart(ind, a, b) for a, b in pairs)
    ]


class Watchlist(NamedTuple):
    """For each pair of contenders, the watching indicators that would tell them apart."""

    contenders: tuple[str, ...]
    pairs: tuple[tuple[str, str, tuple[str, ...]], ...]  # (a, b, indicator ids), case order
    # of those, the overdue ones (past their expected date on ``today``): id → expected by
    overdue: dict[str, date]

    def named(self, ids: Sequence[str], short: bool = False) -> str:
        """'M1 (overdue: expected by 2022-05-01), M2' ('M1 (overdue), M2' short): what the
        watch is waiting for has not come when it was expected, which is worth knowing."""
        def one(i: str) -> str:
            due = self.overdue.get(i)
            if due is None:
                return i
            return f"{i} (overdue)" if short else f"{i} (overdue: expected by {due.isoformat()})"
        return ", ".join(map(one, ids))

    @property
    def untold(self) -> list[tuple[str, str]]:
        """Pairs no watching indicator would tell apart."""
        return [(a, b) for a, b, ids in self.pairs if not ids]


def watchlist(analysis: Analysis, model: str, today: date | None = None) -> Watchlist:
    """The contenders' pairs and what would tell each apart; ``today``: the day overdue is
    judged on (None: none is)."""
    hids = analysis.hypothesis_ids
    ids = tuple(hids[i] for i in contenders(analysis, model))
    indicators = watched(analysis)
    pairs = tuple(
        (a, b, tuple(ind.id for ind in watching_between(indicators, a, b))) for a, b in combinations(ids, 2)
    )
    named = {i for _, _, found in pairs for i in found}
    overdue = {} if today is None else {ind.id: ind.expected_by for ind in indicators
                                        if ind.id in named and ind.overdue(today) and ind.expected_by}
    return Watchlist(ids, pairs, overdue)


def watch_brief(w: Watchlist) -> str:
    """The watch sentence where room is short (one screen line): '' with fewer than two contenders."""
    if len(w.contenders) < 2:
        return ""
    told = [(a, b, ids) for a, b, ids in w.pairs if ids]
    if not told:
        return f"nothing watched tells {line_names(w.contenders)} apart: add an indicator"
    (a, b, ids), *more = told
    return f"to tell {a} from {b}, watch {w.named(ids, short=True)}" + "".join(
        f"; {x} from {y}, {w.named(m, short=True)}" for x, y, m in more
    )


def watch_sentence(w: Watchlist) -> str:
    """'to tell H1 from H2, watch M3; …' — or that nothing watched would, with the remedy
    ('' with fewer than two contenders). Lower case: callers lead into it."""
    if len(w.contenders) < 2:
        return ""
    told = [(a, b, ids) for a, b, ids in w.pairs if ids]
    if not told:
        names = ", ".join(w.contenders)
        return (
            f"no watching indicator would tell {names} apart; add one — "
            "an observation one of them predicts and another does not"
        )
    parts = [f"to tell {a} from {b}, watch {w.named(ids)}" for a, b, ids in told]
    text = "; ".join(parts)
    untold = w.untold
    if untold:
        text += "; nothing watched tells " + ", ".join(f"{a} from {b}" for a, b in untold) + " apart"
    return text
