"""The hypothesis form, driven by keys through a tiny host app."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from hypotheses.models import Hypothesis
from tests.tui.host import Host, press_at_once, shown
from tui.screens.hypothesis_form import HypothesisForm


async def test_new_hypothesis_typed_and_saved() -> None:
    app = Host(lambda: HypothesisForm(new_id="H4"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused is app.screen.query_one("#title", Input)
        await press_at_once(pilot, *"Kyiv [bold]stalled[/]")  # each field's text typed fast
        await pilot.press("tab")
        await press_at_once(pilot, *"Moscow never meant it.")
        await pilot.press("tab", "end", "ctrl+u")
        await press_at_once(pilot, *"2.5", "ctrl+s")
        await pilot.pause()
    assert app.results == [
        Hypothesis(
            id="H4",
            title="Kyiv [bold]stalled[/]",
            description="Moscow never meant it.",
            prior=2.5,
        )
    ]


async def test_edit_keeps_id_and_shows_old_values() -> None:
    old = Hypothesis(id="H2", title="West pressed Kyiv", description="d", prior=0.5)
    app = Host(lambda: HypothesisForm(existing=old, new_id="H9"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Edit hypothesis H2" in shown(app, "#form-title")
        assert app.screen.query_one("#prior", Input).value == "0.5"
        assert app.screen.query_one("#description", TextArea).text == "d"
        await pilot.press("end", *" hard", "ctrl+s")
        await pilot.pause()
    assert app.results == [old.model_copy(update={"title": "West pressed Kyiv hard"})]


async def test_escape_cancels_with_none() -> None:
    app = Host(lambda: HypothesisForm())
    async with app.run_test() as pilot:
        await press_at_once(pilot, *"half typed")
        await pilot.press("escape", "y")  # y: discard what was typed
        await pilot.pause()
    assert app.results == [None]


async def test_a_bad_value_is_named_beside_the_field_then_fixed() -> None:
    """The message under the field, the field named in the summary and focused, the form kept
    open; fixed, it saves. (Each message is checked without the UI in test_form_logic.py.)"""
    app = Host(lambda: HypothesisForm(new_id="H3"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"ok", "tab", "tab", "end", "ctrl+u", *"abc", "ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-prior") == "not a number: 'abc'"
        assert shown(app, "#form-status") == "Not saved: fix 1 field (prior)"
        assert app.focused is app.screen.query_one("#prior")
        assert isinstance(app.screen, HypothesisForm)
        assert app.results == []
        await pilot.press("end", "ctrl+u", "1", "ctrl+s")
        await pilot.pause()
    assert app.results == [Hypothesis(id="H3", title="ok", prior=1.0)]


async def test_ten_kilobyte_title_is_refused_clearly() -> None:
    app = Host(lambda: HypothesisForm())
    async with app.run_test(size=(80, 24)) as pilot:
        title = app.screen.query_one("#title", Input)
        title.insert_text_at_cursor("x" * 10_240)  # what a paste does
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-title") == "too long: at most 500 characters (got 10,240)"
        assert app.results == []
        assert len(title.value) == 10_240  # nothing the user typed is lost


async def test_save_right_after_a_burst_of_typing_sees_every_key() -> None:
    """A terminal may deliver typed keys and ctrl+s in one burst (a fast typist, tmux)."""
    app = Host(lambda: HypothesisForm(new_id="H7"))
    async with app.run_test(size=(80, 24)) as pilot:
        for key in [*"Quick", "ctrl+s"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.pause()
    assert app.results == [Hypothesis(id="H7", title="Quick")]


async def test_the_prior_field_says_what_a_prior_is_when_adding_and_editing(db_path, make_app) -> None:
    """The form asked for a prior with no word of what one is (a placeholder 'relative weight'
    at most, gone once the field holds 1.0). A hint under the field says it, on the new
    hypothesis form (A) and on the edit form (the ranking's e); at 80×14 the fields scroll
    between the heading and the buttons, which stay on screen."""
    from tests.tui.conftest import box_rows, flat_text, screen_text

    def in_form() -> str:  # the dialog's rows, as one line of words
        return " ".join(" ".join(box_rows(app, "#form-dialog")).split())

    hint = ("How likely you think it is before the evidence, relative to the others (1 = equal); "
            "only the Bayes model uses it.")
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, HypothesisForm) and "New hypothesis" in flat_text(app)
        assert hint in in_form() and "Save (ctrl+s)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "e")  # the ranking, its selected hypothesis
        await pilot.pause()
        assert isinstance(app.screen, HypothesisForm) and "Edit hypothesis" in flat_text(app)
        assert hint in in_form()
        await pilot.resize_terminal(80, 14)
        await pilot.pause()
        assert "Save (ctrl+s)" in screen_text(app) and "Cancel (esc)" in screen_text(app)
        await pilot.press("tab", "tab")  # description, then the prior: scrolled into view
        await pilot.pause()
        assert app.focused is app.screen.query_one("#prior", Input)
        assert "Prior" in screen_text(app) and "How likely you think it is" in screen_text(app)
        assert "Save (ctrl+s)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")


async def test_the_field_being_typed_in_stays_in_view_when_the_terminal_shrinks(db_path, make_app) -> None:
    """At 80×24 the prior is focused; the terminal shrinks to 80×12, then 80×10: the fields
    scroll between the heading and the buttons, and they stayed scrolled to the top, the prior
    (where the keys still went) out of sight. The focused field is kept in view."""
    from tests.tui.conftest import screen_text

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("tab", "tab")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#prior", Input)
        for height in (12, 10):
            await pilot.resize_terminal(80, height)
            await pilot.pause()
            await pilot.pause()
            text = screen_text(app)
            assert "Prior" in text and "1.0" in text and "Save (ctrl+s)" in text, (height, text)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")


async def test_on_a_short_terminal_a_refused_field_shows_its_reason(db_path, make_app) -> None:
    """At 80×10 the form scrolled to the refused field but not to the line under it saying
    why: the status line named the field, the reason stayed below the fold. The field's row,
    reason included, is brought into view."""
    from tests.tui.conftest import screen_text, until

    app = make_app(db_path)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        await pilot.press(*"ok", "tab", "tab", "end", "ctrl+u", *"abc", "ctrl+s")
        await until(pilot, lambda: "Not saved" in screen_text(app), "the refusal")
        await pilot.pause()
        text = screen_text(app)
        assert "not a number: 'abc'" in text and "abc" in text, text
        assert app.focused is app.screen.query_one("#prior", Input)
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("ctrl+q")
