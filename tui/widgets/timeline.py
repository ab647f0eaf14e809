"""The as-of timeline: where the replay stands and how the leader's score moved.

A one-line sparkline of the current leader's score at every stop (each
distinct known date, then "all"), the current stop highlighted, and how many
undated items count at every stop. The series comes from ``hypotheses.replay``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from hypotheses.scoring_models import scoring_model

if TYPE_CHECKING:
    from tui.shown import Shown

BLOCKS = "▁▂▃▄▅▆▇█"
MIN_WINDOW = 8  # stops shown around the current one when the line cannot hold them all


def sparkline(values: list[float], current: int, width: int | None = None) -> Text:
    """Block characters scaled between the series' min and max; ``current`` reversed.

    ``width``: at most that many stops, a window around the current one (``…`` where
    it is cut), still scaled over the whole series. Three spans (before, at and
    after the current stop), not one per stop: a case with hundreds of dates is
    drawn on every key, and each span costs a render.
    """
    if not values:
        return Text("")
    lo, hi = min(values), max(values)
    top = len(BLOCKS) - 1
    start, end = 0, len(values)
    if width is not None and len(values) > width:
        width = max(width, 3)
        start = min(max(0, current - width // 2), len(values) - width)
        end = start + width
    shown = values[start:end]
    if hi - lo < 1e-12:
        blocks = BLOCKS[0] * len(shown)
    else:
        blocks = "".join(BLOCKS[round((v - lo) / (hi - lo) * top)] for v in shown)
    if start > 0:
        blocks = "…" + blocks[1:]
    if end < len(values):
        blocks = blocks[:-1] + "…"
    at = current - start
    out = Text(no_wrap=True)
    out.append(blocks[:at], style="#5a7fa8")
    out.append(blocks[at:at + 1], style="bold reverse")
    out.append(blocks[at + 1:], style="#5a7fa8")
    return out


class Timeline(Widget):
    """One line: as-of date, the stop count, the sparkline, the leader; bound to
    ``MainScreen.shown``."""

    shown: var[Shown | None] = var(None, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")
        self._shown: tuple[list[date | None], int, list[float], list[str], str, int] | None = None

    def watch_shown(self, shown: Shown | None) -> None:
        view = shown.session.view if shown is not None else None
        if view is None or view.analysis is None:
            return  # no case: the line keeps what it showed
        state = view.state
        self.show(state.stops, state.stop, view.leader_series(), view.leaders(), state.model,
                  undated=view.analysis.undated_used)

    def show(
        self,
        stops: list[date | None],
        current: int,
        values: list[float],
        leaders: list[str],
        model: str,
        undated: int = 0,
    ) -> None:
        self._shown = (stops, current, values, leaders, model, undated)
        as_of = stops[current] if stops else None
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("As of ", style="bold")
        text.append(as_of.isoformat() if as_of else "all dates", style="bold")
        text.append(f"  [{current + 1}/{len(stops)}]  ")
        if undated:
            text.append(f"{undated} undated count at every date  ", style="dim")
        tail = Text()
        if leaders and values:
            value = values[current]
            shown = scoring_model(model).format_score(value)
            who = "leader" if len(leaders) == 1 else "leaders"  # a tie names every leader
            tail.append(f"  {who} {', '.join(leaders)}: {shown}")
        tail.append("   [ ] step dates", style="dim")
        width = self.content_region.width
        window = None
        if width and len(values) > width - text.cell_len:
            # the whole line would go to a second line no one sees (hundreds of dates):
            # the stops around the current one, and the leader after them
            window = max(MIN_WINDOW, width - text.cell_len - tail.cell_len)
        text.append_text(sparkline(values, current, window))
        text.append_text(tail)
        if text != self._text:  # a sort or filter leaves it as it was: no redraw
            self._text = text
            self.refresh()

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def render(self) -> Text:
        return self._text
