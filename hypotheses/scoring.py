"""Scoring: the registry's models, ranks, diagnosticity, linchpins, coverage, margins.

Formulas follow hypotheses/README.md's Scoring section to the letter so that any independent
implementation gets the same numbers: an item takes part unless excluded or
known only after the as-of date (its known date is the later of its event and
reported dates; undated items always take part); an item in a same-fact group
of ``n`` taking-part items contributes its term divided by ``n``. Sums are
correctly rounded (the value ``math.fsum`` gives), so the result does not
depend on the order evidence was filed in.

Speed, in pure Python: every term comes
from a small table keyed by (weight class, code), where a weight class is
(credibility, relevance, group size); a column's total is computed from how
often each key occurs, summed exactly in integers and rounded once; linchpins
subtract one item's terms column by column (a grouped item also re-divides its
group's other members), with an O(H) exit when no single item can reach the
leader. ``Scorer`` re-scores after a one-item edit by patching those counts.
tests/test_fast_scoring.py checks them, bit for bit, against the formulas
computed the slow, obvious way.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import compress, repeat
from operator import add, and_, attrgetter, is_, is_not, le, sub
from typing import TYPE_CHECKING, Any, NamedTuple

from hypotheses.scoring_models import (
    INCONSISTENCY,
    LEVEL_WEIGHT,
    LIKELIHOOD,
    LOG_LIKELIHOOD,
    MODELS,
    SCORING_MODELS,
    SQRT2,
    ScoringModel,
    scoring_model,
)

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence, Hypothesis

__all__ = [
    "INCONSISTENCY", "LEVEL_WEIGHT", "LIKELIHOOD", "LOG_LIKELIHOOD", "MODELS", "NUMERIC", "SQRT2",
    "TIE", "Analysis", "Coverage", "ModelScores", "Scorer", "analyse", "as_of_dates",
    "diagnosticity", "known_date", "known_dates", "leader_ids", "log_priors", "posteriors", "ranks",
    "takes_part", "top_set", "weight",
]

TIE = 1e-9
NUMERIC: dict[str, int] = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2}
FOR_CODES = frozenset({"C", "CC"})
AGAINST_CODES = frozenset({"I", "II"})


def weight(ev: Evidence) -> float:
    """An item's weight: credibility × relevance."""
    return LEVEL_WEIGHT[ev.credibility] * LEVEL_WEIGHT[ev.relevance]


def known_date(ev: Evidence) -> date | None:
    """When the item could first have been known: the later of its event and reported dates."""
    event, reported = ev.event_date, ev.reported_date
    if event is None:
        return reported
    if reported is None or reported <= event:
        return event
    return reported


def takes_part(ev: Evidence, as_of: date | None = None) -> bool:
    """Not excluded, and known on or before ``as_of`` (undated items always take part)."""
    if ev.excluded:
        return False
    if as_of is None:
        return True
    known = known_date(ev)
    return known is None or known <= as_of


def known_dates(case: Case) -> list[date]:
    """Distinct known dates, oldest first: the stops of the reports' leader timeline."""
    return sorted({d for ev in case.evidence if (d := known_date(ev)) is not None})


def as_of_dates(case: Case) -> list[date]:
    """The workbench's as-of stops: the distinct known dates of the items taking part, oldest
    first. An excluded item's date would be a step at which nothing can change."""
    return sorted({d for ev in case.evidence if not ev.excluded and (d := known_date(ev)) is not None})


def diagnosticity(ev: Evidence, hypothesis_ids: Iterable[str]) -> float:
    """Population standard deviation of the item's numeric ratings (groups play no part).

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


def margin_of(scores: Sequence[float], top: frozenset[int]) -> float | None:
    """The leaders' (best) score minus the best score outside the leader set; None if all lead."""
    rest = [s for i, s in enumerate(scores) if i not in top]
    if not rest or not top:
        return None
    return max(scores) - max(rest)


class ModelScores(NamedTuple):
    """One model's verdict; lists follow the case's hypothesis order."""

    model: str
    scores: tuple[float, ...]
    ranks: tuple[int, ...]
    top: frozenset[int]

    @property
    def order(self) -> list[int]:
        """Hypothesis indices best first, ties in case order."""
        return sorted(range(len(self.scores)), key=lambda i: (self.ranks[i], i))

    @property
    def margin(self) -> float | None:
        """How far the leaders are ahead of the best of the rest (None: everyone leads)."""
        return margin_of(self.scores, self.top)


def _model_scores(model: str, totals: Sequence[float]) -> ModelScores:
    return ModelScores(model, tuple(totals), tuple(ranks(totals)), top_set(totals))


class Coverage(NamedTuple):
    """On how much a hypothesis's score rests, over the items taking part (plain counts)."""

    rated: int  # rated other than NA
    for_: int  # C or CC
    against: int  # I or II
    unrated: int  # no rating at all

    @property
    def incomplete(self) -> bool:
        """Some taking-part item has no rating for it."""
        return self.unrated > 0

    @property
    def tested(self) -> int:
        """Items whose rating bears on it (for + against): N is a rating but tests nothing."""
        return self.for_ + self.against


class Analysis(NamedTuple):
    """Everything the summary and the TUI show about a case at one date."""

    case: Case
    as_of: date | None
    used: tuple[int, ...]  # indices into case.evidence that take part
    models: dict[str, ModelScores]
    posterior: tuple[float, ...]
    diagnosticity: tuple[float, ...]  # per evidence item, case order
    linchpins: tuple[tuple[str, ...], ...]  # per evidence item: models
    agree: bool
    coverage: tuple[Coverage, ...]  # per hypothesis, case order
    undated_used: int  # taking-part items with neither date

    @property
    def hypothesis_ids(self) -> list[str]:
        return [h.id for h in self.case.hypotheses]

    def scores_of(self, model: str) -> dict[str, float]:
        return dict(zip(self.hypothesis_ids, self.models[model].scores, strict=True))

    def margin(self, model: str) -> float | None:
        return self.models[model].margin

    def shown(self, model: str) -> tuple[float, ...]:
        """The values people read for ``model``: posteriors for Bayes, else the scores."""
        return self.posterior if scoring_model(model).shows_posterior else self.models[model].scores


def posteriors(log_scores: Sequence[float]) -> tuple[float, ...]:
    """Softmax of the log scores, shifted by the maximum so exp never overflows."""
    if not log_scores:
        return ()
    peak = max(log_scores)
    exps = [math.exp(s - peak) for s in log_scores]
    total = math.fsum(exps)
    return tuple(e / total for e in exps)


_LEAST_NORMAL = 2.0**-1022  # sys.float_info.min: below it a float keeps fewer digits


def log_priors(hyps: Sequence[Hypothesis]) -> list[float]:
    """``ln(prior / Σ priors)`` per hypothesis.

    Exactly that expression whenever the ratio is a normal float; priors so large
    their sum overflows, or so far apart a ratio is subnormal (a ratio of 2⁻¹⁰⁷⁴/1.1
    rounds back to 2⁻¹⁰⁷⁴, an error of ln 1.1 in the log) or zero, are first scaled
    by the largest, so any prior the model accepts gives the right finite score.
    """
    if not hyps:
        return []
    priors = [h.prior for h in hyps]
    try:
        total = math.fsum(priors)
    except OverflowError:  # the sum is beyond the largest float
        total = math.inf
    if math.isfinite(total) and all(p / total >= _LEAST_NORMAL for p in priors):
        return [math.log(p / total) for p in priors]
    peak = max(priors)
    scaled_total = math.fsum(p / peak for p in priors)
    shift = math.log(peak) + math.log(scaled_total)
    return [math.log(p) - shift for p in priors]


def _base(model: ScoringModel, hyps: Sequence[Hypothesis]) -> list[float]:
    return log_priors(hyps) if model.uses_priors else [0.0] * len(hyps)


# ------------------------------------------------------------ term tables
#
# An item's term under a model depends only on its weight class (credibility,
# relevance, same-fact group size n) and its code, so terms are looked up,
# never recomputed: the tables hold exactly the floats the formulas give
# (``(w / n) * s``, ``s / n``, ``(w / n) * ln L``). Classes with n = 1 are
# 0…8; larger groups get ids as they are first seen. A column's total needs
# only how often each (class, code) occurs: counted in C (``Counter``), then
# summed exactly as integers (every float is an integer multiple of a power of
# two) and rounded once by ``int / 2**k``, which is correctly rounded, as
# ``math.fsum`` is: the same float, bit for bit.

_CODES: tuple[str | None, ...] = (*LIKELIHOOD, None)  # None: not rated
_LEVELS = tuple(LEVEL_WEIGHT)
_WCLASS: dict[str, dict[str, int]] = {
    cred: {rel: 3 * i + j for j, rel in enumerate(_LEVELS)} for i, cred in enumerate(_LEVELS)
}
_BASE_WEIGHT: list[float] = [LEVEL_WEIGHT[c] * LEVEL_WEIGHT[r] for c in _LEVELS for r in _LEVELS]
_NBASE = len(_BASE_WEIGHT)


def class_id(base: int, n: int) -> int:
    """The weight class of an item of base class ``base`` in a group of ``n`` taking part."""
    return base + _NBASE * (n - 1)


def class_key(cid: int) -> tuple[int, int]:
    """(base class, group size) of a weight class."""
    n, base = divmod(cid, _NBASE)
    return base, n + 1


def _dyadic(v: float) -> tuple[int, int]:
    """``v == num / 2**k`` exactly: (num, k)."""
    num, den = v.as_integer_ratio()
    return num, den.bit_length() - 1


class _TermTable(dict[int, dict[str | None, float]]):
    """Weight class → code → term, filled when a class is first met (the same floats
    whichever thread fills them first)."""

    def __init__(self, model: ScoringModel) -> None:
        super().__init__()
        self.model = model

    def __missing__(self, cid: int) -> dict[str | None, float]:
        base, n = class_key(cid)
        row = {c: self.model.term(_BASE_WEIGHT[base], n, c) for c in _CODES}
        self[cid] = row
        return row


class _ExactTable(dict[int, dict[str | None, tuple[int, int]]]):
    """:class:`_TermTable` as exact (num, k) pairs."""

    def __init__(self, terms: _TermTable) -> None:
        super().__init__()
        self.terms = terms

    def __missing__(self, cid: int) -> dict[str | None, tuple[int, int]]:
        row = {c: _dyadic(v) for c, v in self.terms[cid].items()}
        self[cid] = row
        return row


_GROUP = attrgetter("group")
_EVENT = attrgetter("event_date")
_TERMS: dict[str, _TermTable] = {m.name: _TermTable(m) for m in SCORING_MODELS}
_EXACT: dict[str, _ExactTable] = {m: _ExactTable(t) for m, t in _TERMS.items()}


def term(model: str, cid: int, code: str | None) -> float:
    """The float an item of class ``cid`` rated ``code`` adds to a column under ``model``."""
    return _TERMS[model][cid][code]


def exact_term(model: str, cid: int, code: str | None) -> tuple[int, int]:
    """:func:`term` as (num, k) with term == num / 2**k."""
    return _EXACT[model][cid][code]


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


def group_sizes(evidence: Sequence[Evidence]) -> list[int]:
    """Each item's same-fact group size among ``evidence`` (the items taking part); 1 if none."""
    groups = list(map(_GROUP, evidence))
    if groups.count(None) == len(groups):  # the common case, in C
        return [1] * len(groups)
    counts = Counter(groups)
    return [1 if g is None else counts[g] for g in groups]


def _exact_sum(parts: Iterable[tuple[tuple[int, int], int]]) -> tuple[int, int]:
    """Σ count · num/2**k over ``((num, k), count)``, exactly, as (numerator, k)."""
    items = list(parts)
    if not items:
        return 0, 0
    k = max(kv for (_, kv), _ in items)
    return sum((cnt * num) << (k - kv) for (num, kv), cnt in items), k


class _Columns:
    """The items taking part, column by column: code counts now, term lists on demand."""

    def __init__(
        self, evidence: Sequence[Evidence], codes: list[list[str | None]], sizes: list[int],
        *, keep_terms: bool = False,
    ) -> None:
        wclass = _WCLASS
        self.bases = [wclass[ev.credibility][ev.relevance] for ev in evidence]
        self.sizes = sizes
        # positions of each same-fact group of two or more (linchpins re-divide them)
        self.groups: dict[str, list[int]] = {}
        if sizes.count(1) == len(sizes):  # no group: the common case, in C
            self.classes = list(self.bases)
        else:
            self.classes = [class_id(b, n) for b, n in zip(self.bases, sizes, strict=True)]
            for pos, (ev, n) in enumerate(zip(evidence, sizes, strict=True)):
                if n > 1:
                    self.groups.setdefault(ev.group, []).append(pos)  # type: ignore[arg-type]
        self.codes = codes
        self.counts = [Counter(zip(self.classes, col, strict=True)) for col in codes]
        self._terms: dict[str, list[list[float]]] = {}
        self._keep_terms = keep_terms

    def exact_totals(self, model: str, base: list[float]) -> list[tuple[int, int]]:
        """Per column, the exact total as (numerator, k)."""
        exact = _EXACT[model]
        return [
            _exact_sum([(exact[w][c], n) for (w, c), n in cnt.items()] + [(_dyadic(b), 1)])
            for b, cnt in zip(base, self.counts, strict=True)
        ]

    def totals(self, model: str, base: list[float]) -> list[float]:
        """Column sums, correctly rounded (what fsum gives)."""
        return [num / (1 << k) for num, k in self.exact_totals(model, base)]

    def integral(self, model: str) -> bool:
        """All terms present are whole numbers: float sums of them are exact."""
        table = _TERMS[model]
        return all(table[w][c].is_integer() for cnt in self.counts for (w, c) in cnt)

    def spread(self, model: str) -> float:
        """Largest difference between two ungrouped (n = 1) terms of the codes present.

        Removing one item moves two columns apart by at most this much: by its
        own terms if ungrouped, by at most 2/n of it if in a group of n.
        """
        table = _TERMS[model]
        values = [table[w % _NBASE][c] for cnt in self.counts for (w, c) in cnt]
        return max(values) - min(values) if values else 0.0

    def terms(self, model: str) -> list[list[float]]:
        """Per hypothesis, each item's term under ``model``, built when a scan needs it.

        Kept only with ``keep_terms`` (the :class:`Scorer`'s columns, patched in place
        at each edit): a one-shot analysis scans each model once, and keeping all
        three models' terms only raised its peak memory on a large case.
        """
        terms = self._terms.get(model)
        if terms is None:
            table = _TERMS[model]
            rows = [table[w] for w in self.classes]
            lookup = dict.__getitem__
            terms = [list(map(lookup, rows, col)) for col in self.codes]
            if self._keep_terms:
                self._terms[model] = terms
        return terms

    def coverage(self) -> tuple[Coverage, ...]:
        out = []
        for cnt in self.counts:
            by_code: Counter[str | None] = Counter()
            for (_, code), n in cnt.items():
                by_code[code] += n
            unrated = by_code[None]
            out.append(
                Coverage(
                    rated=sum(by_code.values()) - unrated - by_code["NA"],
                    for_=by_code["C"] + by_code["CC"],
                    against=by_code["I"] + by_code["II"],
                    unrated=unrated,
                )
            )
        return tuple(out)

    def without(self, model: str, base: list[float], pos: int) -> list[float]:
        """Every column's exact total with the item at ``pos`` removed (its group re-divided)."""
        totals = self.exact_totals(model, base)
        ex = _EXACT[model]
        n = self.sizes[pos]
        out = []
        for j, (num, k) in enumerate(totals):
            col = self.codes[j]
            parts: list[tuple[tuple[int, int], int]] = [((num, k), 1)]
            if n == 1:
                parts.append((ex[self.classes[pos]][col[pos]], -1))
            else:
                for f in self.groups[self._group_of(pos)]:
                    parts.append((ex[self.classes[f]][col[f]], -1))
                    if f != pos:
                        parts.append((ex[class_id(self.bases[f], n - 1)][col[f]], 1))
            total, kk = _exact_sum(parts)
            out.append(total / (1 << kk))
        return out

    def _group_of(self, pos: int) -> str:
        for name, members in self.groups.items():
            if pos in members:
                return name
        raise KeyError(pos)

    def grouped_after(self, model: str, base: list[float]) -> dict[int, list[float]]:
        """For every grouped position, each column's exact total without it."""
        if not self.groups:
            return {}
        totals = self.exact_totals(model, base)
        ex = _EXACT[model]
        out: dict[int, list[float]] = {}
        for members in self.groups.values():
            n = len(members)
            smaller = [class_id(self.bases[f], n - 1) for f in members]
            per_col: list[list[float]] = []
            for j, (num, k) in enumerate(totals):
                col = self.codes[j]
                now = [ex[self.classes[f]][col[f]] for f in members]
                less = [ex[c][col[f]] for c, f in zip(smaller, members, strict=True)]
                kk = max([k] + [kv for _, kv in now] + [kv for _, kv in less])
                common = (num << (kk - k)) - sum(v << (kk - kv) for v, kv in now)
                common += sum(v << (kk - kv) for v, kv in less)
                den = 1 << kk
                per_col.append([(common - (v << (kk - kv))) / den for v, kv in less])
            for i, f in enumerate(members):
                out[f] = [col[i] for col in per_col]
        return out


def _used(evidence: Sequence[Evidence], as_of: date | None) -> tuple[int, ...]:
    """Indices of the items taking part (what :func:`takes_part` says, inlined)."""
    if as_of is None:
        return tuple([i for i, ev in enumerate(evidence) if not ev.excluded])
    out = []
    for i, ev in enumerate(evidence):
        if ev.excluded:
            continue
        event, reported = ev.event_date, ev.reported_date
        if (event is None or event <= as_of) and (reported is None or reported <= as_of):
            out.append(i)
    return tuple(out)


def _columns(
    evidence: Sequence[Evidence], used: tuple[int, ...], all_codes: list[list[str | None]],
    *, keep_terms: bool = False,
) -> _Columns:
    if len(used) == len(evidence):
        return _Columns(evidence, all_codes, group_sizes(evidence), keep_terms=keep_terms)
    taking = list(map(evidence.__getitem__, used))
    return _Columns(taking, [list(map(col.__getitem__, used)) for col in all_codes], group_sizes(taking),
                    keep_terms=keep_terms)


def _undated(evidence: Sequence[Evidence], used: tuple[int, ...]) -> int:
    """How many of the items taking part have neither date (counted in C)."""
    taking = evidence if len(used) == len(evidence) else [evidence[i] for i in used]
    events = list(map(_EVENT, taking))
    if not any(map(is_, events, repeat(None))):  # identity tests, in C
        return 0
    return sum(1 for ev, e in zip(taking, events, strict=True) if e is None and ev.reported_date is None)


def analyse(case: Case, as_of: date | None = None) -> Analysis:
    """Score a case under every model at an optional as-of date.

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
    case: Case, as_of: date | None, used: tuple[int, ...], cols: _Columns, diag: tuple[float, ...],
    undated: int | None = None,
) -> Analysis:
    """Totals, ranks, leaders, posterior, coverage and linchpins from the counted columns
    (``undated``: how many items taking part have no date, when already known)."""
    hyps = case.hypotheses
    base = {m.name: _base(m, hyps) for m in SCORING_MODELS}
    totals = {m: cols.totals(m, base[m]) for m in MODELS}
    models: dict[str, ModelScores] = {m: _model_scores(m, totals[m]) for m in MODELS}
    found: dict[int, list[str]] = {}
    for model in MODELS:
        for pos in _linchpins(model, totals[model], cols, base[model], models[model].top):
            found.setdefault(used[pos], []).append(model)
    lin: list[tuple[str, ...]] = [()] * len(case.evidence)
    for i, names in found.items():
        lin[i] = tuple(names)
    tops = {models[m].top for m in MODELS}
    posterior_model = next((m for m in SCORING_MODELS if m.shows_posterior), None)
    return Analysis(
        case=case,
        as_of=as_of,
        used=used,
        models=models,
        posterior=posteriors(totals[posterior_model.name]) if posterior_model else (),
        diagnosticity=diag,
        linchpins=tuple(lin),
        agree=len(tops) == 1,
        coverage=cols.coverage(),
        undated_used=_undated(case.evidence, used) if undated is None else undated,
    )


class Scorer:
    """``analyse`` for a case edited one item at a time (the TUI): the same result,
    bit for bit, but only the items that changed since the last call are looked at
    again. Evidence models are frozen, so "changed" is "not the same object".

    What depends on an item alone (its codes, diagnosticity, known date) is kept
    per item, so another as-of date recounts only the columns of the items taking
    part. Anything else (other hypotheses, items added, removed, excluded,
    regrouped or reordered, many items at once, another date) counts the columns
    again.
    """

    MAX_CHANGED = 64

    def __init__(self) -> None:
        self._hids: tuple[str, ...] = ()
        self._as_of: date | None = None
        self._evidence: list[Evidence] = []
        self._used: tuple[int, ...] = ()
        self._pos: dict[int, int] = {}
        self._cols: _Columns | None = None
        # per item, whether or not it takes part now: kept across dates and edits
        self._codes: list[list[str | None]] = []  # per hypothesis, every item's code
        self._diag: list[float] = []
        self._known: list[date] = []  # known date; date.min when undated (counts at every date)
        self._undated: list[bool] = []
        self._taking: list[bool] = []  # not excluded

    def analyse(self, case: Case, as_of: date | None = None) -> Analysis:
        """What :func:`analyse` returns for ``case`` at ``as_of``."""
        hids = tuple(h.id for h in case.hypotheses)
        evidence = case.evidence
        changed = self._changed(hids, evidence)
        if changed is None:
            self._index(evidence, hids)
        else:
            self._reindex(evidence, hids, changed)
        used = self._used_at(as_of)
        if changed is None or as_of != self._as_of or used != self._used or self._cols is None:
            return self._rebuild(case, as_of, used)
        cols = self._cols
        for i in changed:
            pos = self._pos.get(i)
            if pos is not None:
                self._patch(cols, pos, evidence[i], hids)
        return _assemble(case, as_of, used, cols, tuple(self._diag), self._undated_count(used))

    def _changed(self, hids: tuple[str, ...], evidence: list[Evidence]) -> list[int] | None:
        """Positions holding a different item than last time; None: start over."""
        old = self._evidence
        if hids != self._hids or len(evidence) != len(old):
            return None
        changed = list(compress(range(len(evidence)), map(is_not, evidence, old)))
        if len(changed) > self.MAX_CHANGED or any(
            evidence[i].id != old[i].id or evidence[i].group != old[i].group for i in changed
        ):
            return None
        return changed

    def _index(self, evidence: list[Evidence], hids: tuple[str, ...]) -> None:
        """Every item's codes, diagnosticity, known date and exclusion, from scratch."""
        self._hids = hids
        self._evidence = list(evidence)
        self._codes = _code_columns(evidence, hids)
        self._diag = list(_diagnosticities(evidence, hids, self._codes))
        known = list(map(known_date, evidence))
        self._undated = [d is None for d in known]
        self._known = [date.min if d is None else d for d in known]
        self._taking = [not ev.excluded for ev in evidence]

    def _reindex(self, evidence: list[Evidence], hids: tuple[str, ...], changed: list[int]) -> None:
        """The same for the items at ``changed`` only."""
        for i in changed:
            ev = evidence[i]
            for j, hid in enumerate(hids):
                self._codes[j][i] = ev.ratings.get(hid)
            self._diag[i] = diagnosticity(ev, hids)
            known = known_date(ev)
            self._undated[i] = known is None
            self._known[i] = date.min if known is None else known
            self._taking[i] = not ev.excluded
        self._evidence = list(evidence)

    def _used_at(self, as_of: date | None) -> tuple[int, ...]:
        """What :func:`_used` says, from the kept known dates (comparisons in C)."""
        every = range(len(self._taking))
        if as_of is None:
            return tuple(compress(every, self._taking))
        return tuple(compress(every, map(and_, self._taking, map(le, self._known, repeat(as_of)))))

    def _undated_count(self, used: tuple[int, ...]) -> int:
        return sum(map(self._undated.__getitem__, used))

    @staticmethod
    def _patch(cols: _Columns, pos: int, ev: Evidence, hids: tuple[str, ...]) -> None:
        """Move one item's cells from their old (class, code) counts to the new ones."""
        base = _WCLASS[ev.credibility][ev.relevance]
        old_class = cols.classes[pos]
        new_class = base if cols.sizes[pos] == 1 else class_id(base, cols.sizes[pos])
        cols.bases[pos] = base
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

    def _rebuild(self, case: Case, as_of: date | None, used: tuple[int, ...]) -> Analysis:
        """Count the columns of the items taking part (their codes are kept per item)."""
        evidence = case.evidence
        # own copies when every item takes part: the columns are patched in place later
        codes = [list(col) for col in self._codes] if len(used) == len(evidence) else self._codes
        cols = _columns(evidence, used, codes, keep_terms=True)  # patched per edit (_patch)
        self._as_of, self._used = as_of, used
        self._pos = {i: p for p, i in enumerate(used)}
        self._cols = cols
        return _assemble(case, as_of, used, cols, tuple(self._diag), self._undated_count(used))


def _linchpins(
    model: str,
    totals: list[float],
    cols: _Columns,
    base: list[float],
    top: frozenset[int],
    full: bool = False,
) -> list[int]:
    """Positions (among the items taking part) whose removal alone changes the rank-1 set.

    Removing an ungrouped item subtracts its terms from the totals; removing a
    grouped one also re-divides the rest of its group (those totals are exact).
    Whole-number totals are exact. A float ``total - term`` differs from the
    fsum a full rescoring gives by less than ``margin`` (a few roundings of
    values no larger than ``scale``: under 5·2⁻⁵³·scale on a difference; the
    margin is ≥ 9·2⁻⁵³·scale).

    First an O(H) test: with one leader ahead of the rest by more than any
    item's removal can move two columns apart (``spread``) plus TIE and the
    margin, no single removal can change the rank-1 set. Otherwise the O(E·H)
    scan, :func:`_scan_linchpins` (always, with ``full``: the benchmark's worst case).
    """
    nh = len(totals)
    if nh < 2 or not cols.classes:
        return []  # a single hypothesis always leads
    exact = cols.integral(model) and all(b.is_integer() for b in base)
    table = _TERMS[model]
    bound = max(abs(v) for b in range(_NBASE) for v in table[b].values())
    margin = 0.0 if exact else 1e-15 * (1.0 + max(abs(t) for t in totals) + bound)
    if len(top) == 1 and not full:
        (lead,) = top
        gap = min(totals[lead] - t for j, t in enumerate(totals) if j != lead)
        if gap - cols.spread(model) > TIE + 2 * margin:
            return []
    terms = cols.terms(model)
    grouped = cols.grouped_after(model, base)
    after: list[Iterable[float]]
    if grouped:
        columns = [list(map(t.__sub__, col)) for t, col in zip(totals, terms, strict=True)]
        for pos, column_totals in grouped.items():
            for j, v in enumerate(column_totals):
                columns[j][pos] = v
        after = list(columns)
    else:
        # Each column is computed as the scan reduces it, never held whole: a
        # list of new floats per hypothesis weighed on a large case's memory.
        after = [map(t.__sub__, col) for t, col in zip(totals, terms, strict=True)]
    return _scan_linchpins(after, top, margin, lambda pos: cols.without(model, base, pos))


def _scan_linchpins(
    after: list[Iterable[float]], top: frozenset[int], margin: float, exact_without: Any
) -> list[int]:
    """Every item, column at a time: the rank-1 set stays the same exactly when
    the worst of the current leaders is still within TIE of the new best
    (``d_in <= TIE``) and the best of the rest is not (``d_out > TIE``). Only
    an item whose ``d_in`` or ``d_out`` lies within ``margin`` of TIE is
    decided by summing its columns again without it (``margin`` 0: exact).
    Each column of ``after`` (per hypothesis, its total without each item) is
    read once, so it may be an iterator."""
    nh = len(after)
    inside = [list(after[j]) for j in sorted(top)]
    outside = [after[j] for j in range(nh) if j not in top]
    low_in = inside[0] if len(inside) == 1 else list(map(min, *inside))
    high_in = inside[0] if len(inside) == 1 else list(map(max, *inside))
    n = len(low_in)
    if not outside:
        high_out: list[float] = [-math.inf] * n
    else:
        high_out = list(outside[0]) if len(outside) == 1 else list(map(max, *outside))
    best = list(map(max, high_in, high_out))

    def gaps() -> Iterable[tuple[int, float, float]]:
        """(position, d_in, d_out), computed as read, not held as lists (large cases)."""
        return zip(range(n), map(sub, best, low_in), map(sub, best, high_out), strict=True)

    found = [p for p, a, b in gaps() if a > TIE or b <= TIE]
    if not margin:
        return found
    lo, hi = TIE - margin, TIE + margin
    unsure = [p for p, a, b in gaps() if lo <= a <= hi or lo <= b <= hi]
    if not unsure:
        return found
    decided = set(found)
    for pos in unsure:
        decided.discard(pos)
        if top_set(exact_without(pos)) != top:
            decided.add(pos)
    return sorted(decided)


def leader_ids(analysis: Analysis, model: str) -> list[str]:
    hids = analysis.hypothesis_ids
    return [hids[i] for i in sorted(analysis.models[model].top)]
