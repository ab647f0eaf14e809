"""Snapshots of the analysis screens: hypothesis view, case-details form, the
conclusion under the case bar (temp database, fixed size, path pinned)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.seed import DEFAULT_CASE_ID, open_store
from hypotheses.models import CaseInfo
from tests.tui.conftest import opened

pytestmark = pytest.mark.usefixtures("no_toasts")  # the overdue notice is no part of the picture

CONCLUSION = (
    "Most likely the talks died of mistrust after Bucha and the lack of guarantees; "
    "the [bold]sham-talks[/] hypothesis is the weakest on the evidence."
)


@pytest.fixture
def snap_db(tmp_path: Path) -> Path:
    path = tmp_path / "weigh.json"
    store = open_store(path)
    info = store.case(DEFAULT_CASE_ID).info
    store.update_case_info(CaseInfo.model_validate(
        {**info.model_dump(mode="json"), "conclusion": CONCLUSION}, strict=False))
    store.close()
    return path


async def _settle(pilot) -> None:
    await opened(pilot)
    main = pilot.app.screen
    main.db_path = Path("/data/weigh.json")
    await pilot.pause()


def _still(pilot) -> None:
    for inp in pilot.app.screen.query("Input, TextArea"):
        inp.cursor_blink = False


def _make(snap_db: Path, tmp_path: Path):
    from tui.app import WeighApp

    return WeighApp(snap_db, state_file=tmp_path / "state.json")


def test_hypothesis_view_80x24(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("tab", *["down"] * 5, "enter")
        await pilot.pause()

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_hypothesis_view_160x48(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("tab", "enter")
        await pilot.pause()

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(160, 48), run_before=run_before)


def test_case_details_form_80x24(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("D")
        await pilot.pause()
        _still(pilot)
        await pilot.pause()

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_conclusion_under_the_case_bar_160x48(snap_compare, snap_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)

    assert snap_compare(_make(snap_db, tmp_path), terminal_size=(160, 48), run_before=run_before)


@pytest.fixture
def indicator_db(tmp_path: Path) -> Path:
    """The bundled case with two indicators: one long overdue, one far ahead."""
    from datetime import date

    from hypotheses.models import Indicator

    path = tmp_path / "ind.json"
    store = open_store(path)
    for shipped in store.case(DEFAULT_CASE_ID).indicators:  # the picture shows exactly these two
        store.delete_indicator(DEFAULT_CASE_ID, shipped.id)
    store.add_indicator(DEFAULT_CASE_ID, Indicator(
        id="M1", title="Both sides sign the [bold]Istanbul[/] communiqué",
        expected_by=date(2022, 4, 30), ratings={"H3": "II", "H2": "I"}))
    store.add_indicator(DEFAULT_CASE_ID, Indicator(
        id="M2", title="Guarantor states ratify security guarantees",
        expected_by=date(2099, 1, 1), ratings={"H4": "CC", "H6": "I"}))
    store.close()
    return path


def test_indicators_panel_80x24(snap_compare, indicator_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("M")
        await pilot.pause()

    assert snap_compare(_make(indicator_db, tmp_path), terminal_size=(80, 24),
                        run_before=run_before)


def test_indicator_form_160x48(snap_compare, indicator_db, tmp_path):
    async def run_before(pilot):
        await _settle(pilot)
        await pilot.press("M", "e")
        await pilot.pause()
        _still(pilot)
        await pilot.pause()

    assert snap_compare(_make(indicator_db, tmp_path), terminal_size=(160, 48),
                        run_before=run_before)
