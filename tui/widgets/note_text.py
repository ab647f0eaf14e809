"""A rating's note as the detail pane draws it: every line under the first one's text.

Its own module because the pane and its team section (loaded for team cases only)
both draw notes, and neither may import the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

NOTE_INDENT = 7  # a note starts under its rating's code: '▸ H1   I   inconsistent'
#: the fewest columns a note is wrapped into: a wide character (CJK, an emoji) takes two,
#: and wrapped into one it was dropped; narrower, the pane wraps the lines as they are
WIDEST = 2


def indented(text: Text, indent: int, wrap: tuple[Console, int] | None = None) -> Text:
    """``text`` with every line, its own or wrapped, starting ``indent`` cells in: wrapped by
    the pane, a note's second line went back to the left edge, under the rating codes, and
    read as the next rating. ``wrap``: a console and the width the text is drawn at (the
    pane wraps nothing then); without it (not laid out yet) only the text's own lines are."""
    room = wrap[1] - indent if wrap is not None else 0
    lines = (text.wrap(wrap[0], room) if wrap is not None and room >= WIDEST
             else text.split("\n", allow_blank=True))
    pad = " " * indent
    out = Text()
    for n, line in enumerate(lines):
        line.rstrip()
        out.append("\n" if n else "")
        out.append(pad)
        out.append_text(line)
    return out
