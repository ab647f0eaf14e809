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
    """Block characters scaled between the series' min and max; ``current`` reversed."""
    if not values:
        return Text("")
    lo, hi = min(values), max(values)
    out = Text(no_wrap=True)
    for i, v in enumerate(values):
        level = 0 if hi - lo < 1e-12 else round((v - lo) / (hi - lo) * (len(BLOCKS) - 1))
        out.append(BLOCKS[level], style="bold reverse" if i == current else "#5a7fa8")
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
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
