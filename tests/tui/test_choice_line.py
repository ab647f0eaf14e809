"""The choice line (credibility, relevance, kind, status) and the rating picker, by keys and clicks."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from hypotheses.vocabulary import KINDS
from tests.tui.conftest import screen_text
from tui.screens.dialog import FORMS_TCSS
from tui.widgets.choice_line import ChoiceLine
from tui.widgets.rating_picker import RatingPicker


class Lines(App[None]):
    CSS_PATH = FORMS_TCSS

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[tuple[str | None, str | None]] = []

    def compose(self) -> ComposeResult:
        yield ChoiceLine([(k, k) for k in KINDS], "report", id="kind")
        yield RatingPicker(None, id="rating")

    def on_choice_line_changed(self, event: ChoiceLine.Changed) -> None:
        self.changes.append((event.control.id, event.value))


async def test_type_ahead_steps_and_clicks_pick_a_kind() -> None:
    app = Lines()
    async with app.run_test(size=(80, 10)) as pilot:
        kind = app.query_one("#kind", ChoiceLine)
        assert app.focused is kind
        assert "fact [report] claim  assumption  absence" in screen_text(app)
        await pilot.press("a")  # the first word with that letter after the chosen one
        assert kind.value == "assumption"
        await pilot.press("a")  # again: the next one, round to the first
        assert kind.value == "absence"
        await pilot.press("a")
        assert kind.value == "assumption"
        await pilot.press("z", "1")  # no word starts so: nothing changes
        assert kind.value == "assumption"
        await pilot.press("home")
        assert kind.value == "fact"
        await pilot.press("left")  # the first stays the first
        assert kind.value == "fact"
        # a click on a word picks it: "claim" sits after the border, the padding and two words
        start = 1 + 1 + len(" fact ") + len(" report ")
        await pilot.click("#kind", offset=(start + 2, 1))
        assert kind.value == "claim"
        await pilot.press("right", "left", "left")
        assert kind.value == "report"
        await pilot.click("#kind", offset=(1 + 1 + 2, 1))
        assert kind.value == "fact"
        await pilot.pause()
        assert "[fact] report  claim" in screen_text(app)
    assert [value for who, value in app.changes if who == "kind"] == [  # each change once
        "assumption", "absence", "assumption", "fact", "claim", "assumption", "claim", "report", "fact"]


async def test_the_rating_picker_takes_the_matrix_keys_and_no_type_ahead() -> None:
    app = Lines()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.press("tab")
        picker = app.query_one("#rating", RatingPicker)
        assert app.focused is picker and picker.value is None
        await pilot.press("c")
        assert picker.value == "C"  # c is consistent, not the first word with a c
        await pilot.press("C")
        assert picker.value == "CC"
        await pilot.press("u")  # no type-ahead: "unrated" is backspace's
        assert picker.value == "CC"
        await pilot.press("backspace")
        assert picker.value is None
        await pilot.pause()
        assert "[unrated] CC  C  N  I  II  NA" in screen_text(app)


def test_a_value_that_is_not_a_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of the choices"):
        ChoiceLine([("low", "low"), ("high", "high")], "medium")
    line = ChoiceLine([("low", "low"), ("high", "high")], "low")
    line.value = "medium"  # a stray from the program keeps the choice before
    assert line.value == "low"
