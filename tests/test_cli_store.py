"""The CLI and the database: reads never create, writes say who holds the lock (or wait),
`weigh delete` needs --yes, and every read goes through TinyDB with weigh's storage."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from evidence.case_file import dump_case_file
from evidence.seed import DEFAULT_CASE_ID, default_case, open_store
from evidence.store import Store
from tests.conftest import ROOT, WeighRun, weigh_batch
from tests.test_case_file import full_case
from tests.test_cli import fail, weigh


def test_read_only_commands_never_create_a_database(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    missing = tmp_path / "mistyped" / "x.json"
    for command in (["cases"], ["export"], ["export", "--format", "json"]):
        run = cli_env if command == ["cases"] else weigh_here  # one as a process; the rest here
        line = fail(run, "--db", str(missing), *command)
        assert line.startswith(f"weigh: error: {missing}: no such database (the workbench, 'weigh', "
                               "or 'weigh import FILE' creates one)")
    assert not missing.parent.exists()
    beside = tmp_path / "x.json"  # an existing folder: no file appears in it either
    assert "no such database" in fail(weigh_here, "--db", str(beside), "cases")
    assert not any(p.name.startswith("x.json") for p in tmp_path.iterdir())


def test_a_database_or_ours_typed_as_a_folder_is_refused(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tester: '--db new.json/' made the database new.json, and 'weigh merge B o.json/ T'
    rewrote o.json: a final '/' names a folder (an export and a sync refuse it so)."""
    folder = tmp_path / "typed"
    folder.mkdir()
    case = folder / "case.json"
    case.write_text(dump_case_file(full_case()))
    slash = "ends in '/', so it names a folder, not a file; give a file name"
    for command in (["import", str(case)], ["cases"]):
        line = fail(weigh_here, "--db", f"{folder}/new.json/", *command)
        assert line == f"weigh: error: --db: {folder}/new.json/: {slash}"
    monkeypatch.setenv("WEIGH_DB", f"{folder}/env.json/")
    assert "weigh: error: WEIGH_DB: " in fail(weigh_here, "import", str(case))
    line = fail(weigh_here, "merge", str(case), f"{case}/", str(case))
    assert line == f"weigh: error: OURS {case}/: {slash}"
    assert sorted(p.name for p in folder.iterdir()) == ["case.json"]


def test_an_unknown_case_names_at_most_twenty_others(weigh_here: WeighRun, tmp_path: Path) -> None:
    """Tester: in a database of many cases, 'weigh export --case typo' (and delete) named every
    case id in its one error line."""
    db = tmp_path / "many" / "weigh.json"
    db.parent.mkdir()
    with Store.open(db) as store:
        for i in range(30):
            store.put_case(full_case().model_copy(update={"id": f"case-{i:02d}"}))
    for command in (["export", "--case", "typo"], ["delete", "typo", "--yes"], ["export"]):
        line = fail(weigh_here, "--db", str(db), *command)
        assert "case-19 and 10 more: see 'weigh cases'" in line and "case-20" not in line, line


def test_delete_needs_yes_and_says_what_it_deleted(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    db = tmp_path / "other.json"
    cli_env = {**cli_env, "WEIGH_DB": str(db)}
    other = ("--db", str(db))  # the refusals through main in this process; the delete itself as a process
    for yes in (("--yes",), ()):  # without --yes too: no warning about a case that is not there
        assert "no such database" in fail(weigh_here, *other, "delete", DEFAULT_CASE_ID, *yes)
    assert not db.exists() and not db.with_name("other.json.lock").exists()  # nothing created
    open_store(db).close()
    assert fail(weigh_here, *other, "delete", "nope") == (
        f"weigh: error: no case 'nope' in {db} (cases: {DEFAULT_CASE_ID})")
    line = fail(weigh_here, *other, "delete", DEFAULT_CASE_ID)
    assert line == (f"weigh: error: deleting case '{DEFAULT_CASE_ID}' cannot be undone from the "
                    f"command line; run 'weigh delete {DEFAULT_CASE_ID} --yes' to delete it")
    assert Store.open(db, readonly=True).case_ids() == [DEFAULT_CASE_ID]
    assert "no case 'nope'" in fail(weigh_here, *other, "delete", "nope", "--yes")
    done = weigh(cli_env, "delete", DEFAULT_CASE_ID, "--yes")
    assert done.stdout.startswith(f"Deleted case {DEFAULT_CASE_ID} (")
    assert f"6 hypotheses, {len(default_case().evidence)} evidence." in done.stdout
    assert weigh(weigh_here, *other, "cases").stdout == ""
    assert Store.open(db, readonly=True).history(DEFAULT_CASE_ID)[-1].op == "case.delete"


def test_delete_while_the_workbench_has_it_open_is_refused_in_one_line(cli_env: dict[str, str]) -> None:
    db = Path(cli_env["WEIGH_DB"])
    store = open_store(db)
    try:
        line = fail(cli_env, "delete", DEFAULT_CASE_ID, "--yes")
        assert f"is open in another weigh (PID {os.getpid()})" in line
        assert store.case_ids() == [DEFAULT_CASE_ID]
    finally:
        store.close()


def test_import_wait_goes_ahead_when_the_workbench_closes(cli_env: dict[str, str], tmp_path: Path) -> None:
    """The workbench is this process's store; the waiting import is a process of its own."""
    db = Path(cli_env["WEIGH_DB"])
    src = tmp_path / "case.weigh.json"
    src.write_text(dump_case_file(full_case()))
    holder = open_store(db)
    waiter = None
    try:
        waiter = subprocess.Popen([sys.executable, "-m", "tui.cli", "import", str(src), "--wait"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  cwd=ROOT, env=cli_env)
        assert waiter.stderr is not None
        notice = waiter.stderr.readline()
        assert notice.startswith(f"weigh: waiting for another weigh (PID {os.getpid()}) to close")
        time.sleep(0.5)
        assert waiter.poll() is None  # still waiting its turn
    finally:
        holder.close()
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0, err
    assert "Imported case full" in out
    assert sorted(Store.open(db, readonly=True).case_ids()) == sorted([DEFAULT_CASE_ID, "full"])


def test_delete_takes_the_wait_its_refusal_offers(cli_env: dict[str, str]) -> None:
    """Tester: while the workbench held the database, 'weigh delete ID --yes' said 'add --wait
    to 'weigh delete'', and 'weigh delete ID --yes --wait' was 'unrecognized arguments'."""
    db = Path(cli_env["WEIGH_DB"])
    holder = open_store(db)
    waiter = None
    try:
        refused = fail(cli_env, "delete", DEFAULT_CASE_ID, "--yes")
        assert "or add --wait to 'weigh delete' to go ahead as soon as it closes" in refused
        command = [sys.executable, "-m", "tui.cli", "delete", DEFAULT_CASE_ID, "--yes", "--wait"]
        waiter = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  cwd=ROOT, env=cli_env)
        assert waiter.stderr is not None
        notice = waiter.stderr.readline()
        assert notice.startswith(f"weigh: waiting for another weigh (PID {os.getpid()}) to close"), notice
    finally:
        holder.close()
    assert waiter is not None
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0, err
    assert out.startswith(f"Deleted case {DEFAULT_CASE_ID} ")
    assert Store.open(db, readonly=True).case_ids() == []


def test_cli_reads_go_through_tinydb_with_weighs_storage(
    weigh_here: WeighRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every TinyDB the commands open, spied on in this process, is given weigh's storage."""
    import tinydb

    from evidence.database import WeighStorage

    real = tinydb.TinyDB.__init__
    opened: list[object] = []

    def spy(self: tinydb.TinyDB, *args: Any, **kwargs: Any) -> None:
        opened.append(kwargs.get("storage"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(tinydb.TinyDB, "__init__", spy)
    for command in (["cases"], ["export", "--format", "json"]):
        opened.clear()
        done = weigh_here(*command)
        assert done.returncode == 0, done.stderr
        assert len(opened) >= 1 and all(storage is WeighStorage for storage in opened), opened


def test_an_empty_database_path_is_refused_before_anything_is_opened(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """`--db ''` or an empty WEIGH_DB (a script's variable that came out empty) is an error,
    never the user's own database in the data folder, which is neither read nor created."""
    data_home = tmp_path / "data"
    env = {**cli_env, "XDG_DATA_HOME": str(data_home)}
    case_file = tmp_path / "case.json"
    case_file.write_text(dump_case_file(default_case()), encoding="utf-8")
    calls = (["--db", "", "cases"], ["--db", "", "import", str(case_file)],
             ["--db", "", "export", "-o", str(tmp_path / "out.md")])
    for env_db in (None, ""):
        run_env = {k: v for k, v in env.items() if k != "WEIGH_DB"}
        if env_db is not None:
            run_env["WEIGH_DB"] = env_db
            runs = weigh_batch(run_env, ["cases"], ["import", str(case_file)], ["sync", str(case_file)])
            label = "WEIGH_DB"
        else:
            runs = weigh_batch(run_env, *calls)
            label = "--db"
        for done in runs:
            assert done.returncode == 2, done
            assert done.stderr.splitlines()[0].startswith(f"weigh: error: {label}: the path is empty"), done
            assert done.stderr.count("\n") == 1 and not done.stdout
    assert not data_home.exists() and not (tmp_path / "out.md").exists()


def test_an_empty_file_argument_is_refused_never_taken_as_a_default(cli_env: dict[str, str]) -> None:
    """`-o ''` is not standard output (that is `-o -`), and an empty FILE is not the current
    folder: each is one line naming the argument."""
    runs = weigh_batch(cli_env, ["export", "-o", ""], ["import", ""], ["sync", ""],
                       ["merge", "base.json", "", "theirs.json"], ["export", "-o", "-"])
    for done, label in zip(runs, ("-o", "FILE", "FILE", "OURS"), strict=False):
        assert done.returncode == 2 and not done.stdout, done
        assert done.stderr.startswith(f"weigh: error: {label}: the path is empty"), done
    assert runs[-1].returncode == 0 and runs[-1].stdout.startswith("# ")


def test_import_and_sync_into_a_new_database_bring_only_their_case(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """A colleague's copy of the bundled case, imported as the first command on a new
    database: weigh seeded the bundled case first and then refused the colleague's as a case
    that already exists. Import and sync now create the database with their case alone;
    the workbench seeds only a database it creates itself."""
    theirs = default_case().model_copy(update={"title": "Istanbul, as ana left it"})
    shared = tmp_path / "istanbul.json"
    shared.write_text(dump_case_file(theirs), encoding="utf-8")
    new = tmp_path / "new" / "weigh.json"
    said = weigh(cli_env, "--db", str(new), "import", str(shared)).stdout
    assert f"Imported case {DEFAULT_CASE_ID}" in said
    with Store.open(new, readonly=True) as store:
        assert store.case_ids() == [DEFAULT_CASE_ID]
        assert store.case(DEFAULT_CASE_ID).title == "Istanbul, as ana left it"
    synced = tmp_path / "synced.json"
    weigh(cli_env, "--db", str(synced), "sync", str(shared))
    with Store.open(synced, readonly=True) as store:
        assert store.case_ids() == [DEFAULT_CASE_ID]
        assert store.case(DEFAULT_CASE_ID).title == "Istanbul, as ana left it"
