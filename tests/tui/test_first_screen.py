"""A new user's first screen (issue 22): it says how to start a case of one's own, and the
case id stays readable at 80 columns."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from tests.tui.conftest import screen_text, until
from tests.tui.host import paste, press_at_once
from tui.widgets.case_bar import OWN_CASE_HINT, fit_line


def test_at_80_columns_the_title_gives_way_to_the_id() -> None:
    head, order, tail = (Text(" weigh  ? keys " + OWN_CASE_HINT), Text("   sort: date"),
                         Text("   /a/long/path.json"))
    title = Text("Why the spring-2022 Istanbul peace talks collapsed")
    line = fit_line((head,), title, Text("  (istanbul-2022)"), order, tail, 80).plain
    assert line.startswith(" weigh  ? keys " + OWN_CASE_HINT + "Why the spring")
    assert line.endswith("…  (istanbul-2022)")  # the sort gave way before the title's last 20
    assert len(line) <= 80
    line = fit_line((head,), title, Text("  (istanbul-2022)"), order, tail, 110).plain
    assert line.endswith("…  (istanbul-2022)   sort: date")  # the title gave way to the sort
    wide = fit_line((head,), Text("A short title"), Text("  (x)"), order, tail, 160).plain
    assert wide.endswith("A short title  (x)   sort: date   /a/long/path.json")


async def test_first_screen_says_how_to_start_your_own_case_at_80x24(tmp_path: Path, make_app):
    """A fresh database: the top line names the way to a case of one's own, which the user
    follows (ctrl+o, n, a title, ctrl+s); their case opens and the hint has done its job."""
    app = make_app(tmp_path / "new.json")
    async with app.run_test(size=(80, 24)) as pilot:
        top = screen_text(app).splitlines()[0]
        assert "your own case: ctrl+o, then n" in top
        assert "(istanbul-2022)" in top
        await pilot.press("ctrl+o")
        await pilot.press("n")
        await press_at_once(pilot, *"Who cut the cable", "ctrl+s")
        await until(pilot, lambda: "(who-cut-the-cable)" in screen_text(app).splitlines()[0],
                    "the new case on the top line")
        assert "your own case" not in screen_text(app)


async def test_a_case_id_made_from_a_long_title_leaves_the_title_readable_at_80x24(
        tmp_path: Path, make_app) -> None:
    """The new case's id is made from its title: a long title made a 58-letter id that was
    never cut, and at 80 columns the top line named the case 'W…'. The id made is now the
    title's first whole words (at most 32 letters), and a longer one, typed, gives way to
    the title's first 20 cells (test_at_80_columns_a_long_id_gives_way_to_the_title)."""
    app = make_app(tmp_path / "new.json")
    title = "Why the Harlow plant's spring 2024 supply of resin ran dry"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.press("n")
        await paste(pilot, title)  # a long title, pasted: its keys are not what this is about
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "(why-the-harlow" in screen_text(app).splitlines()[0],
                    "the new case on the top line")
        top = screen_text(app).splitlines()[0]
        made = "  (why-the-harlow-plant-s-spring)"  # whole words, 29 letters
        assert top.startswith(" weigh  ? keys  Why the Harlow plant's spring …" + made), top
        assert len(top.rstrip()) <= 80


def test_at_80_columns_a_long_id_gives_way_to_the_title() -> None:
    head, order, tail = Text(" weigh  ? keys  "), Text("   sort: date"), Text("   /a/path.json")
    title = Text("Why the Harlow plant's spring 2024 supply of resin ran dry")
    ident = Text("  (why-the-harlow-plant-s-spring-2024-supply-of-resin-ran-dry)")
    line = fit_line((head,), title, ident, order, tail, 80).plain
    assert line.startswith(" weigh  ? keys  Why the Harlow plan…  (why-the-harlow-plant-s-spring"), line
    assert len(line) <= 80
