"""The last guard between user text and the terminal: no control character is ever drawn.

Widgets show user text through :func:`hypotheses.visible.visible`, which turns
each control character into a visible stand-in. This line filter, applied by
the app to every line every widget renders (inputs and notifications
included), drops any that a widget did not convert, so an ``ESC`` in user text
can never reach the terminal. The characters it drops take no cells, so the
layout is unchanged.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from hypotheses.visible import without_controls


class DropControls(LineFilter):
    """Remove control characters from the text of rendered segments."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out: list[Segment] | None = None
        for i, seg in enumerate(segments):
            if seg.control is None:
                clean = without_controls(seg.text)
                if clean is not seg.text:
                    if out is None:
                        out = list(segments)
                    out[i] = Segment(clean, seg.style)
        return segments if out is None else out
