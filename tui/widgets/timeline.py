"""The as-of timeline: where the replay stands and how the leader's score moved.

A one-line sparkline of the current leader's score at every stop (each
distinct known date, then "all"), the current stop highlighted, and how many
undated items count at every stop. The series comes from ``hypotheses.replay``.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widget import Widget

from hypotheses.scoring_models import scoring_model

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], current: int) -> Text:
    """Block characters scaled between the series' min and max; ``current`` reversed.

    Three spans (before, at and after the current stop), not one per stop: a case
    with hundreds of dates is drawn on every key, and each span costs a render.
    """
    if not values:
        return Text("")
    lo, hi = min(values), max(values)
    top = len(BLOCKS) - 1
    if hi - lo < 1e-12:
        blocks = BLOCKS[0] * len(values)
    else:
        blocks = "".join(BLOCKS[round((v - lo) / (hi - lo) * top)] for v in values)
    out = Text(no_wrap=True)
    out.append(blocks[:current], style="#5a7fa8")
    out.append(blocks[current:current + 1], style="bold reverse")
    out.append(blocks[current + 1:], style="#5a7fa8")
    return out


class Timeline(Widget):
    """One line: as-of date, the stop count, the sparkline, the leader."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def show(
        self,
        stops: list[date | None],
        current: int,
        values: list[float],
        leaders: list[str],
        model: str,
        undated: int = 0,
    ) -> None:
        as_of = stops[current] if stops else None
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("As of ", style="bold")
        text.append(as_of.isoformat() if as_of else "all dates", style="bold")
        text.append(f"  [{current + 1}/{len(stops)}]  ")
        if undated:
            text.append(f"{undated} undated count at every date  ", style="dim")
        text.append_text(sparkline(values, current))
        if leaders and values:
            value = values[current]
            shown = scoring_model(model).format_score(value)
            who = "leader" if len(leaders) == 1 else "leaders"  # a tie names every leader
            text.append(f"  {who} {', '.join(leaders)}: {shown}")
        text.append("   [ ] step dates", style="dim")
        if text != self._text:  # a sort or filter leaves it as it was: no redraw
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text
