"""Reading the audit trail back: each record in words, the case as it stood after each, and the ranking then.

The trail is ``Store.history(case_id)``: every typed record
(``evidence.operations``), folded into the database's ``history`` table, each
with its time (``ts``), kind (``op``) and the old and new values it changed.
Nothing else is recorded, so nothing here can disagree with what the store did;
the words and the inverse of each kind live on its record class.

Past states are rebuilt **backwards**: start from the case as it stands and
apply the records' inverses newest first (``Record.revert``, the same inverse
the workbench's undo commits), using the old value each record carries. The
history keeps a ``case.put`` (create, import, CSV update, replace) only as a
summary, not the whole case it wrote, so replaying *forwards* has nothing to
start from; backwards replay needs no copy. It stops at the latest
``case.put``: what came before it was replaced wholesale (a replacement keeps
the old case whole in its record, ``old``, so it can still be recovered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from pydantic import ValidationError

from evidence.case_state import CaseState
from evidence.errors import WeighError
from evidence.operations import CannotUndo, Operation, Record, fields_changed, record_problem
from hypotheses.scoring import ModelScores, Scorer
from hypotheses.scoring_models import DEFAULT_MODEL, MODELS, scoring_model
from hypotheses.separation import NOT_SEPARATED, band_of, priors_make, top_note
from hypotheses.team import TEAM, LensView, is_team, lens_layer, lens_names

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence, Hypothesis

__all__ = ["fields_changed"]


def when(rec: Record) -> str:
    """'2026-11-26 06:21:37 UTC' from the record's timestamp."""
    return rec.ts.strftime("%Y-%m-%d %H:%M:%S UTC")


def describe_change(rec: Record) -> str:
    """E.g. '2026-11-26 06:21:37 UTC  rating E4 × H2: C → II'."""
    return f"{when(rec)}  {change_text(rec)}"


def change_text(rec: Record) -> str:
    """What one record changed, in words, and who changed it (records from before teams
    name no one), without its time."""
    text = rec.describe()
    return f"{text} (by {rec.analyst})" if rec.analyst else text


def evidence_history(records: Sequence[Operation], eid: str) -> list[Operation]:
    """The changes that touched one evidence item, oldest first."""
    return [r for r in records if eid in r.touched()]


# ------------------------------------------------------------ past states

#: The newest changes the workbench's ranking history replays: a case edited for years
#: has hundreds of thousands, each replayed state scored again; older ones are counted.
RANKING_STEPS = 1_000
_REPLAY_ERRORS = (CannotUndo, WeighError, KeyError, IndexError, TypeError, ValueError, ValidationError)


class PastState(NamedTuple):
    """The case just after ``record`` (None: the earliest state the trail reaches)."""

    record: Operation | None
    case: Case


class Replay(NamedTuple):
    """The case after each recorded change, oldest first."""

    states: list[PastState]
    complete: bool  # reaches back to the case.put that created or last replaced it
    note: str = ""  # why it stops where it does


class Rewind:
    """The case after each recorded change, **newest first**, made one at a time by
    reverting the records (nothing kept: a long trail of a large case would not fit in
    memory). ``limit``: at most this many of the newest changes; the rest are counted in
    :attr:`skipped`. After the iteration, :attr:`complete` and :attr:`note` say where
    it stopped and why."""

    def __init__(self, case: Case, records: Sequence[Operation], limit: int | None = None) -> None:
        mine = [r for r in records if r.case == case.id]
        start = max((i for i, r in enumerate(mine) if r.op in ("case.put", "case.restore", "case.delete")
                     or getattr(r, "creates", False)), default=-1)  # a sync that brought the case in
        self.origin = mine[start] if start >= 0 and mine[start].op != "case.delete" else None
        self.steps = mine[start + 1:]
        self.skipped = max(0, len(self.steps) - limit) if limit is not None else 0
        self.steps = self.steps[self.skipped:]
        self.case = case
        self.complete = self.origin is not None and not self.skipped
        self.note = ""

    def __iter__(self) -> Iterator[PastState]:
        st = CaseState.of(self.case)
        for k in range(len(self.steps) - 1, -1, -1):
            yield PastState(self.steps[k], st.case())
            try:
                self.steps[k].revert(st)
            except _REPLAY_ERRORS as exc:
                self.complete = False
                self.note = (f"the trail does not fit the case before {when(self.steps[k])} "
                             f"({record_problem(exc)}); earlier changes not shown")
                return
        if self.skipped:
            self.note = (f"the {self.skipped:,} earlier changes are not replayed here "
                         "(weigh export --format md --history lists them all)")
            yield PastState(None, st.case())
            return
        if self.origin is None:
            self.note = "the trail starts after the case was created; the first row is the oldest state known"
        yield PastState(self.origin, st.case())


def replay(case: Case, records: Sequence[Operation]) -> Replay:
    """Rebuild the case after each change by reverting records newest first (see module doc)."""
    rewind = Rewind(case, records)
    states = list(rewind)
    states.reverse()
    return Replay(states, rewind.complete, rewind.note)


# ------------------------------------------------------- how the ranking moved


class RankingStep(NamedTuple):
    """The verdict after one change, and the scores behind it (no copy of the case)."""

    record: Operation | None
    when: str
    change: str
    ranking: str  # e.g. 'H2 > H1 = H3 > H4' for the chosen model
    hypotheses: tuple[Hypothesis, ...]  # the case's hypotheses then
    scores: dict[str, ModelScores]  # every model's verdict
    posterior: tuple[float, ...]
    leaders: dict[str, tuple[str, ...]]  # model → rank-1 ids
    agree: bool
    # model → why that top is no leader (separation.top_note: 'not separated', 'on no rated
    # item'), '' when the verdict names it
    notes: dict[str, str]
    # model → what the evidence alone names where unequal priors make the top (separation.
    # priors_make: 'H1 on its prior'), else (): worked out from the scores at hand, O(H)
    alone: dict[str, tuple[str, ...]]
    leader_changed: bool = False  # for the chosen model, against the step before

    def said(self, model: str) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
        """What the verdict under ``model`` names at this step: the top, why it is no
        leader, and what the evidence alone names (a change in any is a change of leader)."""
        return self.leaders[model], self.notes.get(model, ""), self.alone.get(model, ())

    def named(self, model: str) -> tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]]:
        """:meth:`said`, and the band a top not separated from others shares: the reports'
        leader over time counts a change in it as a change of verdict, and so does ◆."""
        ids, note, alone = self.said(model)
        return ids, note, alone, self.band(model) if note == NOT_SEPARATED else ()

    def band(self, model: str) -> tuple[str, ...]:
        """The hypotheses within one medium item of the best score under ``model`` (case
        order): a top that is not separated is not separated from these."""
        return tuple(self.hypotheses[i].id for i in band_of(self.scores[model].scores, model))

    def shown(self, model: str) -> tuple[float, ...]:
        """The values people read for ``model`` (as :meth:`Analysis.shown`)."""
        return self.posterior if scoring_model(model).shows_posterior else self.scores[model].scores


class RankingHistory(NamedTuple):
    """How the ranking moved, oldest first, and where the replay stopped and why."""

    steps: list[RankingStep]
    complete: bool
    note: str
    skipped: int = 0  # the earlier changes left out: step k is the trail's change skipped + k


def ranking_line(case: Case, order: Sequence[int], ranks: Sequence[int]) -> str:
    """Hypothesis ids best first: '>' between ranks, '=' within a tie."""
    out = ""
    prev: int | None = None
    for i in order:
        if prev is not None:
            out += " = " if ranks[i] == prev else " > "
        out += case.hypotheses[i].id
        prev = ranks[i]
    return out or "no hypotheses"


class _BeforeTeam:
    """A one-analyst state of a case ``owner`` later made a team case, as the lens sees it: its
    ratings became ``owner``'s votes, so under another analyst's lens, or to one the team
    lens hides them from, the state had none. Each item is blanked once: consecutive states
    share their unchanged items, and so do the blanked ones, which keeps the scorer's
    one-row patching, which a fresh copy of every item at every state defeated."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[Evidence, Evidence]] = {}  # id(item) → (item, blanked)

    def __call__(self, case: Case, owner: str | None, lens: str, hidden_from: str | None) -> Case:
        viewer = hidden_from if lens == TEAM else lens_layer(lens)
        if owner is None or viewer is None or viewer == owner:
            return case
        return case.model_copy(update={"evidence": [self._blank(e) for e in case.evidence]})

    def _blank(self, item: Evidence) -> Evidence:
        made = self._made.get(id(item))
        if made is None or made[0] is not item:
            made = (item, item.model_copy(update={"ratings": {}, "notes": {}}))
            self._made[id(item)] = made
        return made[1]


def ranking_history(case: Case, records: Sequence[Operation], model: str = DEFAULT_MODEL, *,
                    limit: int | None = None, stop: Callable[[], bool] | None = None,
                    lens: str = TEAM, hidden_from: str | None = None) -> RankingHistory | None:
    """The ranking after each recorded change (the newest ``limit`` only, if given), oldest
    first, for the post-mortem; None if ``stop()`` said to give up. Consecutive states differ by a change or
    two, so each is scored by patching the last (:class:`Scorer`), not from scratch. A team
    case's states are scored through ``lens`` (the cells ``hidden_from`` has not rated left
    out of the team's, as the workbench does; an analyst not yet joined rated nothing)."""
    model = scoring_model(model).name
    rewind = Rewind(case, records, limit)
    scorer = Scorer()
    lensed = LensView()
    before_team = _BeforeTeam()
    steps: list[RankingStep] = []
    owner: str | None = None  # who made the case a team case after the states still to come
    for state in rewind:
        if stop is not None and stop():
            return None
        past = state.case
        if is_team(past):
            if lens not in lens_names(past):
                past = past.model_copy(update={"analysts": [*past.analysts, lens_layer(lens)]})
            past = lensed(past, lens, hidden_from)
        else:
            past = before_team(past, owner, lens, hidden_from)
        a = scorer.analyse(past)
        hids = a.hypothesis_ids
        chosen = a.models[model]
        rec = state.record
        notes: dict[str, str] = {m: top_note(a, m) for m in MODELS}
        steps.append(RankingStep(
            record=rec,
            when=when(rec) if rec else "",
            change=change_text(rec) if rec else "oldest state known",
            ranking=ranking_line(state.case, chosen.order, chosen.ranks),
            hypotheses=tuple(state.case.hypotheses),
            scores=dict(a.models),
            posterior=a.posterior,
            leaders={m: tuple(hids[i] for i in sorted(a.models[m].top)) for m in MODELS},
            agree=a.agree,
            notes=notes,
            alone={m: alone for m in MODELS if (alone := priors_make(a, m, notes[m]))},
        ))
        if rec is not None and rec.op == "case.team":
            owner = rec.analyst
    steps.reverse()
    for k in range(1, len(steps)):  # what the verdict names: the top, why it is no leader, priors
        if steps[k].named(model) != steps[k - 1].named(model):
            steps[k] = steps[k]._replace(leader_changed=True)
    return RankingHistory(steps, rewind.complete, rewind.note, rewind.skipped)
