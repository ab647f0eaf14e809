"""A second writer slips past the lock (lock deleted, hard link, symlinked files):
it is refused before an edit is acknowledged, no acknowledged edit is ever lost,
and nothing outside the database's own files is touched.

Driven in-process (two Store writers), through the CLI (``weigh import`` as a
subprocess) and through a running workbench (Pilot pressing a rating key).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evidence.case_file import dump_case_file
from evidence.errors import StoreError
from evidence.store import Store

from .crash_util import REPO
from .edits import CASE_ID, base_case

if TYPE_CHECKING:
    from tests.conftest import WeighRun
    from tui.app import WeighApp


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "weigh.json"
    path.parent.mkdir()
    with Store.open(path) as store:
        store.put_case(base_case())
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file of the user's that weigh must never write."""
    path = tmp_path / "mine.txt"
    path.write_text("the user's own file\n")
    return path


def weigh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60,
    )


def import_file(tmp_path: Path) -> Path:
    path = tmp_path / "other.weigh.json"
    path.write_text(dump_case_file(base_case("imported")))
    return path


def rating(db: Path, eid: str, hid: str) -> str | None:
    return Store.open(db, readonly=True).case(CASE_ID).item(eid).ratings.get(hid)


def test_lock_deleted_then_a_second_writer_in_the_same_process(db: Path) -> None:
    first = Store.open(db)
    first.set_rating(CASE_ID, "X0", "H2", "CC")  # acknowledged
    db.with_name("weigh.json.lock").unlink()
    second = Store.open(db)  # nothing stops it: the lock file is new
    assert second.case(CASE_ID).item("X0").ratings["H2"] == "CC"  # it sees the journal
    with pytest.raises(StoreError, match=r"lock file weigh\.json\.lock was replaced") as err:
        first.set_rating(CASE_ID, "X0", "H3", "II")
    assert "edit NOT saved" in str(err.value) and "\n" not in str(err.value)
    assert first.case(CASE_ID).item("X0").ratings.get("H3") is None  # not shown as done
    with pytest.raises(StoreError, match="another weigh or program may be writing"):
        first.set_rating(CASE_ID, "X1", "H1", "N")  # and edits stay off
    second.set_rating(CASE_ID, "X1", "H3", "C")
    second.close()
    first.close()  # does not compact over the second writer's file
    assert rating(db, "X0", "H2") == "CC" and rating(db, "X1", "H3") == "C"
    assert rating(db, "X0", "H3") is None


def test_lock_deleted_with_no_second_writer_yet_refuses_the_edit(db: Path) -> None:
    with Store.open(db) as store:
        store.set_rating(CASE_ID, "X0", "H2", "C")
        db.with_name("weigh.json.lock").unlink()
        with pytest.raises(StoreError, match=r"weigh\.json\.lock was deleted"):
            store.set_rating(CASE_ID, "X0", "H2", "I")
    assert rating(db, "X0", "H2") == "C"


def test_lock_deleted_then_weigh_import_from_the_cli(db: Path, tmp_path: Path, outside: Path) -> None:
    workbench = Store.open(db)
    workbench.set_rating(CASE_ID, "X0", "H2", "CC")
    db.with_name("weigh.json.lock").unlink()
    done = weigh("--db", str(db), "import", str(import_file(tmp_path)))
    assert done.returncode == 0, done.stderr
    with pytest.raises(StoreError, match="edit NOT saved"):
        workbench.set_rating(CASE_ID, "X1", "H1", "II")
    workbench.close()
    after = Store.open(db, readonly=True)
    assert sorted(after.case_ids()) == sorted([CASE_ID, "imported"])
    assert after.case(CASE_ID).item("X0").ratings["H2"] == "CC"  # acknowledged, kept
    assert after.case(CASE_ID).item("X1").ratings.get("H1") is None  # refused, not shown
    assert outside.read_text() == "the user's own file\n"


def test_a_hard_link_is_caught_by_the_open_writer_and_refused_by_the_cli(db: Path, tmp_path: Path) -> None:
    workbench = Store.open(db)
    workbench.set_rating(CASE_ID, "X0", "H2", "CC")
    alias = db.with_name("alias.json")
    os.link(db, alias)
    done = weigh("--db", str(alias), "import", str(import_file(tmp_path)))
    assert done.returncode == 2
    assert "2 names (hard links)" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    with pytest.raises(StoreError, match="2 names"):
        workbench.set_rating(CASE_ID, "X1", "H1", "II")
    workbench.close()
    alias.unlink()
    assert rating(db, "X0", "H2") == "CC"
    assert Store.open(db, readonly=True).case_ids() == [CASE_ID]
    with pytest.raises(StoreError, match="2 names"):  # a link made before opening, too
        os.link(db, alias)
        Store.open(alias)


@pytest.mark.parametrize("which", ["journal", "lock"])
def test_symlinked_journal_or_lock_is_refused_not_followed(db: Path, tmp_path: Path, outside: Path,
                                                           weigh_here: WeighRun, which: str) -> None:
    """No second writer here: the CLI's import runs through main in this process."""
    link = db.with_name(f"weigh.json.{which}")
    if link.exists():
        link.unlink()
    link.symlink_to(outside)
    done = weigh_here("--db", str(db), "import", str(import_file(tmp_path)))
    assert done.returncode == 2
    what = "journal" if which == "journal" else "lock file"
    assert f"weigh.json.{which}: the {what} is a symbolic link" in str(done.stderr)
    assert outside.read_text() == "the user's own file\n"
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open(db)
    assert outside.read_text() == "the user's own file\n"
    if which == "journal":  # a reader refuses it too, rather than read someone's file
        with pytest.raises(StoreError, match="symbolic link"):
            Store.open(db, readonly=True)


def test_existing_journal_and_lock_are_tightened_to_0600(db: Path) -> None:
    journal, lock = db.with_name("weigh.json.journal"), db.with_name("weigh.json.lock")
    journal.touch()
    for path in (journal, lock):
        path.chmod(0o644)
    with Store.open(db) as store:
        store.set_rating(CASE_ID, "X0", "H2", "C")
        assert stat.S_IMODE(journal.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def workbench_on_a_new_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, WeighApp]:
    """A database holding the base case, and the workbench (not yet run) on it."""
    from tui.app import WeighApp

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    return db, WeighApp(db, state_file=tmp_path / "state.json")


async def test_a_running_workbench_refuses_a_rating_after_the_lock_is_stolen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.tui.conftest import notices, opened

    db, app = workbench_on_a_new_database(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        await opened(pilot)
        eid, hid = app.screen.matrix.current()  # type: ignore[attr-defined]
        await pilot.press("c")
        await pilot.pause()
        assert rating(db, eid, hid) == "C"  # acknowledged: a reader sees the journal
        db.with_name("weigh.json.lock").unlink()
        done = weigh("--db", str(db), "import", str(import_file(tmp_path)))
        assert done.returncode == 0, done.stderr
        await pilot.press("i")
        await pilot.pause()
        assert "edit NOT saved" in notices(app)
        assert app.screen.case.item(eid).ratings.get(hid) == "C"  # type: ignore[attr-defined]
    after = Store.open(db, readonly=True)
    assert sorted(after.case_ids()) == sorted([CASE_ID, "imported"])
    assert after.case(CASE_ID).item(eid).ratings[hid] == "C"


def test_an_edit_refused_after_its_fsync_never_comes_back(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team: the lock deleted during an edit's fsync; the edit was reported "not
    acknowledged", yet replayed at the next open (50 of 50 races)."""
    real_fsync = os.fsync
    with Store.open(db) as store:
        store.set_rating(CASE_ID, "X0", "H2", "C")

        def fsync_then_lose_the_lock(fd: int) -> None:
            real_fsync(fd)
            db.with_name("weigh.json.lock").unlink(missing_ok=True)

        monkeypatch.setattr(os, "fsync", fsync_then_lose_the_lock)  # the os evidence.journal calls
        with pytest.raises(StoreError, match="edit not acknowledged"):
            store.set_rating(CASE_ID, "X0", "H2", "I")
        monkeypatch.setattr(os, "fsync", real_fsync)
    assert rating(db, "X0", "H2") == "C"


@pytest.mark.parametrize("how", ["replaced", "deleted"])
def test_a_journal_replaced_under_a_writer_keeps_its_edits_somewhere_named(db: Path, how: str) -> None:
    """Red team: `weigh export -o weigh.json.journal` under a running workbench, which
    then said "your earlier edits are safe in its journal": they were lost at the next open."""
    journal = db.with_name("weigh.json.journal")
    with Store.open(db) as store:
        for code in ("C", "I", "N"):
            store.set_rating(CASE_ID, "X0", f"H{'123'['CIN'.index(code)]}", code)
        journal.unlink()
        if how == "replaced":
            journal.write_text("# Markdown export\n")
        with pytest.raises(StoreError) as err:
            store.set_rating(CASE_ID, "X1", "H1", "C")
    message = str(err.value)
    assert "safe in its journal" not in message
    (rescued,) = [p for p in db.parent.iterdir() if ".rescued-" in p.name]
    assert f"your acknowledged edits are saved in {rescued}" in message
    copy = Store.open(rescued, readonly=True).case(CASE_ID).item("X0").ratings
    assert (copy["H1"], copy["H2"], copy["H3"]) == ("C", "I", "N")


async def test_a_running_workbench_says_its_database_file_was_deleted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database file deleted under a running workbench: the refusal says so in plain
    words, and names where the edits so far are kept (found by a tester: it said "it cannot
    be checked (No such file or directory)", the system's words, in a second pair of brackets)."""
    from tests.tui.conftest import notices, opened

    db, app = workbench_on_a_new_database(tmp_path, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        await opened(pilot)
        await pilot.press("c")
        await pilot.pause()
        db.unlink()
        await pilot.press("i")
        await pilot.pause()
        said = notices(app)
        assert "edit NOT saved" in said and "the file was deleted or moved away" in said
        assert "No such file" not in said
        rescued = list(tmp_path.glob("weigh.json.rescued-*"))
        assert len(rescued) == 1 and str(rescued[0]) in said
    with Store.open(rescued[0], readonly=True) as kept:
        assert kept.case(CASE_ID) is not None
