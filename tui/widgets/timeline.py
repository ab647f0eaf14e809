"""The as-of timeline: where the replay stands and how the leader's score moved.

A one-line sparkline of the current leader's score at every stop (each
distinct known date, then "all"), the current stop highlighted, and how many
undated items count at every stop. The series comes from ``hypotheses.replay``.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from hypotheses.scoring_models import MODELS, scoring_model
from hypotheses.separation import top_note
from hypotheses.summary import leader_words

if TYPE_CHECKING:
    from tui.case_view import CaseView, SeriesAsk
    from tui.shown import Shown

BLOCKS = "▁▂▃▄▅▆▇█"
MIN_WINDOW = 8  # stops shown around the current one when the line cannot hold them all
STEP_HINT = "   [ ] step dates"
Words = tuple[str, str, str]  # the top as the verdict names it: (words, short words, short with few names)


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
    ``MainScreen.shown``.

    A line that takes a whole replay of a large case (the case just opened, another
    model, an item added) is worked out in a worker thread, the line showing Textual's
    loading meanwhile: the case, the ranking and the matrix show without waiting for
    it, and keys act while it is worked out. Only the line asked for last is drawn
    (one asked for before it is dropped when it comes); a line that is already worked
    out or quick to work out (a few items patched) is drawn at once, with the rest.
    """

    #: Above this many cells (items × hypotheses), a whole replay is a worker's job.
    WORKER_CELLS: ClassVar[int] = 20_000

    shown: var[Shown | None] = var(None, init=False)

    class SeriesReady(Message):
        """A worker worked out the line ``ask`` named."""

        def __init__(self, ask: SeriesAsk, series: list[float]) -> None:
            super().__init__()
            self.ask = ask
            self.series = series

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")
        self._width = 0  # the width the line was made for
        self._shown: tuple[list[date | None], int, list[float], Words, str, int] | None = None
        self._wanted: SeriesAsk | None = None  # the line being worked out for the view on show
        self._line: tuple[list[date | None], int, Words, str, int] | None = None  # and the rest
        self._warm_up_due = False  # a case was opened: the other models' lines after its own

    def watch_shown(self, shown: Shown | None) -> None:
        view = shown.session.view if shown is not None else None
        self._wanted = None  # whatever a worker brings now is stale
        if view is None or view.analysis is None:
            self.loading = False
            if view is not None and view.case is None and self._shown is not None:
                # no case open (the last one deleted): no line of a case that is gone
                self._shown, self._text = None, Text("")
                self.refresh()
            return
        state = view.state
        a = view.analysis
        note = top_note(a, state.model)  # once: for a lone leader it may scan the items
        words = (leader_words(a, state.model, note=note), leader_words(a, state.model, short=True, note=note),
                 leader_words(a, state.model, note=note, few=True))
        line = (state.stops, state.stop, words, state.model, view.analysis.undated_used)
        ask = view.series_ask()
        series = [] if ask is None else view.series_now(ask, self.WORKER_CELLS)
        if series is None:
            assert ask is not None
            self._wanted, self._line = ask, line
            self.loading = True
            # started once the frame with the case is drawn: a worker thread holding the
            # interpreter while that frame is laid out would only delay it
            self.call_after_refresh(self._work_out, view, ask)
            return
        self.loading = False
        self._draw(line, series)
        if self._warm_up_due:
            self.call_after_refresh(self._warm_up)

    def _work_out(self, view: CaseView, ask: SeriesAsk) -> None:
        if ask is self._wanted:  # not overtaken while the frame was drawn
            self.run_worker(partial(self._series_worker, view, ask), group="timeline",
                            thread=True, description=f"leader line, {ask.model}")

    def _series_worker(self, view: CaseView, ask: SeriesAsk) -> None:
        """In a worker thread: the line, handed back to the widget as a message."""
        self.post_message(self.SeriesReady(ask, view.series_of(ask)))

    @on(SeriesReady)
    def _series_ready(self, message: SeriesReady) -> None:
        message.stop()
        if message.ask is not self._wanted or self._line is None:
            return  # the view moved on: the line it wants is on its way or drawn
        self._wanted = None
        self.loading = False
        self._draw(self._line, message.series)
        if self._warm_up_due:
            self.call_after_refresh(self._warm_up)

    def warm_up(self) -> None:
        """A case was just opened: once its line is drawn, work out the other models'
        lines too, so the first m does not wait for them (in a worker when they take a
        whole replay of a large case)."""
        self._warm_up_due = True
        if self._wanted is None:
            self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        view = self.shown.session.view if self.shown is not None else None
        if not self._warm_up_due or self._wanted is not None or view is None:
            return  # done already, or after the line the view is waiting for
        self._warm_up_due = False
        asks = [ask for model in MODELS if model != view.state.model
                and (ask := view.series_ask(model)) is not None
                and view.series_now(ask, self.WORKER_CELLS) is None]
        if asks:
            self.run_worker(partial(self._warm_up_worker, view, asks), group="timeline-warm-up",
                            thread=True, description="the other models' leader lines")

    @staticmethod
    def _warm_up_worker(view: CaseView, asks: list[SeriesAsk]) -> None:
        for ask in asks:
            view.series_of(ask)

    def _draw(self, line: tuple[list[date | None], int, Words, str, int], series: list[float]) -> None:
        stops, stop, leaders, model, undated = line
        self.show(stops, stop, series, leaders, model, undated=undated)

    def show(
        self,
        stops: list[date | None],
        current: int,
        values: list[float],
        leaders: Words,
        model: str,
        undated: int = 0,
    ) -> None:
        self._shown = (stops, current, values, leaders, model, undated)
        text = self._line_text(self.content_region.width)
        if text != self._text:  # a sort or filter leaves it as it was: no redraw
            self._text = text
            self.refresh()

    def _line_text(self, width: int) -> Text:
        """The line for the width it is drawn at (0: not placed yet, as under the loading
        indicator); the ``_width`` it was made for is kept with it.

        The top's words and its score are never cut (a list cut after 'H1,' would name a
        leader the verdict does not; 'leader H2:' without its score says nothing of how
        firm): when the line is narrow the step hint goes first, then the long words and
        the long undated note give way to short ones, then the sparkline narrows to a
        window of the stops around this one and, last, goes; a band too wide even then
        takes the undated count's place, and one too wide for the line alone is named by its
        first few and how many more ('≈ H1, H2, H3, H4, H5 and 10 more'), the rest of the
        line coming back if that leaves room for it. Then the head gives way, the stop count
        first ('[9/13]'), then 'As of' (the date one space from the words) and, last of all,
        the date: beside the detail pane at 80 columns the line has 38 columns and the whole
        head took 26 of them, so the score went ('leader H2:')."""
        assert self._shown is not None
        stops, current, values, leaders, model, undated = self._shown
        self._width = width
        as_of = stops[current] if stops else None
        day = as_of.isoformat() if as_of else "all dates"
        dated = len(stops) > 1  # else [ and ] have nowhere to go
        count = f"  [{current + 1}/{len(stops)}]  " if dated else "  (no dated items)  "
        head = self._head(day, after=count)
        notes = (f"{undated} undated count at every date  ", f"{undated} undated  ") if undated else ("", "")
        long_words, short_words, few_words = leaders
        line = self._fitted(head, notes, (long_words, short_words), width, dated)
        if width and line.cell_len > width and few_words != short_words:
            line = self._fitted(head, notes, (few_words, few_words), width, dated)
        # the head gives way, in this order; the number: how many of the tail's two spaces go
        for head, closer in ((self._head(day), 0), (self._head(day, ""), 1), (Text(), 2)):
            if not width or line.cell_len <= width:
                break
            tail = self._tail(few_words, values, current, model, hint=False)
            line = self._joined(head, "", Text(), tail[closer:])
        return line

    @staticmethod
    def _head(day: str, as_of: str = "As of ", after: str = "") -> Text:
        """The line's head: where the replay stands (bold), and the stop count after it."""
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(as_of, style="bold")
        head.append(day, style="bold")
        head.append(after)
        return head

    def _fitted(self, head: Text, notes: tuple[str, str], words: tuple[str, str], width: int,
                dated: bool) -> Text:
        """The line with the first of the ways (long or short words, notes, hint, the whole
        sparkline or a window of it) that fits ``width``; else the short words alone, which
        may not."""
        assert self._shown is not None
        _, current, values, _, model, _ = self._shown
        long_words, short_words = words
        ways = ((long_words, notes[0], True), (long_words, notes[0], False), (short_words, notes[0], True),
                (short_words, notes[0], False), (long_words, notes[1], False), (short_words, notes[1], False))
        for windowed in (False, True):  # the whole sparkline if any way holds it, else a window
            for text, note, hint in ways:
                tail = self._tail(text, values, current, model, hint=hint and dated)
                room = width - head.cell_len - cell_len(note) - tail.cell_len
                if not width or len(values) <= room:
                    return self._joined(head, note, sparkline(values, current), tail)
                if windowed and room >= MIN_WINDOW:  # hundreds of dates: the stops around this one
                    return self._joined(head, note, sparkline(values, current, room), tail)
        tail = self._tail(short_words, values, current, model, hint=False)
        # no room for a sparkline at all; a wide band's names before the undated count
        note = notes[1] if head.cell_len + cell_len(notes[1].rstrip()) + tail.cell_len <= width else ""
        return self._joined(head, note, Text(), tail)

    @staticmethod
    def _joined(head: Text, note: str, spark: Text, tail: Text) -> Text:
        out = head.copy()
        if not spark and not note:
            out.rstrip()  # the tail brings its own two spaces
        out.append(note if spark else note.rstrip(), style="dim")
        out.append_text(spark)
        out.append_text(tail)
        return out

    @staticmethod
    def _tail(words: str, values: list[float], current: int, model: str, *, hint: bool = True) -> Text:
        tail = Text()
        if words and values:
            score = scoring_model(model).format_score(values[current])
            # '≈ H1, H2, H5, H6: -0.71' read as if all four scored it: the score is the top's
            tail.append(f"  {words}: {'top ' if words.startswith('≈') else ''}{score}")
        if hint:
            tail.append(STEP_HINT, style="dim")
        return tail

    def render(self) -> Text:
        """The line as last shown, made again for the width it is drawn at if that differs
        from the one it was made for (drawn while loading or before a resize: never cut)."""
        width = self.content_region.width
        if self._shown is not None and width != self._width:
            self._text = self._line_text(width)
        return self._text
