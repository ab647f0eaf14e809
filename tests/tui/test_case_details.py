"""The case-details form as a user drives it: D, type, ctrl+s; the conclusion shows
under the case bar, is on disk, and u takes it back."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.tui.conftest import flat_text, screen_text
from tests.tui.host import paste, press_at_once
from tui.screens.case_details_form import CaseDetailsForm
from tui.screens.main import MainScreen

CONCLUSION = "Talks died of [bold]mistrust[/] after Bucha; the sham hypothesis fails."


def stored_info(db_path: Path):
    with Store.open(db_path, readonly=True) as store:
        return store.case(DEFAULT_CASE_ID).info


def without_conclusion(db_path: Path) -> None:
    """The bundled case ships with a conclusion; this test starts from a case without one."""
    with Store.open(db_path) as store:
        info = store.case(DEFAULT_CASE_ID).info
        store.update_case_info(info.model_copy(update={"conclusion": ""}))


async def test_write_a_conclusion_see_it_under_the_case_bar_then_undo(db_path, make_app):
    without_conclusion(db_path)
    before = stored_info(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        assert "Bottom line:" not in screen_text(app)  # none yet: no line spent on it
        assert not main.query_one("#conclusion-line").display
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, CaseDetailsForm)
        assert app.focused is not None and app.focused.id == "title"
        app.screen.query_one("#conclusion").focus()
        await paste(pilot, CONCLUSION)  # a long text: pasted, as an analyst brings one in
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen_stack[-1] is main  # the screen on top (not the one narrowed above)
        lines = screen_text(app).splitlines()
        assert lines[1].startswith(" Bottom line: Talks died of [bold]mistrust[/]")
        assert lines[1].rstrip().endswith("… · B: whole conclusion")  # cut to one line at 80×24
        assert stored_info(db_path).conclusion == CONCLUSION
        await pilot.press("u")
        await pilot.pause()
        assert "Bottom line:" not in screen_text(app)
        assert not main.query_one("#conclusion-line").display
        await pilot.press("ctrl+q")
    after = stored_info(db_path)
    assert after.conclusion == "" and after.title == before.title


async def test_an_empty_title_is_refused_then_a_new_title_and_question_are_saved(db_path, make_app):
    before = stored_info(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("D")
        await pilot.pause()
        form = app.screen
        form.query_one("#title").value = ""
        form.query_one("#question").text = "Why [red]really[/]?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        text = flat_text(app)
        assert "required: must not be empty" in text
        assert "Not saved: fix 1 field (title)" in text
        assert stored_info(db_path) == before  # nothing saved
        form.query_one("#title").focus()
        await press_at_once(pilot, *"Istanbul [i]2022[/i]")
        form.query_one("#question").text = "What ended the talks?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "Istanbul [i]2022[/i]" in screen_text(app).splitlines()[0]  # the case bar follows
        await pilot.press("ctrl+q")
    info = stored_info(db_path)
    assert (info.title, info.question) == ("Istanbul [i]2022[/i]", "What ended the talks?")


async def test_a_bottom_line_without_spaces_shows_beside_its_label(db_path, make_app):
    """A first line with no space in reach (Chinese, a long link) starts beside "Bottom
    line:" (found by a tester: it went under the label, so one line showed only
    "Bottom line:…", and two lines wasted the first)."""
    without_conclusion(db_path)
    chinese = "谈判失败的原因是互不信任" * 20
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("D")
        await pilot.pause()
        app.screen.query_one("#conclusion").focus()
        await paste(pilot, chinese + "\n\nThe long version.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        line = screen_text(app).splitlines()[1]
        assert line.startswith(" Bottom line: 谈判失败的原因是互不信任谈判")
        assert line.rstrip().endswith("… · B: whole conclusion")
        await pilot.press("ctrl+q")
    app = make_app(db_path)
    async with app.run_test(size=(100, 48)) as pilot:  # tall: two lines, both used
        first, second = screen_text(app).splitlines()[1:3]
        assert first.startswith(" Bottom line: 谈判失败的原因是互不信任")
        assert second.lstrip()[:4] in (chinese * 2)  # the same run, folded on
        assert second.rstrip().endswith("… · B: whole conclusion")
        await pilot.press("ctrl+q")


async def test_the_form_says_the_first_line_is_the_bottom_line(db_path, make_app):
    """Only the conclusion's first line shows under the case bar: the form said all of it did."""
    from tests.tui.conftest import flat_text

    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("D")
        await pilot.pause()
        assert "its first line, the bottom line, shows under the case bar" in flat_text(app)
        await pilot.press("escape", "ctrl+q")
