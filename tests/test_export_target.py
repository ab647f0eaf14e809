"""`weigh export -o` attacked through its target: planted temp links, links, FIFOs, devices, umask."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import WeighRun, weigh, weigh_batch
from tui.state_file import remember_case

TIMEOUT = 60


def summary(env: dict[str, str]) -> bytes:
    """The Markdown summary on standard output, from a process as the export below is (the
    tests fix this process's today; "overdue" depends on it)."""
    done = weigh(env, "export", "--format", "md")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_planted_temp_file_links_are_not_followed(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    expected = summary(cli_env)  # also creates the database, so the export below only reads
    last = (
        int(Path("/proc/sys/kernel/ns_last_pid").read_text())
        if Path("/proc/sys/kernel/ns_last_pid").exists()
        else os.getpid()
    )
    for pid in range(last, last + 400):  # the old temp name for every likely next PID
        (out / f".report.md.{pid}.tmp").symlink_to(victim)
    done = weigh(cli_env, "export", "--format", "md", "-o", str(out / "report.md"))
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == b"precious"
    report = out / "report.md"
    assert not report.is_symlink() and report.read_bytes() == expected
    leftovers = [p for p in out.iterdir() if not p.is_symlink() and p.name != "report.md"]
    assert leftovers == []


def test_a_symlink_target_is_refused_and_left_alone(weigh_here: WeighRun, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "stdout-like"
    link.symlink_to(victim)
    done = weigh_here("export", "-o", str(link))
    assert done.returncode == 2
    err = str(done.stderr)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{link}: is a symbolic link" in err and "-o - for standard output" in err
    assert link.is_symlink() and os.readlink(link) == str(victim)
    assert victim.read_bytes() == b"precious"


def test_a_file_on_the_path_or_a_final_slash_is_refused_for_what_it_is(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    """The rules the export dialog shares: a file where a folder should be is named as one,
    and a path ending in '/' names a folder, so nothing is written to the file it names."""
    script = tmp_path / "k.sh"
    script.write_text("#!/bin/sh\n")
    done = weigh_here("export", "-o", f"{script}/x.md")
    assert done.returncode == 2
    assert f"{script}/x.md: {script} is a file, not a folder" in str(done.stderr)
    done = weigh_here("export", "-o", f"{tmp_path}/x.md/")
    assert done.returncode == 2
    assert f"{tmp_path}/x.md/: ends in '/', so it names a folder, not a file" in str(done.stderr)
    assert not (tmp_path / "x.md").exists() and script.read_text() == "#!/bin/sh\n"
    for dot in (".", f"{tmp_path}/."):  # tester: "-o ." said it ends in '/'
        done = weigh_here("export", "-o", dot)
        assert done.returncode == 2
        assert f"{dot}: names a folder, not a file; give a file name" in str(done.stderr), done.stderr


def test_dash_is_standard_output(cli_env: dict[str, str], tmp_path: Path) -> None:
    expected = summary(cli_env)
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "-o", "-"],
        check=False,
        env=cli_env,
        capture_output=True,
        timeout=TIMEOUT,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and done.stdout == expected
    assert not (tmp_path / "-").exists()


def test_a_fifo_a_device_or_a_socket_is_refused_without_waiting(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Red team: an export into a FIFO nobody reads never ended; weigh writes only regular files.
    (All in one child process, whose timeout fails a hang.)"""
    assert weigh_here("export", "--format", "md").returncode == 0
    os.mkfifo(tmp_path / "pipe")  # nobody reads it: opening it to write would block for ever
    targets = {tmp_path / "pipe": "a FIFO (named pipe)"}
    with contextlib.suppress(PermissionError):  # a node for the always-full device, made here
        os.mknod(tmp_path / "full", stat.S_IFCHR | 0o600, os.makedev(1, 7))
        targets[tmp_path / "full"] = "a character device"
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "sock"))
    targets[tmp_path / "sock"] = "a socket"
    before = {target: os.lstat(target) for target in targets}
    ran = weigh_batch(cli_env, *(["export", "-o", str(target)] for target in targets))
    for (target, kind), done in zip(targets.items(), ran, strict=True):
        err = done.stderr
        assert done.returncode == 2 and err.count("\n") == 1, err
        assert err.startswith(f"weigh: error: {target}: is {kind}; weigh writes exports only to "
                              "regular files")
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino) == (before[target].st_mode, before[target].st_ino)
    listening.close()


def test_a_permissive_umask_does_not_open_up_weighs_files(weigh_here: WeighRun, tmp_path: Path) -> None:
    """The commands run in this process, under its umask set to 0 (as a process started
    with umask 0 would be: weigh never sets its own)."""
    db = tmp_path / "new" / "deeper" / "weigh.json"
    report = tmp_path / "report.md"
    case_file = tmp_path / "case.weigh.json"
    assert weigh_here("export", "--format", "case", "-o", str(case_file)).returncode == 0
    old = os.umask(0)
    try:
        done = weigh_here("--db", str(db), "import", str(case_file), "--case", "copy")
        assert done.returncode == 0, done.stderr  # a writing command creates the database
        done = weigh_here("--db", str(db), "export", "--case", "copy", "-o", str(report))
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o700
        assert stat.S_IMODE(os.stat(tmp_path / "new" / "deeper").st_mode) == 0o700
        assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(report).st_mode) == 0o600
        # Replacing an export keeps the permissions its owner gave it.
        os.chmod(report, 0o644)
        assert weigh_here("--db", str(db), "export", "--case", "copy", "-o", str(report)).returncode == 0
        assert stat.S_IMODE(os.stat(report).st_mode) == 0o644
    finally:
        os.umask(old)


def test_the_state_file_ignores_a_permissive_umask(tmp_path: Path) -> None:
    state = tmp_path / "state" / "weigh" / "state.json"
    old = os.umask(0)
    try:
        remember_case(state, tmp_path / "weigh.json", "istanbul-2022")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(state.parent.parent).st_mode) == 0o700


def own_files(db: Path) -> dict[str, Path]:
    """The database's files under other names: a hard link, a symlink, the names themselves."""
    (db.parent / "hard").mkdir()
    os.link(db, db.parent / "hard" / "copy.json")
    (db.parent / "via-link.md").symlink_to(db.with_name(db.name + ".lock"))
    return {
        "database": db,
        "journal": db.with_name(db.name + ".journal"),
        "lock": db.with_name(db.name + ".lock"),
        "hard link to the database": db.parent / "hard" / "copy.json",
        "symlink to the lock": db.parent / "via-link.md",
    }


def test_an_export_onto_weighs_own_files_is_refused(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Red team: `weigh export -o weigh.json.journal` lost three acknowledged edits.
    (The first file as a process, the others through the same main in this process.)"""
    db = Path(cli_env["WEIGH_DB"])
    db.with_name(db.name + ".journal").write_bytes(b"")  # a workbench has it open
    db.with_name(db.name + ".lock").write_bytes(b"")
    for n, (what, target) in enumerate(own_files(db).items()):
        before = db.read_bytes()
        if n == 0:
            ran = weigh(cli_env, "export", "-o", str(target))
            code, err = ran.returncode, ran.stderr.decode()
        else:
            here = weigh_here("export", "-o", str(target))
            code, err = here.returncode, str(here.stderr)
        assert code == 2, what
        assert err.count("\n") == 1 and "an export never overwrites weigh's own files" in err, what
        assert db.read_bytes() == before


def test_the_dialogs_check_refuses_them_and_fifos(tmp_path: Path) -> None:
    from evidence.db_files import DbFiles, export_target_problem

    db = tmp_path / "weigh.json"
    for path in (db, db.with_name("weigh.json.journal"), db.with_name("weigh.json.lock")):
        path.write_bytes(b"{}")
    files = DbFiles.at(db)
    for target in own_files(db).values():
        assert "weigh's own files" in (export_target_problem(target, files) or "")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = export_target_problem(fifo, files) or ""
    assert refused.startswith(f"{fifo}: is a FIFO (named pipe); weigh writes exports only to regular")
    assert export_target_problem(tmp_path / "report.md", files) is None


def test_a_fifo_swapped_in_after_the_check_is_replaced_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process puts a FIFO where the check saw a file: the rename never opens it."""
    from evidence import export

    target = tmp_path / "report.md"
    os.mkfifo(target)
    monkeypatch.setattr(export, "export_target_problem", lambda *checked: None)
    writer = threading.Thread(target=export.write_file, args=(target, b"report"), daemon=True)
    writer.start()
    writer.join(TIMEOUT)
    if writer.is_alive():  # a regression opened the FIFO to write into it: let it go
        os.close(os.open(target, os.O_RDONLY | os.O_NONBLOCK))
    assert stat.S_ISREG(os.lstat(target).st_mode), "still the FIFO: the write failed"  # never block
    assert target.read_bytes() == b"report"


def test_an_export_onto_another_weigh_database_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Red team: `weigh export -o other.json` replaced another database, even one open in the
    workbench. A database is known by its _meta table (as weigh writes it, or TinyDB with
    spaces) or by a journal or lock beside it; each is refused, untouched."""
    from evidence.seed import open_store

    closed = tmp_path / "closed.json"  # weigh's own layout, with no journal or lock beside it
    open_store(closed).close()
    for beside in (".journal", ".lock"):
        closed.with_name(closed.name + beside).unlink(missing_ok=True)
    by_tinydb = tmp_path / "by-tinydb.json"  # TinyDB's own layout: _meta first, with spaces
    by_tinydb.write_text('{"_meta": {"1": {"format": "weigh", "schema": 2, "seq": 0}}, "cases": {}}')
    locked = tmp_path / "locked.json"  # any file, with the lock a workbench leaves beside it
    locked.write_text("{}")
    locked.with_name("locked.json.lock").write_text("")
    in_use = tmp_path / "in-use.json"
    holder = open_store(in_use)  # the workbench has it open: its lock is held
    targets = [closed, by_tinydb, locked, in_use]
    try:
        before = {target: target.read_bytes() for target in targets}
        ran = weigh_batch(cli_env, *(["export", "--format", "case", "-o", str(t)] for t in targets),
                          ["sync", str(closed)])
        assert {target: target.read_bytes() for target in targets} == before
    finally:
        holder.close()
    for target, done in zip([*targets, closed], ran, strict=True):
        assert done.returncode == 2 and not done.stdout, (target, done)
        assert done.stderr.splitlines() == [
            f"weigh: error: {target} is a weigh database: choose another file"
            + (" (see 'weigh export --help')" if done.args[1] == "export" else "")], done
    summary_file = tmp_path / "summary.json"  # a JSON summary that names the words is not one
    summary_file.write_text('{"text": "\\"_meta\\": {\\"1\\": {\\"format\\": \\"weigh\\""}')
    assert weigh_batch(cli_env, ["export", "-o", str(summary_file)])[0].returncode == 0


def test_sync_refuses_a_link_or_a_fifo_in_words_that_fit_sync(cli_env: dict[str, str],
                                                              tmp_path: Path) -> None:
    """`weigh sync` has no -o: its refusal of a link does not offer one, and a FIFO is named as
    the sync file, not an export."""
    target = tmp_path / "shared.json"
    target.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    ran = weigh_batch(cli_env, ["sync", str(link)], ["sync", str(fifo)])
    assert [done.stderr for done in ran] == [
        f"weigh: error: {link}: is a symbolic link; weigh neither writes through nor replaces links "
        "(give the file it points to)\n",
        f"weigh: error: {fifo}: is a FIFO (named pipe); the sync file must be a regular file\n",
    ]
    assert [done.returncode for done in ran] == [2, 2] and link.is_symlink()


def test_an_export_onto_another_databases_journal_or_lock_is_refused(cli_env: dict[str, str],
                                                                     tmp_path: Path) -> None:
    """Red team: `-o other.json.journal` replaced the journal of another database, whose next
    open took the export for a torn tail and dropped its acknowledged edits unseen. A file
    merely named so (no database, no other companion beside it) is written."""
    from evidence.seed import DEFAULT_CASE_ID, open_store
    from evidence.store import Store

    other = tmp_path / "other.json"
    store = open_store(other)
    store.set_rating(DEFAULT_CASE_ID, "E1", "H1", "CC")
    journal = other.with_name("other.json.journal")
    lock = other.with_name("other.json.lock")
    kept = journal.read_bytes()  # the store stays open: the edit is in its journal only
    plain = tmp_path / "notes.journal"
    ran = weigh_batch(cli_env, ["export", "-o", str(journal)], ["export", "-o", str(lock)],
                      ["export", "-o", str(plain)], ["export", "-o", str(plain)])
    store.close()
    assert [done.returncode for done in ran] == [2, 2, 0, 0]
    assert ran[0].stderr.startswith(f"weigh: error: {journal} is the journal of the weigh database "
                                    "other.json: choose another file")
    assert ran[1].stderr.startswith(f"weigh: error: {lock} is the lock file of the weigh database "
                                    "other.json: choose another file")
    assert plain.read_bytes().startswith(b"# ")
    with Store.open(other, readonly=True) as again:
        assert again.evidence(DEFAULT_CASE_ID, "E1").ratings["H1"] == "CC"
    assert b'"CC"' in kept


def test_a_folder_that_cannot_be_synced_is_told_as_written_but_not_crash_safe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder one may write to but not read (mode -wx) cannot be opened to sync the new
    name: the export is in place, and was reported as 'cannot write'. (Root ignores the
    mode bits, so the folder's refusal is injected.)"""
    from evidence import export, fsio
    from evidence.errors import WeighError

    def unreadable(path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsio, "fsync_dir", unreadable)
    target = tmp_path / "out.md"
    with pytest.raises(WeighError) as told:
        export.write_file(target, b"the summary")
    assert str(told.value) == (f"{target}: written, but its folder cannot be synced (Permission denied),"
                               " so the file may be lost if the machine crashes now")
    assert target.read_bytes() == b"the summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temp file left


def test_a_read_only_target_is_refused_and_left_alone(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Tester: ``weigh export -o report.md`` replaced a report its owner had made read-only
    (``chmod a-w``): the rename needs only the folder writable, so the export went through
    where ``> report.md`` is refused. The sync file is refused the same way."""
    report = tmp_path / "report.md"
    report.write_bytes(b"signed off")
    os.chmod(report, 0o444)
    shared = tmp_path / "shared.json"
    assert weigh_here("export", "--format", "case", "-o", str(shared)).returncode == 0
    os.chmod(shared, 0o444)
    before = shared.read_bytes()
    for args, target in ((["export", "-o", str(report)], report), (["sync", str(shared)], shared)):
        done = weigh_here(*args)
        err = str(done.stderr)
        assert done.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert f"{target}: is read-only; weigh does not replace it (make it writable, " in err, err
    assert report.read_bytes() == b"signed off" and shared.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
