"""A grid cell drawn without Rich's layout (tui.widgets.cell_line) is drawn as Rich draws it:
the same characters in the same styles, for styled, spanned, wide and cut texts."""

from __future__ import annotations

from itertools import product

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text

from tui.widgets.cell_line import fit, line_segments

CONSOLE = Console(width=200, color_system="truecolor")
PLAINS = ["", "a", "C*", "0.00", "  lead and trail  ", "fold this long title here",
          "日本語テキスト", "a日b", "ab日", "x   ", "😀 emoji 😀", "mixé ünïcode"]
STYLES = ["", "bold #ffffff on #1a7f37"]
JUSTIFY = [None, "left", "center", "right", "full"]
OVERFLOW = [None, "crop", "ellipsis"]
WIDTHS = [1, 3, 4, 7, 14]


def rich_line(text: Text, width: int) -> list[Segment]:
    options = CONSOLE.options.update(width=width, max_width=width, height=1, no_wrap=True)
    return CONSOLE.render_lines(text, options, pad=True)[0]


def spanned(plain: str, style: str, spans: int) -> Text:
    """No spans; one in the middle (a team cell's mark); overlapping ones, one to the end."""
    text = Text(plain, style=style)
    if spans >= 1:
        text.stylize("bold underline", 1, 3)
    if spans >= 2:
        text.stylize(Style(italic=True, color="red"), 0, 2)
        text.stylize("on #303030", 2)
    return text


def test_every_cell_is_drawn_as_rich_draws_it() -> None:
    for plain, style, spans, justify, overflow, width in product(
            PLAINS, STYLES, range(3), JUSTIFY, OVERFLOW, WIDTHS):
        text = spanned(plain, style, spans)
        text.justify, text.overflow = justify, overflow  # type: ignore[assignment]
        case = (plain, style, spans, justify, overflow, width)
        assert line_segments(text, width, CONSOLE) == rich_line(text, width), case


def test_a_text_only_rich_can_lay_out_is_left_to_it() -> None:
    """Tabs, line breaks and control characters change what Rich draws; a text may say it
    wraps; spans past the text or empty draw empty pieces: none is guessed at."""
    assert fit(Text("a\tb"), 8) is None
    assert fit(Text("a\nb"), 8) is None
    assert fit(Text("a\x1bb"), 8) is None
    assert fit(Text("a b", no_wrap=False), 8) is None
    assert fit(Text("a b", overflow="ignore"), 8) is None
    assert line_segments(Text("ab", spans=[Span(0, 5, "bold")]), 8, CONSOLE) is None
    assert line_segments(Text("ab", spans=[Span(1, 1, "bold")]), 8, CONSOLE) is None
    assert fit(Text("a b"), 8) == ("a b", 0, 3)
