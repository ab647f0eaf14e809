"""Snapshots of the modal forms (pytest-textual-snapshot): what a user sees, pixel for pixel."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from hypotheses.models import Hypothesis
from tests.tui.host import press_at_once
from tui.screens.dialog import FORMS_TCSS
from tui.screens.evidence_form import EvidenceForm

HYPS = [
    Hypothesis(id="H1", title="Russia negotiated in bad faith"),
    Hypothesis(id="H2", title="The West [bold]pressed[/] Kyiv to stop"),
    Hypothesis(id="H3", title="Bucha made talks impossible"),
]


class EvidenceFormHost(App[None]):
    """The evidence form over an empty app, as the main screen would push it."""

    CSS_PATH = FORMS_TCSS

    def on_mount(self) -> None:
        self.push_screen(EvidenceForm(HYPS, new_id="E41"))


async def _still_cursor(pilot: Pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_evidence_form_with_validation_errors(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _still_cursor(pilot)
        await pilot.press("tab", "tab", "tab", "tab")
        await press_at_once(pilot, *"2022-02-30")  # title left empty
        await pilot.press("tab", "tab")
        await press_at_once(pilot, *"Bucha, Atrocity")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(EvidenceFormHost(), run_before=run_before, terminal_size=(100, 40))


def test_evidence_form_at_80x24(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await _still_cursor(pilot)
        await press_at_once(pilot, *"Medinsky: [i]big step[/i]")

    assert snap_compare(EvidenceFormHost(), run_before=run_before, terminal_size=(80, 24))
