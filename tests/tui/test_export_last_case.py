"""`weigh export` with no --case exports the case the analyst last had open in the
workbench, not the bundled one: open a case of your own, quit, export."""

from __future__ import annotations

import os
from pathlib import Path

from evidence.seed import open_store
from hypotheses.models import Case, Hypothesis
from tests.conftest import ROOT, weigh_text
from tui.app import WeighApp


async def test_export_without_case_takes_the_case_last_open(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    store = open_store(db)  # the bundled case, and one of the analyst's own
    store.put_case(Case(id="my-case", title="My own case", question="What now?",
                        hypotheses=[Hypothesis(id="H1", title="One")]))
    store.close()
    env = dict(os.environ, WEIGH_DB=str(db), PYTHONPATH=str(ROOT), XDG_STATE_HOME=str(tmp_path / "state"))

    before = weigh_text(env, "export", "--format", "md")
    assert before.stdout.startswith("# Why the spring-2022 Istanbul peace talks collapsed"), before.stderr

    app = WeighApp(db, state_file=tmp_path / "state" / "weigh" / "state.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")  # the case switcher
        await pilot.pause()
        await pilot.press("down", "enter")  # my-case
        await pilot.pause()
        await pilot.press("ctrl+q")

    after = weigh_text(env, "export", "--format", "md")
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("# My own case")
    named = weigh_text(env, "export", "--format", "md", "--case", "istanbul-2022")
    assert named.stdout.startswith("# Why the spring-2022 Istanbul peace talks collapsed")
