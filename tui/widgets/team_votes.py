"""The detail pane's team section: every analyst's vote and note on the focused item,
the team's consensus and disagreement per cell, and your vote against the team's.
Votes on a cell you have not rated stay hidden (anchoring) unless asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from rich.text import Text

from hypotheses.scoring import NUMERIC
from hypotheses.team import cell_notes, consensus, disagreement, votes
from hypotheses.visible import visible
from tui.widgets.matrix import RATING_STYLES
from tui.widgets.note_text import NOTE_INDENT, indented

if TYPE_CHECKING:
    from rich.console import Console

    from hypotheses.models import Evidence, Hypothesis


def versus(mine: str | None, team: str | None) -> str:
    """'you C vs team CC (team higher)': your vote against the team's consensus."""
    if mine is None:
        return "you have not rated it"
    if team is None or mine == team:
        return f"you {mine}, as the team"
    if mine == "NA" or team == "NA":
        return f"you {mine} vs team {team}"
    side = "higher" if NUMERIC[team] > NUMERIC[mine] else "lower"
    return f"you {mine} vs team {team} (team {side})"


def describe_votes(ev: Evidence, hyps: list[Hypothesis], analysts: list[str], me: str | None,
                   hides: Callable[[Mapping[str, str]], bool], column: str | None,
                   wrap: tuple[Console, int] | None = None) -> Text:
    """Everyone's vote and note per hypothesis (pure: tested without a screen); ``wrap``: as
    the pane's (:func:`~tui.widgets.note_text.indented`), so a note wraps under its author."""
    out = Text()
    out.append("\nVotes (team)\n", style="bold underline")
    for hyp in hyps:
        cell = votes(ev, hyp.id, analysts)
        out.append("▸ " if hyp.id == column else "  ", style="bold")
        out.append(f"{hyp.id:<4}", style="bold" if hyp.id == column else "")
        if not cell:
            out.append(" no votes\n", style="dim")
            continue
        if hides(cell):
            out.append(f" {len(cell)} vote{'s' if len(cell) != 1 else ''} hidden until you rate it "
                       "(v shows)\n", style="italic")
            continue
        team = consensus(cell.values())
        if team is not None:
            out.append(" team ")
            out.append(f"{team:<2}", style=RATING_STYLES[team])
        # one analyst alone agrees with no one: 'agree (0.00)' claimed a consensus of one
        spread = "one vote so far" if len(cell) == 1 else disagreement(cell.values()).text
        out.append(f"  {spread}\n")
        out.append("       ")
        out.append(" · ".join(f"{who} {code}" for who, code in cell.items()))
        out.append("\n")
        if me is not None:
            out.append(f"       {versus(cell.get(me), team)}\n", style="italic")
        for who, note in cell_notes(ev, hyp.id, analysts).items():
            signed = Text.assemble((f"{who}: ", "bold"), (visible(note, lines=True), "italic"))
            out.append_text(indented(signed, NOTE_INDENT, wrap))
            out.append("\n")
    return out
