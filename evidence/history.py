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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError

from evidence.errors import WeighError
from evidence.operations import CannotUndo, CaseState, Operation, Record, fields_changed, record_problem
from hypotheses.scoring import analyse
from hypotheses.scoring_models import DEFAULT_MODEL, MODELS, scoring_model

if TYPE_CHECKING:
    from hypotheses.models import Case

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


@dataclass(frozen=True)
class PastState:
    """The case just after ``record`` (None: the earliest state the trail reaches)."""

    record: Operation | None
    case: Case


@dataclass(frozen=True)
class Replay:
    """The case after each recorded change, oldest first."""

    states: list[PastState]
    complete: bool  # reaches back to the case.put that created or last replaced it
    note: str = ""  # why it stops where it does


def replay(case: Case, records: Sequence[Operation]) -> Replay:
    """Rebuild the case after each change by reverting records newest first (see module doc)."""
    mine = [r for r in records if r.case == case.id]
    start = max((i for i, r in enumerate(mine) if r.op in ("case.put", "case.restore", "case.delete")
                 or getattr(r, "creates", False)), default=-1)  # a sync that brought the case in
    origin = mine[start] if start >= 0 and mine[start].op != "case.delete" else None
    steps = mine[start + 1:]
    st = CaseState.of(case)
    rewound: list[PastState] = []
    complete, note = origin is not None, ""
    for k in range(len(steps) - 1, -1, -1):
        rewound.append(PastState(steps[k], st.case()))
        try:
            steps[k].revert(st)
        except (CannotUndo, WeighError, KeyError, IndexError, TypeError, ValueError, ValidationError) as exc:
            complete = False
            note = (f"the trail does not fit the case before {when(steps[k])} ({record_problem(exc)}); "
                    "earlier changes not shown")
            rewound.reverse()
            return Replay(rewound, complete, note)
    rewound.append(PastState(origin, st.case()))
    rewound.reverse()
    if origin is None:
        note = "the trail starts after the case was created; the first row is the oldest state known"
    return Replay(rewound, complete, note)


# ------------------------------------------------------- how the ranking moved


@dataclass(frozen=True)
class RankingStep:
    """The verdict after one change."""

    record: Operation | None
    when: str
    change: str
    ranking: str  # e.g. 'H2 > H1 = H3 > H4' for the chosen model
    leaders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model → rank-1 ids
    agree: bool = True
    leader_changed: bool = False  # for the chosen model, against the step before


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


def ranking_history(case: Case, records: Sequence[Operation],
                    model: str = DEFAULT_MODEL) -> tuple[list[RankingStep], Replay]:
    """The ranking after each recorded change, oldest first, for the post-mortem."""
    model = scoring_model(model).name
    rep = replay(case, records)
    steps: list[RankingStep] = []
    before: tuple[str, ...] | None = None
    for state in rep.states:
        a = analyse(state.case)
        hids = a.hypothesis_ids
        leaders: dict[str, tuple[str, ...]] = {
            m: tuple(hids[i] for i in sorted(a.models[m].top)) for m in MODELS
        }
        chosen = a.models[model]
        rec = state.record
        steps.append(
            RankingStep(
                record=rec,
                when=when(rec) if rec else "",
                change=change_text(rec) if rec else "oldest state known",
                ranking=ranking_line(state.case, chosen.order, chosen.ranks),
                leaders=leaders,
                agree=a.agree,
                leader_changed=before is not None and leaders[model] != before,
            )
        )
        before = leaders[model]
    return steps, rep
