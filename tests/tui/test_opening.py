"""Start-up's blocking half (tui/opening.py), below the interface: what the worker hands
the workbench, for a database that opens and for one that does not."""

from __future__ import annotations

import json
from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from hypotheses.models import Case, Hypothesis
from tui.opening import open_workbench
from tui.state_file import remember_case, remember_export_folder


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


def opened_case(db_path: Path, state_file: Path) -> str | None:
    opened = open_workbench(db_path, state_file)
    assert opened.session is not None, opened.error
    try:
        return opened.session.case_id
    finally:
        opened.session.store.close()


def test_the_case_last_shown_opens_and_a_gone_or_unreadable_memory_gives_the_default(
    db_path: Path, state_file: Path
) -> None:
    """(Switching cases through the keys, then the case reopened by a new workbench, is
    test_main_edit.py's test_case_switcher_opens_another_case_and_it_is_reopened.)"""
    with Store.open(db_path) as store:
        store.put_case(Case(id="other", title="Other case", hypotheses=[Hypothesis(id="H1", title="Only")]))
    remember_case(state_file, db_path, "other")
    assert opened_case(db_path, state_file) == "other"
    state_file.write_text(json.dumps({"last_case": {str(db_path.absolute()): "deleted-case"}}))
    assert opened_case(db_path, state_file) == DEFAULT_CASE_ID
    remember_case(state_file, db_path, "other")
    state_file.write_text("{not json")
    assert opened_case(db_path, state_file) == DEFAULT_CASE_ID
