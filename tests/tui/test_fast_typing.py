"""Keys typed faster than the workbench draws (issue 22, bug 3): every key reaches the
widget that would have had it had the user waited, in order. The keys are posted to the
app all at once, as a terminal delivers a burst, with no pause between them."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widgets import Input, TextArea

from tests.tui.conftest import until
from tui.screens.evidence_form import EvidenceForm


def burst(app: App[object], keys: str | list[str]) -> None:
    """Post every key to the app before it handles the first (a terminal's burst)."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def test_text_typed_at_once_after_tab_lands_in_the_next_field(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, ["a", *"TitleX", "tab", *"DetailsY"])
        await until(pilot, lambda: isinstance(app.screen, EvidenceForm)
                    and app.screen.query_one("#details", TextArea).text == "DetailsY",
                    "the details typed after tab")
        assert app.screen.query_one("#title", Input).value == "TitleX"


async def test_a_title_typed_with_ctrl_o_n_lands_in_the_new_case_form(db_path, make_app):
    """The README's way to a case of one's own, typed at once: ctrl+o, n and the title.
    The title went to the case list behind the form while the form opened (ten downs
    after ctrl+o alone still reach the list without the fix: Textual checks bindings
    when the key comes back up, by which time the list has focus; text does not wait)."""
    from tui.screens.new_case_form import NewCaseForm

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, ["ctrl+o", "n", *"Minsk talks"])
        await until(pilot, lambda: isinstance(app.screen, NewCaseForm)
                    and app.screen.query_one("#case-title", Input).value == "Minsk talks",
                    "the title in the new case form")
