"""Same-fact groups as a user meets them: set in the evidence form (the case's groups
offered), marked in the matrix, named in the detail pane, filtered with `=name`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Input, Static

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import flat_text, screen_text
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.matrix import MARK_GROUP

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

HYPS = [Hypothesis(id="H1", title="Sham talks"), Hypothesis(id="H2", title="Real talks")]


def grouped_case(path: Path) -> None:
    ev = [
        Evidence(id="E1", title="Drafts were substantive", group="drafting",
                 ratings={"H1": "I", "H2": "C"}),
        Evidence(id="E2", title="Fifteen drafts exchanged", group="drafting",
                 ratings={"H1": "I", "H2": "C"}),
        Evidence(id="E3", title="A [bold]separate[/] fact", ratings={"H1": "N", "H2": "N"}),
    ]
    with Store.open(path) as store:
        store.put_case(Case(id="g", title="Groups", hypotheses=HYPS, evidence=ev))


async def test_edit_item_into_an_existing_group_by_completion_then_filter(tmp_path, make_app):
    path = tmp_path / "g.json"
    grouped_case(path)
    app = make_app(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        main: MainScreen = app.screen
        rows = screen_text(app)
        assert sum(MARK_GROUP in line for line in rows.splitlines()) == 2
        assert "same fact: =drafting (2 items, counted once) with E2" in flat_text(app)
        await pilot.press("down", "down")
        assert main.matrix.current()[0] == "E3"
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EvidenceForm)
        assert "in this case (→ completes): drafting" in flat_text(app)
        # a bad group name is refused under its field, and nothing is saved
        form.query_one("#group", Input).value = "one fact!"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen_stack[-1] is form  # the form stays
        assert "use lower-case letters, digits and '-' (at most 40 characters)" in flat_text(app)
        assert "(same fact)" in flat_text(app)
        assert main.store.evidence("g", "E3").group is None
        form.query_one("#group", Input).value = ""
        form.query_one("#group").focus()
        await pilot.press(*"dra", "right")  # accept the suggested existing group
        await pilot.pause()
        assert form.query_one("#group", Input).value == "drafting"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is main
        assert main.store.evidence("g", "E3").group == "drafting"
        # read in the detail pane itself: its wrapped lines sit beside the ranking's
        detail = " ".join(str(main.query_one("#detail-text", Static).render()).split())
        assert "same fact: =drafting (3 items, counted once) with E1, E2" in detail
        await pilot.press("u")  # the edit undoes like any other
        await pilot.pause()
        assert main.store.evidence("g", "E3").group is None
        await pilot.press("slash", *"=drafting", "enter")
        await pilot.pause()
        assert [ev.id for ev in main.session.view.shown] == ["E1", "E2"]
        assert "filter =drafting · 2 of 3 shown" in flat_text(app)
        await pilot.press("ctrl+q")
