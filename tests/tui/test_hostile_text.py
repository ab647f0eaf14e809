"""Terminal escapes in user text are shown as symbols in the workbench, never sent raw."""

from __future__ import annotations

import re

from evidence.seed import open_store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import screen_text, until
from tui.screens.main import MainScreen

ESC, BEL, ZWSP = "\x1b", "\x07", "\u200b"  # a zero-width space makes two titles look alike
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b]")


def hostile_case() -> Case:
    return Case(
        id="evil",
        title=f"Evil {ESC}]2;pwned{BEL}case",
        hypotheses=[Hypothesis(id="H1", title=f"Red {ESC}[31mhyp"),
                    Hypothesis(id="H2", title=f"Pla{ZWSP}in")],
        evidence=[
            Evidence(
                id="E1",
                title=f"Title {ESC}[31mred",
                details=f"details {ESC}[2J here\nline two",
                source=f"src{ESC}c",
                ratings={"H1": "C", "H2": "I"},
                notes={"H1": f"note {ESC}[5m"},
            ),
            Evidence(id="E2", title="A plain title", ratings={"H1": "C", "H2": "I"}),
        ],
    )


async def test_escapes_are_visible_everywhere_and_never_raw(tmp_path, make_app):
    path = tmp_path / "weigh.json"
    store = open_store(path)
    store.put_case(hostile_case())
    store.close()
    app = make_app(path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("down", "enter")  # the switcher lists the case by its visible title
        await pilot.pause()
        assert app.screen.case_id == "evil"
        text = screen_text(app)
        assert RAW.search(text) is None
        for shown in (
            "Evil ␛]2;pwned␇case",
            "Title ␛[31mred",
            "Red ␛[31mhyp",
            "src␛c",
            "note ␛[5m",
            "details ␛[2J here",
            "Pla\\u200bin",
        ):
            assert shown in text, shown
        # The columns after a hostile title line up with those after a plain one.
        lines = text.splitlines()
        e1 = next(line for line in lines if line.startswith(" E1 "))
        e2 = next(line for line in lines if line.startswith(" E2 "))
        # (E1's H1 cell has a note, so it reads "C*", centred a column left of E2's "C")
        assert e1.index(" I ") == e2.index(" I ") and e1.index("1.00") == e2.index("1.00")
        # An edit form holds the raw text to edit; the screen still never receives the ESC.
        await pilot.press("e")
        await pilot.pause()
        assert RAW.search(screen_text(app)) is None
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("h")  # the ranking history names the case
        await pilot.pause()
        assert RAW.search(screen_text(app)) is None
        # any notification (store errors quote paths and ids) is plain text, escapes shown:
        # the toast shows the message as written, its markup too (kept until the test ends)
        app.notify(f"cannot save /tmp/[b]x[/b]/{ESC}]2;pwned{BEL}.json", title=f"T{ESC}c",
                   timeout=3600)
        await until(pilot, lambda: "cannot save" in screen_text(app), "the toast")
        text = screen_text(app)
        assert RAW.search(text) is None
        # the toast's lines, right of its border: its title, then its message, markup not read
        toast = [line.rsplit("▌", 1)[1].strip() for line in text.splitlines() if "▌" in line]
        assert [line for line in toast if line] == ["T␛c", "cannot save /tmp/[b]x[/b]/␛]2;pwned␇.json"]
