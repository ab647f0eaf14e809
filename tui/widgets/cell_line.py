"""One cell's text drawn on one line, as Rich draws it, without Rich's layout.

A grid draws hundreds of cells a frame, each a :class:`~rich.text.Text` cut or padded to
its column. Rich's ``Console.render_lines`` (options, wrap, join, render, crop) costs tens of
microseconds a cell; the text's characters and spans, justified and cut here by the same
steps, give the same segments for a few (``tests/tui/test_cell_line.py`` compares them
with Rich's for styled, spanned, wide and cut texts at every justify and overflow). A text
only Rich can lay out (tabs, line breaks, control characters, wrapping) is left to Rich.
"""

from __future__ import annotations

from itertools import pairwise

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

NULL = Style.null()


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def fit(text: Text, width: int) -> tuple[str, int, int] | None:
    """``text`` on one line ``width`` cells wide, as Rich justifies and cuts it: the
    line's characters (short of ``width`` only when not justified: Rich pads those
    unstyled), where the text's first character lands in it (after the spaces of a
    centred or right-justified text) and how many of the text's characters it keeps
    (its spans are cut to those). None when only Rich can say."""
    plain = text.plain
    if width < 1 or not plain.isprintable() or text.no_wrap is False:
        return None  # (a text may wrap only when it says so: the grid's cells never wrap)
    overflow = text.overflow or "fold"
    if overflow == "ignore":
        return None

    def cut(line: str) -> str:
        if _cells(line) <= width:
            return line
        return set_cell_size(line, width - 1) + "…" if overflow == "ellipsis" else set_cell_size(line, width)

    justify = text.justify or "default"
    if justify == "left":
        kept = cut(plain)
        return kept + " " * (width - _cells(kept)), 0, len(kept)
    if justify in ("center", "right"):
        kept = cut(plain.rstrip())
        room = width - _cells(kept)
        shift = room // 2 if justify == "center" else room
        return " " * shift + kept + " " * (room - shift), shift, len(kept)
    kept = cut(plain)  # "default", and "full", which leaves a text's last line as it is
    return kept, 0, len(kept)


def line_segments(text: Text, width: int, console: Console) -> list[Segment] | None:
    """The segments ``console.render_lines`` gives for ``text`` on one line ``width``
    cells wide (padded), or None when only Rich can say (see :func:`fit`)."""
    fitted = fit(text, width)
    if fitted is None:
        return None
    line, shift, kept = fitted
    spans = text.spans
    if any(span.end > len(text.plain) or span.start >= span.end for span in spans):
        return None  # spans empty or past the text: Rich draws empty pieces for them
    # the spans on the characters kept, moved with them; the text's own style covers the line
    layers = [(span.start + shift, min(span.end, kept) + shift, span.style)
              for span in spans if span.start < kept]
    segments: list[Segment] = []
    if not layers:
        if not text.style:
            segments.append(Segment(line))  # (even empty, as Rich gives it)
        elif line:
            segments.append(Segment(line, console.get_style(text.style, default=NULL)))
    else:
        if text.style:
            layers.insert(0, (0, len(line), text.style))
        styles = [console.get_style(style, default=NULL) for _, _, style in layers]
        edges = sorted({0, len(line), *(edge for start, end, _ in layers for edge in (start, end))})
        for start, end in pairwise(edges):
            on = [NULL, *(style for (first, last, _), style in zip(layers, styles, strict=True)
                          if first <= start and end <= last)]
            segments.append(Segment(line[start:end], Style.combine(on)))
    pad = width - _cells(line)
    if pad > 0:
        segments.append(Segment(" " * pad))
    return segments
