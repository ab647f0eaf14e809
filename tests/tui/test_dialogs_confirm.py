"""The confirm screen: y/enter confirm, n/escape cancel, the message shown literally."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.tui.host import Host
from tui.screens.confirm import ConfirmScreen

MESSAGE = "Delete E3 “[bold]Bucha[/] [@click=app.quit]x[/]” 🕯?"


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
    app = Host(lambda: ConfirmScreen(MESSAGE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [answer]


async def test_message_shown_literally() -> None:
    app = Host(lambda: ConfirmScreen(MESSAGE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#confirm-message", Static).render()) == MESSAGE
        assert app.is_running
