"""A dialog's report lines as the report box wraps them (tui.widgets.report_box): the rest of
a long line under its own text, nothing lost, nothing past the box's edge at any width."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from tui.widgets.report_box import HANG, hanging


@pytest.mark.parametrize("width", [1, 3, 6, 9, 10, 12, 20, 40])
@pytest.mark.parametrize("line", [
    "  E12 loses: its notes on H1, H2, H3, H4, H5 and H6 (no place for them)",
    "漢字漢字漢字漢字漢字漢字 🙂🙂🙂 x",
    "nospacesatallinthislinewhichgoesonandonandon",
    "    deep: a b c d e f g h i j k l m n o p",
])
def test_a_report_line_keeps_every_character_within_the_box(width: int, line: str) -> None:
    """Narrower than the indent and the hang, the rest of a line was wrapped four cells wide
    anyway and ran past the box's edge: every row now fits, and no character is dropped."""
    rows = hanging(Text(line), Console(width=200), width)
    assert all(row.cell_len <= max(width, 2) for row in rows), [r.plain for r in rows]
    kept = "".join(row.plain for row in rows)
    assert [c for c in kept if not c.isspace()] == [c for c in line if not c.isspace()]


def test_a_long_line_goes_on_under_its_own_text() -> None:
    rows = hanging(Text("  E12 loses: its notes on H1, H2, H3 and H4"), Console(width=200), 24)
    assert [r.plain.rstrip() for r in rows] == [
        "  E12 loses: its notes", "      on H1, H2, H3 and", "      H4"]
    assert all(r.plain.startswith(" " * (2 + HANG)) for r in rows[1:])
