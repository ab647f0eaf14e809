"""Keys typed faster than the workbench draws (issue 22, bug 3): every key reaches the
widget that would have had it had the user waited, in order. The keys are posted to the
app all at once, as a terminal delivers a burst, with no pause between them."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widgets import Input, OptionList, TextArea

from tests.tui.conftest import until
from tui.screens.evidence_form import EvidenceForm


def burst(app: App[object], keys: str | list[str]) -> None:
    """Post every key to the app before it handles the first (a terminal's burst)."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


async def test_text_typed_at_once_after_tab_lands_in_the_next_field(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        burst(app, ["a", *"TitleX", "tab", *"DetailsY"])
        await until(pilot, lambda: isinstance(app.screen, EvidenceForm)
                    and app.screen.query_one("#details", TextArea).text == "DetailsY",
                    "the details typed after tab")
        assert app.screen.query_one("#title", Input).value == "TitleX"


async def test_keys_typed_while_the_case_list_opens_move_in_it(tmp_path, make_app):
    from evidence.store import Store
    from hypotheses.models import Case

    db = tmp_path / "many.json"
    with Store.open(db) as store:
        for n in range(12):
            store.put_case(Case(id=f"case-{n:02}", title=f"Case {n}"))
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        burst(app, ["ctrl+o", *["down"] * 10])
        await until(pilot, lambda: isinstance(app.screen.focused, OptionList)
                    and app.screen.focused.highlighted is not None, "the case list")
        await pilot.pause()
        options = app.screen.query_one("#case-list", OptionList)
        start = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert options.highlighted is not None
        assert options.highlighted == min(10 + _opened_at(app, start), options.option_count - 1)


def _opened_at(app: App[object], ids: list[str | None]) -> int:
    """Where the list's cursor starts: on the case open now."""
    return ids.index(app.screen.current) if app.screen.current in ids else 0  # type: ignore[attr-defined]
