"""The session state file is a nicety: a FIFO, a huge file or garbage there never hangs or fails a start."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from tui.state_file import MAX_BYTES, last_case, last_export_folder, remember_case

WAIT_SECONDS = 20


def test_a_fifo_at_the_state_file_is_not_waited_on(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    os.mkfifo(state)
    found: list[object] = []

    def start_up() -> None:
        found.append(last_case(state, tmp_path / "weigh.json"))
        found.append(last_export_folder(state))

    reader = threading.Thread(target=start_up, daemon=True)
    reader.start()
    reader.join(WAIT_SECONDS)
    if reader.is_alive():  # the regression: unblock the reader before failing
        os.close(os.open(state, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(WAIT_SECONDS)
        raise AssertionError("reading the state file waited on a FIFO")
    assert found == [None, None]


def test_an_oversized_or_damaged_state_file_is_ignored_then_replaced(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    db = tmp_path / "weigh.json"
    state.write_bytes(b'{"last_case": {"%s": "x"}, "pad": "%s"}' % (str(db).encode(), b"a" * MAX_BYTES))
    assert last_case(state, db) is None
    state.write_bytes(b"[" * 100_000)
    assert last_case(state, db) is None
    remember_case(state, db, "mine")
    assert last_case(state, db) == "mine"


def test_a_state_file_of_the_wrong_shape_or_with_impossible_folders_is_ignored(tmp_path: Path) -> None:
    """Tester: ``"views": {"<db>": []}`` crashed the workbench at start (AttributeError
    'list' object has no attribute 'get'), and a remembered folder name longer than the
    system allows raised OSError (File name too long) from the export dialog's offer."""
    import json

    from tui.state_file import SavedView, export_folder, remember_view, saved_view

    state, db = tmp_path / "state.json", tmp_path / "weigh.json"
    entries: list[object] = [[], "x", 7, None]
    for entry in entries:
        state.write_text(json.dumps({"views": {str(db): entry}}))
        assert saved_view(state, db, "c") is None
    remember_view(state, db, "c", SavedView("bayes", "date"))
    assert saved_view(state, db, "c") == SavedView("bayes", "date")
    for folder in ("a" * 5_000, "/" + "a/" * 3_000, "a\0b"):
        state.write_text(json.dumps({"export_folder": folder, "import_folder": folder}))
        assert last_export_folder(state) is None
        assert export_folder(state) != Path(folder)
