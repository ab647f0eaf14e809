"""The forms the workbench opens to make an edit, by name (``form`` keys).

Each is made from the edit session and the matrix's cursor: the form, and the
edit its answer makes. The form's module is imported when first opened, which
keeps it off the start-up path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.case_view import Change, Focus
    from tui.edit_session import EditSession


@dataclass(frozen=True)
class Asked:
    """A form and the edit its answer makes; ``refocus``: the matrix takes the focus after
    (not when the edit puts the cursor somewhere itself)."""

    dialog: Screen[Any]
    edit: Callable[[Any], Change]
    refocus: bool = True


def add_evidence(session: EditSession, focus: Focus) -> Asked:
    """A new item (``a``)."""
    from tui.screens.evidence_form import EvidenceForm

    case = session.view.require()
    return Asked(EvidenceForm(case.hypotheses, None, session.next_evidence_id(),
                              groups=session.view.groups(), analyst=team_analyst(session)),
                 session.add_evidence)


def team_analyst(session: EditSession) -> str | None:
    """Who rates a team case here (the evidence form then leaves rating to the matrix)."""
    return (session.view.me or "") if session.view.team else None


def add_hypothesis(session: EditSession, focus: Focus) -> Asked:
    """A new hypothesis (``A``); the cursor stays on its item."""
    from tui.screens.hypothesis_form import HypothesisForm

    eid = focus[0]
    return Asked(HypothesisForm(None, session.next_hypothesis_id()),
                 lambda hyp: session.add_hypothesis(hyp, eid))


def case_details(session: EditSession, focus: Focus) -> Asked:
    """The case's title, question, description and conclusion (``D``)."""
    from tui.screens.case_details_form import CaseDetailsForm

    old = session.view.require().info
    return Asked(CaseDetailsForm(old), lambda new: session.update_case_info(old, new, focus),
                 refocus=False)


FORMS: dict[str, Callable[[EditSession, Focus], Asked]] = {
    "add_evidence": add_evidence,
    "add_hypothesis": add_hypothesis,
    "case_details": case_details,
}

__all__ = ["FORMS", "Asked", "team_analyst"]
