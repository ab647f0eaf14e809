"""Two `weigh sync` processes on one shared case file take turns: each holds the file's
folder from reading the file to replacing it, so neither overwrites the other's edit; a
sync that finds the folder held says so (exit 2) or, with --wait, waits its turn.

The turns are made deterministic by holding the lock from the test: both processes have
read the file (the same version) and said they wait before it is let go. Each flow's
own steps run as processes, the steps around them through the same ``main`` in this process
(``weigh_here``)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from evidence.case_file import dump_case_file, parse_case_file
from evidence.errors import SyncBusy
from evidence.lock import FolderLock
from evidence.store import Store
from evidence.sync import read_sync_file, sync_case
from hypotheses.models import Case, Evidence, Hypothesis
from tests.conftest import CLI_TIMEOUT, ROOT, WeighRun, weigh_text


def shared_case() -> Case:
    return Case(id="shared", title="Shared case",
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id=f"E{i}", title=f"item {i}", ratings={"H1": "N", "H2": "N"})
                          for i in (1, 2)])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT),
            "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tui.cli", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def first_line(stream: int) -> str:
    """The first line a child writes to ``stream`` (its descriptor); only a hung child fails."""
    got = b""
    while not got.endswith(b"\n"):
        ready, _, _ = select.select([stream], [], [], CLI_TIMEOUT)
        assert ready, "the child said nothing"
        piece = os.read(stream, 4096)
        if not piece:
            break
        got += piece
    return got.decode("utf-8")


def ratings(case: Case) -> dict[str, dict[str, str]]:
    return {e.id: dict(e.ratings) for e in case.evidence}


def test_two_syncs_of_one_file_take_turns_and_keep_both_edits(env: dict[str, str], weigh_here: WeighRun,
                                                              tmp_path: Path) -> None:
    shared, a, b = tmp_path / "clone" / "case.json", tmp_path / "a.json", tmp_path / "b.json"
    shared.parent.mkdir()
    with Store.open(a, analyst="ana") as db:  # ana writes the file; ben brings it in
        db.put_case(shared_case())
        sync_case(db, read_sync_file(shared, db.files), "shared")
    with Store.open(b, analyst="ben") as db:
        sync_case(db, read_sync_file(shared, db.files))
    with Store.open(a, analyst="ana") as db:
        db.set_rating("shared", "E1", "H1", "II")
    with Store.open(b, analyst="ben") as db:
        db.set_rating("shared", "E2", "H2", "CC")
    before = shared.read_bytes()
    children: list[subprocess.Popen[bytes]] = []
    try:
        with FolderLock.acquire(shared.parent):  # another weigh is syncing
            refused = weigh_text(env, "--db", str(a), "sync", str(shared))
            assert (refused.returncode, refused.stdout, refused.stderr.count("\n")) == (2, "", 1)
            assert "another weigh is syncing a case file in this folder" in refused.stderr
            assert "add --wait to 'weigh sync'" in refused.stderr
            for where in (a, b):
                child = start(env, "--db", str(where), "sync", str(shared), "--wait")
                children.append(child)
                assert child.stderr is not None
                assert "weigh: waiting for another weigh to finish syncing" in first_line(
                    child.stderr.fileno())
            # both have read the file as it is now, and wait: nothing is written meanwhile
            assert shared.read_bytes() == before
        for child in children:
            out, err = child.communicate(timeout=CLI_TIMEOUT)
            assert child.returncode == 0, out + err
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    both = {"E1": {"H1": "II", "H2": "N"}, "E2": {"H1": "N", "H2": "CC"}}
    assert ratings(parse_case_file(shared.read_bytes())) == both  # the second merged the first's
    for where in (a, b):  # the one that went first gets the other's edit at its next sync
        done = weigh_here("--db", str(where), "sync", str(shared))
        assert done.returncode == 0 and "first sync" not in done.stdout, done.stdout + done.stderr
    for where in (a, b):
        with Store.open(where, readonly=True) as store:
            case = store.case("shared")
        assert ratings(case) == both
        assert shared.read_text(encoding="utf-8") == dump_case_file(case)


def test_a_sync_in_the_workbench_is_refused_while_another_syncs(tmp_path: Path) -> None:
    """The case switcher's sync never waits: it says another weigh is syncing."""
    shared = tmp_path / "case.json"
    with Store.open(tmp_path / "w.json", analyst="ana") as db:
        db.put_case(shared_case())
        file = read_sync_file(shared, db.files)
        with FolderLock.acquire(tmp_path), pytest.raises(SyncBusy, match="sync again when it is done"):
            sync_case(db, file, "shared")
        assert not shared.exists() and db.sync_base("shared") is None
        assert sync_case(db, file, "shared").wrote_file  # once it is let go


def test_a_csv_replace_keeps_the_sync_base(env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    """`weigh import matrix.csv --case ID --replace` updates the case in place: the next sync
    merges three ways from the base, so a colleague's edit is neither a conflict nor undone."""
    shared, a, b = tmp_path / "case.json", tmp_path / "a.json", tmp_path / "b.json"
    matrix = tmp_path / "matrix.csv"
    with Store.open(a, analyst="ana") as db:
        db.put_case(shared_case())
        sync_case(db, read_sync_file(shared, db.files), "shared")
    with Store.open(b, analyst="ben") as db:  # ben brings the case in, rates, syncs
        sync_case(db, read_sync_file(shared, db.files))
        db.set_rating("shared", "E2", "H2", "CC")
        sync_case(db, read_sync_file(shared, db.files))
    done = weigh_here("--db", str(a), "export", "--case", "shared", "--format", "csv", "-o", str(matrix))
    assert done.returncode == 0, done.stderr
    text = matrix.read_text(encoding="utf-8-sig")  # ana rates E1 in her spreadsheet
    row = next(line for line in text.splitlines() if line.startswith("E1,"))
    assert row.endswith(",N,N")
    matrix.write_text(text.replace(row, row[:-4] + ",II,N"), encoding="utf-8-sig")
    done = weigh_text(env, "--db", str(a), "import", str(matrix), "--case", "shared", "--replace")
    assert done.returncode == 0, done.stderr
    done = weigh_text(env, "--db", str(a), "sync", str(shared))
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr
    assert "first sync" not in done.stdout and "rewritten" in done.stdout
    done = weigh_here("--db", str(b), "sync", str(shared))
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr
    both = {"E1": {"H1": "II", "H2": "N"}, "E2": {"H1": "N", "H2": "CC"}}
    with Store.open(b, readonly=True) as store:
        assert ratings(store.case("shared")) == both
    with Store.open(a, readonly=True) as store:
        case = store.case("shared")
    assert ratings(case) == both and ratings(parse_case_file(shared.read_bytes())) == both
