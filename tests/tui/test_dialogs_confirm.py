"""The confirm screen: y/enter confirm, n/escape cancel, the message shown literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

import tui
from tui.screens.confirm import ConfirmScreen

FORMS_TCSS = Path(tui.__file__).parent / "forms.tcss"
MESSAGE = "Delete E3 “[bold]Bucha[/] [@click=app.quit]x[/]” 🕯?"


class Host(App[None]):
    CSS_PATH = FORMS_TCSS

    def __init__(self) -> None:
        super().__init__()
        self.results: list[bool] = []

    def on_mount(self) -> None:
        self.push_screen(ConfirmScreen(MESSAGE), self.results.append)


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        (["y"], True),
        (["enter"], True),
        (["n"], False),
        (["escape"], False),
        (["tab", "enter"], False),  # enter on the focused "No" button
        (["q", "x", "y"], True),  # other keys do nothing
    ],
)
async def test_keys_answer(keys: list[str], answer: bool) -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [answer]


async def test_message_shown_literally() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#confirm-message", Static).render()) == MESSAGE
        assert app.is_running
