"""Shared fixtures: small hand-built cases whose scores are worked out by hand."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from hypotheses.models import Case, Evidence, Hypothesis

ROOT = Path(__file__).resolve().parent.parent
# Hypothesis's deadline and its too-slow health check time examples by the wall clock:
# on a busy machine they fail tests that are right. Bounded example counts keep the cost.
settings.register_profile("weigh", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("weigh")
# The suite runs `weigh` and other Python children hundreds of times and imports its test
# modules in every worker: where the environment says not to keep bytecode
# (PYTHONDONTWRITEBYTECODE, as in some sandboxes), each of them compiled the same sources
# again. Python's own caches (__pycache__, git-ignored) change nothing a test checks; the
# xdist workers and every child inherit this environment.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
# Who every test (and every `weigh` it runs) acts as, whoever runs the suite: the audit
# trail names it, so screens and files must not depend on the login name.
os.environ["WEIGH_ANALYST"] = "tester"
#: Long enough for a cold start on a machine loaded many times over; only a hung command
#: fails the test.
CLI_TIMEOUT = 180


#: The day the workbench and the reports judge "overdue" by in this process's tests: the
#: bundled case's indicators fall due from 2027-06-30, and no picture or message may change
#: with the day the suite runs.
TODAY = date(2026, 12, 7)


class _FixedToday(date):
    @classmethod
    def today(cls) -> _FixedToday:
        return cls(TODAY.year, TODAY.month, TODAY.day)


@pytest.fixture(autouse=True)
def _today_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where weigh asks for today's date (the view state and the findings), it gets TODAY."""
    import hypotheses.summary
    import tui.view_state

    monkeypatch.setattr(tui.view_state, "date", _FixedToday)
    monkeypatch.setattr(hypotheses.summary, "date", _FixedToday)


@pytest.fixture(autouse=True)
def _notices_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every toast an app raises for :func:`notices`. Textual drops a toast once its
    timeout has passed on the wall clock, which on a busy machine can be before the test
    looks; a test must not depend on the clock."""
    from textual.app import App
    from textual.notifications import SeverityLevel

    from tests.tui.host import RAISED

    original = App.notify

    def notify(self: App[object], message: str, *, title: str = "",
               severity: SeverityLevel = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        RAISED.setdefault(self, []).append(message)
        original(self, message, title=title, severity=severity, timeout=timeout, markup=markup)

    monkeypatch.setattr(App, "notify", notify)


def weigh(env: dict[str, str], *args: str, umask: int = -1) -> subprocess.CompletedProcess[bytes]:
    """Run the `weigh` command as a user does: its own process, on the environment's database."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        env=env, cwd=ROOT, capture_output=True, timeout=CLI_TIMEOUT, umask=umask, check=False,
    )


def weigh_text(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`weigh` with its output read as UTF-8 text."""
    done = weigh(env, *args)
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )


#: One Python running `weigh`'s main once per argument list given as JSON, each with its own
#: output and errors, and printing what each returned.
_BATCH = """\
import io, json, sys
from tui.cli import main
done = []
for args in json.loads(sys.argv[1]):
    out, err = io.TextIOWrapper(io.BytesIO(), "utf-8"), io.TextIOWrapper(io.BytesIO(), "utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    out.flush(), err.flush()
    done.append([code, out.buffer.getvalue().decode("utf-8"), err.buffer.getvalue().decode("utf-8")])
print(json.dumps(done))
"""


def weigh_batch(env: dict[str, str], *calls: list[str],
                umask: int = -1) -> list[subprocess.CompletedProcess[str]]:
    """`weigh` run in one child process once per argument list, in order: for refusals that
    a regression could turn into a hang (a FIFO opened to write, a server that starts), where
    the child's timeout fails the test instead of the suite, without a new Python per check."""
    ran = subprocess.run(
        [sys.executable, "-c", _BATCH, json.dumps([list(args) for args in calls])],
        env=env, cwd=ROOT, capture_output=True, timeout=CLI_TIMEOUT, umask=umask, check=False,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    return [subprocess.CompletedProcess(["weigh", *args], code, out, err)
            for args, (code, out, err) in zip(calls, json.loads(ran.stdout), strict=True)]


def make_case(ratings: dict[str, dict[str, str]], **per_item: dict) -> Case:
    """A case from {evidence id: {hypothesis id: code}}; extra fields per item by id."""
    hids = sorted({h for r in ratings.values() for h in r})
    return Case(
        id="t",
        title="Test case",
        hypotheses=[Hypothesis(id=h, title=f"Hypothesis {h}") for h in hids],
        evidence=[
            Evidence(id=eid, title=f"Item {eid}", ratings=r, **per_item.get(eid, {}))
            for eid, r in ratings.items()
        ],
    )


@pytest.fixture
def case_a() -> Case:
    """Worked example A (see tests/test_scoring.py for the arithmetic)."""
    return Case(
        id="a",
        title="Example A",
        hypotheses=[Hypothesis(id=h, title=f"Hypothesis {h}") for h in ("H1", "H2", "H3")],
        evidence=[
            Evidence(id="E1", title="one", ratings={"H1": "C", "H2": "I", "H3": "II"},
                     event_date="2022-03-01"),
            Evidence(id="E2", title="two", credibility="high",
                     ratings={"H1": "I", "H2": "C", "H3": "N"}, event_date="2022-03-10"),
            Evidence(id="E3", title="three", credibility="low", relevance="high",
                     ratings={"H1": "NA", "H2": "II", "H3": "C"}),
        ],
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running `weigh` as a subprocess on a temporary database, which
    exists (seeded, as the workbench leaves it): commands that only read never create one."""
    from evidence.seed import open_store

    env = dict(os.environ)
    env["WEIGH_DB"] = str(tmp_path / "weigh.json")
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_STATE_HOME"] = str(tmp_path / "state")  # the workbench's memory, not the user's
    open_store(tmp_path / "weigh.json").close()
    return env


WeighRun = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def weigh_here(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str]) -> WeighRun:
    """`weigh` run inside the test's process (``tui.cli.main``) on ``cli_env``'s database,
    as a finished process (exit status, output, errors): for what a command computes or
    refuses. A new Python per check would time only Python's start-up; each user flow
    still runs the real command (:func:`weigh`), which is what tests the process itself."""
    from tui.cli import main

    for name in ("WEIGH_DB", "XDG_STATE_HOME", "WEIGH_ANALYST"):
        monkeypatch.setenv(name, cli_env[name])

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["weigh", *args], code, out, err)

    return run


@pytest.fixture(autouse=True, scope="session")
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the real user's weigh: its default database, its memory of
    the last case and export folder, its documents folder (the XDG folders), nor takes a
    database from the environment the suite ran in (the analyst is "tester", above). A
    test that needs them sets its own (the workbench's tests give each its own state)."""
    user = tmp_path_factory.mktemp("user")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_DOCUMENTS_DIR"):
            (user / name.lower()).mkdir()  # a documents folder that is missing falls back to home
            mp.setenv(name, str(user / name.lower()))
        mp.delenv("WEIGH_DB", raising=False)
        yield


_GC_THRESHOLD = gc.get_threshold()


@pytest.fixture(autouse=True)
def _gc_frozen_between_tests() -> Iterator[None]:
    """Freeze what each test leaves, and give the collector back its thresholds.

    A test worker keeps what every earlier test left (modules, caches, apps' cycles not
    yet collected): a million objects and more, which each of the collector's full
    passes walked again, about a second each, 18 s of the suite's CPU. Frozen, a full
    pass walks only what the running test made. What a test leaves as cyclic garbage
    stays frozen (a worker peaks at about 0.6 GB). The workbench freezes too (see
    ``hypotheses.gc_policy``); its collection of everything frozen on opening a second
    case is skipped in the TUI tests (tests/tui/conftest.py), and the workbench leaves
    full passes to itself, so the default thresholds come back here.
    """
    yield
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLD)
