"""Teams: consensus, disagreement and lenses over analysts' layers.

A team case's items carry each analyst's votes (``ratings_by``) instead of
shared ``ratings``. A *lens* turns it back into an ordinary one-analyst case
whose ``ratings`` are the lens's matrix (the team's consensus, or one
analyst's layer), so every analysis (groups, as-of, coverage, margin, band,
separation, diagnosticity, linchpins, ``Scorer``) applies to it unchanged.
:class:`LensView` keeps each item's view while the item is the same object,
so after one vote ``Scorer`` sees one changed item and patches one row.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from itertools import compress
from operator import is_not
from typing import TYPE_CHECKING, NamedTuple

from hypotheses.scoring import NUMERIC, Analysis, Scorer, analyse, leader_ids
from hypotheses.separation import alone_words, prior_led, priors_make, top_note
from hypotheses.slug import TEAM
from hypotheses.vocabulary import CASE_LISTS

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence
    from hypotheses.vocabulary import Rating

__all__ = ["TEAM"]  # and the functions below

LABELS: tuple[str, ...] = ("agree", "mild", "large", "extreme")


def is_team(case: Case) -> bool:
    """A case listing analysts: its cells are in analysts' layers."""
    return bool(case.analysts)


# ----------------------------------------------------------------- consensus


def consensus(codes: Iterable[str]) -> Rating | None:
    """One cell's consensus from its votes (None: no votes, unrated).

    ``NA`` when the ``NA`` votes outnumber the others; else the mean of the
    numeric votes rounded half away from zero, in integers: with ``k`` votes
    summing to ``S``, ``CC`` if 2S ≥ 3k, ``C`` if k ≤ 2S < 3k, ``N`` if
    −k < 2S < k, ``I`` if −3k < 2S ≤ −k, ``II`` if 2S ≤ −3k.
    """
    na = k = total = 0
    for code in codes:
        if code == "NA":
            na += 1
        else:
            k += 1
            total += NUMERIC[code]
    if na == 0 and k == 0:
        return None
    if na > k:
        return "NA"
    twice = 2 * total
    if twice >= 3 * k:
        return "CC"
    if twice >= k:
        return "C"
    if twice > -k:
        return "N"
    if twice > -3 * k:
        return "I"
    return "II"


_CONSENSUS: dict[tuple[str, ...], Rating | None] = {}


def _consensus_of(codes: tuple[str, ...]) -> Rating | None:
    """:func:`consensus`, remembered per tuple of votes (a team votes in few patterns)."""
    try:
        return _CONSENSUS[codes]
    except KeyError:
        value = _CONSENSUS[codes] = consensus(codes)
        return value


def votes(ev: Evidence, hid: str, analysts: Sequence[str] | None = None) -> dict[str, Rating]:
    """Analyst → code on one cell, in ``analysts`` order (default: the item's layers' order);
    an analyst who has not rated the cell is left out."""
    layers = ev.ratings_by
    order = layers if analysts is None else analysts
    return {a: code for a in order if (code := layers.get(a, {}).get(hid)) is not None}


def cell_notes(ev: Evidence, hid: str, analysts: Sequence[str] | None = None) -> dict[str, str]:
    """Analyst → note on one cell, like :func:`votes`."""
    layers = ev.notes_by
    order = layers if analysts is None else analysts
    return {a: text for a in order if (text := layers.get(a, {}).get(hid))}


def consensus_ratings(ev: Evidence, hids: Iterable[str]) -> dict[str, Rating]:
    """The item's row of the team's matrix: hypothesis id → consensus (unrated cells absent)."""
    layers = list(ev.ratings_by.values())
    if not layers:
        return {}
    if len(layers) == 1:  # one vote is its own consensus
        return {hid: code for hid in hids if (code := layers[0].get(hid)) is not None}
    out: dict[str, Rating] = {}
    for hid in hids:
        cell = tuple(code for layer in layers if (code := layer.get(hid)) is not None)
        if cell and (code := _consensus_of(cell)) is not None:
            out[hid] = code
    return out


def _drop(cells: Mapping[str, str], hid: str) -> dict[str, str]:
    return {k: v for k, v in cells.items() if k != hid}


def cell_cleared(ev: Evidence, hid: str, analyst: str | None = None) -> Evidence | None:
    """The item with one cell's rating and note both removed (a team case: ``analyst``'s,
    the others' untouched), so clearing a rating never leaves a note explaining nothing;
    None when that cell has no note (clearing the rating alone is all there is to do)."""
    if analyst is None:
        if hid not in ev.notes:
            return None
        return ev.model_copy(update={"ratings": _drop(ev.ratings, hid), "notes": _drop(ev.notes, hid)})
    if hid not in ev.notes_by.get(analyst, {}):
        return None
    layers = {}
    for field in ("ratings_by", "notes_by"):
        by = {a: _drop(cells, hid) if a == analyst else cells for a, cells in getattr(ev, field).items()}
        layers[field] = {a: cells for a, cells in by.items() if cells}  # an emptied layer is dropped
    return ev.model_copy(update=layers)


# -------------------------------------------------------------- disagreement


class Disagreement(NamedTuple):
    """How far a cell's (or an item's) votes spread.

    ``value`` is the population standard deviation of the non-``NA`` numeric
    votes (0 with fewer than two); ``split_na`` when ``NA`` and other votes
    meet on one cell (an item: on any of its cells). The label is decided on
    the exact variance ``spread / n²``, never on the rounded root.
    """

    value: float = 0.0
    split_na: bool = False
    spread: int = 0  # n·Σv² − (Σv)²
    n: int = 0  # votes counted

    @property
    def label(self) -> str:
        """``agree`` 0, ``mild`` ≤ 0.5, ``large`` ≤ 1.0, ``extreme`` > 1.0."""
        if self.spread == 0:
            return "agree"
        square = self.n * self.n
        if 4 * self.spread <= square:  # variance ≤ 1/4
            return "mild"
        if self.spread <= square:  # variance ≤ 1
            return "large"
        return "extreme"

    @property
    def text(self) -> str:
        """'extreme (1.41, split on NA)': the label, the value, and a split if there is one.

        A split with no numeric spread reads 'split on NA', never 'agree': one analyst
        saying an item bears on a hypothesis and another saying it does not is no agreement.
        """
        if self.split_na and self.spread == 0:
            return "split on NA"
        return f"{self.label} ({self.value:.2f}{', split on NA' if self.split_na else ''})"

    @property
    def variance(self) -> Fraction:
        """The exact variance of the votes counted."""
        return Fraction(self.spread, self.n * self.n) if self.n else Fraction(0)

    def exceeds(self, other: Disagreement) -> bool:
        """Strictly wider than ``other`` (compared exactly: spread / n² as fractions)."""
        if other.spread == 0:
            return self.spread > 0
        return self.spread * other.n * other.n > other.spread * self.n * self.n


NO_DISAGREEMENT = Disagreement()


def disagreement(codes: Iterable[str]) -> Disagreement:
    """One cell's disagreement from its votes."""
    values: list[int] = []
    na = False
    for code in codes:
        if code == "NA":
            na = True
        else:
            values.append(NUMERIC[code])
    n = len(values)
    split = na and n > 0
    if n < 2:
        return Disagreement(split_na=split, n=n)
    s1 = sum(values)
    spread = n * sum(v * v for v in values) - s1 * s1
    return Disagreement(math.sqrt(spread / (n * n)), split, spread, n)


def cell_disagreement(ev: Evidence, hid: str) -> Disagreement:
    """The disagreement of the votes on one cell."""
    return disagreement(votes(ev, hid).values())


def item_disagreement(ev: Evidence, hids: Iterable[str]) -> Disagreement:
    """An item's disagreement: its widest cell's (split on ``NA`` if any cell is)."""
    if len(ev.ratings_by) < 2:
        return NO_DISAGREEMENT
    widest = NO_DISAGREEMENT
    split = False
    for hid in hids:
        cell = cell_disagreement(ev, hid)
        split = split or cell.split_na
        if cell.exceeds(widest):
            widest = cell
    return Disagreement(widest.value, split, widest.spread, widest.n)


# ------------------------------------------------------------------- lenses


ANALYST_MARK = "@"  # an analyst whose id is a lens's name ('team', from an older file): '@team'


def analyst_lens(analyst: str) -> str:
    """The name of an analyst's lens: their id, or '@team' for an analyst named 'team'
    (weigh refuses that name for new analysts; a file may still have one)."""
    return ANALYST_MARK + analyst if analyst == TEAM else analyst


def lens_layer(lens: str) -> str:
    """The analyst whose layer an analyst's lens shows ('@team' → 'team')."""
    return lens.removeprefix(ANALYST_MARK)


def renamed_lenses(case: Case) -> list[str]:
    """A line per analyst whose lens is not their id (named 'team' in an older file)."""
    return [f"case {case.id}: analyst {a!r} has the team lens's name: their own votes are the lens "
            f"{analyst_lens(a)!r} (l on the workbench, --lens {analyst_lens(a)})"
            for a in case.analysts if analyst_lens(a) != a]


def lens_names(case: Case) -> list[str]:
    """The lenses a case can be seen through: the team's, then each analyst's (join order)."""
    return [TEAM, *map(analyst_lens, case.analysts)]


def check_lens(case: Case, lens: str) -> str:
    """``lens`` if the case has it, else a ValueError saying which it has."""
    if lens in lens_names(case):
        return lens
    if not case.analysts:
        raise ValueError(f"lens: case {case.id} is not a team case (it lists no analysts), "
                         f"so its only lens is {TEAM!r}")
    raise ValueError(f"lens: {lens[:40]!r} is not one of {', '.join(lens_names(case))}")


def lens_words(case: Case, lens: str) -> str:
    """What a lens's matrix is, in words: "the team's consensus of ana, ben" / "ben's votes"."""
    if lens == TEAM:
        return f"the team's consensus of {', '.join(case.analysts)}" if case.analysts else "the ratings"
    name = lens_layer(lens)
    return f"{name}'s votes" + (" (the analyst)" if name == TEAM else "")


def hidden_hids(ev: Evidence, hids: Iterable[str], analyst: str) -> list[str]:
    """The item's cells hidden from ``analyst`` (anchoring): voted on by others, not by them."""
    mine = ev.ratings_by.get(analyst, {})
    others = [layer for who, layer in ev.ratings_by.items() if who != analyst]
    return [hid for hid in hids if hid not in mine and any(hid in layer for layer in others)]


def hidden_cells(case: Case, analyst: str) -> int:
    """How many of the case's cells are hidden from ``analyst`` until they rate them."""
    hids = [h.id for h in case.hypotheses]
    return sum(len(hidden_hids(ev, hids, analyst)) for ev in case.evidence)


def lens_ratings(ev: Evidence, lens: str, hids: Iterable[str]) -> dict[str, Rating]:
    """The item's row of the lens's matrix."""
    if lens == TEAM:
        return consensus_ratings(ev, hids)
    layer = ev.ratings_by.get(lens_layer(lens), {})
    return {hid: code for hid in hids if (code := layer.get(hid)) is not None}


def lens_notes(ev: Evidence, lens: str, hids: Iterable[str]) -> dict[str, str]:
    """The notes a lens shows: one analyst's; the team's are everyone's, each signed."""
    if lens != TEAM:
        layer = ev.notes_by.get(lens_layer(lens), {})
        return {hid: text for hid in hids if (text := layer.get(hid))}
    out: dict[str, str] = {}
    for hid in hids:
        signed = [f"{a}: {text}" for a, text in cell_notes(ev, hid).items()]
        if signed:
            out[hid] = "; ".join(signed)
    return out


def lens_item(ev: Evidence, lens: str, hids: Sequence[str], hidden_from: str | None = None) -> Evidence:
    """The item as a one-analyst item whose ratings and notes are the lens's. The team lens
    ``hidden_from`` an analyst leaves out the cells hidden from them (:func:`hidden_hids`),
    so its scores cannot give away votes they have not seen."""
    if lens == TEAM and hidden_from is not None:
        hidden = hidden_hids(ev, hids, hidden_from)
        if hidden:
            hids = [hid for hid in hids if hid not in hidden]
    return ev.model_copy(update={
        "ratings": lens_ratings(ev, lens, hids), "notes": lens_notes(ev, lens, hids),
        "ratings_by": {}, "notes_by": {},
    })


def _view_case(case: Case, evidence: list[Evidence]) -> Case:
    kept = {name: getattr(case, name) for name in type(case).model_fields
            if name != "analysts" and name not in CASE_LISTS}
    return type(case).model_construct(**kept, analysts=[], hypotheses=case.hypotheses,
                                      evidence=evidence, indicators=case.indicators)


def lens_case(case: Case, lens: str = TEAM, hidden_from: str | None = None) -> Case:
    """The case as its lens shows it: a one-analyst case holding the lens's matrix
    (a one-analyst case itself under the team lens). Unknown lens: ValueError.
    ``hidden_from``: see :func:`lens_item`."""
    check_lens(case, lens)
    if not is_team(case):
        return case
    hids = [h.id for h in case.hypotheses]
    return _view_case(case, [lens_item(ev, lens, hids, hidden_from) for ev in case.evidence])


class LensView:
    """:func:`lens_case`, remembering each item's view while the item is the same object,
    so an edited case's view differs from the last one only in the edited items (what
    keeps :class:`~hypotheses.scoring.Scorer` incremental)."""

    def __init__(self) -> None:
        self._key: tuple[str, str | None, tuple[str, ...]] | None = None
        self._sources: list[Evidence] = []
        self._views: list[Evidence] = []
        self._hidden: list[int] = []  # per item: its cells left out (hidden_from)

    @property
    def hidden(self) -> int:
        """How many cells the last view left out as hidden (0 unless ``hidden_from``)."""
        return sum(self._hidden)

    def __call__(self, case: Case, lens: str = TEAM, hidden_from: str | None = None) -> Case:
        check_lens(case, lens)
        if not is_team(case):
            self._hidden = []
            return case
        hids = tuple(h.id for h in case.hypotheses)
        blind = hidden_from if lens == TEAM else None
        evidence = case.evidence
        if self._key != (lens, blind, hids):
            self._key, self._sources, self._views, self._hidden = (lens, blind, hids), [], [], []

        def one(ev: Evidence) -> tuple[Evidence, int]:
            hidden = hidden_hids(ev, hids, blind) if blind is not None else []
            kept = [hid for hid in hids if hid not in hidden] if hidden else hids
            return lens_item(ev, lens, kept), len(hidden)

        if len(evidence) == len(self._sources):
            # the common edit: the same items in place but one or two (compared in C)
            views, counts = list(self._views), list(self._hidden)
            for i in compress(range(len(evidence)), map(is_not, evidence, self._sources)):
                views[i], counts[i] = one(evidence[i])
        else:  # items added, removed or moved: keep the views of the items still there
            kept = {id(src): (view, n) for src, view, n in
                    zip(self._sources, self._views, self._hidden, strict=True)}
            pairs = [kept.get(id(ev)) or one(ev) for ev in evidence]
            views, counts = [v for v, _ in pairs], [n for _, n in pairs]
        self._sources, self._views, self._hidden = list(evidence), views, counts
        return _view_case(case, list(views))


class LensScorer:
    """A :class:`~hypotheses.scoring.Scorer` per lens: rescoring after a vote patches
    the one consensus (or layer) cell it changed."""

    def __init__(self) -> None:
        self._views: dict[str, LensView] = {}
        self._scorers: dict[str, Scorer] = {}

    def view(self, case: Case, lens: str = TEAM) -> Case:
        """The case under ``lens`` (items kept from the last call where unchanged)."""
        return self._views.setdefault(lens, LensView())(case, lens)

    def analyse(self, case: Case, lens: str = TEAM, as_of: date | None = None) -> Analysis:
        """:func:`~hypotheses.scoring.analyse` of the case under ``lens``."""
        return self._scorers.setdefault(lens, Scorer()).analyse(self.view(case, lens), as_of)

    def forget(self, keep: Iterable[str] = ()) -> None:
        """Drop the lenses not in ``keep`` (an analyst's lens no longer shown)."""
        wanted = set(keep)
        for store in (self._views, self._scorers):
            for name in [n for n in store if n not in wanted]:
                del store[name]


# ------------------------------------------------------------------ leaders


class Top(NamedTuple):
    """A lens's top under a model, as its verdict names it."""

    ids: list[str]  # the leader ids, case order
    note: str  # why it is no leader (separation.top_note), '' when the verdict names it
    alone: tuple[str, ...] = ()  # what the evidence alone names where priors make it (priors_make)


def top_of(analysis: Analysis, model: str) -> Top:
    """The top of one lens's ``analysis`` under ``model``, with its note and what the
    evidence alone names: one lens's leader is named with the same caveats as the verdict's."""
    note = top_note(analysis, model)
    return Top(leader_ids(analysis, model), note, priors_make(analysis, model, note))


def tops_by_analyst(
    case: Case, model: str, as_of: date | None = None, scorer: LensScorer | None = None
) -> dict[str, Top]:
    """Analyst → their lens's :class:`Top` under ``model``."""
    def top(lens: str) -> Top:
        return top_of(scorer.analyse(case, lens, as_of) if scorer else analyse(lens_case(case, lens), as_of),
                      model)

    return {a: top(analyst_lens(a)) for a in case.analysts}


def with_note(ids: Sequence[str], note: str, joiner: str = ", ", alone: Sequence[str] = ()) -> str:
    """'H1', 'H1, H2 (not separated)', 'H2 (on no rated item)' or 'none': a top set with why
    it is no leader. Where unequal priors make it (``alone``: what the evidence alone names,
    :func:`~hypotheses.separation.priors_make`), as the verdict says: 'H1 on its prior (the
    evidence alone puts H2 first)', 'H1, H2 (not separated; the evidence alone puts H1 first)'."""
    names = joiner.join(ids) or "none"
    if not note:
        return prior_led(names, alone)
    return f"{names} ({note}{'; ' + alone_words(alone) if alone else ''})"


def agree_text(team_leaders: Sequence[str], team_note: str,
               analyst_notes: Mapping[str, str] | None = None) -> str:
    """'The analysts agree on the leader.' only when the team's verdict and each analyst's
    name one (``analyst_notes``: analyst → why their top is no leader, '' when it is); else
    that they agree on a top score that is no leader, and why."""
    top = " = ".join(team_leaders) or "none"
    if team_note:
        return f"The analysts agree on the top score ({top}), but it names no leader ({team_note})."
    unnamed = [f"{a} ({note})" for a, note in (analyst_notes or {}).items() if note]
    if unnamed:
        return (f"The analysts agree on the top score ({top}), but not every analyst's verdict "
                f"names it the leader: {', '.join(unnamed)}.")
    return "The analysts agree on the leader."


def analysts_agree(by_analyst: Mapping[str, Sequence[str]], team_leaders: Sequence[str]) -> bool:
    """Every analyst's leader set equals the team's."""
    team = set(team_leaders)
    return all(set(ids) == team for ids in by_analyst.values())


def analysts_concur(by_analyst: Mapping[str, Sequence[str]]) -> bool:
    """Every analyst puts the same hypotheses first (whatever the team's consensus does)."""
    return len({frozenset(ids) for ids in by_analyst.values()}) <= 1


def consensus_apart_text(by_analyst: Mapping[str, Sequence[str]], team_leaders: Sequence[str],
                         team_note: str = "") -> str:
    """The analysts agree with each other, not with their consensus: the consensus's top
    comes from how the votes combine (rounding), which no analyst's own ratings show;
    ``team_note`` (:func:`~hypotheses.separation.top_note`) says when that top is no lead."""
    theirs = next(iter(by_analyst.values()), [])
    what = f" ({team_note}): that comes" if team_note else ": that lead comes"
    return (f"Each analyst alone puts {' = '.join(theirs) or 'none'} first, but the team's consensus "
            f"puts {' = '.join(team_leaders) or 'none'} first{what} from how their votes "
            "combine, not from any one analyst's ratings")


# ---------------------------------------------------------------- summaries


class TeamFacts(NamedTuple):
    """What a summary of a team case adds (the JSON's ``lens``, ``analysts``,
    ``leaders_by_analyst``, ``analysts_agree``, and per item ``disagreement``/``split_na``)."""

    lens: str
    analysts: tuple[str, ...]
    leaders_by_analyst: dict[str, list[str]]  # under the chosen model, case order
    team_leaders: list[str]  # the team lens's, under the chosen model
    disagreement: tuple[Disagreement, ...]  # per item, case order
    # why each top is no leader (separation.top_note; '' when the verdict names it): words only
    notes_by_analyst: dict[str, str]
    team_note: str
    # what the evidence alone names where unequal priors make a top (priors_make): words only
    alone_by_analyst: dict[str, tuple[str, ...]]
    team_alone: tuple[str, ...]

    @property
    def analysts_agree(self) -> bool:
        return analysts_agree(self.leaders_by_analyst, self.team_leaders)

    def named(self, analyst: str | None = None) -> str:
        """An analyst's top (None: the team's) as that lens's verdict names it (:func:`with_note`)."""
        if analyst is None:
            return with_note(self.team_leaders, self.team_note, alone=self.team_alone)
        return with_note(self.leaders_by_analyst[analyst], self.notes_by_analyst.get(analyst, ""),
                         alone=self.alone_by_analyst.get(analyst, ()))

    @property
    def consensus_apart(self) -> str:
        """When the analysts agree with each other and not with the consensus: why, else ''."""
        if self.analysts_agree or not analysts_concur(self.leaders_by_analyst):
            return ""
        return consensus_apart_text(self.leaders_by_analyst, self.team_leaders, self.team_note)


def team_facts(case: Case, lens: str, model: str, as_of: date | None = None,
               team_analysis: Analysis | None = None) -> TeamFacts:
    """The team facts of ``case`` (``team_analysis``: the team lens's analysis, if at hand)."""
    check_lens(case, lens)
    hids = [h.id for h in case.hypotheses]
    team = top_of(team_analysis or analyse(lens_case(case, TEAM), as_of), model)
    tops = tops_by_analyst(case, model, as_of)
    return TeamFacts(
        lens=lens,
        analysts=tuple(case.analysts),
        leaders_by_analyst={a: t.ids for a, t in tops.items()},
        team_leaders=team.ids,
        disagreement=tuple(item_disagreement(ev, hids) for ev in case.evidence),
        notes_by_analyst={a: t.note for a, t in tops.items()},
        team_note=team.note,
        alone_by_analyst={a: t.alone for a, t in tops.items()},
        team_alone=team.alone,
    )


class CellVotes(NamedTuple):
    """One cell as the team section shows it: everyone's vote and note, the consensus."""

    evidence: Evidence
    hypothesis_id: str
    disagreement: Disagreement
    votes: dict[str, Rating]  # analyst → code, in join order
    notes: dict[str, str]  # analyst → note
    consensus: Rating | None


def widest_cells(case: Case, limit: int = 10) -> list[CellVotes]:
    """The cells of largest disagreement (split on NA counts as some), widest first."""
    found: list[tuple[Disagreement, Evidence, str, tuple[str, ...]]] = []
    for ev in case.evidence:
        if len(ev.ratings_by) < 2:
            continue
        for h in case.hypotheses:
            cell = tuple(votes(ev, h.id).values())
            d = disagreement(cell)
            if d.spread or d.split_na:
                found.append((d, ev, h.id, cell))
    widest = heapq.nsmallest(limit, range(len(found)), key=lambda i: (-found[i][0].variance, i))
    return [CellVotes(ev, hid, d, votes(ev, hid, case.analysts), cell_notes(ev, hid, case.analysts),
                      _consensus_of(cell)) for d, ev, hid, cell in map(found.__getitem__, widest)]


def widest_items(case: Case, facts: TeamFacts, limit: int = 10) -> list[tuple[Evidence, Disagreement]]:
    """The items of largest disagreement (the items to discuss first), widest first."""
    wide = [i for i, d in enumerate(facts.disagreement) if d.spread or d.split_na]
    widest = heapq.nsmallest(limit, wide, key=lambda i: (-facts.disagreement[i].variance, i))
    return [(case.evidence[i], facts.disagreement[i]) for i in widest]


class ItemVotes(NamedTuple):
    """One item as the team section shows it: every analyst's row of votes and notes."""

    evidence: Evidence
    disagreement: Disagreement
    votes: dict[str, dict[str, Rating]]  # analyst → hypothesis id → code, join order
    notes: dict[str, dict[str, str]]


class TeamSection(NamedTuple):
    """The reports' team section: who the analysts are, whom each puts first, and the
    cells and items they disagree on most, with everyone's vote and note."""

    facts: TeamFacts
    seen_as: str  # what the report's matrix is: "the team's consensus of ana, ben"
    model: str
    cells: list[CellVotes]
    items: list[ItemVotes]
    #: the items by id, under the team lens only (else empty): a consensus the reports cite
    #: shows the votes it rests on (:meth:`split_votes`, asked of the few cells cited)
    voted: Mapping[str, Evidence]

    def split_votes(self, eid: str, hid: str) -> str:
        """'votes split: ana CC, ben I', "ben's vote alone": the votes behind a cell of the
        team's matrix that is no agreement ('' if the analysts who rated it agree)."""
        ev = self.voted.get(eid)
        if ev is None:
            return ""
        cell = votes(ev, hid, self.facts.analysts)
        if len(cell) == 1 and len(self.facts.analysts) > 1:
            return f"{next(iter(cell))}'s vote alone"
        if len(set(cell.values())) > 1:
            return "votes split: " + ", ".join(f"{a} {code}" for a, code in cell.items())
        return ""

    @property
    def leaders_line(self) -> str:
        """'ana H3 · ben H3 · chi H1' (several leaders joined by '='), team's last."""
        by = self.facts.leaders_by_analyst
        return " · ".join(f"{a} {' = '.join(ids) or 'none'}" for a, ids in by.items())


def team_section(case: Case, lens: str, model: str, as_of: date | None = None,
                 team_analysis: Analysis | None = None, limit: int = 10) -> TeamSection | None:
    """The team section of a report on ``case`` (None: a one-analyst case)."""
    if not is_team(case):
        return None
    facts = team_facts(case, lens, model, as_of, team_analysis)
    order = case.analysts
    items = [
        ItemVotes(ev, d, {a: dict(ev.ratings_by[a]) for a in order if a in ev.ratings_by},
                  {a: dict(ev.notes_by[a]) for a in order if ev.notes_by.get(a)})
        for ev, d in widest_items(case, facts, limit)
    ]
    voted = {ev.id: ev for ev in case.evidence} if lens == TEAM else {}
    return TeamSection(facts, lens_words(case, lens), model, widest_cells(case, limit), items, voted)
