"""The read-only views the workbench opens over the case, by name (``open_view`` keys).

Each is made from the edit session, or says in a line why it cannot open; its
screen module is imported when first opened, which keeps it off the start-up path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypotheses.team import TEAM

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.edit_session import EditSession

#: A view from the session: its screen, why it cannot open (a warning), or None (nothing to show).
View = Callable[["EditSession"], "Screen[Any] | str | None"]


def separation(session: EditSession) -> Screen[Any] | str | None:
    """Which pairs of hypotheses the evidence tells apart (``T``)."""
    view = session.view
    if view.analysis is None:
        return None
    from tui.screens.separation_view import SeparationView
    from tui.widgets.ranking import filter_label

    return SeparationView(view.analysis, view.state.model, filter_label(view), view.state.judged_on())


def conclusion(session: EditSession) -> Screen[Any] | str | None:
    """The whole conclusion (``B``)."""
    from tui.screens.conclusion_view import ConclusionView

    case = session.view.require()
    return ConclusionView(case.conclusion, case.title)


def ranking_history(session: EditSession) -> Screen[Any] | str | None:
    """The verdict after every recorded change (``h``)."""
    if session.case_id is None:
        return None
    from tui.screens.ranking_history import RankingHistoryScreen

    return RankingHistoryScreen(session.store, session.case_id, session.view.state.model, session.view)


def analysts(session: EditSession) -> Screen[Any] | str | None:
    """Each analyst's leaders against the team's (``L``, a team case)."""
    view = session.view
    case = view.case
    if case is None:
        return None
    if not view.team:
        return "A one-analyst case: ctrl+t makes it a team case"
    from hypotheses.scoring import analyse
    from hypotheses.team import lens_case
    from tui.screens.analysts_view import AnalystsView

    team = (view.analysis if view.state.lens == TEAM and view.scored is view.seen
            and not view.hidden_cells else analyse(lens_case(case, TEAM), view.state.as_of))
    assert team is not None
    return AnalystsView(case, team, view.state.model)


VIEWS: dict[str, View] = {
    "separation": separation,
    "conclusion": conclusion,
    "ranking_history": ranking_history,
    "analysts": analysts,
}

__all__ = ["VIEWS", "View"]
