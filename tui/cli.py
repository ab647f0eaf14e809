"""The `weigh` command. Only bare `weigh` and `weigh serve` import Textual.

Every failure is one line on stderr and exit status 2: analysts script this.
Each command imports what it needs when it runs (hence the imports inside the
functions): `weigh --help` and a usage error load neither pydantic nor the
store, and the commands other than bare `weigh` and `weigh serve` never load
Textual (tests/test_layering.py checks it).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from evidence.errors import WeighError
from evidence.location import home_expanded
from hypotheses.scoring_models import DEFAULT_MODEL, MODELS
from hypotheses.visible import for_terminal, visible
from hypotheses.vocabulary import counted, first_few, listed, why_no_day

if TYPE_CHECKING:  # the store pulls in pydantic: imported only by the commands that need it
    from evidence.formats import FileFormat
    from evidence.store import Store
    from hypotheses.merge import Conflict, Renumbered
    from hypotheses.models import Case

EXIT_ERROR = 2

LAST_CASE_HELP = "case (default: the case last open in the workbench, else the only one, else istanbul-2022)"


def say(text: str, file: TextIO | None = None) -> None:
    """Print weigh's own output with every control character shown, never obeyed."""
    print(visible(text), file=file)


class UsageError(WeighError):
    """Bad command-line arguments."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # the help of the command that was mistyped: 'weigh export --help' lists export's options
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        # '2025-06-31' is written as asked: say which day does not exist, not how to write one
        raise argparse.ArgumentTypeError(f"{text!r} is not a date ({why_no_day(text)})") from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0–65535)")
    return port


def _case_id(text: str) -> str:
    """A case id to import under, checked before the file is read (a bad one is the option's
    fault: the file's own words about its ids would point at the file)."""
    from hypotheses.slug import CASE_ID_LIMIT, CASE_ID_WORDS, is_case_id, not_an_id

    if not is_case_id(text):
        raise argparse.ArgumentTypeError(not_an_id(text, "a case id", CASE_ID_WORDS, CASE_ID_LIMIT))
    return text


def _db_options() -> _Parser:
    """--db and --analyst, which the workbench and every command take."""
    db = _Parser(add_help=False)
    db.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: $WEIGH_DB, else weigh.json in the user data directory)",
    )
    db.add_argument(
        "--analyst",
        metavar="ID",
        default=argparse.SUPPRESS,
        help="act as this analyst of a team case (default: $WEIGH_ANALYST, else your login name)",
    )
    return db


def _workbench_parser(db: argparse.ArgumentParser, *, add_help: bool = True) -> argparse.ArgumentParser:
    """`weigh` and its own options, without the commands."""
    parser = _Parser(
        prog="weigh",
        description=(
            "Analysis of Competing Hypotheses in the terminal. Without a command, opens the workbench."
        ),
        parents=[db],
        add_help=add_help,
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--exports", metavar="DIR", default=argparse.SUPPRESS,
                       help="the export dialog writes only inside DIR")
    where.add_argument("--no-exports", action="store_true", default=argparse.SUPPRESS,
                       help="the export dialog writes no files ('weigh serve' starts its workbenches"
                            " so, unless given --exports)")
    return parser


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. Bare `weigh` (no command, no --help) is parsed without the commands'
    parsers, which take a while to build and list the file formats: the workbench's first
    frame waits for this. Anything else, errors included, goes to the whole parser."""
    bare = _workbench_parser(_db_options(), add_help=False)
    bare.set_defaults(command=None)
    try:
        return bare.parse_args(argv)
    except UsageError:
        return build_parser().parse_args(argv)


def build_parser() -> argparse.ArgumentParser:
    """`weigh` with every command."""
    from evidence.formats import EXPORT_FORMATS, IMPORT_FORMATS  # bare `weigh` does without

    db = _db_options()
    parser = _workbench_parser(db)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("cases", parents=[db], help="list the cases in the database")
    imp = sub.add_parser(
        "import", parents=[db],
        help=f"import a case file ({', '.join(f.label for f in IMPORT_FORMATS)})",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--case", metavar="ID", type=_case_id, help="import under this case id")
    imp.add_argument("--replace", action="store_true", help="replace an existing case with the same id")
    imp.add_argument(
        "--wait", action="store_true", help="if the workbench has the database open, wait until it closes"
    )
    dele = sub.add_parser("delete", parents=[db], help="delete a case from the database (needs --yes)")
    dele.add_argument("case_id", metavar="ID")
    dele.add_argument("--yes", action="store_true", help="really delete it")
    dele.add_argument(
        "--wait", action="store_true", help="if the workbench has the database open, wait until it closes"
    )
    exp = sub.add_parser("export", parents=[db], help="write a summary or the case itself")
    exp.add_argument("--case", metavar="ID", help=LAST_CASE_HELP)
    exp.add_argument("--format", choices=[f.name for f in EXPORT_FORMATS], default="md")
    exp.add_argument("--model", choices=MODELS, default=DEFAULT_MODEL, help="model that orders the ranking")
    exp.add_argument("--as-of", type=_as_of, metavar="DATE",
                     help="score as of DATE: items known only after it take no part (md, json, html)")
    exp.add_argument("--history", action="store_true", help="add the change log (md, html)")
    exp.add_argument(
        "--lens", metavar="team|ANALYST", default="team",
        help="a team case seen as the team's consensus (default) or one analyst's votes",
    )
    exp.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE ('-': standard output, the default)"
    )
    team = sub.add_parser(
        "make-team", parents=[db],
        help="make a case a team case: its ratings and notes become yours, others add theirs",
    )
    team.add_argument("--case", metavar="ID", help=LAST_CASE_HELP)
    team.add_argument(
        "--wait", action="store_true", help="if the workbench has the database open, wait until it closes"
    )
    mrg = sub.add_parser(
        "merge", parents=[db],
        help="merge two versions of a case file against their base (git's merge driver: %%O %%A %%B)",
    )
    mrg.add_argument("base", metavar="BASE")
    mrg.add_argument("ours", metavar="OURS", help="written with the result")
    mrg.add_argument("theirs", metavar="THEIRS")
    syn = sub.add_parser(
        "sync", parents=[db],
        help="merge the database's case and a shared case file both ways (conflicts: exit 1)",
    )
    syn.add_argument("file", metavar="FILE", help="the shared case file (written with the result)")
    syn.add_argument("--case", metavar="ID", help="the case (default: the file's; needed for a new file)")
    syn.add_argument(
        "--wait", action="store_true",
        help="if the workbench has the database open, or another weigh is syncing in the file's "
             "folder, wait until it is done",
    )
    srv = sub.add_parser("serve", parents=[db],
                         help="serve the workbench to a browser (on 127.0.0.1 unless --host)")
    srv.add_argument("--port", type=_port, default=8000,
                     help="port to listen on (default 8000; 0 picks a free one)")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--exports", metavar="DIR", default=argparse.SUPPRESS,
                     help="let the served workbenches write exports inside DIR (default: no exports)")
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    from evidence.location import resolve_db_path

    return resolve_db_path(getattr(args, "db", None))


def _pick_case(store: Store, wanted: str | None, db_path: Path) -> str:
    """The case named, else the one last open in the workbench on this database, else the
    only one, else the bundled one: what the analyst was just working on."""
    from evidence.seed import DEFAULT_CASE_ID
    from tui.state_file import default_state_file, last_case

    ids = store.case_ids()
    if wanted is not None:
        if wanted not in ids:
            raise WeighError(f"--case: no case {wanted!r} in {store.path} (cases: {_listed(ids)})")
        return wanted
    last = last_case(default_state_file(), db_path)
    if last in ids:
        return last
    if len(ids) == 1:
        return ids[0]
    if DEFAULT_CASE_ID in ids:
        return DEFAULT_CASE_ID
    if not ids:
        raise WeighError(f"{store.path} holds no cases; import one with 'weigh import FILE'")
    raise WeighError(f"several cases in {store.path}; name one with --case ({_listed(ids)})")


#: The case ids an error line names (``weigh cases`` lists them all).
LISTED_CASES = 20


def _listed(ids: list[str]) -> str:
    """Case ids for an error line: a database of 10,000 cases made a line of 10,000 ids."""
    if len(ids) <= LISTED_CASES:
        return ", ".join(ids) or "none"
    return f"{first_few(ids, LISTED_CASES)}: see 'weigh cases'"


def cmd_cases(args: argparse.Namespace) -> int:
    from evidence.seed import open_store

    store = open_store(_db_path(args), readonly=True)
    try:
        for s in store.summaries():
            counts = f"{counted(s.hypotheses, 'hypothesis')}\t{s.evidence} evidence\tupdated {s.updated}"
            print(f"{s.id}\t{visible(s.title)}\t{counts}")  # tab-separated: the fields are shown safely
    finally:
        store.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Read and parse the file before taking the writer lock, then write it in one edit.

    Once the edit is acknowledged the case is in the database (its journal): a
    failure to fold the journal into the file afterwards (a full disk) is a
    warning, not a failed import, and the same import again is a no-op.
    """
    from evidence.importing import parse_import, store_existing, store_import
    from evidence.limits import ImportFile
    from evidence.seed import open_store

    path = home_expanded(args.file)
    with ImportFile.open(path) as source:  # read in pieces, parsed before the lock is taken
        parsed = parse_import(path, source, args.case, _peek_existing(_db_path(args)))
        store = _open_for_writing(args, lambda db: open_store(db, seed=False), wait=args.wait)
        try:
            if not parsed.still_fits(store):  # the case it updates changed meanwhile: read it again
                parsed = parse_import(path, source, args.case, store_existing(store))
            result = store_import(store, parsed, replace=args.replace)
        except BaseException:
            store.close_quietly()
            raise
    unfolded = store.close_reporting()
    for line in result.report:
        say(line)
    if result.unchanged:
        say(f"Case {result.case_id} is already in the database as this file has it; nothing to do.")
    else:
        say(f"Imported case {result.case_id}: {counted(result.hypotheses, 'hypothesis')}, "
            f"{result.evidence} evidence.")
    if unfolded:
        say(f"weigh: warning: {unfolded}", file=sys.stderr)
    return 0


def _peek_existing(db: Path) -> Callable[[str], Case | None]:
    """The database's case with an id, read without the writer lock (a CSV update reads it)."""
    from evidence.store import Store

    def existing(case_id: str) -> Case | None:
        if not db.exists():
            return None
        with Store.open(db, readonly=True) as store:
            return store.case(case_id) if store.has_case(case_id) else None

    return existing


def _open_for_writing(
    args: argparse.Namespace, opener: Callable[[Path], Store], *, wait: bool = False
) -> Store:
    """The store for a writing command; while the workbench holds it, say so (or wait)."""
    from evidence.errors import DatabaseLocked
    from evidence.lock import holder

    db = _db_path(args)
    announced = False
    while True:
        try:
            return opener(db)
        except DatabaseLocked:
            if not wait:
                raise WeighError(
                    f"{db} is open in {holder(db)}; close it first, or add --wait to "
                    f"'weigh {args.command}' to go ahead as soon as it closes"
                ) from None
            if not announced:
                say(f"weigh: waiting for {holder(db)} to close {db} (ctrl+c gives up)", file=sys.stderr)
                announced = True
            time.sleep(0.25)


def _must_have(store: Store, case_id: str, db: Path) -> None:
    if not store.has_case(case_id):
        raise WeighError(f"no case {case_id!r} in {db} (cases: {_listed(store.case_ids())})")


def cmd_delete(args: argparse.Namespace) -> int:
    from evidence.store import Store

    db = _db_path(args)
    if not args.yes:  # a case that is not there is said first: --yes would not help
        with Store.open(db, readonly=True) as peek:
            _must_have(peek, args.case_id, db)
        raise UsageError(
            f"deleting case {args.case_id!r} cannot be undone from the command line; "
            f"run 'weigh delete {args.case_id} --yes' to delete it"
        )
    store = _open_for_writing(args, lambda path: Store.open(path, create=False), wait=args.wait)
    try:
        _must_have(store, args.case_id, db)
        case = store.delete_case(args.case_id)
    finally:
        store.close()
    say(
        f"Deleted case {case.id} ({visible(case.title)}): {counted(len(case.hypotheses), 'hypothesis')}, "
        f"{len(case.evidence)} evidence."
    )
    return 0


def cmd_make_team(args: argparse.Namespace) -> int:
    from evidence.store import Store

    store = _open_for_writing(args, lambda path: Store.open(path, create=False), wait=args.wait)
    try:
        case_id = _pick_case(store, args.case, _db_path(args))
        store.make_team(case_id)
        who = store.analyst
    finally:
        store.close()
    say(f"Case {case_id} is now a team case: its ratings and notes are {who}'s. Each analyst "
        "adds their own by rating it as themselves (weigh --analyst ID, or WEIGH_ANALYST).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from evidence.db_files import DbFiles
    from evidence.export import export_bytes, write_file
    from evidence.formats import file_format, lens_note
    from evidence.seed import open_store
    from hypotheses.team import lens_case

    fmt = file_format(args.format)
    if fmt.binary and not args.output:
        raise UsageError(f"--format {fmt.name} writes a binary file: give -o FILE")
    _check_follows(fmt, args)
    store = open_store(_db_path(args), readonly=True)
    try:
        case_id = _pick_case(store, args.case, _db_path(args))
        case = store.case(case_id)
        history = _history(store, case_id) if args.history else None
    finally:
        store.close()
    lens = _lens(case, args.lens, fmt)
    data = export_bytes(case, args.format, model=args.model, as_of=args.as_of, history=history, lens=lens)
    note = lens_note(fmt, case, lens)
    if note:
        say(note, file=sys.stderr)
    for line in fmt.loss_report(lens_case(case, lens)):
        say(line, file=sys.stderr)
    if args.output and args.output != "-":
        # as typed: a final '/' names a folder, which a Path would drop
        path = write_file(args.output, data, DbFiles.at(_db_path(args)))
        say(f"Wrote {path}", file=sys.stderr)
    else:
        if sys.stdout.isatty():
            # Shown, not obeyed: a terminal never gets user text's control characters raw.
            if fmt.binary:
                raise UsageError(f"--format {fmt.name} writes a binary file: give -o FILE, not a terminal")
            data = for_terminal(data)
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _check_follows(fmt: FileFormat, args: argparse.Namespace) -> None:
    """--as-of and --history refused where the format would ignore them: a CSV 'as of' a date
    held every item, silently."""
    from evidence.formats import following

    for option, flag, given, ignored in (
        ("as_of", "--as-of", args.as_of is not None, "holds every item, whatever its date"),
        ("history", "--history", args.history, "holds no change log"),
    ):
        if given and option not in fmt.follows:
            raise UsageError(f"{flag}: --format {fmt.name} {ignored}; {flag} is for "
                             f"{', '.join(following(option))}")


def _history(store: Store, case_id: str) -> list[str]:
    """The case's change log, for --history (its module loads only then)."""
    from evidence.history import describe_change

    return [describe_change(r) for r in store.history(case_id)]


def _lens(case: Case, lens: str, fmt: FileFormat) -> str:
    """The export's lens, checked against the case: a one-line error otherwise."""
    from hypotheses.team import TEAM, check_lens

    try:
        check_lens(case, lens)
    except ValueError as exc:
        raise UsageError(f"--{exc}") from None
    if lens != TEAM and fmt.name == "case":
        raise UsageError("--lens: a case file keeps every analyst's votes; --lens chooses what "
                         "the summaries, the CSV matrix and the .achz file show")
    return lens


def cmd_merge(args: argparse.Namespace) -> int:
    """Exit 1 with each conflict on stderr (OURS's value kept, as git expects of a driver)."""
    from evidence.case_merge import line_merged, merge_files
    from evidence.location import typed_folder_problem

    folder = typed_folder_problem(args.ours)  # written: a final '/' must not name the file beside
    if folder is not None:
        raise WeighError(f"OURS {folder}")
    files = Path(args.base), Path(args.ours), Path(args.theirs)
    left = line_merged(*files)
    if left is not None:
        if left:
            say(f"weigh: not a weigh case file: merged line by line as git would; {left} "
                f"conflict{'s' if left > 1 else ''} marked in it (<<<<<<< ours … >>>>>>> theirs): "
                f"fix {'them' if left > 1 else 'it'}, then commit", file=sys.stderr)
        return 1 if left else 0
    merged = merge_files(*files)
    _say_merged(merged.renumbered, merged.conflicts)
    if merged.conflicts:
        # OURS is git's temporary name: not said
        say(f"weigh: {listed(len(merged.conflicts), 'conflict', 'above')} with the value kept in the "
            "file; fix what you disagree with there, then commit", file=sys.stderr)
        return 1
    return 0


def _say_merged(renumbered: Sequence[Renumbered], conflicts: Sequence[Conflict]) -> None:
    """A merge's notes and conflicts on stderr, a line each. A renumbering is a note: both
    elements were added and both kept, nothing to choose, so it never makes the exit status 1
    (git would mark the file conflicted for the user to resolve)."""
    for note in renumbered:
        say(f"weigh: note: {note.text()}", file=sys.stderr)
    for conflict in conflicts:
        say(f"weigh: conflict: {conflict.text()}", file=sys.stderr)


def cmd_sync(args: argparse.Namespace) -> int:
    """The file is read and checked before the writer lock (and again under the lock on its
    folder, which another weigh's sync may hold: say so, or wait); exit 1 lists the conflicts."""
    from evidence.db_files import DbFiles
    from evidence.errors import SyncBusy
    from evidence.seed import open_store
    from evidence.sync import read_sync_file, sync_case

    if args.file == "-":  # elsewhere standard input or output: never a file named '-'
        raise UsageError("FILE: '-' names no file here: weigh sync reads and rewrites a case "
                         "file; give its path")
    file = read_sync_file(args.file, DbFiles.at(_db_path(args)))
    store = _open_for_writing(args, lambda db: open_store(db, seed=False), wait=args.wait)

    def waiting() -> None:
        say(f"weigh: waiting for another weigh to finish syncing in {file.path.parent} "
            "(ctrl+c gives up)", file=sys.stderr)
        sys.stderr.flush()

    try:
        case_id = args.case
        if case_id is None and file.doc is None:  # a new file: the case last open, as export
            case_id = _pick_case(store, None, _db_path(args))
        try:
            result = sync_case(store, file, case_id, waiting if args.wait else None)
        except SyncBusy as exc:
            raise WeighError(f"{exc}, or add --wait to 'weigh sync' to go ahead as soon as it "
                             "is") from None
    except BaseException:
        store.close_quietly()
        raise
    unfolded = store.close_reporting()
    if result.first:
        say(f"weigh: {result.first}")
    say(result.summary())
    _say_merged(result.renumbered, result.conflicts)
    if unfolded:
        say(f"weigh: warning: {unfolded}", file=sys.stderr)
    if result.conflicts:
        # the kept value is the database's, or the change where the other side deleted
        say(f"weigh: {listed(len(result.conflicts), 'conflict', 'above')} with the value kept in both "
            "the database and the file (the other is in the change log); change what you disagree "
            "with and sync again", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import socket

    from tui.serve import GuardedServer, listen, workbench_command

    if not args.host.strip("[] "):  # a script's empty variable must not open every address
        raise WeighError("--host: the address is empty; give 0.0.0.0 (or '*') to listen on every "
                         "address, or leave --host out for 127.0.0.1")
    db = _db_path(args).absolute()
    command = workbench_command(sys.executable, db, _exports_folder(args))
    try:
        sock = listen(args.host, args.port)
    except OSError as exc:
        reason = (exc.strerror if isinstance(exc, socket.gaierror) and exc.strerror
                  else os.strerror(exc.errno) if exc.errno else exc)
        raise WeighError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
    server = GuardedServer(command, sock=sock, host=args.host, title="weigh")
    if server.token is not None:
        say(
            f"weigh: warning: listening on {args.host}, beyond this machine. The workbench has no"
            " authentication but the token in this URL: anyone who has the URL can read and change"
            " every case. Share it with no one; prefer the default 127.0.0.1.",
            file=sys.stderr,
        )
    say(f"Serving weigh on {server.start_url()} (ctrl+c stops)", file=sys.stderr)
    sys.stderr.flush()
    server.serve()
    return 0


def cmd_tui(args: argparse.Namespace) -> int:
    # Importing Textual makes some hundred thousand objects that live as long as the
    # process: the cyclic collector sits that out and they are frozen out of its way
    # (the app does the same for its own start-up).
    from hypotheses import gc_policy

    folder = _exports_folder(args)
    if folder is not None or getattr(args, "no_exports", False):
        from tui.export_place import ExportPlace, restrict_exports

        restrict_exports(ExportPlace(folder=folder, off=folder is None))
    with gc_policy.paused_then_frozen():
        from tui.app import run_app
    return run_app(_db_path(args))


def _exports_folder(args: argparse.Namespace) -> Path | None:
    """The folder --exports names, symlinks resolved; it must be one."""
    given = getattr(args, "exports", None)
    if given is None:
        return None
    folder = Path(os.path.realpath(home_expanded(given)))
    if not folder.is_dir():
        raise UsageError(f"--exports: {given} is not a folder")
    return folder


COMMANDS = {
    "cases": cmd_cases,
    "make-team": cmd_make_team,
    "import": cmd_import,
    "export": cmd_export,
    "delete": cmd_delete,
    "merge": cmd_merge,
    "sync": cmd_sync,
    "serve": cmd_serve,
}


def _act_as(args: argparse.Namespace) -> None:
    """Check the analyst asked for, and act as them in this process and the processes it
    starts (the workbench's, ``weigh serve``'s): every edit names them."""
    from evidence.analyst import ENV, checked_analyst

    if hasattr(args, "analyst"):
        os.environ[ENV] = checked_analyst(args.analyst, "--analyst")
    elif os.environ.get(ENV):
        checked_analyst(os.environ[ENV], ENV)


def _with_help(message: str, argv: Sequence[str] | None) -> str:
    """An export error also says where its options are explained."""
    words = sys.argv[1:] if argv is None else list(argv)
    if "export" in words and "--help" not in message:
        return f"{message} (see 'weigh export --help')"
    return message


# The arguments that name a file or folder, by the name an error gives each (--db and
# WEIGH_DB are checked where the database's path is decided, evidence.location).
_PATH_ARGS = {"file": "FILE", "base": "BASE", "ours": "OURS", "theirs": "THEIRS",
              "output": "-o", "exports": "--exports"}


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse an empty path before anything is opened: '' is never the default place
    (the user's own database, standard output, the current folder)."""
    from evidence.location import empty_path

    for dest, label in _PATH_ARGS.items():
        if getattr(args, dest, None) == "":
            raise empty_path(label)
    if args.command != "merge":  # the one command that never opens the database
        _db_path(args)


def main(argv: Sequence[str] | None = None) -> int:
    # weigh uses no pydantic plugin: without this, building the first model reads every
    # installed package's metadata looking for one (pydantic's documented switch)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if isinstance(sys.stdout, io.TextIOWrapper):  # an ASCII or Latin-1 locale: 'Caf\xe9', as
        sys.stdout.reconfigure(errors="backslashreplace")  # stderr shows it, not a traceback
    try:
        args = parse_arguments(argv)
        _check_paths(args)
        _act_as(args)
        return COMMANDS.get(args.command, cmd_tui)(args)
    except WeighError as exc:
        say(f"weigh: error: {_with_help(str(exc), argv)}", file=sys.stderr)
    except KeyboardInterrupt:
        print("weigh: interrupted", file=sys.stderr)
    except BrokenPipeError:  # e.g. `weigh export | head`
        pass
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        say(f"weigh: error: {_with_help(f'{name}{exc.strerror or exc}', argv)}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
