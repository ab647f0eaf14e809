"""Start-up's blocking half (tui/opening.py), below the interface: what the worker hands
the workbench, for a database that opens and for one that does not."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID
from tui.opening import open_workbench
from tui.state_file import remember_export_folder


def test_a_new_database_opens_on_the_default_case_scored_with_the_last_export_folder(
    tmp_path: Path, state_file: Path
) -> None:
    remember_export_folder(state_file, tmp_path)
    opened = open_workbench(tmp_path / "new" / "weigh.json", state_file)
    assert opened.error is None and opened.session is not None
    try:
        assert opened.session.case_id == DEFAULT_CASE_ID
        assert opened.session.view.analysis is not None  # scored before the workbench gets it
        assert not opened.session.store.readonly
        assert opened.export_folder == tmp_path.absolute()
    finally:
        opened.session.store.close()


def test_a_damaged_database_gives_the_reason_and_no_session(tmp_path: Path, state_file: Path) -> None:
    path = tmp_path / "weigh.json"
    path.write_bytes(b'{"_meta": {"1": {"format": "weigh", "sch')
    opened = open_workbench(path, state_file)
    assert opened.session is None and opened.damaged
    assert opened.error and str(path.name) in opened.error
