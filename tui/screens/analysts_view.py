"""Each analyst's leaders against the team's, under the model on show: whether the
analysts agree on the leader, and whose lens puts which hypothesis first.

Read-only; the words come from :mod:`hypotheses.team` (one wording with the reports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from hypotheses.scoring_models import scoring_model
from hypotheses.team import (
    agree_text,
    analysts_agree,
    analysts_concur,
    consensus_apart_text,
    top_of,
    tops_by_analyst,
    with_note,
)
from tui.screens.dialog import Dialog

if TYPE_CHECKING:
    from hypotheses.models import Case
    from hypotheses.scoring import Analysis


def leaders_text(case: Case, team: Analysis, model: str) -> Text:
    """'analysts disagree on the top score: ana H3 · ben H3 · chi H1', then one line per lens
    (pure: tested without a screen). ``team``: the team lens's analysis. A top the lens's
    verdict does not name a leader says why ('H1, H2 (not separated)'), and one only unequal
    priors make says so ('H1 on its prior (the evidence alone puts H2 first)')."""
    tops = tops_by_analyst(case, model, team.as_of)
    by = {a: t.ids for a, t in tops.items()}
    ours = top_of(team, model)
    joined = " · ".join(f"{a} {' = '.join(ids) or 'none'}" for a, ids in by.items())
    out = Text()
    if analysts_agree(by, ours.ids):  # the reports' words: one rule for who is named
        out.append(agree_text(ours.ids, ours.note, {a: t.note for a, t in tops.items()}) + "\n",
                   style="bold")
    elif analysts_concur(by):
        out.append(consensus_apart_text(by, ours.ids, ours.note) + "\n", style="bold #b3261e")
    else:
        out.append(f"analysts disagree on the top score: {joined}\n", style="bold #b3261e")
    out.append(f"\nLeaders under {scoring_model(model).short}\n", style="bold underline")
    # the names as wide as the longest (an id may have 32 characters): at 80 columns the
    # words after them, 'H1 on its prior (the evidence alone puts H2 first)', fit whole
    wide = max(len(who) for who in ("team", *tops)) + 2
    out.append(f"  {'team':<{wide}}{with_note(ours.ids, ours.note, ' = ', ours.alone)}\n", style="bold")
    for who, t in tops.items():
        same = "" if set(t.ids) == set(ours.ids) else "   ≠ team"
        out.append(f"  {who:<{wide}}{with_note(t.ids, t.note, ' = ', t.alone)}{same}\n")
    return out


class AnalystsView(Dialog[None]):
    """Whose lens puts which hypothesis first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "dismiss(None)", "Close", tooltip="Close the analysts' leaders"),
    ]

    def __init__(self, case: Case, team: Analysis, model: str) -> None:
        super().__init__()
        self.body = leaders_text(case, team, model)

    def compose(self) -> ComposeResult:
        with Vertical(id="analysts-view", classes="form-dialog -wide"):
            yield Static(Text("Analysts' leaders against the team's", style="bold"))
            yield Static(self.body, id="analysts-text")
            yield Static(Text("esc: close · l (on the workbench) switches the lens",
                              style="italic"), classes="dialog-keys")
