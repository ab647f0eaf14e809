"""Start-up: the default case opens focused on its first cell; bad databases
get a clear screen and are left untouched; the last case is reopened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence.seed import DEFAULT_CASE_ID, open_store
from evidence.store import Store
from hypotheses.models import Case, Hypothesis
from tests.conftest import CLI_TIMEOUT, ROOT
from tests.tui.conftest import DEFAULT_ITEMS, flat_text, shown_ids, until
from tests.tui.host import paste
from tui.screens.main import MainScreen
from tui.screens.open_error import OpenErrorScreen
from tui.widgets.matrix import EvidenceMatrix


async def test_first_run_opens_istanbul_focused_on_first_cell(tmp_path, make_app):
    path = tmp_path / "new" / "weigh.json"  # does not exist yet: created and seeded
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.case_id == DEFAULT_CASE_ID
        assert isinstance(app.focused, EvidenceMatrix)
        first = shown_ids(screen)[0]
        assert screen.matrix.current() == (first, "H1")
        text = flat_text(app)
        assert "Why the spring-2022 Istanbul peace talks collapsed" in text
        assert "weighted inconsistency (PARC)" in text
        assert f"{DEFAULT_ITEMS} of {DEFAULT_ITEMS} items used" in text
        assert "Diag" in text
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert not app.is_running
    # the lock is released: another writer can open the file
    Store.open(path).close()


async def test_corrupt_database_shows_error_and_is_untouched(tmp_path, make_app):
    path = tmp_path / "weigh.json"
    junk = b'{"_meta": {"1": {"format": "weigh", "sch'  # truncated
    path.write_bytes(junk)
    before = os.stat(path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpenErrorScreen)
        text = flat_text(app)
        assert "weigh cannot open this database" in text
        assert "not valid JSON: it ends in the middle of a text value (line 1, column 37)" in text
        assert "left untouched" in text
        await pilot.press("q")
    assert app.return_code == 2
    assert path.read_bytes() == junk
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns


async def test_foreign_json_file_is_refused(tmp_path, make_app):
    path = tmp_path / "weigh.json"
    path.write_text('{"_default": {"1": {"name": "a tinydb file"}}}')
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "not a weigh database" in flat_text(app)
        await pilot.press("q")
    assert path.read_text() == '{"_default": {"1": {"name": "a tinydb file"}}}'


async def test_a_database_another_weigh_edits_opens_read_only_with_a_banner(db_path, make_app):
    """A second workbench (or browser tab of weigh serve) can look, and says it cannot save."""
    from tests.tui.conftest import notices

    holder = Store.open(db_path)
    holder.set_rating(DEFAULT_CASE_ID, "E1", "H1", "NA")  # in the holder's journal only
    try:
        app = make_app(db_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            shown = flat_text(app)
            assert "READ-ONLY" in shown and f"(PID {os.getpid()}) is editing this database" in shown
            assert app.screen.case.item("E1").ratings["H1"] == "NA"  # it sees the journal
            eid, hid = app.screen.matrix.current()
            before = app.screen.case.item(eid).ratings.get(hid)
            await pilot.press("c" if before != "C" else "i")
            await pilot.pause()
            assert "changes made here could not be saved" in notices(app)
            assert app.screen.case.item(eid).ratings.get(hid) == before
            await pilot.press("ctrl+q")
        assert holder.case(DEFAULT_CASE_ID).item(eid).ratings.get(hid) == before
    finally:
        holder.close()
    assert Store.open(db_path, readonly=True).case(DEFAULT_CASE_ID).item("E1").ratings["H1"] == "NA"


async def test_empty_database_opens_with_no_case(tmp_path, make_app):
    path = tmp_path / "weigh.json"
    with open_store(path) as store:
        store.delete_case(DEFAULT_CASE_ID)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "no case open" in flat_text(app)
        await pilot.press("c", "m", "space")  # nothing to act on: a warning, no crash
        await pilot.pause()
        assert app.screen.case_id is None
        await pilot.press("ctrl+q")


def test_state_file_roundtrip(tmp_path: Path) -> None:
    from tui.state_file import last_case, remember_case

    state = tmp_path / "s" / "state.json"
    assert last_case(state, tmp_path / "a.json") is None
    remember_case(state, tmp_path / "a.json", "one")
    remember_case(state, tmp_path / "b.json", "two")
    assert last_case(state, tmp_path / "a.json") == "one"
    assert last_case(state, tmp_path / "b.json") == "two"


async def test_set_aside_only_on_explicit_key_then_starts_fresh(tmp_path, make_app):
    path = tmp_path / "db" / "weigh.json"
    path.parent.mkdir()
    junk = b"\x00\xffnot a database"
    path.write_bytes(junk)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpenErrorScreen)
        assert "set the damaged file aside" in flat_text(app)
        await pilot.press("s", "enter", "space")  # not the key: nothing happens
        await pilot.pause()
        assert path.read_bytes() == junk
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.case_id == DEFAULT_CASE_ID
        await pilot.press("ctrl+q")
    kept = [p for p in path.parent.iterdir() if p.is_file() and p.read_bytes() == junk]
    assert len(kept) == 1
    with Store.open(path) as store:
        assert store.case_ids() == [DEFAULT_CASE_ID]


def test_open_case_freezes_its_models_and_frees_what_an_earlier_freeze_kept(db_path, state_file):
    """The real collection (see the conftest), in a Python of its own: in this worker it
    would free everything the earlier tests left, seconds of CPU (see freeze_child)."""
    with Store.open(db_path) as store:
        store.put_case(Case(id="other", title="Other case", hypotheses=[Hypothesis(id="H1", title="One")]))
    done = subprocess.run(
        [sys.executable, "-m", "tests.tui.freeze_child", str(db_path), str(state_file)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True, text=True,
        timeout=CLI_TIMEOUT, check=False,
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


async def test_an_empty_case_guides_the_first_steps(tmp_path, make_app):
    path = tmp_path / "w.json"
    with Store.open(path) as store:
        store.put_case(Case(id="empty", title="Empty"))
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Step 1 of 3: list the hypotheses. Press A" in flat_text(app)
        for title in ("Sabotage by a state", "An accident"):
            await pilot.press("A")
            await paste(pilot, title)
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert "Step 2 of 3: add the evidence. Press a" in flat_text(app)
        await pilot.press("a")
        await paste(pilot, "Anchor drag marks on the seabed")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Step 3 of 3" in flat_text(app), "step 3")
        # two testers read '→ moves to the next hypothesis' as a rating moving on by itself
        said = "A key rates the focused cell and stays on it: press → for the next hypothesis"
        assert said in flat_text(app)
        await pilot.press("ctrl+q")


async def test_a_read_only_window_gives_no_first_steps_it_could_not_take(tmp_path, make_app):
    path = tmp_path / "w.json"
    with Store.open(path) as store:
        store.put_case(Case(id="empty", title="Empty"))
        app = make_app(path)  # another weigh (this test) is editing it: read-only
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "READ-ONLY" in flat_text(app), "the banner")
            assert "Empty" in flat_text(app) and "Step 1 of 3" not in flat_text(app)
            guide = app.screen.query_one("#guide")
            assert guide.display is False  # the case drawn, the guide asked and hidden
            await pilot.press("ctrl+q")


@pytest.mark.parametrize("what", ["foreign", "newer"])
async def test_a_file_that_is_not_damaged_is_never_offered_to_be_set_aside(
        what: str, tmp_path: Path, db_path: Path, make_app) -> None:
    """Another program's JSON, or a database a newer weigh wrote, is whole: S would rename it
    and start an empty database under its name (found by a tester: both were called "the
    damaged file" and offered to be set aside, an easy key to press for anyone running an
    older weigh on their database)."""
    import json

    from evidence.database import SCHEMA

    if what == "foreign":
        path = tmp_path / "notes.json"
        path.write_text('{"_default": {"1": {"name": "my notes"}}}')
    else:
        path = db_path
        doc = json.loads(path.read_text())
        next(iter(doc["_meta"].values()))["schema"] = SCHEMA + 1
        path.write_text(json.dumps(doc))
    before = path.read_bytes()
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, OpenErrorScreen)
        text = flat_text(app)
        assert ("not a weigh database" if what == "foreign" else "written by a newer weigh") in text
        assert "set the damaged file aside" not in text and "Set aside" not in text
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, OpenErrorScreen)
        await pilot.press("q")
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.broken-*"))


async def test_the_open_error_names_the_edits_rescued_beside_the_database(tmp_path, make_app):
    """The database deleted under a running workbench: its edits were rescued to a file
    beside it, named once in a notice. Reopened, as that notice said, weigh cannot open the
    journal alone, and its screen now names the rescued file too (found by a tester: it did
    not, and S started a fresh database with the work out of sight)."""
    from tests.tui.conftest import notices

    path = tmp_path / "weigh.json"
    with Store.open(path) as store:
        store.put_case(Case(id="mine", title="Mine", hypotheses=[Hypothesis(id="H1", title="One")]))
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("A", *"Two", "ctrl+s")
        await pilot.pause()
        path.unlink()
        await pilot.press("A", *"Three", "ctrl+s")
        await until(pilot, lambda: "edit NOT saved" in notices(app), "the refusal")
        await pilot.press("escape", "y", "ctrl+q")
    rescued = list(tmp_path.glob("weigh.json.rescued-*"))
    assert len(rescued) == 1
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, OpenErrorScreen)
        text = str(app.screen.query_one("#open-error-text").render())  # the paths unwrapped
        assert "database file is missing but its journal exists" in text
        assert f"Edits rescued earlier: {rescued[0]} (open it with weigh --db {rescued[0]})" in text
        await pilot.press("q")
    with Store.open(rescued[0], readonly=True) as kept:
        assert [h.title for h in kept.case("mine").hypotheses] == ["One", "Two"]
