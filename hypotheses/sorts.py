"""The registry of evidence sort orders: what `s` cycles through and how each orders the rows,
so no screen compares sort names.

Every order is stable: items that tie keep their case order. Adding a sort is
one entry here plus its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from hypotheses.scoring import weight

if TYPE_CHECKING:
    from datetime import date

    from hypotheses.models import Evidence


#: An order: the shown items, the value each item is sorted by (its diagnosticity, or its
#: disagreement's key; by its index in the scored case), and where each shown item sits
#: in that case (None: the items are the case).
Order: TypeAlias = "Callable[[list[Evidence], Sequence[Any], Mapping[str, int] | None], list[Evidence]]"


class Sort(NamedTuple):
    """One sort order of the matrix."""

    name: str
    description: str  # "most diagnostic first"
    uses_diagnosticity: bool  # its order changes when the scores do
    order: Order
    uses_disagreement: bool = False  # sorts by the analysts' disagreement: team cases only
    # the value each row is sorted by, when the matrix has no column for it yet: shown in
    # a column headed ``column`` while this sort is on
    value: Callable[[Evidence], float] | None = None
    column: str = ""


def _when(ev: Evidence) -> date | None:
    """When it happened, else when it was reported (an item known only by its report)."""
    return ev.event_date or ev.reported_date


def _by_date(items: list[Evidence], _diag: Sequence[float],
             _pos: Mapping[str, int] | None) -> list[Evidence]:
    keyed = [(_when(ev), ev) for ev in items]
    dated = sorted(((when, ev) for when, ev in keyed if when is not None), key=lambda pair: pair[0])
    return [ev for _, ev in dated] + [ev for when, ev in keyed if when is None]


def _by_value(items: list[Evidence], diag: Sequence[Any],
              pos: Mapping[str, int] | None) -> list[Evidence]:
    """Largest value first (diagnosticity, or disagreement: the items to discuss first)."""
    # reverse=True keeps ties in case order (Python's sort stays stable)
    if pos is None:  # the items are the scored case: list indexes, no lookups
        order = sorted(range(len(items)), key=diag.__getitem__, reverse=True)
        return [items[i] for i in order]
    return sorted(items, key=lambda ev: diag[pos[ev.id]], reverse=True)


def _by_weight(items: list[Evidence], _diag: Sequence[float],
               _pos: Mapping[str, int] | None) -> list[Evidence]:
    return sorted(items, key=weight, reverse=True)


SORTS: tuple[Sort, ...] = (
    Sort("date", "by event date (else reported date), undated last", False, _by_date),
    Sort("diagnosticity", "most diagnostic first", True, _by_value),
    Sort("weight", "heaviest (credibility × relevance) first", False, _by_weight,
         value=weight, column="Wt"),
    Sort("disagreement", "the analysts' widest disagreement first: discuss these first",
         False, _by_value, uses_disagreement=True),
)
SORT_NAMES: tuple[str, ...] = tuple(s.name for s in SORTS)
DEFAULT_SORT = SORTS[0]
_BY_NAME: dict[str, Sort] = {s.name: s for s in SORTS}


def sort_named(name: str) -> Sort:
    """The sort called ``name``; a clear error naming the choices otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"sort: {name!r} is not one of {', '.join(SORT_NAMES)}") from None


def next_sort(sort: Sort, team: bool = False) -> Sort:
    """The sort after ``sort`` in the registry's order (what `s` cycles to); a one-analyst
    case (``team`` False) skips the sorts by disagreement."""
    offered = [s for s in SORTS if team or not s.uses_disagreement]
    if sort not in offered:
        return offered[0]
    return offered[(offered.index(sort) + 1) % len(offered)]
