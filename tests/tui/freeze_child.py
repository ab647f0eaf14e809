"""The body of the test that a workbench opening its second case collects what the first
case's freeze kept (``test_main_open.py``), run in a Python of its own.

The collection it tests is a full pass over everything frozen. In a test worker that is
every object the earlier tests left, about a second of CPU per hundred tests before it;
here it is what one workbench leaves. Prints ``ok`` once every check held.

Run as ``python -m tests.tui.freeze_child DATABASE STATE_FILE``; the database holds the
bundled case and a case ``other`` titled "Other case".
"""

from __future__ import annotations

import asyncio
import gc
import sys
import weakref
from pathlib import Path

from textual.app import App

from tests.tui.conftest import flat_text, opened
from tui.app import WeighApp


class Node:
    me: object = None


async def main(db: Path, state_file: Path) -> None:
    cycle = Node()
    cycle.me = cycle  # only the cyclic GC can free this
    alive = weakref.ref(cycle)
    app = WeighApp(db, state_file=state_file)
    async with App.run_test(app, size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.pause()
        assert gc.get_freeze_count() > 0, "the open case is out of the GC's way"
        del cycle  # garbage now, but frozen with the first case
        gc.collect()
        assert alive() is not None, "a frozen object was collected"
        app.screen._case_chosen("other")  # type: ignore[attr-defined]
        await pilot.pause()
        assert alive() is None, "the next open did not collect it before freezing again"
        assert "Other case" in flat_text(app), "the other case is not shown"
        await pilot.press("ctrl+q")
    print("ok")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
