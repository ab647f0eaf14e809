"""How the workbench looks at a case, apart from the case: scoring model, sort order,
filter, as-of date and lens. Plain state with the rules for changing it; what it
shows is worked out by :class:`tui.case_view.CaseView`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hypotheses.scoring_models import DEFAULT_MODEL, ModelName, next_model
from hypotheses.sorts import DEFAULT_SORT, Sort, next_sort


@dataclass(eq=False, repr=False)
class ViewState:
    """The choices a user makes about what to see. Model and sort stay when another
    case opens; filter and as-of date start afresh.

    A dataclass, not a NamedTuple: the view changes it in place. Nothing compares or
    prints one, so it has neither ``__eq__`` nor ``__repr__`` (each is one more method
    for ``dataclass`` to compile at start-up)."""

    model: ModelName = DEFAULT_MODEL
    sort: Sort = DEFAULT_SORT
    filter_query: str = ""
    score_shown: bool = False  # score only the filtered items (explicit toggle)
    stops: list[date | None] = field(default_factory=lambda: [None])  # as-of dates; None: all
    stop: int = 0
    lens: str | None = None  # whose ratings are shown (an analyst); None: the case's own
    reveal: bool = False  # show the others' votes on cells you have not rated (anchoring)

    @property
    def as_of(self) -> date | None:
        return self.stops[self.stop] if self.stops else None

    def judged_on(self) -> date:
        """The day overdue is judged and an observation dated: the as-of date when one is
        set (a 1993 case read as of 1993), else today."""
        return self.as_of or date.today()

    def start(self, stops: list[date | None]) -> None:
        """A case opened: no filter, every item scored, all dates."""
        self.filter_query = ""
        self.score_shown = False
        self.stops = stops
        self.stop = len(stops) - 1

    def keep_date(self, stops: list[date | None]) -> None:
        """The case's dates changed: stay at the as-of date if it still exists, else show all."""
        current = self.as_of
        self.stops = stops
        self.stop = stops.index(current) if current in stops else len(stops) - 1

    def cycle_model(self) -> None:
        self.model = next_model(self.model)

    def cycle_sort(self, team: bool = False) -> None:
        self.sort = next_sort(self.sort, team)

    def step(self, step: int) -> bool:
        """Move the as-of date ``step`` stops; False when already at the end."""
        new = max(0, min(self.stop + step, len(self.stops) - 1))
        moved = new != self.stop
        self.stop = new
        return moved
