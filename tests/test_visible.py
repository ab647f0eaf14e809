"""hypotheses.visible: control characters in user text are shown, never obeyed."""

from __future__ import annotations

from hypotheses.visible import visible, without_controls


def test_escape_sequences_become_visible_symbols() -> None:
    assert visible("\x1b]2;pwned\x07") == "␛]2;pwned␇"
    assert visible("\x1b[31mred") == "␛[31mred"
    assert visible("a\x00b\x7fc") == "a␀b␡c"


def test_c1_controls_and_direction_overrides_are_spelled_out() -> None:
    assert visible("x\x9b31m") == "x\\x9b31m"  # a one-byte CSI to some terminals
    assert visible("abc\u202edcba") == "abc\\u202edcba"


def test_one_line_places_show_newlines_and_tabs_multi_line_places_keep_them() -> None:
    assert visible("a\nb\tc\r") == "a␊b␉c␍"
    assert visible("a\nb\tc\r\x1b", lines=True) == "a\nb\tc␍␛"


def test_plain_text_is_returned_as_is() -> None:
    text = "Istanbul, March 2022 — «talks» [bold]not markup[/] 🏺"
    assert visible(text) is text
    assert without_controls(text) is text


def test_without_controls_drops_what_takes_no_cells() -> None:
    assert without_controls("a\x1b[31mb\x07\u202e") == "a[31mb"
