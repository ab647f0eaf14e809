"""The direction of dependency: tui → evidence → hypotheses, a pure analysis, and a CLI that starts fast.

Every module is found on disk, so a new module is covered the day it is added.
Two checks complement each other: importing every module in a fresh interpreter
shows what is loaded at import time, and reading every module's syntax tree also
catches imports deferred into functions, which an import alone never runs.
"""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tui.cli import build_parser

#: What each layer must never import, at import time or deferred into a function.
FORBIDDEN: dict[str, frozenset[str]] = {
    "hypotheses": frozenset({"evidence", "tui", "textual", "textual_serve", "tinydb", "rich"}),
    "evidence": frozenset({"tui", "textual", "textual_serve", "rich"}),
}

#: Standard-library modules that reach files, processes or the network: the analysis uses none.
IO_MODULES = frozenset({
    "os", "pathlib", "shutil", "tempfile", "glob", "fileinput", "mmap", "subprocess", "socket",
    "ssl", "select", "selectors", "signal", "sqlite3", "dbm", "shelve", "pickle", "urllib", "http",
    "ftplib", "smtplib", "webbrowser", "asyncio", "threading", "multiprocessing", "logging",
    "platformdirs", "importlib", "builtins", "sys",
})
#: Built-in functions that do I/O or run code: `open(...)`, `print(...)`, ...
IO_BUILTINS = frozenset({"open", "input", "print", "exec", "eval", "compile", "__import__", "breakpoint"})
#: Methods that do I/O on whatever object offers them: `path.write_text(...)`, `io.open(...)`, ...
IO_METHODS = frozenset({
    "open", "read_text", "write_text", "read_bytes", "write_bytes", "FileIO", "fdopen", "system", "popen",
})


def modules_of(package: str) -> list[str]:
    """Every module of a package found on disk, subpackages included, without importing any."""
    found = [package]
    path = ROOT.joinpath(*package.split("."))
    for info in pkgutil.iter_modules([str(path)], prefix=f"{package}."):
        found.extend(modules_of(info.name) if info.ispkg else [info.name])
    return found


def source_of(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def parsed(module: str) -> ast.Module:
    return ast.parse(source_of(module).read_text(encoding="utf-8"))


def imported_names(tree: ast.AST) -> set[str]:
    """Top-level package names a module imports anywhere in its body (deferred imports too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


REPORT_MODULES = "import sys, json\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code` from the project root."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT_MODULES}"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return set(json.loads(out.stderr.splitlines()[-1]))


def top_levels(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_every_package_is_found_on_disk() -> None:
    """The discovery itself: it sees modules added late and nested packages."""
    assert {"hypotheses.scoring", "hypotheses.validation"} <= set(modules_of("hypotheses"))
    assert {"evidence.achz", "evidence.csv_matrix", "evidence.history", "evidence.location",
            "evidence.recovery"} <= set(modules_of("evidence"))
    assert {"tui.app", "tui.screens.main", "tui.widgets.matrix"} <= set(modules_of("tui"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_importing_a_layer_loads_nothing_above_it(layer: str) -> None:
    modules = modules_of(layer)
    loaded = loaded_after("\n".join(f"import {m}" for m in modules))
    assert set(modules) <= loaded
    assert not top_levels(loaded) & FORBIDDEN[layer]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_module_imports_a_layer_above_it_even_inside_a_function(layer: str) -> None:
    offenders = {m: sorted(imported_names(parsed(m)) & FORBIDDEN[layer]) for m in modules_of(layer)}
    assert {m: bad for m, bad in offenders.items() if bad} == {}


def project_imports(module: str, known: set[str]) -> set[str]:
    """Project modules that ``module`` imports anywhere (deferred too), but not for type checking only."""
    tree = parsed(module)
    typing_only = {
        id(inner) for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found - {module}


def test_no_import_cycle_even_through_deferred_imports() -> None:
    """A cycle held apart by an import inside a function is still a cycle: there is none."""
    known = {m for layer in ("hypotheses", "evidence", "tui") for m in modules_of(layer)}
    graph = {m: project_imports(m, known) for m in known}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str], done: set[str]) -> None:
        if module in path:
            cycles.append([*path[path.index(module):], module])
            return
        if module in done:
            return
        for dep in sorted(graph[module]):
            visit(dep, [*path, module], done)
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        visit(module, [], done)
    assert [" → ".join(c) for c in cycles] == []


def io_in(tree: ast.AST) -> list[str]:
    """Where a module imports an I/O module or makes an I/O call, as `line: what`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [(node.lineno, f"import {name}") for name in sorted(imported_names(node) & IO_MODULES)]
        elif isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id in IO_BUILTINS) or (
                isinstance(func, ast.Attribute) and func.attr in IO_METHODS
            ):
                found.append((node.lineno, f"{ast.unparse(func)}()"))
    return [f"{line}: {what}" for line, what in sorted(found)]


def test_the_io_check_catches_io() -> None:
    """The check below would see the usual ways of touching a file, deferred or not."""
    code = (
        "import os\nfrom pathlib import Path\n"
        "def f(p):\n    import shutil\n    with open(p) as fh:\n"
        "        return Path(p).read_text() + fh.read()\n"
        "def g():\n    print('x')\n"
    )
    assert io_in(ast.parse(code)) == [
        "1: import os", "2: import pathlib", "4: import shutil", "5: open()", "6: Path(p).read_text()",
        "8: print()",
    ]
    assert io_in(ast.parse("import io, re\nbuf = io.StringIO()\nbuf.write(re.compile('x').pattern)\n")) == []


def test_the_analysis_does_no_io() -> None:
    """hypotheses/ computes from what it is given: no files, processes, network or printing."""
    found = {m: io_in(parsed(m)) for m in modules_of("hypotheses")}
    assert {m: where for m, where in found.items() if where} == {}


#: Commands that open the workbench (bare `weigh` is one too): they are allowed Textual.
INTERACTIVE = frozenset({"serve"})


def _runs(tmp: Path) -> dict[str, list[list[str]]]:
    """A real run of every non-interactive command, on a temporary database (made here:
    commands that only read never create one)."""
    from evidence.seed import open_store

    db, out = str(tmp / "d.json"), str(tmp / "case.json")
    open_store(Path(db)).close()
    return {
        "cases": [["cases", "--db", db]],
        "export": [["export", "--db", db, "--format", "md"],
                   ["export", "--db", db, "--format", "case", "-o", out]],
        "import": [["import", "--db", db, out, "--case", "copy"]],
        "delete": [["delete", "--db", db, "copy", "--yes"]],
        "make-team": [["make-team", "--db", db, "--analyst", "ana"]],
        "merge": [["merge", out, out, out]],
        "sync": [["sync", "--db", db, str(tmp / "shared.json")]],
    }


def test_non_interactive_commands_do_not_import_textual(tmp_path: Path) -> None:
    subcommands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert subcommands is not None
    runs = _runs(tmp_path)
    assert set(subcommands) - INTERACTIVE == set(runs), "give every new command a run in _runs"
    code = "from tui.cli import main\n" + "".join(
        f"assert main({argv!r}) == 0, {argv!r}\n" for argvs in runs.values() for argv in argvs
    )
    loaded = loaded_after(code)
    assert {"tui.cli", "evidence.store", "evidence.importing"} <= loaded
    assert not top_levels(loaded) & {"textual", "textual_serve"}
    assert not {m for m in loaded if m.startswith(("tui.screens", "tui.widgets", "tui.app"))}


def test_the_command_module_loads_neither_pydantic_nor_textual() -> None:
    """`weigh --help` and a usage error stay light, and bare `weigh` imports pydantic and the
    models only under the app's collector pause (``cmd_tui``), not before it; the file formats
    load with the commands' parsers (``build_parser``), which bare `weigh` does without."""
    loaded = loaded_after("import tui.cli")
    assert {"tui.cli", "hypotheses.scoring_models"} <= loaded
    assert "evidence.formats" not in loaded
    assert not top_levels(loaded) & {"pydantic", "pydantic_core", "textual", "rich", "tinydb"}
    assert "hypotheses.models" not in loaded


def test_the_code_points_to_nothing_outside_the_repository() -> None:
    """The README explains the project: no module, test, stylesheet, setting or README cites a
    file that a clone does not have (a design note, a shared folder; hypotheses/README said
    "DESIGN's formulas")."""
    outside = re.compile(r"\bDESIGN\b|\.\./shared|shared/notes")
    files = [p for folder in ("hypotheses", "evidence", "tui", "tests") for p in (ROOT / folder).rglob("*")
             if p.suffix in (".py", ".tcss", ".toml", ".cfg", ".ini", ".md")]
    found = [f"{p.relative_to(ROOT)}:{n}" for p in [*files, ROOT / "pyproject.toml", ROOT / "README.md"]
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if outside.search(line) and p != Path(__file__)]
    assert found == []


def test_the_readme_is_for_users_and_each_package_explains_itself() -> None:
    """The README stays short enough to read (≤ 16,000 bytes): how the code works lives beside
    it, a README.md per package and one for the benchmarks."""
    assert len((ROOT / "README.md").read_bytes()) <= 16_000
    for folder in ("hypotheses", "evidence", "tui", "tests/benchmarks"):
        assert (ROOT / folder / "README.md").stat().st_size > 0, folder


def test_the_workbench_shell_draws_before_the_models_load() -> None:
    """The app and the workbench's screen, with every widget of its shell, import no pydantic,
    no models and no store: the shell is on screen while a worker loads them with the case
    (``tui.opening``)."""
    loaded = loaded_after("import tui.app, tui.screens.main")
    assert {"tui.keys", "tui.widgets.matrix", "hypotheses.scoring"} <= loaded
    assert "textual" in top_levels(loaded)
    assert not top_levels(loaded) & {"pydantic", "pydantic_core", "tinydb"}
    assert not loaded & {"hypotheses.models", "evidence.store", "evidence.operations"}


#: What bare `weigh` loads only once the case is on screen: the edit records and their words,
#: the trail's replay, merging, a bad file's words, the hypothesis view's analysis, the reports,
#: the file formats (only the commands' parsers and the dialogs list them); and, on a database
#: that exists, the bundled case's parser.
AFTER_THE_CASE_FRAME = frozenset({
    "evidence.operations", "evidence.history", "hypotheses.merge", "hypotheses.validation",
    "hypotheses.explain", "hypotheses.report", "evidence.case_file", "evidence.formats",
})

# Bare `weigh` on a headless terminal. sys.modules is taken by the first callback the app
# or a widget scheduled for after a refresh once the database opened: it runs when the case
# is drawn, before any of the work that waits for that frame (a worker that callback starts
# could otherwise import meanwhile). Then a rating key, once that work is done.
FIRST_FRAME_CHILD = """
import json, sys
from textual.message_pump import MessagePump
from tui.app import WeighApp
from tui.cli import main

drawn, opened, built = [], [], []
# models opening a database in weigh's own layout never validates with: built when first used
UNUSED = (("evidence.database", "DbFile"), ("evidence.case_lines", "DbHead"),
          ("evidence.case_state", "SyncBase"))
schedule, on_opened, run = (MessagePump.call_after_refresh, WeighApp.on_weigh_app_database_opened,
                            WeighApp.run)

def after_refresh(self, callback, *args, **kwargs):
    if not opened:
        return schedule(self, callback, *args, **kwargs)
    def first_after_the_frame():
        if not drawn:
            drawn.append(sorted(sys.modules))
            built.extend(f"{module}.{name}" for module, name in UNUSED
                         if getattr(sys.modules[module], name).__pydantic_complete__)
        return callback(*args, **kwargs)
    return schedule(self, first_after_the_frame)

def database_opened(self, message):
    opened.append(True)
    on_opened(self, message)

async def rate(pilot):
    app = pilot.app
    for _ in range(500):
        if drawn and app.screen.loaded:
            break
        await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    records = sys.modules.get("evidence.operations")  # before any key: the first edit does not wait
    ready = records is not None and records.Rate.__pydantic_complete__
    case_id, (eid, hid) = app.screen.case_id, app.screen.matrix.current()
    was = app.store.case(case_id).item(eid).ratings.get(hid)
    await pilot.press("i" if was == "C" else "c")
    now = app.store.case(case_id).item(eid).ratings.get(hid)
    print(json.dumps({"drawn": drawn[0], "built": built, "ready": ready, "rated": [was, now]}))
    await pilot.press("ctrl+q")

MessagePump.call_after_refresh = after_refresh
WeighApp.on_weigh_app_database_opened = database_opened
WeighApp.run = lambda self: run(self, headless=True, size=(160, 48), auto_pilot=rate)
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_the_case_frame_loads_no_edit_record_and_the_first_edit_finds_them_loaded(tmp_path: Path) -> None:
    """Bare `weigh` draws the case without the edit records' classes, the trail's words or the
    merge: the store types no record to open a database whose journal is empty, and the detail
    pane reads the trail once the case shows; nor does it build the validators of the models
    a database in weigh's own layout does not need (the whole-file one, the one for a file
    without evidence, a sync's base). Then the app loads the records before any key
    (``WeighApp._ready_first_edit``), and a rating is saved."""
    from evidence.seed import open_store

    db = tmp_path / "weigh.json"
    open_store(db).close()
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME_CHILD, str(db)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=env, timeout=60)
    seen = json.loads(out.stdout.splitlines()[-1])
    drawn = set(seen["drawn"])
    assert {"tui.cli", "evidence.store", "hypotheses.models", "tui.screens.main", "tui.edit_session"} <= drawn
    assert drawn & AFTER_THE_CASE_FRAME == set()
    assert seen["built"] == []
    assert seen["ready"]
    was, now = seen["rated"]
    assert now == ("I" if was == "C" else "C")


def test_opening_the_database_loads_no_file_format_parser(tmp_path: Path) -> None:
    """The workbench's worker opens the database and scores its case without the XML parser
    (the .achz importer loads it) or the screen that says why a database did not open."""
    db, state = tmp_path / "weigh.json", tmp_path / "state.json"
    loaded = loaded_after("from pathlib import Path\nfrom tui.opening import open_workbench\n"
                          f"assert open_workbench(Path({str(db)!r}), Path({str(state)!r})).session\n")
    assert {"evidence.store", "hypotheses.models", "evidence.parse_errors"} <= loaded
    assert not loaded & {"xml.etree.ElementTree", "xml.parsers.expat", "tui.screens.open_error"}


def test_the_command_turns_pydantics_plugin_scan_off_unless_told_otherwise(tmp_path: Path) -> None:
    """weigh uses no pydantic plugin: its command sets pydantic's switch, so the first model
    built does not read every installed package's metadata; a value the user set stands."""
    db = str(tmp_path / "weigh.json")
    run = ("import os\nfrom pathlib import Path\nfrom evidence.seed import open_store\n"
           f"open_store(Path({db!r})).close()\nfrom tui.cli import main\n"
           f"assert main(['cases', '--db', {db!r}]) == 0\n"
           "print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'), file=sys.stderr)\n")
    for given, kept in ((None, "__all__"), ("logfire", "logfire")):
        env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        if given is not None:
            env["PYDANTIC_DISABLE_PLUGINS"] = given
        out = subprocess.run([sys.executable, "-c", f"import sys\n{run}"], capture_output=True,
                             text=True, check=True, cwd=ROOT, env=env)
        assert out.stderr.splitlines()[-1] == kept
