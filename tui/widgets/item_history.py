"""One evidence item's audit trail, for the detail pane: every change, newest first.

Read from the store's history (``Store.history(case_id)``), so it shows exactly
what was recorded: when, what, and the old and new values. User text goes in
as ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

from hypotheses.visible import visible

if TYPE_CHECKING:
    from evidence.operations import Operation
    from hypotheses.models import Evidence
    from tui.case_view import CaseView

SHOWN = 30  # the newest changes listed; older ones are counted


HIDDEN = "hidden until you rate it (v shows)"


def item_history_text(records: Sequence[Operation], eid: str, limit: int = SHOWN,
                      hidden: Callable[[Operation], bool] | None = None) -> Text:
    """The 'History' block for item ``eid`` (pure, so it is tested without a screen); a
    record ``hidden`` says is another's vote on a cell whose votes are hidden from you
    (anchoring) is listed without its values."""
    # Here, not at import: its wording works on the journal's records, and the workbench's
    # shell draws before the store (in a worker) loads them.
    from evidence.history import change_text, evidence_history, when

    mine = evidence_history(list(records), eid)
    out = Text()
    out.append("History", style="bold underline")
    out.append(f"  {len(mine)} change{'s' if len(mine) != 1 else ''}\n" if mine else "\n")
    if not mine:
        out.append("No recorded change to this item since the case was created or imported.\n",
                   style="italic")
        return out
    for rec in reversed(mine[-limit:]):
        out.append(when(rec).removesuffix(" UTC")[:16], style="dim")
        out.append("  ")
        out.append(visible(masked(rec) if hidden is not None and hidden(rec) else change_text(rec)))
        out.append("\n")
    older = len(mine) - limit
    if older > 0:
        out.append(f"… and {older} older change{'s' if older > 1 else ''} "
                   "(weigh export --format md --history lists them all)\n", style="dim")
    return out


def hidden_votes(view: CaseView, items: Iterable[Evidence] | None) -> Callable[[Operation], bool]:
    """Whether a record is another's vote on a cell of ``items`` (as stored) whose votes are
    hidden from you (anchoring): a history must not show what the matrix hides."""
    from evidence.operations import Rate
    from hypotheses.team import votes

    stored = {ev.id: ev for ev in items or ()}

    def hidden(rec: Operation) -> bool:
        return (isinstance(rec, Rate) and rec.analyst != view.me and rec.id in stored
                and view.hides(votes(stored[rec.id], rec.hyp)))
    return hidden


def masked(rec: Operation) -> str:
    """A vote's record without its values: who rated which cell."""
    from evidence.operations import Rate

    who = f" (by {rec.analyst})" if rec.analyst else ""
    cell = f" {rec.id} × {rec.hyp}" if isinstance(rec, Rate) else ""
    return f"rating{cell}{who}: {HIDDEN}"


def history_block(records: Sequence[Operation] | str | int, eid: str | None,
                  hidden: Callable[[Operation], bool] | None = None) -> Text:
    """The detail pane's 'History' block for item ``eid`` (None: nothing selected, so
    nothing); a string is why the trail cannot be read, a number how many of its records
    are still being read."""
    if isinstance(records, int):
        text = Text("History", style="bold underline")
        what = "the recorded change" if records == 1 else f"the {records:,} recorded changes"
        text.append(f"  reading {what}…\n", style="dim italic")
        return text
    if isinstance(records, str):
        text = Text("History", style="bold underline")
        text.append("\n")
        text.append(visible(records), style="red")
        return text
    return item_history_text(records, eid, hidden=hidden) if eid is not None else Text()
