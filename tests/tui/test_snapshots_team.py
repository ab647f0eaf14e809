"""Snapshot of a team case under the team lens (160×48): three analysts rated the
bundled case differently; ben looks, with the others' votes hidden where he has not rated."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence.seed import DEFAULT_CASE_ID, open_store
from evidence.store import Store
from tests.tui.conftest import opened

# (analyst, item, hypothesis, code): ben and chi differ from ana's bundled ratings
VOTES = [
    ("ben", "E1", "H1", "II"), ("ben", "E1", "H2", "C"), ("ben", "E1", "H3", "N"),
    ("ben", "E2", "H1", "C"), ("ben", "E2", "H2", "NA"), ("ben", "E3", "H1", "CC"),
    ("chi", "E1", "H1", "I"), ("chi", "E1", "H2", "CC"), ("chi", "E2", "H1", "C"),
    ("chi", "E2", "H2", "C"), ("chi", "E3", "H1", "II"), ("chi", "E4", "H1", "CC"),
]


def three_analysts(path: Path) -> None:
    """The bundled case made ana's, then ben's and chi's votes on a few cells."""
    open_store(path).close()
    with Store.open(path, analyst="ana") as store:
        store.make_team(DEFAULT_CASE_ID)
    for who in ("ben", "chi"):
        with Store.open(path, analyst=who) as store:
            for analyst, eid, hid, code in VOTES:
                if analyst == who:
                    store.set_rating(DEFAULT_CASE_ID, eid, hid, code)
            if who == "chi":
                store.set_note(DEFAULT_CASE_ID, "E1", "H1", "the leak reads as staged")


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.store

    moment = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(evidence.store, "utcnow", lambda: moment)


def test_team_lens_160x48(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          no_toasts: None) -> None:
    from tui.app import WeighApp

    path = tmp_path / "weigh.json"
    three_analysts(path)
    monkeypatch.setenv("WEIGH_ANALYST", "ben")

    async def run_before(pilot) -> None:
        await opened(pilot)
        main = pilot.app.screen
        main.db_path = Path("/data/weigh.json")
        await pilot.pause()

    app = WeighApp(path, state_file=tmp_path / "state.json")
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)
