"""A note as the detail pane draws it (tui.widgets.note_text): wrapped under its first line,
at any width, with nothing of it lost."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from tui.widgets.note_text import NOTE_INDENT, indented


@pytest.mark.parametrize("width", [1, 5, 7, 8, 9, 10, 12, 40])
@pytest.mark.parametrize("note", ["漢字漢字🙂x", "a\tb\tc wide words", "x\u200by\u200bz end", "one\n\nthree"])
def test_a_note_keeps_every_character_at_every_width(width: int, note: str) -> None:
    """At a width leaving one column for the note (a narrow pane), each wide character
    (a CJK one, an emoji: two columns) was dropped: '漢字漢字🙂x' showed as 'x'."""
    drawn = indented(Text(note), NOTE_INDENT, (Console(width=200), width))
    lines = drawn.split("\n", allow_blank=True)
    assert all(line.plain.startswith(" " * NOTE_INDENT) for line in lines)
    kept = "".join(line.plain[NOTE_INDENT:] for line in lines)
    assert [c for c in kept if not c.isspace()] == [c for c in note if not c.isspace()]
